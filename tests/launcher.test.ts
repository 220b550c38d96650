/**
 * bin/run.js and bin/build.js, on a throw-away project of two entry points: the compiled code
 * is never older than its sources, and an entry point's main block runs only in its own run.
 */
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
let project: string;

function write(path: string, text: string): void {
  writeFileSync(join(project, path), text);
}

function run(entry: string, ...args: string[]) {
  return spawnSync(process.execPath, ['bin/run.js', entry, ...args], { cwd: project, encoding: 'utf8' });
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'launcher-'));
  cpSync(join(ROOT, 'bin'), join(project, 'bin'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  write('package.json', JSON.stringify({ name: 'launcher-test', private: true, scripts: { greet: 'node bin/run.js scripts/greet.ts' } }));
  write('tsconfig.json', '{}');
  for (const dir of ['lib', 'stacks', 'scripts', 'sim']) mkdirSync(join(project, dir));
  write('lib/greeting.ts', "export const greeting: string = 'hello';\n");
  write('scripts/shout.ts', "import { greeting } from '../lib/greeting';\nexport const shout = (name: string): string => `${greeting} ${name}`.toUpperCase();\nif (require.main === module) process.stdout.write('shout main ran\\n');\n");
  write('scripts/greet.ts', "import { shout } from './shout';\nif (require.main === module) process.stdout.write(`${shout(process.argv[2])}\\n`);\n");
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

test('runs an entry point with its arguments, and the main block of an entry point it imports does not run', () => {
  const result = run('scripts/greet.ts', 'bank');
  expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: 'HELLO BANK\n', stderr: '' });
  expect(run('scripts/shout.ts').stdout).toBe('shout main ran\n');
});

test('an edited source is compiled again before it runs, never run stale', () => {
  expect(run('scripts/greet.ts', 'bank').stdout).toBe('HELLO BANK\n');
  write('lib/greeting.ts', "export const greeting: string = 'goodbye';\n");
  // Same size as before is not enough to hide the edit: the modification time differs too.
  utimesSync(join(project, 'lib/greeting.ts'), new Date(), new Date(Date.now() + 5_000));
  expect(run('scripts/greet.ts', 'bank').stdout).toBe('GOODBYE BANK\n');
});

test('a deleted source is noticed: its importer fails instead of running the old build', () => {
  write('scripts/lonely.ts', "import { greeting } from '../lib/gone';\nprocess.stdout.write(`${greeting}\\n`);\n");
  write('lib/gone.ts', "export const greeting = 'still here';\n");
  expect(run('scripts/lonely.ts').stdout).toBe('still here\n');
  rmSync(join(project, 'lib/gone.ts'));
  const result = run('scripts/lonely.ts');
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/could not compile scripts\/lonely\.ts: .*Could not resolve "\.\.\/lib\/gone"/s);
});

test('refuses an entry-point check it cannot compile away, naming the file', () => {
  write('scripts/odd.ts', "export const odd = 1;\nif (module === require.main) process.stdout.write('odd main ran\\n');\n");
  write('scripts/uses-odd.ts', "import { odd } from './odd';\nprocess.stdout.write(`${odd}\\n`);\n");
  const result = run('scripts/uses-odd.ts');
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('scripts/odd.ts: write the entry-point check as `if (require.main === module)`');
});

test('exits 2 with usage for a path outside the entry-point directories or a missing file', () => {
  expect(run('README.md')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^usage: node bin\/run\.js/) });
  expect(run('scripts/missing.ts')).toMatchObject({ status: 2, stderr: 'node bin/run.js: scripts/missing.ts does not exist\n' });
});

test('a compiled file cut short or written to since its build is compiled again before it runs, with a notice', () => {
  const greeting = run('scripts/greet.ts', 'bank').stdout;
  expect(greeting).toMatch(/^[A-Z]+ BANK\n$/);
  // The build just run: the newest greet.js (older builds are kept for commands still running).
  const [build] = readdirSync(join(project, 'dist'))
    .filter((name) => /^[0-9a-f]{16}$/.test(name) && existsSync(join(project, 'dist', name, 'scripts', 'greet.js')))
    .sort((a, b) => statSync(join(project, 'dist', b, 'scripts', 'greet.js')).mtimeMs - statSync(join(project, 'dist', a, 'scripts', 'greet.js')).mtimeMs);
  const compiled = join(project, 'dist', build, 'scripts', 'greet.js');
  const whole = readFileSync(compiled);
  for (const damaged of [whole.subarray(0, 40), Buffer.concat([whole, Buffer.from('garbage(\n')])]) {
    writeFileSync(compiled, damaged);
    const result = run('scripts/greet.ts', 'bank');
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: greeting });
    expect(result.stderr).toBe(`bin/build.js: dist/${build}/scripts/greet.js does not end as bin/build.js writes it (cut short or changed since); compiling it again\n`);
    expect(readFileSync(compiled).equals(whole)).toBe(true);
  }
  expect(run('scripts/greet.ts', 'bank')).toMatchObject({ status: 0, stdout: greeting, stderr: '' });
});

test('a test helper a benchmark compiles in is part of the fingerprint: an edit there is never run stale', () => {
  mkdirSync(join(project, 'tests', 'helpers'), { recursive: true });
  write('tests/helpers/word.ts', "export const word = 'first';\n");
  write('scripts/uses-helper.ts', "import { word } from '../tests/helpers/word';\nprocess.stdout.write(`${word}\\n`);\n");
  expect(run('scripts/uses-helper.ts').stdout).toBe('first\n');
  write('tests/helpers/word.ts', "export const word = 'later';\n");
  utimesSync(join(project, 'tests/helpers/word.ts'), new Date(), new Date(Date.now() + 5_000));
  expect(run('scripts/uses-helper.ts').stdout).toBe('later\n');
});

test('npm\'s prepare step builds every entry point an npm script runs, into one directory per source state', () => {
  const result = spawnSync(process.execPath, ['bin/build.js'], { cwd: project, encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^compiled 1 entry points to dist\/[0-9a-f]{16}\n$/);
  const build = result.stdout.trim().split('/').pop()!;
  expect(readdirSync(join(project, 'dist', build, 'scripts'))).toContain('greet.js');
});

test('a large package a command imports is evaluated at its first use, not when the command starts', () => {
  // Evaluating the Fabric protobufs defines the global `proto` (google-protobuf's namespace).
  write(
    'scripts/deferred.ts',
    [
      "import { msp } from '@hyperledger/fabric-protos';",
      "import { GetParameterCommand } from '@aws-sdk/client-ssm';",
      "const before = typeof (globalThis as { proto?: unknown }).proto;",
      "if (process.argv[2] !== 'use') process.stdout.write(`${before}\\n`);",
      'else {',
      "  const identity = new msp.SerializedIdentity();",
      "  identity.setMspid('BankMSP');",
      "  const decoded = msp.SerializedIdentity.deserializeBinary(identity.serializeBinary()).getMspid();",
      "  const command = new GetParameterCommand({ Name: '/amb/bank' });",
      "  process.stdout.write(`${before} ${typeof (globalThis as { proto?: unknown }).proto} ${decoded} ${command.input.Name}\\n`);",
      '}',
      '',
    ].join('\n'),
  );
  expect(run('scripts/deferred.ts')).toMatchObject({ status: 0, stdout: 'undefined\n', stderr: '' });
  expect(run('scripts/deferred.ts', 'use')).toMatchObject({ status: 0, stdout: 'undefined object BankMSP /amb/bank\n', stderr: '' });
  // A damaged record of the packages' export names is not trusted: the next build reads them again.
  const records = readdirSync(join(project, 'dist')).filter((name) => /^deferred-exports-[0-9a-f]{16}\.json$/.test(name));
  expect(records).toHaveLength(1);
  writeFileSync(join(project, 'dist', records[0]), '{}');
  utimesSync(join(project, 'scripts/deferred.ts'), new Date(), new Date(Date.now() + 10_000));
  expect(run('scripts/deferred.ts', 'use')).toMatchObject({ status: 0, stdout: 'undefined object BankMSP /amb/bank\n', stderr: '' });
  expect(JSON.parse(readFileSync(join(project, 'dist', records[0]), 'utf8'))['@hyperledger/fabric-protos'].names).toContain('msp');
});

test("fabric-protos' kept comments are written in ASCII, so the bundle reads as one-byte text; the project's strings stay as written", () => {
  write(
    'scripts/gateway.ts',
    [
      "import { GatewayService } from '@hyperledger/fabric-protos/lib/gateway/gateway_grpc_pb';",
      'const raw = String.raw`naïve\\n`;',
      "process.stdout.write(`${GatewayService.commitStatus.path} ${JSON.stringify({ plain: 'café', raw })}\\n`);",
      '',
    ].join('\n'),
  );
  const result = run('scripts/gateway.ts');
  expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '/gateway.Gateway/CommitStatus {"plain":"café","raw":"naïve\\\\n"}\n' });
  // Earlier tests leave other builds, some without scripts/ (a build that failed).
  const compiledFile = readdirSync(join(project, 'dist'))
    .map((name) => join(project, 'dist', name, 'scripts', 'gateway.js'))
    .find((path) => existsSync(path));
  const compiled = readFileSync(compiledFile!, 'utf8');
  expect(compiled).toContain("It will wait for the commit to occur if it hasn\\u2019t already");
  // The raw template is the one place esbuild keeps a non-ASCII character, and it is left alone.
  expect(compiled.match(/[^\x00-\x7f]/g)).toEqual(['ï']);
});

test("every npm script's bundle but identities' is ASCII, so Node.js reads it as one-byte text", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require(join(ROOT, 'bin', 'build.js')) as { scriptEntries(): string[]; compiledEntries(sources: string[]): Promise<string[]> };
  const entries = build.scriptEntries();
  const compiled = await build.compiledEntries(entries);
  const notAscii = entries.filter((_, index) => !isAscii(readFileSync(compiled[index])));
  // identities bundles jsrsasign, whose regular expression /[\u0000-\u001F\u0080–\u009F]/ holds an en dash.
  expect(notAscii).toEqual(['scripts/identities.ts']);
});

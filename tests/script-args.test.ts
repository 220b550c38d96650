/**
 * The scripts configured by their environment (synth, validate, schema, the benchmarks), as
 * npm runs them: `--help` prints what the script does and runs nothing; anything they do not
 * take exits 2 with the argument named and the usage.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputOf, RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');
const SCRIPTS = ['synth', 'validate', 'schema', 'bench', 'bench:sim', 'bench:voter', 'bench:governance', 'bench:config', 'bench:offchain', 'bench:archive', 'bench:fabric'];

/** The entry point package.json gives an npm script (`node bin/run.js <entry>`). */
function entryOf(script: string): string {
  const command: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts[script];
  const match = /^node bin\/run\.js (\S+\.ts)$/.exec(command);
  if (!match) throw new Error(`package.json: ${script} is not "node bin/run.js <entry>.ts": ${command}`);
  return match[1];
}

/** Runs an npm script's entry point as npm does; several at once, as the machine allows. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return outputOf(spawn(process.execPath, [RUN_ENTRY, entryOf(script), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

test('--help of every such script prints its usage and does nothing else, exit 0', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'script-args-')), 'out');
  try {
    const results = await Promise.all(SCRIPTS.map((script) => run(script, ['--help'], { CDKTF_OUTDIR: out })));
    results.forEach((result, index) => {
      expect({ script: SCRIPTS[index], status: result.status, stderr: result.stderr }).toEqual({ script: SCRIPTS[index], status: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${SCRIPTS[index]}\\b.*\\n(.+\\n)+$`));
    });
    // synth's --help writes no stack.
    expect(existsSync(out)).toBe(false);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});

test('an argument a script does not take exits 2, naming it, before the script does anything', async () => {
  const cases: [string, string[], RegExp][] = [
    ['synth', ['--bogus'], /^unknown argument "--bogus" \(allowed: only --help or -h\)\nusage: npm run synth\n/],
    ['schema', ['--chek'], /^unknown argument "--chek" \(allowed: --check, --help or -h\)\nusage: npm run schema/],
    ['bench', ['--only'], /^Option '--only <value>' argument missing\nusage: npm run bench /],
    ['bench', ['--bogus'], /^Unknown option '--bogus'\nusage: npm run bench /],
    ['bench:offchain', ['256'], /^unknown argument "256" \(allowed: only --help or -h\)\nusage: npm run bench:offchain\n/],
    ['bench:fabric', ['--runs', '2', 'x'], /^got "--runs 2 x" \(allowed: nothing, or --runs N with N a whole number >= 1\)\nusage: npm run bench:fabric/],
  ];
  const results = await Promise.all(cases.map(([script, args]) => run(script, args)));
  results.forEach((result, index) => {
    const [script, args, message] = cases[index];
    expect({ script, args, status: result.status, stdout: result.stdout }).toEqual({ script, args, status: 2, stdout: '' });
    expect(result.stderr).toMatch(message);
  });
});

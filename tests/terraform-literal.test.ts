/**
 * Text from YAML reaches Terraform literally. Property: every free-text field of the config
 * spec (every string field whose spec admits `${` and `%{`), set to a value holding both,
 * still synthesizes, passes `terraform validate`, and Terraform's own reading of the
 * synthesized strings gives back the value as written, which is what AWS receives.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NETWORK_RECORD_KEY } from '../lib/config/network-record';
import { recordInYamlFile } from '../lib/config/record';
import { CONSORTIUM_SPEC, MEMBER_SPEC, type FieldSpec, type StringSpec } from '../lib/config/spec';
import { synthesize } from '../stacks/main';
import { terraformLiteral, terraformLiterals } from '../stacks/terraform-literal';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { offlineTerraformEnv, requireTool, withAttachedProvider } from './helpers/tools';

const execFileAsync = promisify(execFile);

interface FreeTextField {
  readonly file: 'consortium.yaml' | 'filmmaker.yaml';
  readonly path: readonly (string | number)[];
  readonly value: string;
}

/** Values holding both template sequences, in shapes that pattern-restricted fields may still accept. */
const SHAPES = [(tag: string) => `Pays royalties for \${${tag}} at 100%{${tag}}`, (tag: string) => `cron(0 \${${tag}} %{${tag}} * ? *)`];

function accepts(spec: StringSpec, value: string): boolean {
  if (spec.enum) return false;
  if (spec.pattern && !spec.pattern.test(value)) return false;
  return value.length >= (spec.minLength ?? 0) && value.length <= (spec.maxLength ?? Infinity);
}

/** Every string field of a spec (map values included) that accepts `${` and `%{`, with such a value. */
function freeTextFields(spec: FieldSpec, file: FreeTextField['file'], path: (string | number)[], found: FreeTextField[]): FreeTextField[] {
  if (spec.type === 'object') {
    for (const [key, child] of Object.entries(spec.properties)) {
      // The network record is written by sync from AMB, never by hand; it follows the network's own fields.
      if (file === 'consortium.yaml' && path.length === 0 && key === NETWORK_RECORD_KEY) continue;
      freeTextFields(child, file, [...path, key], found);
    }
  } else if (spec.type === 'array') {
    freeTextFields(spec.items, file, [...path, 0], found);
  } else if (spec.type === 'map') {
    freeTextFields(spec.values, file, [...path, 'team'], found);
  } else if (spec.type === 'string') {
    const tag = `f${found.length}`;
    const value = SHAPES.map((shape) => shape(tag)).find((candidate) => accepts(spec, candidate));
    if (value !== undefined) found.push({ file, path, value });
  }
  return found;
}

const FIELDS = [...freeTextFields(CONSORTIUM_SPEC, 'consortium.yaml', [], []), ...freeTextFields(MEMBER_SPEC, 'filmmaker.yaml', [], [])];
// Arrays of free text have no item in the sample to set; none exist in the spec today.
const SETTABLE = FIELDS.filter((field) => !field.path.includes(0));

test('terraformLiteral escapes ${ and %{ and nothing else; terraformLiterals reaches every nested string', () => {
  expect(terraformLiteral('a ${b} %{c} $d %e {f} $${g}')).toBe('a $${b} %%{c} $d %e {f} $$${g}');
  expect(terraformLiterals({ list: ['${x}'], nested: { text: '%{y}', count: 3, flag: true } })).toEqual({ list: ['$${x}'], nested: { text: '%%{y}', count: 3, flag: true } });
});

describe('free text from every field of the config spec', () => {
  const fixture = new ConsortiumFixture();
  const outdir = mkdtempSync(join(tmpdir(), 'amb-literal-'));
  const stackDir = join(outdir, 'stacks', 'filmmaker');
  let stackJson = '';

  beforeAll(() => {
    // Before the first sync: the record would freeze the network name and description.
    fixture.edit('consortium.yaml', /# Written by `npm run sync`: what the network[^]*$/, '');
    // An identity, so that the identity manager (and its renewal schedule) is in the founder's stack.
    recordInYamlFile(join(fixture.dir, 'filmmaker.yaml'), [{ path: ['identities'], value: [{ name: 'literal-check' }] }]);
    for (const field of SETTABLE) recordInYamlFile(join(fixture.dir, field.file), [{ path: field.path, value: field.value }]);
    synthesize(fixture.load(), outdir);
    stackJson = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
  });

  afterAll(() => {
    fixture.dispose();
    rmSync(outdir, { recursive: true, force: true });
  });

  it('finds the free-text fields of the spec: network description, member description, tag values, voting schedule', () => {
    expect(SETTABLE.map((field) => `${field.file}:${field.path.join('.')}`)).toEqual(
      expect.arrayContaining(['consortium.yaml:network.description', 'filmmaker.yaml:description', 'filmmaker.yaml:voting.schedule', 'filmmaker.yaml:tags.team']),
    );
  });

  it('writes no unescaped ${ or %{ of a config value into the founder stack', () => {
    const tags = SETTABLE.map((_, index) => `f${index}`);
    for (const tag of tags) {
      expect(stackJson).not.toMatch(new RegExp(`(?<!\\$)\\$\\{${tag}\\}`));
      expect(stackJson).not.toMatch(new RegExp(`(?<!%)%\\{${tag}\\}`));
    }
  });

  it('passes terraform validate, and Terraform reads each value back as written', async () => {
    requireTool('terraform');
    const env = offlineTerraformEnv();
    const validate = await withAttachedProvider(JSON.parse(stackJson).terraform.required_providers.aws.version, async (attached) => {
      await execFileAsync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: stackDir, env: attached });
      return execFileAsync('terraform', ['validate', '-no-color'], { cwd: stackDir, env: attached }).catch((error) => error);
    });
    expect(`${validate.stdout}${validate.stderr ?? ''}`).toContain('Success! The configuration is valid.');

    // Every synthesized string that carries a config value and no Terraform reference, as a local Terraform evaluates.
    const carriers = stringsOf(JSON.parse(stackJson)).filter((text) => SETTABLE.some((_, index) => text.includes(`{f${index}}`)) && !/(?<!\$)\$\{(?!\{)/.test(text.replaceAll('$${', '')));
    // Locals need no provider: Terraform evaluates them in a directory of their own, without init.
    const probeDir = join(outdir, 'probe');
    mkdirSync(probeDir);
    writeFileSync(join(probeDir, 'probe.tf.json'), JSON.stringify({ locals: Object.fromEntries(carriers.map((text, index) => [`probe_${index}`, text])) }));
    const expression = `jsonencode([${carriers.map((_, index) => `local.probe_${index}`).join(', ')}])`;
    const consoleRun = await execFileAsync('sh', ['-c', `echo '${expression}' | terraform console -no-color`], { cwd: probeDir, env });
    expect(carriers.length).toBeGreaterThan(0);
    const evaluated: string[] = JSON.parse(JSON.parse(consoleRun.stdout.trim()));
    const reachesAws = (text: string): string[] => [text, ...(text.startsWith('{') ? stringsOf(JSON.parse(text)) : [])];
    const missing = SETTABLE.filter((field) => !evaluated.some((text) => reachesAws(text).includes(field.value)));
    expect(missing).toEqual([]);
  }, 600_000);
});

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

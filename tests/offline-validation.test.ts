/**
 * The synthesized stacks as Terraform and CloudFormation themselves see them:
 * `terraform validate` against the local hashicorp/aws 5.100.0 mirror, and cfn-lint against
 * AWS's resource schemas for every embedded template.
 */
import { execFile } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { synthesize } from '../stacks/main';
import { requireTool, withAttachedProvider } from './helpers/tools';
import { stackVariants } from './helpers/variants';

const execFileAsync = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'amb-synth-'));
const stackDirs: string[] = [];

/**
 * The generated 14-member stacks differ only in names and numbers, so terraform validates its
 * founder and two joiners there, and every stack of the other variants.
 */
const REPRESENTATIVES: Record<string, readonly string[]> = { 'standard-14x3': ['member-01', 'member-02', 'member-14'] };

beforeAll(() => {
  for (const [variant, consortium] of Object.entries(stackVariants())) {
    const outdir = join(root, variant);
    synthesize(consortium, outdir);
    for (const member of readdirSync(join(outdir, 'stacks'))) {
      if (!REPRESENTATIVES[variant] || REPRESENTATIVES[variant].includes(member)) stackDirs.push(join(outdir, 'stacks', member));
    }
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test('every member of every variant has a synthesized stack', () => {
  expect(stackDirs.length).toBeGreaterThanOrEqual(8);
  for (const dir of stackDirs) expect(existsSync(join(dir, 'cdk.tf.json'))).toBe(true);
});

/**
 * One configuration that calls every stack as a module, so that one `terraform validate` loads
 * the provider's schema once (5-6 s of CPU each time) and checks every stack's resources, data
 * sources, outputs and expressions against it. Terraform reads file functions (`filebase64sha256`,
 * `templatefile`) from the working directory, where each stack finds its `assets/`: the assets
 * of all stacks are linked into the configuration's own `assets/`, where their folders, named
 * by content hash, meet only when their bytes are equal.
 */
function validationRoot(): string {
  const dir = join(root, 'validate');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  const modules: Record<string, { source: string }> = {};
  for (const stack of stackDirs) {
    // A relative source: terraform reads the stack where it is (an absolute one it copies first).
    modules[stack.split('/').slice(-3).filter((part) => part !== 'stacks').join('__')] = { source: relative(dir, stack) };
    const assets = join(stack, 'assets');
    if (!existsSync(assets)) continue;
    for (const file of readdirSync(assets, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())) {
      const from = join(file.parentPath, file.name);
      const to = join(dir, 'assets', relative(assets, from));
      if (existsSync(to)) {
        if (!readFileSync(to).equals(readFileSync(from))) throw new Error(`two stacks have different assets at ${relative(assets, from)}`);
        continue;
      }
      mkdirSync(dirname(to), { recursive: true });
      linkSync(from, to);
    }
  }
  const { required_providers } = JSON.parse(readFileSync(join(stackDirs[0], 'cdk.tf.json'), 'utf8')).terraform;
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers }, module: modules }, null, 1));
  return dir;
}

/** Quiet 2-core machine: about 10 s (one provider process, one schema load, then every module). */
const VALIDATE_TIMEOUT_MS = 15 * 60_000;

test(
  'terraform validate passes on every stack, offline, in one run',
  async () => {
    requireTool('terraform');
    const dir = validationRoot();
    const { required_providers } = JSON.parse(readFileSync(join(stackDirs[0], 'cdk.tf.json'), 'utf8')).terraform;
    // One provider process for every module's provider block (one each otherwise, 1.2 s of CPU apiece).
    const result = await withAttachedProvider(required_providers.aws.version, async (env) => {
      await execFileAsync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env });
      return execFileAsync('terraform', ['validate', '-json', '-no-color'], { cwd: dir, env }).catch((error) => error);
    });
    const report = JSON.parse(result.stdout) as { valid: boolean; error_count: number; diagnostics: { severity: string; summary: string; detail?: string; range?: { filename: string } }[] };
    const problems = report.diagnostics.filter((diagnostic) => diagnostic.severity !== 'warning' || diagnostic.summary !== 'Backend configuration ignored');
    expect(problems).toEqual([]);
    expect({ valid: report.valid, errors: report.error_count }).toEqual({ valid: true, errors: 0 });
    // A backend is a root module's setting: called as a module, each stack's is noted and skipped.
    expect(report.diagnostics.map((diagnostic) => diagnostic.range?.filename).sort()).toEqual(stackDirs.map((stack) => join(relative(dir, stack), 'cdk.tf.json')).sort());
  },
  VALIDATE_TIMEOUT_MS,
);

test('cfn-lint reports no error and no warning on any embedded CloudFormation template', async () => {
  requireTool('cfn-lint');
  const templates = join(root, 'templates');
  mkdirSync(templates);
  for (const dir of stackDirs) {
    const stack = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8'));
    for (const [id, cfn] of Object.entries<any>(stack.resource?.aws_cloudformation_stack ?? {})) {
      writeFileSync(join(templates, `${dir.split('/').slice(-3).join('-')}-${id}.json`), cfn.template_body);
    }
  }
  const files = readdirSync(templates).map((name) => join(templates, name));
  expect(files.length).toBeGreaterThanOrEqual(6);
  const result = await execFileAsync('cfn-lint', ['--format', 'parseable', '--regions', 'us-east-1', '--', ...files]).catch((error) => error);
  expect({ exitCode: result.code ?? 0, findings: `${result.stdout}${result.stderr ?? ''}`.trim() }).toEqual({ exitCode: 0, findings: '' });
});

/**
 * The synthesized stacks as Terraform and CloudFormation themselves see them:
 * `terraform validate` against the local hashicorp/aws 5.100.0 mirror, and cfn-lint against
 * AWS's resource schemas for every embedded template.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { synthesize } from '../stacks/main';
import { initProviderOnce, offlineTerraformEnv, requireTool } from './helpers/tools';
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

/** Quiet 2-core machine: about 40 s (each validate loads the provider schema, 5-6 s of CPU). */
const VALIDATE_TIMEOUT_MS = 15 * 60_000;

test(
  'terraform validate passes on every stack, offline, with the provider installed once',
  async () => {
    requireTool('terraform');
    const env = offlineTerraformEnv();
    await initProviderOnce(stackDirs, root, env);
    const failures: string[] = [];
    // Two at a time: each validate is CPU-bound.
    const queue = [...stackDirs];
    const worker = async () => {
      for (let dir = queue.shift(); dir; dir = queue.shift()) {
        try {
          await execFileAsync('terraform', ['validate', '-no-color'], { cwd: dir, env });
        } catch (error) {
          const { stdout, stderr } = error as { stdout?: string; stderr?: string };
          failures.push(`${dir}:\n${stdout ?? ''}${stderr ?? ''}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
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

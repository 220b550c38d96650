import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Fails (never skips) when a tool the tests rely on is not an executable file on PATH. Looked
 * up, not run: `aws --version` and `cfn-lint --version` cost a second or more of CPU each, and
 * the test runs the tool anyway and reports how it fails.
 */
export function requireTool(command: string): void {
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', command), constants.X_OK);
      return statSync(join(dir || '.', command)).isFile();
    } catch {
      return false;
    }
  });
  if (!found) throw new Error(`${command} is required by this test but is not an executable on PATH (${process.env.PATH ?? ''}); .ci/run installs it`);
}

/** Where the hashicorp/aws provider mirror lives (TF_PROVIDER_MIRROR overrides). */
export const PROVIDER_MIRROR = process.env.TF_PROVIDER_MIRROR ?? '/opt/tf-plugins';

/** A Terraform CLI config that installs hashicorp/aws from the local mirror only. */
export function offlineTerraformEnv(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'tf-cli-'));
  const config = join(dir, 'offline.tfrc');
  writeFileSync(
    config,
    `provider_installation {\n  filesystem_mirror {\n    path    = "${PROVIDER_MIRROR}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`,
  );
  return { ...process.env, TF_CLI_CONFIG_FILE: config, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(command, args, { ...options, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Readies synthesized stacks for `terraform validate` with one `terraform init` for all: the
 * provider they require (the first stack's `required_providers`; all ask for hashicorp/aws
 * 5.100.0) is installed once in `<workDir>/provider`, and each stack gets a link to its
 * `.terraform` and a copy of its lock file. An init per stack would hash the 675 MB provider
 * binary again each time, seconds of CPU on a busy machine.
 */
export async function initProviderOnce(stackDirs: readonly string[], workDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const provider = join(workDir, 'provider');
  mkdirSync(provider, { recursive: true });
  const { required_providers } = JSON.parse(readFileSync(join(stackDirs[0], 'cdk.tf.json'), 'utf8')).terraform;
  writeFileSync(join(provider, 'providers.tf.json'), JSON.stringify({ terraform: { required_providers } }));
  await promisify(execFile)('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: provider, env });
  for (const dir of stackDirs) {
    symlinkSync(join(provider, '.terraform'), join(dir, '.terraform'));
    copyFileSync(join(provider, '.terraform.lock.hcl'), join(dir, '.terraform.lock.hcl'));
  }
}

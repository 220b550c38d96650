import { execFileSync, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * The path of an executable file named `command` on PATH, as a shell would find it (first
 * match). Fails (never skips) when there is none. Looked up, not run: `aws --version` and
 * `cfn-lint --version` cost a second or more of CPU each, and the test runs the tool anyway and
 * reports how it fails.
 */
export function toolPath(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir || '.', command);
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not here
    }
  }
  throw new Error(`${command} is required by this test but is not an executable on PATH (${process.env.PATH ?? ''}); .ci/run installs it`);
}

/** Fails (never skips) when a tool the tests rely on is not an executable file on PATH (see toolPath). */
export function requireTool(command: string): void {
  toolPath(command);
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

/** How long the provider may take to print its reattach configuration: about 1 s on a quiet machine. */
const PROVIDER_START_LIMIT_MS = 120_000;

/**
 * The hashicorp/aws provider `version` of the mirror, started once in its debug mode, and the
 * environment (`TF_REATTACH_PROVIDERS`) under which terraform attaches to that process instead
 * of starting its own: `terraform validate` of a configuration that calls N stacks as modules
 * starts one provider per module's provider block, about 1.2 s of CPU each (12 for
 * offline-validation). The schema, and so what validate checks, is the same provider's.
 * The provider writes its log to a file, never to a pipe: a test that runs terraform
 * synchronously could not drain one, and the provider would stop on a full pipe. Terraform
 * neither installs nor stops an attached provider: `stop()` does (SIGTERM, SIGKILL after 10 s).
 * Rejects when the mirror has no such provider or it prints no reattach configuration within
 * 120 s. Source: "Debugging Providers", developer.hashicorp.com/terraform/plugin/debugging.
 */
export async function attachedProvider(version: string): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const dir = join(PROVIDER_MIRROR, 'registry.terraform.io', 'hashicorp', 'aws', version, platform);
  const binary = readdirSync(dir).find((name) => name.startsWith('terraform-provider-aws'));
  if (!binary) throw new Error(`no terraform-provider-aws in ${dir}`);
  const log = join(mkdtempSync(join(tmpdir(), 'tf-provider-')), 'provider.log');
  const fd = openSync(log, 'a');
  const child = spawn(join(dir, binary), ['-debug'], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const deadline = Date.now() + PROVIDER_START_LIMIT_MS;
    for (;;) {
      const found = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(readFileSync(log, 'utf8'));
      if (found) return { env: { TF_REATTACH_PROVIDERS: found[1] }, stop };
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${binary} -debug exited (${child.exitCode ?? child.signalCode}):\n${readFileSync(log, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`${binary} -debug printed no TF_REATTACH_PROVIDERS within ${PROVIDER_START_LIMIT_MS / 1000} s:\n${readFileSync(log, 'utf8')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs `work` with the environment of an offline terraform (offlineTerraformEnv) attached to
 * one provider process of `version` (attachedProvider), and stops that process afterwards,
 * whatever `work` does. `terraform init` then installs nothing: copying and hashing the 675 MB
 * provider binary from the mirror costs seconds of CPU.
 */
export async function withAttachedProvider<T>(version: string, work: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const provider = await attachedProvider(version);
  try {
    return await work({ ...offlineTerraformEnv(), ...provider.env });
  } finally {
    await provider.stop();
  }
}

/** External tools the conformance tests need; a missing one fails the test, never skips it. */
import { spawnSync } from 'node:child_process';

export function requireTool(command: string, versionArgs: readonly string[], install: string): void {
  const result = spawnSync(command, versionArgs, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`${command} is required by this test but could not run (${result.error?.message ?? result.stderr}); ${install}`);
  }
}

/** Environment for a Python AWS client that acts as `account`, with no local AWS config leaking in. */
export function awsEnvironment(account: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: account,
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/**
 * `npm run adopt -- --store-admin-password`: the password a person chose goes from stdin into
 * a Secrets Manager secret (moto_server) and nowhere else: not on stdout or stderr, not in
 * any file; the YAML records only the secret's ARN.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAmbClient } from '../lib/amb-client';
import { exitCodeOf } from '../lib/cli';
import { loadConsortium } from '../lib/config';
import { capturingIo } from '../lib/output';
import { createNetworkAsFounder } from '../lib/rehearsal/stand-in-deploy';
import { disposeWorkspace, prepareWorkspace } from '../lib/rehearsal/workspace';
import { startSimulator, type RunningSimulator } from '../sim';
import { executeAdopt } from '../scripts/adopt';
import { SAMPLE_DIR } from './helpers/consortium-fixture';
import { ROOT } from './helpers/governance-sim';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { RUN_ENTRY } from './helpers/run-entry';

const PASSWORD = 'Chosen1nConsole';
let sim: RunningSimulator;
let moto: MotoServer;
let workspace: string;
let secrets: SecretsManagerClient;

beforeAll(async () => {
  [sim, moto] = await Promise.all([startSimulator({ nodeCreationDelayMs: 1 }), workerMotoServer()]);
  workspace = prepareWorkspace(SAMPLE_DIR);
  const sample = loadConsortium(SAMPLE_DIR);
  const client = createAmbClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: { accessKeyId: '111122223333', secretAccessKey: 'test' } });
  try {
    await createNetworkAsFounder(client, sample, sample.members.find((member) => member.name === 'filmmaker')!, 'console');
    sim.advanceClock(60_000);
  } finally {
    client.destroy();
  }
  secrets = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}, 60_000);

afterAll(async () => {
  secrets?.destroy();
  await Promise.all([sim?.stop(), moto?.stop()]);
  disposeWorkspace(workspace);
});

function adoptChild(stdin: string, secretsEndpoint = moto.endpoint, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // As npm runs it: the compiled entry point (jest's global setup compiled it), not tsx.
  const child = spawn(process.execPath, [RUN_ENTRY, 'scripts/adopt.ts', '--member', 'filmmaker', '--store-admin-password', '--json'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CONSORTIUM_DIR: workspace,
      AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: sim.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
      AWS_ACCESS_KEY_ID: '111122223333',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...extraEnv,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() })));
}

test('stores the password read from stdin as {"username","password"} and records only the ARN; the password is in no output and no file', async () => {
  const run = await adoptChild(`${PASSWORD}\n`);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  const result = JSON.parse(run.stdout);
  expect(result.adminSecret).toEqual({ arn: expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:amb\/drm-royalties\/filmmaker\/admin-\w{6}$/), outcome: 'stored' });
  const stored = await secrets.send(new GetSecretValueCommand({ SecretId: result.adminSecret.arn }));
  expect(JSON.parse(stored.SecretString!)).toEqual({ username: 'filmadmin', password: PASSWORD });
  expect(readFileSync(join(workspace, 'filmmaker.yaml'), 'utf8')).toContain(`adminSecretArn: ${result.adminSecret.arn}\n`);
  expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
  for (const name of readdirSync(workspace)) expect(readFileSync(join(workspace, name), 'utf8')).not.toContain(PASSWORD);
}, 120_000);

test('a password AMB would refuse is not stored and not shown', async () => {
  const io = capturingIo();
  const client = createAmbClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: { accessKeyId: '111122223333', secretAccessKey: 'test' } });
  try {
    const error = await executeAdopt(['--member', 'filmmaker', '--store-admin-password'], { io, env: { CONSORTIUM_DIR: workspace }, client, secrets, readPassword: async () => 'short1A' }).catch((caught) => caught);
    expect(exitCodeOf(error)).toBe(2);
    expect(error.message).toBe('adopt: the password has 7 characters; AMB admin passwords have 8-32; nothing was stored');
  } finally {
    client.destroy();
  }
});

test('a secret of that name that exists is recorded and left unchanged', async () => {
  const io = capturingIo();
  const client = createAmbClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: { accessKeyId: '111122223333', secretAccessKey: 'test' } });
  try {
    const result = await executeAdopt(['--member', 'filmmaker', '--store-admin-password', '--json'], { io, env: { CONSORTIUM_DIR: workspace }, client, secrets, readPassword: async () => 'Another9Password' });
    expect(result?.adminSecret.outcome).toBe('existed');
    const stored = await secrets.send(new GetSecretValueCommand({ SecretId: result!.adminSecret.arn }));
    expect(JSON.parse(stored.SecretString!).password).toBe(PASSWORD);
    expect(io.err.join('')).toContain('exists already and was left unchanged');
  } finally {
    client.destroy();
  }
});


test('a Secrets Manager it cannot reach is named as such, with the variable that points there, not AMB', async () => {
  const run = await adoptChild(`${PASSWORD}\n`, 'http://127.0.0.1:9', { AWS_MAX_ATTEMPTS: '1' });
  expect(run.code).toBe(1);
  expect(run.stderr.trim().split('\n').pop()).toBe(
    'cannot reach http://127.0.0.1:9 (from AWS_ENDPOINT_URL_SECRETS_MANAGER; is it running?): ECONNREFUSED after 1 attempt; check the network and re-run (the command is safe to re-run)',
  );
  expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
}, 120_000);

/**
 * `npm run msp -- --member M` without --local, as an operator or the governance pipeline runs
 * it: the compiled entry point finds M's Fabric client through the SSM parameter its stack
 * writes (moto_server), checks Systems Manager manages it (stub), uploads the step bundle to
 * the step bucket the stack names (moto_server S3), runs the real step script through Run
 * Command (a stub that runs the shell here, because moto runs nothing), and reads the result
 * back from S3. And the refusals: exit 1 with what to do, exit 2 for a member without client.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientParameterNameOf, stepBucketNameOf } from '../lib/fabric/step-bucket';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { outputOf, RUN_ENTRY } from './helpers/run-entry';
import { writeAdminMsp } from './helpers/certificates';
import { startStubSsm, type StubSsm } from './helpers/stub-ssm';
import { requireTool } from './helpers/tools';

const INSTANCE = 'i-0fedcba9876543210';
const REGION = 'us-east-1';
const BANK_BUCKET = stepBucketNameOf('drm-royalties', 'bank', '444455556666');
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('npm run msp through SSM on the Fabric client (moto_server, stub Run Command)', () => {
  let moto: MotoServer;
  let stub: StubSsm;
  let fixture: ConsortiumFixture;
  let work: string;
  let s3: S3Client;
  let ssm: SSMClient;

  const msp = (member: string): Promise<Run> =>
    outputOf(
      spawn(process.execPath, [RUN_ENTRY, 'scripts/msp.ts', '--member', member, '--json'], {
        env: {
          PATH: process.env.PATH,
          HOME: work,
          CONSORTIUM_DIR: fixture.dir,
          AWS_REGION: REGION,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_ENDPOINT_URL_SSM: stub.endpoint,
          AWS_ENDPOINT_URL_S3: moto.endpoint,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ).then(({ status, stdout, stderr }) => ({ code: status, stdout, stderr }));

  beforeAll(async () => {
    requireTool('jq');
    requireTool('aws');
    moto = await workerMotoServer();
    work = mkdtempSync(join(tmpdir(), 'ledger-ssm-'));
    const adminMsp = writeAdminMsp(work);
    // The client's profile, as its boot script writes it to /etc/profile.d/fabric.sh.
    writeFileSync(join(work, 'fabric.sh'), `export ORDERER=orderer.example:30001\nexport CORE_PEER_MSPCONFIGPATH=${adminMsp}\nexport CORE_PEER_TLS_ROOTCERT_FILE=${join(adminMsp, 'tlscacerts', 'tls.pem')}\n`);
    stub = await startStubSsm({ instanceId: INSTANCE, env: moto.env, forwardTo: moto.endpoint, paths: { '/etc/profile.d/fabric.sh': join(work, 'fabric.sh') } });
    fixture = new ConsortiumFixture();
    s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS });
    ssm = new SSMClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    // What bank's and ott-vendor-1's deploys created; filmmaker's stack is not deployed yet.
    await s3.send(new CreateBucketCommand({ Bucket: BANK_BUCKET }));
    await ssm.send(new PutParameterCommand({ Name: clientParameterNameOf('drm-royalties', 'bank'), Value: INSTANCE, Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: clientParameterNameOf('drm-royalties', 'ott-vendor-1'), Value: INSTANCE, Type: 'String' }));
  }, 120_000);

  afterAll(async () => {
    s3?.destroy();
    ssm?.destroy();
    await stub?.stop();
    await moto?.stop();
    fixture?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 30_000);

  test("writes the member's certificates read on its Fabric client, in the bucket and prefix the stack grants, and leaves nothing in the bucket", async () => {
    stub.pingStatus = 'Online';
    const run = await msp('bank');
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ member: 'bank', dryRun: false });
    expect(result.changed).toEqual(expect.arrayContaining(['cacerts/ca.pem', 'admincerts/admin.pem']));
    expect(readFileSync(join(fixture.dir, 'msp', 'bank', 'admincerts', 'admin.pem'), 'utf8')).toBe(readFileSync(join(work, 'admin.pem'), 'utf8'));
    expect(stub.commands).toHaveLength(1);
    expect(stub.commands[0]).toContain(`s3://${BANK_BUCKET}/steps/${INSTANCE}/msp-read/`);
    expect(stub.commands[0]).toContain(`aws s3 cp --region '\\''${REGION}'\\''`);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BANK_BUCKET }))).KeyCount).toBe(0);
  }, 120_000);

  test('a client that Systems Manager does not manage, or that is offline, is exit 1 with what to check; nothing is sent', async () => {
    const sent = stub.commands.length;
    stub.pingStatus = null;
    const unmanaged = await msp('bank');
    expect(unmanaged.code).toBe(1);
    expect(unmanaged.stderr).toContain(`bank's Fabric client ${INSTANCE} is not managed by Systems Manager`);
    stub.pingStatus = 'ConnectionLost';
    const offline = await msp('bank');
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain(`bank's Fabric client ${INSTANCE} is ConnectionLost in Systems Manager`);
    expect(offline.stderr).toContain('restart its SSM Agent');
    expect(stub.commands.length).toBe(sent);
  }, 120_000);

  test("a member whose stack has not recorded its client is exit 1 naming the parameter and the deploy to run", async () => {
    stub.pingStatus = 'Online';
    const run = await msp('filmmaker');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no SSM parameter ${clientParameterNameOf('drm-royalties', 'filmmaker')}`);
    expect(run.stderr).toContain('npx cdktf deploy filmmaker');
    expect(run.stderr).toContain('--local');
  }, 120_000);

  test('a missing step bucket is exit 1 naming the bucket', async () => {
    stub.pingStatus = 'Online';
    const run = await msp('ott-vendor-1');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the step bucket s3://${stepBucketNameOf('drm-royalties', 'ott-vendor-1', '222233334444')} does not exist`);
  }, 120_000);

  test('a member that has not joined has no Fabric client: exit 2, and no folder is written', async () => {
    const run = await msp('ott-vendor-2');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ott-vendor-2 has not joined the network yet');
    expect(existsSync(join(fixture.dir, 'msp', 'ott-vendor-2'))).toBe(false);
  }, 120_000);
});

/**
 * The SSM transport against a stub SSM that does what the SSM agent does (runs the command's
 * shell on "the instance", here this machine) and moto_server as S3: the bundle goes up, the
 * real step script runs under the profile, and the result comes back from S3, not from stdout
 * (which SSM cuts at 24,000 characters).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SsmTransport } from '../lib/fabric/ssm-transport';
import type { MspMaterial } from '../lib/fabric/msp';
import { writeAdminMsp } from './helpers/certificates';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { startStubSsm, type StubSsm } from './helpers/stub-ssm';
import { requireTool } from './helpers/tools';

const BUCKET = 'film-steps';
const INSTANCE = 'i-0123456789abcdef0';

describe('SsmTransport (stub SSM, moto_server S3)', () => {
  let moto: MotoServer;
  let stub: StubSsm;
  let work: string;
  let s3: S3Client;
  let ssm: SSMClient;
  let transport: (profile: string) => SsmTransport;
  let bigChain: string;

  beforeAll(async () => {
    requireTool('jq');
    requireTool('aws');
    moto = await workerMotoServer();
    work = mkdtempSync(join(tmpdir(), 'ssm-transport-'));
    const msp = writeAdminMsp(work, (ca) => (bigChain = Array.from({ length: 60 }, () => ca).join('')));
    expect(bigChain.length).toBeGreaterThan(24_000);
    writeFileSync(join(work, 'fabric.sh'), `export ORDERER=orderer.example:30001\nexport CORE_PEER_MSPCONFIGPATH=${msp}\nexport CORE_PEER_TLS_ROOTCERT_FILE=${join(msp, 'tlscacerts', 'tls.pem')}\n`);
    writeFileSync(join(work, 'empty.sh'), `export ORDERER=orderer.example:30001\nexport CORE_PEER_MSPCONFIGPATH=${join(work, 'nothing')}\nexport CORE_PEER_TLS_ROOTCERT_FILE=/dev/null\n`);
    stub = await startStubSsm({ instanceId: INSTANCE, env: { ...moto.env, AWS_DEFAULT_REGION: 'us-east-1' } });
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials });
    ssm = new SSMClient({ region: 'us-east-1', endpoint: stub.endpoint, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    transport = (profile) => new SsmTransport({ ssm, s3, instanceId: INSTANCE, bucket: BUCKET, profile, pollIntervalMs: 100 });
  }, 120_000);

  afterAll(async () => {
    s3?.destroy();
    ssm?.destroy();
    await stub?.stop();
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 30_000);

  test('runs the step on the instance and reads its result from S3, longer than the 24,000 characters SSM returns of stdout', async () => {
    const result = await transport(join(work, 'fabric.sh')).run<MspMaterial>({ step: 'msp-read', params: {} });
    expect(result.caCert).toBe(bigChain);
    expect(result.adminCert).toContain('BEGIN CERTIFICATE');
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
    expect(stub.commands[0]).toContain(`s3://${BUCKET}/steps/msp-read/`);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount).toBe(0);
  }, 120_000);

  test("a failing step is an operational error carrying the step's stderr, read from S3", async () => {
    await expect(transport(join(work, 'empty.sh')).run({ step: 'msp-read', params: {} })).rejects.toThrow(/step msp-read failed on i-0123456789abcdef0 \(SSM command cmd-\d+\): .*nothing\/cacerts holds no certificate/);
  }, 120_000);

  test('passes parameters with quotes, spaces and $ to the step unchanged', async () => {
    const odd = join(work, `it's a "test" $HOME \`x\``);
    execFileSync('cp', ['-r', join(work, 'msp'), odd]);
    const material = await transport(join(work, 'empty.sh')).run<MspMaterial>({ step: 'msp-read', params: { CORE_PEER_MSPCONFIGPATH: odd } });
    expect(material.adminCert).toBe(readFileSync(join(work, 'admin.pem'), 'utf8'));
  }, 120_000);
});

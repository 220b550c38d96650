/**
 * The identity manager against a real fabric-ca-server (the simulator's Fabric CA 1.5.21,
 * TLS from the simulator's TLS CA as AMB's chain) and Secrets Manager in moto_server.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executeCommand } from '../lib/command';
import { capturingIo } from '../lib/output';
import { identities as identitiesCommand, type IdentitiesResult } from '../scripts/identities';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import type { Identity } from '../lib/config';
import { readCertificate } from '../lib/identities/certificate';
import { FabricCa, FabricCaError, type FabricCaConnection } from '../lib/identities/fabric-ca';
import { reconcileIdentities, type IdentityRun } from '../lib/identities/manager';
import { SecretsManagerIdentityStore, type IdentitySecretValue } from '../lib/identities/secret-store';
import { FabricNetwork, type FabricMember } from '../sim/fabric/network';
import { runIdentityManager } from '../stacks/identity-manager/handler';
import { requireFabric } from './helpers/fabric';
import { workerMotoServer, type MotoServer } from './helpers/moto';

const MEMBER_ID = 'm-IDENTITIES';
const ADMIN = { adminUsername: 'vendoradmin', adminPassword: 'Vendor-Passw0rd1' };
const PREFIX = 'amb/drm-royalties/ott-vendor-1/identities/';
const DAY = 86_400_000;

const reporter = (value = 'reporter'): Identity => ({
  name: 'play-reporter',
  type: 'client',
  affiliation: 'ott-vendor-1',
  attributes: [{ name: 'role', value, ecert: true }],
  removed: false,
});

describe('identity manager against a real Fabric CA', () => {
  let fabric: FabricNetwork;
  let member: FabricMember;
  let moto: MotoServer;
  let secrets: SecretsManagerClient;
  let connection: FabricCaConnection;
  let ca: FabricCa;

  beforeAll(async () => {
    const binaries = await requireFabric();
    moto = await workerMotoServer();
    fabric = await FabricNetwork.start({ networkId: 'n-IDENTITIES', binaries });
    member = await fabric.startMember({ memberId: MEMBER_ID, ...ADMIN });
    const aws = { region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    secrets = new SecretsManagerClient(aws);
    const { KeyMetadata } = await new KMSClient(aws).send(new CreateKeyCommand({ Description: 'identity secrets' }));
    // As the member's stack creates them: one secret per identity, no value, the stack's key.
    for (const name of ['play-reporter', 'royalty-auditor', 'retired-app']) {
      await secrets.send(new CreateSecretCommand({ Name: `${PREFIX}${name}`, KmsKeyId: KeyMetadata!.KeyId }));
    }
    connection = { url: `https://${member.caEndpoint}`, tlsChain: fabric.tlsCaCertPem, mspId: MEMBER_ID, ...ADMIN };
    ca = await FabricCa.connect(connection);
  }, 180_000);

  afterAll(async () => {
    secrets?.destroy();
    await fabric?.stop();
    await moto?.stop();
  }, 60_000);

  const store = () => new SecretsManagerIdentityStore(secrets, PREFIX);
  const run = (identities: Identity[], overrides: Partial<IdentityRun> = {}) =>
    reconcileIdentities({ identities, renewBeforeDays: 30, mspId: MEMBER_ID, ca, store: store(), now: () => new Date(), dryRun: false, ...overrides });
  const stored = async (name: string): Promise<IdentitySecretValue> =>
    JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: `${PREFIX}${name}` }))).SecretString!);

  test('registers and enrolls a new identity; its key and certificate land in its own secret, role=reporter in the certificate', async () => {
    const [report] = await run([reporter()]);
    expect(report).toMatchObject({ name: 'play-reporter', registered: true, actions: ['register', 'enroll'], outcome: 'changed', secret: `${PREFIX}play-reporter` });
    const value = await stored('play-reporter');
    expect(value).toMatchObject({ enrollmentId: 'play-reporter', mspId: MEMBER_ID });
    expect(value.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const certificate = readCertificate(value.certificate);
    expect(certificate.enrollmentId).toBe('play-reporter');
    expect(certificate.attributes).toMatchObject({ role: 'reporter', 'hf.Affiliation': 'ott-vendor-1', 'hf.Type': 'client' });
    expect(report.expires).toBe(certificate.notAfter.toISOString());
    expect(await ca.identity('play-reporter')).toMatchObject({ type: 'client', affiliation: 'ott-vendor-1' });
  });

  test('a re-run changes nothing: no CA write, same certificate, no new secret version', async () => {
    const before = await secrets.send(new DescribeSecretCommand({ SecretId: `${PREFIX}play-reporter` }));
    const serial = readCertificate((await stored('play-reporter')).certificate).serial;
    const [report] = await run([reporter()]);
    expect(report).toMatchObject({ actions: [], outcome: 'unchanged', serial });
    const after = await secrets.send(new DescribeSecretCommand({ SecretId: `${PREFIX}play-reporter` }));
    expect(Object.keys(after.VersionIdsToStages ?? {})).toEqual(Object.keys(before.VersionIdsToStages ?? {}));
  });

  test('a changed attribute is updated at the CA and reaches a re-issued certificate; a dropped one is removed', async () => {
    const dry = await run([reporter('auditor')], { dryRun: true });
    expect(dry[0]).toMatchObject({ actions: ['update', 'reenroll'], outcome: 'would-change', reasons: ['attribute role changed'] });
    expect(readCertificate((await stored('play-reporter')).certificate).attributes.role).toBe('reporter');

    const [report] = await run([reporter('auditor')]);
    expect(report).toMatchObject({ actions: ['update', 'reenroll'], outcome: 'changed' });
    expect(readCertificate((await stored('play-reporter')).certificate).attributes.role).toBe('auditor');

    const [dropped] = await run([{ ...reporter(), attributes: [] }]);
    expect(dropped).toMatchObject({ actions: ['update', 'reenroll'], reasons: ['attribute role removed'] });
    expect((await ca.identity('play-reporter'))!.attributes.map((attribute) => attribute.name)).not.toContain('role');
    expect(readCertificate((await stored('play-reporter')).certificate).attributes.role).toBeUndefined();
  });

  test('renews a certificate that expires within the threshold, with a new key', async () => {
    const before = await stored('play-reporter');
    const expires = readCertificate(before.certificate).notAfter.getTime();
    const farFromExpiry = await run([{ ...reporter(), attributes: [] }], { now: () => new Date(expires - 31 * DAY) });
    expect(farFromExpiry[0].outcome).toBe('unchanged');

    const [report] = await run([{ ...reporter(), attributes: [] }], { now: () => new Date(expires - 10 * DAY) });
    expect(report).toMatchObject({ actions: ['reenroll'], outcome: 'changed', reasons: ['the certificate expires in 10 days (renewal 30 days before)'] });
    const after = await stored('play-reporter');
    expect(after.privateKey).not.toBe(before.privateKey);
    expect(readCertificate(after.certificate).serial).not.toBe(readCertificate(before.certificate).serial);
  });

  test('enrolls again, with a fresh secret, an identity whose secret lost its value', async () => {
    const [report] = await run([{ name: 'royalty-auditor', type: 'client', affiliation: 'ott-vendor-1.audit', attributes: [], removed: false }]);
    expect(report).toMatchObject({ actions: ['register', 'enroll'], outcome: 'changed' });
    const fresh = new SecretsManagerIdentityStore(secrets, `${PREFIX}missing-`);
    const [again] = await reconcileIdentities({
      identities: [{ name: 'royalty-auditor', type: 'client', affiliation: 'ott-vendor-1.audit', attributes: [], removed: false }],
      renewBeforeDays: 30,
      mspId: MEMBER_ID,
      ca,
      store: { ...fresh, locate: (name) => `${PREFIX}${name}`, read: async () => undefined, write: (name, value) => store().write(name, value) },
      now: () => new Date(),
      dryRun: false,
    });
    expect(again).toMatchObject({ actions: ['enroll'], reasons: ['no certificate stored'], outcome: 'changed' });
  });

  test('a removed identity is neither registered nor renewed', async () => {
    const [report] = await run([{ name: 'retired-app', type: 'client', affiliation: 'ott-vendor-1', attributes: [], removed: true }]);
    expect(report).toMatchObject({ registered: false, actions: [], outcome: 'retired' });
    expect(await ca.identity('retired-app')).toBeUndefined();
  });

  test('a wrong admin password fails with a clear error that names the admin and what to do', async () => {
    const refused = FabricCa.connect({ ...connection, adminPassword: 'Wrong-Passw0rd1' });
    await expect(refused).rejects.toThrow(FabricCaError);
    await expect(refused).rejects.toMatchObject({ kind: 'admin-credentials' });
    await expect(refused).rejects.toThrow(/refused the admin vendoradmin .*Authentication failure.*admin secret/);
    await expect(refused).rejects.not.toThrow(/Wrong-Passw0rd1/);
    // The Lambda's run rejects with it, so Lambda counts an error and the stack's alarm fires.
    const lambdaRun = runIdentityManager(
      { member: 'ott-vendor-1', identities: [reporter()], renewBeforeDays: 30, secretPrefix: PREFIX },
      { connect: () => refused, store: store(), mspId: MEMBER_ID, now: () => new Date(), log: () => undefined },
    );
    await expect(lambdaRun).rejects.toMatchObject({ kind: 'admin-credentials' });
  });

  test('a TLS chain the CA certificate does not chain to is refused', async () => {
    // The member's signing CA is a real CA certificate, but not the one that issued the TLS certificate.
    const refused = FabricCa.connect({ ...connection, tlsChain: member.caCertPem });
    await expect(refused).rejects.toMatchObject({ kind: 'tls' });
    await expect(refused).rejects.toThrow(/does not verify against the configured chain/);
  });

  test('npm run identities runs the manager for the sample member, and neither its output, its logs nor the CA log holds a key', async () => {
    await secrets.send(new CreateSecretCommand({ Name: 'ott-vendor-1-ca-admin', SecretString: JSON.stringify({ username: ADMIN.adminUsername, password: ADMIN.adminPassword }) }));
    const fixture = new ConsortiumFixture();
    const chainFile = join(fixture.dir, 'tls-chain.pem');
    writeFileSync(chainFile, fabric.tlsCaCertPem);
    const env = {
      FABRIC_CA_URL: connection.url,
      FABRIC_CA_TLS_CHAIN_FILE: chainFile,
      FABRIC_CA_ADMIN_SECRET: 'ott-vendor-1-ca-admin',
      FABRIC_MSP_ID: MEMBER_ID,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    };
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    const logged: string[] = [];
    const capture = (...parts: unknown[]) => void logged.push(parts.map(String).join(' '));
    const spies = [jest.spyOn(console, 'log').mockImplementation(capture), jest.spyOn(console, 'error').mockImplementation(capture), jest.spyOn(console, 'warn').mockImplementation(capture)];
    const cli = async (...argv: string[]) => {
      const io = capturingIo();
      const result = (await executeCommand(identitiesCommand, ['--member', 'ott-vendor-1', ...argv], { io, env: { CONSORTIUM_DIR: fixture.dir } })) as IdentitiesResult;
      logged.push(...io.out, ...io.err);
      return { result, stdout: io.out.join('') };
    };
    try {
      const dry = await cli('--dry-run');
      expect(dry.result.identities[0]).toMatchObject({ name: 'play-reporter', outcome: 'would-change', actions: ['update', 'reenroll'], reasons: ['attribute role added'] });
      expect(dry.stdout).toContain('(dry run: nothing changed)');

      const applied = await cli();
      expect(applied.result.identities[0]).toMatchObject({ outcome: 'changed', secret: `${PREFIX}play-reporter` });
      expect(applied.stdout).toMatch(/play-reporter +client +yes +\d{4}-\d{2}-\d{2} +update, reenroll +changed/);
      expect(readCertificate((await stored('play-reporter')).certificate).attributes.role).toBe('reporter');

      const again = await cli('--json');
      expect(JSON.parse(again.stdout)).toMatchObject({ member: 'ott-vendor-1', identities: [{ name: 'play-reporter', outcome: 'unchanged', registered: true }] });
    } finally {
      spies.forEach((spy) => spy.mockRestore());
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      fixture.dispose();
    }
    const value = await stored('play-reporter');
    const keyBody = value.privateKey.split('\n').slice(1, -2).join('');
    const everything = logged.join('\n');
    expect(everything).toContain('play-reporter');
    expect(everything).not.toContain('PRIVATE KEY');
    expect(everything).not.toContain(keyBody.slice(0, 40));
    expect(everything).not.toContain(value.certificate.split('\n')[1]);
    expect(everything).not.toContain(ADMIN.adminPassword);
    expect(readFileSync(member.caLogFile, 'utf8')).not.toContain(keyBody.slice(0, 40));
  });
});

/**
 * The identity manager against a real fabric-ca-server (the simulator's Fabric CA 1.5.21,
 * TLS from the simulator's TLS CA as AMB's chain) and Secrets Manager in moto_server.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readFileSync } from 'node:fs';
import type { Identity } from '../lib/config';
import { readCertificate } from '../lib/identities/certificate';
import { FabricCa, FabricCaError, type FabricCaConnection } from '../lib/identities/fabric-ca';
import { reconcileIdentities, type IdentityRun } from '../lib/identities/manager';
import { SecretsManagerIdentityStore, type IdentitySecretValue } from '../lib/identities/secret-store';
import { FabricNetwork, type FabricMember } from '../sim/fabric/network';
import { requireFabric } from './helpers/fabric';
import { startMotoServer, type MotoServer } from './helpers/moto';

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
    moto = await startMotoServer();
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
  });

  test('a TLS chain the CA certificate does not chain to is refused', async () => {
    // The member's signing CA is a real CA certificate, but not the one that issued the TLS certificate.
    const refused = FabricCa.connect({ ...connection, tlsChain: member.caCertPem });
    await expect(refused).rejects.toMatchObject({ kind: 'tls' });
    await expect(refused).rejects.toThrow(/does not verify against the configured chain/);
  });

  test("no private key appears in the CA's log", async () => {
    const keyBody = (await stored('play-reporter')).privateKey.split('\n')[1];
    expect(readFileSync(member.caLogFile, 'utf8')).not.toContain(keyBody);
  });
});

/**
 * `npm run offchain -- anchor` and `verify --from-ledger` end to end: real Fabric 2.2 (the
 * simulator's FabricNetwork) with the documents chaincode committed by msp/channel/chaincode,
 * moto for S3 and Secrets Manager. The chaincode requires role=payer (chaincodes[].requiredAttribute),
 * so the bank anchors as the royalty-payer identity its identity manager registered and
 * enrolled with role=payer in the certificate (key fetched by the step script from Secrets
 * Manager), never as its admin; the peer itself refuses the admin.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { exitCodeOf } from '../lib/cli';
import type { IdentityReport } from '../lib/identities/manager';
import type { LedgerWiring } from '../lib/fabric/ledger-command';
import { offchainStoreOf, TAMPERED_EXIT_CODE, type StoredDocument } from '../lib/offchain';
import { anchoringIdentity, documentsLedgerOf, type AnchorResult, type LedgerVerifiedDocument } from '../lib/offchain-ledger';
import { capturingIo } from '../lib/output';
import { executeOffchain } from '../scripts/offchain';
import type { FabricNetwork } from '../sim/fabric/network';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { fabricCli } from './helpers/fabric-channel';
import { startMotoServer, type MotoServer } from './helpers/moto';
import { BANK, BANK_IDENTITY_PREFIX as PREFIX, BANK_PEER, enrollBankIdentities, FILMMAKER_PEER, payerOnlyRoyalties, startRoyalties } from './helpers/royalties-fabric';
import { requireTool } from './helpers/tools';

/** The payer-only royalties of the attribute test, with the bank's off-chain store. */
function ledgerFixture(): ConsortiumFixture {
  return payerOnlyRoyalties().edit('bank.yaml', 'logging:', 'offchain: {}\nlogging:');
}

describe('who anchors, and where (no ledger needed)', () => {
  let fixture: ConsortiumFixture;
  afterEach(() => fixture?.dispose());

  test('with requiredAttribute, the member identity whose certificate carries it signs, from its secret', () => {
    fixture = ledgerFixture();
    const consortium = fixture.load();
    const bank = consortium.members.find((member) => member.name === 'bank')!;
    expect(anchoringIdentity(consortium, bank, documentsLedgerOf(consortium, bank))).toEqual({
      kind: 'identity',
      name: 'royalty-payer',
      secretName: `${PREFIX}royalty-payer`,
      description: 'identity royalty-payer of bank (role=payer)',
    });
  });

  test('with requiredAttribute and no identity that carries it in its certificate, a usage error names the files and the fix', () => {
    fixture = ledgerFixture().edit('bank.yaml', '        ecert: true\n', '        ecert: false\n');
    const consortium = fixture.load();
    const bank = consortium.members.find((member) => member.name === 'bank')!;
    expect(() => anchoringIdentity(consortium, bank, documentsLedgerOf(consortium, bank))).toThrow(
      /bank\.yaml: identities: no identity carries role=payer in its certificate, and .*consortium\.yaml chaincodes\[0\]\.requiredAttribute makes documents refuse Anchor to anyone else \(the admin included\)/,
    );
  });

  test('without requiredAttribute the admin signs; a member off the channel is refused with the channel members', () => {
    fixture = new ConsortiumFixture();
    const consortium = fixture.load();
    const bank = consortium.members.find((member) => member.name === 'bank')!;
    expect(anchoringIdentity(consortium, bank, documentsLedgerOf(consortium, bank))).toMatchObject({ kind: 'admin', description: "bank's admin (bankadmin)" });
    const vendor = consortium.members.find((member) => member.name === 'ott-vendor-1')!;
    expect(() => documentsLedgerOf(consortium, vendor)).toThrow('--member: ott-vendor-1 is not a member of royalties, where');
    expect(() => documentsLedgerOf(consortium, bank, 'plays')).toThrow('--channel: "plays" carries no documents chaincode (allowed: royalties)');
  });
});

describe('offchain anchor and verify --from-ledger against real Fabric 2.2 and moto', () => {
  let fabric: FabricNetwork;
  let fixture: ConsortiumFixture;
  let moto: MotoServer;
  let secrets: SecretsManagerClient;
  let s3: S3Client;
  let wiring: LedgerWiring;
  let work: string;
  let enrolled: IdentityReport;

  beforeAll(async () => {
    requireTool('jq');
    requireTool('aws');
    const binaries = await requireFabric();
    work = mkdtempSync(join(tmpdir(), 'offchain-ledger-'));
    fixture = ledgerFixture();
    moto = await startMotoServer();
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    secrets = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
    s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials });
    const { bucket } = offchainStoreOf(fixture.load(), 'bank');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await secrets.send(new CreateSecretCommand({ Name: `${PREFIX}royalty-payer` }));
    // The Fabric client's shell: its peer CLI profile, and AWS access (here moto) for the identity secret.
    ({ fabric, wiring } = await startRoyalties(binaries, fixture, { ...moto.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint, AWS_DEFAULT_REGION: 'us-east-1' }));
    [enrolled] = await enrollBankIdentities(fabric, fixture, secrets);
  }, 900_000);

  afterAll(async () => {
    secrets?.destroy();
    s3?.destroy();
    await fabric?.stop();
    await moto?.stop();
    fixture?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  /** A peer CLI environment that signs as the given certificate and key (an MSP folder in the test's temp dir). */
  const signingAs = (certificate: string, privateKey: string) => {
    const env = fabric.peerCliEnv(BANK);
    const msp = join(work, 'payer-msp');
    cpSync(env.CORE_PEER_MSPCONFIGPATH, msp, { recursive: true });
    for (const [folder, name, text] of [['signcerts', 'cert.pem', certificate], ['keystore', 'key_sk', privateKey]]) {
      rmSync(join(msp, folder), { recursive: true, force: true });
      mkdirSync(join(msp, folder));
      writeFileSync(join(msp, folder, name), text, { mode: 0o600 });
    }
    return { ...env, CORE_PEER_MSPCONFIGPATH: msp };
  };

  /** documents:Anchor of a new key through the peer CLI, endorsed by both members' peers, signed as `env`'s MSP. */
  const anchorByCli = (env: Record<string, string>, key: string) => {
    const endorsers = [FILMMAKER_PEER, BANK_PEER].flatMap((node) => ['--peerAddresses', fabric.peer(node)!.peerEndpoint, '--tlsRootCertFiles', fabric.tlsCaCertFile]);
    const hash = createHash('sha256').update(key).digest('hex');
    return fabricCli(env, 'peer', ['chaincode', 'invoke', '-C', 'royalties', '-n', 'documents', '-c', JSON.stringify({ Args: ['documents:Anchor', key, 'v1', hash] }), ...endorsers, '--waitForEvent', '-o', env.ORDERER, '--tls', '--cafile', env.ORDERER_TLS_CA]);
  };

  test('the identity manager enrolled the payer with role=payer: the payer anchors through the peer, the bank admin, without role=payer, is refused', async () => {
    expect(enrolled).toMatchObject({ name: 'royalty-payer', outcome: 'changed', actions: ['register', 'enroll'] });
    const payer = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: `${PREFIX}royalty-payer` }))).SecretString!);
    await expect(anchorByCli(signingAs(payer.certificate, payer.privateKey), 'payments/2027-01.csv')).resolves.toMatch(/Chaincode invoke successful/);
    await expect(anchorByCli(fabric.peerCliEnv(BANK), 'payments/2027-02.csv')).rejects.toThrow(/Anchor needs an identity whose certificate carries role=payer/);
  }, 300_000);

  /** `npm run offchain -- ...` in process: its JSON result and exit code, or the exit code of its error. */
  async function offchain<T>(...argv: string[]): Promise<{ result: T; exitCode: number; stderr: string }> {
    const io = capturingIo();
    try {
      const outcome = await executeOffchain([...argv, '--json'], { io, env: { CONSORTIUM_DIR: fixture.dir }, wiring, s3 });
      return { result: JSON.parse(io.out.join('')) as T, exitCode: outcome.exitCode, stderr: io.err.join('') };
    } catch (error) {
      return { result: (error as Error).message as T, exitCode: exitCodeOf(error), stderr: io.err.join('') };
    }
  }

  function file(name: string, text: string): string {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
  }

  test('put, anchor as the payer identity (dry run first), verify --from-ledger: intact', async () => {
    const put = await offchain<StoredDocument>('put', file('statement.csv', 'film-1,2027-01,1200.00\n'), '--member', 'bank', '--key', 'statements/2027-01.csv');
    expect(put.exitCode).toBe(0);

    const dry = await offchain<AnchorResult>('anchor', 'statements/2027-01.csv', '--member', 'bank', '--dry-run');
    expect(dry.result).toMatchObject({ outcome: 'would-anchor', versionId: put.result.versionId, sha256: put.result.sha256, channel: 'royalties', signer: 'identity royalty-payer of bank (role=payer)', dryRun: true });

    const anchored = await offchain<AnchorResult>('anchor', 'statements/2027-01.csv', '--member', 'bank');
    expect(anchored.exitCode).toBe(0);
    expect(anchored.result).toMatchObject({ outcome: 'anchored', key: 'statements/2027-01.csv', versionId: put.result.versionId, sha256: put.result.sha256 });
    expect(anchored.result.record).toMatchObject({ key: 'statements/2027-01.csv', versionId: put.result.versionId, sha256: put.result.sha256, mspId: BANK });
    expect(anchored.stderr).not.toMatch(/PRIVATE KEY/);

    const verified = await offchain<LedgerVerifiedDocument>('verify', 'statements/2027-01.csv', '--member', 'bank', '--from-ledger');
    expect(verified.exitCode).toBe(0);
    expect(verified.result).toMatchObject({ intact: true, versionId: put.result.versionId, versionAnchored: true, anchor: { sha256: put.result.sha256, channel: 'royalties', mspId: BANK } });
  }, 300_000);

  test('anchoring the same version again is refused by the chaincode and reported as already anchored', async () => {
    const again = await offchain<AnchorResult>('anchor', 'statements/2027-01.csv', '--member', 'bank');
    expect(again.exitCode).toBe(0);
    expect(again.result.outcome).toBe('already-anchored');
    expect(again.result.refusal).toMatch(/^statements\/2027-01\.csv version \S+ is already anchored \(sha256 [0-9a-f]{64}, by m-FN3QH2XV5CDRJ7KLAP4WTYBS6E at .*\); anchored versions are never overwritten$/);
  }, 300_000);

  test('different bytes put under the same key are caught by verify --from-ledger (exit 3); the anchored version still verifies', async () => {
    const first = (await offchain<LedgerVerifiedDocument>('verify', 'statements/2027-01.csv', '--member', 'bank', '--from-ledger')).result;
    const tampered = await offchain<StoredDocument>('put', file('forged.csv', 'film-1,2027-01,12000.00\n'), '--member', 'bank', '--key', 'statements/2027-01.csv');
    const caught = await offchain<LedgerVerifiedDocument>('verify', 'statements/2027-01.csv', '--member', 'bank', '--from-ledger');
    expect(caught.exitCode).toBe(TAMPERED_EXIT_CODE);
    expect(caught.result).toMatchObject({ intact: false, versionId: tampered.result.versionId, versionAnchored: false, anchor: { versionId: first.versionId, sha256: first.anchor.sha256 } });
    const anchoredVersion = await offchain<LedgerVerifiedDocument>('verify', 'statements/2027-01.csv', '--member', 'bank', '--from-ledger', '--version-id', first.versionId!);
    expect(anchoredVersion).toMatchObject({ exitCode: 0, result: { intact: true, versionAnchored: true } });
  }, 300_000);

  test('verify --from-ledger of a key never anchored fails with exit 1 and says to anchor it', async () => {
    await offchain('put', file('draft.csv', 'draft\n'), '--member', 'bank', '--key', 'statements/draft.csv');
    const missing = await offchain<string>('verify', 'statements/draft.csv', '--member', 'bank', '--from-ledger');
    expect(missing.exitCode).toBe(1);
    expect(missing.result).toBe('statements/draft.csv has no anchored version on royalties: anchor it first with npm run offchain -- anchor statements/draft.csv --member bank');
  }, 300_000);
});

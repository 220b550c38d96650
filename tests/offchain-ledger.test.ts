/**
 * The ledger from the YAML, then off-chain documents anchored on it, end to end against real
 * Fabric 2.2 (the simulator's FabricNetwork: Raft orderer with AWSSystemConsortium, member CAs,
 * peers, the Node.js builder that stands in for AMB's Docker build) and moto for S3 and Secrets
 * Manager, on one network:
 * - msp, channel and chaincode for filmmaker and bank on an empty ledger, re-runs that change
 *   nothing, and the documents chaincode running on both peers from the package every member built;
 * - `npm run offchain -- anchor` and `verify --from-ledger`. The chaincode requires role=payer
 *   (chaincodes[].requiredAttribute), so the bank anchors as the royalty-payer identity its
 *   identity manager registered and enrolled with role=payer in the certificate (key fetched by
 *   the step script from Secrets Manager), never as its admin; the peer itself refuses the admin.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parse } from 'yaml';
import { exitCodeOf } from '../lib/cli';
import { executeCommand } from '../lib/command';
import type { LedgerWiring, StepsResult } from '../lib/fabric/ledger-command';
import type { StepReport } from '../lib/fabric/reconcile';
import { LocalTransport } from '../lib/fabric/transport';
import { offchainStoreOf, TAMPERED_EXIT_CODE, type StoredDocument } from '../lib/offchain';
import { anchoringIdentity, documentsLedgerOf, type AnchorResult, type LedgerVerifiedDocument } from '../lib/offchain-ledger';
import { capturingIo } from '../lib/output';
import { chaincodeCommand } from '../scripts/chaincode';
import { channelCommand } from '../scripts/channel';
import { mspCommand, type MspResult } from '../scripts/msp';
import { executeOffchain } from '../scripts/offchain';
import type { FabricNetwork } from '../sim/fabric/network';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { fabricCli } from './helpers/fabric-channel';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { BANK, BANK_IDENTITY_PREFIX as PREFIX, BANK_PEER, enrollBankIdentities, FILMMAKER, FILMMAKER_PEER, payerOnlyRoyalties, startRoyaltiesFabric } from './helpers/royalties-fabric';
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

describe('the ledger from the YAML, then offchain anchor and verify --from-ledger, against real Fabric 2.2 and moto', () => {
  let fabric: FabricNetwork;
  let fixture: ConsortiumFixture;
  let moto: MotoServer;
  let secrets: SecretsManagerClient;
  let s3: S3Client;
  let wiring: LedgerWiring;
  let work: string;

  beforeAll(async () => {
    requireTool('jq');
    requireTool('aws');
    const binaries = await requireFabric();
    work = mkdtempSync(join(tmpdir(), 'offchain-ledger-'));
    fixture = ledgerFixture();
    moto = await workerMotoServer();
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    secrets = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
    s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials });
    const { bucket } = offchainStoreOf(fixture.load(), 'bank');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await secrets.send(new CreateSecretCommand({ Name: `${PREFIX}royalty-payer` }));
    // The Fabric client's shell: its peer CLI profile, and AWS access (here moto) for the identity secret.
    ({ fabric, wiring } = await startRoyaltiesFabric(binaries, { ...moto.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint, AWS_DEFAULT_REGION: 'us-east-1' }));
  }, 600_000);

  afterAll(async () => {
    secrets?.destroy();
    s3?.destroy();
    await fabric?.stop();
    await moto?.stop();
    fixture?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  /** `npm run <command> -- --member <member> --json <flags>` in this process: its JSON result. */
  const run = async <T>(command: Parameters<typeof executeCommand<T>>[0], member: string, ...flags: string[]): Promise<T> =>
    (await executeCommand(command, ['--member', member, '--json', ...flags], { io: capturingIo(), env: { CONSORTIUM_DIR: fixture.dir } })) as T;
  const steps = (result: { steps: readonly StepReport[] }) => result.steps.map((step) => `${step.subject} ${step.step} ${step.target} ${step.outcome}`);

  test('msp writes each member\'s CA and admin certificates under members/msp/<member>/, and nothing secret', async () => {
    for (const [member, memberId] of [['filmmaker', FILMMAKER], ['bank', BANK]]) {
      const result = await run<MspResult>(mspCommand(wiring), member);
      expect(result.changed).toEqual(['cacerts/ca.pem', 'admincerts/admin.pem', 'tlscacerts/tlsca.pem']);
      const folder = join(fixture.dir, 'msp', member);
      expect(readFileSync(join(folder, 'cacerts', 'ca.pem'), 'utf8')).toBe(fabric.member(memberId)!.caCertPem);
      expect(readFileSync(join(folder, 'admincerts', 'admin.pem'), 'utf8')).toBe(readFileSync(join(fabric.member(memberId)!.adminMspDir, 'signcerts', 'cert.pem'), 'utf8'));
      for (const file of ['cacerts/ca.pem', 'admincerts/admin.pem', 'tlscacerts/tlsca.pem']) expect(readFileSync(join(folder, file), 'utf8')).not.toMatch(/PRIVATE KEY/);
      expect((await run<MspResult>(mspCommand(wiring), member)).changed).toEqual([]);
    }
  }, 120_000);

  test('channel: the creator creates royalties, joins its peer and sets its anchor; the other member, killed after joining, only anchors on re-run; re-runs change nothing', async () => {
    const filmPeer = fabric.peer(FILMMAKER_PEER)!.peerEndpoint;
    const bankPeer = fabric.peer(BANK_PEER)!.peerEndpoint;
    expect(steps(await run(channelCommand(wiring), 'bank', '--dry-run'))).toEqual(['royalties wait royalties waiting']);
    expect(steps(await run(channelCommand(wiring), 'filmmaker', '--dry-run'))).toEqual(['royalties create royalties would-do', `royalties join peer1 (${FILMMAKER_PEER}) would-do`, `royalties anchor ${filmPeer} would-do`]);
    expect(steps(await run(channelCommand(wiring), 'filmmaker'))).toEqual(['royalties create royalties done', `royalties join peer1 (${FILMMAKER_PEER}) done`, `royalties anchor ${filmPeer} done`]);
    // bank is killed after joining its peer, before its anchor update: the re-run does only the rest.
    await new LocalTransport(fabric.peerCliEnv(BANK)).run({ step: 'channel-join', params: { CHANNEL: 'royalties', PEER_ADDRESS: bankPeer } });
    expect(steps(await run(channelCommand(wiring), 'bank'))).toEqual([`royalties anchor ${bankPeer} done`]);
    expect(await fabricCli(fabric.peerCliEnv(BANK), 'peer', ['channel', 'list'])).toMatch(/^royalties$/m);
    expect(steps(await run(channelCommand(wiring), 'filmmaker'))).toEqual([]);
    expect(steps(await run(channelCommand(wiring), 'bank'))).toEqual([]);
  }, 240_000);

  test('chaincode: filmmaker records the package id, installs and approves; bank builds the same id, installs, approves and commits; re-runs change nothing', async () => {
    const first = await run<StepsResult>(chaincodeCommand(wiring), 'filmmaker');
    const packageId = first.steps[0].target;
    expect(packageId).toMatch(/^documents_1\.0:[0-9a-f]{64}$/);
    expect(steps(first)).toEqual([
      `royalties/documents record-package-id ${packageId} done`,
      `royalties/documents install peer1 (${FILMMAKER_PEER}) done`,
      `royalties/documents approve ${packageId} done`,
      `royalties/documents wait ${packageId} waiting`,
    ]);
    expect(parse(readFileSync(join(fixture.dir, 'consortium.yaml'), 'utf8')).chaincodes[0].packageId).toBe(packageId);

    expect(steps(await run(chaincodeCommand(wiring), 'bank'))).toEqual([
      `royalties/documents install peer1 (${BANK_PEER}) done`,
      `royalties/documents approve ${packageId} done`,
      `royalties/documents commit ${packageId} done`,
    ]);
    expect(parse(readFileSync(join(fixture.dir, 'consortium.yaml'), 'utf8')).chaincodes[0].ledger).toEqual({ sequence: 1, version: '1.0' });
    expect(steps(await run(chaincodeCommand(wiring), 'filmmaker'))).toEqual([]);
    expect(steps(await run(chaincodeCommand(wiring), 'bank'))).toEqual([]);
  }, 600_000);

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

  test('the identity manager enrolls the payer with role=payer; the committed chaincode runs on both peers: the payer anchors endorsed by both, the other member\'s peer answers Get, the bank admin, without role=payer, is refused', async () => {
    const [enrolled] = await enrollBankIdentities(fabric, fixture, secrets);
    expect(enrolled).toMatchObject({ name: 'royalty-payer', outcome: 'changed', actions: ['register', 'enroll'] });
    const payer = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: `${PREFIX}royalty-payer` }))).SecretString!);
    await expect(anchorByCli(signingAs(payer.certificate, payer.privateKey), 'payments/2027-01.csv')).resolves.toMatch(/Chaincode invoke successful/);
    const get = JSON.stringify({ Args: ['documents:Get', 'payments/2027-01.csv', 'v1'] });
    const record = JSON.parse(await fabricCli(fabric.peerCliEnv(FILMMAKER), 'peer', ['chaincode', 'query', '-C', 'royalties', '-n', 'documents', '-c', get]));
    expect(record).toMatchObject({ key: 'payments/2027-01.csv', versionId: 'v1', sha256: createHash('sha256').update('payments/2027-01.csv').digest('hex'), mspId: BANK });
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

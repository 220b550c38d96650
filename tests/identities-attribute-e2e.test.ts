/**
 * The attribute path end to end, on real Fabric 2.2: the bank's identity manager registers and
 * enrolls its `royalty-payer` with role=payer in the certificate (secret in Secrets Manager,
 * moto), the documents chaincode requires role=payer (chaincodes[].requiredAttribute), and
 * Anchor succeeds as the payer and is refused to the bank's admin, whose certificate lacks it.
 */
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeCommand, type CommandContext } from '../lib/command';
import { consortiumDirectory } from '../lib/fabric/directory';
import type { LedgerWiring } from '../lib/fabric/ledger-command';
import { LocalTransport } from '../lib/fabric/transport';
import { FabricCa } from '../lib/identities/fabric-ca';
import { reconcileIdentities } from '../lib/identities/manager';
import { SecretsManagerIdentityStore } from '../lib/identities/secret-store';
import { capturingIo } from '../lib/output';
import { chaincodeCommand } from '../scripts/chaincode';
import { channelCommand } from '../scripts/channel';
import { mspCommand } from '../scripts/msp';
import { FabricNetwork } from '../sim/fabric/network';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { fabricCli } from './helpers/fabric-channel';
import { startMotoServer, type MotoServer } from './helpers/moto';
import { requireTool } from './helpers/tools';

const FILMMAKER = 'm-J46DNSFRTVCCLONS6DRTU2EJFE';
const BANK = 'm-FN3QH2XV5CDRJ7KLAP4WTYBS6E';
const FILMMAKER_PEER = 'nd-6EAJ5VA43JGGNPXOUZP7Y47E4Y';
const BANK_PEER = 'nd-BANKPEER1XXXXXXXXXXXXXXXX';
const BANK_ADMIN = { adminUsername: 'bankadmin', adminPassword: 'Bank-Passw0rd' };
const PREFIX = 'amb/drm-royalties/bank/identities/';

describe('a chaincode attribute check against an identity the manager enrolled (real Fabric 2.2)', () => {
  let fabric: FabricNetwork;
  let fixture: ConsortiumFixture;
  let moto: MotoServer;
  let secrets: SecretsManagerClient;
  let work: string;

  beforeAll(async () => {
    requireTool('jq');
    const binaries = await requireFabric();
    work = mkdtempSync(join(tmpdir(), 'identities-e2e-'));
    fixture = new ConsortiumFixture()
      .edit('consortium.yaml', /\n  # ott-vendor-2 is added[\s\S]*?members: \[filmmaker, ott-vendor-1\]\n/, '\n')
      .edit('consortium.yaml', '    endorsementPolicy: MAJORITY\n', '    endorsementPolicy: MAJORITY\n    requiredAttribute: role=payer\n')
      .edit('filmmaker.yaml', /  - name: peer2\n    instanceType: bc.t3.medium\n    availabilityZone: us-east-1b\n/, '')
      .edit('filmmaker.yaml', /    - name: peer2\n[\s\S]*$/, '')
      .edit('bank.yaml', /  invitationId: (\S+)\n$/, `  invitationId: $1\n  peers:\n    - name: peer1\n      nodeId: ${BANK_PEER}\n      instanceType: bc.t3.medium\n      availabilityZone: us-east-1c\n`);
    moto = await startMotoServer();
    secrets = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await secrets.send(new CreateSecretCommand({ Name: `${PREFIX}royalty-payer` }));
    fabric = await FabricNetwork.start({ networkId: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU', binaries });
    await Promise.all([
      fabric.startMember({ memberId: FILMMAKER, adminUsername: 'filmadmin', adminPassword: 'Film-Passw0rd' }),
      fabric.startMember({ memberId: BANK, ...BANK_ADMIN }),
    ]);
    await Promise.all([fabric.addToConsortium(FILMMAKER), fabric.addToConsortium(BANK), fabric.startPeer(FILMMAKER, FILMMAKER_PEER), fabric.startPeer(BANK, BANK_PEER)]);
    const wiring: LedgerWiring = {
      transportFor: (context: CommandContext) => new LocalTransport(fabric.peerCliEnv(context.member.memberId!), `simulator Fabric as ${context.member.name}`),
      directoryFor: (context: CommandContext) => consortiumDirectory(context.consortium, async (_memberId, nodeId) => fabric.peer(nodeId)?.peerEndpoint),
    };
    const run = (command: Parameters<typeof executeCommand>[0], member: string) => executeCommand(command, ['--member', member, '--json'], { io: capturingIo(), env: { CONSORTIUM_DIR: fixture.dir } });
    for (const member of ['filmmaker', 'bank']) await run(mspCommand(wiring), member);
    await run(channelCommand(wiring), 'filmmaker');
    await run(channelCommand(wiring), 'bank');
    await run(chaincodeCommand(wiring), 'filmmaker');
    await run(chaincodeCommand(wiring), 'bank');
  }, 900_000);

  afterAll(async () => {
    secrets?.destroy();
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
    for (const [folder, file, text] of [['signcerts', 'cert.pem', certificate], ['keystore', 'key_sk', privateKey]]) {
      rmSync(join(msp, folder), { recursive: true, force: true });
      mkdirSync(join(msp, folder));
      writeFileSync(join(msp, folder, file), text, { mode: 0o600 });
    }
    return { ...env, CORE_PEER_MSPCONFIGPATH: msp };
  };

  const anchor = (env: Record<string, string>, key: string) => {
    const endorsers = [FILMMAKER_PEER, BANK_PEER].flatMap((node) => ['--peerAddresses', fabric.peer(node)!.peerEndpoint, '--tlsRootCertFiles', fabric.tlsCaCertFile]);
    const hash = createHash('sha256').update(key).digest('hex');
    return fabricCli(env, 'peer', ['chaincode', 'invoke', '-C', 'royalties', '-n', 'documents', '-c', JSON.stringify({ Args: ['documents:Anchor', key, 'v1', hash] }), ...endorsers, '--waitForEvent', '-o', env.ORDERER, '--tls', '--cafile', env.ORDERER_TLS_CA]);
  };

  test('the payer the manager enrolled anchors; the bank admin, without role=payer, is refused', async () => {
    const ca = await FabricCa.connect({ url: `https://${fabric.member(BANK)!.caEndpoint}`, tlsChain: fabric.tlsCaCertPem, mspId: BANK, ...BANK_ADMIN });
    const [report] = await reconcileIdentities({
      identities: fixture.load().members.find((member) => member.name === 'bank')!.identities,
      renewBeforeDays: 30,
      mspId: BANK,
      ca,
      store: new SecretsManagerIdentityStore(secrets, PREFIX),
      now: () => new Date(),
      dryRun: false,
    });
    expect(report).toMatchObject({ name: 'royalty-payer', outcome: 'changed', actions: ['register', 'enroll'] });
    const payer = JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: `${PREFIX}royalty-payer` }))).SecretString!);

    await expect(anchor(signingAs(payer.certificate, payer.privateKey), 'payments/2027-01.csv')).resolves.toMatch(/Chaincode invoke successful/);
    await expect(anchor(fabric.peerCliEnv(BANK), 'payments/2027-02.csv')).rejects.toThrow(/Anchor needs an identity whose certificate carries role=payer/);
  }, 300_000);
});

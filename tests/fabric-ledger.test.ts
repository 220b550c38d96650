/**
 * Channels and chaincode from the YAML, end to end against real Fabric 2.2 (the simulator's
 * FabricNetwork: Raft orderer with AWSSystemConsortium, member CAs, peers, the Node.js
 * builder that stands in for AMB's Docker build): msp, channel and chaincode for filmmaker
 * and bank on an empty ledger, re-runs that change nothing, and the documents chaincode
 * answering through the package every member built.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { executeCommand, type CommandContext } from '../lib/command';
import { consortiumDirectory } from '../lib/fabric/directory';
import type { LedgerWiring, StepsResult } from '../lib/fabric/ledger-command';
import type { StepReport } from '../lib/fabric/reconcile';
import { LocalTransport } from '../lib/fabric/transport';
import { capturingIo } from '../lib/output';
import { chaincodeCommand } from '../scripts/chaincode';
import { channelCommand } from '../scripts/channel';
import { mspCommand, type MspResult } from '../scripts/msp';
import { FabricNetwork } from '../sim/fabric/network';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { fabricCli } from './helpers/fabric-channel';
import { requireTool } from './helpers/tools';

const FILMMAKER = 'm-J46DNSFRTVCCLONS6DRTU2EJFE';
const BANK = 'm-FN3QH2XV5CDRJ7KLAP4WTYBS6E';
const FILMMAKER_PEER = 'nd-6EAJ5VA43JGGNPXOUZP7Y47E4Y';
const BANK_PEER = 'nd-BANKPEER1XXXXXXXXXXXXXXXX';

describe('channels and chaincode from the YAML, against real Fabric 2.2', () => {
  let fabric: FabricNetwork;
  let fixture: ConsortiumFixture;
  let wiring: LedgerWiring;

  const run = async <T>(command: Parameters<typeof executeCommand<T>>[0], member: string, ...flags: string[]): Promise<T> => {
    const io = capturingIo();
    return (await executeCommand(command, ['--member', member, '--json', ...flags], { io, env: { CONSORTIUM_DIR: fixture.dir } })) as T;
  };
  const steps = (result: { steps: readonly StepReport[] }) => result.steps.map((step) => `${step.subject} ${step.step} ${step.target} ${step.outcome}`);

  beforeAll(async () => {
    requireTool('jq');
    const binaries = await requireFabric();
    fixture = new ConsortiumFixture()
      .edit('consortium.yaml', /\n  # ott-vendor-2 is added[\s\S]*?members: \[filmmaker, ott-vendor-1\]\n/, '\n')
      .edit('filmmaker.yaml', /  - name: peer2\n    instanceType: bc.t3.medium\n    availabilityZone: us-east-1b\n/, '')
      .edit('filmmaker.yaml', /    - name: peer2\n[\s\S]*$/, '')
      .edit('bank.yaml', /  invitationId: (\S+)\n$/, `  invitationId: $1\n  peers:\n    - name: peer1\n      nodeId: ${BANK_PEER}\n      instanceType: bc.t3.medium\n      availabilityZone: us-east-1c\n`);
    fabric = await FabricNetwork.start({ networkId: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU', binaries });
    await Promise.all([
      fabric.startMember({ memberId: FILMMAKER, adminUsername: 'filmadmin', adminPassword: 'Film-Passw0rd' }),
      fabric.startMember({ memberId: BANK, adminUsername: 'bankadmin', adminPassword: 'Bank-Passw0rd' }),
    ]);
    await Promise.all([fabric.addToConsortium(FILMMAKER), fabric.addToConsortium(BANK), fabric.startPeer(FILMMAKER, FILMMAKER_PEER), fabric.startPeer(BANK, BANK_PEER)]);
    const memberIdOf = (context: CommandContext) => context.member.memberId!;
    wiring = {
      transportFor: (context) => new LocalTransport(fabric.peerCliEnv(memberIdOf(context)), `simulator Fabric as ${context.member.name}`),
      directoryFor: (context) => consortiumDirectory(context.consortium, async (_memberId, nodeId) => fabric.peer(nodeId)?.peerEndpoint),
    };
  }, 300_000);

  afterAll(async () => {
    await fabric?.stop();
    fixture?.dispose();
  }, 120_000);

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

  test('channel: the creator creates royalties, joins its peer and sets its anchor; the other member joins and anchors; re-runs change nothing', async () => {
    const filmPeer = fabric.peer(FILMMAKER_PEER)!.peerEndpoint;
    const bankPeer = fabric.peer(BANK_PEER)!.peerEndpoint;
    expect(steps(await run(channelCommand(wiring), 'bank', '--dry-run'))).toEqual(['royalties wait royalties waiting']);
    expect(steps(await run(channelCommand(wiring), 'filmmaker', '--dry-run'))).toEqual(['royalties create royalties would-do', `royalties join peer1 (${FILMMAKER_PEER}) would-do`, `royalties anchor ${filmPeer} would-do`]);
    expect(steps(await run(channelCommand(wiring), 'filmmaker'))).toEqual(['royalties create royalties done', `royalties join peer1 (${FILMMAKER_PEER}) done`, `royalties anchor ${filmPeer} done`]);
    expect(steps(await run(channelCommand(wiring), 'bank'))).toEqual([`royalties join peer1 (${BANK_PEER}) done`, `royalties anchor ${bankPeer} done`]);
    expect(fabricCli(fabric.peerCliEnv(BANK), 'peer', ['channel', 'list'])).toMatch(/^royalties$/m);
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
    const yaml = parse(readFileSync(join(fixture.dir, 'consortium.yaml'), 'utf8'));
    expect(yaml.chaincodes[0].packageId).toBe(packageId);

    expect(steps(await run(chaincodeCommand(wiring), 'bank'))).toEqual([
      `royalties/documents install peer1 (${BANK_PEER}) done`,
      `royalties/documents approve ${packageId} done`,
      `royalties/documents commit ${packageId} done`,
    ]);
    expect(parse(readFileSync(join(fixture.dir, 'consortium.yaml'), 'utf8')).chaincodes[0].ledger).toEqual({ sequence: 1, version: '1.0' });
    expect(steps(await run(chaincodeCommand(wiring), 'filmmaker'))).toEqual([]);
    expect(steps(await run(chaincodeCommand(wiring), 'bank'))).toEqual([]);
  }, 600_000);

  test('the committed documents chaincode runs from the package on both peers: Anchor endorsed by both, Get answers, an overwrite is refused', async () => {
    const env = fabric.peerCliEnv(FILMMAKER);
    const hash = createHash('sha256').update('film-1 contract v1').digest('hex');
    const endorsers = [FILMMAKER_PEER, BANK_PEER].flatMap((node) => ['--peerAddresses', fabric.peer(node)!.peerEndpoint, '--tlsRootCertFiles', fabric.tlsCaCertFile]);
    const invoke = (args: string[]) => fabricCli(env, 'peer', ['chaincode', 'invoke', '-C', 'royalties', '-n', 'documents', '-c', JSON.stringify({ Args: args }), ...endorsers, '--waitForEvent', '-o', env.ORDERER, '--tls', '--cafile', env.ORDERER_TLS_CA]);
    invoke(['documents:Anchor', 'contracts/film-1.pdf', 'v1', hash]);
    const record = JSON.parse(fabricCli(fabric.peerCliEnv(BANK), 'peer', ['chaincode', 'query', '-C', 'royalties', '-n', 'documents', '-c', JSON.stringify({ Args: ['documents:Get', 'contracts/film-1.pdf', 'v1'] })]));
    expect(record).toMatchObject({ key: 'contracts/film-1.pdf', versionId: 'v1', sha256: hash, mspId: FILMMAKER });
    expect(() => invoke(['documents:Anchor', 'contracts/film-1.pdf', 'v1', 'f'.repeat(64)])).toThrow(/already anchored/);
  }, 300_000);
});

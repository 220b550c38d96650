/**
 * Adding a member to an existing channel, and removing one, by a config update that a
 * MAJORITY of the channel's organisations sign, collected in git: end to end against real
 * Fabric 2.2 (the simulator's FabricNetwork). One network for every case: filmmaker creates
 * `plays` with ott-vendor-1; the YAML then adds ott-vendor-2 (both existing orgs must sign:
 * MAJORITY of 2; the first update goes stale under ott-vendor-1's first anchor peer and is
 * recomputed), and later drops it again (2 of the 3 orgs sign).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { executeCommand, type CommandContext } from '../lib/command';
import { consortiumDirectory } from '../lib/fabric/directory';
import type { LedgerWiring, StepsResult } from '../lib/fabric/ledger-command';
import { OperationalError } from '../lib/errors';
import { LocalTransport, type StepRequest, type StepTransport } from '../lib/fabric/transport';
import { capturingIo } from '../lib/output';
import { channelCommand } from '../scripts/channel';
import { mspCommand } from '../scripts/msp';
import { FabricNetwork } from '../sim/fabric/network';
import { freePort } from '../sim/fabric/processes';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { fabricCli } from './helpers/fabric-channel';
import { requireTool } from './helpers/tools';

const FILMMAKER = 'm-J46DNSFRTVCCLONS6DRTU2EJFE';
const OTT1 = 'm-2QZLVGD3WJHBXKOIYTNBA6F7XM';
const OTT2 = 'm-7RKWQ4ZJ5MBN2XCVHDYLT3OPAE';
const PEERS = { filmmaker: 'nd-6EAJ5VA43JGGNPXOUZP7Y47E4Y', 'ott-vendor-1': 'nd-OTT1PEER1XXXXXXXXXXXXXXX', 'ott-vendor-2': 'nd-OTT2PEER1XXXXXXXXXXXXXXX' };

/** A transport that dies (as a killed process would) when it reaches one step. */
class KilledAt implements StepTransport {
  readonly description: string;
  constructor(private readonly inner: StepTransport, private readonly step: StepRequest['step']) {
    this.description = inner.description;
  }
  run<T>(request: StepRequest): Promise<T> {
    if (request.step === this.step) return Promise.reject(new OperationalError(`killed before ${this.step}`));
    return this.inner.run<T>(request);
  }
}

describe('a member added to and removed from an existing channel by a majority-signed config update, against real Fabric 2.2', () => {
  let fabric: FabricNetwork;
  let fixture: ConsortiumFixture;
  let wiring: LedgerWiring;
  let killAt: StepRequest['step'] | undefined;
  /** The add update's folder name: seq<config sequence when computed>-add-ott-vendor-2. */
  let ADD: string;

  const run = async (member: string, ...flags: string[]): Promise<StepsResult> => {
    const io = capturingIo();
    return (await executeCommand(channelCommand(wiring), ['--member', member, '--json', ...flags], { io, env: { CONSORTIUM_DIR: fixture.dir } })) as StepsResult;
  };
  const steps = (result: StepsResult) => result.steps.map((step) => `${step.subject} ${step.step} ${step.target} ${step.outcome}`);
  const setPlays = (members: string) => fixture.edit('consortium.yaml', /  - name: plays\n    members: \[[^\]]*\]\n/, `  - name: plays\n    members: [${members}]\n`);
  const updateFolder = (name: string) => join(dirname(fixture.dir), 'channels', 'plays', 'updates', name);
  const peerRecord = (node: string, zone: string) => `  peers:\n    - name: peer1\n      nodeId: ${node}\n      instanceType: bc.t3.small\n      availabilityZone: ${zone}\n`;
  const orgsOnPlays = async () => (await new LocalTransport(fabric.peerCliEnv(FILMMAKER)).run<{ orgs: string[] }>({ step: 'channel-state', params: { CHANNEL: 'plays' } })).orgs;

  beforeAll(async () => {
    requireTool('jq');
    const binaries = await requireFabric();
    fixture = new ConsortiumFixture()
      .edit('consortium.yaml', /\n  - name: royalties\n    members: \[filmmaker, bank\]\n/, '\n')
      .edit('consortium.yaml', /\n# Chaincode each member[\s\S]*?endorsementPolicy: MAJORITY\n/, '\n')
      .edit('filmmaker.yaml', /  - name: peer2\n    instanceType: bc.t3.medium\n    availabilityZone: us-east-1b\n/, '')
      .edit('filmmaker.yaml', /    - name: peer2\n[\s\S]*$/, '')
      .edit('ott-vendor-1.yaml', /  invitationId: (\S+)\n$/, `  invitationId: $1\n${peerRecord(PEERS['ott-vendor-1'], 'us-east-1a')}`)
      .edit('ott-vendor-2.yaml', /adminUsername: ott2admin\n/, 'adminUsername: ott2admin\ninvitationId: i-OTT2INVITATIONXXXXXXXXXXXX\n')
      .edit('ott-vendor-2.yaml', /$/, `ledger:\n  memberId: ${OTT2}\n  name: ott-vendor-2\n  networkId: n-MWY63ZJZU5HGNCMBQER7IN6OIU\n  invitationId: i-OTT2INVITATIONXXXXXXXXXXXX\n${peerRecord(PEERS['ott-vendor-2'], 'us-east-1b')}`);
    fabric = await FabricNetwork.start({ networkId: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU', binaries });
    const members: [string, string][] = [[FILMMAKER, 'filmmaker'], [OTT1, 'ott-vendor-1'], [OTT2, 'ott-vendor-2']];
    await Promise.all(members.map(([memberId, name]) => fabric.startMember({ memberId, adminUsername: `${name.replace(/-/g, '')}admin`, adminPassword: `${name}-Passw0rd` })));
    await Promise.all([...members.map(([memberId]) => fabric.addToConsortium(memberId)), ...members.map(([memberId, name]) => fabric.startPeer(memberId, PEERS[name as keyof typeof PEERS]))]);
    const memberIdOf = (context: CommandContext) => context.member.memberId!;
    wiring = {
      transportFor: (context) => {
        const local = new LocalTransport(fabric.peerCliEnv(memberIdOf(context)), `simulator Fabric as ${context.member.name}`);
        return killAt ? new KilledAt(local, killAt) : local;
      },
      directoryFor: (context) => consortiumDirectory(context.consortium, async (_memberId, nodeId) => fabric.peer(nodeId)?.peerEndpoint),
    };
    for (const [, name] of members) await executeCommand(mspCommand(wiring), ['--member', name, '--json'], { io: capturingIo(), env: { CONSORTIUM_DIR: fixture.dir } });
    expect(steps(await run('filmmaker'))).toEqual(['plays create plays done', `plays join peer1 (${PEERS.filmmaker}) done`, expect.stringMatching(/^plays anchor \S+ done$/)]);
    // ott-vendor-1 is killed after joining, before it sets its first anchor peer.
    killAt = 'channel-anchor';
    await expect(run('ott-vendor-1')).rejects.toThrow(/killed before channel-anchor/);
    killAt = undefined;
  }, 300_000);

  afterAll(async () => {
    await fabric?.stop();
    fixture?.dispose();
  }, 120_000);

  test('the YAML adds ott-vendor-2: filmmaker computes and signs; one signature of 2 leaves it waiting and names ott-vendor-1; a dry run writes nothing', async () => {
    setPlays('filmmaker, ott-vendor-1, ott-vendor-2');
    expect(steps(await run('ott-vendor-2'))).toEqual(['plays wait plays waiting']);
    const dryRun = await run('filmmaker', '--dry-run');
    ADD = dryRun.steps[0].target.replace('updates/', '');
    expect(ADD).toMatch(/^seq\d+-add-ott-vendor-2$/);
    expect(steps(dryRun)).toEqual([`plays compute updates/${ADD} would-do`, `plays sign updates/${ADD} would-do`, `plays wait updates/${ADD} waiting`]);
    expect(existsSync(updateFolder(ADD))).toBe(false);

    const first = await run('filmmaker');
    expect(steps(first)).toEqual([`plays compute updates/${ADD} done`, `plays sign updates/${ADD} done`, `plays wait updates/${ADD} waiting`]);
    expect(first.steps[2].reason).toBe('1 of the 2 organisations of plays signed (filmmaker); MAJORITY Admins needs 2: still to sign, 1 of ott-vendor-1 (npm run channel -- --member M)');
    const folder = updateFolder(ADD);
    expect(readdirSync(folder).sort()).toEqual(['config-update.json', 'envelope.pb', 'signatures', 'update.yaml']);
    expect(readdirSync(join(folder, 'signatures')).filter((file) => file.endsWith('.json'))).toEqual(['filmmaker.json']);
    expect(parse(readFileSync(join(folder, 'update.yaml'), 'utf8'))).toMatchObject({ channel: 'plays', baseSequence: Number(ADD.match(/^seq(\d+)/)![1]), add: [{ member: 'ott-vendor-2', mspId: OTT2 }], remove: [], computedBy: 'filmmaker', policy: 'MAJORITY Admins', required: 2 });
    const update = JSON.parse(readFileSync(join(folder, 'config-update.json'), 'utf8'));
    expect(Object.keys(update.write_set.groups.Application.groups)).toContain(OTT2);
    expect(JSON.stringify(update.write_set.groups.Application.groups[OTT2].values.MSP.value.config.admins)).not.toBe('[]');
    for (const file of ['update.yaml', 'config-update.json', 'signatures/filmmaker.json']) expect(readFileSync(join(folder, file), 'utf8')).not.toMatch(/PRIVATE KEY/);

    const waiting = await run('ott-vendor-2');
    expect(steps(waiting)).toEqual([`plays wait updates/${ADD} waiting`]);
    expect(waiting.steps[0].reason).toMatch(/has 1 of the 2 signatures it needs: still to sign, 1 of ott-vendor-1/);
    expect(steps(await run('filmmaker'))).toEqual([`plays wait updates/${ADD} waiting`]);
    expect(await orgsOnPlays()).toEqual([FILMMAKER, OTT1].sort());
  }, 240_000);

  test("ott-vendor-1's first anchor peer moves the config the update read: it is reported stale, and a fresh one is computed and signed; filmmaker signs that and, killed before submitting, submits on re-run", async () => {
    const second = await run('ott-vendor-1');
    const fresh = second.steps[2]?.target.replace('updates/', '');
    expect(fresh).toMatch(/^seq\d+-add-ott-vendor-2$/);
    expect(fresh).not.toBe(ADD);
    expect(steps(second)).toEqual([
      expect.stringMatching(/^plays anchor \S+ done$/),
      `plays stale updates/${ADD} waiting`,
      `plays compute updates/${fresh} done`,
      `plays sign updates/${fresh} done`,
      `plays wait updates/${fresh} waiting`,
    ]);
    expect(second.steps[1].reason).toMatch(new RegExp(`^computed at config sequence \\d+, but plays has changed since \\(/Channel/Application/${OTT1} is at version 1, the update was computed at 0\\), so its signatures can no longer be used; ${fresh} replaces it: delete channels/plays/updates/${ADD}/$`));
    expect(second.steps[4].reason).toMatch(/still to sign, 1 of filmmaker/);
    rmSync(updateFolder(ADD), { recursive: true });
    ADD = fresh;

    killAt = 'channel-update-submit';
    await expect(run('filmmaker')).rejects.toThrow(/killed before channel-update-submit/);
    killAt = undefined;
    expect(readdirSync(join(updateFolder(ADD), 'signatures')).filter((file) => file.endsWith('.json')).sort()).toEqual(['filmmaker.json', 'ott-vendor-1.json']);
    expect(steps(await run('filmmaker'))).toEqual([`plays submit updates/${ADD} done`]);
    expect(await orgsOnPlays()).toEqual([FILMMAKER, OTT1, OTT2].sort());
  }, 240_000);

  test('ott-vendor-2 then joins from block 0 and sets its anchor; its peer sees plays; re-runs change nothing', async () => {
    expect(steps(await run('ott-vendor-2'))).toEqual([`plays join peer1 (${PEERS['ott-vendor-2']}) done`, expect.stringMatching(/^plays anchor \S+ done$/)]);
    expect(await fabricCli(fabric.peerCliEnv(OTT2), 'peer', ['channel', 'list'])).toMatch(/^plays$/m);
    expect(await fabricCli(fabric.peerCliEnv(OTT2), 'peer', ['channel', 'getinfo', '-c', 'plays'])).toMatch(/"height":\d+/);
    for (const member of ['filmmaker', 'ott-vendor-1', 'ott-vendor-2']) expect(steps(await run(member))).toEqual([]);
  }, 240_000);

  test('channel-state and chaincode-state ask every peer and the orderer at once: the answers in the order the peers are given, and a peer that does not answer fails the step by its address', async () => {
    // A second peer of ott-vendor-2, joined to plays from its genesis block, for this test only.
    const second = 'nd-OTT2PEER2XXXXXXXXXXXXXXX';
    await fabric.startPeer(OTT2, second);
    try {
      const genesis = join(dirname(fixture.dir), 'plays-0.block');
      await fabricCli(fabric.peerCliEnv(OTT2), 'peer', ['channel', 'fetch', '0', genesis, '-c', 'plays', '-o', fabric.ordererEndpoint, '--tls', '--cafile', fabric.tlsCaCertFile]);
      await fabricCli(fabric.peerCliEnv(OTT2, second), 'peer', ['channel', 'join', '-b', genesis]);
      const transport = new LocalTransport(fabric.peerCliEnv(OTT2));
      const first = `${PEERS['ott-vendor-2']}=${fabric.peer(PEERS['ott-vendor-2'])!.peerEndpoint}`;
      const other = `${second}=${fabric.peer(second)!.peerEndpoint}`;
      const state = await transport.run<{ joined: string[]; orgs: string[] }>({ step: 'channel-state', params: { CHANNEL: 'plays', PEERS: `${other} ${first}` } });
      expect(state.joined).toEqual([second, PEERS['ott-vendor-2']]);
      expect(state.orgs).toEqual([FILMMAKER, OTT1, OTT2].sort());
      expect((await transport.run<{ joined: string[] }>({ step: 'channel-state', params: { CHANNEL: 'plays', PEERS: `${first} ${other}` } })).joined).toEqual([PEERS['ott-vendor-2'], second]);
      const gone = await freePort();
      await expect(transport.run({ step: 'channel-state', params: { CHANNEL: 'plays', PEERS: `${first} nd-GONE=127.0.0.1:${gone}` } })).rejects.toThrow(
        new RegExp(`^step channel-state failed \\(local peer CLI\\): peer 127\\.0\\.0\\.1:${gone} did not list its channels \\(3 attempts\\)`),
      );
      expect(await transport.run({ step: 'channel-state', params: { CHANNEL: 'nosuchchannel', PEERS: `${first} ${other}` } })).toMatchObject({ exists: false, readable: false, joined: [] });
      // chaincode-state asks the same way: both peers' installed packages, nothing committed on plays.
      const definition = { CHANNEL: 'plays', NAME: 'documents', VERSION: '1.0', SEQUENCE: '1', SIGNATURE_POLICY: `OR('${OTT2}.member')`, INIT_REQUIRED: 'false' };
      expect(await transport.run({ step: 'chaincode-state', params: { ...definition, PEERS: `${other} ${first}` } })).toEqual({
        installed: { [second]: [], [PEERS['ott-vendor-2']]: [] },
        committed: null,
        approvals: { [FILMMAKER]: false, [OTT1]: false, [OTT2]: false },
      });
      await expect(transport.run({ step: 'chaincode-state', params: { ...definition, PEERS: `${first} nd-GONE=127.0.0.1:${gone}` } })).rejects.toThrow(
        new RegExp(`^step chaincode-state failed \\(local peer CLI\\): [\\s\\S]*127\\.0\\.0\\.1:${gone}`),
      );
    } finally {
      await fabric.stopPeer(second);
    }
  }, 120_000);

  test('the YAML drops ott-vendor-2: 2 of the 3 organisations sign the removal, the second submits; ott-vendor-2 can no longer read plays', async () => {
    setPlays('filmmaker, ott-vendor-1');
    const first = await run('filmmaker');
    const remove = first.steps[0].target.replace('updates/', '');
    expect(remove).toMatch(/^seq\d+-remove-ott-vendor-2$/);
    expect(steps(first)).toEqual([`plays compute updates/${remove} done`, `plays sign updates/${remove} done`, `plays wait updates/${remove} waiting`]);
    expect(first.steps[2].reason).toBe('1 of the 3 organisations of plays signed (filmmaker); MAJORITY Admins needs 2: still to sign, 1 of ott-vendor-1, ott-vendor-2 (npm run channel -- --member M)');
    // A signature file that is not ott-vendor-1's admin signing this update is refused (exit 2), naming the file.
    const forged = join(updateFolder(remove), 'signatures', 'ott-vendor-1.json');
    writeFileSync(forged, JSON.stringify({ ...JSON.parse(readFileSync(join(updateFolder(remove), 'signatures', 'filmmaker.json'), 'utf8')), member: 'ott-vendor-1', mspId: OTT1 }));
    await expect(run('ott-vendor-1')).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining(`${forged}: signed by an identity of ${FILMMAKER}, not ${OTT1}`) });
    rmSync(forged);
    expect(steps(await run('ott-vendor-1'))).toEqual([`plays sign updates/${remove} done`, `plays submit updates/${remove} done`]);
    expect(await orgsOnPlays()).toEqual([FILMMAKER, OTT1].sort());
    await expect(fabricCli(fabric.peerCliEnv(OTT2), 'peer', ['channel', 'fetch', 'config', join(dirname(fixture.dir), 'config.block'), '-c', 'plays', '-o', fabric.ordererEndpoint, '--tls', '--cafile', fabric.tlsCaCertFile])).rejects.toThrow(/FORBIDDEN/);
    for (const member of ['filmmaker', 'ott-vendor-1', 'ott-vendor-2']) expect(steps(await run(member))).toEqual([]);
  }, 240_000);
});

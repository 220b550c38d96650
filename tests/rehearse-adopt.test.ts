/**
 * `npm run rehearse -- --adopt`: network and members created through the API (as in the
 * console), adopted one by one, then the consortium goes on as code; calm and under injected
 * throttling and server errors. The synth check the rehearsal relies on is shown to fail on a
 * stack that declares what exists.
 */
import { capturingIo } from '../lib/output';
import { adoptedResourcesDeclared } from '../lib/rehearsal/adoption-check';
import { rehearse, type RehearsalSummary } from '../scripts/rehearse';
import { nodeLogicalId } from '../stacks/ledger-template';
import { ADOPTED, adoptedFixture } from './helpers/adopted-fixture';
import { SAMPLE_DIR } from './helpers/consortium-fixture';

const endState = (summary: RehearsalSummary) => summary.final.members.map((member) => [member.name, member.status, member.config]);
const steps = (summary: RehearsalSummary) => summary.timeline.map((entry) => `${entry.actor} ${entry.step}`);

// Quiet run: about 10 s each (a synth of three stacks included).
describe('npm run rehearse -- --adopt', () => {
  let calm: RehearsalSummary;
  beforeAll(async () => {
    calm = await rehearse({ sourceDir: SAMPLE_DIR, adopt: true, io: capturingIo() });
  }, 180_000);

  test('adopts the founder and the members made in the console, invites the last as code, votes out an adopted one, and ends matching the config', () => {
    expect(calm.problems).toEqual([]);
    expect(calm.adopted).toEqual(['filmmaker', 'bank', 'ott-vendor-1']);
    expect(calm.removed).toBe('ott-vendor-1');
    expect(endState(calm)).toEqual([
      ['filmmaker', 'AVAILABLE', 'founder'],
      ['bank', 'AVAILABLE', 'member'],
      ['ott-vendor-1', 'DELETED', 'removed'],
      ['ott-vendor-2', 'AVAILABLE', 'member'],
    ]);
  });

  test('creates in the console first, then adopts one by one with nothing left for sync to record, then goes on as code', () => {
    const lines = steps(calm);
    expect(lines.slice(0, 10)).toEqual([
      'filmmaker console: CreateNetwork, CreateNode',
      'bank console: invited by proposal, CreateMember, CreateNode',
      'ott-vendor-1 console: invited by proposal, CreateMember, CreateNode',
      'filmmaker adopt',
      'filmmaker sync',
      'bank adopt',
      'bank sync',
      'ott-vendor-1 adopt',
      'ott-vendor-1 sync',
      'operator add a peer to bank',
    ]);
    for (const entry of calm.timeline.filter((item) => item.step === 'sync' && ['filmmaker', 'ott-vendor-1'].includes(item.actor))) expect(entry.detail).toBe('nothing new to record');
    expect(calm.timeline.find((item) => item.step === 'adopt again')?.detail).toMatch(/1 existing peer .*; nothing new to record$/);
    expect(lines).toEqual(expect.arrayContaining(['ott-vendor-2 accept-invitation', 'ott-vendor-2 deploy (stand-in: CreateMember, CreateNode)', 'operator mark ott-vendor-1 removed']));
  });

  test("proves by synth that no adopted member or peer is declared, and that the peer added as code is a Node on the recorded ids", () => {
    expect(calm.timeline.find((item) => item.step === "synthesize the adopted members' stacks")?.detail).toBe('3 stacks declare no adopted member or peer; the added peer is a Node on the recorded ids');
  });

  test('converges to the same end state with 30% throttling and 5% server errors', async () => {
    const faulty = await rehearse({ sourceDir: SAMPLE_DIR, adopt: true, faults: { throttleRate: 0.3, serverErrorRate: 0.05, seed: 7 }, io: capturingIo() });
    expect(faulty.problems).toEqual([]);
    expect(endState(faulty)).toEqual(endState(calm));
    expect(faulty.apiCalls).toBeGreaterThan(calm.apiCalls);
  }, 180_000);
});

test('the synth check reports a stack that declares an adopted member or peer, or a new peer on other ids', () => {
  const fixture = adoptedFixture();
  try {
    const consortium = fixture.load();
    const template = {
      Resources: {
        Member: { Type: 'AWS::ManagedBlockchain::Member' },
        [nodeLogicalId('Peer', 'peer1')]: { Type: 'AWS::ManagedBlockchain::Node', Properties: { MemberId: ADOPTED.bank.memberId, NetworkId: ADOPTED.networkId } },
        [nodeLogicalId('Peer', 'peer2')]: { Type: 'AWS::ManagedBlockchain::Node', Properties: { MemberId: { 'Fn::GetAtt': ['Member', 'MemberId'] }, NetworkId: ADOPTED.networkId } },
      },
    };
    const stacks = { bank: { resource: { aws_cloudformation_stack: { ledger: { template_body: JSON.stringify(template) } } } } };
    expect(adoptedResourcesDeclared(consortium, stacks, (name) => nodeLogicalId('Peer', name))).toEqual([
      `bank: the stack declares a Member (Member) although member ${ADOPTED.bank.memberId} is adopted`,
      `bank: the stack declares adopted peer peer1 (node ${ADOPTED.bank.peer1}) as a new Node`,
      `bank: new peer PeerNodePeer2 names member {"Fn::GetAtt":["Member","MemberId"]} and network "${ADOPTED.networkId}", not the recorded ${ADOPTED.bank.memberId} and ${ADOPTED.networkId}`,
    ]);
  } finally {
    fixture.dispose();
  }
});

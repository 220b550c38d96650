import { loadConsortium, type Consortium } from '../lib/config';
import { UsageError } from '../lib/errors';
import { actionsOfDescription, describeAction } from '../lib/governance/actions';
import { decideVote } from '../lib/governance/decide-vote';
import { computeDrift } from '../lib/governance/drift';
import { chooseInvitation, type InvitationView } from '../lib/governance/invitations';
import { buildLedgerRecord, type NodeView } from '../lib/governance/ledger-record';
import { planLogging } from '../lib/governance/logging-plan';
import { planProposals } from '../lib/governance/plan-proposals';
import { requestToken } from '../lib/governance/request-token';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { HOUR, NOW, inviteActions, proposal, recordedMembers, removeActions, snapshotOf } from './helpers/network-snapshot';

const sample = loadConsortium(SAMPLE_DIR);
const NETWORK = sample.network.id!;
const OTT2_ACCOUNT = '333344445555';
const BANK = sample.members.find((member) => member.name === 'bank')!;
const plan = (consortium: Consortium, overrides: Parameters<typeof snapshotOf>[1] = {}, retryRejected = false, proposer = 'filmmaker') =>
  planProposals(consortium, snapshotOf(consortium, overrides), { proposer, now: NOW, retryRejected });

function withFixture(edit: (fixture: ConsortiumFixture) => void): Consortium {
  const fixture = new ConsortiumFixture();
  try {
    edit(fixture);
    return fixture.load();
  } finally {
    fixture.dispose();
  }
}

const bankRemoved = withFixture((fixture) => fixture.edit('bank.yaml', 'voting:', 'removed: true\nvoting:'));

describe('planProposals', () => {
  it('invites the one configured account that is not in the network, with a token derived from the action', () => {
    const { create, skip } = plan(sample);
    expect(skip).toEqual([]);
    expect(create).toEqual([
      {
        action: { kind: 'invite', accountId: OTT2_ACCOUNT, member: 'ott-vendor-2' },
        description: 'Invite account 333344445555 (ott-vendor-2)',
        attempt: 1,
        clientRequestToken: requestToken([NETWORK, `invite:${OTT2_ACCOUNT}`, 1]),
        reason: `account ${OTT2_ACCOUNT} (ott-vendor-2) is not a member of ${NETWORK}`,
      },
    ]);
  });

  it('proposes nothing for an action whose proposal is in progress', () => {
    const open = proposal({ status: 'IN_PROGRESS', actions: inviteActions(OTT2_ACCOUNT) });
    const { create, skip } = plan(sample, { proposals: [open] });
    expect(create).toEqual([]);
    expect(skip).toEqual([expect.objectContaining({ proposalId: open.id, reason: expect.stringContaining('in progress') })]);
  });

  it('proposes nothing while the invitation of an approved proposal may still be pending', () => {
    const approved = proposal({ status: 'APPROVED', actions: inviteActions(OTT2_ACCOUNT), ageHours: 30 });
    const { create, skip } = plan(sample, { proposals: [approved] });
    expect(create).toEqual([]);
    expect(skip[0]).toMatchObject({ proposalId: approved.id, reason: expect.stringContaining('may be pending until 2025-06-02T06:00:00.000Z') });
  });

  it('re-proposes an invitation once the approved invitation can no longer be pending, as attempt 2 with a new token', () => {
    const approved = proposal({ status: 'APPROVED', actions: inviteActions(OTT2_ACCOUNT), ageHours: 49 });
    const { create } = plan(sample, { proposals: [approved] });
    expect(create).toHaveLength(1);
    expect(create[0].attempt).toBe(2);
    expect(create[0].clientRequestToken).toBe(requestToken([NETWORK, `invite:${OTT2_ACCOUNT}`, 2]));
    expect(create[0].clientRequestToken).not.toBe(requestToken([NETWORK, `invite:${OTT2_ACCOUNT}`, 1]));
  });

  it('re-proposes after EXPIRED, counting every earlier proposal of the action into the attempt', () => {
    const first = proposal({ status: 'EXPIRED', actions: inviteActions(OTT2_ACCOUNT), ageHours: 100 });
    const second = proposal({ status: 'EXPIRED', actions: inviteActions(OTT2_ACCOUNT), ageHours: 50 });
    const { create } = plan(sample, { proposals: [first, second] });
    expect(create.map((planned) => [planned.attempt, planned.reason])).toEqual([[3, expect.stringContaining(`proposal ${second.id} ended EXPIRED`)]]);
  });

  it.each(['REJECTED', 'ACTION_FAILED'])('re-proposes after %s only with --retry-rejected', (status) => {
    const closed = proposal({ status, actions: inviteActions(OTT2_ACCOUNT), ageHours: 30 });
    const without = plan(sample, { proposals: [closed] });
    expect(without.create).toEqual([]);
    expect(without.skip[0].reason).toContain('--retry-rejected');
    const withRetry = plan(sample, { proposals: [closed] }, true);
    expect(withRetry.create.map((planned) => planned.attempt)).toEqual([2]);
  });

  it('recognises closed proposals by the description it writes, and ignores descriptions it does not know', () => {
    const ours = proposal({ status: 'IN_PROGRESS', description: 'Invite account 333344445555 (ott-vendor-2)' });
    const read = { ...ours, actions: actionsOfDescription(ours.description) };
    expect(plan(sample, { proposals: [read] }).create).toEqual([]);
    const foreign = proposal({ status: 'EXPIRED', description: 'please let ott2 in', actions: actionsOfDescription('please let ott2 in') });
    expect(plan(sample, { proposals: [foreign] }).create.map((planned) => planned.attempt)).toEqual([1]);
  });

  it('proposes removing a member marked removed: true and does not invite it', () => {
    const { create } = plan(bankRemoved);
    expect(create.map((planned) => [planned.action, planned.description])).toEqual([
      [{ kind: 'remove', memberId: BANK.memberId, member: 'bank' }, `Remove member ${BANK.memberId} (bank)`],
      [{ kind: 'invite', accountId: OTT2_ACCOUNT, member: 'ott-vendor-2' }, 'Invite account 333344445555 (ott-vendor-2)'],
    ]);
  });

  it('does not propose removing the proposer itself', () => {
    const { create, skip } = plan(bankRemoved, {}, false, 'bank');
    expect(create.map((planned) => planned.action.kind)).toEqual(['invite']);
    expect(skip).toEqual([expect.objectContaining({ action: expect.objectContaining({ kind: 'remove' }), reason: expect.stringContaining('cannot vote itself out') })]);
  });

  it('proposes nothing for a removed member that has already left the network', () => {
    const members = recordedMembers(bankRemoved).map((member) => (member.name === 'bank' ? { ...member, status: 'DELETED' } : member));
    expect(plan(bankRemoved, { members }).create.map((planned) => planned.action.kind)).toEqual(['invite']);
  });

  it('proposes nothing once the network matches the config', () => {
    const members = [...recordedMembers(sample), { id: 'm-OTT2', name: 'ott-vendor-2', accountId: OTT2_ACCOUNT, status: 'CREATING', isOwned: false }];
    expect(plan(sample, { members })).toEqual({ create: [], skip: [] });
  });

  it('never invites the founder, which joins by creating the network', () => {
    const members = recordedMembers(sample).filter((member) => member.name !== 'filmmaker');
    expect(plan(sample, { members }).create.map((planned) => planned.action)).not.toContainEqual(expect.objectContaining({ accountId: '111122223333' }));
  });
});

describe('describeAction and actionsOfDescription', () => {
  it('reads back the action a description names', () => {
    expect(actionsOfDescription(describeAction({ kind: 'invite', accountId: '123456789012', member: 'x' }))).toEqual({ invitations: ['123456789012'], removals: [] });
    expect(actionsOfDescription(describeAction({ kind: 'remove', memberId: 'm-ABC', member: 'x' }))).toEqual({ invitations: [], removals: [{ memberId: 'm-ABC' }] });
  });

  it('keeps the longest description within AMB limit of 128 characters', () => {
    const description = describeAction({ kind: 'remove', memberId: `m-${'A'.repeat(32)}`, member: `a${'b'.repeat(63)}` });
    expect(description.length).toBeLessThanOrEqual(128);
    expect(actionsOfDescription(description)).toEqual({ invitations: [], removals: [{ memberId: `m-${'A'.repeat(32)}` }] });
  });
});

describe('decideVote', () => {
  it('votes YES to inviting an account the config names, saying whose it is', () => {
    expect(decideVote(sample, 'filmmaker', { id: 'p-1', actions: inviteActions(OTT2_ACCOUNT)! })).toEqual({
      vote: 'YES',
      reason: expect.stringContaining('invites account 333344445555 of ott-vendor-2'),
    });
  });

  it("votes the member's voting.otherwise on an account no member file names: NO for the filmmaker, ABSTAIN for ott-vendor-1", () => {
    const stranger = { id: 'p-1', actions: inviteActions('999999999999')! };
    expect(decideVote(sample, 'filmmaker', stranger)).toEqual({ vote: 'NO', reason: expect.stringContaining('no member file names') });
    expect(decideVote(sample, 'ott-vendor-1', stranger)).toEqual({ vote: 'ABSTAIN', reason: expect.stringContaining('voting.otherwise: ABSTAIN') });
  });

  it('votes YES to removing a member marked removed: true, and NO to removing one the config keeps', () => {
    const removal = { id: 'p-1', actions: removeActions(BANK.memberId!)! };
    expect(decideVote(bankRemoved, 'filmmaker', removal)).toEqual({ vote: 'YES', reason: expect.stringContaining('marked removed: true') });
    expect(decideVote(sample, 'filmmaker', removal)).toEqual({ vote: 'NO', reason: expect.stringContaining('keeps in the consortium') });
  });

  it('recognises an unrecorded member to remove by its account', () => {
    const ott2Removed = withFixture((fixture) => fixture.edit('ott-vendor-2.yaml', 'tags:', 'removed: true\ntags:'));
    const removal = { id: 'p-1', actions: { invitations: [], removals: [{ memberId: 'm-OTT2', name: 'whatever', accountId: OTT2_ACCOUNT }] } };
    expect(decideVote(ott2Removed, 'bank', removal).vote).toBe('YES');
  });

  it('votes NO to inviting the account of a member marked removed', () => {
    expect(decideVote(bankRemoved, 'filmmaker', { id: 'p-1', actions: inviteActions(BANK.accountId)! }).vote).toBe('NO');
  });

  it('votes otherwise on a proposal mixing a wanted and an unwanted action, naming the unwanted one', () => {
    const mixed = { id: 'p-1', actions: { invitations: [OTT2_ACCOUNT, '999999999999'], removals: [] } };
    const decision = decideVote(sample, 'bank', mixed);
    expect(decision.vote).toBe('NO');
    expect(decision.reason).toContain('999999999999');
    expect(decision.reason).not.toContain(OTT2_ACCOUNT);
  });

  it('votes otherwise on a proposal without actions', () => {
    expect(decideVote(sample, 'bank', { id: 'p-1', actions: { invitations: [], removals: [] } }).vote).toBe('NO');
  });

  it('refuses a voter that is not in the consortium', () => {
    expect(() => decideVote(sample, 'nobody', { id: 'p-1', actions: inviteActions(OTT2_ACCOUNT)! })).toThrow(UsageError);
  });
});

describe('computeDrift', () => {
  const withoutOtt2 = withFixture((fixture) => fixture.remove('ott-vendor-2.yaml'));

  it('reports nothing when the network is what the config says', () => {
    expect(computeDrift(withoutOtt2, snapshotOf(withoutOtt2), NOW)).toEqual([]);
  });

  it('reports an account that is not invited, with the propose command of the founder', () => {
    expect(computeDrift(sample, snapshotOf(sample), NOW)).toEqual([
      { subject: 'ott-vendor-2', problem: `account ${OTT2_ACCOUNT} is not invited to ${NETWORK}`, fix: 'npm run propose -- --member filmmaker' },
    ]);
  });

  it('sends an open invitation to a vote and an approved one to accept-invitation', () => {
    const open = proposal({ status: 'IN_PROGRESS', actions: inviteActions(OTT2_ACCOUNT) });
    expect(computeDrift(sample, snapshotOf(sample, { proposals: [open] }), NOW)[0].fix).toContain('npm run vote');
    const approved = proposal({ status: 'APPROVED', actions: inviteActions(OTT2_ACCOUNT) });
    expect(computeDrift(sample, snapshotOf(sample, { proposals: [approved] }), NOW)[0].fix).toBe('npm run accept-invitation -- --member ott-vendor-2, then cdktf deploy ott-vendor-2');
  });

  it('reports a member in the network that no file names, a member still creating, and an unrecorded member', () => {
    const members = [
      ...recordedMembers(withoutOtt2).map((member) => (member.name === 'bank' ? { ...member, status: 'CREATING' } : member)),
      { id: 'm-STRANGER', name: 'stranger', accountId: '999999999999', status: 'AVAILABLE', isOwned: false },
    ];
    const unrecorded = withFixture((fixture) => fixture.remove('ott-vendor-2.yaml').edit('ott-vendor-1.yaml', /\nledger:[\s\S]*$/, '\n'));
    const drift = computeDrift(unrecorded, snapshotOf(withoutOtt2, { members }), NOW);
    expect(drift.map((item) => [item.subject, item.fix])).toEqual([
      ['bank', 'wait for AMB: npm run status -- --wait'],
      ['ott-vendor-1', 'npm run sync -- --member ott-vendor-1'],
      ['stranger', expect.stringContaining('stranger.yaml (with removed: true to vote it out)')],
    ]);
  });

  it('reports an unrecorded network id with the sync command of the founder', () => {
    const unrecorded = withFixture((fixture) => fixture.remove('ott-vendor-2.yaml').edit('consortium.yaml', /\n  # Recorded[^\n]*\n  id: [^\n]*/, '').edit('consortium.yaml', /\n# Channels each member[\s\S]*?\n(?=# One state object)/, '\n').edit('bank.yaml', /\nledger:[\s\S]*$/, '\n').edit('bank.yaml', /invitationId: [^\n]*\n/, '').edit('ott-vendor-1.yaml', /\nledger:[\s\S]*$/, '\n').edit('ott-vendor-1.yaml', /invitationId: [^\n]*\n/, '').edit('filmmaker.yaml', /\n# Written by `npm run sync`[\s\S]*$/, '\n'));
    const members = recordedMembers(sample).filter((member) => member.name !== 'ott-vendor-2');
    const drift = computeDrift(unrecorded, snapshotOf(unrecorded, { networkId: NETWORK, members }), NOW);
    expect(drift[0]).toEqual({ subject: 'network', problem: `network.id (${NETWORK}) is not recorded in consortium.yaml`, fix: 'npm run sync -- --member filmmaker' });
  });

  it('reports a removal to propose, then to vote on', () => {
    expect(computeDrift(bankRemoved, snapshotOf(bankRemoved), NOW).find((item) => item.subject === 'bank')?.fix).toBe('npm run propose -- --member filmmaker');
    const open = proposal({ status: 'IN_PROGRESS', actions: removeActions(BANK.memberId!) });
    expect(computeDrift(bankRemoved, snapshotOf(bankRemoved, { proposals: [open] }), NOW).find((item) => item.subject === 'bank')?.problem).toBe(`removal proposal ${open.id} is in progress`);
  });
});

describe('planLogging', () => {
  const desired = { ca: true, peer: true, chaincode: false };

  it('changes only what differs from member.logging and treats unset as off', () => {
    const plan = planLogging(desired, { id: 'm-1', status: 'AVAILABLE' }, [
      { id: 'nd-1', status: 'AVAILABLE', peerLogs: true, chaincodeLogs: false },
      { id: 'nd-2', status: 'AVAILABLE' },
    ]);
    expect(plan.changes).toEqual([
      { target: 'member', id: 'm-1', ca: true },
      { target: 'node', id: 'nd-2', peer: true, chaincode: false },
    ]);
    expect(plan.unchanged).toEqual(['nd-1']);
  });

  it('makes no call when everything is already as configured', () => {
    const plan = planLogging(desired, { id: 'm-1', status: 'AVAILABLE', caLogs: true }, [{ id: 'nd-1', status: 'AVAILABLE', peerLogs: true, chaincodeLogs: false }]);
    expect(plan.changes).toEqual([]);
  });

  it('holds back resources that are not AVAILABLE and ignores nodes that are gone', () => {
    const plan = planLogging(desired, { id: 'm-1', status: 'CREATING' }, [
      { id: 'nd-1', status: 'CREATING' },
      { id: 'nd-2', status: 'DELETED' },
    ]);
    expect(plan.changes).toEqual([]);
    expect(plan.notReady).toEqual([
      { id: 'm-1', status: 'CREATING' },
      { id: 'nd-1', status: 'CREATING' },
    ]);
  });
});

describe('chooseInvitation', () => {
  const invitation = (id: string, networkId: string, status: string, ageHours: number): InvitationView => ({
    id,
    networkId,
    status,
    creationDate: new Date(NOW.getTime() - ageHours * HOUR),
    expirationDate: new Date(NOW.getTime() + (24 - ageHours) * HOUR),
  });

  it('expects the newest pending invitation to the configured network and flags pending ones to other networks', () => {
    const choice = chooseInvitation(NETWORK, [
      invitation('i-OLD', NETWORK, 'EXPIRED', 30),
      invitation('i-NEW', NETWORK, 'PENDING', 2),
      invitation('i-OTHER', 'n-ELSEWHERE', 'PENDING', 1),
      invitation('i-DONE', 'n-ELSEWHERE', 'REJECTED', 1),
    ]);
    expect(choice.pending?.id).toBe('i-NEW');
    expect(choice.latest?.id).toBe('i-NEW');
    expect(choice.unexpected.map((unexpected) => unexpected.id)).toEqual(['i-OTHER']);
  });

  it('reports the newest invitation to the network when none is pending', () => {
    const choice = chooseInvitation(NETWORK, [invitation('i-OLD', NETWORK, 'EXPIRED', 30)]);
    expect(choice.pending).toBeUndefined();
    expect(choice.latest?.status).toBe('EXPIRED');
  });
});

describe('buildLedgerRecord', () => {
  const filmmaker = sample.members.find((member) => member.name === 'filmmaker')!;
  const node = (id: string, availabilityZone: string, ageHours: number, status = 'AVAILABLE'): NodeView => ({
    id,
    status,
    instanceType: 'bc.t3.medium',
    availabilityZone,
    creationDate: new Date(NOW.getTime() - ageHours * HOUR),
  });

  it('records the founder without an invitation and matches peers to nodes by instance type and AZ', () => {
    const { record, unmatchedNodes } = buildLedgerRecord(filmmaker, NETWORK, 'm-F', [node('nd-B', 'us-east-1b', 1), node('nd-A', 'us-east-1a', 2)], []);
    expect(record).toEqual({
      memberId: 'm-F',
      name: 'filmmaker',
      networkId: NETWORK,
      peers: [
        { name: 'peer1', nodeId: 'nd-A', instanceType: 'bc.t3.medium', availabilityZone: 'us-east-1a' },
        { name: 'peer2', nodeId: 'nd-B', instanceType: 'bc.t3.medium', availabilityZone: 'us-east-1b' },
      ],
    });
    expect(unmatchedNodes).toEqual([]);
  });

  it('keeps a recorded peer on its node, drops a recorded node that is gone, and reports a node no peer accounts for', () => {
    const recorded = [
      { name: 'peer1', nodeId: 'nd-A', instanceType: 'bc.t3.medium', availabilityZone: 'us-east-1a' },
      { name: 'peer2', nodeId: 'nd-GONE', instanceType: 'bc.t3.medium', availabilityZone: 'us-east-1b' },
    ];
    const nodes = [node('nd-NEWER-A', 'us-east-1a', 1), node('nd-A', 'us-east-1a', 5), node('nd-GONE', 'us-east-1b', 9, 'DELETED')];
    const { record, unmatchedNodes } = buildLedgerRecord(filmmaker, NETWORK, 'm-F', nodes, recorded);
    expect(record.peers).toEqual([recorded[0]]);
    expect(unmatchedNodes.map((unmatched) => unmatched.id)).toEqual(['nd-NEWER-A']);
  });

  it('records the invitation a joining member was created with', () => {
    expect(buildLedgerRecord(BANK, NETWORK, BANK.memberId!, [], []).record).toEqual({ memberId: BANK.memberId, name: 'bank', networkId: NETWORK, invitationId: BANK.invitationId });
  });
});

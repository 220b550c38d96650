/**
 * AMB governance through the SDK: threshold over all members with both comparators, early
 * approval and rejection, expiry, one vote per member, invitations in the invitee's account
 * and their statuses, removals.
 */
import {
  CreateMemberCommand,
  CreateNodeCommand,
  DeleteMemberCommand,
  GetMemberCommand,
  GetNodeCommand,
  GetProposalCommand,
  ListInvitationsCommand,
  ListMembersCommand,
  ListProposalsCommand,
  ListProposalVotesCommand,
  RejectInvitationCommand,
  type ApprovalThresholdPolicy,
  type Invitation,
} from '@aws-sdk/client-managedblockchain';
import { startSimulator, type RunningSimulator } from '../../sim';
import { account, clientFor, Consortium, memberConfiguration, type Seat } from './helpers/sdk';

const HOUR = 3_600_000;
const policy = (
  ThresholdPercentage: number,
  ThresholdComparator: ApprovalThresholdPolicy['ThresholdComparator'],
): ApprovalThresholdPolicy => ({ ThresholdPercentage, ThresholdComparator, ProposalDurationInHours: 24 });

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.stop());

async function proposalOf(consortium: Consortium, proposalId: string) {
  const { Proposal } = await consortium.founder.client.send(
    new GetProposalCommand({ NetworkId: consortium.networkId, ProposalId: proposalId }),
  );
  return Proposal!;
}

async function invitationsOf(seat: Pick<Seat, 'client'>, networkId: string): Promise<Invitation[]> {
  const { Invitations } = await seat.client.send(new ListInvitationsCommand({}));
  return (Invitations ?? []).filter((invitation) => invitation.NetworkSummary?.Id === networkId);
}

describe('deciding proposals', () => {
  it('approves as soon as YES votes pass the threshold of all members, with votes still outstanding', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    for (let index = 2; index <= 4; index++) await consortium.join(account(index), `member${index}`);
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.seats[0], proposalId, 'YES');
    await consortium.vote(consortium.seats[1], proposalId, 'YES');
    expect(await proposalOf(consortium, proposalId)).toMatchObject({ Status: 'IN_PROGRESS', YesVoteCount: 2 });
    await consortium.vote(consortium.seats[2], proposalId, 'YES');
    expect(await proposalOf(consortium, proposalId)).toMatchObject({
      Status: 'APPROVED',
      YesVoteCount: 3,
      NoVoteCount: 0,
      OutstandingVoteCount: 1,
    });
  });

  it('counts the threshold over all members, not over the votes cast', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN_OR_EQUAL_TO') });
    for (let index = 2; index <= 4; index++) await consortium.join(account(index), `member${index}`);
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.founder, proposalId, 'YES');
    expect(await proposalOf(consortium, proposalId)).toMatchObject({ Status: 'IN_PROGRESS', OutstandingVoteCount: 3 });
    await consortium.vote(consortium.seats[1], proposalId, 'YES');
    expect((await proposalOf(consortium, proposalId)).Status).toBe('APPROVED');
  });

  it('rejects as soon as approval has become impossible', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    for (let index = 2; index <= 4; index++) await consortium.join(account(index), `member${index}`);
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.seats[0], proposalId, 'NO');
    expect((await proposalOf(consortium, proposalId)).Status).toBe('IN_PROGRESS');
    await consortium.vote(consortium.seats[1], proposalId, 'NO');
    expect(await proposalOf(consortium, proposalId)).toMatchObject({ Status: 'REJECTED', NoVoteCount: 2, OutstandingVoteCount: 2 });
    expect(await invitationsOf(clientHolder(account(9)), consortium.networkId)).toEqual([]);
  });

  it.each([
    ['GREATER_THAN', 'REJECTED'],
    ['GREATER_THAN_OR_EQUAL_TO', 'APPROVED'],
  ] as const)('settles a 2-2 split of four members under 50%% %s as %s', async (comparator, expected) => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, comparator) });
    for (let index = 2; index <= 4; index++) await consortium.join(account(index), `member${index}`);
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.seats[0], proposalId, 'NO');
    await consortium.vote(consortium.seats[1], proposalId, 'NO');
    for (const seat of consortium.seats.slice(2)) {
      await consortium.vote(seat, proposalId, 'YES').catch((error) => expect(error.name).toBe('IllegalActionException'));
    }
    expect((await proposalOf(consortium, proposalId)).Status).toBe(expected);
  });

  it("counts the proposer like any member: its proposal waits for the proposer's own vote", async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(2) }] });
    expect(await proposalOf(consortium, proposalId)).toMatchObject({
      Status: 'IN_PROGRESS',
      YesVoteCount: 0,
      OutstandingVoteCount: 1,
      ProposedByMemberId: consortium.founder.memberId,
      ProposedByMemberName: 'filmmaker',
    });
    await consortium.vote(consortium.founder, proposalId, 'YES');
    expect((await proposalOf(consortium, proposalId)).Status).toBe('APPROVED');
  });

  it('rejects a second vote by the same member with IllegalAction', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    await consortium.join(account(2), 'bank');
    await consortium.join(account(3), 'ott');
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.founder, proposalId, 'NO');
    await expect(consortium.vote(consortium.founder, proposalId, 'YES')).rejects.toMatchObject({
      name: 'IllegalActionException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await proposalOf(consortium, proposalId)).toMatchObject({ YesVoteCount: 0, NoVoteCount: 1 });
  });

  it('rejects a vote on a decided proposal with IllegalAction', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    const bank = await consortium.join(account(2), 'bank');
    await consortium.join(account(3), 'ott');
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.founder, proposalId, 'YES');
    await consortium.vote(bank, proposalId, 'YES');
    await expect(consortium.vote(consortium.seat('ott'), proposalId, 'NO')).rejects.toMatchObject({
      name: 'IllegalActionException',
    });
  });

  it('expires an undecided proposal after ProposalDurationInHours and then refuses votes', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    await consortium.join(account(2), 'bank');
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(consortium.founder, proposalId, 'YES');
    const proposal = await proposalOf(consortium, proposalId);
    expect(proposal.ExpirationDate!.getTime() - proposal.CreationDate!.getTime()).toBe(24 * HOUR);
    simulator.advanceClock(24 * HOUR);
    expect((await proposalOf(consortium, proposalId)).Status).toBe('EXPIRED');
    await expect(consortium.vote(consortium.seat('bank'), proposalId, 'YES')).rejects.toMatchObject({
      name: 'IllegalActionException',
    });
  });

  it('refuses a vote cast as a member of another account with AccessDenied', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const bank = await consortium.join(account(2), 'bank');
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    const impostor = { ...bank, client: consortium.founder.client };
    await expect(consortium.vote(impostor, proposalId, 'YES')).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses a proposal made as a member of another account with AccessDenied', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const bank = await consortium.join(account(2), 'bank');
    const impostor = { ...bank, client: consortium.founder.client };
    await expect(consortium.propose(impostor, { Invitations: [{ Principal: account(9) }] })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('does not let a member who joined after a proposal was made vote on it', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(100, 'GREATER_THAN_OR_EQUAL_TO') });
    const pending = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    const bank = await consortium.join(account(2), 'bank');
    expect((await proposalOf(consortium, pending)).OutstandingVoteCount).toBe(1);
    await expect(consortium.vote(bank, pending, 'YES')).rejects.toMatchObject({ name: 'IllegalActionException' });
  });

  it('refuses proposals without actions or with a principal that is not an account id', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const invalid = { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } };
    await expect(consortium.propose(consortium.founder, {})).rejects.toMatchObject(invalid);
    await expect(consortium.propose(consortium.founder, { Invitations: [{ Principal: 'bank' }] })).rejects.toMatchObject(invalid);
  });

  it('lists proposals and the votes cast, with member names', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(100, 'GREATER_THAN_OR_EQUAL_TO') });
    const bank = await consortium.join(account(2), 'bank');
    const proposalId = await consortium.propose(bank, { Invitations: [{ Principal: account(9) }] });
    await consortium.vote(bank, proposalId, 'YES');
    const { Proposals } = await bank.client.send(new ListProposalsCommand({ NetworkId: consortium.networkId }));
    expect(Proposals?.at(-1)).toMatchObject({ ProposalId: proposalId, ProposedByMemberName: 'bank', Status: 'IN_PROGRESS' });
    expect(Proposals?.at(-1)).not.toHaveProperty('YesVoteCount');
    const { ProposalVotes } = await bank.client.send(
      new ListProposalVotesCommand({ NetworkId: consortium.networkId, ProposalId: proposalId }),
    );
    expect(ProposalVotes).toEqual([{ MemberId: bank.memberId, MemberName: 'bank', Vote: 'YES' }]);
  });

  it('refuses to show proposals to an account with no member in the network', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const outsider = clientFor(simulator, account(8));
    await expect(outsider.send(new ListProposalsCommand({ NetworkId: consortium.networkId }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

/** Something with a client for an account that has no seat yet. */
function clientHolder(accountId: string): Pick<Seat, 'client'> {
  return { client: clientFor(simulator, accountId) };
}

describe('invitations', () => {
  async function approvedInvitation(invitee: string): Promise<{ consortium: Consortium; invitation: Invitation }> {
    const consortium = await Consortium.found(simulator, account(1));
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: invitee }] });
    await consortium.vote(consortium.founder, proposalId, 'YES');
    const [invitation] = await invitationsOf(clientHolder(invitee), consortium.networkId);
    return { consortium, invitation };
  }

  it("creates a PENDING invitation in the invitee's account only, expiring ProposalDurationInHours later", async () => {
    const { consortium, invitation } = await approvedInvitation(account(5));
    expect(invitation).toMatchObject({
      Status: 'PENDING',
      InvitationId: expect.stringMatching(/^i-[A-Z0-9]{26}$/),
      Arn: expect.stringMatching(new RegExp(`^arn:aws:managedblockchain:us-east-1:${account(5)}:invitations/i-`)),
      NetworkSummary: { Id: consortium.networkId, Name: 'filmmakers', Status: 'AVAILABLE', Framework: 'HYPERLEDGER_FABRIC' },
    });
    expect(invitation.ExpirationDate!.getTime() - invitation.CreationDate!.getTime()).toBe(24 * HOUR);
    expect(await invitationsOf(consortium.founder, consortium.networkId)).toEqual([]);
  });

  it('accepts an invitation by CreateMember, which marks it ACCEPTED', async () => {
    const { consortium, invitation } = await approvedInvitation(account(5));
    const invitee = clientHolder(account(5));
    const { MemberId } = await invitee.client.send(
      new CreateMemberCommand({
        NetworkId: consortium.networkId,
        InvitationId: invitation.InvitationId,
        MemberConfiguration: memberConfiguration('ott'),
      }),
    );
    expect((await invitationsOf(invitee, consortium.networkId))[0].Status).toBe('ACCEPTED');
    const { Member } = await invitee.client.send(new GetMemberCommand({ NetworkId: consortium.networkId, MemberId }));
    expect(Member).toMatchObject({ Status: 'AVAILABLE', Name: 'ott' });
  });

  it("refuses to accept another account's invitation with AccessDenied", async () => {
    const { consortium, invitation } = await approvedInvitation(account(5));
    const command = new CreateMemberCommand({
      NetworkId: consortium.networkId,
      InvitationId: invitation.InvitationId,
      MemberConfiguration: memberConfiguration('thief'),
    });
    await expect(clientFor(simulator, account(6)).send(command)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('marks a rejected invitation REJECTED and no longer accepts it', async () => {
    const { consortium, invitation } = await approvedInvitation(account(5));
    const invitee = clientHolder(account(5));
    await invitee.client.send(new RejectInvitationCommand({ InvitationId: invitation.InvitationId }));
    expect((await invitationsOf(invitee, consortium.networkId))[0].Status).toBe('REJECTED');
    await expect(
      invitee.client.send(new RejectInvitationCommand({ InvitationId: invitation.InvitationId })),
    ).rejects.toMatchObject({ name: 'IllegalActionException' });
    await expect(
      invitee.client.send(
        new CreateMemberCommand({
          NetworkId: consortium.networkId,
          InvitationId: invitation.InvitationId,
          MemberConfiguration: memberConfiguration('ott'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it('expires an invitation nobody answered', async () => {
    const { consortium, invitation } = await approvedInvitation(account(5));
    const invitee = clientHolder(account(5));
    simulator.advanceClock(24 * HOUR);
    expect((await invitationsOf(invitee, consortium.networkId))[0].Status).toBe('EXPIRED');
    await expect(
      invitee.client.send(
        new CreateMemberCommand({
          NetworkId: consortium.networkId,
          InvitationId: invitation.InvitationId,
          MemberConfiguration: memberConfiguration('ott'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequestException', message: expect.stringContaining('EXPIRED') });
  });
});

describe('removals', () => {
  it('removes a member by approved proposal: the member and its nodes end DELETED', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    const bank = await consortium.join(account(2), 'bank');
    await consortium.join(account(3), 'ott');
    const { NodeId } = await bank.client.send(
      new CreateNodeCommand({
        NetworkId: consortium.networkId,
        MemberId: bank.memberId,
        NodeConfiguration: { InstanceType: 'bc.t3.small', AvailabilityZone: 'us-east-1a' },
      }),
    );
    const proposalId = await consortium.propose(consortium.founder, { Removals: [{ MemberId: bank.memberId }] });
    await consortium.vote(consortium.founder, proposalId, 'YES');
    await consortium.vote(consortium.seat('ott'), proposalId, 'YES');
    expect((await proposalOf(consortium, proposalId)).Status).toBe('APPROVED');
    const { Members } = await consortium.founder.client.send(new ListMembersCommand({ NetworkId: consortium.networkId }));
    expect(Members?.find((member) => member.Id === bank.memberId)?.Status).toBe('DELETED');
    const { Node } = await bank.client.send(
      new GetNodeCommand({ NetworkId: consortium.networkId, MemberId: bank.memberId, NodeId }),
    );
    expect(Node?.Status).toBe('DELETED');
  });

  it('passes a removed member through DELETING before DELETED when deletion takes time', async () => {
    const slow = await startSimulator({ nodeCreationDelayMs: HOUR });
    try {
      const founderClient = clientFor(slow, account(1));
      const consortium = await Consortium.found(slow, account(1), { policy: policy(50, 'GREATER_THAN_OR_EQUAL_TO') });
      slow.advanceClock(HOUR);
      const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(2) }] });
      await consortium.vote(consortium.founder, proposalId, 'YES');
      const [invitation] = await invitationsOf({ client: clientFor(slow, account(2)) }, consortium.networkId);
      const { MemberId } = await clientFor(slow, account(2)).send(
        new CreateMemberCommand({
          NetworkId: consortium.networkId,
          InvitationId: invitation.InvitationId,
          MemberConfiguration: memberConfiguration('bank'),
        }),
      );
      expect((await invitationsOf({ client: clientFor(slow, account(2)) }, consortium.networkId))[0].Status).toBe('ACCEPTING');
      slow.advanceClock(HOUR);
      expect((await invitationsOf({ client: clientFor(slow, account(2)) }, consortium.networkId))[0].Status).toBe('ACCEPTED');

      const removal = await consortium.propose(consortium.founder, { Removals: [{ MemberId }] });
      await consortium.vote(consortium.founder, removal, 'YES');
      const status = async () =>
        (await founderClient.send(new GetMemberCommand({ NetworkId: consortium.networkId, MemberId }))).Member?.Status;
      expect(await status()).toBe('DELETING');
      slow.advanceClock(HOUR);
      expect(await status()).toBe('DELETED');
    } finally {
      await slow.stop();
    }
  });

  it('reports ACTION_FAILED when the member to remove has already left', async () => {
    const consortium = await Consortium.found(simulator, account(1), { policy: policy(50, 'GREATER_THAN') });
    const bank = await consortium.join(account(2), 'bank');
    await consortium.join(account(3), 'ott');
    const proposalId = await consortium.propose(consortium.founder, { Removals: [{ MemberId: bank.memberId }] });
    await bank.client.send(new DeleteMemberCommand({ NetworkId: consortium.networkId, MemberId: bank.memberId }));
    await consortium.vote(consortium.founder, proposalId, 'YES');
    await consortium.vote(consortium.seat('ott'), proposalId, 'YES');
    expect((await proposalOf(consortium, proposalId)).Status).toBe('ACTION_FAILED');
  });
});

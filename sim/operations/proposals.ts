/**
 * CreateProposal, GetProposal, ListProposals, VoteOnProposal, ListProposalVotes: AMB
 * governance. The members entitled to vote are fixed when the proposal is created; each votes
 * once; the proposer votes like anyone else. The proposal is decided the moment the outcome is
 * certain, and an approved proposal's actions run at once: invitations are issued and removed
 * members start DELETING.
 */
import {
  VoteValue,
  type CreateProposalOutput,
  type GetProposalOutput,
  type ListProposalsOutput,
  type ListProposalVotesOutput,
  type ProposalActions,
  type VoteOnProposalOutput,
} from '@aws-sdk/client-managedblockchain';
import { proposalArn } from '../arns';
import { illegalAction, invalidRequest, notFound } from '../errors';
import { outcome } from '../governance';
import { newId } from '../ids';
import type { InputReader } from '../input';
import { paginate } from '../pagination';
import { readDescription, readTags } from '../rules';
import type { NetworkRecord, ProposalRecord } from '../state';
import type { OperationContext } from './context';
import { idempotent } from './idempotency';
import { issueInvitation } from './invitations';
import { actAsMember, findMember, findNetwork, membersOf, requireAvailable, requireParticipant } from './lookup';
import { beginMemberDeletion } from './members';
import { proposalSummaryView, proposalView, voteView } from './views';

const PROPOSAL_PAGE_MAX = 100;
const VOTE_PAGE_MAX = 100;
const HOUR_MS = 3_600_000;
const ACCOUNT_ID = /^\d{12}$/;

export function createProposal(context: OperationContext, input: InputReader): CreateProposalOutput {
  return idempotent(context, 'CreateProposal', input, () => {
    const network = findNetwork(context, input.string('NetworkId'));
    const proposer = actAsMember(context, network, input.string('MemberId'), 'MemberId');
    requireAvailable(network, 'Network');
    requireAvailable(proposer, 'Member');
    const actions = readActions(context, network, input);
    const description = readDescription(input);
    const tags = readTags(input, 'Tags');
    const id = newId('proposal');
    const expiresAt = context.now + network.votingPolicy.proposalDurationInHours * HOUR_MS;
    context.schedule(expiresAt);
    const proposal: ProposalRecord = {
      id,
      arn: proposalArn(network.region, id),
      networkId: network.id,
      proposerMemberId: proposer.id,
      description,
      actions,
      createdAt: context.now,
      expiresAt,
      eligibleVoters: membersOf(context, network.id)
        .filter((member) => member.status === 'AVAILABLE' || member.status === 'UPDATING')
        .map((member) => member.id),
      votes: {},
      status: 'IN_PROGRESS',
      tags,
    };
    context.state.proposals[id] = proposal;
    return { ProposalId: id };
  });
}

function readActions(context: OperationContext, network: NetworkRecord, input: InputReader): ProposalActions {
  const actions = input.object('Actions');
  const invitations = (actions.optionalObjectList('Invitations') ?? []).map((invitation) => ({
    Principal: invitation.string('Principal', { pattern: ACCOUNT_ID, patternHint: 'must be a 12-digit AWS account id' }),
  }));
  const removals = (actions.optionalObjectList('Removals') ?? []).map((removal) => {
    const member = findMember(context, network, removal.string('MemberId'));
    if (member.status === 'DELETING' || member.status === 'DELETED') {
      throw invalidRequest(`${removal.path('MemberId')}: member ${member.id} is already ${member.status}.`);
    }
    return { MemberId: member.id };
  });
  if (invitations.length === 0 && removals.length === 0) {
    throw invalidRequest('Actions must contain at least one of Invitations or Removals.');
  }
  return {
    ...(invitations.length > 0 ? { Invitations: invitations } : {}),
    ...(removals.length > 0 ? { Removals: removals } : {}),
  };
}

function findProposal(context: OperationContext, network: NetworkRecord, proposalId: string): ProposalRecord {
  const proposal = context.state.proposals[proposalId];
  if (!proposal || proposal.networkId !== network.id) {
    throw notFound(`Proposal ${proposalId} not found in network ${network.id}.`);
  }
  return proposal;
}

function memberName(context: OperationContext, memberId: string): string {
  return context.state.members[memberId]?.name ?? memberId;
}

export function getProposal(context: OperationContext, input: InputReader): GetProposalOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  requireParticipant(context, network, { invitedMayRead: false });
  const proposal = findProposal(context, network, input.string('ProposalId'));
  return { Proposal: proposalView(proposal, memberName(context, proposal.proposerMemberId)) };
}

export function listProposals(context: OperationContext, input: InputReader): ListProposalsOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  requireParticipant(context, network, { invitedMayRead: false });
  const proposals = Object.values(context.state.proposals).filter((proposal) => proposal.networkId === network.id);
  const page = paginate(proposals, input, 'ListProposals', PROPOSAL_PAGE_MAX);
  return {
    Proposals: page.items.map((proposal) =>
      proposalSummaryView(proposal, memberName(context, proposal.proposerMemberId)),
    ),
    NextToken: page.nextToken,
  };
}

export function voteOnProposal(context: OperationContext, input: InputReader): VoteOnProposalOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  const proposal = findProposal(context, network, input.string('ProposalId'));
  const voter = actAsMember(context, network, input.string('VoterMemberId'), 'VoterMemberId');
  const vote = input.enum('Vote', Object.values(VoteValue));
  if (proposal.status !== 'IN_PROGRESS') {
    throw illegalAction(`Proposal ${proposal.id} is ${proposal.status}; votes are accepted only while it is IN_PROGRESS.`);
  }
  const earlier = proposal.votes[voter.id];
  if (earlier !== undefined) {
    throw illegalAction(`Member ${voter.id} already voted ${earlier} on proposal ${proposal.id}; a vote cannot change.`);
  }
  if (!proposal.eligibleVoters.includes(voter.id)) {
    throw illegalAction(`Member ${voter.id} was not a member when proposal ${proposal.id} was created, so cannot vote on it.`);
  }
  if (voter.status !== 'AVAILABLE' && voter.status !== 'UPDATING') {
    throw illegalAction(`Member ${voter.id} is ${voter.status} and can no longer vote.`);
  }
  proposal.votes[voter.id] = vote;

  const votes = Object.values(proposal.votes);
  const yes = votes.filter((cast) => cast === 'YES').length;
  const decided = outcome(
    { yes, no: votes.length - yes, eligible: proposal.eligibleVoters.length },
    {
      thresholdPercentage: network.votingPolicy.thresholdPercentage,
      comparator: network.votingPolicy.thresholdComparator,
    },
  );
  if (decided === 'REJECTED') proposal.status = 'REJECTED';
  if (decided === 'APPROVED') proposal.status = carryOut(context, network, proposal);
  return {};
}

/**
 * Runs an approved proposal's actions. A removal whose member has meanwhile left cannot be
 * carried out, which AMB reports as ACTION_FAILED.
 */
function carryOut(context: OperationContext, network: NetworkRecord, proposal: ProposalRecord): 'APPROVED' | 'ACTION_FAILED' {
  let failed = false;
  for (const { Principal } of proposal.actions.Invitations ?? []) {
    issueInvitation(context, network, proposal, Principal as string);
  }
  for (const { MemberId } of proposal.actions.Removals ?? []) {
    const member = context.state.members[MemberId as string];
    if (!member || member.status === 'DELETING' || member.status === 'DELETED') {
      failed = true;
      continue;
    }
    beginMemberDeletion(context, member);
  }
  return failed ? 'ACTION_FAILED' : 'APPROVED';
}

export function listProposalVotes(context: OperationContext, input: InputReader): ListProposalVotesOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  requireParticipant(context, network, { invitedMayRead: false });
  const proposal = findProposal(context, network, input.string('ProposalId'));
  const votes = Object.entries(proposal.votes);
  const page = paginate(votes, input, 'ListProposalVotes', VOTE_PAGE_MAX);
  return {
    ProposalVotes: page.items.map(([memberId, vote]) => voteView(memberId, memberName(context, memberId), vote)),
    NextToken: page.nextToken,
  };
}

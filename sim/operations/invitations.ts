/**
 * Invitations live in the invited account: only it lists, accepts (by CreateMember) or rejects
 * them. Each expires ProposalDurationInHours after it is issued.
 */
import type { ListInvitationsOutput, RejectInvitationOutput } from '@aws-sdk/client-managedblockchain';
import { invitationArn } from '../arns';
import { accessDenied, illegalAction, notFound } from '../errors';
import { newId } from '../ids';
import type { InputReader } from '../input';
import { paginate } from '../pagination';
import type { NetworkRecord, ProposalRecord } from '../state';
import type { OperationContext } from './context';
import { invitationView } from './views';

const INVITATION_PAGE_MAX = 100;
const HOUR_MS = 3_600_000;

export function issueInvitation(
  context: OperationContext,
  network: NetworkRecord,
  proposal: ProposalRecord,
  account: string,
): void {
  const id = newId('invitation');
  const expiresAt = context.now + network.votingPolicy.proposalDurationInHours * HOUR_MS;
  context.schedule(expiresAt);
  context.state.invitations[id] = {
    id,
    arn: invitationArn(network.region, account, id),
    networkId: network.id,
    account,
    proposalId: proposal.id,
    createdAt: context.now,
    expiresAt,
    status: 'PENDING',
    tags: {},
  };
}

export function listInvitations(context: OperationContext, input: InputReader): ListInvitationsOutput {
  const invitations = Object.values(context.state.invitations).filter(
    (invitation) =>
      invitation.account === context.caller.account &&
      context.state.networks[invitation.networkId]?.region === context.caller.region,
  );
  const page = paginate(invitations, input, 'ListInvitations', INVITATION_PAGE_MAX);
  return {
    Invitations: page.items.map((invitation) =>
      invitationView(invitation, context.state.networks[invitation.networkId]),
    ),
    NextToken: page.nextToken,
  };
}

export function rejectInvitation(context: OperationContext, input: InputReader): RejectInvitationOutput {
  const invitationId = input.string('InvitationId');
  const invitation = context.state.invitations[invitationId];
  if (!invitation || context.state.networks[invitation.networkId]?.region !== context.caller.region) {
    throw notFound(`Invitation ${invitationId} not found.`);
  }
  if (invitation.account !== context.caller.account) {
    throw accessDenied(`Invitation ${invitationId} was issued to another account, not ${context.caller.account}.`);
  }
  if (invitation.status !== 'PENDING') {
    throw illegalAction(`Invitation ${invitationId} is ${invitation.status}; only a PENDING invitation can be rejected.`);
  }
  invitation.status = 'REJECTED';
  return {};
}

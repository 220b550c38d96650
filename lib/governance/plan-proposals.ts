/**
 * Which proposals a member should create so the network matches members/: invite every
 * configured account that is neither a member nor already invited, remove every member
 * marked `removed: true`, and never propose an action twice while an earlier proposal for
 * it can still take effect.
 */
import type { Consortium, Member } from '../config/types';
import { actionKey, actionKeysOf, describeAction, type GovernanceAction } from './actions';
import { requestToken } from './request-token';
import { isActiveMember, type NetworkMember, type NetworkProposal, type NetworkSnapshot } from './snapshot';

export interface ProposalPlanOptions {
  /** Name of the member that will create the proposals. */
  readonly proposer: string;
  readonly now: Date;
  /** Re-propose actions whose last proposal was REJECTED or whose action failed. */
  readonly retryRejected: boolean;
}

export interface PlannedProposal {
  readonly action: GovernanceAction;
  readonly description: string;
  /** 1 for the first proposal of this action; one more for each earlier proposal. */
  readonly attempt: number;
  readonly clientRequestToken: string;
  readonly reason: string;
}

export interface SkippedAction {
  readonly action: GovernanceAction;
  readonly reason: string;
  /** The proposal that stands in the way, if one does. */
  readonly proposalId?: string;
}

export interface ProposalPlan {
  readonly create: readonly PlannedProposal[];
  readonly skip: readonly SkippedAction[];
}

const HOUR_MS = 3_600_000;

/** The network member a configured member is: by recorded member id, else by account. */
export function networkMemberOf(member: Member, members: readonly NetworkMember[]): NetworkMember | undefined {
  const active = members.filter(isActiveMember);
  if (member.memberId !== undefined) return active.find((candidate) => candidate.id === member.memberId);
  return active.find((candidate) => candidate.accountId === member.accountId);
}

/** What the config asks of the network, with why, before looking at earlier proposals. */
export function desiredActions(consortium: Consortium, snapshot: NetworkSnapshot): { action: GovernanceAction; reason: string }[] {
  const wanted: { action: GovernanceAction; reason: string }[] = [];
  for (const member of consortium.members) {
    const inNetwork = networkMemberOf(member, snapshot.members);
    if (member.removed) {
      if (inNetwork) {
        wanted.push({
          action: { kind: 'remove', memberId: inNetwork.id, member: member.name },
          reason: `${member.name} is marked removed: true in ${member.file}`,
        });
      }
    } else if (!inNetwork && !member.isFounder) {
      wanted.push({
        action: { kind: 'invite', accountId: member.accountId, member: member.name },
        reason: `account ${member.accountId} (${member.name}) is not a member of ${snapshot.networkId}`,
      });
    }
  }
  return wanted;
}

/** Proposals known to carry the action, newest first. */
export function proposalsFor(action: GovernanceAction, proposals: readonly NetworkProposal[]): NetworkProposal[] {
  const key = actionKey(action);
  return proposals
    .filter((proposal) => proposal.actions !== undefined && actionKeysOf(proposal.actions).includes(key))
    .sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());
}

/**
 * When the invitation an approved proposal created can no longer be pending. AMB sends it
 * at approval, which is no later than the proposal's expiry, and it lives for the proposal
 * duration; the approval time itself is not published, so this bound is the safe one.
 */
export function invitationPendingUntil(proposal: NetworkProposal, snapshot: NetworkSnapshot): Date {
  return new Date(proposal.expirationDate.getTime() + snapshot.votingPolicy.proposalDurationInHours * HOUR_MS);
}

/**
 * What became of the invitation an approved proposal sent, as far as members/ and the
 * network tell: `lapsed` when the invitee's accept-invitation recorded that an invitation
 * sent after the proposal expired unused; `maybe-pending` until the worst-case bound;
 * `over` after it. propose, status and accept-invitation all word their advice from this.
 */
export type InvitationFate =
  | { readonly kind: 'lapsed'; readonly invitationId: string; readonly expiredAt: Date }
  | { readonly kind: 'maybe-pending'; readonly until: Date }
  | { readonly kind: 'over' };

export function invitationFate(member: Member, proposal: NetworkProposal, snapshot: NetworkSnapshot, now: Date): InvitationFate {
  const lapsed = member.lapsedInvitation;
  if (lapsed) {
    const expiredAt = new Date(lapsed.expiredAt);
    // An invitation is sent at approval, never before the proposal was created.
    if (expiredAt.getTime() > proposal.creationDate.getTime() && expiredAt.getTime() <= now.getTime()) {
      return { kind: 'lapsed', invitationId: lapsed.invitationId, expiredAt };
    }
  }
  const until = invitationPendingUntil(proposal, snapshot);
  return now < until ? { kind: 'maybe-pending', until } : { kind: 'over' };
}

/** The advice every command gives while an invitation may still be pending. */
export function acceptOrRecordLapse(member: Member): string {
  return `${member.name} accepts with npm run accept-invitation -- --member ${member.name}; if its invitation has expired, that command records it in ${member.file} and, once that is committed, propose invites again at once`;
}

/** Why propose invites again after a recorded lapse. */
export function lapseReason(member: Member, fate: { readonly invitationId: string; readonly expiredAt: Date }): string {
  return `invitation ${fate.invitationId} expired unused at ${fate.expiredAt.toISOString()} (recorded in ${member.file} by accept-invitation)`;
}

export function planProposals(consortium: Consortium, snapshot: NetworkSnapshot, options: ProposalPlanOptions): ProposalPlan {
  const create: PlannedProposal[] = [];
  const skip: SkippedAction[] = [];
  const proposer = consortium.members.find((member) => member.name === options.proposer);
  const proposerInNetwork = proposer && networkMemberOf(proposer, snapshot.members);

  for (const { action, reason } of desiredActions(consortium, snapshot)) {
    if (action.kind === 'remove' && action.memberId === proposerInNetwork?.id) {
      skip.push({ action, reason: `${action.member} cannot vote itself out: it leaves by deleting its own member, or another member runs propose` });
      continue;
    }
    const history = proposalsFor(action, snapshot.proposals);
    const blocker = blockingReason(history, action, consortium, snapshot, options);
    if (blocker) {
      skip.push({ action, ...blocker });
      continue;
    }
    const attempt = history.length + 1;
    const latest = history[0];
    create.push({
      action,
      description: describeAction(action),
      attempt,
      clientRequestToken: requestToken([snapshot.networkId, actionKey(action), attempt]),
      reason: latest ? `${reason}; ${outcomeOf(latest, action, consortium, snapshot, options.now)}` : reason,
    });
  }
  return { create, skip };
}

function blockingReason(
  history: readonly NetworkProposal[],
  action: GovernanceAction,
  consortium: Consortium,
  snapshot: NetworkSnapshot,
  options: ProposalPlanOptions,
): { reason: string; proposalId: string } | undefined {
  const open = history.find((proposal) => proposal.status === 'IN_PROGRESS');
  if (open) {
    return { proposalId: open.id, reason: `proposal ${open.id} is in progress until ${open.expirationDate.toISOString()}` };
  }
  const latest = history[0];
  if (!latest) return undefined;
  switch (latest.status) {
    case 'APPROVED': {
      if (action.kind === 'remove') {
        return { proposalId: latest.id, reason: `proposal ${latest.id} approved the removal; AMB is deleting the member` };
      }
      const invitee = consortium.members.find((member) => member.name === action.member)!;
      const fate = invitationFate(invitee, latest, snapshot, options.now);
      if (fate.kind === 'maybe-pending') {
        return {
          proposalId: latest.id,
          reason: `proposal ${latest.id} was approved; its invitation may be pending until ${fate.until.toISOString()} (${acceptOrRecordLapse(invitee)})`,
        };
      }
      return undefined;
    }
    case 'REJECTED':
    case 'ACTION_FAILED':
      return options.retryRejected
        ? undefined
        : { proposalId: latest.id, reason: `proposal ${latest.id} ended ${latest.status}; re-propose with --retry-rejected` };
    default:
      return undefined;
  }
}

function outcomeOf(proposal: NetworkProposal, action: GovernanceAction, consortium: Consortium, snapshot: NetworkSnapshot, now: Date): string {
  if (proposal.status !== 'APPROVED') return `proposal ${proposal.id} ended ${proposal.status}`;
  const invitee = consortium.members.find((member) => member.name === action.member);
  const fate = invitee && invitationFate(invitee, proposal, snapshot, now);
  if (invitee && fate?.kind === 'lapsed') return `proposal ${proposal.id} invited it, but ${lapseReason(invitee, fate)}`;
  return `the invitation from proposal ${proposal.id} was not taken up before it expired`;
}

/**
 * The two things governance asks of a network, one per proposal, and the description that
 * names each. The description is parseable so that closed proposals (whose actions only
 * GetProposal would return) can be attributed without a call per proposal.
 */
import { DESCRIPTION_MAX } from '../amb';
import type { ProposalActions } from './snapshot';

export type GovernanceAction =
  | { readonly kind: 'invite'; readonly accountId: string; readonly member: string }
  | { readonly kind: 'remove'; readonly memberId: string; readonly member: string };

/** Identifies an action across proposals: `invite:<account>` or `remove:<member id>`. */
export function actionKey(action: GovernanceAction): string {
  return action.kind === 'invite' ? `invite:${action.accountId}` : `remove:${action.memberId}`;
}

/** Keys of every action a proposal carries. */
export function actionKeysOf(actions: ProposalActions): string[] {
  return [...actions.invitations.map((account) => `invite:${account}`), ...actions.removals.map((removal) => `remove:${removal.memberId}`)];
}

export function describeAction(action: GovernanceAction): string {
  const text = action.kind === 'invite' ? `Invite account ${action.accountId} (${action.member})` : `Remove member ${action.memberId} (${action.member})`;
  return text.slice(0, DESCRIPTION_MAX);
}

const DESCRIPTION_PATTERN = /^(Invite account|Remove member) (\S+) \(/;

/** The action a description written by `describeAction` names, or undefined for any other text. */
export function actionsOfDescription(description: string | undefined): ProposalActions | undefined {
  const match = description === undefined ? null : DESCRIPTION_PATTERN.exec(description);
  if (!match) return undefined;
  return match[1] === 'Invite account' ? { invitations: [match[2]], removals: [] } : { invitations: [], removals: [{ memberId: match[2] }] };
}

export function proposalActionsOf(action: GovernanceAction): { Invitations?: { Principal: string }[]; Removals?: { MemberId: string }[] } {
  return action.kind === 'invite' ? { Invitations: [{ Principal: action.accountId }] } : { Removals: [{ MemberId: action.memberId }] };
}

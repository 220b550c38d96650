/**
 * AMB's approval arithmetic. The threshold is a percentage of ALL members, not of the votes
 * cast: with 50% GREATER_THAN and 10 members a proposal needs 6 YES, however many vote.
 * Decided as soon as the outcome is certain: approved when the YES votes reach the
 * threshold, rejected when the members who have not voted NO can no longer reach it.
 */
import type { VotingPolicy } from '../config/types';

export type ApprovalPolicy = Pick<VotingPolicy, 'thresholdPercentage' | 'thresholdComparator'>;

export interface Tally {
  readonly yes: number;
  readonly no: number;
  /** Members entitled to vote, whether or not they have. */
  readonly members: number;
}

export type ProjectedOutcome = 'APPROVED' | 'REJECTED' | 'IN_PROGRESS';

/** Compared in integers (yes * 100 against percentage * members) so 50% of 10 is exactly 5. */
export function meetsThreshold(yes: number, members: number, policy: ApprovalPolicy): boolean {
  const left = yes * 100;
  const right = policy.thresholdPercentage * members;
  return policy.thresholdComparator === 'GREATER_THAN' ? left > right : left >= right;
}

/** The fewest YES votes that approve among `members`, or undefined when no number can (100% GREATER_THAN). */
export function yesVotesNeeded(members: number, policy: ApprovalPolicy): number | undefined {
  const exact = (policy.thresholdPercentage * members) / 100;
  const candidate = policy.thresholdComparator === 'GREATER_THAN' ? Math.floor(exact) + 1 : Math.ceil(exact);
  return candidate <= members ? candidate : undefined;
}

export function projectOutcome(tally: Tally, policy: ApprovalPolicy): ProjectedOutcome {
  if (meetsThreshold(tally.yes, tally.members, policy)) return 'APPROVED';
  if (!meetsThreshold(tally.members - tally.no, tally.members, policy)) return 'REJECTED';
  return 'IN_PROGRESS';
}

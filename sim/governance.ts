/**
 * AMB's approval arithmetic. The threshold is a percentage of ALL members entitled to vote,
 * not of the votes cast, so a proposal can be decided before everyone has voted: approved as
 * soon as the YES votes meet the threshold, rejected as soon as they no longer can.
 *
 * Deliberately written apart from lib/governance/threshold.ts: the simulator is the oracle the
 * governance scripts are tested against, so it must not share their arithmetic (or its bugs).
 */
import type { ThresholdComparator } from '../lib/amb';

export interface ApprovalPolicy {
  readonly thresholdPercentage: number;
  readonly comparator: ThresholdComparator;
}

export interface Tally {
  readonly yes: number;
  readonly no: number;
  /** Members entitled to vote, whether or not they have. */
  readonly eligible: number;
}

export type Outcome = 'APPROVED' | 'REJECTED' | 'IN_PROGRESS';

/** Integer comparison (yes * 100 against pct * eligible) so 50% of 10 is exactly 5, never 4.999. */
export function meetsThreshold(yes: number, eligible: number, policy: ApprovalPolicy): boolean {
  const left = yes * 100;
  const right = policy.thresholdPercentage * eligible;
  return policy.comparator === 'GREATER_THAN' ? left > right : left >= right;
}

export function outcome(tally: Tally, policy: ApprovalPolicy): Outcome {
  if (meetsThreshold(tally.yes, tally.eligible, policy)) return 'APPROVED';
  const bestCase = tally.eligible - tally.no;
  if (!meetsThreshold(bestCase, tally.eligible, policy)) return 'REJECTED';
  return 'IN_PROGRESS';
}

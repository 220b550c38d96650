import { THRESHOLD_COMPARATORS } from '../lib/amb';
import { meetsThreshold, projectOutcome, yesVotesNeeded, type ApprovalPolicy } from '../lib/governance/threshold';

const GT = (thresholdPercentage: number): ApprovalPolicy => ({ thresholdPercentage, thresholdComparator: 'GREATER_THAN' });
const GE = (thresholdPercentage: number): ApprovalPolicy => ({ thresholdPercentage, thresholdComparator: 'GREATER_THAN_OR_EQUAL_TO' });
const MEMBER_COUNTS = Array.from({ length: 14 }, (_, index) => index + 1);

describe('yesVotesNeeded', () => {
  it('needs 6 YES of 10 members at 50% GREATER_THAN (AMB-FACTS.md)', () => {
    expect(yesVotesNeeded(10, GT(50))).toBe(6);
  });

  it('counts a percentage of all members, for 1 to 14 members at 50% GREATER_THAN', () => {
    expect(MEMBER_COUNTS.map((members) => yesVotesNeeded(members, GT(50)))).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8]);
  });

  it('accepts an exact tie with GREATER_THAN_OR_EQUAL_TO and refuses it with GREATER_THAN', () => {
    expect(yesVotesNeeded(4, GE(50))).toBe(2);
    expect(yesVotesNeeded(4, GT(50))).toBe(3);
    expect(meetsThreshold(2, 4, GE(50))).toBe(true);
    expect(meetsThreshold(2, 4, GT(50))).toBe(false);
  });

  it('needs no YES at 0% GREATER_THAN_OR_EQUAL_TO and one YES at 0% GREATER_THAN', () => {
    for (const members of MEMBER_COUNTS) {
      expect(yesVotesNeeded(members, GE(0))).toBe(0);
      expect(yesVotesNeeded(members, GT(0))).toBe(1);
    }
  });

  it('needs every member at 100% GREATER_THAN_OR_EQUAL_TO and can never approve at 100% GREATER_THAN', () => {
    for (const members of MEMBER_COUNTS) {
      expect(yesVotesNeeded(members, GE(100))).toBe(members);
      expect(yesVotesNeeded(members, GT(100))).toBeUndefined();
    }
  });

  it('agrees with meetsThreshold for every percentage, both comparators and 1 to 14 members', () => {
    for (const thresholdComparator of THRESHOLD_COMPARATORS) {
      for (let thresholdPercentage = 0; thresholdPercentage <= 100; thresholdPercentage++) {
        const policy = { thresholdPercentage, thresholdComparator };
        for (const members of MEMBER_COUNTS) {
          const smallest = Array.from({ length: members + 1 }, (_, yes) => yes).find((yes) => meetsThreshold(yes, members, policy));
          expect({ policy, members, needed: yesVotesNeeded(members, policy) }).toEqual({ policy, members, needed: smallest });
        }
      }
    }
  });

  it('compares without rounding error: 1/3 of 3 members at 33% GREATER_THAN is approval, at 34% it is not', () => {
    expect(meetsThreshold(1, 3, GT(33))).toBe(true);
    expect(meetsThreshold(1, 3, GT(34))).toBe(false);
    expect(yesVotesNeeded(3, GT(34))).toBe(2);
  });
});

describe('projectOutcome', () => {
  it('approves as soon as the YES votes reach the threshold, before everyone votes', () => {
    expect(projectOutcome({ yes: 6, no: 0, members: 10 }, GT(50))).toBe('APPROVED');
    expect(projectOutcome({ yes: 5, no: 0, members: 10 }, GT(50))).toBe('IN_PROGRESS');
  });

  it('rejects as soon as the members who have not voted NO can no longer approve', () => {
    expect(projectOutcome({ yes: 0, no: 5, members: 10 }, GT(50))).toBe('REJECTED');
    expect(projectOutcome({ yes: 0, no: 4, members: 10 }, GT(50))).toBe('IN_PROGRESS');
    expect(projectOutcome({ yes: 0, no: 5, members: 10 }, GE(50))).toBe('IN_PROGRESS');
    expect(projectOutcome({ yes: 0, no: 6, members: 10 }, GE(50))).toBe('REJECTED');
  });

  it('approves a lone founder on its own YES at 50% GREATER_THAN', () => {
    expect(projectOutcome({ yes: 1, no: 0, members: 1 }, GT(50))).toBe('APPROVED');
  });

  it('approves with no vote at 0% GREATER_THAN_OR_EQUAL_TO and never at 100% GREATER_THAN', () => {
    expect(projectOutcome({ yes: 0, no: 0, members: 3 }, GE(0))).toBe('APPROVED');
    expect(projectOutcome({ yes: 3, no: 0, members: 3 }, GT(100))).toBe('REJECTED');
  });

  it('rejects a tie under GREATER_THAN once half the members voted NO', () => {
    expect(projectOutcome({ yes: 2, no: 2, members: 4 }, GT(50))).toBe('REJECTED');
    expect(projectOutcome({ yes: 2, no: 2, members: 4 }, GE(50))).toBe('APPROVED');
  });
});

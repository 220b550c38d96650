import { meetsThreshold, outcome, type ApprovalPolicy } from '../../sim/governance';

/** The smallest YES count that approves, found the slow and obvious way. */
function yesVotesNeeded(eligible: number, policy: ApprovalPolicy): number | undefined {
  for (let yes = 0; yes <= eligible; yes++) if (meetsThreshold(yes, eligible, policy)) return yes;
  return undefined;
}

const greaterThan = (thresholdPercentage: number): ApprovalPolicy => ({ thresholdPercentage, comparator: 'GREATER_THAN' });
const atLeast = (thresholdPercentage: number): ApprovalPolicy => ({
  thresholdPercentage,
  comparator: 'GREATER_THAN_OR_EQUAL_TO',
});

describe('threshold arithmetic over all members', () => {
  it('needs 6 YES of 10 members for 50% GREATER_THAN', () => {
    expect(yesVotesNeeded(10, greaterThan(50))).toBe(6);
    expect(meetsThreshold(5, 10, greaterThan(50))).toBe(false);
  });

  it('needs 5 YES of 10 members for 50% GREATER_THAN_OR_EQUAL_TO', () => {
    expect(yesVotesNeeded(10, atLeast(50))).toBe(5);
  });

  it('counts a third exactly: 1 of 3 meets 33% but not 34%', () => {
    expect(meetsThreshold(1, 3, atLeast(33))).toBe(true);
    expect(meetsThreshold(1, 3, atLeast(34))).toBe(false);
  });

  it('can never approve with 100% GREATER_THAN', () => {
    expect(yesVotesNeeded(4, greaterThan(100))).toBeUndefined();
  });

  it('needs every member for 100% GREATER_THAN_OR_EQUAL_TO', () => {
    expect(yesVotesNeeded(14, atLeast(100))).toBe(14);
  });
});

describe('proposal outcome', () => {
  it('approves as soon as YES votes reach the threshold, with votes still outstanding', () => {
    expect(outcome({ yes: 6, no: 0, eligible: 10 }, greaterThan(50))).toBe('APPROVED');
  });

  it('rejects as soon as approval has become impossible', () => {
    expect(outcome({ yes: 0, no: 5, eligible: 10 }, greaterThan(50))).toBe('REJECTED');
    expect(outcome({ yes: 0, no: 4, eligible: 10 }, greaterThan(50))).toBe('IN_PROGRESS');
  });

  it('rejects a tie under GREATER_THAN and approves it under GREATER_THAN_OR_EQUAL_TO', () => {
    expect(outcome({ yes: 2, no: 2, eligible: 4 }, greaterThan(50))).toBe('REJECTED');
    expect(outcome({ yes: 2, no: 2, eligible: 4 }, atLeast(50))).toBe('APPROVED');
  });

  it('rejects on the first NO when every member must agree', () => {
    expect(outcome({ yes: 3, no: 1, eligible: 14 }, atLeast(100))).toBe('REJECTED');
  });

  it('stays in progress while both outcomes remain possible', () => {
    expect(outcome({ yes: 1, no: 1, eligible: 5 }, greaterThan(50))).toBe('IN_PROGRESS');
  });
});

/**
 * The simulator's notion of time: a base clock (real time unless a test supplies one) plus an
 * offset that only moves forward. Advancing the offset is how tests and rehearsals reach a
 * proposal's expiry or a node's readiness without waiting.
 */
export class SimClock {
  private offset: number;

  constructor(
    private readonly base: () => number = Date.now,
    offsetMs = 0,
  ) {
    this.offset = offsetMs;
  }

  now(): number {
    return this.base() + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`the clock only moves forward: advance by a finite number of ms >= 0, not ${ms}`);
    }
    this.offset += ms;
  }
}

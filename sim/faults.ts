/**
 * Injected failures for resilience tests: a share of requests answered with ThrottlingException
 * (429) or InternalServiceErrorException (500) before they touch any state, and added latency.
 * Draws come from a seeded generator, so a seed and a request sequence reproduce a run.
 */
import { AmbError } from './errors';
import { seededRandom, type Random } from './prng';

export interface FaultSettings {
  /** Share of requests, 0-1, answered with ThrottlingException. */
  readonly throttleRate?: number;
  /** Share of requests, 0-1, answered with InternalServiceErrorException. */
  readonly serverErrorRate?: number;
  /** Milliseconds added to every API request. */
  readonly latencyMs?: number;
  /** Seed of the generator that decides which requests fail. */
  readonly seed?: number;
}

const DEFAULT_FAULT_SEED = 1;

export class FaultInjector {
  private settings: Required<FaultSettings> = { throttleRate: 0, serverErrorRate: 0, latencyMs: 0, seed: DEFAULT_FAULT_SEED };
  private random: Random = seededRandom(DEFAULT_FAULT_SEED);

  constructor(settings: FaultSettings = {}) {
    this.configure(settings);
  }

  /** Replaces every setting; a given seed restarts the sequence of draws. */
  configure(settings: FaultSettings = {}): void {
    const throttleRate = settings.throttleRate ?? 0;
    const serverErrorRate = settings.serverErrorRate ?? 0;
    const latencyMs = settings.latencyMs ?? 0;
    for (const [name, rate] of [['throttleRate', throttleRate], ['serverErrorRate', serverErrorRate]] as const) {
      if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be between 0 and 1, not ${rate}`);
    }
    if (throttleRate + serverErrorRate > 1) {
      throw new RangeError(`throttleRate + serverErrorRate must not exceed 1 (got ${throttleRate + serverErrorRate})`);
    }
    if (!(latencyMs >= 0 && Number.isFinite(latencyMs))) throw new RangeError(`latencyMs must be >= 0, not ${latencyMs}`);
    if (settings.seed !== undefined) {
      if (!Number.isInteger(settings.seed)) throw new RangeError(`seed must be an integer, not ${settings.seed}`);
      this.random = seededRandom(settings.seed);
    }
    this.settings = { throttleRate, serverErrorRate, latencyMs, seed: settings.seed ?? this.settings.seed };
  }

  current(): Required<FaultSettings> {
    return { ...this.settings };
  }

  get latencyMs(): number {
    return this.settings.latencyMs;
  }

  /** The error to answer this request with, if it is one of the unlucky ones. */
  draw(): AmbError | undefined {
    const { throttleRate, serverErrorRate } = this.settings;
    if (throttleRate === 0 && serverErrorRate === 0) return undefined;
    const roll = this.random();
    if (roll < throttleRate) return new AmbError('ThrottlingException', 'Rate exceeded (injected by the simulator).');
    if (roll < throttleRate + serverErrorRate) {
      return new AmbError('InternalServiceErrorException', 'Internal service error (injected by the simulator).');
    }
    return undefined;
  }
}

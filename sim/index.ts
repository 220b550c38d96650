/**
 * A local Amazon Managed Blockchain (Hyperledger Fabric) API for tests and rehearsals: the
 * AWS SDK, the aws CLI and boto3 talk to it through an endpoint override.
 */
import type { FaultSettings } from './faults';
import { listen } from './server';
import { Simulator } from './simulator';

export interface SimulatorOptions {
  /** Port on 127.0.0.1. @default 0 (an ephemeral port) */
  port?: number;
  /** Loaded at start if present, saved after each write. @default none (state lives in memory) */
  stateFile?: string;
  /**
   * Simulated-clock ms that a new network, member or node stays CREATING (and a deleted one
   * DELETING). With 0 it is AVAILABLE from the first request after the one that created it.
   * @default 0
   */
  nodeCreationDelayMs?: number;
  /** Injected throttles, server errors and latency. @default none */
  faults?: { throttleRate?: number; serverErrorRate?: number; latencyMs?: number; seed?: number };
  /** Base clock in epoch ms; advanceClock adds to it. @default Date.now */
  now?: () => number;
}

export interface RunningSimulator {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** Moves the simulated clock forward (proposal and invitation expiry, CREATING -> AVAILABLE). */
  advanceClock(ms: number): void;
  /** Replaces the fault settings; a given seed restarts the sequence. */
  setFaults(f: SimulatorOptions['faults']): void;
  /** AMB API requests served, including those answered with an injected fault. */
  requestCount(): number;
  requestsByOperation(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const creationDelayMs = opts.nodeCreationDelayMs ?? 0;
  if (!(Number.isFinite(creationDelayMs) && creationDelayMs >= 0)) {
    throw new RangeError(`nodeCreationDelayMs must be a number of ms >= 0, not ${creationDelayMs}`);
  }
  const simulator = new Simulator({
    stateFile: opts.stateFile,
    creationDelayMs,
    faults: opts.faults,
    now: opts.now,
  });
  const server = await listen((request) => simulator.handle(request), opts.port ?? 0);
  return {
    endpoint: server.endpoint,
    advanceClock: (ms) => simulator.advanceClock(ms),
    setFaults: (faults) => simulator.setFaults(faults),
    requestCount: () => simulator.requestCount(),
    requestsByOperation: () => simulator.requestsByOperation(),
    stop: () => server.close(),
  };
}

export type { FaultSettings };

/**
 * A local Amazon Managed Blockchain (Hyperledger Fabric) API for tests and rehearsals: the
 * AWS SDK, the aws CLI and boto3 talk to it through an endpoint override.
 */
import { FabricBacking, type SimulatorFabricOptions } from './fabric/backing';
import type { FabricNetwork } from './fabric/network';
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
  /**
   * Real Hyperledger Fabric 2.2 behind what the simulator creates (see sim/fabric/backing.ts):
   * `true`, or options such as the S3 endpoint where the TLS chain is published. Needs
   * `npm run fabric:install` (FabricNotInstalledError otherwise); cannot be combined with
   * `stateFile`, since processes and ledgers do not outlive the simulator. @default false
   */
  fabric?: boolean | SimulatorFabricOptions;
}

/** The real Fabric behind a simulator started with `fabric`. */
export interface SimulatorFabric {
  /** The simulator TLS CA's certificate, PEM: every region's managedblockchain-tls-chain.pem. */
  readonly tlsChainPem: string;
  /** The same in a file, while the simulator runs. */
  readonly tlsChainFile: string;
  /** The network's FabricNetwork once its orderer runs: peer CLI environments, member MSPs, processes. */
  network(networkId: string): FabricNetwork | undefined;
  /** Resolves once every process started so far is ready; rejects with the first that failed. */
  whenSettled(): Promise<void>;
  /** Pids and names of every running Fabric process. */
  processes(): { name: string; pid: number }[];
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
  /** Present when started with `fabric`. */
  readonly fabric?: SimulatorFabric;
  /** Stops serving, then stops every Fabric process it started. */
  stop(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const creationDelayMs = opts.nodeCreationDelayMs ?? 0;
  if (!(Number.isFinite(creationDelayMs) && creationDelayMs >= 0)) {
    throw new RangeError(`nodeCreationDelayMs must be a number of ms >= 0, not ${creationDelayMs}`);
  }
  if (opts.fabric && opts.stateFile) {
    throw new RangeError('fabric cannot be combined with stateFile: Fabric processes and ledgers do not outlive the simulator');
  }
  const fabric = opts.fabric ? await FabricBacking.create(opts.fabric === true ? {} : opts.fabric) : undefined;
  const simulator = new Simulator({
    stateFile: opts.stateFile,
    creationDelayMs,
    faults: opts.faults,
    now: opts.now,
    fabric,
  });
  const server = await listen((request) => simulator.handle(request), opts.port ?? 0).catch(async (error) => {
    await fabric?.stop();
    throw error;
  });
  let stopped: Promise<void> | undefined;
  return {
    endpoint: server.endpoint,
    advanceClock: (ms) => simulator.advanceClock(ms),
    setFaults: (faults) => simulator.setFaults(faults),
    requestCount: () => simulator.requestCount(),
    requestsByOperation: () => simulator.requestsByOperation(),
    fabric: fabric && {
      tlsChainPem: fabric.tlsChainPem,
      tlsChainFile: fabric.tlsChainFile,
      network: (networkId) => fabric.fabricNetwork(networkId),
      whenSettled: () => fabric.whenSettled(),
      processes: () => fabric.processes(),
    },
    stop: () => (stopped ??= (async () => {
      await server.close();
      await fabric?.stop();
    })()),
  };
}

export type { FaultSettings };

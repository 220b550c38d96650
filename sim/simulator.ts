/**
 * One request through the simulator: control route or API call; for an API call, count it,
 * add latency, maybe inject a fault, identify the caller, let time-driven changes happen,
 * run the operation and answer as AMB would. Independent of the HTTP transport.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, handleAdmin, type AdminControls } from './admin';
import { callerFrom } from './auth';
import { SimClock } from './clock';
import { AmbError } from './errors';
import type { FabricBacking } from './fabric/backing';
import { FaultInjector, type FaultSettings } from './faults';
import { InputReader } from './input';
import { Lifecycle } from './lifecycle';
import { OPERATIONS } from './operations';
import { loadState, saveState } from './persistence';
import { errorOfType, errorResponse, jsonResponse, type SimResponse } from './responses';
import { bindInput, matchRoute } from './routes';
import { emptyState, type SimState } from './state';

export interface SimRequest {
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface SimulatorSettings {
  readonly stateFile?: string;
  readonly creationDelayMs: number;
  readonly faults?: FaultSettings;
  readonly now?: () => number;
  /** Real Fabric behind networks, members and nodes. @default none */
  readonly fabric?: FabricBacking;
}

export class Simulator implements AdminControls {
  private readonly state: SimState;
  private readonly clock: SimClock;
  private readonly lifecycle = new Lifecycle();
  private readonly faultInjector: FaultInjector;
  private total = 0;
  private readonly byOperation: Record<string, number> = {};

  constructor(private readonly settings: SimulatorSettings) {
    this.state = (settings.stateFile && loadState(settings.stateFile)) || emptyState();
    this.clock = new SimClock(settings.now, this.state.clockOffsetMs);
    this.faultInjector = new FaultInjector(settings.faults);
  }

  async handle(request: SimRequest): Promise<SimResponse> {
    const url = new URL(request.url, 'http://simulator');
    if (url.pathname.startsWith(ADMIN_PREFIX)) return handleAdmin(this, request.method, url.pathname, request.body);

    const match = matchRoute(request.method, url.pathname);
    const operation = match?.route.operation ?? 'UnknownOperation';
    this.total += 1;
    this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
    if (this.faultInjector.latencyMs > 0) await sleep(this.faultInjector.latencyMs);
    const fault = this.faultInjector.draw();
    if (fault) return errorResponse(fault);
    if (!match) {
      return errorOfType(404, 'UnknownOperationException', `No AMB operation serves ${request.method} ${url.pathname}.`);
    }

    const now = this.clock.now();
    const fabric = this.settings.fabric;
    const settled = this.lifecycle.settle(this.state, now, fabric?.readiness);
    const writes = request.method !== 'GET';
    try {
      const input = InputReader.of(bindInput(match, url.searchParams, request.body));
      const context = {
        state: this.state,
        caller: callerFrom(request.headers),
        now,
        creationDelayMs: this.settings.creationDelayMs,
        schedule: (at: number) => this.lifecycle.schedule(at),
        fabric,
      };
      const output = OPERATIONS[match.route.operation](context, input);
      fabric?.reconcile(this.state);
      if (writes || settled) this.persist();
      return jsonResponse(200, output);
    } catch (error) {
      fabric?.reconcile(this.state);
      if (settled) this.persist();
      if (error instanceof AmbError) return errorResponse(error);
      process.stderr.write(`simulator: ${operation} failed unexpectedly: ${(error as Error).stack ?? error}\n`);
      return errorResponse(new AmbError('InternalServiceErrorException', `Unexpected simulator error in ${operation}.`));
    }
  }

  now(): number {
    return this.clock.now();
  }

  clockOffsetMs(): number {
    return this.clock.offsetMs;
  }

  advanceClock(ms: number): void {
    this.clock.advance(ms);
    this.persist();
  }

  faults(): FaultSettings {
    return this.faultInjector.current();
  }

  setFaults(settings: FaultSettings = {}): void {
    this.faultInjector.configure(settings);
  }

  requestCount(): number {
    return this.total;
  }

  requestsByOperation(): Record<string, number> {
    return { ...this.byOperation };
  }

  private persist(): void {
    if (!this.settings.stateFile) return;
    this.state.clockOffsetMs = this.clock.offsetMs;
    saveState(this.settings.stateFile, this.state);
  }
}

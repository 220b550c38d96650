/**
 * The Fabric processes one simulator runs: each started with its output in its own log file,
 * waited for with a bound, stopped with SIGTERM then SIGKILL, and killed if this Node.js
 * process exits without stopping them, so none is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { OperationalError } from '../../lib/errors';

/** How long stop() waits after SIGTERM before SIGKILL, in ms. */
const STOP_GRACE_MS = 5_000;
/** How long one readiness probe (an HTTP GET of `/healthz`, or of moto_server) waits for an answer, in ms. */
export const PROBE_LIMIT_MS = 5_000;
/** Lines of a process's log quoted in a readiness error. */
const LOG_TAIL_LINES = 15;

/**
 * A line of a Go process's log that says why it stopped: Fabric's logger levels PANI and FATA,
 * Go's own `panic:`, and fabric-ca-server's `Error:` line before it exits.
 */
const FATAL_LINE = /\b(PANI|FATA)\b|^panic: |^Error: /;
/**
 * What a server says when its listen address is already bound: Go's `bind: address already in
 * use`, Python's `Address already in use` (moto_server).
 */
export const PORT_TAKEN = /address already in use/i;

/**
 * A process ended or timed out before it was ready. `portTaken` is true when its log says a
 * port it was given was already bound: a port chosen free was taken before the process bound
 * it, and a start on new ports can succeed.
 */
export class ProcessStartError extends OperationalError {
  constructor(
    message: string,
    readonly portTaken: boolean,
  ) {
    super(message);
    this.name = 'ProcessStartError';
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** One running Fabric process (orderer, peer, fabric-ca-server). */
export class FabricProcess {
  private readonly exited: Promise<void>;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;

  private constructor(
    /** What it is, for messages: `orderer`, `peer nd-... of m-...`, `fabric-ca-server of m-...`. */
    readonly name: string,
    /** Its stdout and stderr. */
    readonly logFile: string,
    private readonly child: ChildProcess,
    /** Bytes the log file held before this process wrote to it (a restart appends). */
    private readonly logStart: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        running.delete(child);
        resolve();
      });
    });
  }

  /** Starts `command args` with `env` (added to this process's environment), logging to `logFile`. */
  static start(name: string, command: string, args: readonly string[], options: { env: Record<string, string>; logFile: string; cwd?: string }): FabricProcess {
    installExitHook();
    const log = openSync(options.logFile, 'a');
    try {
      const logStart = fstatSync(log).size;
      const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', log, log] });
      running.add(child);
      const started = new FabricProcess(name, options.logFile, child, logStart);
      child.once('error', () => running.delete(child));
      return started;
    } finally {
      closeSync(log);
    }
  }

  /** The operating system's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /**
   * Polls `probe` every 100 ms until it resolves true, for at most `timeoutMs`. Throws an
   * OperationalError naming the process, its log file and the log's last lines when the
   * process exits first or the time runs out.
   */
  async waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isRunning) throw this.failure(`exited (${this.exitSignal ?? `code ${this.exitCode}`}) before ${what}`);
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) throw this.failure(`was not ${what} within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** What this process wrote to its log file so far ('' when there is no file). */
  logText(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile).subarray(this.logStart).toString('utf8') : '';
  }

  /**
   * Waits until `GET url` answers 200 (Fabric's operations `/healthz`) and, when given, the
   * service endpoint (`127.0.0.1:PORT`) accepts connections: peers and orderers open their
   * operations port before their gRPC port.
   */
  waitHealthy(url: string, timeoutMs: number, serviceEndpoint?: string): Promise<void> {
    const what = serviceEndpoint ? `healthy at ${url} and listening on ${serviceEndpoint}` : `healthy at ${url}`;
    // Each probe is bounded: a listener that accepts and never answers must not stall the wait.
    return this.waitUntil(what, async () => (await fetch(url, { signal: AbortSignal.timeout(PROBE_LIMIT_MS) })).ok && (!serviceEndpoint || (await acceptsConnections(serviceEndpoint))), timeoutMs);
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  async stop(): Promise<void> {
    if (!this.isRunning) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /**
   * The readiness error: the process's name, what it did not do, its log file, and of what this
   * process wrote there, the first fatal line when the last lines do not hold it (a Go panic
   * ends with its goroutine stacks) and the last lines.
   */
  private failure(what: string): ProcessStartError {
    if (!existsSync(this.logFile)) return new ProcessStartError(`${this.name} ${what}; its log is ${this.logFile}, not written`, false);
    const lines = this.logText().trimEnd().split('\n');
    const tail = lines.slice(-LOG_TAIL_LINES);
    const fatal = lines.find((line) => FATAL_LINE.test(line));
    const cause = fatal && !tail.includes(fatal) ? `it logged:\n${fatal}\n` : '';
    return new ProcessStartError(`${this.name} ${what}; ${cause}its log is ${this.logFile}, ending:\n${tail.join('\n')}`, lines.some((line) => PORT_TAKEN.test(line)));
  }
}

/**
 * Ports handed out by freePort in this process: never handed out twice, so two servers of one
 * run cannot be given the same port while neither has bound it yet.
 */
const handedOut = new Set<number>();

/**
 * The ports freePort chooses from: the 10,000 ports just below the kernel's ephemeral range
 * (`/proc/sys/net/ipv4/ip_local_port_range`, 32768-60999 by default, so 22768-32767). The
 * kernel gives ports of the ephemeral range to every outgoing connection and every bind to port
 * 0, so a port chosen there and released can be taken by a client's connection before the
 * server binds it; below the range only an explicit bind takes it. Undefined where the range
 * cannot be read or leaves no room (then the operating system chooses).
 */
function listenPortRange(): { low: number; high: number } | undefined {
  if (portRange === null) portRange = readListenPortRange();
  return portRange;
}

/** listenPortRange's answer, read once per process (null: not read yet). */
let portRange: { low: number; high: number } | undefined | null = null;

function readListenPortRange(): { low: number; high: number } | undefined {
  try {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (!(ephemeralLow > 11_024)) return undefined;
    return { low: ephemeralLow - 10_000, high: ephemeralLow - 1 };
  } catch {
    return undefined;
  }
}

/** Whether a server can listen on 127.0.0.1:`port` now (0: any port); resolves the port it got, or undefined. */
function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server started next: a random one
 * below the kernel's ephemeral range that this process has not handed out before (see
 * listenPortRange), else the operating system's choice. Another process may still bind it
 * first; callers that start a server on it retry on new ports (startOnFreePorts). `draw`
 * (default crypto.randomInt: a port from `low` up to, not including, `high`) is for tests.
 */
export async function freePort(draw: (low: number, high: number) => number = randomInt): Promise<number> {
  const range = listenPortRange();
  for (let attempt = 0; range && attempt < 50; attempt++) {
    const port = draw(range.low, range.high + 1);
    if (handedOut.has(port)) continue;
    // Reserved before the check: a call running at the same time may draw the same port.
    handedOut.add(port);
    if ((await bindable(port)) === port) return port;
    handedOut.delete(port);
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindable(0);
    if (port === undefined) break;
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new OperationalError('no TCP port on 127.0.0.1 could be bound; check what holds them (ss -ltn)');
}

/** How many times startOnFreePorts starts a process in all before giving up. */
const PORT_ATTEMPTS = 3;

/**
 * Chooses `count` ports with `choose` (freePort by default) and calls `start` with them. When
 * `start` rejects with a ProcessStartError whose `portTaken` is set (another process bound one
 * of the ports between the choice and the bind), chooses new ports and starts again, at most 3
 * times in all. `start` must stop what it started before it rejects.
 */
export async function startOnFreePorts<T>(count: number, start: (ports: number[]) => Promise<T>, choose: () => Promise<number> = freePort): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await choose());
    try {
      return await start(ports);
    } catch (error) {
      if (!(error instanceof ProcessStartError && error.portTaken) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

/** True when something accepts TCP connections at `host:port`. */
export function acceptsConnections(endpoint: string): Promise<boolean> {
  const separator = endpoint.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.slice(0, separator), port: Number(endpoint.slice(separator + 1)) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

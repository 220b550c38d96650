/**
 * The Fabric processes one simulator runs: each started with its output in its own log file,
 * waited for with a bound, stopped with SIGTERM then SIGKILL, and killed if this Node.js
 * process exits without stopping them, so none is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { OperationalError } from '../../lib/errors';

/** How long stop() waits after SIGTERM before SIGKILL, in ms. */
const STOP_GRACE_MS = 5_000;
/** Lines of a process's log quoted in a readiness error. */
const LOG_TAIL_LINES = 15;

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
      const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', log, log] });
      running.add(child);
      const started = new FabricProcess(name, options.logFile, child);
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

  /**
   * Waits until `GET url` answers 200 (Fabric's operations `/healthz`) and, when given, the
   * service endpoint (`127.0.0.1:PORT`) accepts connections: peers and orderers open their
   * operations port before their gRPC port.
   */
  waitHealthy(url: string, timeoutMs: number, serviceEndpoint?: string): Promise<void> {
    const what = serviceEndpoint ? `healthy at ${url} and listening on ${serviceEndpoint}` : `healthy at ${url}`;
    return this.waitUntil(what, async () => (await fetch(url)).ok && (!serviceEndpoint || (await acceptsConnections(serviceEndpoint))), timeoutMs);
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  async stop(): Promise<void> {
    if (!this.isRunning) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private failure(what: string): OperationalError {
    const tail = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n') : '(no log written)';
    return new OperationalError(`${this.name} ${what}; its log is ${this.logFile}, ending:\n${tail}`);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the operating system's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
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

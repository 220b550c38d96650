/**
 * moto_server, the independent AWS API emulator (Python `moto[server]`), started on a free
 * 127.0.0.1 port: S3 and Secrets Manager for tests and for `npm run rehearse -- --fabric`.
 */
import { spawn } from 'node:child_process';
import { PORT_TAKEN, PROBE_LIMIT_MS, ProcessStartError, startOnFreePorts } from './fabric/processes';

/** A moto_server started here, and the environment that points AWS clients at it. */
export interface MotoServer {
  readonly endpoint: string;
  /** Fake credentials and the endpoint, for in-process clients and child processes alike. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** moto_server starts in 2-3 s on a quiet machine; a loaded one (load average 20) has taken over 30 s. */
const STARTUP_LIMIT_MS = 120_000;

/**
 * Starts `moto_server` on a free port and waits until it answers; on new ports when another
 * process bound the chosen one first (startOnFreePorts). Fails when it is missing, exits while
 * starting, or does not answer within 120 s. `choosePort` (default freePort) is for tests.
 */
export function startMotoServer(options: { readonly choosePort?: () => Promise<number> } = {}): Promise<MotoServer> {
  return startOnFreePorts(1, ([port]) => startMotoServerOn(port), options.choosePort);
}

async function startMotoServerOn(port: number): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-p', String(port), '-H', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`moto_server is required but could not start (${error.message}); install it with pip install 'moto[server]' (.ci/run does)`)));
    child.once('exit', (code) => reject(new ProcessStartError(`moto_server exited with code ${code} before answering:\n${output}`, PORT_TAKEN.test(output))));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  };
  try {
    await motoAnswering(endpoint, { exited });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, env: motoClientEnv(endpoint), stop };
}

/** Fake credentials and the S3 endpoint of a moto_server at `endpoint`, for clients in this process and children alike. */
export function motoClientEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** What motoAnswering is told of the server it waits for. */
export interface MotoWait {
  /** Appended to the timeout's message (e.g. the end of the server's log). */
  readonly more?: () => string;
  /** Checked before each probe: an error when the server is known not to have started. */
  readonly failed?: () => Error | undefined;
  /** Rejects when the server's process ends: the wait ends at once, its probe aborted. */
  readonly exited?: Promise<never>;
}

/**
 * Resolves once a moto_server at `endpoint` answers HTTP (polled every 100 ms). Rejects after
 * 120 s (with `more()` appended to the message), with `failed()`'s error as soon as it returns
 * one, or with `exited`'s error as soon as it rejects; nothing of the wait is left running then.
 */
export async function motoAnswering(endpoint: string, wait: MotoWait = {}): Promise<void> {
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  const ended = new AbortController();
  wait.exited?.catch((error: unknown) => ended.abort(error));
  for (;;) {
    if (ended.signal.aborted) throw ended.signal.reason;
    const failure = wait.failed?.();
    if (failure) throw failure;
    try {
      // Bounded: a listener that accepts and never answers (not moto) must not stall the wait.
      await fetch(endpoint, { signal: AbortSignal.any([AbortSignal.timeout(PROBE_LIMIT_MS), ended.signal]) });
      return;
    } catch (error) {
      if (ended.signal.aborted) throw ended.signal.reason;
      if (Date.now() > deadline) throw new Error(`moto_server at ${endpoint} did not answer within ${STARTUP_LIMIT_MS / 1000} s (${(error as Error).message})${wait.more?.() ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

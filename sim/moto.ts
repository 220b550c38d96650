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
  // Set once the child failed: also ends motoAnswering's polling, which the race below leaves behind.
  let failure: Error | undefined;
  const failed = new Promise<never>((_, reject) => {
    const fail = (error: Error) => reject((failure ??= error));
    child.once('error', (error) => fail(new Error(`moto_server is required but could not start (${error.message}); install it with pip install 'moto[server]' (.ci/run does)`)));
    child.once('exit', (code) => fail(new ProcessStartError(`moto_server exited with code ${code} before answering:\n${output}`, PORT_TAKEN.test(output))));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await Promise.race([motoAnswering(endpoint, undefined, () => failure), failed]);
  } catch (error) {
    await stop();
    throw error;
  }
  failed.catch(() => undefined);
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

/**
 * Resolves once a moto_server at `endpoint` answers HTTP (polled every 100 ms); rejects after
 * 120 s, with `more()` (e.g. the end of its log) appended to the message, or as soon as
 * `failed()` returns an error (checked before each probe: a server known not to have started).
 */
export async function motoAnswering(endpoint: string, more: () => string = () => '', failed: () => Error | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  for (;;) {
    const failure = failed();
    if (failure) throw failure;
    try {
      // Bounded: a listener that accepts and never answers (not moto) must not stall the wait.
      await fetch(endpoint, { signal: AbortSignal.timeout(PROBE_LIMIT_MS) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`moto_server at ${endpoint} did not answer within ${STARTUP_LIMIT_MS / 1000} s (${(error as Error).message})${more()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

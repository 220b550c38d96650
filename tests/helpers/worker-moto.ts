/**
 * One moto_server per jest worker, shared by the test files that worker runs one after another.
 *
 * Starting moto_server costs about 4 s of CPU (its Python imports), and a dozen test files each
 * started their own. Here a file asks for the worker's server with `acquire()` (exposed to test
 * files as `__workerMoto` by environment.js, and wrapped by `workerMotoServer` in moto.ts). The
 * first call in a worker starts it; every call empties it through moto's own reset endpoint
 * (`POST /moto-api/reset`: every backend as a new server has it), so a file never sees what an
 * earlier one left. A worker runs one file at a time, so two files never use it at once.
 *
 * This module runs in the worker itself, outside jest's per-file `vm` context: environment.js
 * loads it once per worker, and its state outlives each file.
 *
 * Stopping: the server runs under a `sh` guard that waits on its standard input, a pipe from
 * the worker. When the worker ends, however it ends, the pipe closes and the guard stops the
 * server. Before that, jest's global teardown (global-teardown.js) stops the process group of
 * every server a worker recorded in `AMB_TEST_PROCESS_DIR` (made by global-setup.js) and
 * waits for it, so that no server outlives `jest`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PORT_TAKEN, ProcessStartError, startOnFreePorts } from '../../sim/fabric/processes';
import { motoAnswering } from '../../sim/moto';

/**
 * The guard: starts moto_server ($1: port, $2: log file) in the background, waits until its
 * own standard input closes, then stops the server and waits for it.
 */
const GUARD = 'moto_server -p "$1" -H 127.0.0.1 >>"$2" 2>&1 & server=$!; read -r _ || true; kill "$server" 2>/dev/null; wait "$server"';

interface Running {
  readonly endpoint: string;
  readonly guard: ChildProcess;
}

let running: Promise<Running> | undefined;

/**
 * The worker's moto_server, started on the first call and emptied on every call. Resolves with
 * `{ endpoint }` (`http://127.0.0.1:<port>`). Rejects when moto_server is not installed, exits
 * while starting, does not answer within 120 s, or refuses the reset.
 */
export async function acquire(): Promise<{ endpoint: string }> {
  if (running) {
    const server = await running.catch(() => undefined);
    if (!server || server.guard.exitCode !== null || server.guard.signalCode !== null) running = undefined;
  }
  running ??= start();
  const { endpoint } = await running;
  const reset = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!reset.ok) throw new Error(`moto_server at ${endpoint} refused POST /moto-api/reset (HTTP ${reset.status})`);
  return { endpoint };
}

/** Starts the worker's moto_server, on new ports when another process bound the chosen one first. */
function start(): Promise<Running> {
  const folder = process.env.AMB_TEST_PROCESS_DIR;
  if (!folder || !existsSync(folder)) return Promise.reject(new Error('AMB_TEST_PROCESS_DIR is not set: run the tests with jest.config.js, whose global setup makes it'));
  return startOnFreePorts(1, ([port]) => startOn(folder, port));
}

async function startOn(folder: string, port: number): Promise<Running> {
  const endpoint = `http://127.0.0.1:${port}`;
  const log = join(folder, `moto-${process.pid}-${port}.log`);
  const logTail = () => `; its log ${log} ends:\n${existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-20).join('\n') : '(no log written)'}`;
  // detached: the guard leads its own process group, which global teardown stops as a whole.
  const guard = spawn('sh', ['-c', GUARD, 'sh', String(port), log], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<never>((_, reject) => {
    guard.once('error', (error) => reject(new Error(`moto_server is required but could not start (${error.message}); install it with pip install 'moto[server]'`)));
    guard.once('exit', () => reject(new Error(`moto_server exited before answering${logTail()}`)));
  });
  writeFileSync(join(folder, `moto-${process.pid}-${port}.pid`), String(guard.pid));
  // Neither the guard nor its pipe keeps the worker alive: the worker ends when its tests do.
  guard.unref();
  (guard.stdin as unknown as { unref(): void }).unref();
  // The guard outlives a moto_server that could not bind (it waits on its pipe): the log says so.
  const portTaken = () => (existsSync(log) && PORT_TAKEN.test(readFileSync(log, 'utf8')) ? new ProcessStartError(`moto_server could not listen on ${endpoint}${logTail()}`, true) : undefined);
  try {
    await motoAnswering(endpoint, { more: logTail, failed: portTaken, exited });
  } catch (error) {
    // Its pipe closed, the guard stops waiting and ends.
    guard.stdin?.end();
    throw error;
  }
  return { endpoint, guard };
}

/**
 * moto_server for tests. Test files use the jest worker's own server (`workerMotoServer`);
 * `startMotoServer`, the launcher the rehearsal uses, starts one of a file's own.
 */
import { motoClientEnv, type MotoServer } from '../../sim/moto';

export { startMotoServer, type MotoServer } from '../../sim/moto';

/** What environment.js puts in every test file's globals (tests/helpers/worker-moto.ts). */
declare const __workerMoto: { acquire(): Promise<{ endpoint: string }> } | undefined;

/**
 * The moto_server of this jest worker, emptied for the calling file: every moto backend reset,
 * as a server just started has it (tests/helpers/worker-moto.ts). Started on the worker's first
 * call, about 4 s of CPU, and kept for the worker's later files. `stop()` only gives it back:
 * jest's global teardown stops it. Rejects when moto_server is missing or does not start.
 */
export async function workerMotoServer(): Promise<MotoServer> {
  if (typeof __workerMoto === 'undefined') throw new Error('workerMotoServer needs the test environment of jest.config.js (tests/helpers/environment.js)');
  const { endpoint } = await __workerMoto.acquire();
  return { endpoint, env: motoClientEnv(endpoint), stop: async () => undefined };
}

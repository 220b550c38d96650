/**
 * Runs a Fabric command-line tool (peer, configtxgen, configtxlator, fabric-ca-client) to
 * completion, with a bounded time and an error that quotes what the tool said.
 */
import { execFile } from 'node:child_process';
import { OperationalError } from '../../lib/errors';

/** How long one tool run may take, in ms: a channel update waits for the orderer's reply. */
const TOOL_TIMEOUT_MS = 60_000;

/**
 * Runs `command args` with `env` added to this process's environment; resolves with stdout.
 * Rejects with an OperationalError carrying the tool's stderr (never its environment, which
 * may hold a password) when it fails or outlives 60 s.
 */
export function runTool(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: { ...process.env, ...env }, timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      const tool = command.split('/').pop();
      const said = `${stderr}${stdout}`.trim().split('\n').slice(-20).join('\n');
      const how = error.killed ? `did not finish within ${TOOL_TIMEOUT_MS / 1000} s` : `failed (${error.code ?? error.signal})`;
      reject(new OperationalError(`${tool} ${args[0] ?? ''} ${how}:\n${said}`));
    });
  });
}

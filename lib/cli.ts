/**
 * The one place commands turn errors into exit codes: 2 for bad config or usage, 1 for an
 * operational failure, with a message and no stack trace for anything the user can fix.
 */
import { ConfigError } from './config/issues';
import { OperationalError, UsageError } from './errors';

export async function runMain(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.exitCode = exitCodeOf(error);
    process.stderr.write(`${messageOf(error)}\n`);
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError) return 2;
  return 1;
}

function messageOf(error: unknown): string {
  if (error instanceof ConfigError) {
    const count = error.issues.length;
    return `${error.message}\n${count} problem${count === 1 ? '' : 's'} in the consortium config; nothing was written.`;
  }
  if (error instanceof UsageError || error instanceof OperationalError) return error.message;
  const detail = error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : String(error);
  return `unexpected error: ${detail}\n(set DEBUG=1 for a stack trace)`;
}

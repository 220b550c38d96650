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

/**
 * Whether `argv` asks for help (`--help` or `-h`); if so, `usage` is written to stdout and the
 * script should do nothing else (exit 0).
 */
export function printedUsage(usage: string, argv: readonly string[] = process.argv.slice(2)): boolean {
  if (!argv.includes('--help') && !argv.includes('-h')) return false;
  process.stdout.write(`${usage.trimEnd()}\n`);
  return true;
}

/**
 * The argument check of a script that takes its settings from the environment and at most the
 * plain flags in `flags` (`npm run synth`, `validate`, `schema`, the `bench:*` scripts).
 * @param usage the text `--help` prints: the command line, what it does, the environment it reads
 * @returns the flags given, or undefined when `--help` or `-h` was given: the usage is then
 *   on stdout and the script does nothing else (exit 0)
 * @throws UsageError (exit 2) for any other argument, naming it and what is allowed
 */
export function plainScriptArgs(usage: string, flags: readonly string[] = [], argv: readonly string[] = process.argv.slice(2)): ReadonlySet<string> | undefined {
  if (printedUsage(usage, argv)) return undefined;
  const unknown = argv.find((arg) => !flags.includes(arg));
  if (unknown !== undefined) {
    const allowed = flags.length > 0 ? `${flags.join(', ')}, --help or -h` : 'only --help or -h';
    throw new UsageError(`unknown argument ${JSON.stringify(unknown)} (allowed: ${allowed})\n${usage.trimEnd()}`);
  }
  return new Set(argv);
}

/**
 * The two kinds of failure a user can meet, with the exit codes every command uses:
 * 2 for invalid config or usage, 1 for an operational failure.
 */

/** Bad input: the user must change a file or an argument. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Something failed while acting; the message says what to do next. */
export class OperationalError extends Error {
  readonly exitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperationalError';
  }
}

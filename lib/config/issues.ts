import { relative } from 'node:path';

/** A problem found in a config file, located precisely enough for an editor to jump to. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Dotted path of the field, e.g. `peers[0].instanceType`; empty for the whole file. */
  readonly field: string;
  readonly problem: string;
  /** What would be accepted, when that can be said. */
  readonly allowed?: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.col}`;
  const field = issue.field ? ` ${issue.field}:` : '';
  const allowed = issue.allowed ? ` (allowed: ${issue.allowed})` : '';
  return `${where}${field} ${issue.problem}${allowed}`;
}

export function compareIssues(a: ConfigIssue, b: ConfigIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.field.localeCompare(b.field);
}

/** Thrown when config is invalid; carries every issue found, not just the first. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      [...issues]
        .sort(compareIssues)
        .map(formatIssue)
        .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * A path as messages show it: relative to the working directory when inside it (`.` for the
 * directory itself), else as given.
 */
export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' ? '.' : shown.startsWith('..') ? path : shown;
}

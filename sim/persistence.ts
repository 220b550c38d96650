/**
 * The optional state file: read at start, rewritten after every change. Written to a temporary
 * file and renamed into place, so a crash mid-write leaves the previous state intact.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { STATE_FORMAT_VERSION, type SimState } from './state';

const COLLECTIONS = ['networks', 'members', 'nodes', 'proposals', 'invitations', 'idempotency'] as const;

export class StateFileError extends Error {
  constructor(file: string, problem: string) {
    super(`state file ${file}: ${problem}; fix or delete it to start from an empty state`);
    this.name = 'StateFileError';
  }
}

/** The saved state, or undefined when the file does not exist yet. */
export function loadState(file: string): SimState | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StateFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  const state = parsed as Partial<SimState> | null;
  if (typeof state !== 'object' || state === null || state.formatVersion !== STATE_FORMAT_VERSION) {
    throw new StateFileError(file, `not a simulator state of format version ${STATE_FORMAT_VERSION}`);
  }
  for (const name of COLLECTIONS) {
    if (typeof state[name] !== 'object' || state[name] === null) throw new StateFileError(file, `"${name}" is missing`);
  }
  if (typeof state.clockOffsetMs !== 'number') throw new StateFileError(file, '"clockOffsetMs" is missing');
  return state as SimState;
}

export function saveState(file: string, state: SimState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, file);
}

/**
 * Reads a members directory and returns the validated, normalised `Consortium`, or throws a
 * `ConfigError` listing every problem in every file at once.
 */
import { isUtf8 } from 'node:buffer';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { ConfigError, displayPath, type ConfigIssue } from './issues';
import { normalise } from './normalise';
import type { RawConsortium, RawConsortiumFile, RawMember, RawMemberFile } from './raw';
import { checkRules } from './rules';
import { parseSource, type SourceFile } from './source';
import { CONSORTIUM_SPEC, MEMBER_SPEC, type ObjectSpec } from './spec';
import { checkStructure } from './structure';
import type { Consortium } from './types';

export const CONSORTIUM_FILE = 'consortium.yaml';

/** The members directory: `CONSORTIUM_DIR`, or `members/` under the working directory. */
export function consortiumDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONSORTIUM_DIR || 'members';
}

export function loadConsortium(dir: string = consortiumDir()): Consortium {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    // npm runs every script in the repository root, so a relative CONSORTIUM_DIR is taken from there, not from the shell's folder.
    const where = isAbsolute(dir) ? '' : ` (${resolve(dir)}: a relative path is taken from the working directory, ${process.cwd()}; npm runs every script in the repository root)`;
    throw new UsageError(`${dir}: no such members directory${where}; set CONSORTIUM_DIR to the directory that holds ${CONSORTIUM_FILE}`);
  }
  const consortiumPath = join(dir, CONSORTIUM_FILE);
  if (!existsSync(consortiumPath) && !isSymbolicLink(consortiumPath)) {
    throw new UsageError(`${displayPath(consortiumPath)}: not found; every members directory needs a ${CONSORTIUM_FILE}`);
  }
  const entries = [consortiumPath, ...memberFiles(dir)].map(readEntry);
  const unreadable = entries.flatMap((entry) => entry.issues);
  if (unreadable.length > 0) throw new ConfigError([...unreadable, ...entries.flatMap((entry) => entry.source?.syntaxIssues ?? [])]);
  const [consortiumSource, ...memberSources] = entries.map((entry) => entry.source!);

  const consortiumChecked = checkParsed(consortiumSource, CONSORTIUM_SPEC);
  const consortium: RawConsortiumFile = { source: consortiumSource, raw: consortiumChecked.value as RawConsortium };
  const issues = [...consortiumSource.syntaxIssues, ...consortiumChecked.issues];
  const members: RawMemberFile[] = memberSources.map((source) => {
    const checked = checkParsed(source, MEMBER_SPEC);
    issues.push(...source.syntaxIssues, ...checked.issues);
    return { name: basename(source.file).replace(/\.ya?ml$/, ''), source, raw: checked.value as RawMember };
  });
  issues.push(...checkRules(consortium, members));
  if (issues.length > 0) throw new ConfigError(issues);

  return normalise(
    dir,
    consortium.raw,
    members.map((member) => ({ name: member.name, file: member.source.file, raw: member.raw })),
  );
}

/** A file with YAML syntax errors reports only those: its structure cannot be trusted. */
function checkParsed(source: SourceFile, spec: ObjectSpec): ReturnType<typeof checkStructure> {
  return source.syntaxIssues.length > 0 ? { value: {}, issues: [] } : checkStructure(source, spec);
}

/** Every `*.yaml`/`*.yml` entry beside consortium.yaml is one member, in name order. */
export function memberFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && name !== CONSORTIUM_FILE)
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Largest config file read, in bytes. The largest generated member file is a few KiB; a
 * file beyond this is a mistake (a log, a dump), refused before it is parsed.
 */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

interface Entry {
  readonly source?: SourceFile;
  readonly issues: readonly ConfigIssue[];
}

/**
 * One entry of the members directory as a parsed YAML file, or the issues that say why it
 * cannot be one: not a regular file (a directory, a socket), a symbolic link that loops or
 * points nowhere, unreadable, larger than MAX_CONFIG_FILE_BYTES, or not UTF-8.
 */
function readEntry(path: string): Entry {
  const file = displayPath(path);
  const refuse = (problem: string, allowed: string, line = 1, col = 1): Entry => ({ issues: [{ file, line, col, field: '', problem, allowed }] });
  const YAML_FILE = 'a UTF-8 YAML file; move anything else out of the members directory';
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return refuse('is a symbolic link that loops back on itself', YAML_FILE);
    if (code === 'ENOENT') return refuse(`is a symbolic link to ${readlinkSafe(path)}, which does not exist`, YAML_FILE);
    return refuse(`cannot be read (${code ?? (error as Error).message})`, YAML_FILE);
  }
  if (stats.isDirectory()) return refuse('is a directory, not a YAML file', `${YAML_FILE}, or rename the directory so it does not end in .yaml`);
  if (!stats.isFile()) return refuse('is not a regular file', YAML_FILE);
  if (stats.size > MAX_CONFIG_FILE_BYTES) return refuse(`is ${stats.size} bytes, too large for a config file`, `at most ${MAX_CONFIG_FILE_BYTES} bytes`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, YAML_FILE);
  }
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    return refuse('holds bytes that are not UTF-8 (saved in another encoding?)', 'UTF-8 text: re-save the file as UTF-8', at.line, at.col);
  }
  return { source: parseSource(file, bytes.toString('utf8')), issues: [] };
}

/** Line and column (1-based, in characters) of the first byte sequence that is not UTF-8. */
function firstInvalidUtf8(bytes: Buffer): { line: number; col: number } {
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const text = bytes.subarray(start, end);
    if (!isUtf8(text)) return { line, col: text.toString('utf8').indexOf('\ufffd') + 1 };
    start = end + 1;
  }
  return { line: 1, col: 1 };
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return 'a missing target';
  }
}


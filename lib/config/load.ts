/**
 * Reads a members directory and returns the validated, normalised `Consortium`, or throws a
 * `ConfigError` listing every problem in every file at once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { UsageError } from '../errors';
import { ConfigError } from './issues';
import { normalise } from './normalise';
import type { RawConsortium, RawConsortiumFile, RawMember, RawMemberFile } from './raw';
import { checkRules } from './rules';
import { SourceFile } from './source';
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
    throw new UsageError(`${dir}: no such members directory (set CONSORTIUM_DIR to the directory that holds ${CONSORTIUM_FILE})`);
  }
  const consortiumPath = join(dir, CONSORTIUM_FILE);
  if (!existsSync(consortiumPath)) {
    throw new UsageError(`${displayPath(consortiumPath)}: not found; every members directory needs a ${CONSORTIUM_FILE}`);
  }
  const consortiumSource = readSource(consortiumPath);
  const consortiumChecked = checkParsed(consortiumSource, CONSORTIUM_SPEC);
  const consortium: RawConsortiumFile = { source: consortiumSource, raw: consortiumChecked.value as RawConsortium };

  const issues = [...consortiumSource.syntaxIssues, ...consortiumChecked.issues];
  const members: RawMemberFile[] = memberFiles(dir).map((path) => {
    const source = readSource(path);
    const checked = checkParsed(source, MEMBER_SPEC);
    issues.push(...source.syntaxIssues, ...checked.issues);
    return { name: basename(path).replace(/\.ya?ml$/, ''), source, raw: checked.value as RawMember };
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

/** Every `*.yaml`/`*.yml` beside consortium.yaml is one member, in name order. */
export function memberFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && name !== CONSORTIUM_FILE)
    .sort()
    .map((name) => join(dir, name));
}

function readSource(path: string): SourceFile {
  return new SourceFile(displayPath(path), readFileSync(path, 'utf8'));
}

function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}

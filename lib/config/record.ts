/**
 * Writes ids the network hands out (network.id, invitationId, the ledger record) back into
 * members/ without disturbing anything else: parse with comments, change only the values
 * that differ, render with the house style, write atomically (temp file + rename) so a
 * killed command never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isMap, isScalar, parseDocument, type Document, type Pair, type ToStringOptions } from 'yaml';
import { UsageError } from '../errors';

export type YamlPath = readonly (string | number)[];

export interface YamlEdit {
  /** Where the value goes; the last element is the key set. */
  readonly path: YamlPath;
  /** The value to record; undefined deletes the key. */
  readonly value: unknown;
  /** Keys of the same mapping after which a new key is placed, first present wins; default last. */
  readonly after?: readonly string[];
  /** Comment line placed above the key when it is added. */
  readonly comment?: string;
}

export interface RecordResult {
  readonly changed: boolean;
  /** The file's text after the edits. */
  readonly text: string;
  /**
   * True when rendering re-spaced lines the edits did not touch (a style this writer does
   * not reproduce, such as extra blanks inside a flow list); the caller says so.
   */
  readonly reformatted: boolean;
}

/** The style of members/ and of the generated configs: flow lists without inner padding, no folding. */
const RENDER: ToStringOptions = { lineWidth: 0, flowCollectionPadding: false };

export function applyYamlEdits(file: string, text: string, edits: readonly YamlEdit[]): RecordResult {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new UsageError(`${file}: cannot record into a file with YAML errors (${document.errors[0].message.split('\n')[0]}); fix it and re-run`);
  }
  let touched = false;
  for (const edit of edits) touched = applyEdit(document, edit) || touched;
  if (!touched) return { changed: false, text, reformatted: false };
  const updated = document.toString(RENDER);
  return { changed: updated !== text, text: updated, reformatted: parseDocument(text).toString(RENDER) !== text };
}

/** Applies the edits to a file; writes only when something changed and not in a dry run. */
export function recordInYamlFile(file: string, edits: readonly YamlEdit[], options: { readonly dryRun?: boolean } = {}): RecordResult {
  const result = applyYamlEdits(file, readFileSync(file, 'utf8'), edits);
  if (result.changed && !options.dryRun) writeAtomically(file, result.text);
  return result;
}

/** A recorded value as plain data, or undefined when absent. */
export function readYamlValue(file: string, path: YamlPath): unknown {
  const node = parseDocument(readFileSync(file, 'utf8')).getIn(path, true);
  return node === undefined ? undefined : toPlain(node);
}

/**
 * Writes `data` to `file` whole or not at all: into a temporary file beside it, then renamed
 * into place, so a reader (another process, a concurrent writer of the same file) sees the old
 * file or the new one, never part of one.
 */
export function writeAtomically(file: string, data: string | Buffer): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

function applyEdit(document: Document, edit: YamlEdit): boolean {
  const current = document.getIn(edit.path, true);
  if (edit.value === undefined) {
    if (current === undefined) return false;
    document.deleteIn(edit.path);
    return true;
  }
  if (current !== undefined) return replaceValue(document, edit.path, edit.value);
  const parent = edit.path.length === 1 ? document.contents : document.getIn(edit.path.slice(0, -1), true);
  if (!isMap(parent)) {
    document.setIn(edit.path, document.createNode(edit.value));
    return true;
  }
  const pair = document.createPair(edit.path[edit.path.length - 1], edit.value) as Pair;
  if (edit.comment !== undefined && isScalar(pair.key)) pair.key.commentBefore = ` ${edit.comment}`;
  const anchor = (edit.after ?? []).map((key) => parent.items.findIndex((item) => keyOf(item) === key)).find((index) => index >= 0);
  parent.items.splice(anchor === undefined ? parent.items.length : anchor + 1, 0, pair);
  return true;
}

/**
 * Changes only what differs: scalars keep their quoting, mappings are updated key by key so
 * comments inside them survive, anything else is replaced whole.
 */
function replaceValue(document: Document, path: YamlPath, value: unknown): boolean {
  const current = document.getIn(path, true);
  if (deepEqual(toPlain(current), value)) return false;
  if (isMap(current) && isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      if (document.getIn([...path, key], true) === undefined) document.setIn([...path, key], document.createNode(child));
      else replaceValue(document, [...path, key], child);
    }
    for (const item of [...current.items]) {
      const key = keyOf(item);
      if (key !== undefined && (value as Record<string, unknown>)[key] === undefined) document.deleteIn([...path, key]);
    }
    return true;
  }
  if (isScalar(current) && (value === null || typeof value !== 'object')) {
    current.value = value;
    return true;
  }
  document.setIn(path, document.createNode(value));
  return true;
}

function keyOf(item: Pair): string | undefined {
  const key: unknown = item.key;
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function toPlain(node: unknown): unknown {
  return node !== null && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

/** Drops undefined fields and sorts keys, so equal data compares equal whatever its order. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, child]) => child !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, child]) => [key, normalise(child)]),
    );
  }
  return value;
}

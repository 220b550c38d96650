/**
 * A parsed YAML file that remembers where every value came from, so that every later stage
 * can point at a line and column.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './issues';

export interface Position {
  readonly line: number;
  readonly col: number;
}

/** How many parsed files parseSource keeps, and how many parsed texts; the least recently used goes first. */
const PARSED_KEPT = 256;
const parsed = new Map<string, SourceFile>();
const parsedTexts = new Map<string, ParsedText>();

/** Takes `key` from an LRU map (marking it used), or makes it, keeping at most PARSED_KEPT. */
function remembered<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const known = cache.get(key);
  if (known !== undefined) {
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  const made = make();
  cache.set(key, made);
  if (cache.size > PARSED_KEPT) cache.delete(cache.keys().next().value as string);
  return made;
}

/**
 * The SourceFile of `text` read from `file`: parsed once per process for the same name and
 * text, since a command or a test loads the same unchanged consortium again and again (YAML
 * parsing is most of a load: about 1 ms per KiB). The file is read each time; only its parse is
 * reused, so an edited file is parsed again. A SourceFile is read, never changed, by its users.
 */
export function parseSource(file: string, text: string): SourceFile {
  return remembered(parsed, `${file}\0${text}`, () => new SourceFile(file, text));
}

/** What parsing a text gives, whatever file it came from. */
interface ParsedText {
  readonly document: Document;
  readonly lines: LineCounter;
  /** Syntax errors, or else keys written twice; their `file` is filled in by each SourceFile. */
  readonly issues: readonly Omit<ConfigIssue, 'file'>[];
}

/**
 * Parses `text` once per process, whatever the file: copies of one consortium in other
 * folders (a rehearsal's workspace, the tests' fixtures) share the parse of the same text. The
 * document is read, never changed, by every SourceFile that holds it.
 */
function parseText(text: string): ParsedText {
  return remembered(parsedTexts, text, () => {
    const lines = new LineCounter();
    // The library's own unique-key check compares every key with every other (quadratic in
    // the size of a mapping); duplicateKeys does the same job in one pass and names the key.
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    const at = (offset: number): Position => {
      const { line, col } = lines.linePos(offset);
      return { line, col };
    };
    const syntax = [...document.errors, ...document.warnings].map((error) => ({ ...at(error.pos[0]), field: '', problem: `YAML: ${firstLine(error.message)}` }));
    return { document, lines, issues: syntax.length > 0 ? syntax : duplicateKeys(document.contents as Node | null, [], (node) => at(node?.range?.[0] ?? 0)) };
  });
}

/** Keys written twice in one mapping, anywhere under `node`: YAML forbids them and the second would silently win. */
function duplicateKeys(node: Node | null, path: readonly (string | number)[], positionOf: (node: Node) => Position): Omit<ConfigIssue, 'file'>[] {
  const issues: Omit<ConfigIssue, 'file'>[] = [];
  if (isMap(node)) {
    const first = new Map<string, Position>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const at = positionOf(pair.key as Node);
      const earlier = first.get(key);
      if (earlier) {
        issues.push({ ...at, field: fieldName([...path, key]), problem: `YAML: key "${key}" appears twice in this mapping (first at line ${earlier.line})`, allowed: 'each key once; remove or merge one of them' });
      } else {
        first.set(key, at);
      }
      issues.push(...duplicateKeys(pair.value as Node | null, [...path, key], positionOf));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => issues.push(...duplicateKeys(item as Node | null, [...path, index], positionOf)));
  }
  return issues;
}

export class SourceFile {
  readonly document: Document;
  private readonly lines: LineCounter;
  readonly syntaxIssues: ConfigIssue[];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    const parse = parseText(text);
    this.document = parse.document;
    this.lines = parse.lines;
    this.syntaxIssues = parse.issues.map((issue) => ({ file, ...issue }));
  }

  positionOfOffset(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  positionOfNode(node: Node | null | undefined): Position {
    return this.positionOfOffset(node?.range?.[0] ?? 0);
  }

  /**
   * Where a field is, or for a missing field where its nearest present ancestor is; the key
   * of a mapping pair is preferred for a missing child so the editor lands on its parent.
   */
  positionOf(path: readonly (string | number)[]): Position {
    let node: unknown = this.document.contents;
    let best = this.positionOfNode(node as Node);
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
        if (!pair) return best;
        best = this.positionOfNode((pair.value as Node) ?? (pair.key as Node));
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number' && node.items[part]) {
        node = node.items[part];
        best = this.positionOfNode(node as Node);
      } else {
        return best;
      }
    }
    return best;
  }

  issueAt(path: readonly (string | number)[], problem: string, allowed?: string): ConfigIssue {
    return { file: this.file, ...this.positionOf(path), field: fieldName(path), problem, allowed };
  }
}

/** `['peers', 0, 'instanceType']` -> `peers[0].instanceType` */
export function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part),
    '',
  );
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

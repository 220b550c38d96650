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

/** How many parsed files parseSource keeps; the least recently used goes first. */
const PARSED_KEPT = 256;
const parsed = new Map<string, SourceFile>();

/**
 * The SourceFile of `text` read from `file`: parsed once per process for the same name and
 * text, since a command or a test loads the same unchanged consortium again and again (YAML
 * parsing is most of a load: about 1 ms per KiB). The file is read each time; only its parse is
 * reused, so an edited file is parsed again. A SourceFile is read, never changed, by its users.
 */
export function parseSource(file: string, text: string): SourceFile {
  const key = `${file}\0${text}`;
  const known = parsed.get(key);
  if (known) {
    parsed.delete(key);
    parsed.set(key, known);
    return known;
  }
  const source = new SourceFile(file, text);
  parsed.set(key, source);
  if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value as string);
  return source;
}

export class SourceFile {
  readonly document: Document;
  private readonly lines = new LineCounter();
  readonly syntaxIssues: ConfigIssue[];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    // The library's own unique-key check compares every key with every other (quadratic in
    // the size of a mapping); duplicateKeys does the same job in one pass and names the key.
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
    this.syntaxIssues = [...this.document.errors, ...this.document.warnings].map((error) => {
      const pos = this.positionOfOffset(error.pos[0]);
      return { file, ...pos, field: '', problem: `YAML: ${firstLine(error.message)}` };
    });
    if (this.syntaxIssues.length === 0) this.syntaxIssues.push(...this.duplicateKeys(this.document.contents as Node | null, []));
  }

  /** Keys written twice in one mapping, anywhere in the file: YAML forbids them and the second would silently win. */
  private duplicateKeys(node: Node | null, path: readonly (string | number)[]): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    if (isMap(node)) {
      const first = new Map<string, Position>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const at = this.positionOfNode(pair.key as Node);
        const earlier = first.get(key);
        if (earlier) {
          issues.push({ file: this.file, ...at, field: fieldName([...path, key]), problem: `YAML: key "${key}" appears twice in this mapping (first at line ${earlier.line})`, allowed: 'each key once; remove or merge one of them' });
        } else {
          first.set(key, at);
        }
        issues.push(...this.duplicateKeys(pair.value as Node | null, [...path, key]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => issues.push(...this.duplicateKeys(item as Node | null, [...path, index])));
    }
    return issues;
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

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

export class SourceFile {
  readonly document: Document;
  private readonly lines = new LineCounter();
  readonly syntaxIssues: ConfigIssue[];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    this.syntaxIssues = [...this.document.errors, ...this.document.warnings].map((error) => {
      const pos = this.positionOfOffset(error.pos[0]);
      return { file, ...pos, field: '', problem: `YAML: ${firstLine(error.message)}` };
    });
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

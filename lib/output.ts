/**
 * How commands talk: progress and warnings on stderr, the result on stdout (aligned tables
 * for people, one JSON document with --json), colour only on a terminal. Output goes
 * through an `Io` so the rehearsal and the tests can run commands in-process and read it.
 * zx (colour and spinner) is loaded on a terminal only, when the first line is written: a
 * command run by a pipeline or a test never loads it.
 */
type Zx = typeof import('zx');

/** zx, loaded on first use (about 0.2 s of CPU: it loads Node's fetch). */
function zx(): Zx {
  return require('zx') as Zx;
}

/** The chalk styles the reporter uses. */
type Style = 'dim' | 'green' | 'yellow' | 'bold';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stderr is a terminal: colour and a spinner are welcome. */
  readonly interactive: boolean;
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
  };
}

/** An Io that keeps what was written, for in-process runs. */
export function capturingIo(): Io & { readonly out: string[]; readonly err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text), interactive: false };
}

export interface Column<Row> {
  readonly title: string;
  readonly value: (row: Row) => string;
  readonly alignRight?: boolean;
}

/** Aligned columns two spaces apart, no trailing blanks; `(none)` under the header when empty. */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = [columns.map((column) => column.title), ...rows.map((row) => columns.map((column) => column.value(row)))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index].length)));
  const lines = cells.map((line) =>
    line
      .map((cell, index) => (columns[index].alignRight ? cell.padStart(widths[index]) : cell.padEnd(widths[index])))
      .join('  ')
      .trimEnd(),
  );
  return rows.length === 0 ? `${lines[0]}\n(none)` : lines.join('\n');
}

export class Reporter {
  constructor(
    private readonly io: Io,
    /** --json: stdout carries only the JSON result. */
    readonly json: boolean,
  ) {}

  /** A step under way or done, on stderr. */
  progress(message: string): void {
    this.io.stderr(`${this.paint('dim', '·')} ${message}\n`);
  }

  done(message: string): void {
    this.io.stderr(`${this.paint('green', '✔')} ${message}\n`);
  }

  warn(message: string): void {
    this.io.stderr(`${this.paint('yellow', '!')} ${message}\n`);
  }

  /** Human result text on stdout; nothing in --json mode. */
  print(text: string): void {
    if (!this.json) this.io.stdout(`${text}\n`);
  }

  /** A titled table on stdout; nothing in --json mode. */
  table<Row>(title: string, columns: readonly Column<Row>[], rows: readonly Row[]): void {
    this.print(`${this.paint('bold', title)}\n${formatTable(columns, rows)}\n`);
  }

  /** The JSON result on stdout, in --json mode only. */
  result(value: unknown): void {
    if (this.json) this.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Runs a slow step with a spinner on a terminal, or a progress line otherwise. */
  async during<T>(title: string, work: () => Promise<T>): Promise<T> {
    if (this.io.interactive) return zx().spinner(title, work);
    this.progress(title);
    return work();
  }

  private paint(style: Style, text: string): string {
    return this.io.interactive ? zx().chalk[style](text) : text;
  }
}

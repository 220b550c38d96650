import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Mermaid's own parser in one child process (tests/helpers/mermaid-parse.mjs) for a whole test
 * file: loading Mermaid and jsdom costs about 3 s of CPU, paid once instead of once per parse.
 * Sources are parsed one at a time, in the order given.
 */
export class MermaidParser {
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';
  private exited: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.on('close', () => {
        for (const answer of this.waiting.splice(0)) answer(JSON.stringify({ error: `the parser exited: ${this.stderr}` }));
        resolve();
      }),
    );
  }

  static start(): MermaidParser {
    return new MermaidParser(spawn(process.execPath, [join(__dirname, 'mermaid-parse.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** The diagram type Mermaid gives the source; rejects with the parser's message when it refuses it. */
  parse(source: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const answer = JSON.parse(line) as { type?: string; error?: string };
        if (answer.type !== undefined) resolve(answer.type);
        else reject(new Error(`Mermaid refused the diagram: ${answer.error}`));
      });
      this.child.stdin.write(`${JSON.stringify(source)}\n`);
    });
  }

  /** Ends the child process and waits for it to exit. */
  async stop(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}

import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ConfigError, loadConsortium, type Consortium } from '../../lib/config';

export const SAMPLE_DIR = join(__dirname, '..', '..', 'members');
const REPOSITORY_ROOT = join(__dirname, '..', '..');

/**
 * A throw-away copy of the sample consortium that a test may edit, laid out as a repository:
 * `<tmp>/members/` beside a link to the real `chaincode/` that chaincode paths point into.
 */
export class ConsortiumFixture {
  readonly dir: string;

  constructor(from: string = SAMPLE_DIR) {
    const root = mkdtempSync(join(tmpdir(), 'amb-consortium-'));
    symlinkSync(join(REPOSITORY_ROOT, 'chaincode'), join(root, 'chaincode'));
    this.dir = join(root, 'members');
    cpSync(from, this.dir, { recursive: true });
  }

  /** Replaces the first occurrence of `from` (which must be there) in a file of the copy. */
  edit(file: string, from: string | RegExp, to: string): this {
    const path = join(this.dir, file);
    const text = readFileSync(path, 'utf8');
    const edited = text.replace(from, to);
    if (edited === text) throw new Error(`fixture: ${String(from)} not found in ${file}`);
    writeFileSync(path, edited);
    return this;
  }

  write(file: string, text: string): this {
    writeFileSync(join(this.dir, file), text);
    return this;
  }

  remove(file: string): this {
    rmSync(join(this.dir, file));
    return this;
  }

  load(): Consortium {
    return loadConsortium(this.dir);
  }

  /** The formatted issues of a load that must fail, with the temp dir shown as `members`. */
  errors(): string[] {
    try {
      this.load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const shown = relative(process.cwd(), this.dir);
      // The fixture's repository folder (the parent of its members directory) reads as the sample's: `.`.
      return error.message.split('\n').map((line) => line.replaceAll(shown, 'members').replaceAll(this.dir, 'members').replaceAll(`(${dirname(this.dir)})`, '(.)'));
    }
    throw new Error('expected the config to be refused, but it loaded');
  }

  dispose(): void {
    rmSync(dirname(this.dir), { recursive: true, force: true });
  }
}

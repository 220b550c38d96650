/**
 * Housekeeping of the caches under `node_modules/.cache/`: the synth's bundles and deflated
 * zip entries (stacks/node-bundle.ts, stacks/voter/zip.ts) and the compressed chaincode code
 * archives (lib/fabric/package.ts). Their files are written whole with `writeAtomically`
 * (lib/config/record.ts).
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Deletes the files of `dir` whose names match `pattern`, but for the `kept` most recently written. */
export function keepNewest(dir: string, pattern: RegExp, kept: number): void {
  const files = readdirSync(dir)
    .filter((name) => pattern.test(name))
    .map((name) => ({ path: join(dir, name), mtimeMs: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of files.slice(kept)) unlinkSync(old.path);
}

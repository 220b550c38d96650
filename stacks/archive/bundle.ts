/**
 * The archive command as one JavaScript file for the Fabric client: an esbuild bundle of
 * scripts/archive.ts (S3 client, Fabric protobufs, verifier), built once per synth and named
 * by the hash of its bytes, so an unchanged toolkit plans no change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBundle } from '../node-bundle';

let built: { path: string; sha256: string } | undefined;

/** Path and SHA-256 (hex) of the bundled archive command. */
export function archiveBundle(): { path: string; sha256: string } {
  if (built === undefined) {
    const bytes = nodeBundle('scripts/archive.ts', 'archive');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = join(tmpdir(), 'amb-archive-bundles', `archive-${sha256.slice(0, 32)}.js`);
    if (!existsSync(path)) {
      mkdirSync(join(tmpdir(), 'amb-archive-bundles'), { recursive: true });
      writeFileSync(path, bytes);
    }
    built = { path, sha256 };
  }
  return built;
}

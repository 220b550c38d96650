/**
 * The archive command as one JavaScript file for the Fabric client: an esbuild bundle of
 * scripts/archive.ts (S3 client, Fabric protobufs, verifier), built once per synth and named
 * by the hash of its bytes, so an unchanged toolkit plans no change.
 */
import { createHash } from 'node:crypto';
import { contentAddressedFile, nodeBundle } from '../node-bundle';

let built: { path: string; sha256: string } | undefined;

/** Path and SHA-256 (hex) of the bundled archive command. */
export function archiveBundle(): { path: string; sha256: string } {
  if (built === undefined) {
    const bytes = nodeBundle('scripts/archive.ts', 'archive');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    built = { path: contentAddressedFile('archive', '.js', bytes), sha256 };
  }
  return built;
}

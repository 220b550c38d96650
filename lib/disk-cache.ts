/**
 * Housekeeping of the caches under `node_modules/.cache/`: the synth's bundles and deflated
 * zip entries (stacks/node-bundle.ts, stacks/voter/zip.ts) and the compressed chaincode code
 * archives (lib/fabric/package.ts), each kept by `compressedThroughDisk` or pruned by
 * `keepNewest`. Files are written whole with `writeAtomically` (lib/config/record.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from './config/record';

/**
 * Deletes the files of `dir` whose names match `pattern`, but for the `kept` most recently
 * written. Another process may prune the same folder at once: a file already gone is skipped.
 */
export function keepNewest(dir: string, pattern: RegExp, kept: number): void {
  const files = readdirSync(dir)
    .filter((name) => pattern.test(name))
    .flatMap((name) => {
      const stat = statSync(join(dir, name), { throwIfNoEntry: false });
      return stat ? [{ path: join(dir, name), mtimeMs: stat.mtimeMs }] : [];
    })
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of files.slice(kept)) rmSync(old.path, { force: true });
}

/** Bytes of the SHA-256 that ends every file compressedThroughDisk writes. */
const TRAILER_BYTES = 32;

/**
 * The bytes compressedThroughDisk keeps for `stream`: the stream, then its SHA-256. The digest
 * catches what inflating alone lets through: zeros after the stream (a crash before the data
 * reached the disk), a changed gzip header, a stream split in two members.
 */
export function cacheFileOf(stream: Buffer): Buffer {
  return Buffer.concat([stream, sha256(stream)]);
}

/**
 * The data of a file written as cacheFileOf(data), or undefined when the file is missing,
 * unreadable, or its data no longer matches the SHA-256 after it (cut short, appended to,
 * damaged, or written by an older version without one).
 */
export function verifiedCacheFile(path: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  const data = file.subarray(0, file.length - TRAILER_BYTES);
  return file.length > TRAILER_BYTES && sha256(data).equals(file.subarray(data.length)) ? data : undefined;
}

/**
 * Writes `data` as cacheFileOf(data) to `dir/file` and prunes `dir` to the `kept` newest files
 * matching `pattern`. Concurrent processes (members' commands, test workers) may write the same
 * file: each renames a whole one into place.
 * @throws what the file system throws (a read-only or full disk): callers carry on without the cache
 */
export function keepVerified(cache: { readonly dir: string; readonly file: string; readonly pattern: RegExp; readonly kept: number }, data: Buffer): void {
  mkdirSync(cache.dir, { recursive: true });
  writeAtomically(join(cache.dir, cache.file), cacheFileOf(data));
  keepNewest(cache.dir, cache.pattern, cache.kept);
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * `data` compressed, from `dir/file` when an earlier process compressed the same bytes the same
 * way (`file` names the content and the compressor, its version and level), else compressed
 * with `compress` and kept there (see cacheFileOf), the `kept` newest files matching `pattern`
 * staying. A cached file is used only when its stream still has the SHA-256 written after it
 * and `inflate` gives back `data` exactly; anything else (none yet, cut short, damaged, written
 * by an older version, unreadable) is compressed afresh and replaced. A read-only or full disk
 * only costs the next run its time.
 */
export function compressedThroughDisk(
  cache: { readonly dir: string; readonly file: string; readonly pattern: RegExp; readonly kept: number },
  data: Buffer,
  compress: (data: Buffer) => Buffer,
  inflate: (compressed: Buffer) => Buffer,
): Buffer {
  const stream = verifiedCacheFile(join(cache.dir, cache.file));
  try {
    if (stream !== undefined && inflate(stream).equals(data)) return stream;
  } catch {
    // Not a stream of this compressor: compress below.
  }
  const compressed = compress(data);
  try {
    keepVerified(cache, compressed);
  } catch {
    // Read-only or full: nothing else changes.
  }
  return compressed;
}

/**
 * A cdktf FILE asset whose hash is computed once per file and process. cdktf hashes an
 * asset's file (MD5 of its bytes, upper-case hex) in every TerraformAsset it builds; the
 * archive command's bundle (2.7 MB) and the Lambda packages are the same file in every member's
 * stack, so a synth of 14 members read and hashed each 14 times. The hash given here is the
 * one cdktf computes (cdktf 0.21 lib/private/fs.js hashPath for a single file), so the asset
 * path and the synthesized JSON are unchanged.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AssetType, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';

const hashes = new Map<string, string>();

/** cdktf's asset hash of one file: MD5 of its bytes as 32 upper-case hex digits, memoised by path. */
export function assetHashOf(path: string): string {
  let hash = hashes.get(path);
  if (hash === undefined) {
    hash = createHash('md5').update(readFileSync(path)).digest('hex').slice(0, 32).toUpperCase();
    hashes.set(path, hash);
  }
  return hash;
}

/**
 * `new TerraformAsset(scope, id, { path, type: AssetType.FILE })`, hashing the file once per
 * process. Only for files that do not change during a synth: the project's templates and the
 * content-addressed packages (their names carry their hash).
 */
export function fileAsset(scope: Construct, id: string, path: string): TerraformAsset {
  return new TerraformAsset(scope, id, { path, type: AssetType.FILE, assetHash: assetHashOf(path) });
}

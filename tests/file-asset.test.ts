/** stacks/file-asset.ts: the hash it gives cdktf is the one cdktf computes itself. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetType, TerraformAsset, TerraformStack, Testing } from 'cdktf';
import { assetHashOf, fileAsset } from '../stacks/file-asset';

describe('fileAsset', () => {
  it("hashes a file as cdktf's hashPath does and keeps the asset path", () => {
    const dir = mkdtempSync(join(tmpdir(), 'file-asset-'));
    const file = join(dir, 'bundle.js');
    writeFileSync(file, 'console.log("bundle");\n'.repeat(1000));
    const { hashPath } = require('cdktf/lib/private/fs') as { hashPath(path: string): string };
    expect(assetHashOf(file)).toBe(hashPath(file));

    const stack = new TerraformStack(Testing.app(), 'stack');
    const ours = fileAsset(stack, 'ours', file);
    const cdktfs = new TerraformAsset(stack, 'theirs', { path: file, type: AssetType.FILE });
    expect(ours.assetHash).toBe(cdktfs.assetHash);
    expect(ours.path.replace('ours', 'theirs')).toBe(cdktfs.path);
  });
});

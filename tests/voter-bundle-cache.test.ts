/**
 * The voter bundle's cache (node_modules/.cache/amb-bundles): what a synth gets from it is
 * byte for byte what esbuild builds from the sources now, so a cached synth plans no change;
 * and the deflated bundles kept beside it, which never change a zip's bytes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { bundleOptions, nodeBundle } from '../stacks/node-bundle';
import { BUNDLE_CACHE_DIR, VOTER_BUILD_OPTIONS, voterBundle } from '../stacks/voter/bundle';
import { zip } from '../stacks/voter/zip';
import { cacheFileOf, verifiedCacheFile } from '../lib/disk-cache';

test('the bundle a synth uses, cached or not, is the bytes of a fresh esbuild build, and is cached under a key', () => {
  const used = voterBundle();
  const fresh = buildSync(VOTER_BUILD_OPTIONS).outputFiles?.[0].contents;
  expect(fresh).toBeDefined();
  expect(Buffer.compare(used, Buffer.from(fresh!))).toBe(0);
  expect(existsSync(`${BUNDLE_CACHE_DIR}/voter.inputs.json`)).toBe(true);
  expect(readdirSync(BUNDLE_CACHE_DIR).filter((name) => /^voter-[0-9a-f]{32}\.bundle$/.test(name)).length).toBeGreaterThanOrEqual(1);
});

test.each([
  ['stacks/identity-manager/index.ts', 'identity-manager'],
  ['scripts/archive.ts', 'archive'],
])('the %s bundle is cached the same way: the bytes of a fresh build, under its own label', (entryPoint, label) => {
  const used = nodeBundle(entryPoint, label);
  const fresh = buildSync(bundleOptions(entryPoint)).outputFiles?.[0].contents;
  expect(Buffer.compare(used, Buffer.from(fresh!))).toBe(0);
  expect(readdirSync(BUNDLE_CACHE_DIR).filter((name) => new RegExp(`^${label}-[0-9a-f]{32}\\.bundle$`).test(name)).length).toBeGreaterThanOrEqual(1);
});

test('a cached bundle cut short or changed is built again rather than used, and replaced', () => {
  const entryPoint = 'stacks/voter/index.ts';
  const fresh = Buffer.from(buildSync(bundleOptions(entryPoint)).outputFiles![0].contents);
  nodeBundle(entryPoint, 'voter');
  const file = readdirSync(BUNDLE_CACHE_DIR)
    .filter((name) => /^voter-[0-9a-f]{32}\.bundle$/.test(name))
    .map((name) => join(BUNDLE_CACHE_DIR, name))
    .find((path) => verifiedCacheFile(path)?.equals(fresh));
  expect(file).toBeDefined();
  const whole = readFileSync(file!);
  // Cut short, and one byte changed (appended bytes or an older version's file without its digest fail the same check).
  const damages = [whole.subarray(0, 100), Buffer.concat([Buffer.from('x'), whole.subarray(1)])];
  for (const damaged of damages) {
    writeFileSync(file!, damaged);
    // A fresh copy of the module: nodeBundle keeps each bundle for the rest of its process.
    let used: Buffer | undefined;
    jest.isolateModules(() => {
      used = (require('../stacks/node-bundle') as typeof import('../stacks/node-bundle')).nodeBundle(entryPoint, 'voter');
    });
    expect(used!.equals(fresh)).toBe(true);
    expect(readFileSync(file!).equals(whole)).toBe(true);
  }
});

test('a large zip entry deflated by an earlier process is taken from disk only when its stream is whole (its SHA-256 after it) and inflates back to the same bytes; the zip is the same either way', () => {
  // Fresh Buffers with the same bytes: the in-process cache (keyed by Buffer) misses every time.
  const content = randomBytes(512 * 1024).toString('base64');
  const entries = () => [{ name: 'index.js', data: Buffer.from(content) }];
  const fresh = zip(entries());
  const cached = readdirSync(join(BUNDLE_CACHE_DIR, 'deflated')).map((name) => join(BUNDLE_CACHE_DIR, 'deflated', name));
  const holds = (path: string) => {
    try {
      return inflateRawSync(readFileSync(path).subarray(0, -32)).equals(Buffer.from(content));
    } catch {
      return false; // another entry's file, or one an older version wrote without its SHA-256
    }
  };
  const file = cached.find(holds);
  expect(file).toBeDefined();
  expect(zip(entries()).equals(fresh)).toBe(true);

  // The file is read: another valid deflate stream of the same bytes ends up in the zip.
  const otherStream = deflateRawSync(Buffer.from(content), { level: 1 });
  writeFileSync(file!, cacheFileOf(otherStream));
  const fromDisk = zip(entries());
  expect(fromDisk.equals(fresh)).toBe(false);
  expect(fromDisk.includes(otherStream)).toBe(true);

  // A damaged file is not used: the entry is deflated again, and the file replaced.
  writeFileSync(file!, cacheFileOf(deflateRawSync(Buffer.from(`${content}tampered`))));
  expect(zip(entries()).equals(fresh)).toBe(true);
  expect(inflateRawSync(readFileSync(file!).subarray(0, -32)).equals(Buffer.from(content))).toBe(true);
  // Nor is one with zeros after it, as a crash before the data reached the disk can leave.
  writeFileSync(file!, Buffer.concat([cacheFileOf(otherStream), Buffer.alloc(4096)]));
  expect(zip(entries()).equals(fresh)).toBe(true);
  writeFileSync(file!, Buffer.from('not deflate data'));
  expect(zip(entries()).equals(fresh)).toBe(true);
  unlinkSync(file!);
});

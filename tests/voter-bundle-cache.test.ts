/**
 * The voter bundle's cache (node_modules/.cache/amb-bundles): what a synth gets from it is
 * byte for byte what esbuild builds from the sources now, so a cached synth plans no change.
 */
import { existsSync, readdirSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { bundleOptions, nodeBundle } from '../stacks/node-bundle';
import { BUNDLE_CACHE_DIR, VOTER_BUILD_OPTIONS, voterBundle } from '../stacks/voter/bundle';

test('the bundle a synth uses, cached or not, is the bytes of a fresh esbuild build, and is cached under a key', () => {
  const used = voterBundle();
  const fresh = buildSync(VOTER_BUILD_OPTIONS).outputFiles?.[0].contents;
  expect(fresh).toBeDefined();
  expect(Buffer.compare(used, Buffer.from(fresh!))).toBe(0);
  expect(existsSync(`${BUNDLE_CACHE_DIR}/voter.inputs.json`)).toBe(true);
  expect(readdirSync(BUNDLE_CACHE_DIR).filter((name) => /^voter-[0-9a-f]{32}\.js$/.test(name)).length).toBeGreaterThanOrEqual(1);
});

test.each([
  ['stacks/identity-manager/index.ts', 'identity-manager'],
  ['scripts/archive.ts', 'archive'],
])('the %s bundle is cached the same way: the bytes of a fresh build, under its own label', (entryPoint, label) => {
  const used = nodeBundle(entryPoint, label);
  const fresh = buildSync(bundleOptions(entryPoint)).outputFiles?.[0].contents;
  expect(Buffer.compare(used, Buffer.from(fresh!))).toBe(0);
  expect(readdirSync(BUNDLE_CACHE_DIR).filter((name) => new RegExp(`^${label}-[0-9a-f]{32}\\.js$`).test(name)).length).toBeGreaterThanOrEqual(1);
});

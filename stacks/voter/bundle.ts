/**
 * Builds the voter's deployment package at synth: one esbuild bundle of stacks/voter/index.ts
 * (the SDK client and lib/governance included, minified, no source paths that depend on the
 * checkout), plus the member's settings file, zipped reproducibly. Same input, same bytes, so
 * the asset hash is stable and an unchanged config plans no change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import type { Consortium } from '../../lib/config/types';
import { PROJECT_ROOT } from '../../lib/project-root';
import { SETTINGS_FILE, type VoterSettings } from './handler';
import { zip } from './zip';

/** How esbuild builds the voter: the same options build it afresh and key the cache. */
export const VOTER_BUILD_OPTIONS: BuildOptions = {
  absWorkingDir: PROJECT_ROOT,
  entryPoints: ['stacks/voter/index.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  write: false,
  logLevel: 'silent',
};

/**
 * Built bundles, `voter-<key>.js`, and `inputs.json`, the files the last build read. The key
 * hashes esbuild's version, VOTER_BUILD_OPTIONS, tsconfig.json, the content of every project source
 * the bundle includes and the name and version of every package it draws from, so a bundle is
 * reused only when building again would give the same bytes.
 */
export const BUNDLE_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'amb-voter-bundle');
const INPUTS_FILE = join(BUNDLE_CACHE_DIR, 'inputs.json');
const CACHED_BUNDLES_KEPT = 4;

let bundled: Buffer | undefined;

/**
 * The bundle's JavaScript: from the cache when its inputs are unchanged, else built by esbuild
 * (about 0.5 s) and cached; once per process either way, since every member's package shares it.
 */
export function voterBundle(): Buffer {
  bundled ??= cachedBundle() ?? buildAndCache();
  return bundled;
}

/** The cached bundle for the inputs of the last build, if they are unchanged. */
function cachedBundle(): Buffer | undefined {
  try {
    const inputs: string[] = JSON.parse(readFileSync(INPUTS_FILE, 'utf8'));
    return readFileSync(join(BUNDLE_CACHE_DIR, `voter-${bundleKey(inputs)}.js`));
  } catch {
    // No cache yet, another version's, or an input (a package) that is gone: build.
    return undefined;
  }
}

function buildAndCache(): Buffer {
  // Loaded here, on a cache miss only: most synths never need esbuild.
  const { buildSync, version } = require('esbuild') as typeof import('esbuild');
  const result = buildSync({ ...VOTER_BUILD_OPTIONS, metafile: true });
  const [output] = result.outputFiles ?? [];
  if (!output) throw new Error('esbuild wrote no voter bundle');
  const bundle = Buffer.from(output.contents);
  const inputs = Object.keys((result.metafile as Metafile).inputs).sort();
  mkdirSync(BUNDLE_CACHE_DIR, { recursive: true });
  writeAtomically(join(BUNDLE_CACHE_DIR, `voter-${bundleKey(inputs, version)}.js`), bundle);
  writeAtomically(INPUTS_FILE, Buffer.from(JSON.stringify(inputs)));
  pruneCache();
  return bundle;
}

/** 32 hex digits over everything that decides the bundle's bytes; see BUNDLE_CACHE_DIR. */
function bundleKey(inputs: readonly string[], esbuildVersion = installedEsbuildVersion()): string {
  const hash = createHash('sha256');
  hash.update(`esbuild ${esbuildVersion}\n${JSON.stringify(VOTER_BUILD_OPTIONS)}\n`);
  hash.update(readFileSync(join(PROJECT_ROOT, 'tsconfig.json')));
  const packages = new Set<string>();
  for (const input of inputs) {
    const dependency = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (dependency) packages.add(dependency[1]);
    else hash.update(`\n${input}\n`).update(readFileSyncOrEmpty(join(PROJECT_ROOT, input)));
  }
  for (const dir of [...packages].sort()) {
    const { name, version } = JSON.parse(readFileSync(join(PROJECT_ROOT, dir, 'package.json'), 'utf8'));
    hash.update(`\n${dir} ${name}@${version}`);
  }
  return hash.digest('hex').slice(0, 32);
}

/** A deleted input hashes as empty, so the key changes and the next build finds the new inputs. */
function readFileSyncOrEmpty(path: string): Buffer {
  return existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
}

function installedEsbuildVersion(): string {
  return JSON.parse(readFileSync(join(dirname(require.resolve('esbuild')), '..', 'package.json'), 'utf8')).version;
}

/** Concurrent synths (test workers) may write the same entry: each renames a whole file into place. */
function writeAtomically(path: string, data: Buffer): void {
  const scratch = `${path}.${process.pid}.tmp`;
  writeFileSync(scratch, data);
  renameSync(scratch, path);
}

function pruneCache(): void {
  const bundles = readdirSync(BUNDLE_CACHE_DIR)
    .filter((name) => name.startsWith('voter-') && name.endsWith('.js'))
    .map((name) => ({ path: join(BUNDLE_CACHE_DIR, name), mtimeMs: statSync(join(BUNDLE_CACHE_DIR, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of bundles.slice(CACHED_BUNDLES_KEPT)) unlinkSync(old.path);
}

/** The settings baked for one member: its name and the config, with no machine-specific paths. */
export function voterSettings(consortium: Consortium, member: string): VoterSettings {
  return {
    member,
    consortium: {
      ...consortium,
      dir: 'members',
      members: consortium.members.map((m) => ({ ...m, file: `members/${m.name}.yaml` })),
    },
  };
}

/**
 * The member's deployment package (index.js and its settings), as a zip file named by the
 * hash of its content. Built here rather than by a cdktf ARCHIVE asset so that the bytes are
 * reproducible and the bundle is compressed once, not once per member stack.
 */
export function voterPackage(settings: VoterSettings): string {
  const settingsText = Buffer.from(`${JSON.stringify(settings, null, 2)}\n`);
  const archive = zip([
    { name: 'index.js', data: voterBundle() },
    { name: SETTINGS_FILE, data: settingsText },
  ]);
  const hash = createHash('sha256').update(archive).digest('hex').slice(0, 32);
  const path = join(tmpdir(), 'amb-voter-packages', `voter-${hash}.zip`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, archive);
  }
  return path;
}

/**
 * One esbuild bundle of a TypeScript entry point for Node.js 20 (minified CommonJS, no source
 * paths that depend on the checkout), so the bytes, and the asset hashes made from them, are
 * the same on every machine. Used for the voter and identity-manager Lambdas and for the
 * archive command the Fabric client runs.
 *
 * Bundles are built once per change of what goes into them, not once per synth: each is
 * cached in BUNDLE_CACHE_DIR under a key over everything that decides its bytes, and a cached
 * bundle is byte-for-byte what a fresh build gives.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import { writeAtomically } from '../lib/config/record';
import { keepNewest, keepVerified, verifiedCacheFile } from '../lib/disk-cache';
import { PROJECT_ROOT } from '../lib/project-root';

/** The esbuild options of `entryPoint` (a path from the project root): the same options build it afresh and key the cache. */
export function bundleOptions(entryPoint: string): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entryPoint],
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
}

/**
 * Built bundles, `<label>-<key>.bundle` (the JavaScript, then its SHA-256, checked on every
 * read), and `<label>.inputs.json`, the files the last build of
 * that label read. The key hashes esbuild's version, the build options, tsconfig.json, the
 * content of every project source the bundle includes and the name and version of every
 * package it draws from, so a bundle is reused only when building again would give the same
 * bytes.
 */
export const BUNDLE_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'amb-bundles');
const CACHED_BUNDLES_KEPT = 4;

const built = new Map<string, Buffer>();

/**
 * The bundled JavaScript of `entryPoint`: from the cache when its inputs are unchanged, else
 * built by esbuild (0.5-2 s) and cached; once per process either way.
 * @param label short name of the bundle in the cache (`voter`, `identity-manager`, `archive`)
 */
export function nodeBundle(entryPoint: string, label: string): Buffer {
  let bundle = built.get(entryPoint);
  if (bundle === undefined) {
    const options = bundleOptions(entryPoint);
    bundle = cachedBundle(label, options) ?? buildAndCache(label, options);
    built.set(entryPoint, bundle);
  }
  return bundle;
}

/** A cached bundle's file name in BUNDLE_CACHE_DIR: its bytes, then their SHA-256 (keepVerified), so a damaged file is built again rather than used. */
function bundleFileName(label: string, key: string): string {
  return `${label}-${key}.bundle`;
}

function inputsFile(label: string): string {
  return join(BUNDLE_CACHE_DIR, `${label}.inputs.json`);
}

/** The cached bundle for the inputs of the label's last build, if they are unchanged. */
function cachedBundle(label: string, options: BuildOptions): Buffer | undefined {
  try {
    const inputs: string[] = JSON.parse(readFileSync(inputsFile(label), 'utf8'));
    return verifiedCacheFile(join(BUNDLE_CACHE_DIR, bundleFileName(label, bundleKey(options, inputs))));
  } catch {
    // No cache yet, another version's, or an input (a package) that is gone: build.
    return undefined;
  }
}

function buildAndCache(label: string, options: BuildOptions): Buffer {
  // Loaded here, on a cache miss only: most synths never need esbuild.
  const { buildSync, version } = require('esbuild') as typeof import('esbuild');
  const result = buildSync({ ...options, metafile: true });
  const [output] = result.outputFiles ?? [];
  if (!output) throw new Error(`esbuild wrote no bundle of ${String(options.entryPoints)}`);
  const bundle = Buffer.from(output.contents);
  const inputs = Object.keys((result.metafile as Metafile).inputs).sort();
  try {
    keepVerified({ dir: BUNDLE_CACHE_DIR, file: bundleFileName(label, bundleKey(options, inputs, version)), pattern: new RegExp(`^${label}-[0-9a-f]{32}\\.bundle$`), kept: CACHED_BUNDLES_KEPT }, bundle);
    writeAtomically(inputsFile(label), Buffer.from(JSON.stringify(inputs)));
    // Bundles cached as `.js` without their SHA-256, by an older version: never read again.
    keepNewest(BUNDLE_CACHE_DIR, new RegExp(`^${label}-[0-9a-f]{32}\\.js$`), 0);
  } catch {
    // A read-only or full cache folder: this synth uses the bundle it built, the next builds again.
  }
  return bundle;
}

/** 32 hex digits over everything that decides the bundle's bytes; see BUNDLE_CACHE_DIR. */
function bundleKey(options: BuildOptions, inputs: readonly string[], esbuildVersion = installedEsbuildVersion()): string {
  const hash = createHash('sha256');
  hash.update(`esbuild ${esbuildVersion}\n${JSON.stringify(options)}\n`);
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

/** This process's folder of asset files (see contentAddressedFile), made on first use. */
let assetDir: string | undefined;
/** Asset files this process wrote, by file name. */
const assetFiles = new Map<string, string>();

/**
 * Writes `bytes` to `<private folder>/<prefix>-<first 32 hex of its SHA-256><extension>` once
 * per process and returns that path: an asset file named by its content, shared by every stack
 * of a synth. cdktf copies it into `cdktf.out` and hashes its content, so the folder's name
 * changes nothing in the output.
 *
 * The folder is this process's own (mkdtemp under the system's temporary directory: a random
 * name, mode 0700) and is removed when the process exits. A file is never taken from a folder
 * another process or user could have written, so what lands in a stack is always the bytes
 * built here.
 */
export function contentAddressedFile(prefix: string, extension: string, bytes: Buffer): string {
  const name = `${prefix}-${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}${extension}`;
  let path = assetFiles.get(name);
  if (path === undefined) {
    assetDir ??= privateAssetDir();
    path = join(assetDir, name);
    writeFileSync(path, bytes, { flag: 'wx', mode: 0o600 });
    assetFiles.set(name, path);
  }
  return path;
}

function privateAssetDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'amb-assets-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  // Interrupted (Ctrl-C, a timeout's SIGTERM): removed too, then the signal ends the process as it would have.
  const interrupted = (signal: NodeJS.Signals) => {
    remove();
    process.removeListener('SIGINT', interrupted).removeListener('SIGTERM', interrupted);
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  return dir;
}

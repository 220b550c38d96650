/**
 * Reproducible Fabric 2.x chaincode packages. A package is a tar.gz holding `metadata.json`
 * (`{"path","type","label"}`) and `code.tar.gz` (the sources under `src/`), as
 * `peer lifecycle chaincode package` writes it (Fabric docs, "Packaging chaincode"). Its
 * package id is `<label>:<hex SHA-256 of the package file>` (Fabric 2.2 lifecycle), so every
 * member must build the very same bytes: entries in byte order of their paths, mtime 0,
 * owner 0:0 without names, modes 0644/0755 only, and gzip by pako (pure JavaScript, so the
 * deflate stream does not depend on the zlib build or CPU features of the member's Node.js).
 *
 * A Node.js package carries what AMB's Node.js runtime build needs without internet:
 * package.json, package-lock.json, the TypeScript sources compiled to `dist/` (esbuild, target
 * Node 12: the runtime of AMB's Fabric 2.2), `node_modules` as `npm ci --omit=dev` installed
 * it (without symbolic links: the peer accepts regular files only, and the build's npm recreates
 * `node_modules/.bin`), and `chaincode-config.json` with the YAML's rules (the required certificate attribute).
 * Of `node_modules` it carries the packages npm's lock (`node_modules/.package-lock.json`)
 * lists, bundled dependencies included, and no folder a published package brought inside its
 * own tree as a `node_modules` npm never installed: protobufjs 6.11.4 and later ship their
 * command line's dependencies that way (20 MB, 2,200 files that Node.js loads only when that
 * command line runs): with them the sample's package was 7.2 MB instead of 4.25 MB.
 *
 * A Go package (type `golang`) carries the module as the peer's Go build reads it in module
 * mode: `go.mod`, `go.sum`, the module's `.go` files (tests and `testdata/` left out: `go
 * build` reads neither) and the whole `vendor/` tree, which the build uses with `-mod=vendor`
 * (Fabric 2.2 golang platform: a module with a vendor folder builds offline, as AMB's peers
 * must). The vendor folder is required whenever go.mod requires a module, and must list what
 * go.mod requires (vendor/modules.txt, as `go mod vendor` writes it); this toolkit never runs
 * the Go toolchain, so it is made with `go mod vendor` and committed with the chaincode.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';
import { gzip } from 'pako';
import { version as PAKO_VERSION } from 'pako/package.json';
import { pack as tarPack, type Header as TarHeader } from 'tar-stream';
import type { Chaincode } from '../config';
import { compressedThroughDisk } from '../disk-cache';
import { OperationalError, UsageError } from '../errors';
import { PROJECT_ROOT } from '../project-root';

/** A file of a package: path with `/`, contents, executable or not. */
export interface PackageEntry {
  readonly path: string;
  readonly data: Buffer;
  readonly executable?: boolean;
}

export interface ChaincodePackage {
  /** `<name>_<version>`. */
  readonly label: string;
  /** `<label>:<sha256>`. */
  readonly packageId: string;
  /** The package file's bytes. */
  readonly bytes: Buffer;
}

/** The package label: `<name>_<version>` (Fabric: letters, digits, `_ . + -`). */
export function packageLabel(chaincode: Pick<Chaincode, 'name' | 'version'>): string {
  return `${chaincode.name}_${chaincode.version}`;
}

/** `<label>:<hex sha256 of the package bytes>`. */
export function packageIdOf(label: string, bytes: Buffer): string {
  return `${label}:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Where the gzip streams of packages and their `code.tar.gz` made by earlier processes are kept
 * (see compressedLayer):
 * `node_modules/.cache/amb-packages/`, beside the synth's bundle cache.
 */
export const PACKAGE_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'amb-packages');

/** Compressed streams kept in the cache folder for each layer; older ones are deleted. */
const CACHED_CODE_KEPT = 8;

/** Layers of at least this many bytes are cached: a smaller one compresses in less time than a cached one is checked. */
const CACHED_CODE_MIN_BYTES = 1024 * 1024;

/** The gzip level of both layers of a package. */
const GZIP_LEVEL = 6;

/**
 * Builds the package of a chaincode from its source directory (`chaincode.path` under
 * `repositoryRoot`). Errors: UsageError for a language this packager does not build or a
 * missing directory; OperationalError when node_modules is missing or holds dev dependencies.
 * `reuse: false` compresses again even when this process or an earlier one compressed the same
 * contents before; `cacheDir` is where earlier processes' compressed code is looked up and kept
 * (default PACKAGE_CACHE_DIR).
 */
export async function buildChaincodePackage(
  chaincode: Chaincode,
  repositoryRoot: string,
  options: { readonly reuse?: boolean; readonly cacheDir?: string } = {},
): Promise<ChaincodePackage> {
  const dir = join(repositoryRoot, chaincode.path);
  const platform = PLATFORMS[chaincode.language];
  if (!platform) throw new UsageError(`chaincode ${chaincode.name}: language ${chaincode.language} is not packaged by this toolkit; use node or go`);
  if (!existsSync(join(dir, platform.marker))) throw new UsageError(`chaincode ${chaincode.name}: ${dir} has no ${platform.marker}`);
  const label = packageLabel(chaincode);
  const codeTar = await tar(platform.sources(chaincode, dir).map((entry) => ({ ...entry, path: `src/${entry.path}` })));
  const metadata = Buffer.from(JSON.stringify({ path: chaincode.path, type: platform.type, label }));
  const key = createHash('sha256').update(codeTar).update(metadata).digest('hex');
  const cached = options.reuse === false ? undefined : builtPackages.get(key);
  if (cached) return cached;
  const cacheDir = options.reuse === false ? undefined : (options.cacheDir ?? PACKAGE_CACHE_DIR);
  const bytes = compressedLayer(
    await tar([
      { path: 'code.tar.gz', data: compressedLayer(codeTar, cacheDir, CODE_LAYER) },
      { path: 'metadata.json', data: metadata },
    ]),
    cacheDir,
    PACKAGE_LAYER,
  );
  const built = { label, packageId: packageIdOf(label, bytes), bytes };
  builtPackages.set(key, built);
  return built;
}

/**
 * Packages built in this process by the digest of their uncompressed contents: compressing is
 * most of a build's time, and the same inputs always give the same bytes.
 */
const builtPackages = new Map<string, ChaincodePackage>();

/** How the two gzip layers of a package are named in the cache folder (see compressedLayer). */
interface CachedLayer {
  readonly suffix: string;
  readonly pattern: RegExp;
}
const CODE_LAYER: CachedLayer = { suffix: '.tar.gz', pattern: /^[0-9a-f]{32}-pako.*\.tar\.gz$/ };
const PACKAGE_LAYER: CachedLayer = { suffix: '.package.gz', pattern: /^[0-9a-f]{32}-pako.*\.package\.gz$/ };

/**
 * A layer of the package gzipped by pako: `code.tar.gz`, the code archive, and then the package
 * itself, the tar of `code.tar.gz` and `metadata.json`. Compressing is the most expensive part
 * of a build: about 1.4 s for the sample's 26 MB documents archive, and about 0.2 s more for the
 * package around its compressed code, which deflate cannot shrink but still has to search.
 * With a cache folder and a layer of 1 MB or more, the stream an earlier process made of the
 * same bytes with the same pako version and level is used, after compressedThroughDisk's checks,
 * and a new one is kept there (the newest CACHED_CODE_KEPT of each layer).
 */
function compressedLayer(data: Buffer, cacheDir: string | undefined, layer: CachedLayer): Buffer {
  if (!cacheDir || data.length < CACHED_CODE_MIN_BYTES) return gzipped(data);
  const file = `${createHash('sha256').update(data).digest('hex').slice(0, 32)}-pako${PAKO_VERSION}-${GZIP_LEVEL}${layer.suffix}`;
  return compressedThroughDisk({ dir: cacheDir, file, pattern: layer.pattern, kept: CACHED_CODE_KEPT }, data, gzipped, (stream) => gunzipSync(stream));
}

/** The files of a Node.js chaincode package's `src/`, sorted by path. */
export function nodeSources(chaincode: Chaincode, dir: string): PackageEntry[] {
  const lock = join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(lock)) {
    throw new OperationalError(`chaincode ${chaincode.name}: ${join(dir, 'node_modules')} is not installed; run npm ci --omit=dev --ignore-scripts in ${dir} (AMB peers have no internet: dependencies travel in the package)`);
  }
  const installed = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { dev?: boolean }> }).packages ?? {};
  const dev = Object.entries(installed).filter(([, info]) => info.dev);
  if (dev.length > 0) {
    throw new OperationalError(`chaincode ${chaincode.name}: node_modules holds development dependencies (${dev[0][0]}, ...); run npm ci --omit=dev --ignore-scripts in ${dir} so the package carries what the peer runs, and only that`);
  }
  const entries: PackageEntry[] = [
    { path: 'package.json', data: readFileSync(join(dir, 'package.json')) },
    ...(existsSync(join(dir, 'package-lock.json')) ? [{ path: 'package-lock.json', data: readFileSync(join(dir, 'package-lock.json')) }] : []),
    ...compiledSources(join(dir, 'src')),
    ...walk(join(dir, 'node_modules'), dir, (folder) => !isPackageFolder(folder) || folder in installed),
  ];
  if (chaincode.requiredAttribute) {
    entries.push({ path: 'chaincode-config.json', data: Buffer.from(`${JSON.stringify({ requiredAttribute: chaincode.requiredAttribute })}\n`) });
  }
  return entries.sort((a, b) => compareBytes(a.path, b.path));
}

/** The files of a Go chaincode package's `src/` (the module root), sorted by path; see the file's comment. */
export function goSources(chaincode: Chaincode, dir: string): PackageEntry[] {
  const goMod = readFileSync(join(dir, 'go.mod'), 'utf8');
  const required = requiredModules(goMod);
  const vendor = join(dir, 'vendor');
  if (required.length > 0) {
    const modulesTxt = join(vendor, 'modules.txt');
    if (!existsSync(modulesTxt)) {
      throw new UsageError(
        `chaincode ${chaincode.name}: ${vendor} is missing (no ${modulesTxt}): AMB peers have no internet, so a Go chaincode travels with its dependencies vendored; run go mod vendor in ${dir} and commit the vendor folder`,
      );
    }
    const vendored = new Set([...readFileSync(modulesTxt, 'utf8').matchAll(/^# (\S+) (\S+)/gm)].map((match) => `${match[1]} ${match[2]}`));
    const missing = required.filter((module) => !vendored.has(module));
    if (missing.length > 0) {
      throw new UsageError(`chaincode ${chaincode.name}: ${modulesTxt} does not list ${missing.join(', ')}, which ${join(dir, 'go.mod')} requires; run go mod vendor in ${dir} again and commit the vendor folder`);
    }
  }
  const moduleFiles = walk(dir, dir).filter(
    (entry) =>
      entry.path === 'go.mod' ||
      entry.path === 'go.sum' ||
      entry.path.startsWith('vendor/') ||
      (entry.path.endsWith('.go') && !entry.path.endsWith('_test.go') && !entry.path.split('/').includes('testdata')),
  );
  return moduleFiles.sort((a, b) => compareBytes(a.path, b.path));
}

/** `path version` of each module go.mod requires, from `require x v` lines and `require ( ... )` blocks. */
function requiredModules(goMod: string): string[] {
  const withoutComments = goMod.replace(/\/\/.*$/gm, '');
  const single = [...withoutComments.matchAll(/^\s*require\s+([^\s(]+)\s+(\S+)/gm)].map((match) => `${match[1]} ${match[2]}`);
  const blocks = [...withoutComments.matchAll(/^\s*require\s*\(([^)]*)\)/gm)].flatMap((match) =>
    match[1]
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields.length >= 2)
      .map(([path, version]) => `${path} ${version}`),
  );
  return [...single, ...blocks];
}

/** How each chaincode language is packaged: the file its folder must hold, Fabric's type, its sources. */
const PLATFORMS: Record<Chaincode['language'], { readonly marker: string; readonly type: string; readonly sources: (chaincode: Chaincode, dir: string) => PackageEntry[] }> = {
  node: { marker: 'package.json', type: 'node', sources: nodeSources },
  go: { marker: 'go.mod', type: 'golang', sources: goSources },
};

/** `src/**\/*.ts` compiled one file at a time to `dist/**\/*.js` (CommonJS, Node 12); `.js` copied. */
function compiledSources(srcDir: string): PackageEntry[] {
  if (!existsSync(srcDir)) return [];
  return walk(srcDir, srcDir)
    .filter((entry) => /\.(ts|js)$/.test(entry.path) && !entry.path.endsWith('.d.ts'))
    .map((entry) => {
      const path = `dist/${entry.path.replace(/\.ts$/, '.js')}`;
      if (entry.path.endsWith('.js')) return { path, data: entry.data };
      const { code } = transformSync(entry.data.toString('utf8'), { loader: 'ts', format: 'cjs', target: 'node12', platform: 'node', sourcefile: entry.path });
      return { path, data: Buffer.from(code) };
    });
}

/**
 * True for a package's folder inside a `node_modules` (`…node_modules/name` or
 * `…node_modules/@scope/name`), as npm's lock keys them; false for a scope folder itself.
 */
function isPackageFolder(path: string): boolean {
  return /(^|\/)node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)$/.test(path);
}

/**
 * The regular files under `root`, paths relative to `base`, sorted. A folder for which
 * `descend(path)` is false is left out with everything under it.
 */
function walk(root: string, base: string, descend: (path: string) => boolean = () => true): PackageEntry[] {
  const entries: PackageEntry[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      const shown = relative(base, path).split(sep).join('/');
      // The peer's untar accepts regular files only; npm recreates node_modules/.bin links at build.
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) {
        if (descend(shown)) visit(path);
      } else if (stat.isFile()) entries.push({ path: shown, data: readFileSync(path), executable: (stat.mode & 0o111) !== 0 });
    }
  };
  visit(root);
  return entries;
}

/** A gzipped tar of the entries in the order given, with every varying header field fixed. */
export async function tarGz(entries: readonly PackageEntry[]): Promise<Buffer> {
  return gzipped(await tar(entries));
}

function gzipped(data: Buffer): Buffer {
  return Buffer.from(gzip(data, { level: GZIP_LEVEL }));
}

/** A tar of the entries in the order given: mtime 0, owner 0:0 without names, mode 0644 or 0755. */
async function tar(entries: readonly PackageEntry[]): Promise<Buffer> {
  const archive = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk) => chunks.push(chunk as Buffer));
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const entry of entries) {
    const header: Partial<TarHeader> & Pick<TarHeader, 'name'> = {
      name: entry.path,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      type: 'file',
      mode: entry.executable ? 0o755 : 0o644,
      size: entry.data.length,
    };
    await new Promise<void>((resolve, reject) => archive.entry(header, entry.data, (error) => (error ? reject(error) : resolve())));
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

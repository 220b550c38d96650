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
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { transformSync } from 'esbuild';
import { gzip } from 'pako';
import { pack as tarPack, type Header as TarHeader } from 'tar-stream';
import type { Chaincode } from '../config';
import { OperationalError, UsageError } from '../errors';

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
 * Builds the package of a chaincode from its source directory (`chaincode.path` under
 * `repositoryRoot`). Errors: UsageError for a language this packager does not build or a
 * missing directory; OperationalError when node_modules is missing or holds dev dependencies.
 * `reuse: false` compresses again even when this process built the same contents before.
 */
export async function buildChaincodePackage(chaincode: Chaincode, repositoryRoot: string, options: { readonly reuse?: boolean } = {}): Promise<ChaincodePackage> {
  const dir = join(repositoryRoot, chaincode.path);
  if (chaincode.language !== 'node') {
    throw new UsageError(`chaincode ${chaincode.name}: language ${chaincode.language} is not packaged by this toolkit yet; use language: node`);
  }
  if (!existsSync(join(dir, 'package.json'))) throw new UsageError(`chaincode ${chaincode.name}: ${dir} has no package.json`);
  const label = packageLabel(chaincode);
  const codeTar = await tar(nodeSources(chaincode, dir).map((entry) => ({ ...entry, path: `src/${entry.path}` })));
  const metadata = Buffer.from(JSON.stringify({ path: chaincode.path, type: 'node', label }));
  const key = createHash('sha256').update(codeTar).update(metadata).digest('hex');
  const cached = options.reuse === false ? undefined : builtPackages.get(key);
  if (cached) return cached;
  const bytes = gzipped(
    await tar([
      { path: 'code.tar.gz', data: gzipped(codeTar) },
      { path: 'metadata.json', data: metadata },
    ]),
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

/** The files of a Node.js chaincode package's `src/`, sorted by path. */
export function nodeSources(chaincode: Chaincode, dir: string): PackageEntry[] {
  const lock = join(dir, 'node_modules', '.package-lock.json');
  if (!existsSync(lock)) {
    throw new OperationalError(`chaincode ${chaincode.name}: ${join(dir, 'node_modules')} is not installed; run npm ci --omit=dev --ignore-scripts in ${dir} (AMB peers have no internet: dependencies travel in the package)`);
  }
  const dev = Object.entries((JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { dev?: boolean }> }).packages ?? {}).filter(([, info]) => info.dev);
  if (dev.length > 0) {
    throw new OperationalError(`chaincode ${chaincode.name}: node_modules holds development dependencies (${dev[0][0]}, ...); run npm ci --omit=dev --ignore-scripts in ${dir} so the package carries what the peer runs, and only that`);
  }
  const entries: PackageEntry[] = [
    { path: 'package.json', data: readFileSync(join(dir, 'package.json')) },
    ...(existsSync(join(dir, 'package-lock.json')) ? [{ path: 'package-lock.json', data: readFileSync(join(dir, 'package-lock.json')) }] : []),
    ...compiledSources(join(dir, 'src')),
    ...walk(join(dir, 'node_modules'), dir),
  ];
  if (chaincode.requiredAttribute) {
    entries.push({ path: 'chaincode-config.json', data: Buffer.from(`${JSON.stringify({ requiredAttribute: chaincode.requiredAttribute })}\n`) });
  }
  return entries.sort((a, b) => compareBytes(a.path, b.path));
}

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

function walk(root: string, base: string): PackageEntry[] {
  const entries: PackageEntry[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      const shown = relative(base, path).split(sep).join('/');
      // The peer's untar accepts regular files only; npm recreates node_modules/.bin links at build.
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) visit(path);
      else if (stat.isFile()) entries.push({ path: shown, data: readFileSync(path), executable: (stat.mode & 0o111) !== 0 });
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
  return Buffer.from(gzip(data, { level: 6 }));
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

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Chaincode } from '../lib/config';
import { exitCodeOf } from '../lib/cli';
import { OperationalError, UsageError } from '../lib/errors';
import { cacheFileOf } from '../lib/disk-cache';
import { buildChaincodePackage, packageIdOf } from '../lib/fabric/package';

const CHAINCODE: Chaincode = {
  name: 'tiny',
  channel: 'royalties',
  version: '1.0',
  sequence: 1,
  language: 'node',
  path: 'chaincode/tiny',
  endorsementPolicy: 'MAJORITY',
  initRequired: false,
  collections: [],
};

/** A small Node.js chaincode folder, its files written in the given order at the given time. */
function writeChaincode(root: string, order: 'forward' | 'reverse', mtime: Date, devDependency = false): void {
  const dir = join(root, 'chaincode', 'tiny');
  const files: [string, string][] = [
    ['package.json', JSON.stringify({ name: 'tiny', main: 'dist/index.js', scripts: { start: 'fabric-chaincode-node start' } })],
    ['package-lock.json', JSON.stringify({ name: 'tiny', lockfileVersion: 3 })],
    ['src/index.ts', 'export const contracts: string[] = [];\n'],
    ['src/contract.ts', 'export class Tiny { constructor(private readonly name: string) {} }\n'],
    ['node_modules/.package-lock.json', JSON.stringify({ packages: { 'node_modules/dep': devDependency ? { dev: true } : {} } })],
    ['node_modules/dep/index.js', 'module.exports = 1;\n'],
    ['node_modules/dep/cli.js', '#!/usr/bin/env node\n'],
  ];
  for (const [path, text] of order === 'forward' ? files : [...files].reverse()) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text, { mode: path.endsWith('cli.js') ? 0o755 : 0o600 });
    utimesSync(join(dir, path), mtime, mtime);
  }
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync('../dep/cli.js', join(dir, 'node_modules', '.bin', 'dep'));
}

describe('chaincode packages', () => {
  const roots: string[] = [];
  const root = () => {
    const dir = mkdtempSync(join(tmpdir(), 'package-test-'));
    roots.push(dir);
    return dir;
  };
  afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('two builds of the same sources give byte-identical packages and the same package id, whatever the files\' times, modes and creation order', async () => {
    const a = root();
    const b = root();
    writeChaincode(a, 'forward', new Date('2020-01-01T00:00:00Z'));
    writeChaincode(b, 'reverse', new Date('2026-11-30T10:00:00Z'));
    const first = await buildChaincodePackage(CHAINCODE, a, { reuse: false });
    const second = await buildChaincodePackage(CHAINCODE, b, { reuse: false });
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.packageId).toBe(first.packageId);
    expect(first.packageId).toMatch(/^tiny_1\.0:[0-9a-f]{64}$/);
    expect(packageIdOf(first.label, first.bytes)).toBe(first.packageId);
  });

  test('a code archive of 1 MB or more is compressed once: a later process uses the cached stream; a damaged one is compressed again and replaced', async () => {
    const dir = root();
    writeChaincode(dir, 'forward', new Date());
    // 2 MB that gzip still has to work on: one line per number.
    writeFileSync(join(dir, 'chaincode', 'tiny', 'node_modules', 'dep', 'table.js'), Array.from({ length: 150_000 }, (_, n) => `${n * 7919}\n`).join(''));
    const cacheDir = root();
    const first = await buildChaincodePackage(CHAINCODE, dir, { cacheDir });
    const cached = readdirSync(cacheDir);
    expect(cached).toEqual([expect.stringMatching(/^[0-9a-f]{32}-pako\d+\.\d+\.\d+-6\.tar\.gz$/)]);
    const file = join(cacheDir, cached[0]);
    /** A build in a fresh copy of the module, as another process makes it (nothing remembered in memory). */
    const buildElsewhere = () => {
      let module: typeof import('../lib/fabric/package') | undefined;
      jest.isolateModules(() => {
        module = require('../lib/fabric/package');
      });
      return module!.buildChaincodePackage(CHAINCODE, dir, { cacheDir });
    };

    // Another whole stream of the same archive (its SHA-256 after it) is used as it is: the
    // package differs, which shows the stream came from the cache.
    writeFileSync(file, cacheFileOf(gzipSync(gunzipSync(readFileSync(file).subarray(0, -32)), { level: 1 })));
    expect((await buildElsewhere()).packageId).not.toBe(first.packageId);

    writeFileSync(file, 'not a gzip stream');
    const rebuilt = await buildElsewhere();
    expect(rebuilt.packageId).toBe(first.packageId);
    expect(rebuilt.bytes.equals(first.bytes)).toBe(true);
    expect(gunzipSync(readFileSync(file).subarray(0, -32)).length).toBeGreaterThan(1024 * 1024);
    expect((await buildElsewhere()).bytes.equals(first.bytes)).toBe(true);
  });

  test('a package of 1 MB or more around its compressed code is cached too, apart from the code archive, and used only when it inflates back to the very package', async () => {
    const dir = root();
    writeChaincode(dir, 'forward', new Date());
    // 1.5 MB that deflate cannot shrink, so the package around the compressed code is over 1 MB too.
    const noise = Buffer.concat(Array.from({ length: 1536 * 32 }, (_, n) => createHash('sha256').update(String(n)).digest()));
    writeFileSync(join(dir, 'chaincode', 'tiny', 'node_modules', 'dep', 'noise.bin'), noise);
    const cacheDir = root();
    const first = await buildChaincodePackage(CHAINCODE, dir, { cacheDir });
    const cached = readdirSync(cacheDir);
    expect(cached).toHaveLength(2);
    expect(cached).toEqual(expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{32}-pako\d+\.\d+\.\d+-6\.package\.gz$/), expect.stringMatching(/^[0-9a-f]{32}-pako\d+\.\d+\.\d+-6\.tar\.gz$/)]));
    const file = join(cacheDir, cached.find((name) => name.endsWith('.package.gz'))!);
    expect(readFileSync(file).equals(cacheFileOf(first.bytes))).toBe(true);
    const buildElsewhere = () => {
      let module: typeof import('../lib/fabric/package') | undefined;
      jest.isolateModules(() => {
        module = require('../lib/fabric/package');
      });
      return module!.buildChaincodePackage(CHAINCODE, dir, { cacheDir });
    };

    // Another whole stream of the same package is used as it is: the package id differs.
    writeFileSync(file, cacheFileOf(gzipSync(gunzipSync(first.bytes), { level: 1 })));
    expect((await buildElsewhere()).packageId).not.toBe(first.packageId);

    // Not used, each compressed again and replaced: a stream of other bytes; the package's own
    // stream with zeros after it (a crash before the data reached the disk), or with another time
    // in its gzip header, both of which inflate to the package; a file of an older version, without its SHA-256.
    const mtime = Buffer.from(first.bytes);
    mtime.writeUInt32LE(1_700_000_000, 4);
    for (const damaged of [
      cacheFileOf(gzipSync(Buffer.concat([gunzipSync(first.bytes), Buffer.alloc(512)]))),
      Buffer.concat([cacheFileOf(first.bytes), Buffer.alloc(4096)]),
      Buffer.concat([first.bytes, Buffer.alloc(4096)]),
      mtime,
      first.bytes,
    ]) {
      writeFileSync(file, damaged);
      const rebuilt = await buildElsewhere();
      expect(rebuilt.packageId).toBe(first.packageId);
      expect(readFileSync(file).equals(cacheFileOf(first.bytes))).toBe(true);
    }
  });

  test('is laid out as peer lifecycle chaincode package writes it, read back with the tar CLI: metadata.json and code.tar.gz holding src/, fixed times and owners, no links', async () => {
    const dir = root();
    writeChaincode(dir, 'forward', new Date());
    const built = await buildChaincodePackage(CHAINCODE, dir);
    const out = root();
    writeFileSync(join(out, 'package.tgz'), built.bytes);
    expect(execFileSync('tar', ['-tzf', 'package.tgz'], { cwd: out, encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['code.tar.gz', 'metadata.json']);
    execFileSync('tar', ['-xzf', 'package.tgz'], { cwd: out });
    expect(JSON.parse(execFileSync('cat', ['metadata.json'], { cwd: out, encoding: 'utf8' }))).toEqual({ path: 'chaincode/tiny', type: 'node', label: 'tiny_1.0' });
    const listing = execFileSync('tar', ['-tzvf', 'code.tar.gz', '--numeric-owner'], { cwd: out, encoding: 'utf8' }).trim().split('\n');
    expect(listing.map((line) => line.split(/\s+/).pop())).toEqual([
      'src/dist/contract.js',
      'src/dist/index.js',
      'src/node_modules/.package-lock.json',
      'src/node_modules/dep/cli.js',
      'src/node_modules/dep/index.js',
      'src/package-lock.json',
      'src/package.json',
    ]);
    for (const line of listing) expect(line).toMatch(/^-rw(-r--r--|xr-xr-x) 0\/0 .* 1970-01-01 00:00 /);
    expect(listing.find((line) => line.endsWith('cli.js'))).toMatch(/^-rwxr-xr-x/);
    const compiled = execFileSync('tar', ['-xzOf', 'code.tar.gz', 'src/dist/contract.js'], { cwd: out, encoding: 'utf8' });
    expect(compiled).toContain('class Tiny');
    expect(compiled).not.toContain('private readonly');
  });

  test('carries the packages the lock lists, nested and scoped ones too, and no node_modules a package brought inside its own folder', async () => {
    const dir = root();
    writeChaincode(dir, 'forward', new Date());
    const modules = join(dir, 'chaincode', 'tiny', 'node_modules');
    const lock = { packages: { 'node_modules/dep': {}, 'node_modules/dep/node_modules/inner': {}, 'node_modules/@scope/lib': {}, 'node_modules/bundler': {}, 'node_modules/bundler/node_modules/bundled': { inBundle: true } } };
    const files: [string, string][] = [
      ['.package-lock.json', JSON.stringify(lock)],
      ['dep/node_modules/inner/index.js', 'module.exports = 2;\n'],
      ['@scope/lib/index.js', 'module.exports = 3;\n'],
      ['bundler/index.js', 'module.exports = 4;\n'],
      ['bundler/node_modules/bundled/index.js', 'module.exports = 5;\n'],
      // As protobufjs 6.11.4+ publishes its command line: a node_modules npm never installed.
      ['dep/cli/package.json', '{}'],
      ['dep/cli/node_modules/jsdoc/index.js', 'module.exports = 6;\n'],
      ['dep/cli/node_modules/@babel/parser/index.js', 'module.exports = 7;\n'],
      ['dep/node_modules/stray/index.js', 'module.exports = 8;\n'],
    ];
    for (const [path, text] of files) {
      mkdirSync(join(modules, path, '..'), { recursive: true });
      writeFileSync(join(modules, path), text);
    }
    const built = await buildChaincodePackage(CHAINCODE, dir);
    const out = root();
    writeFileSync(join(out, 'package.tgz'), built.bytes);
    execFileSync('tar', ['-xzf', 'package.tgz'], { cwd: out });
    const carried = execFileSync('tar', ['-tzf', 'code.tar.gz'], { cwd: out, encoding: 'utf8' }).split('\n').filter((path) => path.startsWith('src/node_modules/'));
    expect(carried).toEqual([
      'src/node_modules/.package-lock.json',
      'src/node_modules/@scope/lib/index.js',
      'src/node_modules/bundler/index.js',
      'src/node_modules/bundler/node_modules/bundled/index.js',
      'src/node_modules/dep/cli.js',
      'src/node_modules/dep/cli/package.json',
      'src/node_modules/dep/index.js',
      'src/node_modules/dep/node_modules/inner/index.js',
    ]);
  });

  test('carries the required attribute as chaincode-config.json, which changes the package id', async () => {
    const dir = root();
    writeChaincode(dir, 'forward', new Date());
    const plain = await buildChaincodePackage(CHAINCODE, dir);
    const guarded = await buildChaincodePackage({ ...CHAINCODE, requiredAttribute: { name: 'role', value: 'reporter' } }, dir);
    expect(guarded.packageId).not.toBe(plain.packageId);
    const out = root();
    writeFileSync(join(out, 'package.tgz'), guarded.bytes);
    execFileSync('tar', ['-xzf', 'package.tgz'], { cwd: out });
    expect(JSON.parse(execFileSync('tar', ['-xzOf', 'code.tar.gz', 'src/chaincode-config.json'], { cwd: out, encoding: 'utf8' }))).toEqual({ requiredAttribute: { name: 'role', value: 'reporter' } });
  });

  test('refuses node_modules with development dependencies, and a chaincode whose node_modules is not installed', async () => {
    const dev = root();
    writeChaincode(dev, 'forward', new Date(), true);
    await expect(buildChaincodePackage(CHAINCODE, dev)).rejects.toThrow(/holds development dependencies \(node_modules\/dep, \.\.\.\); run npm ci --omit=dev --ignore-scripts/);
    const bare = root();
    writeChaincode(bare, 'forward', new Date());
    rmSync(join(bare, 'chaincode', 'tiny', 'node_modules'), { recursive: true });
    await expect(buildChaincodePackage(CHAINCODE, bare)).rejects.toThrow(OperationalError);
  });
});

describe('Go chaincode packages', () => {
  const FIXTURE = join(__dirname, 'fixtures', 'go-chaincode');
  const GO: Chaincode = { ...CHAINCODE, name: 'notes', language: 'go', path: 'chaincode/notes' };
  const roots: string[] = [];
  afterAll(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A repository holding the fixture at chaincode/notes, its files given the time `mtime`. */
  const repository = (mtime: Date): string => {
    const root = mkdtempSync(join(tmpdir(), 'go-package-test-'));
    roots.push(root);
    const dir = join(root, 'chaincode', 'notes');
    cpSync(FIXTURE, dir, { recursive: true });
    for (const file of execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n')) utimesSync(file, mtime, mtime);
    return root;
  };

  test('two builds of the same module give byte-identical packages and the same package id', async () => {
    const first = await buildChaincodePackage(GO, repository(new Date('2020-01-01T00:00:00Z')), { reuse: false });
    const second = await buildChaincodePackage(GO, repository(new Date('2026-11-30T10:00:00Z')), { reuse: false });
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.packageId).toBe(first.packageId);
    expect(first.packageId).toMatch(/^notes_1\.0:[0-9a-f]{64}$/);
  });

  test('is a golang package of the module root: go.mod, its .go files and the vendor tree, without tests or testdata', async () => {
    const built = await buildChaincodePackage(GO, repository(new Date()));
    const out = mkdtempSync(join(tmpdir(), 'go-package-out-'));
    roots.push(out);
    writeFileSync(join(out, 'package.tgz'), built.bytes);
    execFileSync('tar', ['-xzf', 'package.tgz'], { cwd: out });
    expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'))).toEqual({ path: 'chaincode/notes', type: 'golang', label: 'notes_1.0' });
    expect(execFileSync('tar', ['-tzf', 'code.tar.gz'], { cwd: out, encoding: 'utf8' }).trim().split('\n')).toEqual([
      'src/go.mod',
      'src/main.go',
      'src/vendor/example.com/notekit/notekit.go',
      'src/vendor/modules.txt',
    ]);
  });

  test('a module that requires dependencies but has no vendor folder is refused with exit code 2, naming the folder', async () => {
    const root = repository(new Date());
    const vendor = join(root, 'chaincode', 'notes', 'vendor');
    rmSync(vendor, { recursive: true });
    const refusal = await buildChaincodePackage(GO, root).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(UsageError);
    expect(exitCodeOf(refusal)).toBe(2);
    expect((refusal as Error).message).toBe(
      `chaincode notes: ${vendor} is missing (no ${join(vendor, 'modules.txt')}): AMB peers have no internet, so a Go chaincode travels with its dependencies vendored; run go mod vendor in ${join(root, 'chaincode', 'notes')} and commit the vendor folder`,
    );
  });

  test('a vendor folder that does not list what go.mod requires (stale) is refused', async () => {
    const root = repository(new Date());
    const goMod = join(root, 'chaincode', 'notes', 'go.mod');
    writeFileSync(goMod, readFileSync(goMod, 'utf8').replace('require example.com/notekit v0.1.0', 'require (\n\texample.com/notekit v0.2.0 // indirect\n)'));
    await expect(buildChaincodePackage(GO, root)).rejects.toThrow(/vendor\/modules\.txt does not list example\.com\/notekit v0\.2\.0, which .*go\.mod requires; run go mod vendor/);
  });
});

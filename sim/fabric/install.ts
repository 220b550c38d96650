/**
 * Unpacks the pinned Hyperledger Fabric releases (see versions.ts) into the install folder,
 * once. Two sources:
 * - a folder of archives (`FABRIC_ARCHIVES`) with a `SHA256SUMS` file beside them: every
 *   archive is checked against that file before anything is unpacked;
 * - without a folder, Hyperledger's official release archives from GitHub: their SHA-256 is
 *   printed for the user to compare with the release page, since this code holds no checksum.
 * An unpacked release carries the SHA-256 of its archive in `.archive-sha256`; a release whose
 * marker matches is left alone, so a second run costs nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OperationalError } from '../../lib/errors';
import { fabricHome } from './binaries';
import { FABRIC_RELEASES, type FabricRelease } from './versions';

const MARKER = '.archive-sha256';

export interface InstallOptions {
  /** Folder holding the archives and their SHA256SUMS. @default none: download the official archives */
  readonly archives?: string;
  /** Where releases are unpacked. @default fabricHome() (`.fabric/` in the repository, or FABRIC_HOME) */
  readonly home?: string;
  /** Which releases. @default FABRIC_RELEASES (Fabric 2.2, 2.5 and Fabric CA) */
  readonly releases?: readonly FabricRelease[];
  /** Progress lines (one per release). @default none */
  readonly progress?: (line: string) => void;
}

/** What happened to one release. */
export interface InstalledRelease {
  readonly name: string;
  /** Folder with `bin/` (and `config/`, `builders/` for Fabric). */
  readonly dir: string;
  readonly sha256: string;
  readonly action: 'unpacked' | 'already installed' | 'downloaded';
}

/**
 * Installs every pinned release. Errors (OperationalError): no SHA256SUMS, an archive missing
 * from the folder or from SHA256SUMS, a checksum mismatch (nothing of that release is
 * unpacked), a failed download or `tar`.
 */
export async function installFabric(options: InstallOptions = {}): Promise<InstalledRelease[]> {
  const home = options.home ?? fabricHome();
  const progress = options.progress ?? (() => undefined);
  mkdirSync(home, { recursive: true });
  const releases = options.releases ?? FABRIC_RELEASES;
  const installed: InstalledRelease[] = [];
  if (options.archives) {
    const sums = readSha256Sums(options.archives);
    for (const release of releases) {
      const result = await installFromFolder(release, options.archives, sums, home);
      progress(`${result.name}: ${result.action} (${result.dir})`);
      installed.push(result);
    }
  } else {
    for (const release of releases) {
      const result = await installFromRelease(release, home);
      progress(`${result.name}: ${result.action} (${release.officialUrl})\n  sha256 ${result.sha256}  ${basename(release.officialUrl)}\n  compare it with the checksum on Hyperledger's release page before trusting these binaries`);
      installed.push(result);
    }
  }
  return installed;
}

/** Parses a `sha256sum` listing (`<hex>  <file>`, `*` before binary-mode names) into file -> hex. */
export function parseSha256Sums(text: string, source: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (!match) throw new OperationalError(`${source}:${index + 1}: not a "<sha256>  <file>" line: ${JSON.stringify(line)}`);
    sums.set(match[2], match[1].toLowerCase());
  });
  return sums;
}

function readSha256Sums(folder: string): Map<string, string> {
  const file = join(folder, 'SHA256SUMS');
  if (!existsSync(file)) {
    throw new OperationalError(`${file} not found: FABRIC_ARCHIVES must name a folder holding the Fabric archives and the SHA256SUMS that lists them`);
  }
  return parseSha256Sums(readFileSync(file, 'utf8'), file);
}

async function installFromFolder(release: FabricRelease, folder: string, sums: Map<string, string>, home: string): Promise<InstalledRelease> {
  const archive = join(folder, release.localArchive);
  const expected = sums.get(release.localArchive);
  if (!expected) throw new OperationalError(`${join(folder, 'SHA256SUMS')} does not list ${release.localArchive}; add its checksum or use the archives that came with it`);
  const dir = join(home, release.name);
  if (markerOf(dir) === expected) return { name: release.name, dir, sha256: expected, action: 'already installed' };
  if (!existsSync(archive)) throw new OperationalError(`${archive} not found: FABRIC_ARCHIVES must hold ${release.localArchive}`);
  const actual = await sha256Of(createReadStream(archive));
  if (actual !== expected) {
    throw new OperationalError(`${archive}: SHA-256 is ${actual} but SHA256SUMS says ${expected}; the archive is damaged or not the one listed, nothing was unpacked`);
  }
  unpack(archive, '-xJf', dir, home, expected);
  return { name: release.name, dir, sha256: expected, action: 'unpacked' };
}

async function installFromRelease(release: FabricRelease, home: string): Promise<InstalledRelease> {
  const dir = join(home, release.name);
  const installed = markerOf(dir);
  if (installed) return { name: release.name, dir, sha256: installed, action: 'already installed' };
  const downloads = join(home, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const archive = join(downloads, basename(release.officialUrl));
  const response = await fetch(release.officialUrl).catch((error: Error) => {
    throw new OperationalError(`cannot download ${release.officialUrl} (${error.message}); without internet access, set FABRIC_ARCHIVES to a folder of archives with their SHA256SUMS`);
  });
  if (!response.ok || !response.body) throw new OperationalError(`cannot download ${release.officialUrl}: HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(archive));
  const sha256 = await sha256Of(createReadStream(archive));
  unpack(archive, '-xzf', dir, home, sha256);
  return { name: release.name, dir, sha256, action: 'downloaded' };
}

function markerOf(dir: string): string | undefined {
  const file = join(dir, MARKER);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Unpacks into a fresh folder beside the target, then swaps it in, so a failure leaves no half-unpacked release. */
function unpack(archive: string, tarMode: string, dir: string, home: string, sha256: string): void {
  const staging = mkdtempSync(join(home, `.unpacking-${basename(dir)}-`));
  try {
    const tar = spawnSync('tar', [tarMode, archive, '-C', staging], { encoding: 'utf8' });
    if (tar.error || tar.status !== 0) throw new OperationalError(`tar could not unpack ${archive}: ${tar.error?.message ?? tar.stderr.trim()}`);
    writeFileSync(join(staging, MARKER), `${sha256}\n`);
    chmodSync(staging, 0o755);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another installer running at the same time finished first with the same archive.
      if (markerOf(dir) !== sha256) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function sha256Of(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

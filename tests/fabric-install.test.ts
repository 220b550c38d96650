import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FabricNotInstalledError, fabricBinaries } from '../sim/fabric/binaries';
import { installFabric, parseSha256Sums } from '../sim/fabric/install';
import { FABRIC_AMB, FABRIC_CA } from '../sim/fabric/versions';
import { fabricArchives } from './helpers/fabric';

function archivesFolder(): string {
  const folder = fabricArchives();
  if (!folder) throw new Error('the Fabric archives are required by this test: set FABRIC_ARCHIVES to the folder with them and their SHA256SUMS');
  return folder;
}

/** A folder with links to the real archives and a SHA256SUMS of our choosing. */
function archivesWith(sums: string): string {
  const source = archivesFolder();
  const folder = mkdtempSync(join(tmpdir(), 'fabric-archives-'));
  for (const release of [FABRIC_AMB, FABRIC_CA]) symlinkSync(join(source, release.localArchive), join(folder, release.localArchive));
  writeFileSync(join(folder, 'SHA256SUMS'), sums);
  return folder;
}

describe('npm run fabric:install', () => {
  const cleanup: string[] = [];
  afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tempHome = () => {
    const home = mkdtempSync(join(tmpdir(), 'fabric-home-'));
    cleanup.push(home);
    return home;
  };

  it('unpacks a release checked against SHA256SUMS once, and leaves it alone on a second run', async () => {
    const home = tempHome();
    const first = await installFabric({ archives: archivesFolder(), home, releases: [FABRIC_CA] });
    expect(first).toEqual([expect.objectContaining({ name: FABRIC_CA.name, action: 'unpacked' })]);
    const server = join(home, FABRIC_CA.name, 'bin', 'fabric-ca-server');
    expect(statSync(server).mode & 0o111).not.toBe(0);
    const unpackedAt = statSync(join(home, FABRIC_CA.name)).mtimeMs;

    const second = await installFabric({ archives: archivesFolder(), home, releases: [FABRIC_CA] });
    expect(second).toEqual([expect.objectContaining({ action: 'already installed', sha256: first[0].sha256 })]);
    expect(statSync(join(home, FABRIC_CA.name)).mtimeMs).toBe(unpackedAt);
    const listed = parseSha256Sums(readFileSync(join(archivesFolder(), 'SHA256SUMS'), 'utf8'), 'SHA256SUMS').get(FABRIC_CA.localArchive);
    expect(first[0].sha256).toBe(listed);
  });

  it('refuses an archive whose SHA-256 differs from SHA256SUMS and unpacks nothing of it', async () => {
    const home = tempHome();
    const folder = archivesWith(`${'0'.repeat(64)}  ${FABRIC_AMB.localArchive}\n`);
    cleanup.push(folder);
    await expect(installFabric({ archives: folder, home, releases: [FABRIC_AMB] })).rejects.toThrow(
      new RegExp(`${FABRIC_AMB.localArchive}: SHA-256 is [0-9a-f]{64} but SHA256SUMS says 0{64}`),
    );
    expect(existsSync(join(home, FABRIC_AMB.name))).toBe(false);
  });

  it('refuses a folder without SHA256SUMS, or one that does not list an archive', async () => {
    const empty = tempHome();
    await expect(installFabric({ archives: empty, home: tempHome() })).rejects.toThrow(/SHA256SUMS not found: FABRIC_ARCHIVES must name a folder/);
    const folder = archivesWith('');
    cleanup.push(folder);
    await expect(installFabric({ archives: folder, home: tempHome(), releases: [FABRIC_CA] })).rejects.toThrow(`does not list ${FABRIC_CA.localArchive}`);
  });

  it('reports a malformed SHA256SUMS line with its line number', () => {
    expect(() => parseSha256Sums(`${'a'.repeat(64)}  one.tar.xz\nnot a checksum\n`, 'dir/SHA256SUMS')).toThrow('dir/SHA256SUMS:2: not a "<sha256>  <file>" line');
  });
});

describe('fabricBinaries', () => {
  it('says how to install Fabric when the binaries are missing', () => {
    const home = mkdtempSync(join(tmpdir(), 'fabric-none-'));
    try {
      expect(() => fabricBinaries({ home })).toThrow(FabricNotInstalledError);
      expect(() => fabricBinaries({ home })).toThrow(/Hyperledger Fabric is not installed: .*fabric-2\.2\.15\/bin\/peer not found[\s\S]*npm run fabric:install/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

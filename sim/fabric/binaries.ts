/**
 * Finds the Fabric binaries that `npm run fabric:install` unpacked, and fails with a message
 * that says how to install them when they are missing.
 *
 * Layout (each the layout of Hyperledger's release archives):
 * `<home>/fabric-2.2.15/{bin,config,builders/ccaas}`, `<home>/fabric-2.5.16/...`,
 * `<home>/fabric-ca-1.5.21/bin`, where `<home>` is `FABRIC_HOME` or `.fabric/` in the repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OperationalError } from '../../lib/errors';
import { FABRIC_AMB, FABRIC_CA, FABRIC_LTS, type FabricRelease } from './versions';
import { PROJECT_ROOT } from '../../lib/project-root';

/** The install folder: `FABRIC_HOME`, else `.fabric/` at the repository root (git-ignored). */
export function fabricHome(): string {
  return process.env.FABRIC_HOME ? resolve(process.env.FABRIC_HOME) : resolve(PROJECT_ROOT, '.fabric');
}

/** One Fabric release's folders. */
export interface FabricDistribution {
  readonly version: string;
  /** peer, orderer, configtxgen, configtxlator, cryptogen, discover (and osnadmin from 2.5). */
  readonly bin: string;
  /** The sample core.yaml, orderer.yaml and configtx.yaml of the release. */
  readonly config: string;
  /** The chaincode-as-a-service external builder (`bin/detect`, `build`, `release`). */
  readonly ccaasBuilder: string;
}

/** Every installed binary the simulator and the tests use. */
export interface FabricBinaries {
  readonly home: string;
  /** Fabric 2.2: what AMB runs; the simulator's orderer and peers. */
  readonly amb: FabricDistribution;
  /** Fabric 2.5: the long-term-support line. */
  readonly lts: FabricDistribution;
  /** Fabric CA: folder holding fabric-ca-server and fabric-ca-client. */
  readonly caBin: string;
}

/** Thrown when the binaries are not installed or do not run; exit code 1. */
export class FabricNotInstalledError extends OperationalError {
  constructor(detail: string) {
    super(
      `Hyperledger Fabric is not installed: ${detail}.\n` +
        '  Install it with `FABRIC_ARCHIVES=<folder with the archives and SHA256SUMS> npm run fabric:install`\n' +
        "  (or `npm run fabric:install` to download Hyperledger's release archives), or point FABRIC_HOME at an install.",
    );
    this.name = 'FabricNotInstalledError';
  }
}

/**
 * Hyperledger's own 2.2 release archives predate the ccaas builder (the archives built for
 * tests carry it); the 2.5 builder serves 2.2 peers as well, as it only reads the package.
 */
function distribution(home: string, release: FabricRelease, fallbackBuilder?: string): FabricDistribution {
  const dir = join(home, release.name);
  const ownBuilder = join(dir, 'builders', 'ccaas');
  const ccaasBuilder = fallbackBuilder && !existsSync(ownBuilder) ? fallbackBuilder : ownBuilder;
  return { version: release.version, bin: join(dir, 'bin'), config: join(dir, 'config'), ccaasBuilder };
}

/**
 * Locates the installed releases. Throws FabricNotInstalledError naming the first missing
 * binary; with `checkRuns` it also runs `fabric-ca-server version`, which fails when Debian's
 * `libsqlite3-0` (the CA's one shared library) is missing.
 */
export function fabricBinaries(options: { home?: string; checkRuns?: boolean } = {}): FabricBinaries {
  const home = options.home ?? fabricHome();
  const lts = distribution(home, FABRIC_LTS);
  const binaries: FabricBinaries = {
    home,
    amb: distribution(home, FABRIC_AMB, lts.ccaasBuilder),
    lts,
    caBin: join(home, FABRIC_CA.name, 'bin'),
  };
  const expected = [
    ...['peer', 'orderer', 'configtxgen', 'configtxlator'].map((tool) => join(binaries.amb.bin, tool)),
    join(binaries.amb.ccaasBuilder, 'bin', 'build'),
    ...['peer', 'orderer', 'configtxgen', 'osnadmin'].map((tool) => join(binaries.lts.bin, tool)),
    join(binaries.caBin, 'fabric-ca-server'),
    join(binaries.caBin, 'fabric-ca-client'),
  ];
  const missing = expected.find((file) => !existsSync(file));
  if (missing) throw new FabricNotInstalledError(`${missing} not found`);
  if (options.checkRuns) {
    const ca = spawnSync(join(binaries.caBin, 'fabric-ca-server'), ['version'], { encoding: 'utf8' });
    if (ca.error || ca.status !== 0) {
      const reason = ca.error?.message ?? ca.stderr.trim();
      const hint = /libsqlite3/.test(reason) ? ' (install Debian\'s libsqlite3-0: apt-get install -y libsqlite3-0)' : '';
      throw new FabricNotInstalledError(`fabric-ca-server does not run: ${reason}${hint}`);
    }
  }
  return binaries;
}

/**
 * PATH for a child process with the given Fabric release's binaries and the CA's first.
 * @default release Fabric 2.2 (AMB's)
 */
export function fabricPath(binaries: FabricBinaries, release: FabricDistribution = binaries.amb): string {
  return [release.bin, binaries.caBin, process.env.PATH ?? ''].join(':');
}

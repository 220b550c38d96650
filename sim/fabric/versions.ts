/**
 * The Hyperledger Fabric releases the simulator runs. Fabric 2.2 is what Amazon Managed
 * Blockchain runs (peers 2.2.4, per the AMB developer guide, "Hyperledger Fabric version
 * support"); 2.2.15 is the last 2.2 release. 2.5 is the current long-term-support line, the
 * self-managed target after AMB. Fabric CA 1.5 serves both.
 */

/** One unpacked release: its name under the install folder and its archives. */
export interface FabricRelease {
  /** Folder name under the install folder, e.g. `fabric-2.2.15`. */
  readonly name: string;
  readonly version: string;
  /** File name of the archive in a `FABRIC_ARCHIVES` folder (listed in its SHA256SUMS). */
  readonly localArchive: string;
  /** Hyperledger's official release archive on GitHub (download path, no local copy). */
  readonly officialUrl: string;
}

function release(product: 'fabric' | 'fabric-ca', version: string): FabricRelease {
  return {
    name: `${product}-${version}`,
    version,
    localArchive: `${product}-${version}-linux-amd64.tar.xz`,
    officialUrl: `https://github.com/hyperledger/${product}/releases/download/v${version}/hyperledger-${product}-linux-amd64-${version}.tar.gz`,
  };
}

/** Fabric 2.2: stands in for AMB (peer, orderer, configtxgen, configtxlator, ...). */
export const FABRIC_AMB = release('fabric', '2.2.15');
/** Fabric 2.5: the long-term-support line (adds osnadmin). */
export const FABRIC_LTS = release('fabric', '2.5.16');
/** Fabric CA (fabric-ca-server, fabric-ca-client). */
export const FABRIC_CA = release('fabric-ca', '1.5.21');

export const FABRIC_RELEASES: readonly FabricRelease[] = [FABRIC_AMB, FABRIC_LTS, FABRIC_CA];

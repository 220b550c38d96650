/**
 * What an AMB member's Fabric client does against the network's real endpoints: enroll the
 * member's admin from its CA (as the client's boot script does) and ask a peer which channels
 * it has joined. Used by the rehearsal and by tests; the endpoints come from the AMB API.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FabricBinaries } from './binaries';
import { runTool } from './tools';

export interface AdminEnrollment {
  /** `host:port` of the member's CA, from GetMember's CaEndpoint. */
  readonly caEndpoint: string;
  readonly adminUsername: string;
  /** Reaches fabric-ca-client through its environment only, never an argument or a log. */
  readonly adminPassword: string;
  /** The region's managedblockchain-tls-chain.pem. */
  readonly tlsChainFile: string;
  /** Where the admin's MSP goes; fabric-ca-client's home is its parent's `ca-client`. */
  readonly mspDir: string;
}

/**
 * Enrolls the member's admin into `mspDir` and copies its certificate to `admincerts/`, as
 * the AMB Fabric client's boot script does. Errors: OperationalError with fabric-ca-client's output.
 */
export async function enrollAdmin(binaries: FabricBinaries, enrollment: AdminEnrollment): Promise<void> {
  const { mspDir } = enrollment;
  await runTool(join(binaries.caBin, 'fabric-ca-client'), ['enroll', '--home', join(mspDir, '..', 'ca-client'), '--mspdir', mspDir, '--tls.certfiles', enrollment.tlsChainFile], {
    FABRIC_CA_CLIENT_URL: `https://${enrollment.adminUsername}:${enrollment.adminPassword}@${enrollment.caEndpoint}`,
  });
  mkdirSync(join(mspDir, 'admincerts'), { recursive: true });
  copyFileSync(join(mspDir, 'signcerts', 'cert.pem'), join(mspDir, 'admincerts', 'cert.pem'));
}

/**
 * The channels a peer has joined, asked with `peer channel list` as the member's admin (Fabric
 * 2.2's CLI and sample core.yaml). Errors: OperationalError when the peer does not answer.
 */
export async function peerChannels(binaries: FabricBinaries, ask: { memberId: string; mspDir: string; peerEndpoint: string; tlsChainFile: string }): Promise<string[]> {
  const listed = await runTool(join(binaries.amb.bin, 'peer'), ['channel', 'list'], {
    FABRIC_CFG_PATH: binaries.amb.config,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_LOCALMSPID: ask.memberId,
    CORE_PEER_MSPCONFIGPATH: ask.mspDir,
    CORE_PEER_TLS_ROOTCERT_FILE: ask.tlsChainFile,
    CORE_PEER_ADDRESS: ask.peerEndpoint,
  });
  const marker = 'Channels peers has joined:';
  return listed.slice(listed.indexOf(marker) + marker.length).split('\n').map((line) => line.trim()).filter(Boolean);
}

/**
 * Real Hyperledger Fabric behind the AMB simulator.
 *
 * - `installFabric` / `npm run fabric:install`: unpack the pinned releases into `.fabric/`.
 * - `fabricBinaries()`: find them (throws FabricNotInstalledError saying how to install).
 * - `FabricNetwork`: one network's orderer, member CAs and peers as real processes; see network.ts.
 */
export { FabricNotInstalledError, fabricBinaries, fabricHome, fabricPath, type FabricBinaries, type FabricDistribution } from './binaries';
export { createChannelByHand, deployChaincodeByHand, fabricCli } from './channel';
export { installFabric, type InstallOptions, type InstalledRelease } from './install';
export {
  AMB_CONSORTIUM,
  FabricNetwork,
  ORDERER_MSP_ID,
  SYSTEM_CHANNEL,
  memberOrganization,
  type FabricMember,
  type FabricNetworkOptions,
  type FabricPeer,
} from './network';
export { FABRIC_AMB, FABRIC_CA, FABRIC_LTS, FABRIC_RELEASES, type FabricRelease } from './versions';

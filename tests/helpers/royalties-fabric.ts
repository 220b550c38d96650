import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CommandContext } from '../../lib/command';
import { consortiumDirectory } from '../../lib/fabric/directory';
import type { LedgerWiring } from '../../lib/fabric/ledger-command';
import { LocalTransport } from '../../lib/fabric/transport';
import { FabricCa } from '../../lib/identities/fabric-ca';
import { reconcileIdentities, type IdentityReport } from '../../lib/identities/manager';
import { SecretsManagerIdentityStore } from '../../lib/identities/secret-store';
import type { FabricBinaries } from '../../sim/fabric/binaries';
import { FabricNetwork } from '../../sim/fabric/network';
import { ConsortiumFixture } from './consortium-fixture';

/** The sample's filmmaker and bank on real Fabric 2.2: member ids, one peer each, the bank admin's enrollment. */
export const FILMMAKER = 'm-J46DNSFRTVCCLONS6DRTU2EJFE';
export const BANK = 'm-FN3QH2XV5CDRJ7KLAP4WTYBS6E';
export const FILMMAKER_PEER = 'nd-6EAJ5VA43JGGNPXOUZP7Y47E4Y';
export const BANK_PEER = 'nd-BANKPEER1XXXXXXXXXXXXXXXX';
export const BANK_ADMIN = { adminUsername: 'bankadmin', adminPassword: 'Bank-Passw0rd' };
/** Where the bank's identity secrets live (identitySecretPrefix of the sample). */
export const BANK_IDENTITY_PREFIX = 'amb/drm-royalties/bank/identities/';

/** The sample with channel royalties only, one recorded peer per member, and `documents` writable only with role=payer. */
export function payerOnlyRoyalties(): ConsortiumFixture {
  return new ConsortiumFixture()
    .edit('consortium.yaml', /\n  # ott-vendor-2 is added[\s\S]*?members: \[filmmaker, ott-vendor-1\]\n/, '\n')
    .edit('consortium.yaml', '    endorsementPolicy: MAJORITY\n', '    endorsementPolicy: MAJORITY\n    requiredAttribute: role=payer\n')
    .edit('filmmaker.yaml', /  - name: peer2\n    instanceType: bc.t3.medium\n    availabilityZone: us-east-1b\n/, '')
    .edit('filmmaker.yaml', /    - name: peer2\n[\s\S]*$/, '')
    .edit('bank.yaml', /  invitationId: (\S+)\n$/, `  invitationId: $1\n  peers:\n    - name: peer1\n      nodeId: ${BANK_PEER}\n      instanceType: bc.t3.medium\n      availabilityZone: us-east-1c\n`);
}

/**
 * Starts filmmaker and bank on real Fabric 2.2 (CAs, the consortium, one peer each) with nothing
 * on the ledger yet, and the wiring through which msp, channel and chaincode reach them as their
 * operators' Fabric clients would. `stepEnv` is added to every step's environment (e.g. AWS
 * access for the Fabric client). The caller stops the network.
 */
export async function startRoyaltiesFabric(binaries: FabricBinaries, stepEnv: Record<string, string> = {}): Promise<{ fabric: FabricNetwork; wiring: LedgerWiring }> {
  const fabric = await FabricNetwork.start({ networkId: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU', binaries });
  try {
    await Promise.all([
      fabric.startMember({ memberId: FILMMAKER, adminUsername: 'filmadmin', adminPassword: 'Film-Passw0rd' }),
      fabric.startMember({ memberId: BANK, ...BANK_ADMIN }),
    ]);
    await Promise.all([fabric.addToConsortium(FILMMAKER), fabric.addToConsortium(BANK), fabric.startPeer(FILMMAKER, FILMMAKER_PEER), fabric.startPeer(BANK, BANK_PEER)]);
  } catch (error) {
    await fabric.stop();
    throw error;
  }
  const wiring: LedgerWiring = {
    transportFor: (context: CommandContext) => new LocalTransport({ ...fabric.peerCliEnv(context.member.memberId!), ...stepEnv }, `simulator Fabric as ${context.member.name}`),
    directoryFor: (context: CommandContext) => consortiumDirectory(context.consortium, async (_memberId, nodeId) => fabric.peer(nodeId)?.peerEndpoint),
  };
  return { fabric, wiring };
}

/** The bank's identity manager run once against its CA: registers and enrolls its identities into their secrets. */
export async function enrollBankIdentities(fabric: FabricNetwork, fixture: ConsortiumFixture, secrets: SecretsManagerClient): Promise<IdentityReport[]> {
  const ca = await FabricCa.connect({ url: `https://${fabric.member(BANK)!.caEndpoint}`, tlsChain: fabric.tlsCaCertPem, mspId: BANK, ...BANK_ADMIN });
  return reconcileIdentities({
    identities: fixture.load().members.find((member) => member.name === 'bank')!.identities,
    renewBeforeDays: 30,
    mspId: BANK,
    ca,
    store: new SecretsManagerIdentityStore(secrets, BANK_IDENTITY_PREFIX),
    now: () => new Date(),
    dryRun: false,
  });
}

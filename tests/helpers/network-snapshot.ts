/** Builders of network snapshots for the governance decision tests. */
import type { Consortium } from '../../lib/config';
import type { NetworkMember, NetworkProposal, NetworkSnapshot } from '../../lib/governance/snapshot';

export const HOUR = 3_600_000;
export const NOW = new Date('2025-06-01T12:00:00Z');

/** Every configured member with a recorded member id, AVAILABLE, as the network would list it. */
export function recordedMembers(consortium: Consortium, owner?: string): NetworkMember[] {
  return consortium.members
    .filter((member) => member.memberId !== undefined)
    .map((member) => ({ id: member.memberId!, name: member.name, accountId: member.accountId, status: 'AVAILABLE', isOwned: member.name === owner }));
}

export function snapshotOf(consortium: Consortium, overrides: Partial<NetworkSnapshot> = {}): NetworkSnapshot {
  return {
    networkId: consortium.network.id ?? 'n-TESTNETWORK',
    name: consortium.network.name,
    status: 'AVAILABLE',
    votingPolicy: consortium.network.voting,
    members: recordedMembers(consortium),
    proposals: [],
    ...overrides,
  };
}

let sequence = 0;

/** A proposal created `ageHours` before NOW, lasting the policy's 24 hours. */
export function proposal(fields: Partial<NetworkProposal> & { status: string; ageHours?: number }): NetworkProposal {
  const created = new Date(NOW.getTime() - (fields.ageHours ?? 1) * HOUR);
  sequence += 1;
  return {
    id: `p-TEST${String(sequence).padStart(4, '0')}`,
    proposedByMemberId: 'm-J46DNSFRTVCCLONS6DRTU2EJFE',
    creationDate: created,
    expirationDate: new Date(created.getTime() + 24 * HOUR),
    ...fields,
  };
}

export function inviteActions(accountId: string): NetworkProposal['actions'] {
  return { invitations: [accountId], removals: [] };
}

export function removeActions(memberId: string): NetworkProposal['actions'] {
  return { invitations: [], removals: [{ memberId }] };
}

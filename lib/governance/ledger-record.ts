/**
 * The `ledger:` record `npm run sync` writes into a member's YAML: what the member and its
 * peers were created as. lib/config/rules.ts reads it to refuse changes that would replace
 * them, so peers are matched to nodes conservatively and a vanished node drops out.
 */
import type { Member } from '../config/types';

export interface RecordedPeer {
  readonly name: string;
  readonly nodeId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  /** The node existed before the toolkit managed it (npm run adopt). */
  readonly adopted?: boolean;
}

export interface LedgerRecord {
  readonly memberId: string;
  readonly name: string;
  readonly networkId: string;
  /** Absent for the founder. */
  readonly invitationId?: string;
  /** The member was created outside the toolkit and adopted; no stack declares it. */
  readonly adopted?: boolean;
  /** Absent when the member has no peer nodes yet. */
  readonly peers?: readonly RecordedPeer[];
}

export interface NodeView {
  readonly id: string;
  readonly status: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly creationDate: Date;
}

export interface LedgerMatch {
  readonly record: LedgerRecord;
  /** Live nodes of the member that no configured peer accounts for. */
  readonly unmatchedNodes: readonly NodeView[];
}

const GONE: readonly string[] = ['DELETING', 'DELETED', 'FAILED', 'CREATE_FAILED'];

/**
 * Keeps every recorded peer whose node still lives, then gives each unrecorded peer the
 * oldest unclaimed live node of the same instance type and AZ (identical peers are
 * interchangeable, so the order only has to be stable).
 */
export function buildLedgerRecord(member: Member, networkId: string, memberId: string, nodes: readonly NodeView[], recorded: readonly RecordedPeer[]): LedgerMatch {
  const live = nodes.filter((node) => !GONE.includes(node.status)).sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime());
  const claimed = new Set<string>();
  const byPeer = new Map<string, RecordedPeer>();
  for (const peer of recorded) {
    if (live.some((node) => node.id === peer.nodeId)) {
      byPeer.set(peer.name, peer);
      claimed.add(peer.nodeId);
    }
  }
  for (const peer of member.peers) {
    if (byPeer.has(peer.name)) continue;
    const node = live.find((candidate) => !claimed.has(candidate.id) && candidate.instanceType === peer.instanceType && candidate.availabilityZone === peer.availabilityZone);
    if (!node) continue;
    claimed.add(node.id);
    byPeer.set(peer.name, { name: peer.name, nodeId: node.id, instanceType: node.instanceType, availabilityZone: node.availabilityZone });
  }
  const ordered = [...member.peers.map((peer) => byPeer.get(peer.name)), ...recorded.filter((peer) => !member.peers.some((configured) => configured.name === peer.name)).map((peer) => byPeer.get(peer.name))].filter(
    (peer): peer is RecordedPeer => peer !== undefined,
  );
  const record: LedgerRecord = {
    memberId,
    name: member.name,
    networkId,
    ...(member.invitationId !== undefined && !member.isFounder && !member.adopted ? { invitationId: member.invitationId } : {}),
    ...(member.adopted ? { adopted: true } : {}),
    ...(ordered.length > 0 ? { peers: ordered } : {}),
  };
  return { record, unmatchedNodes: live.filter((node) => !claimed.has(node.id)) };
}

/**
 * What one member must do so that a chaincode definition on the ledger matches the YAML
 * (Fabric 2.x lifecycle): install the package on each of its peers, approve the definition for
 * its organisation, and commit it once enough organisations approved (the channel's
 * LifecycleEndorsement rule). A pure function of the YAML, the package id and the ledger state.
 */
import type { Chaincode, Channel } from '../config';
import type { PeerEndpoint } from './directory';
import { required } from './policies';

/** The chaincode-state step's result. */
export interface ChaincodeLedgerState {
  /** Package ids installed, per node id of this member's peers. */
  readonly installed: Readonly<Record<string, readonly string[]>>;
  /** The committed definition, null when there is none. */
  readonly committed: { readonly sequence: number; readonly version: string } | null;
  /** Approvals of the YAML's definition per MSP id; null unless the YAML's sequence is the next one. */
  readonly approvals: Readonly<Record<string, boolean>> | null;
}

export type ChaincodeStep =
  | { readonly kind: 'install'; readonly peer: PeerEndpoint; readonly reason: string }
  | { readonly kind: 'approve'; readonly reason: string }
  | { readonly kind: 'commit'; readonly reason: string }
  | { readonly kind: 'wait'; readonly reason: string };

export interface ChaincodePlanInput {
  readonly chaincode: Chaincode;
  readonly channel: Channel;
  readonly member: string;
  readonly mspId: string;
  readonly peers: readonly PeerEndpoint[];
  readonly packageId: string;
  readonly state: ChaincodeLedgerState;
}

export function planChaincode({ chaincode, channel, member, mspId, peers, packageId, state }: ChaincodePlanInput): ChaincodeStep[] {
  const steps: ChaincodeStep[] = [];
  const label = `${chaincode.name} ${chaincode.version} (sequence ${chaincode.sequence})`;
  for (const peer of peers) {
    if (!(state.installed[peer.nodeId] ?? []).includes(packageId)) steps.push({ kind: 'install', peer, reason: `${peer.name} (${peer.nodeId}) does not hold ${packageId}` });
  }
  const committed = state.committed?.sequence ?? 0;
  if (committed >= chaincode.sequence) return steps;
  if (chaincode.sequence > committed + 1) {
    return [...steps, { kind: 'wait', reason: `${chaincode.channel} has sequence ${committed} committed; sequence ${chaincode.sequence} can only follow ${committed + 1}` }];
  }
  const approvals = state.approvals ?? {};
  const approvedOrgs = Object.keys(approvals).filter((org) => approvals[org]);
  const mine = approvals[mspId] === true;
  if (!mine) steps.push({ kind: 'approve', reason: `${member} has not approved ${label} on ${chaincode.channel}` });
  const orgs = Object.keys(approvals).length || channel.members.length;
  const needed = required(channel.policies.lifecycleEndorsement, orgs);
  const afterMine = approvedOrgs.length + (mine ? 0 : 1);
  if (afterMine >= needed) {
    steps.push({ kind: 'commit', reason: `${afterMine} of ${orgs} organisations approved ${label}; ${channel.policies.lifecycleEndorsement} needs ${needed}` });
  } else {
    steps.push({ kind: 'wait', reason: `${afterMine} of ${orgs} organisations approved ${label}; ${channel.policies.lifecycleEndorsement} needs ${needed} before it can be committed` });
  }
  return steps;
}

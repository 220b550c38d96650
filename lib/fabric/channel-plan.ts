/**
 * What one member must do so that a channel on the ledger matches the YAML: a pure function
 * of the channel's definition, the member's peers and what the ledger says (channel-state step).
 * Fabric 2.2 / AMB system-channel flow: the creator creates the channel; each member joins its
 * own peers from block 0 and sets its own anchor peers by a config update only its admin signs.
 */
import type { Channel } from '../config';
import type { PeerEndpoint } from './directory';

/** The channel as this member's admin reads it (the channel-state step's result). */
export interface ChannelLedgerState {
  /** The orderer knows the channel. */
  readonly exists: boolean;
  /** This member could read its config (it is one of the channel's organisations). */
  readonly readable: boolean;
  /** MSP ids of the channel's application organisations. */
  readonly orgs: readonly string[];
  /** Anchor peers per MSP id. */
  readonly anchorPeers: Readonly<Record<string, readonly { readonly host: string; readonly port: number }[]>>;
  /** Node ids of this member's peers that joined the channel. */
  readonly joined: readonly string[];
}

export type ChannelStep =
  | { readonly kind: 'create'; readonly channel: string; readonly reason: string }
  | { readonly kind: 'join'; readonly channel: string; readonly peer: PeerEndpoint; readonly reason: string }
  | { readonly kind: 'anchor'; readonly channel: string; readonly anchors: readonly string[]; readonly reason: string }
  | { readonly kind: 'wait'; readonly channel: string; readonly reason: string };

export interface ChannelPlanInput {
  readonly channel: Channel;
  /** The acting member's name. */
  readonly member: string;
  readonly mspId: string;
  /** The acting member's peers. */
  readonly peers: readonly PeerEndpoint[];
  readonly state: ChannelLedgerState;
}

export function planChannel({ channel, member, mspId, peers, state }: ChannelPlanInput): ChannelStep[] {
  const name = channel.name;
  if (!channel.members.includes(member)) return [];
  if (!state.exists && channel.creator !== member) {
    return [{ kind: 'wait', channel: name, reason: `${channel.creator} creates ${name}; run npm run channel -- --member ${member} again after it has` }];
  }
  if (state.exists && (!state.readable || !state.orgs.includes(mspId))) {
    return [{ kind: 'wait', channel: name, reason: `${member} (${mspId}) is not an organisation of ${name} yet; the channel's members add it by a config update signed by a majority of them` }];
  }
  const steps: ChannelStep[] = [];
  if (!state.exists) steps.push({ kind: 'create', channel: name, reason: `${name} does not exist and ${member} is its creator` });
  for (const peer of peers) {
    if (!state.joined.includes(peer.nodeId)) steps.push({ kind: 'join', channel: name, peer, reason: `${peer.name} (${peer.nodeId}) has not joined ${name}` });
  }
  const wanted = peers.filter((peer) => peer.name === channel.anchorPeers[member]).map((peer) => peer.endpoint);
  const current = (state.anchorPeers[mspId] ?? []).map((anchor) => `${anchor.host}:${anchor.port}`);
  if (wanted.length > 0 && !sameSet(wanted, current)) {
    steps.push({ kind: 'anchor', channel: name, anchors: wanted, reason: current.length === 0 ? `${member} has no anchor peer on ${name}` : `${member}'s anchor peers are ${current.join(', ')}, the YAML asks for ${wanted.join(', ')}` });
  }
  return steps;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, index) => value === [...b].sort()[index]);
}

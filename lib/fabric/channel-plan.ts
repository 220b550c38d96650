/**
 * What one member must do so that a channel on the ledger matches the YAML: a pure function
 * of the channel's definition, the member's peers, what the ledger says (channel-state step)
 * and the channel's config updates in git (channels/<channel>/updates/).
 * Fabric 2.2 / AMB system-channel flow: the creator creates the channel; each member joins its
 * own peers from block 0 and sets its own anchor peers by a config update only its admin signs.
 * A member the YAML adds to (or drops from) an existing channel changes the channel's
 * Application group, whose mod_policy (`/Channel/Application/Admins`, MAJORITY Admins by
 * default) needs signatures of the admins of a majority of the channel's current organisations
 * (Fabric docs, "Updating a channel configuration"; "Adding an Org to a Channel"): one member
 * computes the update, each member signs it in its own account, and the member whose
 * signature completes the majority submits it.
 */
import type { Channel, PolicyRule } from '../config';
import type { PeerEndpoint } from './directory';
import { required } from './policies';

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
  /** The config's sequence (0 at creation, +1 with every config update); 0 when unreadable. */
  readonly sequence: number;
  /**
   * The rule of `/Channel/Application`'s mod_policy when it is an ImplicitMeta policy (whose
   * signatures a change of the channel's organisations needs), else null.
   */
  readonly adminsRule: PolicyRule | null;
  /**
   * Version of every config element by path: `g:/Channel/Application` (group),
   * `v:/Channel/Application/<msp>/MSP` (value), `p:/Channel/Application/Admins` (policy).
   * An update applies only while the versions of its read set are still these.
   */
  readonly versions: Readonly<Record<string, number>>;
}

/** A config update of the channel's organisations, as recorded in git (see channel-update.ts). */
export interface ChannelUpdateSummary {
  /** Folder name under channels/<channel>/updates/. */
  readonly name: string;
  /** The config sequence it was computed from. */
  readonly baseSequence: number;
  /** MSP ids it adds. */
  readonly add: readonly string[];
  /** MSP ids it removes. */
  readonly remove: readonly string[];
  /** Versions the update reads (its read set, by the paths of ChannelLedgerState.versions). */
  readonly readSet: Readonly<Record<string, number>>;
  /** MSP ids whose admin's signature in git verifies. */
  readonly signedBy: readonly string[];
  /** Signatures needed, as computed from the channel's config when the update was made. */
  readonly required: number;
  /** MSP ids of the channel's organisations when it was computed (who may sign). */
  readonly signers: readonly string[];
}

export type ChannelStep =
  | { readonly kind: 'create'; readonly channel: string; readonly reason: string }
  | { readonly kind: 'join'; readonly channel: string; readonly peer: PeerEndpoint; readonly reason: string }
  | { readonly kind: 'anchor'; readonly channel: string; readonly anchors: readonly string[]; readonly reason: string }
  | { readonly kind: 'compute'; readonly channel: string; readonly update: string; readonly add: readonly string[]; readonly remove: readonly string[]; readonly reason: string }
  | { readonly kind: 'sign'; readonly channel: string; readonly update: string; readonly reason: string }
  | { readonly kind: 'submit'; readonly channel: string; readonly update: string; readonly reason: string }
  /** A recorded update the ledger has moved past: its signatures no longer count. */
  | { readonly kind: 'stale'; readonly channel: string; readonly update: string; readonly reason: string }
  /** A recorded update that still applies but that the YAML no longer asks for. */
  | { readonly kind: 'obsolete'; readonly channel: string; readonly update: string; readonly reason: string }
  | { readonly kind: 'wait'; readonly channel: string; readonly update?: string; readonly reason: string };

/** Steps that wait for someone else (or for a person to tidy git): reported as `waiting`. */
export const WAITING_STEPS: ReadonlySet<ChannelStep['kind']> = new Set(['wait', 'stale', 'obsolete']);

export interface ChannelPlanInput {
  readonly channel: Channel;
  /** The acting member's name. */
  readonly member: string;
  readonly mspId: string;
  /** The acting member's peers. */
  readonly peers: readonly PeerEndpoint[];
  readonly state: ChannelLedgerState;
  /** MSP id by member name, for every consortium member whose member id is recorded. */
  readonly mspIds: Readonly<Record<string, string>>;
  /** The channel's config updates in git. */
  readonly updates?: readonly ChannelUpdateSummary[];
  /** Members whose public MSP (members/msp/<member>/) is in git. */
  readonly publishedMsp?: readonly string[];
}

export function planChannel(input: ChannelPlanInput): ChannelStep[] {
  const { channel, member, mspId, peers, state } = input;
  const name = channel.name;
  if (!channel.members.includes(member)) {
    // A member the YAML drops may still be one of the channel's organisations: its signature
    // can count towards its own removal (MAJORITY of 2 needs both).
    return state.readable && state.orgs.includes(mspId) ? planMembership(input) : [];
  }
  if (!state.exists && channel.creator !== member) {
    return [{ kind: 'wait', channel: name, reason: `${channel.creator} creates ${name}; run npm run channel -- --member ${member} again after it has` }];
  }
  if (state.exists && (!state.readable || !state.orgs.includes(mspId))) return [waitForAddition(input)];
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
  if (state.exists) steps.push(...planMembership(input));
  return steps;
}

/**
 * The update's first read-set element whose version the channel has moved past, described;
 * undefined while the update still applies (the orderer checks exactly this: Fabric
 * common/configtx, `verifyReadSet`).
 */
export function staleness(update: Pick<ChannelUpdateSummary, 'readSet'>, versions: Readonly<Record<string, number>>): string | undefined {
  for (const [path, version] of Object.entries(update.readSet)) {
    const now = versions[path];
    if (now === undefined) return `${path.slice(2)} no longer exists`;
    if (now !== version) return `${path.slice(2)} is at version ${now}, the update was computed at ${version}`;
  }
  return undefined;
}

/** The folder name of an update: `seq<base sequence>-add-<member>-remove-<member>`. */
export function updateName(sequence: number, add: readonly string[], remove: readonly string[], nameOf: (mspId: string) => string): string {
  return [`seq${sequence}`, ...add.map((id) => `add-${nameOf(id)}`), ...remove.map((id) => `remove-${nameOf(id)}`)].join('-');
}

function namer(mspIds: Readonly<Record<string, string>>): (mspId: string) => string {
  const names = new Map(Object.entries(mspIds).map(([member, id]) => [id, member]));
  return (id) => names.get(id) ?? id;
}

/** The acting member is an organisation of the channel: compute, sign, submit what the YAML adds or drops. */
function planMembership({ channel, member, mspId, state, mspIds, updates = [], publishedMsp }: ChannelPlanInput): ChannelStep[] {
  const name = channel.name;
  const nameOf = namer(mspIds);
  const unsynced = channel.members.filter((candidate) => mspIds[candidate] === undefined);
  if (unsynced.length > 0) {
    return [{ kind: 'wait', channel: name, reason: `the member id of ${unsynced.join(', ')} is not recorded yet: npm run sync -- --member ${unsynced[0]} once its deploy created the member` }];
  }
  const wanted = channel.members.map((candidate) => mspIds[candidate]);
  const add = wanted.filter((id) => !state.orgs.includes(id)).sort();
  const remove = state.orgs.filter((id) => !wanted.includes(id)).sort();
  const matches = (update: ChannelUpdateSummary) => sameSet(update.add, add) && sameSet(update.remove, remove);
  const reflected = (update: ChannelUpdateSummary) => update.add.every((id) => state.orgs.includes(id)) && update.remove.every((id) => !state.orgs.includes(id));
  const fresh = updateName(state.sequence, add, remove, nameOf);
  const steps: ChannelStep[] = [];
  for (const update of updates) {
    if (reflected(update)) continue;
    const stale = staleness(update, state.versions);
    if (stale && matches(update)) {
      steps.push({ kind: 'stale', channel: name, update: update.name, reason: `computed at config sequence ${update.baseSequence}, but ${name} has changed since (${stale}), so its signatures can no longer be used; ${update.name === fresh ? 'it' : `${fresh} replaces it`}: delete channels/${name}/updates/${update.name}/` });
    } else if (!stale && !matches(update)) {
      steps.push({ kind: 'obsolete', channel: name, update: update.name, reason: `the YAML no longer asks for what it does (${describe(update.add, update.remove, nameOf)}); delete channels/${name}/updates/${update.name}/ so nobody submits it` });
    }
  }
  if (add.length === 0 && remove.length === 0) return steps;
  const change = describe(add, remove, nameOf);
  const unpublished = add.map(nameOf).filter((candidate) => publishedMsp !== undefined && !publishedMsp.includes(candidate));
  if (unpublished.length > 0) {
    return [...steps, { kind: 'wait', channel: name, reason: `${change} needs ${unpublished.join(', ')}'s MSP in git: ${unpublished.map((candidate) => `npm run msp -- --member ${candidate}`).join('; ')}, then commit members/msp/` }];
  }
  const rule = state.adminsRule ?? channel.policies.admins;
  const needed = required(rule, state.orgs.length);
  const live = updates.find((update) => matches(update) && staleness(update, state.versions) === undefined);
  const updateOf = live?.name ?? fresh;
  if (!live) steps.push({ kind: 'compute', channel: name, update: updateOf, add, remove, reason: `the YAML ${change} and no update in git does it at config sequence ${state.sequence}` });
  const signed = (live?.signedBy ?? []).filter((id) => state.orgs.includes(id));
  if (!signed.includes(mspId)) {
    steps.push({ kind: 'sign', channel: name, update: updateOf, reason: `${member}'s admin has not signed it` });
    signed.push(mspId);
  }
  const count = `${signed.length} of the ${state.orgs.length} organisations of ${name} signed (${signed.map(nameOf).join(', ')}); ${rule} Admins needs ${needed}`;
  if (signed.length >= needed) {
    steps.push({ kind: 'submit', channel: name, update: updateOf, reason: count });
  } else {
    const unsigned = state.orgs.filter((id) => !signed.includes(id)).map(nameOf);
    steps.push({ kind: 'wait', channel: name, update: updateOf, reason: `${count}: still to sign, ${needed - signed.length} of ${unsigned.join(', ')} (npm run channel -- --member M)` });
  }
  return steps;
}

/** The acting member is not an organisation of the channel yet: say whose signatures the update adding it still needs. */
function waitForAddition({ channel, member, mspId, mspIds, updates = [], publishedMsp }: ChannelPlanInput): ChannelStep {
  const name = channel.name;
  const nameOf = namer(mspIds);
  const notYet = `${member} (${mspId}) is not an organisation of ${name} yet`;
  if (publishedMsp !== undefined && !publishedMsp.includes(member)) {
    return { kind: 'wait', channel: name, reason: `${notYet}; publish its MSP first (npm run msp -- --member ${member}, commit members/msp/${member}/), then the channel's members compute the update that adds it` };
  }
  const update = [...updates].filter((candidate) => candidate.add.includes(mspId)).sort((a, b) => b.baseSequence - a.baseSequence)[0];
  const others = channel.members.filter((candidate) => candidate !== member);
  if (!update) {
    return { kind: 'wait', channel: name, reason: `${notYet}; one of its organisations computes and signs the update that adds it (npm run channel -- --member M, M one of ${others.join(', ')})` };
  }
  const signed = update.signedBy.filter((id) => update.signers.includes(id));
  if (signed.length >= update.required) {
    return { kind: 'wait', channel: name, update: update.name, reason: `${notYet}; ${update.name} has the ${update.required} signatures it needs: any of ${update.signers.map(nameOf).join(', ')} submits it (npm run channel -- --member M)` };
  }
  const unsigned = update.signers.filter((id) => !signed.includes(id)).map(nameOf);
  return { kind: 'wait', channel: name, update: update.name, reason: `${notYet}; ${update.name} has ${signed.length} of the ${update.required} signatures it needs: still to sign, ${update.required - signed.length} of ${unsigned.join(', ')} (npm run channel -- --member M)` };
}

function describe(add: readonly string[], remove: readonly string[], nameOf: (mspId: string) => string): string {
  return [add.length > 0 ? `adds ${add.map(nameOf).join(', ')}` : '', remove.length > 0 ? `removes ${remove.map(nameOf).join(', ')}` : ''].filter(Boolean).join(' and ');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, index) => value === [...b].sort()[index]);
}

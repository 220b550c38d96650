/**
 * Adoption: what `npm run adopt` records about a network, member and nodes that were created
 * outside this toolkit (in the console or with the CLI), as pure functions from what AMB
 * reports and what the YAML says to YAML edits or located refusals.
 *
 * Nothing about an existing member or node can be changed but its logging (AMB API reference:
 * UpdateMember, UpdateNode), and CloudFormation cannot import either (legacy resource types
 * without handlers), so adoption only records: the stacks then never declare what it found.
 */
import type { RawConsortium, RawMember } from './config/raw';
import type { ConfigIssue } from './config/issues';
import type { YamlEdit } from './config/record';
import type { SourceFile } from './config/source';
import { networkRecordEdit, type NetworkRecord } from './config/network-record';
import type { NodeView, RecordedPeer } from './governance/ledger-record';

/** The member the credentials own, as ListMembers and GetMember report it. */
export interface OwnedMemberView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** From the member's ARN. */
  readonly accountId: string;
  /** Fabric CA admin user name (GetMember FrameworkAttributes.Fabric.AdminUsername). */
  readonly adminUsername: string;
}

export interface AdoptionInput {
  /** What GetNetwork reports the network was created with. */
  readonly network: NetworkRecord;
  readonly member: OwnedMemberView;
  /** Every node ListNodes returns for the member, whatever its status. */
  readonly nodes: readonly NodeView[];
  /** consortium.yaml, parsed with positions. */
  readonly consortiumSource: SourceFile;
  readonly consortium: RawConsortium;
  /** The member's file, absent when adopt creates it. */
  readonly memberSource?: SourceFile;
  readonly memberRaw?: RawMember;
  /** Secret to record as adminSecretArn, when one was given or stored. */
  readonly adminSecretArn?: string;
}

export interface AdoptedPeer {
  readonly name: string;
  readonly nodeId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  /** `recorded` was in the ledger record already, `matched` to a peers entry, `added` as a new entry. */
  readonly how: 'recorded' | 'matched' | 'added';
}

export interface AdoptionPlan {
  /** Refusals: where the YAML disagrees with the network. Nothing is written when any exists. */
  readonly conflicts: readonly ConfigIssue[];
  readonly consortiumEdits: readonly YamlEdit[];
  readonly memberEdits: readonly YamlEdit[];
  readonly peers: readonly AdoptedPeer[];
  /** peers entries that match no existing node: the next deploy creates them. */
  readonly newPeers: readonly string[];
}

/** Node states that mean the node no longer runs (AMB API reference: NodeStatus). */
const GONE: readonly string[] = ['DELETING', 'DELETED', 'FAILED', 'CREATE_FAILED'];

const NETWORK_COMMENT = 'Recorded by `npm run adopt` from the network as AMB reports it.';
const NETWORK_RECORD_COMMENT = 'Written by `npm run adopt`, kept by `npm run sync`: what the network was created with; AMB cannot change it. Do not edit.';
const ADOPTED_LEDGER_COMMENT = 'Written by `npm run adopt`: the member and nodes that existed before this toolkit managed them. Do not edit.';

export function planAdoption(input: AdoptionInput): AdoptionPlan {
  const conflicts: ConfigIssue[] = [];
  const consortiumEdits = planNetwork(input, conflicts);
  const { edits: memberEdits, peers, newPeers } = planMember(input, conflicts);
  return { conflicts, consortiumEdits, memberEdits, peers, newPeers };
}

/**
 * network.* in consortium.yaml: fill what is absent, refuse what differs; then the network
 * record (lib/config/network-record.ts) that freezes those settings, as sync writes it.
 */
function planNetwork({ network, consortium, consortiumSource }: AdoptionInput, conflicts: ConfigIssue[]): YamlEdit[] {
  const edits: YamlEdit[] = [];
  const written = consortium.network ?? {};
  const reported: readonly [readonly string[], unknown, unknown, readonly string[]][] = [
    [['network', 'id'], written.id, network.networkId, ['description', 'name']],
    [['network', 'name'], written.name, network.name, []],
    [['network', 'description'], written.description, network.description, ['name']],
    [['network', 'frameworkVersion'], written.frameworkVersion, network.frameworkVersion, ['id', 'description', 'name']],
    [['network', 'edition'], written.edition, network.edition, ['frameworkVersion', 'id', 'description', 'name']],
    [['network', 'voting', 'thresholdPercentage'], written.voting?.thresholdPercentage, network.voting.thresholdPercentage, []],
    [['network', 'voting', 'proposalDurationInHours'], written.voting?.proposalDurationInHours, network.voting.proposalDurationInHours, ['thresholdPercentage']],
    [['network', 'voting', 'thresholdComparator'], written.voting?.thresholdComparator, network.voting.thresholdComparator, ['proposalDurationInHours', 'thresholdPercentage']],
  ];
  for (const [path, inFile, inNetwork, after] of reported) {
    if (inNetwork === undefined) continue;
    if (inFile === undefined) {
      edits.push({ path, value: inNetwork, after, ...(path[1] === 'id' ? { comment: NETWORK_COMMENT } : {}) });
    } else if (inFile !== inNetwork) {
      conflicts.push(
        consortiumSource.issueAt(path, `${JSON.stringify(inFile)} differs from network ${network.networkId}, which AMB reports as ${JSON.stringify(inNetwork)}; a network's settings never change`, JSON.stringify(inNetwork)),
      );
    }
  }
  if (written.voting === undefined && edits.some((edit) => edit.path[1] === 'voting')) {
    const voting = edits.filter((edit) => edit.path[1] === 'voting');
    edits.splice(edits.indexOf(voting[0]), voting.length, {
      path: ['network', 'voting'],
      value: Object.fromEntries(voting.map((edit) => [edit.path[2], edit.value])),
      after: ['region', 'edition'],
    });
  }
  edits.push({ ...networkRecordEdit(network), comment: NETWORK_RECORD_COMMENT });
  return edits;
}

/** The member's file: account, admin, secret, peers marked adopted and the ledger record. */
function planMember(input: AdoptionInput, conflicts: ConfigIssue[]): { edits: YamlEdit[]; peers: AdoptedPeer[]; newPeers: string[] } {
  const { member, network, memberSource, memberRaw = {} } = input;
  const edits: YamlEdit[] = [];
  const refuse = (path: readonly (string | number)[], problem: string, allowed: string) => {
    if (memberSource) conflicts.push(memberSource.issueAt(path, problem, allowed));
  };
  const record = memberRaw.ledger;
  if (record?.memberId !== undefined && record.memberId !== member.id) {
    refuse(['ledger', 'memberId'], `this file records member ${record.memberId}, but these credentials own ${member.name} as member ${member.id}`, `${member.id}, or the credentials of ${record.memberId}'s account`);
  } else if (record?.memberId !== undefined && record.adopted !== true) {
    refuse(['ledger'], `member ${record.memberId} was created by this member's stack; there is nothing to adopt`, 'npm run sync to refresh its record');
  }
  if (memberRaw.accountId !== undefined && memberRaw.accountId !== member.accountId) {
    refuse(['accountId'], `member ${member.id} belongs to account ${member.accountId}`, `"${member.accountId}"`);
  }
  if (memberRaw.adminUsername !== undefined && memberRaw.adminUsername !== member.adminUsername) {
    refuse(['adminUsername'], `member ${member.id}'s Fabric CA admin is ${member.adminUsername}, and it cannot change`, member.adminUsername);
  }
  if (memberRaw.accountId === undefined) edits.push({ path: ['accountId'], value: member.accountId, after: ['description'] });
  if (memberRaw.adminUsername === undefined) edits.push({ path: ['adminUsername'], value: member.adminUsername, after: ['region', 'planRoleArn', 'deployRoleArn', 'accountId'] });
  if (input.adminSecretArn !== undefined) edits.push({ path: ['adminSecretArn'], value: input.adminSecretArn, after: ['adminUsername', 'accountId'] });

  const matched = matchPeers(input, refuse);
  edits.push(...matched.edits);
  const ledgerPeers: RecordedPeer[] = matched.peers.map((peer) => ({ name: peer.name, nodeId: peer.nodeId, instanceType: peer.instanceType, availabilityZone: peer.availabilityZone, adopted: true }));
  const keptCreated = (record?.peers ?? []).filter((entry): entry is RecordedPeer => entry?.adopted !== true && entry?.nodeId !== undefined && !ledgerPeers.some((peer) => peer.nodeId === entry.nodeId));
  edits.push({
    path: ['ledger'],
    value: { memberId: member.id, name: member.name, networkId: network.networkId, adopted: true, ...(ledgerPeers.length + keptCreated.length > 0 ? { peers: [...ledgerPeers, ...keptCreated] } : {}) },
    comment: ADOPTED_LEDGER_COMMENT,
  });
  return { edits, peers: matched.peers, newPeers: matched.newPeers };
}

/**
 * Gives every live node of the member a peers entry: its recorded one, else an unrecorded
 * entry of the same instance type and AZ (oldest node first), else a new entry named after
 * the first free peerN. A recorded node that is not a live node of this member is refused.
 */
function matchPeers(input: AdoptionInput, refuse: (path: readonly (string | number)[], problem: string, allowed: string) => void): { edits: YamlEdit[]; peers: AdoptedPeer[]; newPeers: string[] } {
  const { member, nodes, memberRaw = {} } = input;
  const configured = (memberRaw.peers ?? []).map((peer, index) => ({ index, name: peer?.name ?? `peer${index + 1}`, peer }));
  const live = nodes.filter((node) => !GONE.includes(node.status)).sort((a, b) => a.creationDate.getTime() - b.creationDate.getTime());
  const claimed = new Map<string, { name: string; how: AdoptedPeer['how']; index?: number }>();
  const createdByStack = new Set<string>();
  (memberRaw.ledger?.peers ?? []).forEach((entry, index) => {
    if (entry?.nodeId === undefined || entry.name === undefined) return;
    const node = nodes.find((candidate) => candidate.id === entry.nodeId);
    if (!node) {
      refuse(['ledger', 'peers', index, 'nodeId'], `node ${entry.nodeId} is not a node of member ${member.id} (${member.name})`, `one of ${live.map((candidate) => candidate.id).join(', ') || 'no nodes: the member has none'}`);
    } else if (GONE.includes(node.status)) {
      refuse(['ledger', 'peers', index, 'nodeId'], `node ${entry.nodeId} of member ${member.id} is ${node.status}`, `remove peer ${entry.name} from peers and from this record`);
    } else if (entry.adopted !== true) {
      // Created by the stack since the adoption (npm run sync recorded it): stays as it is.
      createdByStack.add(node.id);
    } else {
      claimed.set(node.id, { name: entry.name, how: 'recorded', index: configured.find((peer) => peer.name === entry.name)?.index });
    }
  });
  const recordedNames = new Set([...(memberRaw.ledger?.peers ?? []).map((entry) => entry?.name)]);
  for (const entry of configured) {
    if (recordedNames.has(entry.name)) continue;
    const node = live.find((candidate) => !claimed.has(candidate.id) && !createdByStack.has(candidate.id) && candidate.instanceType === entry.peer?.instanceType && candidate.availabilityZone === entry.peer?.availabilityZone);
    if (node) claimed.set(node.id, { name: entry.name, how: 'matched', index: entry.index });
  }
  const edits: YamlEdit[] = [];
  const peers: AdoptedPeer[] = [];
  const names = new Set(configured.map((entry) => entry.name));
  const added: Record<string, unknown>[] = [];
  for (const node of live.filter((candidate) => !createdByStack.has(candidate.id))) {
    let claim = claimed.get(node.id);
    if (!claim) {
      let number = 1;
      while (names.has(`peer${number}`)) number++;
      names.add(`peer${number}`);
      claim = { name: `peer${number}`, how: 'added' };
      added.push({ name: claim.name, instanceType: node.instanceType, availabilityZone: node.availabilityZone, adopted: true });
    } else if (claim.index !== undefined && memberRaw.peers?.[claim.index]?.adopted !== true) {
      edits.push({ path: ['peers', claim.index, 'adopted'], value: true });
    }
    peers.push({ name: claim.name, nodeId: node.id, instanceType: node.instanceType, availabilityZone: node.availabilityZone, how: claim.how });
  }
  if (added.length > 0) {
    if (memberRaw.peers === undefined) edits.push({ path: ['peers'], value: added, after: ['endpoint', 'vpc', 'adminSecretArn', 'adminUsername'] });
    else added.forEach((entry, offset) => edits.push({ path: ['peers', configured.length + offset], value: entry }));
  }
  const adoptedNames = new Set(peers.map((peer) => peer.name));
  const newPeers = configured.filter((entry) => !adoptedNames.has(entry.name) && entry.peer?.adopted !== true).map((entry) => entry.name);
  return { edits, peers, newPeers };
}

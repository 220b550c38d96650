/**
 * Reads the live statuses the diagram shows: the network, its members and each configured
 * member's nodes, through the shared paginated readers. Matching nodes to peers is pure.
 */
import { GetNetworkCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { explainFailure } from './amb-errors';
import type { Consortium, Peer } from './config';
import type { LiveExtraNode, LiveMember, LiveResource, LiveStatus } from './diagram';
import { OperationalError } from './errors';
import type { NodeView } from './governance/ledger-record';
import type { NetworkMember } from './governance/snapshot';
import { listMembers, listNodes, mapConcurrently } from './network-reader';

/** ListNodes calls in flight at once, one per member. */
const NODE_LIST_CONCURRENCY = 4;

/**
 * Pairs configured peers with nodes: AMB nodes carry no name, so a peer takes the oldest
 * unclaimed node of its instance type and AZ, preferring nodes that still exist. Unlike the
 * ledger record (lib/governance/ledger-record.ts), failed and deleting nodes still pair: the
 * diagram is where an operator should see them.
 */
export function matchNodesToPeers(peers: readonly Peer[], nodes: readonly NodeView[]): { peers: Record<string, LiveResource>; extraNodes: LiveExtraNode[] } {
  const candidates = [...nodes].sort(
    (a, b) =>
      Number(a.status === 'DELETED') - Number(b.status === 'DELETED') ||
      a.creationDate.getTime() - b.creationDate.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const claimed = new Set<string>();
  const matched: Record<string, LiveResource> = {};
  for (const peer of peers) {
    const node = candidates.find((candidate) => !claimed.has(candidate.id) && candidate.instanceType === peer.instanceType && candidate.availabilityZone === peer.availabilityZone);
    if (!node) continue;
    claimed.add(node.id);
    matched[peer.name] = { id: node.id, status: node.status };
  }
  const extraNodes = candidates
    .filter((node) => !claimed.has(node.id) && node.status !== 'DELETED')
    .map(({ id, status, instanceType, availabilityZone }) => ({ id, status, instanceType, availabilityZone }));
  return { peers: matched, extraNodes };
}

/**
 * The member a configured name refers to: names are unique among live members, but a deleted
 * member may have left its name behind, so a live one wins over a deleted one.
 */
export function pickMember(members: readonly NetworkMember[], name: string): NetworkMember | undefined {
  const named = members.filter((member) => member.name === name);
  return named.find((member) => member.status !== 'DELETED') ?? named.at(-1);
}

export async function readNetworkStatus(client: ManagedBlockchainClient, consortium: Consortium): Promise<LiveStatus> {
  const networkId = consortium.network.id;
  if (networkId === undefined) {
    const founder = consortium.founder;
    throw new OperationalError(
      `network.id is not set in ${consortium.dir}/consortium.yaml, so there is no network to read statuses from: deploy the founder's stack (${founder}), record the id with npm run sync -- --member ${founder}, then run again; or drop --live for the diagram from the config alone`,
    );
  }
  const failure = (operation: string) => (error: unknown) => {
    throw describeFailure(operation, networkId, consortium.network.region, error);
  };
  const network = await client.send(new GetNetworkCommand({ NetworkId: networkId })).catch(failure('GetNetwork'));
  const inNetwork = await listMembers(client, networkId).catch(failure('ListMembers'));

  const present = consortium.members.flatMap((member) => {
    const found = pickMember(inNetwork, member.name);
    return found ? [{ member, found }] : [];
  });
  const nodeLists = await mapConcurrently(present, NODE_LIST_CONCURRENCY, ({ found }) => visibleNodes(client, networkId, found.id).catch(failure('ListNodes')));
  const members: Record<string, LiveMember> = {};
  present.forEach(({ member, found }, index) => {
    const nodes = nodeLists[index];
    const matched = nodes ? matchNodesToPeers(member.peers, nodes) : { peers: {}, extraNodes: [] };
    members[member.name] = { id: found.id, status: found.status, ...matched, nodesVisible: nodes !== undefined };
  });

  const configured = new Set(consortium.members.map((member) => member.name));
  const unknownMembers = inNetwork
    .filter((member) => !configured.has(member.name) && member.status !== 'DELETED')
    .map(({ id, name, status }) => ({ id, name, status }));
  return { networkStatus: network.Network?.Status ?? 'UNKNOWN', members, unknownMembers };
}

/** The member's nodes, or undefined when AMB keeps them private to another account. */
async function visibleNodes(client: ManagedBlockchainClient, networkId: string, memberId: string): Promise<NodeView[] | undefined> {
  try {
    return await listNodes(client, networkId, memberId);
  } catch (error) {
    if (error instanceof Error && error.name === 'AccessDeniedException') return undefined;
    throw error;
  }
}

function describeFailure(operation: string, networkId: string, region: string, error: unknown): unknown {
  const withoutLive = 'or drop --live for the diagram from the config alone';
  if (error instanceof Error && error.name === 'ResourceNotFoundException') {
    return new OperationalError(
      `${operation}: network ${networkId} was not found in ${region} (${error.message}): check network.id in consortium.yaml and that the credentials are those of a member of it; ${withoutLive}`,
      { cause: error },
    );
  }
  const explained = explainFailure(error, { region });
  if (explained instanceof OperationalError) return new OperationalError(`${operation} on ${networkId}: ${explained.message}; ${withoutLive}`, { cause: error });
  return explained;
}

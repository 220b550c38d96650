/**
 * Reads the live statuses the diagram shows: the network, its members and each configured
 * member's nodes, with the SDK's paginators. Matching nodes to configured peers is pure.
 */
import {
  GetNetworkCommand,
  paginateListMembers,
  paginateListNodes,
  type ManagedBlockchainClient,
  type MemberSummary,
  type NodeSummary,
} from '@aws-sdk/client-managedblockchain';
import { LIST_PAGE_SIZE } from './amb';
import type { Consortium, Peer } from './config';
import type { LiveExtraNode, LiveMember, LiveResource, LiveStatus } from './diagram';
import { OperationalError } from './errors';

/** A node summary reduced to what matching and the diagram need. */
export interface NodeFact {
  readonly id: string;
  readonly status: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  /** Epoch ms; orders nodes of the same shape. */
  readonly createdAt: number;
}

/**
 * Pairs configured peers with nodes: AMB nodes carry no name, so a peer takes the oldest
 * unclaimed node of its instance type and AZ, preferring nodes that still exist.
 */
export function matchNodesToPeers(peers: readonly Peer[], nodes: readonly NodeFact[]): { peers: Record<string, LiveResource>; extraNodes: LiveExtraNode[] } {
  const candidates = [...nodes].sort(
    (a, b) => Number(a.status === 'DELETED') - Number(b.status === 'DELETED') || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
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
export function pickMember(summaries: readonly MemberSummary[], name: string): MemberSummary | undefined {
  const named = summaries.filter((summary) => summary.Name === name);
  return named.find((summary) => summary.Status !== 'DELETED') ?? named.sort((a, b) => (b.CreationDate?.getTime() ?? 0) - (a.CreationDate?.getTime() ?? 0))[0];
}

export async function readNetworkStatus(client: ManagedBlockchainClient, consortium: Consortium): Promise<LiveStatus> {
  const networkId = consortium.network.id;
  if (networkId === undefined) {
    const founder = consortium.founder;
    throw new OperationalError(
      `network.id is not set in ${consortium.dir}/consortium.yaml, so there is no network to read statuses from: deploy the founder's stack (${founder}), record the id with npm run sync -- --member ${founder}, then run again; or drop --live for the diagram from the config alone`,
    );
  }
  const network = await call('GetNetwork', networkId, () => client.send(new GetNetworkCommand({ NetworkId: networkId })));
  const summaries: MemberSummary[] = [];
  await call('ListMembers', networkId, async () => {
    for await (const page of paginateListMembers({ client, pageSize: LIST_PAGE_SIZE.members }, { NetworkId: networkId })) summaries.push(...(page.Members ?? []));
  });

  const members: Record<string, LiveMember> = {};
  for (const member of consortium.members) {
    const summary = pickMember(summaries, member.name);
    if (!summary?.Id) continue;
    const nodes = await listNodes(client, networkId, summary.Id);
    const matched = nodes ? matchNodesToPeers(member.peers, nodes) : { peers: {}, extraNodes: [] };
    members[member.name] = { id: summary.Id, status: summary.Status ?? 'UNKNOWN', ...matched, nodesVisible: nodes !== undefined };
  }
  const configured = new Set(consortium.members.map((member) => member.name));
  const unknownMembers = summaries
    .filter((summary) => summary.Id && summary.Name && !configured.has(summary.Name) && summary.Status !== 'DELETED')
    .map((summary) => ({ id: summary.Id!, name: summary.Name!, status: summary.Status ?? 'UNKNOWN' }));
  return { networkStatus: network.Network?.Status ?? 'UNKNOWN', members, unknownMembers };
}

/** The member's nodes, or undefined when these credentials may not list them. */
async function listNodes(client: ManagedBlockchainClient, networkId: string, memberId: string): Promise<NodeFact[] | undefined> {
  const nodes: NodeSummary[] = [];
  try {
    for await (const page of paginateListNodes({ client, pageSize: LIST_PAGE_SIZE.nodes }, { NetworkId: networkId, MemberId: memberId })) nodes.push(...(page.Nodes ?? []));
  } catch (error) {
    if (errorName(error) === 'AccessDeniedException') return undefined;
    throw failure('ListNodes', networkId, error);
  }
  return nodes.map((node) => ({
    id: node.Id ?? '',
    status: node.Status ?? 'UNKNOWN',
    instanceType: node.InstanceType ?? '',
    availabilityZone: node.AvailabilityZone ?? '',
    createdAt: node.CreationDate?.getTime() ?? 0,
  }));
}

async function call<T>(operation: string, networkId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw failure(operation, networkId, error);
  }
}

function failure(operation: string, networkId: string, error: unknown): OperationalError {
  const name = errorName(error);
  const detail = error instanceof Error ? error.message : String(error);
  const advice =
    name === 'ResourceNotFoundException'
      ? `check network.id in consortium.yaml and that the region and credentials are those of a member of ${networkId}`
      : 'check the AWS credentials (a member of the network), the region, and AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN when using the simulator; or drop --live for the diagram from the config alone';
  return new OperationalError(`${operation} on ${networkId} failed (${name}: ${detail}): ${advice}`, { cause: error });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

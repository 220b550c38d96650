/**
 * Reads what governance decides on: the network, its members, its proposals (details and
 * votes only for those in progress) and an account's invitations and nodes. Every list is
 * paginated at AMB's largest page; closed proposals cost no call beyond their list page.
 */
import {
  GetNetworkCommand,
  GetProposalCommand,
  paginateListInvitations,
  paginateListMembers,
  paginateListNetworks,
  paginateListNodes,
  paginateListProposals,
  paginateListProposalVotes,
  type ManagedBlockchainClient,
  type ProposalSummary,
} from '@aws-sdk/client-managedblockchain';
import { LIST_PAGE_SIZE, type ThresholdComparator } from './amb';
import { networkRecordOf, type NetworkRecord } from './config/network-record';
import { OperationalError } from './errors';
import { actionsOfDescription } from './governance/actions';
import type { InvitationView } from './governance/invitations';
import type { NodeView } from './governance/ledger-record';
import { accountOfArn, resolveRemovals, type NetworkMember, type NetworkProposal, type NetworkSnapshot, type VoteCast } from './governance/snapshot';

export interface ReadOptions {
  /** Also list the votes cast on proposals in progress. @default false */
  readonly votes?: boolean;
  /** The member acting, named in messages. */
  readonly actingAs?: { readonly name: string; readonly accountId: string };
}

/** Calls in flight at once when fetching per-proposal details. */
const DETAIL_CONCURRENCY = 8;

export async function readNetwork(client: ManagedBlockchainClient, networkId: string, options: ReadOptions = {}): Promise<NetworkSnapshot> {
  const [network, members, summaries] = await Promise.all([
    getNetwork(client, networkId, options),
    listMembers(client, networkId),
    listProposalSummaries(client, networkId),
  ]);
  const proposals = await mapConcurrently(summaries, DETAIL_CONCURRENCY, (summary) =>
    summary.Status === 'IN_PROGRESS' ? readOpenProposal(client, networkId, summary, members, options.votes ?? false) : Promise.resolve(closedProposal(summary, members)),
  );
  return { ...network, members, proposals };
}

async function getNetwork(client: ManagedBlockchainClient, networkId: string, options: ReadOptions): Promise<Pick<NetworkSnapshot, 'networkId' | 'name' | 'status' | 'votingPolicy'>> {
  try {
    const { Network } = await client.send(new GetNetworkCommand({ NetworkId: networkId }));
    const policy = Network?.VotingPolicy?.ApprovalThresholdPolicy;
    return {
      networkId,
      name: Network?.Name ?? '',
      status: Network?.Status ?? 'UNKNOWN',
      votingPolicy: {
        thresholdPercentage: policy?.ThresholdPercentage ?? 0,
        proposalDurationInHours: policy?.ProposalDurationInHours ?? 0,
        thresholdComparator: (policy?.ThresholdComparator ?? 'GREATER_THAN') as ThresholdComparator,
      },
    };
  } catch (error) {
    throw networkFailure(error, networkId, await client.config.region(), options);
  }
}

/**
 * What the network was created with (GetNetwork), as `sync` records it in consortium.yaml.
 * @throws OperationalError when the network is not found or the account has no member in it
 */
export async function readNetworkRecord(client: ManagedBlockchainClient, networkId: string, options: ReadOptions = {}): Promise<NetworkRecord> {
  try {
    const { Network } = await client.send(new GetNetworkCommand({ NetworkId: networkId }));
    return networkRecordOf(Network ?? {});
  } catch (error) {
    throw networkFailure(error, networkId, await client.config.region(), options);
  }
}

function networkFailure(error: unknown, networkId: string, region: string, options: ReadOptions): unknown {
  const name = (error as Error).name;
  if (name === 'ResourceNotFoundException') {
    return new OperationalError(
      `network ${networkId} (network.id in consortium.yaml) was not found in ${region}: check the id and the region, and that the founder's deploy created it`,
      { cause: error },
    );
  }
  if (name === 'AccessDeniedException') {
    const who = options.actingAs ? `${options.actingAs.name} (account ${options.actingAs.accountId})` : 'the member';
    return new OperationalError(
      `the account of these credentials has no member in network ${networkId}: act with the credentials of ${who}, or accept the invitation and deploy first`,
      { cause: error },
    );
  }
  return error;
}

export async function listMembers(client: ManagedBlockchainClient, networkId: string): Promise<NetworkMember[]> {
  const members: NetworkMember[] = [];
  for await (const page of paginateListMembers({ client, pageSize: LIST_PAGE_SIZE.members }, { NetworkId: networkId })) {
    for (const summary of page.Members ?? []) {
      members.push({ id: summary.Id!, name: summary.Name ?? '', accountId: accountOfArn(summary.Arn), status: summary.Status ?? 'UNKNOWN', isOwned: summary.IsOwned === true, creationDate: summary.CreationDate });
    }
  }
  return members;
}

async function listProposalSummaries(client: ManagedBlockchainClient, networkId: string): Promise<ProposalSummary[]> {
  const summaries: ProposalSummary[] = [];
  for await (const page of paginateListProposals({ client, pageSize: LIST_PAGE_SIZE.proposals }, { NetworkId: networkId })) {
    summaries.push(...(page.Proposals ?? []));
  }
  return summaries;
}

export async function listProposalVotes(client: ManagedBlockchainClient, networkId: string, proposalId: string): Promise<VoteCast[]> {
  const votes: VoteCast[] = [];
  for await (const page of paginateListProposalVotes({ client, pageSize: LIST_PAGE_SIZE.proposalVotes }, { NetworkId: networkId, ProposalId: proposalId })) {
    for (const vote of page.ProposalVotes ?? []) {
      votes.push({ memberId: vote.MemberId!, memberName: vote.MemberName, vote: vote.Vote === 'YES' ? 'YES' : 'NO' });
    }
  }
  return votes;
}

function baseProposal(summary: ProposalSummary): NetworkProposal {
  return {
    id: summary.ProposalId!,
    description: summary.Description,
    status: summary.Status ?? 'UNKNOWN',
    proposedByMemberId: summary.ProposedByMemberId ?? '',
    proposedByMemberName: summary.ProposedByMemberName,
    creationDate: summary.CreationDate ?? new Date(0),
    expirationDate: summary.ExpirationDate ?? new Date(0),
  };
}

/** A closed proposal's actions come from its description: no GetProposal per past proposal. */
function closedProposal(summary: ProposalSummary, members: readonly NetworkMember[]): NetworkProposal {
  const described = actionsOfDescription(summary.Description);
  return {
    ...baseProposal(summary),
    actions: described && { invitations: described.invitations, removals: resolveRemovals(described.removals.map((removal) => removal.memberId), members) },
  };
}

async function readOpenProposal(client: ManagedBlockchainClient, networkId: string, summary: ProposalSummary, members: readonly NetworkMember[], withVotes: boolean): Promise<NetworkProposal> {
  const [{ Proposal }, votes] = await Promise.all([
    client.send(new GetProposalCommand({ NetworkId: networkId, ProposalId: summary.ProposalId })),
    withVotes ? listProposalVotes(client, networkId, summary.ProposalId!) : Promise.resolve(undefined),
  ]);
  const actions = Proposal?.Actions ?? {};
  return {
    ...baseProposal(summary),
    status: Proposal?.Status ?? summary.Status ?? 'UNKNOWN',
    actions: {
      invitations: (actions.Invitations ?? []).map((invitation) => invitation.Principal!),
      removals: resolveRemovals((actions.Removals ?? []).map((removal) => removal.MemberId!), members),
    },
    tally: { yes: Proposal?.YesVoteCount ?? 0, no: Proposal?.NoVoteCount ?? 0, outstanding: Proposal?.OutstandingVoteCount ?? 0 },
    votes,
  };
}

export async function listNodes(client: ManagedBlockchainClient, networkId: string, memberId?: string): Promise<NodeView[]> {
  const nodes: NodeView[] = [];
  for await (const page of paginateListNodes({ client, pageSize: LIST_PAGE_SIZE.nodes }, { NetworkId: networkId, MemberId: memberId })) {
    for (const node of page.Nodes ?? []) {
      nodes.push({ id: node.Id!, status: node.Status ?? 'UNKNOWN', instanceType: node.InstanceType ?? '', availabilityZone: node.AvailabilityZone ?? '', creationDate: node.CreationDate ?? new Date(0) });
    }
  }
  return nodes;
}

/** Invitations to the account of the credentials in use. */
export async function listInvitations(client: ManagedBlockchainClient): Promise<InvitationView[]> {
  const invitations: InvitationView[] = [];
  for await (const page of paginateListInvitations({ client, pageSize: LIST_PAGE_SIZE.invitations }, {})) {
    for (const invitation of page.Invitations ?? []) {
      invitations.push({
        id: invitation.InvitationId!,
        networkId: invitation.NetworkSummary?.Id ?? '',
        networkName: invitation.NetworkSummary?.Name,
        status: invitation.Status ?? 'UNKNOWN',
        creationDate: invitation.CreationDate ?? new Date(0),
        expirationDate: invitation.ExpirationDate ?? new Date(0),
      });
    }
  }
  return invitations;
}

/** Fabric networks of that name the account takes part in, other than deleted or failed ones. */
export async function findNetworksByName(client: ManagedBlockchainClient, name: string): Promise<{ id: string; status: string }[]> {
  const found: { id: string; status: string }[] = [];
  for await (const page of paginateListNetworks({ client, pageSize: LIST_PAGE_SIZE.networks }, { Name: name, Framework: 'HYPERLEDGER_FABRIC' })) {
    for (const network of page.Networks ?? []) {
      if (network.Name === name && !['DELETING', 'DELETED', 'CREATE_FAILED'].includes(network.Status ?? '')) found.push({ id: network.Id!, status: network.Status ?? 'UNKNOWN' });
    }
  }
  return found;
}

/** Runs `work` over the items with at most `limit` in flight, keeping the order of results. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * `npm run status -- --member NAME`: the network as this member's credentials see it
 * (members, this member's nodes with any Ethereum endpoints, proposals with their votes,
 * invitations to this account) and where it differs from members/. `--wait` polls until
 * nothing is creating, updating, deleting or up for a vote, bounded by `--timeout`.
 */
import { GetNodeCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { type Command, type CommandContext, recordedNetworkId, runCommand } from '../lib/command';
import type { Consortium, Member } from '../lib/config';
import { OperationalError } from '../lib/errors';
import { computeDrift, type DriftItem } from '../lib/governance/drift';
import { chooseInvitation, type InvitationView } from '../lib/governance/invitations';
import { networkMemberOf } from '../lib/governance/plan-proposals';
import { isActiveMember, type NetworkMember, type NetworkSnapshot } from '../lib/governance/snapshot';
import { deployCommand, proposer } from '../lib/members';
import { yesVotesNeeded } from '../lib/governance/threshold';
import { listInvitations, listNodes, mapConcurrently, readNetwork } from '../lib/network-reader';
import type { Column } from '../lib/output';

export interface MemberRow {
  readonly name: string;
  readonly id: string;
  readonly accountId: string;
  readonly status: string;
  readonly owned: boolean;
  /** founder, member, removed (marked removed: true) or unknown (in no member file) */
  readonly config: 'founder' | 'member' | 'removed' | 'unknown';
}

export interface NodeRow {
  readonly member: string;
  readonly id: string;
  readonly networkId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly status: string;
  readonly httpEndpoint?: string;
  readonly webSocketEndpoint?: string;
}

export interface ProposalRow {
  readonly id: string;
  readonly description?: string;
  readonly proposedBy?: string;
  readonly status: string;
  readonly yes?: number;
  readonly no?: number;
  readonly outstanding?: number;
  /** YES votes that approve it, of all members entitled to vote; null when none can. */
  readonly yesNeeded?: number | null;
  readonly expiresAt: string;
}

export interface StatusResult {
  readonly member: string;
  readonly networkId: string;
  readonly readAt: string;
  readonly network?: { readonly name: string; readonly status: string; readonly votingPolicy: NetworkSnapshot['votingPolicy'] };
  readonly members: readonly MemberRow[];
  readonly nodes: readonly NodeRow[];
  readonly proposals: readonly ProposalRow[];
  readonly invitations: readonly InvitationView[];
  readonly drift: readonly DriftItem[];
  /** True when these credentials may not list proposals (not a member): the table is empty, not known. */
  readonly proposalsHidden: boolean;
  /** Work AMB or the members have not finished: what --wait waits for. */
  readonly pending: readonly string[];
  readonly inSync: boolean;
}

const TRANSITIONAL = ['CREATING', 'UPDATING', 'DELETING'];
/** Closed proposals shown in the table; --json lists all. */
const RECENT_CLOSED = 10;

export const status: Command<StatusResult> = {
  spec: {
    name: 'status',
    readOnly: true,
    summary: "Show the network's members, this member's nodes, proposals, invitations, and the drift between the network and members/.",
    flags: {
      wait: { type: 'boolean', description: 'poll until nothing is creating, updating, deleting or in a vote' },
      timeout: { type: 'number', placeholder: 'SECONDS', description: 'give up waiting after this long (exit 1)', default: 1800 },
      interval: { type: 'number', placeholder: 'SECONDS', description: 'time between polls', default: 15 },
    },
    examples: ['npm run status -- --member filmmaker', 'npm run status -- --member bank --wait --timeout 900', 'npm run status -- --member filmmaker --json'],
  },

  async run(context) {
    const { args, out, now, sleep } = context;
    const started = Date.now();
    const timeoutMs = Number(args.flags.timeout) * 1000;
    let lastPending = '';
    for (;;) {
      const result = await readStatus(context);
      if (!args.flags.wait || result.pending.length === 0) return result;
      const elapsed = Date.now() - started;
      if (elapsed >= timeoutMs) {
        throw new OperationalError(`still pending after ${Math.round(elapsed / 1000)} s (--timeout ${args.flags.timeout}): ${result.pending.join('; ')}; re-run npm run status -- --member ${context.member.name} --wait to keep waiting`);
      }
      const summary = result.pending.join('; ');
      if (summary !== lastPending) out.progress(`waiting (${Math.round(elapsed / 1000)} s, ${now().toISOString()}): ${summary}`);
      lastPending = summary;
      await sleep(Number(args.flags.interval) * 1000);
    }
  },

  render(result, out) {
    if (result.network) {
      const policy = result.network.votingPolicy;
      out.print(`Network ${result.network.name} (${result.networkId}) ${result.network.status}; approval: ${policy.thresholdComparator} ${policy.thresholdPercentage}% of all members, ${policy.proposalDurationInHours} h\n`);
    }
    out.table('Members', MEMBER_COLUMNS, result.members);
    out.table(`Nodes of ${result.member}`, NODE_COLUMNS, result.nodes);
    const open = result.proposals.filter((proposal) => proposal.status === 'IN_PROGRESS');
    const closed = result.proposals.filter((proposal) => proposal.status !== 'IN_PROGRESS');
    if (result.proposalsHidden) out.print(`Proposals: AMB shows them to members only, and ${result.member} is not one in ${result.networkId}.\n`);
    else out.table('Proposals', PROPOSAL_COLUMNS, [...open, ...closed.slice(0, RECENT_CLOSED)]);
    if (closed.length > RECENT_CLOSED) out.print(`(${closed.length - RECENT_CLOSED} older closed proposals not shown; --json lists all)\n`);
    out.table('Invitations to the account of these credentials', INVITATION_COLUMNS, result.invitations);
    if (result.inSync) out.print('Drift: none, the network matches the config.');
    else out.table('Drift between the network and the config', DRIFT_COLUMNS, result.drift);
    if (result.pending.length > 0) out.print(`Pending: ${result.pending.join('; ')}`);
  },
};

async function readStatus({ consortium, member, out, client, now }: CommandContext): Promise<StatusResult> {
  const networkId = recordedNetworkId(consortium);
  const [snapshot, invitations] = await out.during(`reading network ${networkId}`, () =>
    Promise.all([readNetwork(client, networkId, { actingAs: member, proposalsIfAllowed: true, closedTallies: RECENT_CLOSED }).catch((error: unknown) => notAMember(error)), listInvitations(client)]),
  );
  const me = snapshot && networkMemberOf(member, snapshot.members);
  const ownMember = snapshot?.members.find((candidate) => candidate.isOwned && (member.memberId === undefined || candidate.id === member.memberId));
  const [fabricNodes, ethereumNodes] = await Promise.all([
    me?.isOwned ? listNodes(client, networkId, me.id) : Promise.resolve([]),
    readEthereumNodes(client, member),
  ]);
  const nodes: NodeRow[] = [...fabricNodes.map((node) => ({ member: member.name, networkId, ...node })), ...ethereumNodes];
  const members = (snapshot?.members ?? []).map((candidate): MemberRow => {
    const configured = consortium.members.find((entry) => entry.memberId === candidate.id || entry.accountId === candidate.accountId);
    const role = !configured ? 'unknown' : configured.removed ? 'removed' : configured.isFounder ? 'founder' : 'member';
    return { name: candidate.name, id: candidate.id, accountId: candidate.accountId, status: candidate.status, owned: candidate.isOwned, config: role };
  });
  const names = new Map(members.map((row) => [row.id, row.name]));
  const proposals = [...(snapshot?.proposals ?? [])]
    .sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime())
    .map((proposal): ProposalRow => {
      const eligible = proposal.tally && proposal.tally.yes + proposal.tally.no + proposal.tally.outstanding;
      return {
        id: proposal.id,
        description: proposal.description,
        proposedBy: proposal.proposedByMemberName ?? names.get(proposal.proposedByMemberId),
        status: proposal.status,
        ...proposal.tally,
        yesNeeded: eligible === undefined || !snapshot ? undefined : (yesVotesNeeded(eligible, snapshot.votingPolicy) ?? null),
        expiresAt: proposal.expirationDate.toISOString(),
      };
    });
  // Only a member sees proposals; anyone else is told where it stands from its own invitations.
  const drift = snapshot && !snapshot.proposalsHidden && me?.isOwned ? computeDrift(consortium, snapshot, now()) : [outsiderDrift(consortium, member, networkId, invitations, ownMember)];
  const pending = [
    ...members.filter((row) => TRANSITIONAL.includes(row.status)).map((row) => `member ${row.name} ${row.status}`),
    ...nodes.filter((node) => TRANSITIONAL.includes(node.status)).map((node) => `node ${node.id} ${node.status}`),
    ...proposals.filter((proposal) => proposal.status === 'IN_PROGRESS').map((proposal) => `proposal ${proposal.id} in progress (${proposal.yes ?? 0} yes, ${proposal.outstanding ?? 0} outstanding)`),
    ...invitations.filter((invitation) => invitation.status === 'ACCEPTING').map((invitation) => `invitation ${invitation.id} ACCEPTING`),
  ];
  return {
    member: member.name,
    networkId,
    readAt: now().toISOString(),
    network: snapshot && { name: snapshot.name, status: snapshot.status, votingPolicy: snapshot.votingPolicy },
    proposalsHidden: snapshot === undefined || snapshot.proposalsHidden === true,
    members,
    nodes,
    proposals,
    invitations,
    drift,
    pending,
    inSync: drift.length === 0,
  };
}

/** An account that has not joined, or was removed, may not read the network; its invitations still show. */
function notAMember(error: unknown): undefined {
  const cause = error instanceof OperationalError ? (error.cause as Error | undefined) : (error as Error);
  if (cause?.name === 'AccessDeniedException' || (error instanceof OperationalError && /has not joined|was removed|has no member/.test(error.message))) return undefined;
  throw error;
}

/**
 * Where a member that cannot see the network's proposals stands: removed, invited (pending
 * or lapsed), or not invited; the same advice accept-invitation and propose give.
 */
export function outsiderDrift(consortium: Consortium, member: Member, networkId: string, invitations: readonly InvitationView[], own: NetworkMember | undefined): DriftItem {
  const proposeAs = proposer(consortium)?.name ?? 'NAME';
  const subject = member.name;
  if (own && !isActiveMember(own)) {
    return {
      subject,
      problem: `removed from network ${networkId}: its member ${own.id}${own.creationDate ? ` (joined ${own.creationDate.toISOString()})` : ''} is ${own.status}; AMB does not tell a removed account when, the consortium's status lists the removal proposal`,
      fix: member.removed ? 'nothing in AMB; its stack keeps the retained ledger resources until the member deletes them' : `mark it removed: true in ${member.file}`,
    };
  }
  if (member.memberId !== undefined && !own) {
    return { subject, problem: `recorded member ${member.memberId} is not visible to these credentials in ${networkId}`, fix: `use ${member.name}'s credentials (account ${member.accountId}); if they are, it was removed: mark it removed: true in ${member.file}` };
  }
  const choice = chooseInvitation(networkId, invitations);
  if (choice.pending) {
    return {
      subject,
      problem: `invited to ${networkId}: invitation ${choice.pending.id} is pending until ${choice.pending.expirationDate.toISOString()}`,
      fix: `npm run accept-invitation -- --member ${member.name}, then ${deployCommand(member.name)}`,
    };
  }
  if (choice.latest?.status === 'EXPIRED') {
    const recorded = member.lapsedInvitation?.invitationId === choice.latest.id;
    return {
      subject,
      problem: `invitation ${choice.latest.id} to ${networkId} expired unused at ${choice.latest.expirationDate.toISOString()}${recorded ? ` (recorded in ${member.file})` : ''}`,
      fix: recorded
        ? `commit ${member.file}; then npm run propose -- --member ${proposeAs} invites ${member.name} again at once`
        : `npm run accept-invitation -- --member ${member.name} records it; commit ${member.file}; then npm run propose -- --member ${proposeAs} invites ${member.name} again at once`,
    };
  }
  return { subject, problem: `account ${member.accountId} has no member in ${networkId} and no pending invitation to it`, fix: `a member proposes the invitation: npm run propose -- --member ${proposeAs}` };
}

/** Ethereum nodes live in public networks; their endpoints come from GetNode. */
async function readEthereumNodes(client: ManagedBlockchainClient, member: Member): Promise<NodeRow[]> {
  const networkIds = [...new Set(member.ethereumNodes.map((node) => node.networkId))];
  const rows: NodeRow[] = [];
  for (const networkId of networkIds) {
    const nodes = await listNodes(client, networkId);
    rows.push(
      ...(await mapConcurrently(nodes, 8, async (node): Promise<NodeRow> => {
        const { Node } = await client.send(new GetNodeCommand({ NetworkId: networkId, NodeId: node.id }));
        const ethereum = Node?.FrameworkAttributes?.Ethereum;
        return { member: member.name, networkId, ...node, httpEndpoint: ethereum?.HttpEndpoint, webSocketEndpoint: ethereum?.WebSocketEndpoint };
      })),
    );
  }
  return rows;
}

const MEMBER_COLUMNS: Column<MemberRow>[] = [
  { title: 'NAME', value: (row) => row.name },
  { title: 'ID', value: (row) => row.id },
  { title: 'ACCOUNT', value: (row) => row.accountId },
  { title: 'STATUS', value: (row) => row.status },
  { title: 'CONFIG', value: (row) => row.config },
  { title: 'OWNED', value: (row) => (row.owned ? 'yes' : '') },
];

const NODE_COLUMNS: Column<NodeRow>[] = [
  { title: 'NODE', value: (row) => row.id },
  { title: 'NETWORK', value: (row) => row.networkId },
  { title: 'TYPE', value: (row) => row.instanceType },
  { title: 'AZ', value: (row) => row.availabilityZone },
  { title: 'STATUS', value: (row) => row.status },
  { title: 'ENDPOINTS', value: (row) => [row.httpEndpoint, row.webSocketEndpoint].filter(Boolean).join(' ') },
];

const PROPOSAL_COLUMNS: Column<ProposalRow>[] = [
  { title: 'PROPOSAL', value: (row) => row.id },
  { title: 'DESCRIPTION', value: (row) => row.description ?? '' },
  { title: 'BY', value: (row) => row.proposedBy ?? '' },
  { title: 'STATUS', value: (row) => row.status },
  { title: 'YES', value: (row) => (row.yes === undefined ? '' : String(row.yes)), alignRight: true },
  { title: 'NO', value: (row) => (row.no === undefined ? '' : String(row.no)), alignRight: true },
  { title: 'OUTSTANDING', value: (row) => (row.outstanding === undefined ? '' : String(row.outstanding)), alignRight: true },
  { title: 'NEEDS', value: (row) => (row.yesNeeded === undefined ? '' : row.yesNeeded === null ? 'never' : `${row.yesNeeded} yes`) },
  { title: 'EXPIRES', value: (row) => row.expiresAt },
];

const INVITATION_COLUMNS: Column<InvitationView>[] = [
  { title: 'INVITATION', value: (row) => row.id },
  { title: 'NETWORK', value: (row) => `${row.networkName ?? ''} ${row.networkId}`.trim() },
  { title: 'STATUS', value: (row) => row.status },
  { title: 'EXPIRES', value: (row) => row.expirationDate.toISOString() },
];

const DRIFT_COLUMNS: Column<DriftItem>[] = [
  { title: 'SUBJECT', value: (row) => row.subject },
  { title: 'PROBLEM', value: (row) => row.problem },
  { title: 'FIX', value: (row) => row.fix },
];

if (require.main === module) void runCommand(status);

/**
 * `npm run propose -- --member NAME`: creates the proposals that make the network match
 * members/ (invitations for configured accounts not yet in it, removals of members marked
 * removed: true) and votes YES on them as the proposer, as AMB requires.
 */
import { type Command, recordedNetworkId, runCommand } from '../lib/command';
import { actingMember, requireAvailable } from '../lib/governance/acting-member';
import { actionKey, type GovernanceAction } from '../lib/governance/actions';
import { decideVote } from '../lib/governance/decide-vote';
import { planProposals, type PlannedProposal } from '../lib/governance/plan-proposals';
import { requestToken } from '../lib/governance/request-token';
import type { NetworkProposal } from '../lib/governance/snapshot';
import { listProposalVotes, readNetwork } from '../lib/network-reader';
import { castVote, createProposal } from '../lib/network-writer';
import type { Column } from '../lib/output';

export interface ProposeEntry {
  readonly action: GovernanceAction;
  /** created, would-create (dry run), or skipped */
  readonly outcome: 'created' | 'would-create' | 'skipped';
  readonly proposalId?: string;
  readonly attempt?: number;
  readonly reason: string;
}

export interface OwnVote {
  readonly proposalId: string;
  readonly vote: 'YES' | 'NO' | 'ABSTAIN';
  readonly outcome: 'cast' | 'already-cast' | 'would-cast' | 'abstained';
  readonly reason: string;
}

export interface ProposeResult {
  readonly member: string;
  readonly networkId: string;
  readonly dryRun: boolean;
  readonly proposals: readonly ProposeEntry[];
  /** The proposer's votes on its own proposals, including any an interrupted run left uncast. */
  readonly votes: readonly OwnVote[];
}

/** Attempts at a token whose proposal turns out to be an old, closed one. */
const STALE_TOKEN_RETRIES = 3;

export const propose: Command<ProposeResult> = {
  spec: {
    name: 'propose',
    summary: 'Create the proposals that make the network match members/: invite configured accounts that are not in it, remove members marked removed: true. The proposer votes YES on its own proposals.',
    flags: { 'retry-rejected': { type: 'boolean', description: 're-propose actions whose last proposal was REJECTED or failed' } },
    examples: ['npm run propose -- --member filmmaker --dry-run', 'npm run propose -- --member filmmaker', 'npm run propose -- --member filmmaker --retry-rejected --json'],
  },

  async run({ consortium, member, args, out, client, now }) {
    const networkId = recordedNetworkId(consortium);
    const snapshot = await out.during(`reading network ${networkId}`, () => readNetwork(client, networkId, { actingAs: member }));
    const me = actingMember(member, snapshot.members, networkId);
    requireAvailable(me, member.name);
    const plan = planProposals(consortium, snapshot, { proposer: member.name, now: now(), retryRejected: args.flags['retry-rejected'] === true });
    const votes: OwnVote[] = [];

    const unvoted = snapshot.proposals.filter((proposal) => proposal.status === 'IN_PROGRESS' && proposal.proposedByMemberId === me.id);
    for (const proposal of unvoted) {
      const cast = await listProposalVotes(client, networkId, proposal.id);
      if (cast.some((vote) => vote.memberId === me.id)) continue;
      const decision = decideVote(consortium, member.name, { id: proposal.id, actions: proposal.actions ?? { invitations: [], removals: [] } });
      votes.push(await voteAsProposer(proposal.id, decision.vote, `own proposal left without a vote: ${decision.reason}`));
    }

    const proposals: ProposeEntry[] = plan.skip.map((skipped) => ({ action: skipped.action, outcome: 'skipped', proposalId: skipped.proposalId, reason: skipped.reason }));
    for (const planned of plan.create) {
      if (args.dryRun) {
        proposals.push({ action: planned.action, outcome: 'would-create', attempt: planned.attempt, reason: planned.reason });
        continue;
      }
      const proposalId = await createFresh(planned, snapshot.proposals);
      out.done(`proposed ${planned.description}: ${proposalId}`);
      proposals.push({ action: planned.action, outcome: 'created', proposalId, attempt: planned.attempt, reason: planned.reason });
      votes.push(await voteAsProposer(proposalId, 'YES', `own proposal: ${planned.reason}`));
    }
    return { member: member.name, networkId, dryRun: args.dryRun, proposals, votes };

    async function voteAsProposer(proposalId: string, vote: 'YES' | 'NO' | 'ABSTAIN', reason: string): Promise<OwnVote> {
      if (vote === 'ABSTAIN') return { proposalId, vote, outcome: 'abstained', reason };
      if (args.dryRun) return { proposalId, vote, outcome: 'would-cast', reason };
      return { proposalId, vote, outcome: await castVote(client, networkId, proposalId, me.id, vote), reason };
    }

    /**
     * A token AMB already used for a proposal that has since closed means the attempt count
     * missed a proposal (one whose description this toolkit did not write); the next
     * attempt gets a fresh token.
     */
    async function createFresh(planned: PlannedProposal, known: readonly NetworkProposal[]): Promise<string> {
      let attempt = planned.attempt;
      for (let tries = 0; ; tries++) {
        const token = requestToken([networkId, actionKey(planned.action), attempt]);
        const proposalId = await createProposal(client, networkId, me.id, { ...planned, attempt, clientRequestToken: token });
        const earlier = known.find((proposal) => proposal.id === proposalId);
        if (!earlier || earlier.status === 'IN_PROGRESS' || tries === STALE_TOKEN_RETRIES) return proposalId;
        attempt += 1;
      }
    }
  },

  render(result, out) {
    const columns: Column<ProposeEntry>[] = [
      { title: 'ACTION', value: (entry) => (entry.action.kind === 'invite' ? `invite ${entry.action.accountId}` : `remove ${entry.action.memberId}`) },
      { title: 'MEMBER', value: (entry) => entry.action.member },
      { title: 'OUTCOME', value: (entry) => entry.outcome },
      { title: 'PROPOSAL', value: (entry) => entry.proposalId ?? '-' },
      { title: 'REASON', value: (entry) => entry.reason },
    ];
    out.table(`Proposals by ${result.member} on ${result.networkId}${result.dryRun ? ' (dry run: nothing created)' : ''}`, columns, result.proposals);
    if (result.votes.length > 0) {
      out.table('Votes as proposer', [
        { title: 'PROPOSAL', value: (vote: OwnVote) => vote.proposalId },
        { title: 'VOTE', value: (vote: OwnVote) => vote.vote },
        { title: 'OUTCOME', value: (vote: OwnVote) => vote.outcome },
        { title: 'REASON', value: (vote: OwnVote) => vote.reason },
      ], result.votes);
    }
    if (result.proposals.length === 0) out.print('Nothing to propose: every configured account is a member and no member is marked removed.');
  },
};

if (require.main === module) void runCommand(propose);

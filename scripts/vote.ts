/**
 * `npm run vote -- --member NAME`: votes on every proposal in progress that the member has
 * not voted on, by the rules in its YAML (decideVote, the same function the in-stack voter
 * bundles), and prints each decision with its reason.
 */
import { type Command, recordedNetworkId, runCommand } from '../lib/command';
import { actingMember, requireAvailable } from '../lib/governance/acting-member';
import { decideVote, type VoteChoice } from '../lib/governance/decide-vote';
import { readNetwork } from '../lib/network-reader';
import { castVote } from '../lib/network-writer';
import { OperationalError } from '../lib/errors';

export interface VoteEntry {
  readonly proposalId: string;
  readonly description?: string;
  readonly vote: VoteChoice;
  /** cast now, already-cast (earlier run), would-cast (dry run), abstained (nothing cast), not-eligible (made before this member joined), failed */
  readonly outcome: 'cast' | 'already-cast' | 'would-cast' | 'abstained' | 'not-eligible' | 'failed';
  readonly reason: string;
}

export interface VoteResult {
  readonly member: string;
  readonly networkId: string;
  readonly dryRun: boolean;
  readonly decisions: readonly VoteEntry[];
  /** Proposals in progress this member had already voted on. */
  readonly alreadyVoted: readonly string[];
}

export const vote: Command<VoteResult> = {
  spec: {
    name: 'vote',
    summary: "Vote on every proposal in progress this member has not voted on, by its rules in members/: YES to inviting configured accounts and removing members marked removed: true, voting.otherwise (NO or ABSTAIN) to anything else.",
    examples: ['npm run vote -- --member bank --dry-run', 'npm run vote -- --member bank', 'npm run vote -- --member ott-vendor-1 --json'],
  },

  async run({ consortium, member, args, out, client }) {
    const networkId = recordedNetworkId(consortium);
    const snapshot = await out.during(`reading network ${networkId}`, () => readNetwork(client, networkId, { votes: true, actingAs: member }));
    const me = actingMember(member, snapshot.members, networkId);
    requireAvailable(me, member.name);
    const decisions: VoteEntry[] = [];
    const alreadyVoted: string[] = [];
    for (const proposal of snapshot.proposals.filter((candidate) => candidate.status === 'IN_PROGRESS')) {
      if (proposal.votes?.some((cast) => cast.memberId === me.id)) {
        alreadyVoted.push(proposal.id);
        continue;
      }
      const decision = decideVote(consortium, member.name, { id: proposal.id, actions: proposal.actions ?? { invitations: [], removals: [] } });
      const entry = { proposalId: proposal.id, description: proposal.description, vote: decision.vote, reason: decision.reason };
      if (me.creationDate !== undefined && proposal.creationDate < me.creationDate) {
        decisions.push({ ...entry, outcome: 'not-eligible', reason: `made on ${proposal.creationDate.toISOString()}, before ${member.name} joined: AMB counts only the members of that time` });
      } else if (decision.vote === 'ABSTAIN') {
        decisions.push({ ...entry, outcome: 'abstained' });
      } else if (args.dryRun) {
        decisions.push({ ...entry, outcome: 'would-cast' });
      } else {
        try {
          decisions.push({ ...entry, outcome: await castVote(client, networkId, proposal.id, me.id, decision.vote) });
          out.done(`${decision.vote} on ${proposal.id}: ${decision.reason}`);
        } catch (error) {
          if (!(error instanceof OperationalError)) throw error;
          decisions.push({ ...entry, outcome: 'failed', reason: error.message });
        }
      }
    }
    return { member: member.name, networkId, dryRun: args.dryRun, decisions, alreadyVoted };
  },

  render(result, out) {
    out.table(
      `Votes of ${result.member} on ${result.networkId}${result.dryRun ? ' (dry run: nothing cast)' : ''}`,
      [
        { title: 'PROPOSAL', value: (entry: VoteEntry) => entry.proposalId },
        { title: 'DESCRIPTION', value: (entry: VoteEntry) => entry.description ?? '' },
        { title: 'VOTE', value: (entry: VoteEntry) => entry.vote },
        { title: 'OUTCOME', value: (entry: VoteEntry) => entry.outcome },
        { title: 'REASON', value: (entry: VoteEntry) => entry.reason },
      ],
      result.decisions,
    );
    if (result.alreadyVoted.length > 0) out.print(`Already voted on: ${result.alreadyVoted.join(', ')}`);
    else if (result.decisions.length === 0) out.print(`No proposal in progress: nothing for ${result.member} to vote on.`);
  },

  failures(result) {
    return result.decisions.filter((entry) => entry.outcome === 'failed').map((entry) => entry.reason);
  },
};

if (require.main === module) void runCommand(vote);

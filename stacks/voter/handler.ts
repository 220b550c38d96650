/**
 * The in-stack voter's logic: find the proposals this member has not voted on, decide each
 * with the same `decideVote` that `npm run vote` uses, and vote. Runs in Lambda (bundled by
 * esbuild at synth) and in tests against the simulator.
 */
import { GetProposalCommand, paginateListProposals, VoteOnProposalCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { LIST_PAGE_SIZE } from '../../lib/amb';
import type { Consortium } from '../../lib/config/types';
import { decideVote, type VoteChoice } from '../../lib/governance/decide-vote';
import { resolveRemovals, type NetworkMember } from '../../lib/governance/snapshot';
import { listMembers, listProposalVotes } from '../../lib/network-reader';

export { SETTINGS_FILE } from './settings-file';

/** What the voter is baked with at synth: the consortium config and whose vote it casts. */
export interface VoterSettings {
  readonly consortium: Consortium;
  readonly member: string;
}

/** Where it acts, known only after deploy. */
export interface VoterRuntime {
  readonly client: ManagedBlockchainClient;
  readonly networkId: string;
  readonly memberId: string;
}

export type VoteResult = 'voted' | 'abstained' | 'already-voted' | 'closed';

export interface VoteOutcome {
  readonly proposalId: string;
  readonly vote?: VoteChoice;
  readonly reason: string;
  readonly result: VoteResult;
}

/** The EventBridge event or the scheduled tick that invoked the voter. */
export interface VoterEvent {
  readonly source?: string;
  readonly 'detail-type'?: string;
  readonly detail?: { readonly proposalId?: string; readonly networkId?: string; readonly status?: string };
}

/** A proposal-state event names one proposal; anything else means: look at all open ones. */
export function proposalOfEvent(event: VoterEvent | undefined, networkId: string): string | undefined {
  const detail = event?.detail;
  if (event?.source !== 'aws.managedblockchain' || !detail?.proposalId) return undefined;
  return detail.networkId === undefined || detail.networkId === networkId ? detail.proposalId : undefined;
}

/**
 * Votes on every open proposal this member has not voted on (or on the one the event names).
 * Each proposal is handled on its own; if any failed, the run throws after the others are
 * done, so Lambda retries it and the error alarm fires. A second delivery finds the vote
 * already cast and does nothing.
 */
export async function voteOnOpenProposals(settings: VoterSettings, runtime: VoterRuntime, event?: VoterEvent): Promise<VoteOutcome[]> {
  const only = proposalOfEvent(event, runtime.networkId);
  const proposalIds = only !== undefined ? [only] : await openProposalIds(runtime);
  const outcomes: VoteOutcome[] = [];
  const failures: string[] = [];
  let members: NetworkMember[] | undefined;
  for (const proposalId of proposalIds) {
    try {
      outcomes.push(
        await voteOn(settings, runtime, proposalId, async () => {
          members ??= await listMembers(runtime.client, runtime.networkId);
          return members;
        }),
      );
    } catch (error) {
      failures.push(`${proposalId}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`voter for ${settings.member} failed on ${failures.length} of ${proposalIds.length} proposal(s): ${failures.join('; ')}`);
  }
  return outcomes;
}

async function voteOn(settings: VoterSettings, runtime: VoterRuntime, proposalId: string, members: () => Promise<NetworkMember[]>): Promise<VoteOutcome> {
  const { client, networkId, memberId } = runtime;
  const { Proposal: proposal } = await client.send(new GetProposalCommand({ NetworkId: networkId, ProposalId: proposalId }));
  if (proposal?.Status !== 'IN_PROGRESS') return { proposalId, reason: `proposal is ${proposal?.Status ?? 'unknown'}`, result: 'closed' };
  if (await hasVoted(runtime, proposalId)) return { proposalId, reason: `${settings.member} has already voted`, result: 'already-voted' };

  const removalIds = (proposal.Actions?.Removals ?? []).map((removal) => removal.MemberId ?? '');
  const decision = decideVote(settings.consortium, settings.member, {
    id: proposalId,
    actions: {
      invitations: (proposal.Actions?.Invitations ?? []).map((invitation) => invitation.Principal ?? ''),
      removals: removalIds.length > 0 ? resolveRemovals(removalIds, await members()) : [],
    },
  });
  if (decision.vote === 'ABSTAIN') return { proposalId, vote: decision.vote, reason: decision.reason, result: 'abstained' };
  try {
    await client.send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId: proposalId, VoterMemberId: memberId, Vote: decision.vote }));
  } catch (error) {
    // The proposal closed, or another delivery voted first, between the reads and the vote.
    if ((error as Error).name === 'IllegalActionException') return { proposalId, vote: decision.vote, reason: (error as Error).message, result: 'closed' };
    throw error;
  }
  return { proposalId, vote: decision.vote, reason: decision.reason, result: 'voted' };
}

async function openProposalIds({ client, networkId }: VoterRuntime): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateListProposals({ client, pageSize: LIST_PAGE_SIZE.proposals }, { NetworkId: networkId })) {
    for (const summary of page.Proposals ?? []) if (summary.Status === 'IN_PROGRESS' && summary.ProposalId) ids.push(summary.ProposalId);
  }
  return ids;
}

async function hasVoted({ client, networkId, memberId }: VoterRuntime, proposalId: string): Promise<boolean> {
  return (await listProposalVotes(client, networkId, proposalId)).some((vote) => vote.memberId === memberId);
}

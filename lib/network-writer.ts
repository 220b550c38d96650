/**
 * The governance writes, each safe to repeat: a proposal is created with a token derived
 * from its action, and a vote that AMB reports as already cast is checked, not failed.
 */
import { CreateProposalCommand, GetProposalCommand, VoteOnProposalCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { OperationalError } from './errors';
import { proposalActionsOf } from './governance/actions';
import type { PlannedProposal } from './governance/plan-proposals';
import { listProposalVotes } from './network-reader';

export async function createProposal(client: ManagedBlockchainClient, networkId: string, memberId: string, planned: PlannedProposal): Promise<string> {
  const { ProposalId } = await client.send(
    new CreateProposalCommand({
      ClientRequestToken: planned.clientRequestToken,
      NetworkId: networkId,
      MemberId: memberId,
      Actions: proposalActionsOf(planned.action),
      Description: planned.description,
    }),
  );
  if (!ProposalId) throw new OperationalError(`AMB returned no proposal id for "${planned.description}"; re-run (the request token makes that safe)`);
  return ProposalId;
}

export type VoteOutcome = 'cast' | 'already-cast';

/**
 * Casts a vote. A retry whose first attempt did land, or a second run after a crash, meets
 * IllegalAction: then the vote is looked up, and a proposal that closed meanwhile is
 * reported as such.
 */
export async function castVote(client: ManagedBlockchainClient, networkId: string, proposalId: string, voterMemberId: string, vote: 'YES' | 'NO'): Promise<VoteOutcome> {
  try {
    await client.send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId: proposalId, VoterMemberId: voterMemberId, Vote: vote }));
    return 'cast';
  } catch (error) {
    if ((error as Error).name !== 'IllegalActionException') throw error;
    const mine = (await listProposalVotes(client, networkId, proposalId)).find((cast) => cast.memberId === voterMemberId);
    if (mine?.vote === vote) return 'already-cast';
    if (mine) throw new OperationalError(`member ${voterMemberId} already voted ${mine.vote} on proposal ${proposalId}; AMB votes cannot change`, { cause: error });
    const { Proposal } = await client.send(new GetProposalCommand({ NetworkId: networkId, ProposalId: proposalId }));
    const status = Proposal?.Status ?? 'closed';
    const expired = status === 'EXPIRED' ? ` at ${Proposal?.ExpirationDate?.toISOString()}` : '';
    throw new OperationalError(
      `proposal ${proposalId} is ${status}${expired}, so the vote was not cast (${(error as Error).message}); if its action is still wanted, npm run propose proposes it again`,
      { cause: error },
    );
  }
}

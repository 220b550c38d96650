/**
 * What a person does in the AMB console, done with the API for the adoption rehearsal and its
 * tests: invite an account by proposal, vote YES with each existing member, accept the
 * invitation by creating the member. Nothing here goes through the toolkit's commands or
 * leaves a trace in the YAML; `npm run adopt` has to find it all in the network.
 */
import { CreateProposalCommand, GetProposalCommand, VoteOnProposalCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import type { Member } from '../config';
import { OperationalError } from '../errors';
import { listInvitations } from '../network-reader';
import { createJoiningMember } from './stand-in-deploy';

export interface ConsoleMember {
  readonly client: ManagedBlockchainClient;
  readonly memberId: string;
}

/** The first voter proposes inviting the account; voters vote YES until the proposal is decided. */
export async function inviteInConsole(networkId: string, voters: readonly ConsoleMember[], accountId: string): Promise<string> {
  const [proposer] = voters;
  const { ProposalId } = await proposer.client.send(
    new CreateProposalCommand({ NetworkId: networkId, MemberId: proposer.memberId, Actions: { Invitations: [{ Principal: accountId }] }, Description: `Invite ${accountId} (console)` }),
  );
  if (!ProposalId) throw new OperationalError('CreateProposal returned no proposal id');
  for (const voter of voters) {
    const { Proposal } = await voter.client.send(new GetProposalCommand({ NetworkId: networkId, ProposalId }));
    if (Proposal?.Status !== 'IN_PROGRESS') break;
    await voter.client.send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId, VoterMemberId: voter.memberId, Vote: 'YES' }));
  }
  return ProposalId;
}

/** Accepts the account's pending invitation to the network by creating its member. */
export async function joinInConsole(client: ManagedBlockchainClient, networkId: string, member: Member): Promise<string> {
  const invitation = (await listInvitations(client)).find((candidate) => candidate.networkId === networkId && candidate.status === 'PENDING');
  if (!invitation) throw new OperationalError(`account ${member.accountId} has no pending invitation to ${networkId}`);
  return createJoiningMember(client, networkId, { ...member, invitationId: invitation.id });
}

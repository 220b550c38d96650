/**
 * Ready-made network states on a running simulator, for tests and benchmarks that need a
 * network with more than one member and proposals still open.
 */
import { CreateProposalCommand, ListInvitationsCommand, VoteOnProposalCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { createAmbClient } from '../lib/amb-client';
import { createJoiningMember, createNetworkAsFounder } from '../lib/rehearsal/stand-in-deploy';
import type { Consortium } from '../lib/config/types';
import type { RunningSimulator } from './index';

/** An SDK client acting with a member's account (the simulator takes the account from the key id). */
export function clientFor(sim: RunningSimulator, consortium: Consortium, member: string): ManagedBlockchainClient {
  const accountId = consortium.members.find((m) => m.name === member)!.accountId;
  return createAmbClient({
    region: consortium.network.region,
    endpoint: sim.endpoint,
    credentials: { accessKeyId: accountId, secretAccessKey: 'simulator' },
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
}

export interface TwoMemberNetwork {
  readonly networkId: string;
  readonly founderId: string;
  readonly vendorId: string;
  readonly founder: ManagedBlockchainClient;
  readonly vendor: ManagedBlockchainClient;
  /** ott-vendor-1 proposes inviting `principal` and votes YES: 1 of 2, so the proposal stays open. */
  propose(principal: string): Promise<string>;
}

/**
 * The sample consortium's network with its founder (filmmaker) and ott-vendor-1 joined, made
 * the way the rehearsal stands in for their deploys.
 */
export async function twoMemberNetwork(sim: RunningSimulator, consortium: Consortium): Promise<TwoMemberNetwork> {
  const founder = clientFor(sim, consortium, 'filmmaker');
  const vendor = clientFor(sim, consortium, 'ott-vendor-1');
  const memberNamed = (name: string) => consortium.members.find((m) => m.name === name)!;
  const { networkId, memberId: founderId } = await createNetworkAsFounder(founder, consortium, memberNamed('filmmaker'), 'scenario');
  const invite = await founder.send(
    new CreateProposalCommand({ NetworkId: networkId, MemberId: founderId, Actions: { Invitations: [{ Principal: memberNamed('ott-vendor-1').accountId }] } }),
  );
  await founder.send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId: invite.ProposalId!, VoterMemberId: founderId, Vote: 'YES' }));
  const { Invitations } = await vendor.send(new ListInvitationsCommand({}));
  const vendorId = await createJoiningMember(vendor, networkId, { ...memberNamed('ott-vendor-1'), invitationId: Invitations![0].InvitationId! });
  return {
    networkId,
    founderId,
    vendorId,
    founder,
    vendor,
    async propose(principal: string) {
      const { ProposalId } = await vendor.send(new CreateProposalCommand({ NetworkId: networkId, MemberId: vendorId, Actions: { Invitations: [{ Principal: principal }] } }));
      await vendor.send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId, VoterMemberId: vendorId, Vote: 'YES' }));
      return ProposalId!;
    },
  };
}

/**
 * Ready-made network states on a running simulator, for tests and benchmarks that need a
 * network with more than one member and proposals still open.
 */
import {
  CreateMemberCommand,
  CreateNetworkCommand,
  CreateProposalCommand,
  ListInvitationsCommand,
  VoteOnProposalCommand,
  type ManagedBlockchainClient,
} from '@aws-sdk/client-managedblockchain';
import { createAmbClient } from '../lib/amb-client';
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
 * The sample consortium's network with its founder (filmmaker) and ott-vendor-1 joined, the
 * network's voting policy as configured.
 */
export async function twoMemberNetwork(sim: RunningSimulator, consortium: Consortium): Promise<TwoMemberNetwork> {
  const founder = clientFor(sim, consortium, 'filmmaker');
  const vendor = clientFor(sim, consortium, 'ott-vendor-1');
  const vendorAccount = consortium.members.find((m) => m.name === 'ott-vendor-1')!.accountId;
  const adminPassword = 'Simulated1Password';
  const { network } = consortium;
  const created = await founder.send(
    new CreateNetworkCommand({
      Name: network.name,
      Framework: 'HYPERLEDGER_FABRIC',
      FrameworkVersion: network.frameworkVersion,
      FrameworkConfiguration: { Fabric: { Edition: network.edition } },
      VotingPolicy: {
        ApprovalThresholdPolicy: {
          ThresholdPercentage: network.voting.thresholdPercentage,
          ProposalDurationInHours: network.voting.proposalDurationInHours,
          ThresholdComparator: network.voting.thresholdComparator,
        },
      },
      MemberConfiguration: { Name: 'filmmaker', FrameworkConfiguration: { Fabric: { AdminUsername: 'filmadmin', AdminPassword: adminPassword } } },
    }),
  );
  const networkId = created.NetworkId!;
  const founderId = created.MemberId!;
  const invite = await founder.send(new CreateProposalCommand({ NetworkId: networkId, MemberId: founderId, Actions: { Invitations: [{ Principal: vendorAccount }] } }));
  await founder.send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId: invite.ProposalId!, VoterMemberId: founderId, Vote: 'YES' }));
  const { Invitations } = await vendor.send(new ListInvitationsCommand({}));
  const joined = await vendor.send(
    new CreateMemberCommand({
      NetworkId: networkId,
      InvitationId: Invitations![0].InvitationId!,
      MemberConfiguration: { Name: 'ott-vendor-1', FrameworkConfiguration: { Fabric: { AdminUsername: 'ott1admin', AdminPassword: adminPassword } } },
    }),
  );
  const vendorId = joined.MemberId!;
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

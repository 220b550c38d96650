/**
 * Records as the API shows them, in the SDK's output shapes. Endpoints appear only once a
 * resource is AVAILABLE, so clients that read them too early find out here, not on AWS.
 */
import type {
  Invitation,
  Member,
  MemberLogPublishingConfiguration,
  MemberSummary,
  Network,
  NetworkSummary,
  Node,
  NodeLogPublishingConfiguration,
  NodeSummary,
  Proposal,
  ProposalSummary,
  VoteSummary,
} from '@aws-sdk/client-managedblockchain';
import { vpcEndpointServiceName } from '../../lib/amb';
import { caEndpoint, ordererEndpoint, peerEndpoints } from '../endpoints';
import type { InvitationRecord, MemberRecord, NetworkRecord, NodeRecord, ProposalRecord } from '../state';
import type { FabricHooks } from './context';

/** Where endpoints come from when real Fabric backs the simulator: its processes' own addresses. */
type RealEndpoints = Pick<FabricHooks, 'ordererEndpoint' | 'caEndpoint' | 'peerEndpoints'>;

const FRAMEWORK = 'HYPERLEDGER_FABRIC';

export function networkView(network: NetworkRecord, fabric?: RealEndpoints): Network {
  const available = network.status === 'AVAILABLE';
  const orderer = fabric ? fabric.ordererEndpoint(network.id) : ordererEndpoint(network.region, network.id);
  return {
    Id: network.id,
    Name: network.name,
    Description: network.description,
    Framework: FRAMEWORK,
    FrameworkVersion: network.frameworkVersion,
    FrameworkAttributes: {
      Fabric: {
        OrderingServiceEndpoint: available ? orderer : undefined,
        Edition: network.edition,
      },
    },
    VpcEndpointServiceName: available ? vpcEndpointServiceName(network.region, network.id) : undefined,
    VotingPolicy: {
      ApprovalThresholdPolicy: {
        ThresholdPercentage: network.votingPolicy.thresholdPercentage,
        ProposalDurationInHours: network.votingPolicy.proposalDurationInHours,
        ThresholdComparator: network.votingPolicy.thresholdComparator,
      },
    },
    Status: network.status,
    CreationDate: new Date(network.createdAt),
    Tags: { ...network.tags },
    Arn: network.arn,
  };
}

export function networkSummaryView(network: NetworkRecord): NetworkSummary {
  return {
    Id: network.id,
    Name: network.name,
    Description: network.description,
    Framework: FRAMEWORK,
    FrameworkVersion: network.frameworkVersion,
    Status: network.status,
    CreationDate: new Date(network.createdAt),
    Arn: network.arn,
  };
}

export function memberView(network: NetworkRecord, member: MemberRecord, fabric?: RealEndpoints): Member {
  const ca = fabric ? fabric.caEndpoint(member.id) : caEndpoint(network.region, network.id, member.id, member.portBlock);
  return {
    NetworkId: member.networkId,
    Id: member.id,
    Name: member.name,
    Description: member.description,
    FrameworkAttributes: {
      Fabric: {
        AdminUsername: member.adminUsername,
        CaEndpoint: member.status === 'AVAILABLE' ? ca : undefined,
      },
    },
    LogPublishingConfiguration: member.logPublishing as MemberLogPublishingConfiguration | undefined,
    Status: member.status,
    CreationDate: new Date(member.createdAt),
    Tags: { ...member.tags },
    Arn: member.arn,
    KmsKeyArn: member.kmsKeyArn,
  };
}

export function memberSummaryView(member: MemberRecord, callerAccount: string): MemberSummary {
  return {
    Id: member.id,
    Name: member.name,
    Description: member.description,
    Status: member.status,
    CreationDate: new Date(member.createdAt),
    IsOwned: member.account === callerAccount,
    Arn: member.arn,
  };
}

export function nodeView(network: NetworkRecord, member: MemberRecord, node: NodeRecord, fabric?: RealEndpoints): Node {
  const real = () => (fabric ? fabric.peerEndpoints(node.id) : peerEndpoints(network.region, network.id, member.id, node.id, member.portBlock, node.slot));
  const endpoints = node.status === 'AVAILABLE' ? real() : undefined;
  return {
    NetworkId: node.networkId,
    MemberId: node.memberId,
    Id: node.id,
    InstanceType: node.instanceType,
    AvailabilityZone: node.availabilityZone,
    FrameworkAttributes: {
      Fabric: { PeerEndpoint: endpoints?.peer, PeerEventEndpoint: endpoints?.peerEvent },
    },
    LogPublishingConfiguration: node.logPublishing as NodeLogPublishingConfiguration | undefined,
    StateDB: node.stateDb,
    Status: node.status,
    CreationDate: new Date(node.createdAt),
    Tags: { ...node.tags },
    Arn: node.arn,
    KmsKeyArn: member.kmsKeyArn,
  };
}

export function nodeSummaryView(node: NodeRecord): NodeSummary {
  return {
    Id: node.id,
    Status: node.status,
    CreationDate: new Date(node.createdAt),
    AvailabilityZone: node.availabilityZone,
    InstanceType: node.instanceType,
    Arn: node.arn,
  };
}

export function proposalView(proposal: ProposalRecord, proposerName: string): Proposal {
  const votes = Object.values(proposal.votes);
  const yes = votes.filter((vote) => vote === 'YES').length;
  return {
    ProposalId: proposal.id,
    NetworkId: proposal.networkId,
    Description: proposal.description,
    Actions: proposal.actions,
    ProposedByMemberId: proposal.proposerMemberId,
    ProposedByMemberName: proposerName,
    Status: proposal.status,
    CreationDate: new Date(proposal.createdAt),
    ExpirationDate: new Date(proposal.expiresAt),
    YesVoteCount: yes,
    NoVoteCount: votes.length - yes,
    OutstandingVoteCount: proposal.eligibleVoters.length - votes.length,
    Tags: { ...proposal.tags },
    Arn: proposal.arn,
  };
}

export function proposalSummaryView(proposal: ProposalRecord, proposerName: string): ProposalSummary {
  return {
    ProposalId: proposal.id,
    Description: proposal.description,
    ProposedByMemberId: proposal.proposerMemberId,
    ProposedByMemberName: proposerName,
    Status: proposal.status,
    CreationDate: new Date(proposal.createdAt),
    ExpirationDate: new Date(proposal.expiresAt),
    Arn: proposal.arn,
  };
}

export function voteView(memberId: string, memberName: string, vote: 'YES' | 'NO'): VoteSummary {
  return { Vote: vote, MemberName: memberName, MemberId: memberId };
}

export function invitationView(invitation: InvitationRecord, network: NetworkRecord): Invitation {
  return {
    InvitationId: invitation.id,
    CreationDate: new Date(invitation.createdAt),
    ExpirationDate: new Date(invitation.expiresAt),
    Status: invitation.status,
    NetworkSummary: networkSummaryView(network),
    Arn: invitation.arn,
  };
}

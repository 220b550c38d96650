/**
 * What a member's deploy does to the ledger, done directly with the AMB API for the
 * rehearsal (the simulator has no CloudFormation): the founder's CreateNetwork, a joining
 * member's CreateMember with its invitation, and CreateNode per configured peer. Every
 * create carries a token derived from what it creates, so a repeated step creates nothing.
 * The admin password is generated per member and never printed; it is kept only in the
 * caller's in-memory map when one is given (the rehearsal with real Fabric enrolls with it).
 */
import {
  CreateMemberCommand,
  CreateNetworkCommand,
  CreateNodeCommand,
  GetMemberCommand,
  GetNodeCommand,
  type ManagedBlockchainClient,
} from '@aws-sdk/client-managedblockchain';
import { randomInt } from 'node:crypto';
import { ADMIN_PASSWORD } from '../amb';
import type { Consortium, Member } from '../config';
import { OperationalError } from '../errors';
import { requestToken } from '../governance/request-token';

export interface DeployedMember {
  readonly networkId: string;
  readonly memberId: string;
  readonly nodeIds: readonly string[];
}

const LETTERS = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 20 characters with a lower-case letter, an upper-case letter and a digit, none AMB refuses. */
export function generateAdminPassword(): string {
  const body = Array.from({ length: 17 }, () => LETTERS[randomInt(LETTERS.length)]).join('');
  const password = `${body}aA7`;
  if ([...password].some((char) => ADMIN_PASSWORD.excludeCharacters.includes(char))) throw new Error('password alphabet includes a refused character');
  return password;
}

/** Admin passwords by member name, in memory only; a repeated create reuses the first one. */
export type AdminPasswords = Map<string, string>;

function memberConfiguration(member: Member, adminPasswords?: AdminPasswords) {
  const password = adminPasswords?.get(member.name) ?? generateAdminPassword();
  adminPasswords?.set(member.name, password);
  return {
    Name: member.name,
    Description: member.description || undefined,
    FrameworkConfiguration: { Fabric: { AdminUsername: member.adminUsername, AdminPassword: password } },
  };
}

export async function createNetworkAsFounder(client: ManagedBlockchainClient, consortium: Consortium, founder: Member, rehearsalId: string, adminPasswords?: AdminPasswords): Promise<{ networkId: string; memberId: string }> {
  const { network } = consortium;
  const { NetworkId, MemberId } = await client.send(
    new CreateNetworkCommand({
      ClientRequestToken: requestToken([rehearsalId, 'network', network.name]),
      Name: network.name,
      Description: network.description || undefined,
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
      MemberConfiguration: memberConfiguration(founder, adminPasswords),
    }),
  );
  if (!NetworkId || !MemberId) throw new OperationalError('CreateNetwork returned no network or member id');
  return { networkId: NetworkId, memberId: MemberId };
}

export async function createJoiningMember(client: ManagedBlockchainClient, networkId: string, member: Member, adminPasswords?: AdminPasswords): Promise<string> {
  if (!member.invitationId) throw new OperationalError(`${member.file}: no invitationId recorded; run npm run accept-invitation -- --member ${member.name} first`);
  const { MemberId } = await client.send(
    new CreateMemberCommand({
      ClientRequestToken: requestToken([networkId, 'member', member.invitationId]),
      NetworkId: networkId,
      InvitationId: member.invitationId,
      MemberConfiguration: memberConfiguration(member, adminPasswords),
    }),
  );
  if (!MemberId) throw new OperationalError(`CreateMember returned no member id for ${member.name}`);
  return MemberId;
}

export async function createPeers(client: ManagedBlockchainClient, networkId: string, memberId: string, member: Member): Promise<string[]> {
  const nodeIds: string[] = [];
  for (const peer of member.peers) {
    const { NodeId } = await client.send(
      new CreateNodeCommand({
        ClientRequestToken: requestToken([networkId, memberId, 'node', peer.name]),
        NetworkId: networkId,
        MemberId: memberId,
        NodeConfiguration: { InstanceType: peer.instanceType, AvailabilityZone: peer.availabilityZone },
      }),
    );
    if (!NodeId) throw new OperationalError(`CreateNode returned no node id for ${member.name}/${peer.name}`);
    nodeIds.push(NodeId);
  }
  return nodeIds;
}

export async function memberStatus(client: ManagedBlockchainClient, networkId: string, memberId: string): Promise<string> {
  const { Member } = await client.send(new GetMemberCommand({ NetworkId: networkId, MemberId: memberId }));
  return Member?.Status ?? 'UNKNOWN';
}

export async function nodeStatus(client: ManagedBlockchainClient, networkId: string, memberId: string, nodeId: string): Promise<string> {
  const { Node } = await client.send(new GetNodeCommand({ NetworkId: networkId, MemberId: memberId, NodeId: nodeId }));
  return Node?.Status ?? 'UNKNOWN';
}

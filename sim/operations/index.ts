/** The operations the simulator serves, by their service-model names. */
import type { Operation } from './context';
import { rejectInvitation, listInvitations } from './invitations';
import { createMember, deleteMember, getMember, listMembers, updateMember } from './members';
import { createNetwork, getNetwork, listNetworks } from './networks';
import { createNode, deleteNode, getNode, listNodes, updateNode } from './nodes';
import { createProposal, getProposal, listProposals, listProposalVotes, voteOnProposal } from './proposals';
import { listTagsForResource, tagResource, untagResource } from './tags';

export const OPERATIONS = {
  CreateNetwork: createNetwork,
  GetNetwork: getNetwork,
  ListNetworks: listNetworks,
  CreateMember: createMember,
  GetMember: getMember,
  ListMembers: listMembers,
  UpdateMember: updateMember,
  DeleteMember: deleteMember,
  CreateNode: createNode,
  GetNode: getNode,
  ListNodes: listNodes,
  UpdateNode: updateNode,
  DeleteNode: deleteNode,
  CreateProposal: createProposal,
  GetProposal: getProposal,
  ListProposals: listProposals,
  VoteOnProposal: voteOnProposal,
  ListProposalVotes: listProposalVotes,
  ListInvitations: listInvitations,
  RejectInvitation: rejectInvitation,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
} satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;
export type { Caller, OperationContext } from './context';

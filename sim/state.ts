/**
 * Everything the simulator remembers, as plain JSON-friendly records keyed by id, so the
 * state file is just this object. Times are epoch milliseconds on the simulated clock.
 * A status that will change with time carries a `transition` (to what, and when);
 * lifecycle.ts applies transitions once the clock passes them.
 */
import type { NetworkStatus, ProposalActions } from '@aws-sdk/client-managedblockchain';
import type {
  Edition,
  FrameworkVersion,
  INVITATION_STATUSES,
  MEMBER_STATUSES,
  NODE_STATUSES,
  PROPOSAL_STATUSES,
  ThresholdComparator,
} from '../lib/amb';

export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export type NodeStatus = (typeof NODE_STATUSES)[number];
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export type { NetworkStatus };
export type Vote = 'YES' | 'NO';
export type Tags = Record<string, string>;

export interface Transition<S extends string> {
  readonly to: S;
  readonly at: number;
}

export interface VotingPolicyRecord {
  readonly thresholdPercentage: number;
  readonly proposalDurationInHours: number;
  readonly thresholdComparator: ThresholdComparator;
}

export interface NetworkRecord {
  readonly id: string;
  readonly arn: string;
  readonly region: string;
  readonly name: string;
  readonly description?: string;
  readonly frameworkVersion: FrameworkVersion;
  readonly edition: Edition;
  readonly votingPolicy: VotingPolicyRecord;
  readonly createdAt: number;
  status: NetworkStatus;
  transition?: Transition<NetworkStatus>;
  /** Port blocks handed out so far; each new member takes the next one. */
  portBlocksUsed: number;
  tags: Tags;
}

export interface MemberRecord {
  readonly id: string;
  readonly arn: string;
  readonly networkId: string;
  readonly account: string;
  readonly name: string;
  readonly description?: string;
  readonly adminUsername: string;
  readonly kmsKeyArn: string;
  readonly createdAt: number;
  readonly portBlock: number;
  /** The invitation this member accepted; absent for the founder. */
  readonly invitationId?: string;
  logPublishing?: unknown;
  status: MemberStatus;
  transition?: Transition<MemberStatus>;
  tags: Tags;
}

export interface NodeRecord {
  readonly id: string;
  readonly arn: string;
  readonly networkId: string;
  readonly memberId: string;
  readonly account: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly stateDb: 'LevelDB' | 'CouchDB';
  readonly createdAt: number;
  /** Which of the member's peer port pairs the node uses. */
  readonly slot: number;
  logPublishing?: unknown;
  status: NodeStatus;
  transition?: Transition<NodeStatus>;
  tags: Tags;
}

export interface ProposalRecord {
  readonly id: string;
  readonly arn: string;
  readonly networkId: string;
  readonly proposerMemberId: string;
  readonly description?: string;
  readonly actions: ProposalActions;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Members entitled to vote, fixed when the proposal is created. */
  readonly eligibleVoters: readonly string[];
  /** Votes in the order they were cast, keyed by member id. */
  votes: Record<string, Vote>;
  status: ProposalStatus;
  tags: Tags;
}

export interface InvitationRecord {
  readonly id: string;
  readonly arn: string;
  readonly networkId: string;
  /** The invited account: the only one that sees, accepts or rejects the invitation. */
  readonly account: string;
  readonly proposalId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  status: InvitationStatus;
  tags: Tags;
}

export interface SimState {
  readonly formatVersion: typeof STATE_FORMAT_VERSION;
  clockOffsetMs: number;
  networks: Record<string, NetworkRecord>;
  members: Record<string, MemberRecord>;
  nodes: Record<string, NodeRecord>;
  proposals: Record<string, ProposalRecord>;
  invitations: Record<string, InvitationRecord>;
  /** Results of Create* calls by "account operation token", replayed on a repeated token. */
  idempotency: Record<string, unknown>;
}

export const STATE_FORMAT_VERSION = 1;

export function emptyState(): SimState {
  return {
    formatVersion: STATE_FORMAT_VERSION,
    clockOffsetMs: 0,
    networks: {},
    members: {},
    nodes: {},
    proposals: {},
    invitations: {},
    idempotency: {},
  };
}

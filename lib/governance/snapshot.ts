/**
 * What the governance decisions know about a network: plain data read by
 * lib/network-reader.ts, so every decision is a pure function of (config, snapshot, now).
 */
import type { VotingPolicy } from '../config/types';

export interface NetworkMember {
  readonly id: string;
  readonly name: string;
  /** The owning account, taken from the member ARN. */
  readonly accountId: string;
  readonly status: string;
  /** Owned by the account whose credentials read the snapshot. */
  readonly isOwned: boolean;
  /** When the member was created; AMB lets only members that existed when a proposal was made vote on it. */
  readonly creationDate?: Date;
}

export interface RemovalTarget {
  readonly memberId: string;
  /** Name and account of the member, when it is (or was) listed in the network. */
  readonly name?: string;
  readonly accountId?: string;
}

export interface ProposalActions {
  /** Invited account ids. */
  readonly invitations: readonly string[];
  readonly removals: readonly RemovalTarget[];
}

export interface VoteCast {
  readonly memberId: string;
  readonly memberName?: string;
  readonly vote: 'YES' | 'NO';
}

export interface NetworkProposal {
  readonly id: string;
  readonly description?: string;
  readonly status: string;
  readonly proposedByMemberId: string;
  readonly proposedByMemberName?: string;
  readonly creationDate: Date;
  readonly expirationDate: Date;
  /**
   * From GetProposal for proposals in progress; for closed ones, from the description this
   * toolkit writes. Undefined when neither tells.
   */
  readonly actions?: ProposalActions;
  /** Vote counts from GetProposal; read for proposals in progress only. */
  readonly tally?: { readonly yes: number; readonly no: number; readonly outstanding: number };
  /** Votes cast, when they were listed. */
  readonly votes?: readonly VoteCast[];
}

export interface NetworkSnapshot {
  readonly networkId: string;
  readonly name: string;
  readonly status: string;
  readonly votingPolicy: VotingPolicy;
  readonly members: readonly NetworkMember[];
  readonly proposals: readonly NetworkProposal[];
  /** True when AMB would not list proposals to these credentials (an invitee's view): `proposals` is empty, not known. */
  readonly proposalsHidden?: boolean;
}

/** Statuses in which a member takes part in the network (it votes and counts toward thresholds). */
export const ACTIVE_MEMBER_STATUSES: readonly string[] = ['CREATING', 'AVAILABLE', 'UPDATING', 'INACCESSIBLE_ENCRYPTION_KEY'];

export function isActiveMember(member: NetworkMember): boolean {
  return ACTIVE_MEMBER_STATUSES.includes(member.status);
}

/** `arn:aws:managedblockchain:us-east-1:111122223333:members/m-...` -> `111122223333` */
export function accountOfArn(arn: string | undefined): string {
  return arn?.split(':')[4] ?? '';
}

export function resolveRemovals(memberIds: readonly string[], members: readonly NetworkMember[]): RemovalTarget[] {
  return memberIds.map((memberId) => {
    const member = members.find((candidate) => candidate.id === memberId);
    return member ? { memberId, name: member.name, accountId: member.accountId } : { memberId };
  });
}

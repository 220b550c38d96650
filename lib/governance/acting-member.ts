/**
 * The network member a command acts as, checked against the credentials in use: ListMembers
 * marks the members the caller's account owns, so the wrong account is caught before any
 * write, with a message that says whose credentials these are.
 */
import type { Member } from '../config/types';
import { OperationalError } from '../errors';
import { deployCommand } from '../members';
import { networkMemberOf } from './plan-proposals';
import { isActiveMember, type NetworkMember } from './snapshot';

export function actingMember(member: Member, members: readonly NetworkMember[], networkId: string): NetworkMember {
  const inNetwork = networkMemberOf(member, members);
  if (inNetwork?.isOwned) return inNetwork;
  const owned = members.filter((candidate) => candidate.isOwned && isActiveMember(candidate));
  const whose = owned.length > 0 ? `they are account ${owned[0].accountId}'s, which owns ${owned.map((candidate) => candidate.name).join(', ')}` : 'their account owns no active member';
  if (inNetwork) {
    throw new OperationalError(
      `the credentials in use cannot act as ${member.name}: its member ${inNetwork.id} belongs to account ${inNetwork.accountId} and ${whose}; use ${member.name}'s credentials (account ${member.accountId})`,
    );
  }
  const departed = members.find((candidate) => (member.memberId === undefined ? candidate.accountId === member.accountId : candidate.id === member.memberId) && !isActiveMember(candidate));
  if (departed && (departed.status === 'DELETING' || departed.status === 'DELETED')) {
    throw new OperationalError(`${member.name}'s member ${departed.id} is ${departed.status}: it has left network ${networkId} (or been voted out), so it can no longer act in it`);
  }
  if (owned.length > 0) {
    throw new OperationalError(`the credentials in use are not ${member.name}'s (account ${member.accountId}): ${whose}; use ${member.name}'s credentials`);
  }
  throw new OperationalError(
    `${member.name} (account ${member.accountId}) has no active member in network ${networkId}: accept its invitation and deploy first (npm run accept-invitation -- --member ${member.name}, then ${deployCommand(member.name)})`,
  );
}

/** Proposing and voting need an AVAILABLE member; a CREATING one only has to wait. */
export function requireAvailable(member: NetworkMember, name: string): void {
  if (member.status !== 'AVAILABLE') {
    throw new OperationalError(`${name}'s member ${member.id} is ${member.status}, not AVAILABLE: wait for it (npm run status -- --member ${name} --wait) and re-run`);
  }
}

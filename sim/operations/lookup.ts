/**
 * Finding resources the way AMB scopes them: by region, by network, and by who may see or
 * act on them. Not found, not yours and not ready are different errors, as on AWS.
 */
import { accessDenied, notFound, notReady } from '../errors';
import type { MemberRecord, NetworkRecord } from '../state';
import type { OperationContext } from './context';

export function findNetwork(context: OperationContext, networkId: string): NetworkRecord {
  const network = context.state.networks[networkId];
  if (!network || network.region !== context.caller.region) {
    throw notFound(`Network ${networkId} not found in ${context.caller.region}.`);
  }
  return network;
}

/**
 * Reads of a network are for accounts with a member in it; an invited account may also look
 * at the network and its members before deciding to join. A deleted network stays readable by
 * its former members, so they can see that it is gone.
 */
export function requireParticipant(
  context: OperationContext,
  network: NetworkRecord,
  options: { invitedMayRead: boolean },
): void {
  const account = context.caller.account;
  const isMember = Object.values(context.state.members).some(
    (member) =>
      member.networkId === network.id &&
      member.account === account &&
      (member.status !== 'DELETED' || network.status === 'DELETED'),
  );
  if (isMember) return;
  const isInvited =
    options.invitedMayRead &&
    Object.values(context.state.invitations).some(
      (invitation) => invitation.networkId === network.id && invitation.account === account,
    );
  if (isInvited) return;
  throw accessDenied(`Account ${account} has no member in network ${network.id}.`);
}

export function findMember(context: OperationContext, network: NetworkRecord, memberId: string): MemberRecord {
  const member = context.state.members[memberId];
  if (!member || member.networkId !== network.id) {
    throw notFound(`Member ${memberId} not found in network ${network.id}.`);
  }
  return member;
}

/** The member named by MemberId / VoterMemberId, which only its owning account may act as. */
export function actAsMember(
  context: OperationContext,
  network: NetworkRecord,
  memberId: string,
  field: string,
): MemberRecord {
  const member = findMember(context, network, memberId);
  if (member.account !== context.caller.account) {
    throw accessDenied(
      `${field} ${memberId} belongs to account ${member.account}; account ${context.caller.account} cannot act as it.`,
    );
  }
  return member;
}

export function requireAvailable(resource: { readonly id: string; readonly status: string }, what: string): void {
  if (resource.status !== 'AVAILABLE') {
    throw notReady(`${what} ${resource.id} is ${resource.status}; it must be AVAILABLE for this operation.`);
  }
}

/** Members of a network, in creation order. */
export function membersOf(context: OperationContext, networkId: string): MemberRecord[] {
  return Object.values(context.state.members).filter((member) => member.networkId === networkId);
}

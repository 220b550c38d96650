/**
 * CreateMember (which is how an invitation is accepted), GetMember, ListMembers, UpdateMember
 * (logging only) and DeleteMember (by the owning account only; others remove a member by
 * proposal).
 */
import type {
  CreateMemberOutput,
  GetMemberOutput,
  ListMembersOutput,
  UpdateMemberOutput,
  DeleteMemberOutput,
} from '@aws-sdk/client-managedblockchain';
import { EDITION_LIMITS, MEMBER_STATUSES } from '../../lib/amb';
import { memberArn } from '../arns';
import { MEMBER_PORT_BLOCKS } from '../endpoints';
import { accessDenied, alreadyExists, invalidRequest, limitExceeded, notFound, notReady } from '../errors';
import { newId } from '../ids';
import type { InputReader } from '../input';
import { paginate } from '../pagination';
import { readLogPublishing, readMemberConfiguration, type MemberSettings } from '../rules';
import type { MemberRecord, NetworkRecord } from '../state';
import { creating, deleting, type OperationContext } from './context';
import { idempotent } from './idempotency';
import { actAsMember, findMember, findNetwork, membersOf, requireAvailable, requireParticipant } from './lookup';
import { memberSummaryView, memberView } from './views';

const MEMBER_PAGE_MAX = 20;

/** Members that still hold a seat: everything short of DELETED counts against the edition limit. */
const holdsSeat = (member: MemberRecord): boolean => member.status !== 'DELETED';

export function addMember(
  context: OperationContext,
  network: NetworkRecord,
  settings: MemberSettings,
  invitationId?: string,
): MemberRecord {
  const seated = membersOf(context, network.id).filter(holdsSeat);
  if (seated.some((member) => member.name === settings.name)) {
    throw alreadyExists(`A member named ${settings.name} already exists in network ${network.id}.`);
  }
  const limit = EDITION_LIMITS[network.edition].maxMembers;
  if (seated.length >= limit) {
    throw limitExceeded(
      `Network ${network.id} already has ${seated.length} members; a ${network.edition} network allows at most ${limit}.`,
    );
  }
  if (network.portBlocksUsed >= MEMBER_PORT_BLOCKS) {
    throw limitExceeded(`Network ${network.id} has no Fabric ports left for another member.`);
  }
  const id = newId('member');
  const member: MemberRecord = {
    id,
    arn: memberArn(network.region, context.caller.account, id),
    networkId: network.id,
    account: context.caller.account,
    name: settings.name,
    description: settings.description,
    adminUsername: settings.adminUsername,
    kmsKeyArn: settings.kmsKeyArn,
    createdAt: context.now,
    portBlock: network.portBlocksUsed,
    invitationId,
    logPublishing: settings.logPublishing,
    ...creating(context),
    tags: settings.tags,
  };
  network.portBlocksUsed += 1;
  context.state.members[id] = member;
  context.fabric?.memberCreated(network, member, settings.adminPassword);
  return member;
}

export function createMember(context: OperationContext, input: InputReader): CreateMemberOutput {
  return idempotent(context, 'CreateMember', input, () => {
    const network = findNetwork(context, input.string('NetworkId'));
    const invitationId = input.string('InvitationId', { min: 1, max: 32 });
    const invitation = context.state.invitations[invitationId];
    if (!invitation) throw notFound(`Invitation ${invitationId} not found.`);
    if (invitation.account !== context.caller.account) {
      throw accessDenied(`Invitation ${invitationId} was issued to another account, not ${context.caller.account}.`);
    }
    if (invitation.networkId !== network.id) {
      throw invalidRequest(`Invitation ${invitationId} is for network ${invitation.networkId}, not ${network.id}.`);
    }
    if (invitation.status !== 'PENDING') {
      throw invalidRequest(`Invitation ${invitationId} is ${invitation.status}; only a PENDING invitation can be accepted.`);
    }
    requireAvailable(network, 'Network');
    const settings = readMemberConfiguration(input);
    const member = addMember(context, network, settings, invitation.id);
    invitation.status = 'ACCEPTING';
    return { MemberId: member.id };
  });
}

export function getMember(context: OperationContext, input: InputReader): GetMemberOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  requireParticipant(context, network, { invitedMayRead: true });
  return { Member: memberView(network, findMember(context, network, input.string('MemberId')), context.fabric) };
}

export function listMembers(context: OperationContext, input: InputReader): ListMembersOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  requireParticipant(context, network, { invitedMayRead: true });
  const name = input.optionalString('Name');
  const status = input.optionalEnum('Status', MEMBER_STATUSES);
  const isOwned = input.optionalBoolean('IsOwned');
  const account = context.caller.account;
  const members = membersOf(context, network.id).filter(
    (member) =>
      (name === undefined || member.name === name) &&
      (status === undefined || member.status === status) &&
      (isOwned === undefined || (member.account === account) === isOwned),
  );
  const page = paginate(members, input, 'ListMembers', MEMBER_PAGE_MAX);
  return { Members: page.items.map((member) => memberSummaryView(member, account)), NextToken: page.nextToken };
}

export function updateMember(context: OperationContext, input: InputReader): UpdateMemberOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  const member = actAsMember(context, network, input.string('MemberId'), 'MemberId');
  const logPublishing = readLogPublishing(input, 'LogPublishingConfiguration', ['CaLogs']);
  if (logPublishing !== undefined) member.logPublishing = logPublishing;
  return {};
}

export function deleteMember(context: OperationContext, input: InputReader): DeleteMemberOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  const member = actAsMember(context, network, input.string('MemberId'), 'MemberId');
  if (member.status !== 'AVAILABLE' && member.status !== 'CREATE_FAILED') {
    throw notReady(`Member ${member.id} is ${member.status} and cannot be deleted now.`);
  }
  beginMemberDeletion(context, member);
  return {};
}

/** Deleting a member takes its peer nodes with it; a proposal's removal action does the same. */
export function beginMemberDeletion(context: OperationContext, member: MemberRecord): void {
  Object.assign(member, deleting(context));
  for (const node of Object.values(context.state.nodes)) {
    if (node.memberId === member.id && node.status !== 'DELETED') Object.assign(node, deleting(context));
  }
}

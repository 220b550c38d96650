/**
 * Where the network differs from members/, each difference with the command that closes it.
 * An empty list means the network is what the config says.
 */
import type { Consortium, Member } from '../config/types';
import { proposer } from '../members';
import type { GovernanceAction } from './actions';
import { acceptOrRecordLapse, invitationFate, lapseReason, networkMemberOf, proposalsFor } from './plan-proposals';
import { deployCommand } from '../members';
import { isActiveMember, type NetworkMember, type NetworkSnapshot } from './snapshot';

export interface DriftItem {
  /** The member concerned, or `network`. */
  readonly subject: string;
  readonly problem: string;
  readonly fix: string;
}

const WAIT = 'wait for AMB: npm run status -- --wait';
const VOTE = 'members vote: npm run vote -- --member NAME';

export function computeDrift(consortium: Consortium, snapshot: NetworkSnapshot, now: Date): DriftItem[] {
  const items: DriftItem[] = [];
  const proposeAs = proposer(consortium)?.name ?? 'NAME';
  if (consortium.network.id === undefined) {
    items.push({ subject: 'network', problem: `network.id (${snapshot.networkId}) is not recorded in consortium.yaml`, fix: `npm run sync -- --member ${consortium.founder}` });
  }
  for (const member of consortium.members) {
    const item = memberDrift(member, snapshot, now, proposeAs);
    if (item) items.push(item);
  }
  for (const stranger of snapshot.members.filter(isActiveMember)) {
    const known = consortium.members.some((member) => member.memberId === stranger.id || member.accountId === stranger.accountId);
    if (!known) {
      items.push({
        subject: stranger.name,
        problem: `member ${stranger.id} (account ${stranger.accountId}) is in the network but in no member file`,
        fix: `add ${consortium.dir}/${stranger.name}.yaml (with removed: true to vote it out)`,
      });
    }
  }
  return items;
}

function memberDrift(member: Member, snapshot: NetworkSnapshot, now: Date, proposeAs: string): DriftItem | undefined {
  const inNetwork = networkMemberOf(member, snapshot.members);
  const subject = member.name;
  if (member.removed) {
    if (!inNetwork) return undefined;
    const action: GovernanceAction = { kind: 'remove', memberId: inNetwork.id, member: member.name };
    const latest = proposalsFor(action, snapshot.proposals)[0];
    if (latest?.status === 'IN_PROGRESS') return { subject, problem: `removal proposal ${latest.id} is in progress`, fix: VOTE };
    if (latest?.status === 'APPROVED') return { subject, problem: `removal approved by ${latest.id}; member ${inNetwork.id} is ${inNetwork.status}`, fix: WAIT };
    return { subject, problem: `marked removed: true but member ${inNetwork.id} is ${inNetwork.status}`, fix: `npm run propose -- --member ${proposeAs}` };
  }
  if (inNetwork) return joinedDrift(member, inNetwork);
  if (member.isFounder) {
    return { subject, problem: `the founder has no active member in ${snapshot.networkId}`, fix: `check the network id in consortium.yaml and ${member.name}'s deploy` };
  }
  if (member.memberId !== undefined) {
    return {
      subject,
      problem: `recorded member ${member.memberId} is no longer active in ${snapshot.networkId}`,
      fix: `mark it removed: true, or delete its ledger record and invitationId to invite it again`,
    };
  }
  return invitationDrift(member, snapshot, now, proposeAs);
}

function joinedDrift(member: Member, inNetwork: NetworkMember): DriftItem | undefined {
  if (inNetwork.status !== 'AVAILABLE') {
    const fix = inNetwork.status === 'INACCESSIBLE_ENCRYPTION_KEY' ? "restore access to the member's KMS key" : WAIT;
    return { subject: member.name, problem: `member ${inNetwork.id} is ${inNetwork.status}`, fix };
  }
  if (member.memberId === undefined) {
    return { subject: member.name, problem: `member ${inNetwork.id} is not recorded in ${member.file}`, fix: `npm run sync -- --member ${member.name}` };
  }
  return undefined;
}

function invitationDrift(member: Member, snapshot: NetworkSnapshot, now: Date, proposeAs: string): DriftItem {
  const subject = member.name;
  const action: GovernanceAction = { kind: 'invite', accountId: member.accountId, member: member.name };
  const latest = proposalsFor(action, snapshot.proposals)[0];
  if (latest?.status === 'IN_PROGRESS') return { subject, problem: `invitation proposal ${latest.id} is in progress`, fix: VOTE };
  const fate = latest?.status === 'APPROVED' ? invitationFate(member, latest, snapshot, now) : undefined;
  if (latest && fate?.kind === 'maybe-pending') {
    if (member.invitationId !== undefined) {
      return { subject, problem: `invitation ${member.invitationId} is recorded but the member does not exist yet`, fix: `${deployCommand(member.name)} (if the invitation has expired, npm run accept-invitation -- --member ${member.name} records that and propose invites again)` };
    }
    return {
      subject,
      problem: `invited by proposal ${latest.id}; its invitation may be pending until ${fate.until.toISOString()}`,
      fix: `${acceptOrRecordLapse(member)}; once accepted: ${deployCommand(member.name)}`,
    };
  }
  if (fate?.kind === 'lapsed') {
    return { subject, problem: lapseReason(member, fate), fix: `npm run propose -- --member ${proposeAs} (invites again at once)` };
  }
  if (latest?.status === 'REJECTED' || latest?.status === 'ACTION_FAILED') {
    return { subject, problem: `invitation proposal ${latest.id} ended ${latest.status}`, fix: `npm run propose -- --member ${proposeAs} --retry-rejected` };
  }
  return { subject, problem: `account ${member.accountId} is not invited to ${snapshot.networkId}`, fix: `npm run propose -- --member ${proposeAs}` };
}

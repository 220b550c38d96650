/**
 * How a member votes on a proposal, from members/ alone: YES to inviting an account the
 * config names, YES to removing a member marked `removed: true`, and the member's
 * `voting.otherwise` (NO, or ABSTAIN: cast nothing) to anything else.
 *
 * Pure and free of I/O (no fs, no zx, no SDK): the in-stack voter bundles this same
 * function, so `npm run vote` and the voter cannot disagree.
 */
import type { Consortium, Member } from '../config/types';
import { UsageError } from '../errors';
import type { ProposalActions, RemovalTarget } from './snapshot';

export type VoteChoice = 'YES' | 'NO' | 'ABSTAIN';

export interface VoteDecision {
  readonly vote: VoteChoice;
  readonly reason: string;
}

export interface ProposalToDecide {
  readonly id: string;
  readonly actions: ProposalActions;
}

interface Judgement {
  readonly wanted: boolean;
  readonly why: string;
}

export function decideVote(consortium: Consortium, voter: string, proposal: ProposalToDecide): VoteDecision {
  const member = consortium.members.find((candidate) => candidate.name === voter);
  if (!member) {
    throw new UsageError(`${voter} is not a member of the consortium (members: ${consortium.members.map((candidate) => candidate.name).join(', ')})`);
  }
  const judgements = [
    ...proposal.actions.invitations.map((account) => judgeInvitation(consortium, account)),
    ...proposal.actions.removals.map((target) => judgeRemoval(consortium, target)),
  ];
  if (judgements.length === 0) {
    return { vote: member.voting.otherwise, reason: `proposal ${proposal.id} carries no action the config asks for` };
  }
  const unwanted = judgements.filter((judgement) => !judgement.wanted);
  if (unwanted.length === 0) {
    return { vote: 'YES', reason: judgements.map((judgement) => judgement.why).join('; ') };
  }
  return {
    vote: member.voting.otherwise,
    reason: `${unwanted.map((judgement) => judgement.why).join('; ')} (${member.file} voting.otherwise: ${member.voting.otherwise})`,
  };
}

function judgeInvitation(consortium: Consortium, account: string): Judgement {
  const member = consortium.members.find((candidate) => candidate.accountId === account);
  if (!member) return { wanted: false, why: `invites account ${account}, which no member file names` };
  if (member.removed) return { wanted: false, why: `invites account ${account} of ${member.name}, which is marked removed: true` };
  return { wanted: true, why: `invites account ${account} of ${member.name} (${member.file})` };
}

function judgeRemoval(consortium: Consortium, target: RemovalTarget): Judgement {
  const member = configuredMemberOf(consortium, target);
  const who = target.name ? `${target.name} (${target.memberId})` : target.memberId;
  if (!member) return { wanted: false, why: `removes ${who}, which no member file names` };
  if (!member.removed) return { wanted: false, why: `removes ${who}, which ${member.file} keeps in the consortium` };
  return { wanted: true, why: `removes ${who}, marked removed: true in ${member.file}` };
}

/**
 * The configured member a removal targets: by recorded member id when there is one, else by
 * the owning account, else (for a member no longer listed) by name.
 */
function configuredMemberOf(consortium: Consortium, target: RemovalTarget): Member | undefined {
  const byId = consortium.members.find((member) => member.memberId === target.memberId);
  if (byId) return byId;
  const unrecorded = consortium.members.filter((member) => member.memberId === undefined);
  if (target.accountId !== undefined) return unrecorded.find((member) => member.accountId === target.accountId);
  return target.name === undefined ? undefined : unrecorded.find((member) => member.name === target.name);
}

/**
 * `npm run accept-invitation -- --member NAME`: finds the member account's pending
 * invitation to the configured network and records its id in members/<member>.yaml, which
 * is what makes the member's next deploy create its AMB member (AMB accepts an invitation
 * by CreateMember; there is no separate accept call). An invitation that expired unused is
 * recorded as `lapsedInvitation`, which lets `propose` invite again at once. `--reject`
 * rejects invitations the config does not expect.
 */
import { RejectInvitationCommand } from '@aws-sdk/client-managedblockchain';
import { type Command, recordedNetworkId, runCommand } from '../lib/command';
import { recordInYamlFile } from '../lib/config/record';
import { OperationalError, UsageError } from '../lib/errors';
import { chooseInvitation, type InvitationView } from '../lib/governance/invitations';
import { deployCommand, proposer } from '../lib/members';
import { listInvitations } from '../lib/network-reader';

export interface AcceptResult {
  readonly member: string;
  readonly networkId: string;
  readonly dryRun: boolean;
  /** The invitation this member joins with. */
  readonly invitationId?: string;
  readonly expiresAt?: string;
  /**
   * recorded now, already recorded, would record (dry run), joined (member exists already),
   * or lapsed (the invitation expired unused: recorded so that propose invites again)
   */
  readonly outcome: 'recorded' | 'already-recorded' | 'would-record' | 'joined' | 'lapsed';
  readonly file: string;
  /** What to run next. */
  readonly next: string;
  readonly unexpected: readonly (InvitationView & { readonly rejected: boolean })[];
}

export const acceptInvitation: Command<AcceptResult> = {
  spec: {
    name: 'accept-invitation',
    summary: "Find this member account's pending invitation to the configured network and record its id in members/<member>.yaml; the member's next deploy then joins the network.",
    flags: { reject: { type: 'boolean', description: 'reject pending invitations to networks the config does not name' } },
    examples: ['npm run accept-invitation -- --member ott-vendor-2', 'npm run accept-invitation -- --member ott-vendor-2 --reject --dry-run'],
  },

  async run({ consortium, member, args, out, client }) {
    const networkId = recordedNetworkId(consortium);
    if (member.isFounder) throw new UsageError(`${member.name} is the founder: it creates network ${networkId} and has no invitation to accept`);
    if (member.removed) throw new UsageError(`${member.file}: ${member.name} is marked removed: true, so it does not join; remove that line to join`);
    const invitations = await out.during(`listing the invitations to the account of these credentials (${member.name}'s is ${member.accountId})`, () => listInvitations(client));
    const choice = chooseInvitation(networkId, invitations);
    const unexpected = [];
    for (const invitation of choice.unexpected) {
      const reject = args.flags.reject === true;
      if (reject && !args.dryRun) {
        await client.send(new RejectInvitationCommand({ InvitationId: invitation.id }));
        out.done(`rejected invitation ${invitation.id} to ${invitation.networkName ?? invitation.networkId}`);
      } else if (!reject) {
        out.warn(`invitation ${invitation.id} to network ${invitation.networkName ?? ''} (${invitation.networkId}) is not expected by the config; --reject rejects it`);
      }
      unexpected.push({ ...invitation, rejected: reject && !args.dryRun });
    }
    const base = { member: member.name, networkId, dryRun: args.dryRun, file: member.file, unexpected };
    const deploy = deployCommand(member.name);
    const proposeAs = proposer(consortium)?.name ?? 'NAME';

    if (member.memberId !== undefined) {
      return { ...base, invitationId: member.invitationId, outcome: 'joined', next: `nothing: ${member.name} is member ${member.memberId} already` };
    }
    const pending = choice.pending;
    if (!pending) {
      const recorded = invitations.find((invitation) => invitation.id === member.invitationId);
      if (recorded && (recorded.status === 'ACCEPTING' || recorded.status === 'ACCEPTED')) {
        return { ...base, invitationId: recorded.id, outcome: 'already-recorded', next: `npm run sync -- --member ${member.name} (the member is being created with ${recorded.id})` };
      }
      if (choice.latest?.status === 'EXPIRED') {
        const lapsed = choice.latest;
        const recording = recordInYamlFile(
          member.file,
          [
            // An expired invitation can no longer create the member: the deploy must not try it.
            { path: ['invitationId'], value: undefined },
            { path: ['lapsedInvitation'], value: { invitationId: lapsed.id, expiredAt: lapsed.expirationDate.toISOString() }, after: ['adminUsername', 'region', 'deployRoleArn', 'accountId'], comment: LAPSE_COMMENT },
          ],
          { dryRun: args.dryRun },
        );
        if (recording.changed && !args.dryRun) out.done(`recorded in ${member.file} that invitation ${lapsed.id} expired unused at ${lapsed.expirationDate.toISOString()}`);
        return {
          ...base,
          invitationId: lapsed.id,
          outcome: 'lapsed',
          next: `commit ${member.file}; then npm run propose -- --member ${proposeAs} invites ${member.name} again at once, the members vote, and ${member.name} runs accept-invitation again`,
        };
      }
      throw noPendingInvitation(choice.latest, member.accountId, networkId, proposeAs);
    }
    const expiresAt = pending.expirationDate.toISOString();
    if (member.invitationId === pending.id) {
      return { ...base, invitationId: pending.id, expiresAt, outcome: 'already-recorded', next: deploy };
    }
    const recording = recordInYamlFile(
      member.file,
      [
        { path: ['invitationId'], value: pending.id, after: ['adminUsername', 'region', 'deployRoleArn', 'accountId'], comment: 'Written by `npm run accept-invitation`.' },
        { path: ['lapsedInvitation'], value: undefined },
      ],
      { dryRun: args.dryRun },
    );
    if (recording.reformatted) out.warn(`${member.file}: the YAML writer re-spaced lines it did not edit; review the diff before committing`);
    if (!args.dryRun) out.done(`recorded invitation ${pending.id} in ${member.file}${member.invitationId ? ` (replacing ${member.invitationId})` : ''}`);
    return { ...base, invitationId: pending.id, expiresAt, outcome: args.dryRun ? 'would-record' : 'recorded', next: deploy };
  },

  render(result, out) {
    const lines = [`${result.member}: invitation ${result.invitationId ?? '-'} to ${result.networkId} (${result.outcome}${result.dryRun ? ', dry run' : ''})`];
    if (result.expiresAt) lines.push(`The invitation expires at ${result.expiresAt}; deploy before then.`);
    if (result.outcome === 'lapsed') lines[0] = `${result.member}: invitation ${result.invitationId} to ${result.networkId} expired unused (recorded${result.dryRun ? ' in a real run; dry run' : ''})`;
    if (result.outcome === 'recorded' || result.outcome === 'would-record') lines.push(`Commit ${result.file}, then run: ${result.next}`);
    else lines.push(`Next: ${result.next}`);
    for (const invitation of result.unexpected) {
      lines.push(`Unexpected invitation ${invitation.id} to ${invitation.networkName ?? invitation.networkId}: ${invitation.rejected ? 'rejected' : 'left pending (--reject rejects it)'}`);
    }
    out.print(lines.join('\n'));
  },
};

const LAPSE_COMMENT = 'Written by `npm run accept-invitation`: this invitation expired unused; propose invites again.';

function noPendingInvitation(latest: InvitationView | undefined, accountId: string, networkId: string, proposerName: string): OperationalError {
  const repropose = `ask for a new one: npm run propose -- --member ${proposerName}`;
  if (latest?.status === 'REJECTED') {
    return new OperationalError(`invitation ${latest.id} to ${networkId} was rejected; ${repropose}`);
  }
  return new OperationalError(
    `no pending invitation to ${networkId} for the account of these credentials (expected account ${accountId}): check the credentials, or have the consortium propose and approve it (npm run propose -- --member ${proposerName}, then npm run vote)`,
  );
}

if (require.main === module) void runCommand(acceptInvitation);

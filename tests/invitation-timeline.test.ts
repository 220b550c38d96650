/**
 * The life of an invitation and of a removed member, on the simulator's clock: at every
 * point accept-invitation, propose and status (as the founder and as the invitee) give the
 * same advice, an expired invitation leads to a re-invitation at once, and an invitee or a
 * removed member is told where it stands instead of being told to use its own credentials.
 */
import { readFileSync } from 'node:fs';
import { recordInYamlFile } from '../lib/config/record';
import { acceptInvitation } from '../scripts/accept-invitation';
import { propose } from '../scripts/propose';
import { status } from '../scripts/status';
import { vote } from '../scripts/vote';
import { CREATION_DELAY_MS, GovernanceSim } from './helpers/governance-sim';

const HOUR = 3_600_000;
const LAPSE_ADVICE = 'ott-vendor-2 accepts with npm run accept-invitation -- --member ott-vendor-2; if its invitation has expired, that command records it in';

describe('an invitation that expires unused', () => {
  let harness: GovernanceSim;
  beforeAll(async () => {
    harness = await GovernanceSim.start();
    await harness.foundNetwork();
  });
  afterAll(() => harness.stop());

  const driftOf = async (viewer: string, subject: string) => {
    const run = await harness.run(status, viewer);
    expect(run.exitCode).toBe(0);
    return run.result!.drift.find((item) => item.subject === subject)!;
  };
  const proposalFor = async (member: string, extra: string[] = []) => {
    const run = await harness.expectOk(harness.run(propose, 'filmmaker', extra));
    return run.proposals.find((entry) => entry.action.member === member)!;
  };

  it('at +0 h: the founder alone approves, and the invitee sees its pending invitation without any credential complaint', async () => {
    expect((await proposalFor('ott-vendor-2')).outcome).toBe('created');
    const invitee = await harness.run(status, 'ott-vendor-2');
    expect(invitee.exitCode).toBe(0);
    expect(invitee.result!.network?.name).toBe('drm-royalties');
    expect(invitee.result!.proposalsHidden).toBe(true);
    expect(invitee.stdout).toContain('Proposals: AMB shows them to members only, and ott-vendor-2 is not one');
    expect(invitee.result!.drift).toEqual([
      { subject: 'ott-vendor-2', problem: expect.stringMatching(/^invited to n-\w+: invitation \S+ is pending until \S+$/), fix: 'npm run accept-invitation -- --member ott-vendor-2, then npx cdktf deploy ott-vendor-2' },
    ]);
    const notYet = await harness.run(vote, 'ott-vendor-2');
    expect(notYet.exitCode).toBe(1);
    expect(notYet.error!.message).toMatch(/^ott-vendor-2 has not joined network n-\w+ yet, so AMB shows it no proposals and it cannot vote: npm run status -- --member ott-vendor-2 shows its invitation/);
  });

  it('at +25 h, before anyone acts: propose and the founder\'s status give the same advice, the invitee\'s status says it expired', async () => {
    harness.advance(25 * HOUR);
    const skipped = await proposalFor('ott-vendor-2', ['--dry-run']);
    expect(skipped.outcome).toBe('skipped');
    expect(skipped.reason).toContain(LAPSE_ADVICE);
    const founderView = await driftOf('filmmaker', 'ott-vendor-2');
    expect(founderView.fix).toContain(LAPSE_ADVICE);
    const inviteeView = await driftOf('ott-vendor-2', 'ott-vendor-2');
    expect(inviteeView.problem).toMatch(/^invitation \S+ to n-\w+ expired unused at \S+$/);
    expect(inviteeView.fix).toBe('npm run accept-invitation -- --member ott-vendor-2 records it; commit ' + harness.member('ott-vendor-2').file + '; then npm run propose -- --member filmmaker invites ott-vendor-2 again at once');
  });

  it('accept-invitation records the lapse; then every command says propose, and propose re-invites at once', async () => {
    const accepted = await harness.run(acceptInvitation, 'ott-vendor-2');
    expect(accepted.exitCode).toBe(0);
    expect(accepted.result).toMatchObject({ outcome: 'lapsed', next: expect.stringMatching(/then npm run propose -- --member filmmaker invites ott-vendor-2 again at once/) });
    const file = harness.member('ott-vendor-2').file;
    expect(readFileSync(file, 'utf8')).toMatch(/# Written by `npm run accept-invitation`: this invitation expired unused; propose invites again.\nlapsedInvitation:\n  invitationId: \S+\n  expiredAt: \S+Z\n/);

    const founderView = await driftOf('filmmaker', 'ott-vendor-2');
    expect(founderView).toEqual({ subject: 'ott-vendor-2', problem: expect.stringMatching(/^invitation \S+ expired unused at \S+ \(recorded in .*ott-vendor-2\.yaml by accept-invitation\)$/), fix: 'npm run propose -- --member filmmaker (invites again at once)' });
    const inviteeView = await driftOf('ott-vendor-2', 'ott-vendor-2');
    expect(inviteeView.fix).toBe(`commit ${file}; then npm run propose -- --member filmmaker invites ott-vendor-2 again at once`);

    const reinvited = await proposalFor('ott-vendor-2');
    expect(reinvited).toMatchObject({ outcome: 'created', attempt: 2, reason: expect.stringContaining('expired unused at') });
    // The other invitees recorded nothing: they still wait for the worst-case bound.
    expect((await proposalFor('bank', ['--dry-run'])).outcome).toBe('skipped');
  });

  it('the re-invitation is accepted: the lapse record goes, the member joins and the drift clears', async () => {
    await harness.join('ott-vendor-2');
    const text = readFileSync(harness.member('ott-vendor-2').file, 'utf8');
    expect(text).not.toContain('lapsedInvitation');
    expect(harness.member('ott-vendor-2').memberId).toMatch(/^m-/);
    expect(await driftOf('filmmaker', 'ott-vendor-2')).toBeUndefined();
  });

  it('status shows the final tally of closed proposals, not empty columns', async () => {
    const run = await harness.expectOk(harness.run(status, 'filmmaker'));
    const closed = run.proposals.filter((proposal) => proposal.status === 'APPROVED');
    expect(closed.length).toBeGreaterThanOrEqual(4);
    // Each was approved by the founder's vote alone: one YES, no NO.
    for (const proposal of closed) expect([proposal.yes, proposal.no]).toEqual([1, 0]);
  });
});

describe('a removed member', () => {
  let harness: GovernanceSim;
  beforeAll(async () => {
    harness = await GovernanceSim.start();
    await harness.foundNetwork();
    await harness.expectOk(harness.run(propose, 'filmmaker'));
    await harness.join('bank');
    await harness.join('ott-vendor-1');
    recordInYamlFile(harness.member('bank').file, [{ path: ['removed'], value: true }]);
    await harness.expectOk(harness.run(propose, 'filmmaker'));
    await harness.expectOk(harness.run(vote, 'ott-vendor-1'));
    harness.advance(CREATION_DELAY_MS);
  });
  afterAll(() => harness.stop());

  it('vote says it was removed, with its member id and status, not to use its own credentials', async () => {
    const run = await harness.run(vote, 'bank');
    expect(run.exitCode).toBe(1);
    expect(run.error!.message).toMatch(/^bank was removed from network n-\w+: its member m-\w+, which joined on \S+, is DELETED, so it can no longer read proposals or vote/);
    expect(run.error!.message).not.toContain('use credentials');
  });

  it('status shows the network it was in and says it was removed', async () => {
    const run = await harness.run(status, 'bank');
    expect(run.exitCode).toBe(0);
    expect(run.result!.drift).toEqual([
      { subject: 'bank', problem: expect.stringMatching(/^removed from network n-\w+: its member m-\w+ \(joined \S+\) is DELETED/), fix: expect.stringContaining('nothing in AMB') },
    ]);
  });
});

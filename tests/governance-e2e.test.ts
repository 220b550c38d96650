/**
 * The governance lifecycle end to end against the simulator: the rehearsal as shipped, the
 * same under injected throttling and server errors, and a propose killed mid-run.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionKeysOf, actionsOfDescription } from '../lib/governance/actions';
import { listProposalVotes, readNetwork } from '../lib/network-reader';
import { recordInYamlFile } from '../lib/config/record';
import { capturingIo } from '../lib/output';
import { rehearse, type RehearsalSummary } from '../scripts/rehearse';
import { vote } from '../scripts/vote';
import { propose } from '../scripts/propose';
import { SAMPLE_DIR } from './helpers/consortium-fixture';
import { GovernanceSim } from './helpers/governance-sim';

function fingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((file) => [file, createHash('sha256').update(readFileSync(join(dir, file))).digest('hex')]));
}

/** What the final network looks like, without the ids that differ between runs. */
function endState(summary: RehearsalSummary) {
  return {
    members: summary.final.members.map((member) => [member.name, member.accountId, member.status, member.config]),
    actions: Object.keys(summary.proposalsPerAction)
      .map((key) => key.replace(/^remove:.*/, 'remove'))
      .sort(),
    proposalStatuses: summary.final.proposals.map((proposal) => proposal.status),
  };
}

describe('npm run rehearse', () => {
  let calm: RehearsalSummary;
  const before = fingerprint(SAMPLE_DIR);

  beforeAll(async () => {
    calm = await rehearse({ sourceDir: SAMPLE_DIR, io: capturingIo() });
  });

  it('plays the sample consortium from the founding to a removal and ends matching the config', () => {
    expect(calm.problems).toEqual([]);
    expect(calm.ok).toBe(true);
    expect(calm.final.inSync).toBe(true);
    expect(calm.removed).toBe('ott-vendor-2');
    expect(endState(calm)).toEqual({
      members: [
        ['filmmaker', '111122223333', 'AVAILABLE', 'founder'],
        ['bank', '444455556666', 'AVAILABLE', 'member'],
        ['ott-vendor-1', '222233334444', 'AVAILABLE', 'member'],
        ['ott-vendor-2', '333344445555', 'DELETED', 'removed'],
      ],
      actions: ['invite:222233334444', 'invite:333344445555', 'invite:444455556666', 'remove'],
      proposalStatuses: ['APPROVED', 'APPROVED', 'APPROVED', 'APPROVED'],
    });
  });

  it('creates exactly one proposal per action', () => {
    expect(Object.values(calm.proposalsPerAction)).toEqual([1, 1, 1, 1]);
  });

  it('runs every step of the lifecycle in order, each by the member whose credentials it needs', () => {
    const steps = calm.timeline.map((entry) => `${entry.actor} ${entry.step.split(' ')[0]}`);
    expect(steps.slice(0, 4)).toEqual(['filmmaker deploy', 'filmmaker sync', 'filmmaker propose', 'filmmaker vote']);
    for (const invitee of ['bank', 'ott-vendor-1', 'ott-vendor-2']) {
      const index = steps.indexOf(`${invitee} accept-invitation`);
      expect(steps.slice(index, index + 3)).toEqual([`${invitee} accept-invitation`, `${invitee} deploy`, `${invitee} sync`]);
    }
    expect(steps.filter((step) => step.endsWith('configure-logging'))).toHaveLength(4);
    expect(steps.slice(-7)).toEqual(['operator mark', 'filmmaker propose', 'bank vote', 'filmmaker vote', 'ott-vendor-1 vote', 'ott-vendor-2 vote', 'AMB delete']);
  });

  it('removes a chosen member with --remove', async () => {
    const summary = await rehearse({ sourceDir: SAMPLE_DIR, remove: 'bank', io: capturingIo() });
    expect(summary.ok).toBe(true);
    expect(summary.final.members.find((member) => member.name === 'bank')?.status).toBe('DELETED');
  });

  it('leaves the source consortium byte for byte as it was', () => {
    expect(fingerprint(SAMPLE_DIR)).toEqual(before);
  });

  it('converges to the same end state with 30% throttling and 5% server errors, one proposal per action', async () => {
    const faulty = await rehearse({ sourceDir: SAMPLE_DIR, faults: { throttleRate: 0.3, serverErrorRate: 0.05, seed: 7 }, io: capturingIo() });
    expect(faulty.problems).toEqual([]);
    expect(endState(faulty)).toEqual(endState(calm));
    expect(Object.values(faulty.proposalsPerAction)).toEqual([1, 1, 1, 1]);
    expect(faulty.apiCalls).toBeGreaterThan(calm.apiCalls);
  });
});

describe('a propose killed mid-run', () => {
  let harness: GovernanceSim;

  beforeAll(async () => {
    harness = await GovernanceSim.start();
  });
  afterAll(() => harness.stop());

  it('re-run leaves one proposal per action with every vote present', async () => {
    await harness.foundNetwork();
    const invited = await harness.expectOk(harness.run(propose, 'filmmaker'));
    expect(invited.proposals.filter((entry) => entry.outcome === 'created')).toHaveLength(3);
    for (const name of ['bank', 'ott-vendor-1', 'ott-vendor-2']) await harness.join(name);
    for (const name of ['bank', 'ott-vendor-1']) recordInYamlFile(harness.member(name).file, [{ path: ['removed'], value: true }]);

    const creates = () => harness.sim.requestsByOperation().CreateProposal ?? 0;
    const createsBefore = creates();
    harness.sim.setFaults({ latencyMs: 150 });
    const killed = await harness.runChild('propose.ts', ['--member', 'filmmaker'], harness.credentialsOf('filmmaker'), (kill) => {
      const watch = setInterval(() => {
        if (creates() > createsBefore) {
          clearInterval(watch);
          kill();
        }
      }, 2);
    });
    harness.sim.setFaults({});
    expect(killed.exitCode).toBeNull();
    expect(creates()).toBe(createsBefore + 1);

    const rerun = await harness.runChild('propose.ts', ['--member', 'filmmaker', '--json'], harness.credentialsOf('filmmaker'));
    expect(rerun.stderr).not.toMatch(/unexpected error|IllegalAction/);
    expect(rerun.exitCode).toBe(0);

    const networkId = harness.consortium().network.id!;
    const snapshot = await readNetwork(harness.clientFor(harness.member('filmmaker')), networkId, { votes: true });
    const removals = snapshot.proposals.filter((proposal) => proposal.actions?.removals.length);
    const perAction = removals.flatMap((proposal) => actionKeysOf(proposal.actions!));
    expect(perAction.sort()).toEqual([`remove:${harness.member('bank').memberId}`, `remove:${harness.member('ott-vendor-1').memberId}`].sort());
    for (const proposal of removals) {
      expect(proposal.votes).toEqual([expect.objectContaining({ memberId: harness.member('filmmaker').memberId, vote: 'YES' })]);
    }

    for (const voter of ['bank', 'ott-vendor-1', 'ott-vendor-2']) await harness.expectOk(harness.run(vote, voter));
    for (const proposal of removals) {
      const votes = await listProposalVotes(harness.clientFor(harness.member('filmmaker')), networkId, proposal.id);
      expect(new Set(votes.map((cast) => cast.memberId)).size).toBe(votes.length);
      expect(votes.every((cast) => cast.vote === 'YES')).toBe(true);
    }
    const after = await readNetwork(harness.clientFor(harness.member('filmmaker')), networkId);
    const descriptions = after.proposals.map((proposal) => actionsOfDescription(proposal.description)).filter(Boolean);
    const keys = descriptions.flatMap((actions) => actionKeysOf(actions!));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

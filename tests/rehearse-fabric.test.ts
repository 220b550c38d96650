/** `npm run rehearse -- --fabric`: the sample consortium's rehearsal with real Fabric behind the simulator. */
import { loadConsortium } from '../lib/config';
import { capturingIo } from '../lib/output';
import { rehearse, type RehearsalSummary } from '../scripts/rehearse';
import { SAMPLE_DIR } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';

describe('npm run rehearse -- --fabric', () => {
  let summary: RehearsalSummary;
  beforeAll(async () => {
    await requireFabric();
    summary = await rehearse({ sourceDir: SAMPLE_DIR, fabric: true, io: capturingIo() });
  }, 600_000);

  it('passes: the final network matches the config', () => {
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
  });

  it("ends with every remaining member's admin enrolled from its CA and every one of its peers answering", () => {
    const remaining = loadConsortium(SAMPLE_DIR).members.filter((member) => member.name !== summary.removed);
    expect(summary.fabric?.map((check) => check.member).sort()).toEqual(remaining.map((member) => member.name).sort());
    for (const member of remaining) {
      const check = summary.fabric!.find((entry) => entry.member === member.name)!;
      expect(check.adminEnrolled).toBe(true);
      expect(check.peersAnswering).toHaveLength(member.peers.length);
    }
  });
});

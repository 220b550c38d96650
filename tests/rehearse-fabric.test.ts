/**
 * `npm run rehearse -- --fabric`: the sample consortium's rehearsal with real Fabric behind the
 * simulator. One run covers membership, the ledger (channels, chaincode, a document anchored,
 * verified from the ledger and caught once tampered with) and the final Fabric check.
 */
import { loadConsortium } from '../lib/config';
import { capturingIo } from '../lib/output';
import { rehearse, type RehearsalSummary, type TimelineEntry } from '../scripts/rehearse';
import { SAMPLE_DIR } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { requireTool } from './helpers/tools';

describe('npm run rehearse -- --fabric', () => {
  let summary: RehearsalSummary;
  const entries = (actor: string, step: string): TimelineEntry[] => summary.timeline.filter((entry) => entry.actor === actor && entry.step === step);

  beforeAll(async () => {
    requireTool('jq');
    await requireFabric();
    summary = await rehearse({ sourceDir: SAMPLE_DIR, fabric: true, io: capturingIo() });
  }, 900_000);

  it('passes: the final network matches the config', () => {
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
  });

  it('creates and joins the channels, creator first, and sets every member\'s anchor peer', () => {
    expect(entries('filmmaker', 'channel --local').map((entry) => entry.detail)).toEqual([
      expect.stringMatching(/^royalties: create done, join peer1 \(nd-\S+\) done, join peer2 \(nd-\S+\) done, anchor done; plays: create done, join peer1 \(nd-\S+\) done, join peer2 \(nd-\S+\) done, anchor done$/),
    ]);
    expect(entries('bank', 'channel --local')[0].detail).toMatch(/^royalties: join peer1 \(nd-\S+\) done, anchor done$/);
    expect(entries('ott-vendor-1', 'channel --local')[0].detail).toMatch(/^plays: join peer1 \(nd-\S+\) done, anchor done$/);
    expect(entries('operator', 'check: channel --local again for every member')[0].detail).toBe('nothing left to do on any channel');
  });

  it('commits documents on royalties: the first member approves and waits, the second approves and commits', () => {
    expect(entries('filmmaker', 'chaincode --local')[0].detail).toMatch(/^royalties\/documents: record-package-id done, install done, install done, approve done, wait waiting$/);
    expect(entries('bank', 'chaincode --local')[0].detail).toMatch(/^royalties\/documents: install done, approve done, commit done$/);
  });

  it('anchors a document, verifies it from the ledger, and catches it once other bytes are put under its key', () => {
    expect(summary.document).toMatchObject({ owner: 'filmmaker', channel: 'royalties', verified: true, tamperCaught: true });
    expect(summary.document!.anchoredBy).toMatch(/^m-/);
    const [before, after] = entries('filmmaker', 'offchain verify --from-ledger --local').map((entry) => entry.detail);
    expect(before).toMatch(/^intact \(exit 0\)/);
    expect(after).toMatch(/^TAMPERED \(exit 3\): version \S+ is not anchored/);
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

/**
 * `npm run rehearse -- --fabric`: the sample consortium's rehearsal with real Fabric behind the
 * simulator. One run covers membership, the ledger (channels, chaincode, a member added to
 * plays by a majority-signed update, a document anchored, verified from the ledger and caught
 * once tampered with) and the final Fabric check.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConsortium } from '../lib/config';
import { disposeWorkspace } from '../lib/rehearsal/workspace';
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
    summary = await rehearse({ sourceDir: SAMPLE_DIR, fabric: true, io: capturingIo(), keepWorkspace: true });
  }, 900_000);

  afterAll(() => {
    if (summary?.workspace) disposeWorkspace(summary.workspace);
  });

  it('passes: the final network matches the config', () => {
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
  });

  it('creates and joins the channels, creator first, and sets every member\'s anchor peer', () => {
    expect(entries('filmmaker', 'channel --local')[0].detail).toMatch(
      /^royalties: create done, join peer1 \(nd-\S+\) done, join peer2 \(nd-\S+\) done, anchor done; plays: create done, join peer1 \(nd-\S+\) done, join peer2 \(nd-\S+\) done, anchor done$/,
    );
    expect(entries('bank', 'channel --local')[0].detail).toMatch(/^royalties: join peer1 \(nd-\S+\) done, anchor done$/);
    expect(entries('ott-vendor-1', 'channel --local')[0].detail).toMatch(/^plays: join peer1 \(nd-\S+\) done, anchor done$/);
    expect(entries('operator', 'check: channel --local again for every member')[0].detail).toBe('nothing left to do on any channel');
  });

  it('adds ott-vendor-2 to plays: filmmaker computes and signs, ott-vendor-1 signs and submits, ott-vendor-2 joins; the signatures are in channels/plays/updates/', () => {
    expect(entries('ott-vendor-2', 'msp --local')).toHaveLength(1);
    expect(entries('operator', 'add ott-vendor-2 to plays')[0].detail).toMatch(/channels\[1\]\.members: filmmaker, ott-vendor-1, ott-vendor-2$/);
    expect(entries('filmmaker', 'channel --local')[1].detail).toMatch(/^plays: compute done, sign done, wait waiting$/);
    expect(entries('ott-vendor-1', 'channel --local')[1].detail).toMatch(/^plays: sign done, submit done$/);
    expect(entries('ott-vendor-2', 'channel --local')[0].detail).toMatch(/^plays: join peer1 \(nd-\S+\) done, anchor done$/);
    const updates = join(dirname(summary.workspace!), 'channels', 'plays', 'updates');
    const [update] = readdirSync(updates);
    expect(update).toMatch(/^seq\d+-add-ott-vendor-2$/);
    expect(readdirSync(join(updates, update, 'signatures')).filter((file) => file.endsWith('.json')).sort()).toEqual(['filmmaker.json', 'ott-vendor-1.json']);
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

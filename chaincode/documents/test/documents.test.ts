import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DocumentsContract, type AnchorRecord } from '../src/documents';
import { loadRules, RULES_FILE } from '../src/rules';
import { certificate } from './identities';
import { WorldState } from './world-state';

const HASH_1 = 'a'.repeat(64);
const HASH_2 = 'b'.repeat(64);
const T0 = new Date('2026-11-30T10:00:00.250Z');
const T1 = new Date('2026-11-30T10:05:00.000Z');

describe('documents contract', () => {
  const admin = certificate('filmadmin');
  const reporter = certificate('reporter1', { role: 'reporter' });
  const viewer = certificate('viewer1', { role: 'viewer' });
  let world: WorldState;
  let contract: DocumentsContract;

  beforeEach(() => {
    world = new WorldState();
    contract = new DocumentsContract({});
  });

  test('Anchor records the hash with the MSP id of the anchoring member and the transaction time', async () => {
    const result = JSON.parse(await contract.Anchor(world.context('m-FILM', admin, T0), 'contracts/film-1.pdf', 'v1', HASH_1)) as AnchorRecord;
    expect(result).toEqual({ key: 'contracts/film-1.pdf', versionId: 'v1', sha256: HASH_1, mspId: 'm-FILM', txId: 'tx1', anchoredAt: '2026-11-30T10:00:00.250Z' });
    expect(JSON.parse(await contract.Get(world.context('m-BANK', admin, T1), 'contracts/film-1.pdf', 'v1'))).toEqual(result);
  });

  test('Anchor refuses to overwrite an anchored version, even with the same hash, and leaves it as it was', async () => {
    await contract.Anchor(world.context('m-FILM', admin, T0), 'doc', 'v1', HASH_1);
    const before = new Map(world.state);
    await expect(contract.Anchor(world.context('m-BANK', admin, T1), 'doc', 'v1', HASH_2)).rejects.toThrow('doc version v1 is already anchored (sha256 ' + HASH_1 + ', by m-FILM at 2026-11-30T10:00:00.250Z)');
    await expect(contract.Anchor(world.context('m-FILM', admin, T1), 'doc', 'v1', HASH_1)).rejects.toThrow('already anchored');
    expect(world.state).toEqual(before);
  });

  test('Anchor refuses a hash that is not 64 lower-case hex digits, and an empty key or version', async () => {
    const ctx = () => world.context('m-FILM', admin, T0);
    await expect(contract.Anchor(ctx(), 'doc', 'v1', HASH_1.toUpperCase())).rejects.toThrow('is not 64 lower-case hex digits');
    await expect(contract.Anchor(ctx(), 'doc', 'v1', 'abc')).rejects.toThrow('is not 64 lower-case hex digits');
    await expect(contract.Anchor(ctx(), '', 'v1', HASH_1)).rejects.toThrow('key is empty');
    await expect(contract.Anchor(ctx(), 'doc', '', HASH_1)).rejects.toThrow('versionId is empty');
    expect(world.state.size).toBe(0);
  });

  test('Get without a version gives the latest anchored one; History lists every version oldest first', async () => {
    await contract.Anchor(world.context('m-FILM', admin, T0), 'doc', 'v1', HASH_1);
    await contract.Anchor(world.context('m-BANK', admin, T1), 'doc', 'v2', HASH_2);
    await contract.Anchor(world.context('m-BANK', admin, T1), 'doc-other', 'v1', HASH_2);
    expect(JSON.parse(await contract.Get(world.context('m-FILM', admin, T1), 'doc', ''))).toMatchObject({ versionId: 'v2', sha256: HASH_2, mspId: 'm-BANK' });
    const history = JSON.parse(await contract.History(world.context('m-FILM', admin, T1), 'doc')) as AnchorRecord[];
    expect(history.map((record) => [record.versionId, record.mspId])).toEqual([
      ['v1', 'm-FILM'],
      ['v2', 'm-BANK'],
    ]);
  });

  test('Get of a version never anchored fails, History of an unknown key is empty', async () => {
    await expect(contract.Get(world.context('m-FILM', admin, T0), 'doc', 'v9')).rejects.toThrow('doc version v9 is not anchored');
    await expect(contract.Get(world.context('m-FILM', admin, T0), 'doc', '')).rejects.toThrow('doc has no anchored version');
    expect(await contract.History(world.context('m-FILM', admin, T0), 'doc')).toBe('[]');
  });

  describe('with a required certificate attribute role=reporter', () => {
    beforeEach(() => {
      contract = new DocumentsContract({ requiredAttribute: { name: 'role', value: 'reporter' } });
    });

    test('Anchor accepts an identity whose certificate carries role=reporter', async () => {
      expect(JSON.parse(await contract.Anchor(world.context('m-OTT1', reporter, T0), 'plays/2026-11', 'v1', HASH_1))).toMatchObject({ mspId: 'm-OTT1' });
    });

    test('Anchor refuses an identity without the attribute, or with another value, and writes nothing', async () => {
      await expect(contract.Anchor(world.context('m-OTT1', admin, T0), 'plays/2026-11', 'v1', HASH_1)).rejects.toThrow('Anchor needs an identity whose certificate carries role=reporter; x509::/O=test/OU=client/CN=filmadmin');
      await expect(contract.Anchor(world.context('m-OTT1', viewer, T0), 'plays/2026-11', 'v1', HASH_1)).rejects.toThrow('carries role=reporter');
      expect(world.state.size).toBe(0);
    });

    test('reading needs no attribute', async () => {
      await contract.Anchor(world.context('m-OTT1', reporter, T0), 'plays/2026-11', 'v1', HASH_1);
      expect(JSON.parse(await contract.Get(world.context('m-FILM', admin, T1), 'plays/2026-11', 'v1'))).toMatchObject({ sha256: HASH_1 });
    });
  });

  test('reads its rules from chaincode-config.json beside package.json, and has none without the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'documents-rules-'));
    try {
      expect(loadRules(dir)).toEqual({});
      writeFileSync(join(dir, RULES_FILE), JSON.stringify({ requiredAttribute: { name: 'role', value: 'reporter' } }));
      expect(loadRules(dir)).toEqual({ requiredAttribute: { name: 'role', value: 'reporter' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

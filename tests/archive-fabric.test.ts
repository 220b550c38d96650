/**
 * The archive against real Fabric 2.2 (the simulator's processes) and S3 as moto_server
 * emulates it. One member, a channel created by hand with the `documents` chaincode deployed
 * through the local external builder, an orderer that cuts a block per transaction, and
 * 200 blocks of Anchor transactions submitted with the Fabric 2.2 Node SDK
 * (fabric-common). Then: archive over the peer's Deliver stream, verify (alone and against
 * the live peer), resume after new blocks, a transaction read back as the SDK returned it,
 * `offchain verify --from-archive`, a run killed half way and re-run, and the three kinds of
 * tampering (flipped byte, deleted block, reordered manifest), each naming its block, exit 3.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { archiveLocationOf } from '../lib/archive/command';
import { DeliverBlockSource } from '../lib/archive/deliver';
import { blockKey, manifestKey } from '../lib/archive/layout';
import { runArchiveCommand } from '../lib/archive/run';
import { parseBlockchainInfo } from '../lib/archive/source';
import { S3ArchiveStore } from '../lib/archive/store';
import { offchainStoreOf, putDocument } from '../lib/offchain';
import { capturingIo } from '../lib/output';
import { createChannelByHand, deployChaincodeByHand, fabricCli } from '../sim/fabric/channel';
import { FabricNetwork } from '../sim/fabric/network';
import { ChaincodeSubmitter, type SubmittedTransaction } from '../sim/fabric/submit';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { requireFabric } from './helpers/fabric';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');
const MEMBER = 'm-BANK';
const CHANNEL = 'royalties';
/** Anchor transactions (one block each) made before the first archive run. */
const BLOCKS = 200;

let fabric: FabricNetwork;
let moto: MotoServer;
let s3: S3Client;
let fixture: ConsortiumFixture;
let work: string;
let peerEnv: Record<string, string>;
let submitter: ChaincodeSubmitter;
let heights: DeliverBlockSource;
let region: string;
/** The member's archive bucket as members/bank.yaml names it. */
let bucket: string;
const savedEnv = { ...process.env };
let anchored = 0;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Waits until the peer's height on the channel is at least `height`. */
async function committed(height: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await heights.height(CHANNEL)) < height) {
    if (Date.now() > deadline) throw new Error(`the peer did not reach height ${height} within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One Anchor of a new key through the SDK, committed. */
async function anchor(key: string, versionId: string, hash: string): Promise<SubmittedTransaction> {
  const before = await heights.height(CHANNEL);
  const submitted = await submitter.submit(CHANNEL, 'documents', 'documents:Anchor', [key, versionId, hash]);
  await committed(before + 1);
  return submitted;
}

/** `count` Anchor transactions, eight in flight: `count` new blocks, since the orderer cuts one per transaction. */
async function makeBlocks(count: number): Promise<void> {
  const before = await heights.height(CHANNEL);
  const numbers = Array.from({ length: count }, () => (anchored += 1));
  await submitter.submitAll(CHANNEL, 'documents', 'documents:Anchor', numbers.map((number) => [`statements/${number}.csv`, 'v1', sha256(String(number))]));
  await committed(before + count);
}

async function liveInfo(): Promise<{ height: number; currentBlockHash: string }> {
  return parseBlockchainInfo(await fabricCli(peerEnv, 'peer', ['channel', 'getinfo', '-c', CHANNEL]));
}

async function newBucket(name: string): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: true }));
  return name;
}

const env = () => ({ ...process.env, ...peerEnv, CONSORTIUM_DIR: fixture.dir });

/** `npm run archive -- [action] --member bank --json ...` in this process; `where` defaults to the member's own bucket. */
async function archiveCli(action: string[], where: string[] = [], ...extra: string[]): Promise<{ code: number; result: any }> {
  const io = capturingIo();
  const code = await runArchiveCommand([...action, '--member', 'bank', ...where, '--json', ...extra], { io, env: env() });
  return { code, result: JSON.parse(io.out.join('')) };
}
const archive = (...extra: string[]) => archiveCli([], [], ...extra);
const verify = (...extra: string[]) => archiveCli(['verify'], [], ...extra);

async function getObject(key: string): Promise<{ bytes: Buffer; metadata?: Record<string, string> }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { bytes: Buffer.from(await object.Body!.transformToByteArray()), metadata: object.Metadata };
}

beforeAll(async () => {
  const binaries = await requireFabric();
  moto = await workerMotoServer();
  Object.assign(process.env, moto.env);
  fixture = new ConsortiumFixture().edit('bank.yaml', 'logging:', 'offchain:\n  readers: [filmmaker]\nlogging:');
  const consortium = fixture.load();
  ({ bucket, region } = archiveLocationOf(consortium, 'bank'));
  process.env.AWS_REGION = region;
  s3 = new S3Client({ region, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await newBucket(bucket);
  // What the member's deployed off-chain store provides.
  const offchain = offchainStoreOf(consortium, 'bank').bucket;
  await s3.send(new CreateBucketCommand({ Bucket: offchain }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: offchain, VersioningConfiguration: { Status: 'Enabled' } }));
  work = mkdtempSync(join(tmpdir(), 'archive-fabric-'));
  fabric = await FabricNetwork.start({ networkId: 'n-ARCHIVE', binaries, maxMessageCount: 1 });
  await fabric.startMember({ memberId: MEMBER, adminUsername: 'bankadmin', adminPassword: 'Bank-Passw0rd1' });
  await Promise.all([fabric.addToConsortium(MEMBER), fabric.startPeer(MEMBER, 'nd-BANK1')]);
  peerEnv = fabric.peerCliEnv(MEMBER);
  const genesis = await createChannelByHand(fabric, MEMBER, CHANNEL, [MEMBER], join(work, 'channel'));
  await fabricCli(peerEnv, 'peer', ['channel', 'join', '-b', genesis]);
  await deployChaincodeByHand(fabric, MEMBER, CHANNEL, { name: 'documents', version: '1.0', path: 'chaincode/documents' }, join(work, 'chaincode'));
  heights = new DeliverBlockSource({ env: { ...process.env, ...peerEnv } });
  submitter = await ChaincodeSubmitter.connect(fabric, MEMBER);
  await makeBlocks(BLOCKS);
}, 600_000);

afterAll(async () => {
  process.env = savedEnv;
  submitter?.close();
  heights?.close();
  s3?.destroy();
  await fabric?.stop();
  await moto?.stop();
  fixture?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('archive of a real Fabric 2.2 channel of two hundred blocks and more', () => {
  let height: number;

  it("copies every block from the member's own peer into the bucket its YAML names; the last header hash is the peer's current block hash", async () => {
    const live = await liveInfo();
    // genesis, the chaincode approval and commit, then one block per Anchor
    expect(live.height).toBe(BLOCKS + 3);
    const { code, result } = await archive();
    expect(code).toBe(0);
    expect(result).toMatchObject({ bucket, dryRun: false });
    expect(result.channels).toEqual([expect.objectContaining({ channel: CHANNEL, archivedBefore: 0, copied: live.height, height: live.height, lastHeaderHash: live.currentBlockHash })]);
    height = live.height;
  });

  it('verifies intact from the bucket alone, and against the live peer', async () => {
    const alone = await verify();
    expect(alone.code).toBe(0);
    expect(alone.result.channels[0]).toMatchObject({ intact: true, height, blocksChecked: height, problems: [] });
    const live = await verify('--live');
    expect(live.code).toBe(0);
    expect(live.result.channels[0].live).toEqual({ peer: peerEnv.CORE_PEER_ADDRESS, height, matches: true });
  });

  it('a block the peer does not have yet is answered NOT_FOUND at once, not waited for', async () => {
    await expect(heights.block(CHANNEL, height + 5)).rejects.toThrow(`cannot read blocks ${height + 5}..${height + 5} of channel ${CHANNEL} from peer ${peerEnv.CORE_PEER_ADDRESS}: the peer answered NOT_FOUND`);
  });

  it('resumes after new blocks and copies only those', async () => {
    await makeBlocks(20);
    const { result } = await archive();
    expect(result.channels[0]).toMatchObject({ archivedBefore: height, copied: 20, height: height + 20, lastHeaderHash: (await liveInfo()).currentBlockHash });
    height += 20;
    expect((await verify()).code).toBe(0);
  });

  it('reads an Anchor transaction back from the archive as the SDK returned it at submission, and offchain verify --from-archive finds its hash', async () => {
    const file = join(work, 'statement-2027-01.csv');
    writeFileSync(file, 'film,territory,amount\nfilm-1,FR,1200.50\n');
    const stored = await putDocument(s3, { bucket: offchainStoreOf(fixture.load(), 'bank').bucket, owner: 'bank', file, key: 'statements/2027-01.csv' });
    const submitted = await anchor(stored.key, stored.versionId!, stored.sha256);
    expect(submitted.status).toBe(200);
    await archive();
    height += 1;

    const { code, result: shown } = await archiveCli(['show'], [], '--channel', CHANNEL, '--tx', submitted.txId);
    expect(code).toBe(0);
    expect(shown.block).toMatchObject({ number: height - 1, matchesManifest: true });
    expect(shown.transaction).toMatchObject({
      txId: submitted.txId,
      channel: CHANNEL,
      type: 'ENDORSER_TRANSACTION',
      creatorMsp: MEMBER,
      validationCode: 'VALID',
      chaincode: { name: 'documents', version: '1.0' },
      args: ['documents:Anchor', stored.key, stored.versionId, stored.sha256],
      endorsers: [MEMBER],
      response: { status: submitted.status, payload: submitted.payload },
    });
    const written = shown.transaction.rwsets.find((rwset: any) => rwset.namespace === 'documents').writes;
    expect(written).toEqual([expect.objectContaining({ value: submitted.payload, isDelete: false })]);
    expect(JSON.parse(submitted.payload)).toMatchObject({ key: stored.key, versionId: stored.versionId, sha256: stored.sha256, mspId: MEMBER, txId: submitted.txId });

    const verified = spawnSync(process.execPath, [RUN_ENTRY, 'scripts/offchain.ts', 'verify', stored.key, '--member', 'bank', '--from-archive', CHANNEL, '--json'], { cwd: ROOT, env: env(), encoding: 'utf8' });
    expect(verified.stderr).toContain(`anchor from the archive: ${stored.key} version ${stored.versionId}, SHA-256 ${stored.sha256}, by ${MEMBER}`);
    expect(verified.stderr).toContain(`(tx ${submitted.txId}, block ${height - 1} of ${CHANNEL})`);
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ intact: true, sha256: stored.sha256 });
  });
});

describe('a run killed half way', () => {
  it('is completed by the next run with no block missing and none written twice', async () => {
    const other = await newBucket('archive-fabric-killed');
    const store = new S3ArchiveStore(s3, other, 'bank');
    const child = spawn(process.execPath, [RUN_ENTRY, join(ROOT, 'scripts', 'archive.ts'), '--member', 'bank', '--bucket', other, '--region', region], {
      env: env(),
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const height = (await liveInfo()).height;
    const deadline = Date.now() + 120_000;
    while ((await store.listBlockNumbers(CHANNEL)).length < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const stored = await store.listBlockNumbers(CHANNEL);
    expect(stored.length).toBeGreaterThanOrEqual(40);
    expect(stored.length).toBeLessThan(height);

    const { code, result } = await archiveCli([], ['--bucket', other, '--region', region]);
    expect(code).toBe(0);
    const rerun = result.channels[0];
    expect(rerun.height).toBe(height);
    // what the killed run had recorded, the run of blocks it had stored beyond that, and the rest
    // (a batch is stored concurrently, so a killed run may leave a gap: blocks after it are copied again, as the same bytes)
    expect(rerun.archivedBefore + rerun.adopted + rerun.copied).toBe(height);
    expect(rerun.archivedBefore + rerun.adopted).toBeLessThanOrEqual(stored.length);
    const versions = new Map<string, number>();
    let keyMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: other, Prefix: `channels/${CHANNEL}/blocks/`, KeyMarker: keyMarker }));
      for (const version of page.Versions ?? []) versions.set(version.Key!, (versions.get(version.Key!) ?? 0) + 1);
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    } while (keyMarker);
    expect(versions.size).toBe(height);
    expect([...versions.values()].every((count) => count === 1)).toBe(true);
    const verified = await archiveCli(['verify'], ['--bucket', other, '--region', region]);
    expect(verified.code).toBe(0);
    expect(verified.result.channels[0]).toMatchObject({ intact: true, height, blocksChecked: height });
  });
});

describe('a tampered archive: exit 3 naming the first bad block, intact again once repaired', () => {
  const expectBroken = async (block: number, problem: string) => {
    const { code, result } = await verify();
    expect(code).toBe(3);
    expect(result.channels[0]).toMatchObject({ intact: false, firstBadBlock: block });
    expect(result.channels[0].problems[0]).toMatchObject({ block });
    expect(JSON.stringify(result.channels[0].problems[0])).toContain(problem);
  };

  it('one flipped byte in block 150', async () => {
    const key = blockKey(CHANNEL, 150);
    const original = await getObject(key);
    const flipped = Buffer.from(original.bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: flipped, Metadata: original.metadata }));
    await expectBroken(150, 'its bytes (SHA-256');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original.bytes, Metadata: original.metadata }));
    expect((await verify()).code).toBe(0);
  });

  it('block 200 deleted', async () => {
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: blockKey(CHANNEL, 200) }));
    await expectBroken(200, `missing from s3://${bucket}`);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: blockKey(CHANNEL, 200), VersionId: deleted.VersionId }));
    expect((await verify()).code).toBe(0);
  });

  it('manifest entries 120 and 130 swapped', async () => {
    const key = manifestKey(CHANNEL);
    const original = (await getObject(key)).bytes.toString('utf8');
    const lines = original.split('\n');
    const at = (number: number) => lines.findIndex((line) => line.trim().startsWith(`[${number},`));
    const swapped = [...lines];
    swapped[at(120)] = lines[at(130)];
    swapped[at(130)] = lines[at(120)];
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: swapped.join('\n') }));
    await expectBroken(120, "the manifest's entry at position 120 is for block 130");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }));
    expect((await verify()).code).toBe(0);
  });
});

/**
 * The archive against real Fabric 2.2 (the simulator's processes) and S3 as moto_server
 * emulates it: a channel created by hand, blocks made by the member admin's own endorser
 * transactions (`peer lifecycle chaincode approveformyorg`, one committed block each), then
 * archive, resume, a run killed half way, verify (also against the live peer), a flipped
 * byte, and a transaction read back as the peer CLI reported it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { blockKey } from '../lib/archive/layout';
import { runArchiveCommand } from '../lib/archive/run';
import { parseBlockchainInfo } from '../lib/archive/source';
import { S3ArchiveStore } from '../lib/archive/store';
import { capturingIo } from '../lib/output';
import { FabricNetwork } from '../sim/fabric/network';
import { requireFabric } from './helpers/fabric';
import { createChannelByHand, fabricCli } from './helpers/fabric-channel';
import { startMotoServer, type MotoServer } from './helpers/moto';

const ROOT = join(__dirname, '..');
const REGION = 'us-east-1';
const MEMBER = 'm-BANK';
const CHANNEL = 'royalties';
/** Blocks made before the first archive run (plus the genesis block). */
const BLOCKS = 30;

let fabric: FabricNetwork;
let moto: MotoServer;
let s3: S3Client;
let work: string;
let peerEnv: Record<string, string>;
let approvals = 0;
const savedEnv = { ...process.env };

/**
 * One endorser transaction by the member's admin, committed in its own block (the CLI waits
 * for the commit): an approval of a chaincode definition with a new package id each time.
 * Returns the transaction id and validation code the CLI reported.
 */
function approve(): { txId: string; status: string } {
  approvals += 1;
  const packageId = `documents_1:${createHash('sha256').update(String(approvals)).digest('hex')}`;
  const result = spawnSync(
    'peer',
    ['lifecycle', 'chaincode', 'approveformyorg', '-C', CHANNEL, '--name', 'documents', '--version', '1.0', '--sequence', '1', '--package-id', packageId, '--waitForEvent', '-o', fabric.ordererEndpoint, '--tls', '--cafile', fabric.tlsCaCertFile],
    { env: { ...process.env, ...peerEnv }, encoding: 'utf8', timeout: 60_000 },
  );
  const match = /txid \[(\w+)\] committed with status \((\w+)\)/.exec(`${result.stdout}${result.stderr}`);
  if (!match) throw new Error(`approveformyorg reported no commit:\n${result.stderr}`);
  return { txId: match[1], status: match[2] };
}

async function liveInfo(): Promise<{ height: number; currentBlockHash: string }> {
  return parseBlockchainInfo(await fabricCli(peerEnv, 'peer', ['channel', 'getinfo', '-c', CHANNEL]));
}

async function newBucket(name: string): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: true }));
  return name;
}

async function archive(bucket: string, ...extra: string[]): Promise<{ code: number; result: any }> {
  const io = capturingIo();
  const code = await runArchiveCommand(['--member', 'bank', '--bucket', bucket, '--region', REGION, '--json', ...extra], { io, env: { ...process.env, ...peerEnv } });
  return { code, result: JSON.parse(io.out.join('')) };
}

async function verify(bucket: string, ...extra: string[]): Promise<{ code: number; result: any }> {
  const io = capturingIo();
  const code = await runArchiveCommand(['verify', '--member', 'bank', '--bucket', bucket, '--region', REGION, '--json', ...extra], { io, env: { ...process.env, ...peerEnv } });
  return { code, result: JSON.parse(io.out.join('')) };
}

beforeAll(async () => {
  const binaries = await requireFabric();
  moto = await startMotoServer();
  Object.assign(process.env, moto.env, { AWS_REGION: REGION });
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  work = mkdtempSync(join(tmpdir(), 'archive-fabric-'));
  fabric = await FabricNetwork.start({ networkId: 'n-ARCHIVE', binaries });
  await fabric.startMember({ memberId: MEMBER, adminUsername: 'bankadmin', adminPassword: 'Bank-Passw0rd1' });
  await Promise.all([fabric.addToConsortium(MEMBER), fabric.startPeer(MEMBER, 'nd-BANK1')]);
  peerEnv = fabric.peerCliEnv(MEMBER);
  const genesis = await createChannelByHand(fabric, MEMBER, CHANNEL, [MEMBER], join(work, 'channel'));
  await fabricCli(peerEnv, 'peer', ['channel', 'join', '-b', genesis]);
  for (let made = 0; made < BLOCKS; made += 1) approve();
}, 600_000);

afterAll(async () => {
  process.env = savedEnv;
  s3?.destroy();
  await fabric?.stop();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('archive of a real Fabric 2.2 channel', () => {
  let bucket: string;

  it("copies every block of every joined channel from the member's own peer; the last header hash is the peer's current block hash", async () => {
    bucket = await newBucket('archive-fabric-main');
    const live = await liveInfo();
    expect(live.height).toBe(BLOCKS + 1);
    const { code, result } = await archive(bucket);
    expect(code).toBe(0);
    expect(result.channels).toEqual([expect.objectContaining({ channel: CHANNEL, archivedBefore: 0, copied: live.height, height: live.height, lastHeaderHash: live.currentBlockHash })]);
  });

  it('verifies intact from the bucket alone, and against the live peer', async () => {
    const alone = await verify(bucket);
    expect(alone.code).toBe(0);
    expect(alone.result.channels[0]).toMatchObject({ intact: true, height: BLOCKS + 1, blocksChecked: BLOCKS + 1, problems: [] });
    const live = await verify(bucket, '--live');
    expect(live.code).toBe(0);
    expect(live.result.channels[0].live).toEqual({ peer: peerEnv.CORE_PEER_ADDRESS, height: BLOCKS + 1, matches: true });
  });

  it('resumes after new blocks and copies only those', async () => {
    approve();
    approve();
    const { result } = await archive(bucket);
    expect(result.channels[0]).toMatchObject({ archivedBefore: BLOCKS + 1, copied: 2, height: BLOCKS + 3, lastHeaderHash: (await liveInfo()).currentBlockHash });
    expect((await verify(bucket)).code).toBe(0);
  });

  it('reads a transaction back from the archive as the peer CLI reported it when it was submitted', async () => {
    const submitted = approve();
    expect(submitted.status).toBe('VALID');
    await archive(bucket);
    const io = capturingIo();
    const code = await runArchiveCommand(['show', '--member', 'bank', '--bucket', bucket, '--region', REGION, '--channel', CHANNEL, '--tx', submitted.txId, '--json'], { io });
    expect(code).toBe(0);
    const shown = JSON.parse(io.out.join(''));
    expect(shown.block).toMatchObject({ number: BLOCKS + 3, matchesManifest: true });
    expect(shown.transaction).toMatchObject({
      txId: submitted.txId,
      channel: CHANNEL,
      type: 'ENDORSER_TRANSACTION',
      creatorMsp: MEMBER,
      validationCode: submitted.status,
      chaincode: { name: '_lifecycle' },
      args: [expect.stringContaining('ApproveChaincodeDefinitionForMyOrg'), expect.any(String)],
      endorsers: [MEMBER],
    });
    // An approval writes only to the member's implicit private collection: the block holds its hashes.
    expect(shown.transaction.rwsets).toContainEqual(expect.objectContaining({ namespace: '_lifecycle', collections: [`_implicit_org_${MEMBER}`] }));
  });

  it('exits 3 naming the block whose byte was flipped', async () => {
    const key = blockKey(CHANNEL, 7);
    const original = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await original.Body!.transformToByteArray());
    bytes[Math.floor(bytes.length / 2)] ^= 0x80;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, Metadata: original.Metadata }));
    const { code, result } = await verify(bucket);
    expect(code).toBe(3);
    expect(result.channels[0]).toMatchObject({ intact: false, firstBadBlock: 7 });
  });
});

describe('a run killed half way', () => {
  it('is completed by the next run with no block missing and none written twice', async () => {
    const bucket = await newBucket('archive-fabric-killed');
    const store = new S3ArchiveStore(s3, bucket, 'bank');
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', 'archive.ts'), '--member', 'bank', '--bucket', bucket, '--region', REGION], {
      env: { ...process.env, ...peerEnv },
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while ((await store.listBlockNumbers(CHANNEL)).length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const height = (await liveInfo()).height;
    const stored = await store.listBlockNumbers(CHANNEL);
    expect(stored.length).toBeGreaterThanOrEqual(4);
    expect(stored.length).toBeLessThan(height);

    const { code, result } = await archive(bucket);
    expect(code).toBe(0);
    expect(result.channels[0].height).toBe(height);
    const versions = new Map<string, number>();
    let keyMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: `channels/${CHANNEL}/blocks/`, KeyMarker: keyMarker }));
      for (const version of page.Versions ?? []) versions.set(version.Key!, (versions.get(version.Key!) ?? 0) + 1);
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    } while (keyMarker);
    expect(versions.size).toBe(height);
    expect([...versions.values()].every((count) => count === 1)).toBe(true);
    expect((await verify(bucket)).code).toBe(0);
  });
});

/**
 * The archive against S3 as moto_server emulates it: layout, resume, interrupted runs,
 * forks, and verify/show through the real command line. Blocks come from an in-memory
 * chain here; tests/archive-fabric.test.ts archives blocks from real Fabric.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { findAnchor } from '../lib/archive/anchors';
import { archiveChannel, archiveMember, ForkError } from '../lib/archive/archiver';
import { blockKey, manifestKey } from '../lib/archive/layout';
import { runArchiveCommand } from '../lib/archive/run';
import { S3ArchiveStore } from '../lib/archive/store';
import { OperationalError } from '../lib/errors';
import { capturingIo } from '../lib/output';
import { verifyChannel } from '../lib/archive/verify';
import { ChainSource, chainTransaction, makeChain } from './helpers/fabric-chain';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');
const REGION = 'us-east-1';
let moto: MotoServer;
let s3: S3Client;
let bucketCount = 0;

const savedEnv = { ...process.env };

beforeAll(async () => {
  moto = await workerMotoServer();
  // In-process command runs build their S3 client from the environment, as the CLI does.
  Object.assign(process.env, moto.env, { AWS_REGION: REGION });
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  s3?.destroy();
  await moto?.stop();
});

/** A fresh bucket as the stack makes it: versioned, with Object Lock. */
async function newStore(): Promise<S3ArchiveStore> {
  bucketCount += 1;
  const bucket = `archive-test-${bucketCount}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  return new S3ArchiveStore(s3, bucket, 'bank');
}

async function versionsOf(bucket: string, prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    for (const version of page.Versions ?? []) counts.set(version.Key!, (counts.get(version.Key!) ?? 0) + 1);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  return counts;
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [RUN_ENTRY, join(ROOT, 'scripts', 'archive.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...moto.env, AWS_REGION: REGION },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const options = { member: 'bank', dryRun: false, checkpointEvery: 50 };

describe('archive to S3 (moto_server)', () => {
  it('archives every joined channel block by block, with the SHA-256 in metadata and a manifest per channel, and verifies intact', async () => {
    const store = await newStore();
    const chains = new Map([
      ['royalties', makeChain('royalties', 150)],
      ['filmmaker-bank', makeChain('filmmaker-bank', 20)],
    ]);
    const results = await archiveMember(new ChainSource(chains), store, options);
    expect(results.map((result) => [result.channel, result.copied, result.height])).toEqual([
      ['royalties', 150, 150],
      ['filmmaker-bank', 20, 20],
    ]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: blockKey('royalties', 123) }));
    const { sha256 } = await import('../lib/archive/block');
    expect(head.Metadata?.sha256).toBe(sha256(chains.get('royalties')![123]).toString('hex'));
    const manifest = await store.readManifest('royalties');
    expect(manifest).toMatchObject({ height: 150, source: { member: 'bank', peer: 'test-peer' } });
    expect(manifest!.blocks[149]).toEqual([149, sha256(chains.get('royalties')![149]).toString('hex')]);
    expect(await store.listChannels()).toEqual(['filmmaker-bank', 'royalties']);

    const verification = await verifyChannel(store, 'royalties');
    expect(verification).toMatchObject({ intact: true, height: 150, blocksChecked: 150, problems: [] });
    expect(verification.lastHeaderHash).toBe(manifest!.lastHeaderHash);
  });

  it('resumes where the last run stopped and copies only the new blocks', async () => {
    const store = await newStore();
    const chain = makeChain('royalties', 140);
    const chains = new Map([['royalties', chain.slice(0, 100)]]);
    const source = new ChainSource(chains);
    await archiveChannel(source, store, 'royalties', options);
    chains.set('royalties', chain);
    source.fetches = 0;
    const again = await archiveChannel(source, store, 'royalties', options);
    expect(again).toMatchObject({ archivedBefore: 100, copied: 40, height: 140 });
    // the 40 new blocks and one live block compared with the archive's last
    expect(source.fetches).toBe(41);
    const idle = await archiveChannel(source, store, 'royalties', options);
    expect(idle.copied).toBe(0);
    expect((await verifyChannel(store, 'royalties')).intact).toBe(true);
  });

  it('after a run interrupted half way, a re-run leaves no gap and no block written twice', async () => {
    const store = await newStore();
    const chain = makeChain('royalties', 150);
    const source = new ChainSource(new Map([['royalties', chain]]));
    source.failAfter = 70;
    await expect(archiveChannel(source, store, 'royalties', { ...options, concurrency: 4, checkpointEvery: 50 })).rejects.toThrow(/peer went away/);
    const interrupted = await store.readManifest('royalties');
    // batches of 4, a manifest after every 50 or more new blocks: written at 52, blocks stored up to 67
    expect(interrupted!.height).toBe(52);
    expect((await store.listBlockNumbers('royalties')).length).toBe(68);

    source.failAfter = undefined;
    const rerun = await archiveChannel(source, store, 'royalties', options);
    expect(rerun).toMatchObject({ archivedBefore: 52, adopted: 16, copied: 82, height: 150 });
    const versions = await versionsOf(store.bucket, 'channels/royalties/blocks/');
    expect(versions.size).toBe(150);
    expect([...versions.values()].every((count) => count === 1)).toBe(true);
    expect((await verifyChannel(store, 'royalties')).intact).toBe(true);
  });

  it('fails loudly on a fork and overwrites nothing', async () => {
    const store = await newStore();
    await archiveChannel(new ChainSource(new Map([['royalties', makeChain('royalties', 60)]])), store, 'royalties', options);
    const other = new ChainSource(new Map([['royalties', makeChain('royalties', 80, 'rewritten')]]));
    const failure = await archiveChannel(other, store, 'royalties', options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ForkError);
    expect((failure as ForkError).block).toBe(59);
    expect((failure as Error).message).toMatch(/^FORK on channel royalties at block 59: the live block's header hash \w+ differs from the archived one/);
    const versions = await versionsOf(store.bucket, 'channels/royalties/blocks/');
    expect(versions.size).toBe(60);
    expect([...versions.values()].every((count) => count === 1)).toBe(true);
    expect((await store.readManifest('royalties'))!.height).toBe(60);
  });

  it('a dry run reports what it would copy and writes nothing', async () => {
    const store = await newStore();
    const [result] = await archiveMember(new ChainSource(new Map([['royalties', makeChain('royalties', 25)]])), store, { ...options, dryRun: true });
    expect(result).toMatchObject({ dryRun: true, copied: 25, height: 0 });
    expect(await versionsOf(store.bucket, '')).toEqual(new Map());
  });
});

describe('archive verify and show (moto_server)', () => {
  const chain = makeChain('royalties', 48);

  async function archived(): Promise<S3ArchiveStore> {
    const store = await newStore();
    await archiveChannel(new ChainSource(new Map([['royalties', chain]])), store, 'royalties', options);
    return store;
  }

  /** `archive verify` in-process: its exit code and stdout. */
  async function verify(store: S3ArchiveStore): Promise<{ code: number; stdout: string }> {
    const io = capturingIo();
    const code = await runArchiveCommand(['verify', '--member', 'bank', '--bucket', store.bucket, '--region', REGION], { io });
    return { code, stdout: io.out.join('') };
  }

  it('the command line exits 0 on an intact archive and 3 naming block 17 once one byte of it is flipped', async () => {
    const store = await archived();
    const intact = cli(['verify', '--member', 'bank', '--bucket', store.bucket, '--region', REGION]);
    expect(intact.stderr).toBe('');
    expect(intact.status).toBe(0);
    expect(intact.stdout).toMatch(/royalties\s+intact\s+48\s+48/);

    const key = blockKey('royalties', 17);
    const original = await s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
    const bytes = Buffer.from(await original.Body!.transformToByteArray());
    bytes[bytes.length - 40] ^= 0x01;
    await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: bytes, Metadata: original.Metadata }));
    const broken = cli(['verify', '--member', 'bank', '--bucket', store.bucket, '--region', REGION]);
    expect(broken.status).toBe(3);
    expect(broken.stdout).toMatch(/royalties\s+BROKEN at block 17/);
    expect(broken.stdout).toContain('royalties: block 17: its bytes (SHA-256');
  });

  it('exits 3 naming block 42 when it is deleted', async () => {
    const store = await archived();
    await s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: blockKey('royalties', 42) }));
    const result = await verify(store);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/BROKEN at block 42/);
    expect(result.stdout).toContain(`royalties: block 42: missing from s3://${store.bucket}`);
  });

  it('exits 3 naming block 5 when manifest entries 5 and 9 are swapped', async () => {
    const store = await archived();
    const key = manifestKey('royalties');
    const text = await (await s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }))).Body!.transformToString();
    const lines = text.split('\n');
    const five = lines.findIndex((line) => line.trim().startsWith('[5,'));
    const nine = lines.findIndex((line) => line.trim().startsWith('[9,'));
    const swapped = [...lines];
    swapped[five] = lines[nine];
    swapped[nine] = lines[five];
    await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: swapped.join('\n') }));
    const result = await verify(store);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/BROKEN at block 5/);
    expect(result.stdout).toContain("royalties: block 5: the manifest's entry at position 5 is for block 9 (manifest entries out of order)");
  });

  it('exits 3 naming block 30 when its object is replaced by block 31', async () => {
    const store = await archived();
    await s3.send(new CopyObjectCommand({ Bucket: store.bucket, Key: blockKey('royalties', 30), CopySource: `${store.bucket}/${blockKey('royalties', 31)}` }));
    const result = await verify(store);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/BROKEN at block 30/);
    expect(result.stdout).toContain('royalties: block 30: the object holds block 31');
  });

  it('show --tx reads a transaction back as it was submitted', async () => {
    const store = await archived();
    const io = capturingIo();
    const code = await runArchiveCommand(['show', '--member', 'bank', '--bucket', store.bucket, '--region', REGION, '--channel', 'royalties', '--tx', 'main-tx-44', '--json'], { io });
    expect(code).toBe(0);
    const shown = JSON.parse(io.out.join(''));
    const submitted = chainTransaction('main', 44);
    expect(shown.block).toMatchObject({ number: 44, matchesManifest: true });
    expect(shown.transaction).toMatchObject({
      txId: submitted.txId,
      creatorMsp: submitted.creatorMsp,
      chaincode: { name: submitted.chaincode },
      validationCode: 'VALID',
      rwsets: [{ namespace: 'documents', writes: [{ key: submitted.key, value: submitted.value, isDelete: false }] }],
    });
  });

  it('finds the anchored hash of a document in the archive, skipping anchors of invalid transactions', async () => {
    const store = await archived();
    await expect(findAnchor(store, 'royalties', 'doc-44')).resolves.toMatchObject({ key: 'doc-44', versionId: 'v1', sha256: '44'.padStart(64, '0'), blockNumber: 44, namespace: 'documents', txId: 'main-tx-44' });
    // block 10's transaction is an MVCC_READ_CONFLICT: its write never reached the ledger
    await expect(findAnchor(store, 'royalties', 'doc-10')).rejects.toThrow('no anchor of doc-10 in the 48 archived blocks of channel royalties');
    await expect(findAnchor(store, 'royalties', 'doc-44', 'v2')).rejects.toThrow(/no anchor of doc-44 version v2/);
  });

  it('show --tx of an unknown transaction is an operational failure that says where it looked', async () => {
    const store = await archived();
    await expect(runArchiveCommand(['show', '--member', 'bank', '--bucket', store.bucket, '--region', REGION, '--channel', 'royalties', '--tx', 'nope'], { io: capturingIo() })).rejects.toThrow(
      new OperationalError('transaction nope is not in the 48 archived blocks of channel royalties; check the id and channel, or archive newer blocks first'),
    );
  });
});

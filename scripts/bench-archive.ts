/**
 * `npm run bench:archive`: blocks per second archived and verified, and what an archive
 * costs per block. Two parts, both against a local moto_server:
 * - in-memory chain (BENCH_ARCHIVE_SYNTHETIC blocks, default 1000): the archive's own speed,
 *   S3-bound;
 * - real Fabric 2.2 (BENCH_ARCHIVE_FABRIC blocks, default 300: Anchor transactions of the
 *   `documents` chaincode submitted with the Fabric Node SDK, one per block): the same channel
 *   archived twice, once over the peer's Deliver stream (the default) and once with one
 *   `peer channel fetch` per block (--peer-cli), then verified; and the real bytes per block,
 *   from which the cost of a ledger of a given size follows.
 * Prints figures; asserts nothing.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { archiveChannel } from '../lib/archive/archiver';
import { DeliverBlockSource } from '../lib/archive/deliver';
import { blockKey, manifestKey } from '../lib/archive/layout';
import { PeerCliBlockSource } from '../lib/archive/source';
import { S3ArchiveStore } from '../lib/archive/store';
import { verifyChannel } from '../lib/archive/verify';
import { plainScriptArgs, runMain } from '../lib/cli';
import { offchainS3Client } from '../lib/offchain';
import { fabricBinaries } from '../sim/fabric/binaries';
import { createChannelByHand, deployChaincodeByHand, fabricCli } from '../sim/fabric/channel';
import { FabricNetwork } from '../sim/fabric/network';
import { ChainSource, makeChain } from '../tests/helpers/fabric-chain';
import { startMotoServer } from '../tests/helpers/moto';

const SYNTHETIC = Number(process.env.BENCH_ARCHIVE_SYNTHETIC ?? 1000);
const FABRIC_BLOCKS = Number(process.env.BENCH_ARCHIVE_FABRIC ?? 300);
/** S3 Standard, us-east-1, list prices (aws.amazon.com/s3/pricing): storage per GB-month, PUT per 1,000 requests. */
const S3_GB_MONTH_USD = 0.023;
const S3_PUT_PER_1000_USD = 0.005;

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

const rate = (blocks: number, seconds: number) => `${(blocks / seconds).toFixed(1).padStart(7)} blocks/s  (${blocks} blocks in ${seconds.toFixed(2)} s)`;

const USAGE = `usage: npm run bench:archive
Blocks per second archived and verified against a local moto_server: an in-memory chain of
BENCH_ARCHIVE_SYNTHETIC blocks (default 1000), then BENCH_ARCHIVE_FABRIC blocks (default 300)
of real Fabric over the Deliver stream and with the peer CLI. Prints figures.`;

void runMain(async () => {
  if (plainScriptArgs(USAGE) === undefined) return;
  // Loaded after the argument check: fabric-common reads the command line (nconf) as it loads.
  const { ChaincodeSubmitter } = await import('../sim/fabric/submit');
  const moto = await startMotoServer();
  Object.assign(process.env, moto.env, { AWS_REGION: 'us-east-1' });
  const s3 = offchainS3Client('us-east-1');
  const work = mkdtempSync(join(tmpdir(), 'amb-bench-archive-'));
  let fabric: FabricNetwork | undefined;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    out(`archive benchmark: moto_server at ${moto.endpoint}, ${process.version}`);
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-synthetic', ObjectLockEnabledForBucket: true }));
    const synthetic = new S3ArchiveStore(s3, 'bench-synthetic', 'bench');
    const chain = makeChain('bench', SYNTHETIC);
    const archived = await timed(() => archiveChannel(new ChainSource(new Map([['bench', chain]])), synthetic, 'bench', { member: 'bench', dryRun: false }));
    const verified = await timed(() => verifyChannel(synthetic, 'bench'));
    if (!verified.result.intact) throw new Error('synthetic archive did not verify intact');
    out(`in-memory chain, ${SYNTHETIC} blocks of ${Math.round(chain.reduce((sum, block) => sum + block.length, 0) / SYNTHETIC)} bytes`);
    out(`  archive  ${rate(SYNTHETIC, archived.seconds)}`);
    out(`  verify   ${rate(SYNTHETIC, verified.seconds)}`);

    fabric = await FabricNetwork.start({ networkId: 'n-BENCH', binaries: fabricBinaries(), maxMessageCount: 1 });
    await fabric.startMember({ memberId: 'm-BENCH', adminUsername: 'benchadmin', adminPassword: 'Bench-Passw0rd1' });
    await Promise.all([fabric.addToConsortium('m-BENCH'), fabric.startPeer('m-BENCH', 'nd-BENCH1')]);
    const env = { ...process.env, ...fabric.peerCliEnv('m-BENCH') };
    await fabricCli(env, 'peer', ['channel', 'join', '-b', await createChannelByHand(fabric, 'm-BENCH', 'bench', ['m-BENCH'], join(work, 'channel'))]);
    await deployChaincodeByHand(fabric, 'm-BENCH', 'bench', { name: 'documents', version: '1.0', path: 'chaincode/documents' }, join(work, 'chaincode'));
    const deliver = new DeliverBlockSource({ env });
    const submitter = await ChaincodeSubmitter.connect(fabric, 'm-BENCH');
    const start = await deliver.height('bench');
    const making = await timed(async () => {
      const anchors = Array.from({ length: FABRIC_BLOCKS }, (_, index) => [`bench/${index}.csv`, 'v1', createHash('sha256').update(String(index)).digest('hex')]);
      await submitter.submitAll('bench', 'documents', 'documents:Anchor', anchors);
      while ((await deliver.height('bench')) < start + FABRIC_BLOCKS) await new Promise((resolve) => setTimeout(resolve, 100));
    });
    submitter.close();
    const archiveInto = async (bucket: string, source: PeerCliBlockSource | DeliverBlockSource, concurrency?: number) => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
      const store = new S3ArchiveStore(s3, bucket, 'bench');
      const run = await timed(() => archiveChannel(source, store, 'bench', { member: 'bench', dryRun: false, concurrency }));
      return { store, seconds: run.seconds, height: run.result.height };
    };
    const streamed = await archiveInto('bench-fabric', deliver);
    deliver.close();
    const fetched = await archiveInto('bench-fabric-cli', new PeerCliBlockSource({ env }), 4);
    const height = streamed.height;
    if (fetched.height !== height) throw new Error(`the two archives differ in height: ${height} and ${fetched.height}`);
    const verifiedFabric = await timed(() => verifyChannel(streamed.store, 'bench'));
    if (!verifiedFabric.result.intact) throw new Error('Fabric archive did not verify intact');
    let blockBytes = 0;
    for (let number = 0; number < height; number += 1) blockBytes += (await s3.send(new HeadObjectCommand({ Bucket: 'bench-fabric', Key: blockKey('bench', number) }))).ContentLength ?? 0;
    const manifestBytes = (await s3.send(new HeadObjectCommand({ Bucket: 'bench-fabric', Key: manifestKey('bench') }))).ContentLength ?? 0;
    out(`real Fabric 2.2 channel, ${height} blocks (one Anchor transaction each; made at ${(FABRIC_BLOCKS / making.seconds).toFixed(1)} blocks/s)`);
    out(`  archive over the peer's Deliver stream (default)      ${rate(height, streamed.seconds)}`);
    out(`  archive with peer channel fetch, 4 at once (--peer-cli) ${rate(height, fetched.seconds)}`);
    out(`  verify from the bucket                                 ${rate(height, verifiedFabric.seconds)}`);
    const perBlock = blockBytes / height;
    const manifestPerBlock = manifestBytes / height;
    out(`  bytes per block: ${perBlock.toFixed(0)} in its object, ${manifestPerBlock.toFixed(0)} in the manifest`);
    out('cost of an archive in S3 Standard (us-east-1 list prices; KMS with a bucket key adds cents):');
    for (const blocks of [10_000, 100_000, 1_000_000]) {
      const gigabytes = (blocks * (perBlock + manifestPerBlock)) / 1e9;
      out(
        `  ${String(blocks).padStart(9)} blocks of this size: ${gigabytes.toFixed(3)} GB, $${(gigabytes * S3_GB_MONTH_USD).toFixed(4)} a month stored, $${((blocks / 1000) * S3_PUT_PER_1000_USD).toFixed(2)} once to write`,
      );
    }
  } finally {
    s3.destroy();
    await fabric?.stop();
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

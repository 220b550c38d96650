/**
 * `npm run bench:offchain`: throughput of off-chain put and verify for a 256 MB document
 * against a local moto_server, with the local SHA-256 speed as the reference. Prints
 * figures; asserts nothing. BENCH_OFFCHAIN_MB and BENCH_RUNS change the size and the runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { plainScriptArgs, runMain } from '../lib/cli';
import { multipartPartSize, offchainS3Client, putDocument, sha256OfFile, verifyDocument } from '../lib/offchain';
import { startMotoServer } from '../tests/helpers/moto';

const SIZE_MB = Number(process.env.BENCH_OFFCHAIN_MB ?? 256);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BUCKET = 'bench-offchain-000000000000';
const CHUNK = 8 * 1024 * 1024;

function writeRandomFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += CHUNK) writeSync(fd, randomBytes(Math.min(CHUNK, bytes - written)));
  } finally {
    closeSync(fd);
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

function line(label: string, bytes: number, seconds: number[]): string {
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const rate = (s: number) => (bytes / 1e6 / s).toFixed(0);
  return `${label.padEnd(44)} median ${rate(median).padStart(5)} MB/s  (${median.toFixed(2)} s; best ${rate(sorted[0])}, worst ${rate(sorted[sorted.length - 1])} MB/s)`;
}

const USAGE = `usage: npm run bench:offchain
Throughput of off-chain put and verify against a local moto_server: a BENCH_OFFCHAIN_MB document
(default 256, written to a temporary file first), BENCH_RUNS runs (default 3). Prints figures.`;

void runMain(async () => {
  if (plainScriptArgs(USAGE) === undefined) return;
  const work = mkdtempSync(join(tmpdir(), 'amb-bench-offchain-'));
  const moto = await startMotoServer();
  // Ctrl-C or a timeout's SIGTERM: the document (BENCH_OFFCHAIN_MB of it) and moto go too.
  const interrupted = (signal: NodeJS.Signals) => {
    rmSync(work, { recursive: true, force: true });
    void moto.stop().finally(() => process.exit(128 + (constants.signals[signal] ?? 0)));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  Object.assign(process.env, moto.env);
  const client = offchainS3Client('us-east-1');
  try {
    const bytes = SIZE_MB * 1e6;
    const file = join(work, 'document.bin');
    writeRandomFile(file, bytes);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await client.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));

    const hashes: number[] = [];
    const puts: number[] = [];
    const verifies: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      hashes.push((await timed(() => sha256OfFile(file))).seconds);
      const put = await timed(() => putDocument(client, { bucket: BUCKET, owner: 'bench', file, key: 'document.bin' }));
      puts.push(put.seconds);
      const verify = await timed(() => verifyDocument(client, { bucket: BUCKET, owner: 'bench', key: 'document.bin', expectedSha256: put.result.sha256, versionId: put.result.versionId }));
      if (!verify.result.intact) throw new Error('benchmark document did not verify intact');
      verifies.push(verify.seconds);
      // moto keeps every version in memory.
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'document.bin', VersionId: put.result.versionId }));
    }

    const partSize = multipartPartSize(bytes);
    process.stdout.write(`off-chain benchmark: ${SIZE_MB} MB file, ${RUNS} runs, moto_server at ${moto.endpoint}, ${process.version}\n`);
    process.stdout.write(`${line('sha256 of the local file (reference)', bytes, hashes)}\n`);
    process.stdout.write(`${line(`put (hash + ${Math.ceil(bytes / partSize)} parts of ${partSize / 1024 / 1024} MiB)`, bytes, puts)}\n`);
    process.stdout.write(`${line('verify (streamed download + sha256)', bytes, verifies)}\n`);
    process.stdout.write(`peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB for a ${SIZE_MB} MB file\n`);
  } finally {
    client.destroy();
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

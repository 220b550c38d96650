/**
 * `npm run offchain` put and verify against moto_server, an independent S3 emulator: the
 * library functions in process and the command as a user runs it (exit codes 0, 1, 2, 3).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Consortium } from '../lib/config';
import { OperationalError } from '../lib/errors';
import { offchainS3Client, offchainStoreOf, putDocument, verifyDocument } from '../lib/offchain';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;

let moto: MotoServer;
let fixture: ConsortiumFixture;
let consortium: Consortium;
let client: S3Client;
let bucket: string;
let work: string;
const savedEnv = { ...process.env };

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function writeDocument(name: string, bytes: number): { path: string; hash: string } {
  const data = randomBytes(bytes);
  const path = join(work, name);
  writeFileSync(path, data);
  return { path, hash: sha256(data) };
}

function offchainCli(args: string[], env: Record<string, string> = moto.env) {
  const childEnv: NodeJS.ProcessEnv = { ...savedEnv, ...env, CONSORTIUM_DIR: fixture.dir };
  delete childEnv.AWS_PROFILE;
  return spawnSync(process.execPath, [RUN_ENTRY, 'scripts/offchain.ts', ...args], { cwd: ROOT, env: childEnv, encoding: 'utf8' });
}

const owner = 'bank';

beforeAll(async () => {
  moto = await workerMotoServer();
  Object.assign(process.env, moto.env);
  delete process.env.AWS_PROFILE;
  fixture = new ConsortiumFixture().edit('bank.yaml', 'logging:', 'offchain:\n  readers: [filmmaker]\nlogging:');
  consortium = fixture.load();
  const store = offchainStoreOf(consortium, owner);
  bucket = store.bucket;
  client = offchainS3Client(store.region);
  // What the member's deployed OffchainStore provides.
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  work = mkdtempSync(join(tmpdir(), 'offchain-'));
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
  fixture?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
  for (const name of Object.keys(moto?.env ?? {})) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

describe('put', () => {
  test("stores a small file in one PutObject with S3's SHA-256 checksum and the sha256 metadata, and returns the version to anchor", async () => {
    const document = writeDocument('contract.pdf', 70_000);
    const stored = await putDocument(client, { bucket, owner, file: document.path });
    expect(stored).toMatchObject({ bucket, key: 'contract.pdf', sha256: document.hash, size: 70_000, parts: 1, dryRun: false });
    expect(stored.versionId).toEqual(expect.any(String));
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'contract.pdf', VersionId: stored.versionId, ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(head.ChecksumSHA256!, 'base64').toString('hex')).toBe(document.hash);
    expect(head.Metadata).toEqual({ sha256: document.hash });
  });

  test('uploads a file larger than the part size in parts with per-part SHA-256 checksums, recording the whole-file SHA-256 as metadata', async () => {
    const document = writeDocument('film-master.bin', 12 * MiB + 123);
    const stored = await putDocument(client, { bucket, owner, file: document.path, key: 'masters/film.bin', partSize: 5 * MiB });
    expect(stored).toMatchObject({ key: 'masters/film.bin', sha256: document.hash, parts: 3 });
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'masters/film.bin', VersionId: stored.versionId, ChecksumMode: 'ENABLED' }));
    expect(head.ContentLength).toBe(12 * MiB + 123);
    expect(head.Metadata).toEqual({ sha256: document.hash });
    const data = readFileSync(document.path);
    const partHashes = [0, 1, 2].map((part) => createHash('sha256').update(data.subarray(part * 5 * MiB, (part + 1) * 5 * MiB)).digest());
    const composite = createHash('sha256').update(Buffer.concat(partHashes)).digest('base64');
    expect(head.ChecksumSHA256!.replace(/-3$/, '')).toBe(composite);
  });

  test('a dry run hashes the file and writes nothing', async () => {
    const document = writeDocument('draft.txt', 1000);
    const stored = await putDocument(client, { bucket, owner, file: document.path, dryRun: true });
    expect(stored).toMatchObject({ sha256: document.hash, dryRun: true });
    expect(stored.versionId).toBeUndefined();
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'draft.txt' }));
    expect(versions.Versions ?? []).toEqual([]);
  });

  test('npm run offchain -- put --json prints the key, version id and SHA-256 on stdout, progress on stderr', () => {
    const document = writeDocument('report.csv', 4096);
    const result = offchainCli(['put', document.path, '--member', owner, '--key', 'reports/2024-q1.csv', '--json']);
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ bucket, key: 'reports/2024-q1.csv', sha256: document.hash, size: 4096, parts: 1, versionId: expect.any(String) });
    expect(result.stderr).toContain('hashing');
  });

  test('shows progress of a multipart upload on stderr: bytes and parts, up to the last', async () => {
    const document = writeDocument('film-master.mov', 17 * MiB);
    const lines: string[] = [];
    const stored = await putDocument(client, { bucket, owner, file: document.path, progress: (line) => lines.push(line) });
    expect(stored).toMatchObject({ parts: 3, sha256: document.hash });
    const uploaded = lines.filter((line) => line.startsWith('uploaded '));
    expect(uploaded.length).toBeGreaterThanOrEqual(1);
    for (const line of uploaded) expect(line).toMatch(/^uploaded \S+ \S+ of 17\.0 MiB \([123] of 3 parts\)$/);
    expect(uploaded[uploaded.length - 1]).toBe('uploaded 17.0 MiB of 17.0 MiB (3 of 3 parts)');
  });

  test('a failed upload leaks no SDK line before the error that says what to do', async () => {
    const document = writeDocument('lost.pdf', 2048);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await expect(putDocument(client, { bucket: `${bucket}-missing`, owner, file: document.path })).rejects.toThrow(OperationalError);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('honours AWS_ENDPOINT_URL when no S3-specific endpoint is set', () => {
    const document = writeDocument('generic-endpoint.txt', 100);
    const { AWS_ENDPOINT_URL_S3: endpoint, ...rest } = moto.env;
    const result = offchainCli(['put', document.path, '--member', owner, '--json'], { ...rest, AWS_ENDPOINT_URL: endpoint });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(JSON.parse(result.stdout).sha256).toBe(document.hash);
  });

  test('refuses a missing file with exit 2 and no stack trace', () => {
    const result = offchainCli(['put', join(work, 'absent.pdf'), '--member', owner]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(`${join(work, 'absent.pdf')}: cannot read it (no such file)`);
  });
});

describe('verify', () => {
  test('finds an untouched single-part document intact: anchored value, S3 checksum and metadata all match', async () => {
    const document = writeDocument('invoice.pdf', 30_000);
    const stored = await putDocument(client, { bucket, owner, file: document.path });
    const verified = await verifyDocument(client, { bucket, owner, key: 'invoice.pdf', expectedSha256: document.hash });
    expect(verified).toMatchObject({ intact: true, versionId: stored.versionId, sha256: document.hash, size: 30_000 });
    expect(verified.checks.map((check) => [check.against, check.status])).toEqual([
      ['anchored value', 'match'],
      ['S3 checksum', 'match'],
      ['sha256 metadata', 'match'],
    ]);
  });

  test("finds a multipart document intact, explaining that S3's checksum is composite and the metadata stood in for it", async () => {
    const document = writeDocument('archive.tar', 11 * MiB);
    await putDocument(client, { bucket, owner, file: document.path, partSize: 5 * MiB });
    const verified = await verifyDocument(client, { bucket, owner, key: 'archive.tar', expectedSha256: document.hash });
    expect(verified.intact).toBe(true);
    const s3Check = verified.checks.find((check) => check.against === 'S3 checksum')!;
    expect(s3Check).toEqual({ against: 'S3 checksum', status: 'unavailable', detail: expect.stringContaining('COMPOSITE, a SHA-256 of the 3 part checksums') });
    expect(verified.checks.find((check) => check.against === 'sha256 metadata')!.status).toBe('match');
  });

  test('exits 0 and says intact when the document matches its anchored hash', async () => {
    const document = writeDocument('statement.pdf', 2048);
    await putDocument(client, { bucket, owner, file: document.path });
    const result = offchainCli(['verify', 'statement.pdf', '--member', owner, '--expect-sha256', document.hash.toUpperCase()]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^intact: s3:\/\/.+\/statement\.pdf version \S+ matches the anchored SHA-256/);
  });

  describe('GIVEN a document overwritten out of band after its hash was anchored', () => {
    let original: { path: string; hash: string };
    let originalVersion: string;

    beforeAll(async () => {
      original = writeDocument('royalty-report.pdf', 50_000);
      originalVersion = (await putDocument(client, { bucket, owner, file: original.path })).versionId!;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'royalty-report.pdf', Body: randomBytes(50_000) }));
    });

    test('verify of the latest version against the anchored hash reports it tampered', async () => {
      const verified = await verifyDocument(client, { bucket, owner, key: 'royalty-report.pdf', expectedSha256: original.hash });
      expect(verified.intact).toBe(false);
      expect(verified.versionId).not.toBe(originalVersion);
      expect(verified.checks[0]).toMatchObject({ against: 'anchored value', status: 'mismatch' });
    });

    test('npm run offchain -- verify exits 3 with a TAMPERED message', () => {
      const result = offchainCli(['verify', 'royalty-report.pdf', '--member', owner, '--expect-sha256', original.hash]);
      expect(result.status).toBe(3);
      expect(result.stdout).toMatch(/^TAMPERED: s3:\/\/.+\/royalty-report\.pdf version \S+ does not match/);
      expect(result.stdout).toContain(`differs from the anchored value ${original.hash}`);
    });

    test('the anchored version is still intact, because the bucket keeps every version', () => {
      const result = offchainCli(['verify', 'royalty-report.pdf', '--member', owner, '--expect-sha256', original.hash, '--version-id', originalVersion, '--json']);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ intact: true, versionId: originalVersion, sha256: original.hash });
    });
  });

  test('a forged sha256 metadata does not hide replaced content', async () => {
    const original = writeDocument('licence.pdf', 10_000);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'licence.pdf', Body: randomBytes(10_000), Metadata: { sha256: original.hash } }));
    const verified = await verifyDocument(client, { bucket, owner, key: 'licence.pdf', expectedSha256: original.hash });
    expect(verified.intact).toBe(false);
    expect(verified.checks.map((check) => [check.against, check.status])).toEqual([
      ['anchored value', 'mismatch'],
      ['S3 checksum', 'unavailable'],
      ['sha256 metadata', 'mismatch'],
    ]);
  });

  test("reports tampering when S3's stored checksum disagrees with the content it serves, even if the content matches the anchor", async () => {
    const content = randomBytes(5000);
    const other = createHash('sha256').update('something else').digest('base64');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'corrupt.bin', Body: content, ChecksumAlgorithm: 'SHA256', ChecksumSHA256: other }));
    const verified = await verifyDocument(client, { bucket, owner, key: 'corrupt.bin', expectedSha256: sha256(content) });
    expect(verified.intact).toBe(false);
    expect(verified.checks.find((check) => check.against === 'S3 checksum')).toMatchObject({ status: 'mismatch', detail: expect.stringContaining('does not match what was uploaded') });
  });

  test('a missing object is an operational failure naming the key', async () => {
    const verify = verifyDocument(client, { bucket, owner, key: 'never-stored.pdf', expectedSha256: 'a'.repeat(64) });
    await expect(verify).rejects.toThrow(OperationalError);
    await expect(verify).rejects.toThrow(`no object s3://${bucket}/never-stored.pdf: check the key anchored with the hash`);
  });

  test('npm run offchain -- verify of a missing object exits 1 with a clear message', () => {
    const result = offchainCli(['verify', 'never-stored.pdf', '--member', owner, '--expect-sha256', 'a'.repeat(64)]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`no object s3://${bucket}/never-stored.pdf: check the key anchored with the hash`);
  });

  test('a version id the object does not have exits 1 naming the version', async () => {
    const document = writeDocument('deed.pdf', 3000);
    await putDocument(client, { bucket, owner, file: document.path });
    const result = offchainCli(['verify', 'deed.pdf', '--member', owner, '--expect-sha256', document.hash, '--version-id', 'no-such-version']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`s3://${bucket}/deed.pdf has no version "no-such-version": check the version id anchored with the hash`);
  });

  test('a malformed hash exits 2 before any request, with no stack trace', () => {
    const result = offchainCli(['verify', 'deed.pdf', '--member', owner, '--expect-sha256', 'abc123']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('--expect-sha256: "abc123" is not a SHA-256 (allowed: 64 hexadecimal characters, as printed by put)');
  });

  test('missing arguments exit 2 with the usage', () => {
    const result = offchainCli(['verify', '--member', owner]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^verify: missing KEY\nusage: npm run offchain -- put FILE/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a member without an off-chain store exits 2 naming its file', () => {
    const result = offchainCli(['verify', 'deed.pdf', '--member', 'filmmaker', '--expect-sha256', 'a'.repeat(64)]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^--member: filmmaker has no off-chain store: add "offchain:" to \S*filmmaker\.yaml and deploy its stack$/);
  });
});

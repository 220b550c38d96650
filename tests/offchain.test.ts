/** The pure parts of lib/offchain: bucket names, part sizes, arguments, the integrity verdict, messages. */
import { exitCodeOf } from '../lib/cli';
import { loadConsortium } from '../lib/config';
import { OperationalError, UsageError } from '../lib/errors';
import {
  DEFAULT_PART_SIZE,
  S3_LIMITS,
  assessIntegrity,
  formatStored,
  formatVerified,
  multipartPartSize,
  offchainBucketName,
  offchainBucketNameOf,
  offchainS3Client,
  offchainStoreOf,
  parallelParts,
  parseOffchainArgs,
  parseSha256Hex,
  s3EndpointOverride,
  s3Failure,
} from '../lib/offchain';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';

const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const HASH = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);
const base64Of = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

function usageErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect(exitCodeOf(error)).toBe(2);
    return (error as Error).message.split('\n')[0];
  }
  throw new Error('expected a UsageError');
}

describe('offchainBucketName', () => {
  const consortium = loadConsortium(SAMPLE_DIR);

  test('is <network>-<member>-offchain-<account> for the sample bank', () => {
    const bank = consortium.members.find((member) => member.name === 'bank')!;
    expect(offchainBucketName(consortium, bank)).toBe('drm-royalties-bank-offchain-444455556666');
  });

  test('is a valid, distinct S3 bucket name for every sample member', () => {
    const names = consortium.members.map((member) => offchainBucketName(consortium, member));
    expect(names.filter((name) => !BUCKET_NAME.test(name))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  test('lower-cases the names and turns anything S3 does not allow into single hyphens', () => {
    expect(offchainBucketNameOf('Film Rights: EU', 'Bank-Of-X', '123456789012')).toBe('film-rights-eu-bank-of-x-offchain-123456789012');
  });

  test('shortens a long network and member pair to 63 characters, keeping the account and a hash of the full pair', () => {
    const member = `m${'x'.repeat(62)}a`;
    const first = offchainBucketNameOf('a-very-long-consortium-network-name', member, '123456789012');
    const second = offchainBucketNameOf('a-very-long-consortium-network-name', `${member.slice(0, -1)}b`, '123456789012');
    expect(first).toHaveLength(63);
    expect(first).toMatch(BUCKET_NAME);
    expect(first).toMatch(/^a-very-long-consortium-network-n-[0-9a-f]{8}-offchain-123456789012$/);
    expect(second).not.toBe(first);
    expect(offchainBucketNameOf('a-very-long-consortium-network-name', member, '123456789012')).toBe(first);
  });
});

describe('offchainStoreOf', () => {
  test('gives the bucket and region of a member with an off-chain store', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', 'logging:', 'offchain:\n  readers: [filmmaker]\nlogging:');
    try {
      const store = offchainStoreOf(fixture.load(), 'bank');
      expect({ member: store.member.name, bucket: store.bucket, region: store.region }).toEqual({ member: 'bank', bucket: 'drm-royalties-bank-offchain-444455556666', region: 'us-east-1' });
    } finally {
      fixture.dispose();
    }
  });

  test('refuses a name that is not a member, listing the members', () => {
    expect(usageErrorOf(() => offchainStoreOf(loadConsortium(SAMPLE_DIR), 'auditor'))).toBe('--member: "auditor" is not a member of the consortium (allowed: bank, filmmaker, ott-vendor-1, ott-vendor-2)');
  });

  test('refuses a member without an off-chain store, naming the file to change', () => {
    expect(usageErrorOf(() => offchainStoreOf(loadConsortium(SAMPLE_DIR), 'bank'))).toMatch(/^--member: bank has no off-chain store: add "offchain:" to \S*bank\.yaml and deploy its stack$/);
  });
});

describe('multipartPartSize', () => {
  test('uses the default part size for files that 10,000 default parts cover', () => {
    expect(multipartPartSize(0)).toBe(DEFAULT_PART_SIZE);
    expect(multipartPartSize(8 * GiB)).toBe(DEFAULT_PART_SIZE);
  });

  test.each([20 * GiB, 100 * GiB, 5 * TiB])('covers %d bytes in at most 10,000 parts of a whole number of MiB within S3 limits', (size) => {
    const partSize = multipartPartSize(size);
    expect(Math.ceil(size / partSize)).toBeLessThanOrEqual(S3_LIMITS.maxParts);
    expect(partSize % (1024 * 1024)).toBe(0);
    expect(partSize).toBeGreaterThanOrEqual(S3_LIMITS.minPartSize);
    expect(partSize).toBeLessThanOrEqual(S3_LIMITS.maxPartSize);
  });

  test('runs fewer parts in parallel as parts grow, never none', () => {
    expect(parallelParts(DEFAULT_PART_SIZE)).toBe(4);
    expect(parallelParts(multipartPartSize(5 * TiB))).toBe(1);
  });
});

describe('parseOffchainArgs', () => {
  test('reads put with a key, --dry-run and --json', () => {
    expect(parseOffchainArgs(['put', 'docs/a.pdf', '--member', 'bank', '--key', 'contracts/a.pdf', '--dry-run', '--json'])).toEqual({
      kind: 'put',
      file: 'docs/a.pdf',
      member: 'bank',
      key: 'contracts/a.pdf',
      dryRun: true,
      json: true,
    });
  });

  test('reads verify with a version id and normalises the hash to lower case', () => {
    expect(parseOffchainArgs(['verify', 'contracts/a.pdf', '--member', 'bank', '--expect-sha256', HASH.toUpperCase(), '--version-id', 'v1'])).toEqual({
      kind: 'verify',
      key: 'contracts/a.pdf',
      member: 'bank',
      expectSha256: HASH,
      versionId: 'v1',
      json: false,
    });
  });

  test('reads anchor with a version id, a channel, --local, --dry-run and --json', () => {
    expect(parseOffchainArgs(['anchor', 'contracts/a.pdf', '--member', 'bank', '--version-id', 'v1', '--channel', 'royalties', '--local', '--dry-run', '--json'])).toEqual({
      kind: 'anchor',
      key: 'contracts/a.pdf',
      member: 'bank',
      versionId: 'v1',
      ledger: { local: true, channel: 'royalties' },
      dryRun: true,
      json: true,
    });
  });

  test('reads verify --from-ledger with the ledger options, and without them runs through the default transport', () => {
    expect(parseOffchainArgs(['verify', 'contracts/a.pdf', '--member', 'bank', '--from-ledger', '--local'])).toMatchObject({ kind: 'verify', key: 'contracts/a.pdf', fromLedger: { local: true } });
    expect(parseOffchainArgs(['verify', 'contracts/a.pdf', '--member', 'bank', '--from-ledger'])).toMatchObject({ fromLedger: { local: false }, expectSha256: undefined });
  });

  test('--help asks for the usage', () => {
    expect(parseOffchainArgs(['--help'])).toEqual({ kind: 'help' });
  });

  test.each<[string, string[], string]>([
    ['no command', [], 'missing command (allowed: put, verify, anchor)'],
    ['an unknown command', ['get', 'a'], 'unknown command "get" (allowed: put, verify, anchor)'],
    ['put without FILE', ['put', '--member', 'bank'], 'put: missing FILE'],
    ['verify without KEY', ['verify', '--member', 'bank', '--expect-sha256', HASH], 'verify: missing KEY'],
    ['a second positional', ['put', 'a', 'b', '--member', 'bank'], 'put: unexpected argument "b"'],
    ['no --member', ['put', 'a'], 'put: missing --member NAME (the member whose off-chain bucket holds the document)'],
    ['verify without --expect-sha256', ['verify', 'k', '--member', 'bank'], "verify: give one of --expect-sha256 HEX (the SHA-256 anchored on the ledger), --from-ledger (read it from the documents chaincode) or --from-archive CHANNEL (read the anchor from the member's ledger archive)"],
    ['verify with two sources of the anchor', ['verify', 'k', '--member', 'bank', '--expect-sha256', HASH, '--from-ledger'], "verify: give one of --expect-sha256 HEX (the SHA-256 anchored on the ledger), --from-ledger (read it from the documents chaincode) or --from-archive CHANNEL (read the anchor from the member's ledger archive)"],
    ['--local without --from-ledger', ['verify', 'k', '--member', 'bank', '--expect-sha256', HASH, '--local'], 'verify: --local applies only with --from-ledger'],
    ['--expect-sha256 on anchor', ['anchor', 'k', '--member', 'bank', '--expect-sha256', HASH], 'anchor: --expect-sha256 does not apply (allowed: --member, --version-id, --channel, --local, --dry-run, --json)'],
    ['anchor without KEY', ['anchor', '--member', 'bank'], 'anchor: missing KEY'],
    ['an empty --channel', ['anchor', 'k', '--member', 'bank', '--channel', ''], '--channel: empty (allowed: a channel that carries the documents chaincode)'],
    ['a malformed hash', ['verify', 'k', '--member', 'bank', '--expect-sha256', 'xyz'], '--expect-sha256: "xyz" is not a SHA-256 (allowed: 64 hexadecimal characters, as printed by put)'],
    ['--key on verify', ['verify', 'k', '--member', 'bank', '--expect-sha256', HASH, '--key', 'x'], 'verify: --key does not apply (allowed: --member, --expect-sha256, --from-archive, --from-ledger, --version-id, --channel, --local, --json)'],
    ['--version-id on put', ['put', 'a', '--member', 'bank', '--version-id', 'v'], 'put: --version-id does not apply (allowed: --member, --key, --dry-run, --json)'],
    ['an empty --version-id', ['verify', 'k', '--member', 'bank', '--expect-sha256', HASH, '--version-id', ''], '--version-id: empty (allowed: a version id as printed by put)'],
    ['an empty --key', ['put', 'a', '--member', 'bank', '--key', ''], '--key: empty object key (allowed: 1-1024 bytes of UTF-8)'],
    ['a key over 1024 bytes', ['put', 'a', '--member', 'bank', '--key', 'é'.repeat(513)], '--key: key is 1026 bytes long (allowed: 1-1024 bytes of UTF-8)'],
  ])('refuses %s with exit 2 and says what is allowed', (_case, argv, message) => {
    expect(usageErrorOf(() => parseOffchainArgs(argv))).toBe(message);
  });

  test('refuses an unknown option with exit 2', () => {
    expect(usageErrorOf(() => parseOffchainArgs(['put', 'a', '--member', 'bank', '--force']))).toMatch(/Unknown option '--force'/);
  });
});

test('parseSha256Hex accepts 64 hex digits in either case and nothing else', () => {
  expect(parseSha256Hex(` ${HASH.toUpperCase()} `)).toBe(HASH);
  expect(usageErrorOf(() => parseSha256Hex(HASH.slice(1)))).toMatch(/is not a SHA-256/);
  expect(usageErrorOf(() => parseSha256Hex(`${HASH.slice(1)}g`))).toMatch(/is not a SHA-256/);
});

describe('S3 endpoint', () => {
  test('prefers AWS_ENDPOINT_URL_S3, falls back to AWS_ENDPOINT_URL, and honours AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', () => {
    expect(s3EndpointOverride({ AWS_ENDPOINT_URL_S3: 'http://s3', AWS_ENDPOINT_URL: 'http://all' })).toBe('http://s3');
    expect(s3EndpointOverride({ AWS_ENDPOINT_URL: 'http://all' })).toBe('http://all');
    expect(s3EndpointOverride({ AWS_ENDPOINT_URL: 'http://all', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeUndefined();
    expect(s3EndpointOverride({})).toBeUndefined();
  });

  test('uses path-style requests only when an endpoint override is set, in the given region', async () => {
    const overridden = offchainS3Client('eu-west-1', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:5000' });
    const plain = offchainS3Client('eu-west-1', {});
    expect([overridden.config.forcePathStyle, plain.config.forcePathStyle]).toEqual([true, false]);
    expect(await plain.config.region()).toBe('eu-west-1');
  });

  test('makes 5 attempts per call, or as many as AWS_MAX_ATTEMPTS says, and refuses one that is not a number of attempts', async () => {
    expect(await offchainS3Client('eu-west-1', {}).config.maxAttempts()).toBe(5);
    expect(await offchainS3Client('eu-west-1', { AWS_MAX_ATTEMPTS: '2' }).config.maxAttempts()).toBe(2);
    expect(() => offchainS3Client('eu-west-1', { AWS_MAX_ATTEMPTS: 'many' })).toThrow(UsageError);
  });
});

describe('assessIntegrity', () => {
  test('is intact when the content matches the anchor, the full-object checksum and the metadata', () => {
    const verdict = assessIntegrity({ expectedSha256: HASH, actualSha256: HASH, storedChecksum: base64Of(HASH), checksumType: 'FULL_OBJECT', metadataSha256: HASH });
    expect(verdict.intact).toBe(true);
    expect(verdict.checks.map((check) => check.status)).toEqual(['match', 'match', 'match']);
  });

  test('is tampered when the content differs from the anchored value', () => {
    const verdict = assessIntegrity({ expectedSha256: HASH, actualSha256: OTHER, storedChecksum: base64Of(OTHER), metadataSha256: OTHER });
    expect(verdict.intact).toBe(false);
    expect(verdict.checks[0]).toEqual({ against: 'anchored value', status: 'mismatch', detail: `content SHA-256 ${OTHER} differs from the anchored value ${HASH}` });
  });

  test("is tampered when S3's full-object checksum disagrees with the content, even if the content matches the anchor", () => {
    const verdict = assessIntegrity({ expectedSha256: HASH, actualSha256: HASH, storedChecksum: base64Of(OTHER), metadataSha256: HASH });
    expect(verdict.intact).toBe(false);
    expect(verdict.checks[1]).toMatchObject({ against: 'S3 checksum', status: 'mismatch' });
  });

  test('does not compare a composite multipart checksum with the file hash, and says so', () => {
    const composite = { expectedSha256: HASH, actualSha256: HASH, storedChecksum: `${base64Of(OTHER)}-40`, metadataSha256: HASH };
    const verdict = assessIntegrity(composite);
    expect(verdict.intact).toBe(true);
    expect(verdict.checks[1]).toEqual({
      against: 'S3 checksum',
      status: 'unavailable',
      detail: "multipart object: S3's checksum is COMPOSITE, a SHA-256 of the 40 part checksums rather than of the file, so the content was compared with the sha256 metadata recorded at upload instead",
    });
    expect(assessIntegrity({ ...composite, storedChecksum: base64Of(OTHER), checksumType: 'COMPOSITE' }).checks[1].status).toBe('unavailable');
  });

  test('is tampered when the sha256 metadata recorded at upload disagrees with the content', () => {
    const verdict = assessIntegrity({ expectedSha256: HASH, actualSha256: HASH, storedChecksum: `${base64Of(OTHER)}-2`, metadataSha256: OTHER });
    expect(verdict.intact).toBe(false);
    expect(verdict.checks[2]).toMatchObject({ against: 'sha256 metadata', status: 'mismatch' });
  });

  test('rests on the anchored value alone for an object stored without checksum or metadata', () => {
    const verdict = assessIntegrity({ expectedSha256: HASH, actualSha256: HASH });
    expect(verdict.intact).toBe(true);
    expect(verdict.checks.map((check) => check.status)).toEqual(['match', 'unavailable', 'unavailable']);
  });
});

describe('messages', () => {
  test('put prints the key, version id and SHA-256 to anchor', () => {
    const text = formatStored({ bucket: 'b', key: 'k.pdf', versionId: 'v7', sha256: HASH, size: 3 * 1024 * 1024, parts: 1, dryRun: false });
    expect(text.split('\n')).toEqual(['stored s3://b/k.pdf', 'key:        k.pdf', 'version id: v7', `sha256:     ${HASH}`, 'size:       3.0 MiB in 1 part']);
  });

  test('verify leads with TAMPERED and lists every comparison', () => {
    const verdict = assessIntegrity({ expectedSha256: HASH, actualSha256: OTHER });
    const text = formatVerified({ bucket: 'b', key: 'k.pdf', versionId: 'v7', size: 1, sha256: OTHER, expectedSha256: HASH, ...verdict });
    expect(text.split('\n')[0]).toBe('TAMPERED: s3://b/k.pdf version v7 does not match what was anchored or stored; do not trust this document');
    expect(text.split('\n')).toHaveLength(4);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['NoSuchBucket', { name: 'NoSuchBucket' }, 'bucket b does not exist: deploy the stack of bank with "offchain:" in its member file, or check the region and endpoint'],
    ['NoSuchKey', { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }, 'no object s3://b/k: check the key anchored with the hash'],
    ['a delete marker', { name: 'NoSuchKey', $response: { headers: { 'x-amz-delete-marker': 'true' } } }, 's3://b/k was deleted (its latest version is a delete marker): earlier versions remain, pass the anchored --version-id'],
    ['AccessDenied', { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, "access denied to s3://b/k: use credentials of bank's account or of a reader listed in its offchain.readers (and redeploy its stack after adding one)"],
  ])('explains %s as an operational failure with what to do', (_case, error, message) => {
    const failure = s3Failure(Object.assign(new Error('sdk'), error), { action: 'verify', bucket: 'b', key: 'k', owner: 'bank' });
    expect(failure).toBeInstanceOf(OperationalError);
    expect(exitCodeOf(failure)).toBe(1);
    expect(failure.message).toBe(message);
  });
});

/**
 * Off-chain documents: large files live in the owning member's S3 bucket, the ledger keeps
 * their SHA-256. Bucket naming, argument parsing and the integrity verdict are pure functions;
 * `putDocument` and `verifyDocument` stream files through S3 without holding them in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Transform, pipeline, type Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Consortium, Member } from './config';
import { OperationalError, UsageError } from './errors';
import { maxAttemptsFromEnvironment } from './max-attempts';
import { MiB, S3_LIMITS, offchainBucketNameOf } from './offchain-bucket';

export { S3_LIMITS, offchainBucketNameOf };

/** The SDK's logger interface, saying nothing: every failure is reported by the command. */
const SILENT_LOGGER = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Files up to this size go up in one PutObject; larger ones in parts of at least this size. */
export const DEFAULT_PART_SIZE = 8 * MiB;

/** Parts in flight are held in memory, so fewer go in parallel as parts grow. */
const UPLOAD_MEMORY_BUDGET = 64 * MiB;
const MAX_PARALLEL_PARTS = 4;

/** Exit code of `verify` when the document does not match its anchored hash. */
export const TAMPERED_EXIT_CODE = 3;

export const OFFCHAIN_USAGE = [
  'usage: npm run offchain -- put FILE --member NAME [--key KEY] [--dry-run] [--json]',
  '       npm run offchain -- verify KEY --member NAME --expect-sha256 HEX [--version-id ID] [--json]',
  '       npm run offchain -- verify KEY --member NAME --from-archive CHANNEL [--version-id ID] [--json]',
  '       npm run offchain -- verify KEY --member NAME --from-ledger [--version-id ID] [--channel CHANNEL] [--local] [--json]',
  '       npm run offchain -- anchor KEY --member NAME [--version-id ID] [--channel CHANNEL] [--local] [--dry-run] [--json]',
  '',
  '  put     stores FILE in the off-chain bucket of member NAME and prints the key, the',
  '          version id and the SHA-256 to anchor on the ledger',
  '  verify  downloads KEY (the latest version, or --version-id) and checks it against the',
  '          anchored SHA-256: exit 0 intact, 3 tampered, 1 missing or failed, 2 bad usage;',
  '          --from-archive reads the anchor (hash and version) from the member\'s ledger archive;',
  '          --from-ledger reads it from the documents chaincode (Get) and checks the version',
  '          the bucket serves now (or --version-id) against it',
  '  anchor  records the version id and SHA-256 that put stored (read back from the object)',
  '          with the documents chaincode\'s Anchor on its channel (--channel when several)',
  '',
  '  --local runs the ledger steps here with this shell\'s peer CLI environment (CORE_PEER_*,',
  '          ORDERER), as on the member\'s Fabric client; otherwise through SSM on that client',
].join('\n');

/** The off-chain bucket of a member of the consortium. */
export function offchainBucketName(consortium: Consortium, member: Member): string {
  return offchainBucketNameOf(consortium.network.name, member.name, member.accountId);
}

/** Where a member's documents live, or a usage error that says how to give it a store. */
export function offchainStoreOf(consortium: Consortium, memberName: string): { member: Member; bucket: string; region: string } {
  const member = consortium.members.find((candidate) => candidate.name === memberName);
  if (!member) {
    throw new UsageError(`--member: "${memberName}" is not a member of the consortium (allowed: ${consortium.members.map((m) => m.name).join(', ')})`);
  }
  if (!member.offchain) {
    throw new UsageError(`--member: ${member.name} has no off-chain store: add "offchain:" to ${member.file} and deploy its stack`);
  }
  return { member, bucket: offchainBucketName(consortium, member), region: member.region };
}

/**
 * Part size for a file: the default, or larger when 10,000 default parts would not cover
 * it (a 5 TiB object needs parts of about 525 MiB).
 */
export function multipartPartSize(size: number): number {
  const needed = Math.ceil(Math.ceil(size / S3_LIMITS.maxParts) / MiB) * MiB;
  return Math.min(S3_LIMITS.maxPartSize, Math.max(DEFAULT_PART_SIZE, needed));
}

export function parallelParts(partSize: number): number {
  return Math.max(1, Math.min(MAX_PARALLEL_PARTS, Math.floor(UPLOAD_MEMORY_BUDGET / partSize)));
}

/** A SHA-256 given on the command line, normalised to lower-case hex. */
export function parseSha256Hex(text: string, field = '--expect-sha256'): string {
  const trimmed = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    throw new UsageError(`${field}: "${text}" is not a SHA-256 (allowed: 64 hexadecimal characters, as printed by put)`);
  }
  return trimmed.toLowerCase();
}

export function checkObjectKey(key: string, field = 'KEY'): string {
  if (key.length === 0) throw new UsageError(`${field}: empty object key (allowed: 1-${S3_LIMITS.maxKeyBytes} bytes of UTF-8)`);
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > S3_LIMITS.maxKeyBytes) throw new UsageError(`${field}: key is ${bytes} bytes long (allowed: 1-${S3_LIMITS.maxKeyBytes} bytes of UTF-8)`);
  return key;
}

/** How a ledger step runs: `--local` with this shell's peer CLI, else the member's default transport; `--channel` picks the documents chaincode. */
export interface LedgerOptions {
  readonly local: boolean;
  readonly channel?: string;
}

export type OffchainCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'put'; readonly file: string; readonly member: string; readonly key?: string; readonly dryRun: boolean; readonly json: boolean }
  | {
      readonly kind: 'verify';
      readonly key: string;
      readonly member: string;
      /** The anchored hash given on the command line; absent with fromArchive and fromLedger. */
      readonly expectSha256?: string;
      /** Channel whose archive (the member's, lib/archive) holds the anchor to check against. */
      readonly fromArchive?: string;
      /** Read the anchor from the documents chaincode. */
      readonly fromLedger?: LedgerOptions;
      readonly versionId?: string;
      readonly json: boolean;
    }
  | { readonly kind: 'anchor'; readonly key: string; readonly member: string; readonly versionId?: string; readonly ledger: LedgerOptions; readonly dryRun: boolean; readonly json: boolean };

const COMMAND_OPTIONS = {
  put: ['member', 'key', 'dry-run', 'json'],
  verify: ['member', 'expect-sha256', 'from-archive', 'from-ledger', 'version-id', 'channel', 'local', 'json'],
  anchor: ['member', 'version-id', 'channel', 'local', 'dry-run', 'json'],
} as const;

/** `npm run offchain -- ...` arguments; every mistake is a UsageError naming the argument. */
export function parseOffchainArgs(argv: readonly string[]): OffchainCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        member: { type: 'string' },
        key: { type: 'string' },
        'expect-sha256': { type: 'string' },
        'version-id': { type: 'string' },
        'from-archive': { type: 'string' },
        'from-ledger': { type: 'boolean' },
        channel: { type: 'string' },
        local: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${OFFCHAIN_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, target, ...extra] = positionals;
  if (command !== 'put' && command !== 'verify' && command !== 'anchor') {
    throw new UsageError(`${command === undefined ? 'missing command' : `unknown command "${command}"`} (allowed: put, verify, anchor)\n${OFFCHAIN_USAGE}`);
  }
  const given = Object.keys(values).filter((name) => name !== 'help');
  const foreign = given.filter((name) => !(COMMAND_OPTIONS[command] as readonly string[]).includes(name));
  if (foreign.length > 0) throw new UsageError(`${command}: --${foreign[0]} does not apply (allowed: ${COMMAND_OPTIONS[command].map((name) => `--${name}`).join(', ')})\n${OFFCHAIN_USAGE}`);
  if (target === undefined) throw new UsageError(`${command}: missing ${command === 'put' ? 'FILE' : 'KEY'}\n${OFFCHAIN_USAGE}`);
  if (extra.length > 0) throw new UsageError(`${command}: unexpected argument "${extra[0]}"\n${OFFCHAIN_USAGE}`);
  if (values.member === undefined) throw new UsageError(`${command}: missing --member NAME (the member whose off-chain bucket holds the document)`);
  const json = values.json ?? false;
  if (command === 'put') {
    return { kind: 'put', file: target, member: values.member, key: values.key === undefined ? undefined : checkObjectKey(values.key, '--key'), dryRun: values['dry-run'] ?? false, json };
  }
  if (values['version-id'] === '') throw new UsageError('--version-id: empty (allowed: a version id as printed by put)');
  if (values.channel === '') throw new UsageError('--channel: empty (allowed: a channel that carries the documents chaincode)');
  const ledger: LedgerOptions = { local: values.local ?? false, channel: values.channel };
  if (command === 'anchor') {
    return { kind: 'anchor', key: checkObjectKey(target), member: values.member, versionId: values['version-id'], ledger, dryRun: values['dry-run'] ?? false, json };
  }
  const fromArchive = values['from-archive'];
  const fromLedger = values['from-ledger'] ?? false;
  if ([values['expect-sha256'] !== undefined, fromArchive !== undefined, fromLedger].filter(Boolean).length !== 1) {
    throw new UsageError(
      "verify: give one of --expect-sha256 HEX (the SHA-256 anchored on the ledger), --from-ledger (read it from the documents chaincode) or --from-archive CHANNEL (read the anchor from the member's ledger archive)",
    );
  }
  if (!fromLedger && (values.channel !== undefined || values.local !== undefined)) {
    throw new UsageError(`verify: --${values.channel !== undefined ? 'channel' : 'local'} applies only with --from-ledger`);
  }
  if (fromArchive === '') throw new UsageError('--from-archive: empty (allowed: a channel name)');
  return {
    kind: 'verify',
    key: checkObjectKey(target),
    member: values.member,
    expectSha256: values['expect-sha256'] === undefined ? undefined : parseSha256Hex(values['expect-sha256']),
    fromArchive,
    fromLedger: fromLedger ? ledger : undefined,
    versionId: values['version-id'],
    json,
  };
}

/** The endpoint override the SDK itself honours, if any. */
export function s3EndpointOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/** Attempts per S3 call of the off-chain store, unless AWS_MAX_ATTEMPTS says otherwise. */
export const OFFCHAIN_MAX_ATTEMPTS = 5;

/**
 * S3 client for the off-chain store. The SDK reads AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL
 * itself; emulators such as moto only route path-style requests, hence forcePathStyle then.
 */
export function offchainS3Client(region: string, env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    region,
    forcePathStyle: s3EndpointOverride(env) !== undefined,
    maxAttempts: maxAttemptsFromEnvironment(OFFCHAIN_MAX_ATTEMPTS, env, 'S3'),
    retryMode: 'standard',
    // verifyDocument hashes the body itself and compares with S3's checksum explicitly.
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Without a logger the SDK writes "An error was encountered in a non-retryable streaming
    // request." to the console before the error reaches s3Failure, which says it better.
    logger: SILENT_LOGGER,
  });
}

/** SHA-256 (hex) of a file, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface PutDocumentRequest {
  readonly bucket: string;
  /** Member that owns the bucket, for messages. */
  readonly owner: string;
  readonly file: string;
  /** @default the file's base name */
  readonly key?: string;
  /** Hash and plan only; nothing is written. @default false */
  readonly dryRun?: boolean;
  /** @default multipartPartSize(size) */
  readonly partSize?: number;
  /** Human progress, such as "hashing" and "uploading". @default silent */
  readonly progress?: (message: string) => void;
}

export interface StoredDocument {
  readonly bucket: string;
  readonly key: string;
  /** Version to anchor with the hash; absent only on a dry run or an unversioned bucket. */
  readonly versionId?: string;
  /** SHA-256 of the whole file, lower-case hex: the value to anchor on the ledger. */
  readonly sha256: string;
  readonly size: number;
  /** 1 for a single PutObject. */
  readonly parts: number;
  readonly dryRun: boolean;
}

/**
 * Stores a file with SHA-256 checksums. The file is hashed first, because S3 takes object
 * metadata only when an upload starts and keeps no whole-file SHA-256 of a multipart object;
 * it is hashed again while it streams up, so a file that changes in between is caught.
 */
export async function putDocument(client: S3Client, request: PutDocumentRequest): Promise<StoredDocument> {
  const progress = request.progress ?? (() => undefined);
  const size = await fileSize(request.file);
  const key = checkObjectKey(request.key ?? basename(request.file), request.key === undefined ? 'FILE name' : '--key');
  const partSize = request.partSize ?? multipartPartSize(size);
  if (partSize < S3_LIMITS.minPartSize) throw new UsageError(`part size ${partSize} is below S3's minimum of ${S3_LIMITS.minPartSize} bytes`);
  const parts = size <= partSize ? 1 : Math.ceil(size / partSize);
  if (parts > S3_LIMITS.maxParts) throw new UsageError(`${request.file}: ${parts} parts of ${partSize} bytes exceed S3's ${S3_LIMITS.maxParts}`);

  progress(`hashing ${request.file} (${formatBytes(size)})`);
  const sha256 = await sha256OfFile(request.file);
  if (request.dryRun) return { bucket: request.bucket, key, sha256, size, parts, dryRun: true };

  progress(parts === 1 ? `uploading to s3://${request.bucket}/${key}` : `uploading to s3://${request.bucket}/${key} in ${parts} parts of ${formatBytes(partSize)}`);
  const streamed = createHash('sha256');
  const body = hashingTap(streamed);
  // pipeline hands a read error on to the body, so the upload fails instead of hanging.
  pipeline(createReadStream(request.file, { highWaterMark: MiB }), body, () => undefined);
  const common = { Bucket: request.bucket, Key: key, ContentLength: size, ChecksumAlgorithm: 'SHA256' as const, Metadata: { sha256 } };
  let versionId: string | undefined;
  try {
    if (parts === 1) {
      // S3 recomputes this checksum and refuses the object if the bytes differ.
      const result = await client.send(new PutObjectCommand({ ...common, Body: body, ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64') }));
      versionId = result.VersionId;
    } else {
      const upload = new Upload({ client, params: { ...common, Body: body }, partSize, queueSize: parallelParts(partSize), leavePartsOnError: false });
      // The SDK reports bytes as they go; one line per finished part is enough to show life.
      let partsShown = 0;
      upload.on('httpUploadProgress', ({ loaded = 0 }) => {
        const partsDone = loaded >= size ? parts : Math.floor(loaded / partSize);
        if (partsDone <= partsShown) return;
        partsShown = partsDone;
        progress(`uploaded ${formatBytes(Math.min(loaded, size))} of ${formatBytes(size)} (${partsDone} of ${parts} parts)`);
      });
      const result = await upload.done();
      versionId = result.VersionId;
    }
  } catch (error) {
    body.destroy();
    throw s3Failure(error, { action: 'put', bucket: request.bucket, key, owner: request.owner, file: request.file });
  }
  const uploadedSha256 = streamed.digest('hex');
  if (uploadedSha256 !== sha256) {
    throw new OperationalError(
      `${request.file} changed while it was being uploaded (SHA-256 ${sha256} before, ${uploadedSha256} during): version ${versionId ?? '(none)'} of ${key} must not be anchored; re-run put once the file is no longer being written`,
    );
  }
  return { bucket: request.bucket, key, versionId, sha256, size, parts, dryRun: false };
}

export interface VerifyDocumentRequest {
  readonly bucket: string;
  /** Member that owns the bucket, for messages. */
  readonly owner: string;
  readonly key: string;
  /** SHA-256 anchored on the ledger, lower-case hex. */
  readonly expectedSha256: string;
  /** @default the latest version */
  readonly versionId?: string;
  /** Human progress. @default silent */
  readonly progress?: (message: string) => void;
}

export type CheckStatus = 'match' | 'mismatch' | 'unavailable';

export interface IntegrityCheck {
  /** What the content's SHA-256 was compared with. */
  readonly against: 'anchored value' | 'S3 checksum' | 'sha256 metadata';
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface Verdict {
  readonly intact: boolean;
  readonly checks: readonly IntegrityCheck[];
}

export interface VerifiedDocument extends Verdict {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly size: number;
  /** SHA-256 of the content S3 returned, lower-case hex. */
  readonly sha256: string;
  readonly expectedSha256: string;
}

/** What the integrity of a downloaded document rests on. */
export interface IntegrityEvidence {
  /** The anchored value, lower-case hex. */
  readonly expectedSha256: string;
  /** SHA-256 of the downloaded content, lower-case hex. */
  readonly actualSha256: string;
  /** S3's stored x-amz-checksum-sha256 (base64; `<base64>-<parts>` for a multipart object). */
  readonly storedChecksum?: string;
  /** FULL_OBJECT or COMPOSITE, when S3 says. */
  readonly checksumType?: string;
  /** The `sha256` metadata recorded at upload. */
  readonly metadataSha256?: string;
}

/**
 * The verdict: intact only when the content matches the anchored value and nothing S3 keeps
 * about the object disagrees with the content.
 */
export function assessIntegrity(evidence: IntegrityEvidence): Verdict {
  const { expectedSha256, actualSha256 } = evidence;
  const checks: IntegrityCheck[] = [
    actualSha256 === expectedSha256
      ? { against: 'anchored value', status: 'match', detail: `content SHA-256 ${actualSha256} equals the anchored value` }
      : { against: 'anchored value', status: 'mismatch', detail: `content SHA-256 ${actualSha256} differs from the anchored value ${expectedSha256}` },
    storedChecksumCheck(evidence),
  ];
  if (evidence.metadataSha256 === undefined) {
    checks.push({ against: 'sha256 metadata', status: 'unavailable', detail: 'no sha256 metadata: the object was not stored by npm run offchain put' });
  } else {
    const recorded = evidence.metadataSha256.toLowerCase();
    checks.push(
      recorded === actualSha256
        ? { against: 'sha256 metadata', status: 'match', detail: 'the sha256 metadata recorded at upload equals the content SHA-256' }
        : { against: 'sha256 metadata', status: 'mismatch', detail: `the sha256 metadata recorded at upload (${recorded}) differs from the content SHA-256` },
    );
  }
  return { intact: checks.every((check) => check.status !== 'mismatch'), checks };
}

function storedChecksumCheck({ storedChecksum, checksumType, actualSha256 }: IntegrityEvidence): IntegrityCheck {
  if (storedChecksum === undefined) {
    return { against: 'S3 checksum', status: 'unavailable', detail: 'S3 keeps no SHA-256 checksum for this object (stored without ChecksumAlgorithm SHA256)' };
  }
  const partCount = /-(\d+)$/.exec(storedChecksum)?.[1];
  if (checksumType === 'COMPOSITE' || partCount !== undefined) {
    return {
      against: 'S3 checksum',
      status: 'unavailable',
      detail: `multipart object: S3's checksum is COMPOSITE, a SHA-256 of the ${partCount === undefined ? '' : `${partCount} `}part checksums rather than of the file, so the content was compared with the sha256 metadata recorded at upload instead`,
    };
  }
  const stored = Buffer.from(storedChecksum, 'base64').toString('hex');
  return stored === actualSha256
    ? { against: 'S3 checksum', status: 'match', detail: "S3's full-object SHA-256 checksum equals the content SHA-256" }
    : { against: 'S3 checksum', status: 'mismatch', detail: `S3's full-object SHA-256 checksum (${stored}) differs from the content SHA-256: the stored object does not match what was uploaded` };
}

/** Downloads one version as a stream, hashes it and judges it against the anchored value. */
export async function verifyDocument(client: S3Client, request: VerifyDocumentRequest): Promise<VerifiedDocument> {
  const progress = request.progress ?? (() => undefined);
  const target = { action: 'verify' as const, bucket: request.bucket, key: request.key, owner: request.owner, versionId: request.versionId };
  const command = new GetObjectCommand({ Bucket: request.bucket, Key: request.key, VersionId: request.versionId });
  // Asks S3 for its stored checksum without the SDK hashing the body a second time.
  command.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-checksum-mode'] = 'ENABLED';
      return next(args);
    },
    { step: 'build', name: 'offchainChecksumMode' },
  );
  let response;
  try {
    response = await client.send(command);
  } catch (error) {
    throw s3Failure(error, target);
  }
  const versionId = response.VersionId ?? request.versionId;
  progress(`downloading s3://${request.bucket}/${request.key}${versionId ? ` version ${versionId}` : ''} (${formatBytes(response.ContentLength ?? 0)})`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of response.Body as Readable) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    throw s3Failure(error, target);
  }
  if (response.ContentLength !== undefined && size !== response.ContentLength) {
    throw new OperationalError(`download of s3://${request.bucket}/${request.key} ended after ${size} of ${response.ContentLength} bytes: re-run verify`);
  }
  const actualSha256 = hash.digest('hex');
  const verdict = assessIntegrity({
    expectedSha256: request.expectedSha256,
    actualSha256,
    storedChecksum: response.ChecksumSHA256,
    checksumType: response.ChecksumType,
    metadataSha256: response.Metadata?.sha256,
  });
  return { bucket: request.bucket, key: request.key, versionId, size, sha256: actualSha256, expectedSha256: request.expectedSha256, ...verdict };
}

/** Human lines for a stored document; the SHA-256 line is what goes on the ledger. */
export function formatStored(stored: StoredDocument): string {
  return [
    stored.dryRun ? `dry run: would store s3://${stored.bucket}/${stored.key} (nothing written)` : `stored s3://${stored.bucket}/${stored.key}`,
    `key:        ${stored.key}`,
    `version id: ${stored.versionId ?? (stored.dryRun ? '(assigned on upload)' : '(none: the bucket is not versioned, so the key can be overwritten)')}`,
    `sha256:     ${stored.sha256}`,
    `size:       ${formatBytes(stored.size)} in ${stored.parts} part${stored.parts === 1 ? '' : 's'}`,
  ].join('\n');
}

/** Human lines for a verification: the verdict first, then each comparison. */
export function formatVerified(verified: VerifiedDocument): string {
  const where = `s3://${verified.bucket}/${verified.key}${verified.versionId ? ` version ${verified.versionId}` : ''}`;
  const headline = verified.intact
    ? `intact: ${where} matches the anchored SHA-256`
    : `TAMPERED: ${where} does not match what was anchored or stored; do not trust this document`;
  return [headline, ...verified.checks.map((check) => `  ${check.status.padEnd(11)} ${check.against}: ${check.detail}`)].join('\n');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${file}: not a regular file (allowed: a file to store)`);
    if (info.size > S3_LIMITS.maxObjectSize) throw new UsageError(`${file}: ${formatBytes(info.size)} exceeds S3's object size limit of 5 TiB`);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`${file}: cannot read it (${reason})`);
  }
}

function hashingTap(hash: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}

interface S3Target {
  /** put writes; verify and read (HeadObject) read. */
  readonly action: 'put' | 'verify' | 'read';
  readonly bucket: string;
  readonly key: string;
  readonly owner: string;
  readonly versionId?: string;
  readonly file?: string;
}

/** An SDK failure as an OperationalError that says what is missing and what to do. */
export function s3Failure(error: unknown, target: S3Target): OperationalError {
  const failure = error as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
  const name = failure.Code ?? failure.name ?? '';
  const status = failure.$metadata?.httpStatusCode;
  const object = `s3://${target.bucket}/${target.key}`;
  const wrap = (message: string) => new OperationalError(message, { cause: error });
  if (name === 'NoSuchBucket') {
    return wrap(`bucket ${target.bucket} does not exist: deploy the stack of ${target.owner} with "offchain:" in its member file, or check the region and endpoint`);
  }
  if (name === 'NoSuchVersion' || (target.versionId !== undefined && name === 'InvalidArgument')) {
    return wrap(`${object} has no version "${target.versionId}": check the version id anchored with the hash`);
  }
  if (name === 'NoSuchKey' || status === 404) {
    const deleted = failure.$response?.headers?.['x-amz-delete-marker'] === 'true';
    return wrap(
      deleted
        ? `${object} was deleted (its latest version is a delete marker): earlier versions remain, pass the anchored --version-id`
        : `no object ${object}: check the key anchored with the hash`,
    );
  }
  if (name === 'AccessDenied' || status === 403) {
    return wrap(
      `access denied to ${object}: ${target.action === 'put' ? `use credentials of ${target.owner}'s account` : `use credentials of ${target.owner}'s account or of a reader listed in its offchain.readers (and redeploy its stack after adding one)`}`,
    );
  }
  if (name === 'BadDigest' || name === 'XAmzContentChecksumMismatch' || name === 'InvalidDigest') {
    return wrap(`S3 refused ${target.file ?? object}: its content no longer matches the SHA-256 computed before the upload; re-run put once the file is no longer being written`);
  }
  if (['CredentialsProviderError', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken'].includes(name)) {
    return wrap(`AWS credentials missing or refused (${name}: ${failure.message}): configure the standard chain (AWS_PROFILE, environment variables, SSO) for ${target.owner}'s account or a reader's`);
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(failure.code ?? name)) {
    const endpoint = s3EndpointOverride();
    return wrap(`cannot reach S3${endpoint ? ` at ${endpoint} (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)` : ''}: ${failure.message}; check the network and retry`);
  }
  return wrap(`S3 ${target.action} of ${object} failed: ${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${failure.message ?? String(error)}; retry, or check the bucket and your credentials`);
}

/**
 * The archive bucket: one object per block and a manifest per channel (layout in ./layout).
 * Blocks are written with `If-None-Match: *`, so S3 itself refuses to overwrite an archived
 * block (conditional writes: AWS S3 user guide, "How to prevent object overwrites").
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { OperationalError } from '../errors';
import { s3EndpointOverride } from '../offchain';
import { blockKey, blockNumberOfKey, manifestKey, parseManifest, serializeManifest, type Manifest } from './layout';

/** One archived block as read back: its bytes and the SHA-256 recorded in its metadata. */
export interface ArchivedBlock {
  readonly bytes: Buffer;
  /** Hex SHA-256 from the object's `sha256` metadata; undefined if the metadata is gone. */
  readonly recordedSha256?: string;
}

/** Where archived blocks and manifests live; the S3 bucket in production. */
export interface ArchiveStore {
  /** Human name for messages, e.g. `s3://bucket`. */
  readonly location: string;
  /** Channels that have a manifest. */
  listChannels(): Promise<string[]>;
  readManifest(channel: string): Promise<Manifest | undefined>;
  writeManifest(manifest: Manifest): Promise<void>;
  /** Block numbers present for a channel, ascending, from `from` on. */
  listBlockNumbers(channel: string, from?: number): Promise<number[]>;
  readBlock(channel: string, number: number): Promise<ArchivedBlock | undefined>;
  /** Stores a block unless one is already there; `present` when it was (nothing written). */
  putBlockIfAbsent(channel: string, number: number, bytes: Uint8Array, sha256Hex: string, headerHashHex: string): Promise<'stored' | 'present'>;
}

/** The S3 bucket that holds a member's archive. */
export class S3ArchiveStore implements ArchiveStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    /** Member whose bucket this is, for error messages. */
    private readonly owner: string,
  ) {
    this.location = `s3://${bucket}`;
  }

  async listChannels(): Promise<string[]> {
    const channels: string[] = [];
    for await (const prefix of this.keys('channels/', undefined, '/')) {
      const channel = prefix.slice('channels/'.length, -1);
      if (await this.exists(manifestKey(channel))) channels.push(channel);
    }
    return channels.sort();
  }

  async readManifest(channel: string): Promise<Manifest | undefined> {
    const key = manifestKey(channel);
    const text = await this.readText(key);
    return text === undefined ? undefined : parseManifest(text, `${this.location}/${key}`);
  }

  async writeManifest(manifest: Manifest): Promise<void> {
    const key = manifestKey(manifest.channel);
    await this.call(key, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: serializeManifest(manifest), ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' })),
    );
  }

  async listBlockNumbers(channel: string, from = 0): Promise<number[]> {
    const numbers: number[] = [];
    const startAfter = from > 0 ? blockKey(channel, from - 1) : undefined;
    for await (const key of this.keys(`channels/${channel}/blocks/`, startAfter)) {
      const number = blockNumberOfKey(channel, key);
      if (number !== undefined) numbers.push(number);
    }
    return numbers;
  }

  async readBlock(channel: string, number: number): Promise<ArchivedBlock | undefined> {
    const key = blockKey(channel, number);
    return this.call(key, async () => {
      try {
        const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        const bytes = Buffer.from(await response.Body!.transformToByteArray());
        return { bytes, recordedSha256: response.Metadata?.sha256 };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  async putBlockIfAbsent(channel: string, number: number, bytes: Uint8Array, sha256Hex: string, headerHashHex: string): Promise<'stored' | 'present'> {
    const key = blockKey(channel, number);
    return this.call(key, async () => {
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: bytes,
            IfNoneMatch: '*',
            ContentType: 'application/vnd.hyperledger.fabric.block',
            ChecksumSHA256: Buffer.from(sha256Hex, 'hex').toString('base64'),
            Metadata: { sha256: sha256Hex, 'header-hash': headerHashHex, channel, 'block-number': String(number) },
          }),
        );
        return 'stored';
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 412 || (error as { name?: string }).name === 'PreconditionFailed') return 'present';
        throw error;
      }
    });
  }

  private async exists(key: string): Promise<boolean> {
    return this.call(key, async () => {
      try {
        await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  private async readText(key: string): Promise<string | undefined> {
    return this.call(key, async () => {
      try {
        const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        return await response.Body!.transformToString('utf8');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  /** Keys (or common prefixes, with a delimiter) under a prefix, across every page. */
  private async *keys(prefix: string, startAfter?: string, delimiter?: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await this.call(prefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, StartAfter: token ? undefined : startAfter, ContinuationToken: token, Delimiter: delimiter })),
      );
      if (delimiter) for (const common of page.CommonPrefixes ?? []) yield common.Prefix!;
      else for (const object of page.Contents ?? []) yield object.Key!;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async call<T>(key: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw archiveS3Failure(error, this.bucket, key, this.owner);
    }
  }
}

function isNotFound(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return failure.name === 'NoSuchKey' || failure.$metadata?.httpStatusCode === 404;
}

/** An S3 failure on the archive bucket as an OperationalError that says what to do. */
export function archiveS3Failure(error: unknown, bucket: string, key: string, owner: string): OperationalError {
  if (error instanceof OperationalError) return error;
  const failure = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = failure.name ?? '';
  const status = failure.$metadata?.httpStatusCode;
  const wrap = (message: string) => new OperationalError(message, { cause: error });
  if (name === 'NoSuchBucket') return wrap(`archive bucket ${bucket} does not exist: deploy the stack of ${owner} (its "archive:" section is on by default once it has joined), or check the region and endpoint`);
  if (name === 'AccessDenied' || status === 403) return wrap(`access denied to s3://${bucket}/${key}: use credentials of ${owner}'s account (or of an auditor the bucket policy admits)`);
  if (['CredentialsProviderError', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken'].includes(name)) {
    return wrap(`AWS credentials missing or refused (${name}: ${failure.message}): configure the standard chain for ${owner}'s account`);
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(failure.code ?? name)) {
    const endpoint = s3EndpointOverride();
    return wrap(`cannot reach S3${endpoint ? ` at ${endpoint}` : ''}: ${failure.message}; check the network and retry`);
  }
  return wrap(`S3 request on s3://${bucket}/${key} failed: ${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${failure.message ?? String(error)}; retry, or check the bucket and your credentials`);
}

/**
 * Where an archive keeps what, and the manifest that sums a channel up. Pure functions only.
 *
 * Layout in the member's archive bucket:
 *   channels/<channel>/blocks/<block number, 20 digits>.block   one object per block, the
 *       block's protobuf bytes exactly as the peer delivered them; metadata `sha256` (hex);
 *   channels/<channel>/manifest.json                              the channel's manifest.
 * Zero-padded numbers make S3's lexical listing order the block order.
 */
import { sha256 } from './block';

/** Format tag of a manifest; a reader refuses another format rather than misread it. */
export const MANIFEST_FORMAT = 'fabric-block-archive/1';

/** Exit code of `archive verify` when an archive is broken (as `offchain verify` when tampered). */
export const BROKEN_EXIT_CODE = 3;

/** Fabric channel names: lower-case letters, digits, dots and hyphens, starting with a letter, < 250 characters (configtx channel name rules). */
export const CHANNEL_NAME_PATTERN = /^[a-z][a-z0-9.-]{0,248}$/;

const NUMBER_DIGITS = 20;

export function channelPrefix(channel: string): string {
  return `channels/${channel}/`;
}

export function blockKey(channel: string, number: number): string {
  return `${channelPrefix(channel)}blocks/${String(number).padStart(NUMBER_DIGITS, '0')}.block`;
}

export function manifestKey(channel: string): string {
  return `${channelPrefix(channel)}manifest.json`;
}

/** The block number a block key names, or undefined for any other key. */
export function blockNumberOfKey(channel: string, key: string): number | undefined {
  const prefix = `${channelPrefix(channel)}blocks/`;
  if (!key.startsWith(prefix)) return undefined;
  const match = /^(\d{20})\.block$/.exec(key.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/**
 * A channel's manifest. `blocks[i]` is `[i, SHA-256 of block i's object]`, so the list is in
 * block order and a moved entry names itself. About 75 bytes per block.
 */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly channel: string;
  /** Number of archived blocks: blocks 0..height-1 are in the bucket. */
  readonly height: number;
  /** Header hash (hex) of block height-1; empty when height is 0. */
  readonly lastHeaderHash: string;
  /** runningHash over blocks 0..height-1 (hex); see `nextRunningHash`. */
  readonly runningHash: string;
  /** When the manifest was last written, ISO 8601. */
  readonly updatedAt: string;
  /** Who archived: the member and the peer the blocks came from. */
  readonly source: { readonly member: string; readonly peer: string };
  readonly blocks: ReadonlyArray<readonly [number, string]>;
}

/** The running hash before block 0: 32 zero bytes. */
export const INITIAL_RUNNING_HASH = '0'.repeat(64);

/**
 * runningHash(n) = SHA-256(runningHash(n-1) || SHA-256(block n's bytes)), starting from 32
 * zero bytes: one value that commits to every archived block, metadata included (which the
 * header chain does not cover).
 */
export function nextRunningHash(previousHex: string, blockSha256Hex: string): string {
  return sha256(Buffer.from(previousHex, 'hex'), Buffer.from(blockSha256Hex, 'hex')).toString('hex');
}

/** The manifest of an archive that has no block yet. */
export function emptyManifest(channel: string, source: Manifest['source'], now: Date): Manifest {
  return { format: MANIFEST_FORMAT, channel, height: 0, lastHeaderHash: '', runningHash: INITIAL_RUNNING_HASH, updatedAt: now.toISOString(), source, blocks: [] };
}

/** The manifest with one more block appended (its number must be the manifest's height). */
export function appendBlock(manifest: Manifest, block: { readonly number: number; readonly sha256: string; readonly headerHash: string }, now: Date): Manifest {
  if (block.number !== manifest.height) throw new Error(`block ${block.number} cannot follow height ${manifest.height}`);
  return {
    ...manifest,
    height: manifest.height + 1,
    lastHeaderHash: block.headerHash,
    runningHash: nextRunningHash(manifest.runningHash, block.sha256),
    updatedAt: now.toISOString(),
    blocks: [...manifest.blocks, [block.number, block.sha256]],
  };
}

/** Raised when a manifest's bytes are not a manifest of this format; says what is wrong. */
export class ManifestFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestFormatError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads a manifest's JSON and checks its shape (not its content against the blocks). */
export function parseManifest(text: string, key: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestFormatError(`${key}: not JSON (${(error as Error).message})`);
  }
  const manifest = value as Partial<Manifest>;
  const fail = (field: string, allowed: string) => {
    throw new ManifestFormatError(`${key}: ${field} ${JSON.stringify((manifest as Record<string, unknown>)[field])} (allowed: ${allowed})`);
  };
  if (typeof value !== 'object' || value === null) throw new ManifestFormatError(`${key}: not a JSON object`);
  if (manifest.format !== MANIFEST_FORMAT) fail('format', MANIFEST_FORMAT);
  if (typeof manifest.channel !== 'string' || !CHANNEL_NAME_PATTERN.test(manifest.channel)) fail('channel', 'a Fabric channel name');
  if (!Number.isSafeInteger(manifest.height) || manifest.height! < 0) fail('height', 'an integer >= 0');
  if (typeof manifest.lastHeaderHash !== 'string' || !(manifest.lastHeaderHash === '' || HEX64.test(manifest.lastHeaderHash))) fail('lastHeaderHash', '64 lower-case hex digits');
  if (typeof manifest.runningHash !== 'string' || !HEX64.test(manifest.runningHash)) fail('runningHash', '64 lower-case hex digits');
  if (!Array.isArray(manifest.blocks)) fail('blocks', 'a list of [number, sha256] pairs');
  manifest.blocks!.forEach((entry, index) => {
    if (!Array.isArray(entry) || entry.length !== 2 || !Number.isSafeInteger(entry[0]) || typeof entry[1] !== 'string' || !HEX64.test(entry[1])) {
      throw new ManifestFormatError(`${key}: blocks[${index}] ${JSON.stringify(entry)} (allowed: [block number, 64 hex digits])`);
    }
  });
  return manifest as Manifest;
}

export function serializeManifest(manifest: Manifest): string {
  const { blocks, ...head } = manifest;
  // One block per line keeps a manifest readable and diffable by an auditor.
  const lines = blocks.map((entry) => `    ${JSON.stringify(entry)}`);
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${headText},\n  "blocks": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

/**
 * Copies a channel's committed blocks from the member's own peer into its archive bucket:
 * resumes at the manifest's height, adopts blocks an interrupted run stored after its last
 * manifest, never rewrites an archived block, and stops with a ForkError when the live chain
 * and the archive disagree.
 */
import { OperationalError } from '../errors';
import { decodeBlock, sha256, type DecodedBlock } from './block';
import { appendBlock, emptyManifest, type Manifest } from './layout';
import type { BlockSource } from './source';
import type { ArchiveStore } from './store';

/** The live chain and the archive disagree about a block: someone rewrote history, or the archive was fed another chain. */
export class ForkError extends OperationalError {
  constructor(
    readonly channel: string,
    readonly block: number,
    detail: string,
  ) {
    super(
      `FORK on channel ${channel} at block ${block}: ${detail}. Nothing was overwritten. Do not archive further: keep the bucket as it is, run "npm run archive -- verify" and compare the block with another member's archive before anything else.`,
    );
    this.name = 'ForkError';
  }
}

export interface ArchiveChannelOptions {
  /** Member whose archive this is (recorded in the manifest). */
  readonly member: string;
  /** Read and compare only; write nothing. */
  readonly dryRun: boolean;
  /** Blocks stored at once (and, from a source without a stream, fetched at once). @default 8 */
  readonly concurrency?: number;
  /** Write the manifest after this many new blocks, so an interrupted run loses little. @default 50 */
  readonly checkpointEvery?: number;
  readonly now?: () => Date;
  readonly progress?: (message: string) => void;
}

/** What one run did (or, dry, would do) for one channel. */
export interface ChannelArchiveResult {
  readonly channel: string;
  /** Archive height when the run started (blocks in the manifest). */
  readonly archivedBefore: number;
  /** Blocks found in the bucket beyond the manifest (an interrupted run) and taken into it. */
  readonly adopted: number;
  /** The peer's height when the run started. */
  readonly liveHeight: number;
  /** Blocks copied by this run; with --dry-run, blocks that would be copied. */
  readonly copied: number;
  /** Archive height after the run. */
  readonly height: number;
  /** Header hash (hex) of the last archived block. */
  readonly lastHeaderHash: string;
  readonly dryRun: boolean;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Checks that `block` is block `number` and follows a block whose header hash is `previousHeaderHash`. */
function chainProblem(block: DecodedBlock, number: number, previousHeaderHash: string): string | undefined {
  if (block.number !== BigInt(number)) return `the peer returned block ${block.number} for block ${number}`;
  if (hex(block.computedDataHash) !== hex(block.dataHash)) return `its data hash ${hex(block.dataHash)} does not match its data (${hex(block.computedDataHash)})`;
  if (number > 0 && hex(block.previousHash) !== previousHeaderHash) {
    return `its previous hash ${hex(block.previousHash)} is not the header hash of archived block ${number - 1} (${previousHeaderHash})`;
  }
  return undefined;
}

/** Archives one channel; see the module comment. Throws ForkError on a fork, OperationalError on I/O failures. */
export async function archiveChannel(source: BlockSource, store: ArchiveStore, channel: string, options: ArchiveChannelOptions): Promise<ChannelArchiveResult> {
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? (() => undefined);
  const concurrency = options.concurrency ?? 8;
  const checkpointEvery = options.checkpointEvery ?? 50;
  const recorded = await store.readManifest(channel);
  let manifest = recorded ?? emptyManifest(channel, { member: options.member, peer: source.peer }, now());
  manifest = { ...manifest, source: { member: options.member, peer: source.peer } };
  const archivedBefore = manifest.height;

  const adoption = await adoptInterrupted(store, manifest, now);
  manifest = adoption.manifest;
  if (adoption.adopted > 0) progress(`${channel}: ${adoption.adopted} block(s) stored after the last manifest (an interrupted run) checked and taken in`);

  const liveHeight = await source.height(channel);
  await checkSameChain(source, store, manifest, liveHeight);

  const missing = Math.max(0, liveHeight - manifest.height);
  if (options.dryRun || missing === 0) {
    if (!options.dryRun && (adoption.adopted > 0 || recorded === undefined)) await store.writeManifest(manifest);
    return { channel, archivedBefore, adopted: adoption.adopted, liveHeight, copied: missing, height: manifest.height, lastHeaderHash: manifest.lastHeaderHash, dryRun: options.dryRun };
  }

  progress(`${channel}: copying blocks ${manifest.height}..${liveHeight - 1} from ${source.peer}`);
  let sinceCheckpoint = 0;
  let number = manifest.height;
  for await (const batch of batches(readBlocks(source, channel, manifest.height, liveHeight - 1, concurrency), concurrency)) {
    const checked = batch.map((bytes) => {
      const block = decodeBlock(bytes);
      const entry = { number, bytes, block, sha256: sha256(bytes).toString('hex'), headerHash: hex(block.headerHash) };
      number += 1;
      return entry;
    });
    let previous = manifest.lastHeaderHash;
    for (const entry of checked) {
      const problem = chainProblem(entry.block, entry.number, previous);
      if (problem) throw new ForkError(channel, entry.number, `live block ${problem}`);
      previous = entry.headerHash;
    }
    await Promise.all(
      checked.map(async (entry) => {
        const outcome = await store.putBlockIfAbsent(channel, entry.number, entry.bytes, entry.sha256, entry.headerHash);
        if (outcome === 'present') await checkPresentBlock(store, channel, entry.number, entry.sha256);
      }),
    );
    for (const entry of checked) manifest = appendBlock(manifest, entry, now());
    sinceCheckpoint += checked.length;
    if (sinceCheckpoint >= checkpointEvery) {
      await store.writeManifest(manifest);
      progress(`${channel}: ${manifest.height}/${liveHeight} blocks archived`);
      sinceCheckpoint = 0;
    }
  }
  if (manifest.height < liveHeight) throw new OperationalError(`channel ${channel}: peer ${source.peer} sent blocks up to ${manifest.height - 1} of ${liveHeight - 1}; run the archive again`);
  await store.writeManifest(manifest);
  return { channel, archivedBefore, adopted: adoption.adopted, liveHeight, copied: manifest.height - archivedBefore - adoption.adopted, height: manifest.height, lastHeaderHash: manifest.lastHeaderHash, dryRun: false };
}

/**
 * Blocks `from`..`to` of a channel in order: over one stream when the source has one, else
 * `concurrency` single-block reads at a time.
 */
async function* readBlocks(source: BlockSource, channel: string, from: number, to: number, concurrency: number): AsyncGenerator<Uint8Array> {
  if (source.blocks) {
    yield* source.blocks(channel, from, to);
    return;
  }
  for (let first = from; first <= to; first += concurrency) {
    const numbers = Array.from({ length: Math.min(concurrency, to - first + 1) }, (_, offset) => first + offset);
    yield* await Promise.all(numbers.map((number) => source.block(channel, number)));
  }
}

/** Groups an ordered stream into arrays of `size` (the last one shorter). */
async function* batches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** A block already in the bucket (another run got there first) must be the same block. */
async function checkPresentBlock(store: ArchiveStore, channel: string, number: number, liveSha256: string): Promise<void> {
  const archived = await store.readBlock(channel, number);
  const archivedSha256 = archived ? sha256(archived.bytes).toString('hex') : undefined;
  if (archivedSha256 !== liveSha256) {
    throw new ForkError(channel, number, `the archived block (SHA-256 ${archivedSha256 ?? 'unreadable'}) differs from the live block (SHA-256 ${liveSha256})`);
  }
}

/**
 * Blocks right after the manifest's height are what an interrupted run stored before it
 * could write its manifest: take them in when they chain, in order.
 */
async function adoptInterrupted(store: ArchiveStore, manifest: Manifest, now: () => Date): Promise<{ manifest: Manifest; adopted: number }> {
  const numbers = await store.listBlockNumbers(manifest.channel, manifest.height);
  let adopted = 0;
  for (const number of numbers) {
    if (number !== manifest.height) break;
    const archived = await store.readBlock(manifest.channel, number);
    if (!archived) break;
    const block = decodeBlock(archived.bytes);
    const problem = chainProblem(block, number, manifest.lastHeaderHash);
    if (problem) {
      throw new OperationalError(
        `channel ${manifest.channel}: block ${number} in the bucket beyond the manifest does not chain (${problem}); run "npm run archive -- verify --channel ${manifest.channel}" and investigate before archiving further`,
      );
    }
    manifest = appendBlock(manifest, { number, sha256: sha256(archived.bytes).toString('hex'), headerHash: hex(block.headerHash) }, now());
    adopted += 1;
  }
  return { manifest, adopted };
}

/** The archive's last block must be the live chain's block of the same number. */
async function checkSameChain(source: BlockSource, store: ArchiveStore, manifest: Manifest, liveHeight: number): Promise<void> {
  if (manifest.height === 0) return;
  const compared = Math.min(manifest.height, liveHeight) - 1;
  if (compared < 0) return;
  const live = decodeBlock(await source.block(manifest.channel, compared));
  let archivedHeaderHash = manifest.lastHeaderHash;
  if (compared !== manifest.height - 1) {
    const archived = await store.readBlock(manifest.channel, compared);
    if (!archived) throw new OperationalError(`channel ${manifest.channel}: archived block ${compared} is missing from ${store.location}; run "npm run archive -- verify"`);
    archivedHeaderHash = hex(decodeBlock(archived.bytes).headerHash);
  }
  if (hex(live.headerHash) !== archivedHeaderHash) {
    throw new ForkError(manifest.channel, compared, `the live block's header hash ${hex(live.headerHash)} differs from the archived one ${archivedHeaderHash}`);
  }
}

/** Archives every channel the member's peer has joined, one after the other. */
export async function archiveMember(source: BlockSource, store: ArchiveStore, options: ArchiveChannelOptions & { readonly channel?: string }): Promise<ChannelArchiveResult[]> {
  const joined = await source.channels();
  if (options.channel !== undefined && !joined.includes(options.channel)) {
    throw new OperationalError(`peer ${source.peer} has not joined channel ${options.channel} (joined: ${joined.join(', ') || 'none'})`);
  }
  const channels = options.channel === undefined ? joined : [options.channel];
  const results: ChannelArchiveResult[] = [];
  for (const channel of channels) results.push(await archiveChannel(source, store, channel, options));
  return results;
}

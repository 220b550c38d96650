/**
 * Verifies a channel's archive from the bucket alone: every object is the block its key
 * names, its bytes match the SHA-256 in its metadata and in the manifest, its data hash
 * matches its data, its previous hash is the header hash of the block before, and the
 * manifest's height, last header hash and running hash match the blocks. Optionally, with
 * the network still reachable, that the last archived block is a block of the live chain.
 */
import { BlockDecodeError, decodeBlock, sha256 } from './block';
import { INITIAL_RUNNING_HASH, ManifestFormatError, nextRunningHash, type Manifest } from './layout';
import type { BlockSource } from './source';
import type { ArchiveStore } from './store';

/** One thing wrong with an archive, at the block where it shows. */
export interface ArchiveProblem {
  /** Block number, or undefined for a manifest-wide problem. */
  readonly block?: number;
  readonly problem: string;
}

export interface ChannelVerification {
  readonly channel: string;
  readonly intact: boolean;
  /** Lowest block with a problem, when broken. */
  readonly firstBadBlock?: number;
  /** Blocks the manifest records. */
  readonly height: number;
  /** Block objects read and checked. */
  readonly blocksChecked: number;
  /** Blocks beyond the manifest left by an interrupted run (checked; adopted by the next run). */
  readonly beyondManifest: number;
  readonly lastHeaderHash: string;
  readonly runningHash: string;
  /** Set when the live chain was consulted. */
  readonly live?: { readonly peer: string; readonly height: number; readonly matches: boolean };
  /** Problems in block order, manifest-wide ones last. */
  readonly problems: readonly ArchiveProblem[];
}

export interface VerifyOptions {
  /** Also check the last archived block against the member's live peer. */
  readonly live?: BlockSource;
  /** Objects read at once. @default 8 */
  readonly concurrency?: number;
  readonly progress?: (message: string) => void;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Verifies one channel; never throws for a broken archive (that is a result), only for I/O failures. */
export async function verifyChannel(store: ArchiveStore, channel: string, options: VerifyOptions = {}): Promise<ChannelVerification> {
  const concurrency = options.concurrency ?? 8;
  const problems: ArchiveProblem[] = [];
  let manifest: Manifest | undefined;
  try {
    manifest = await store.readManifest(channel);
    if (!manifest) problems.push({ problem: `no manifest for channel ${channel} in ${store.location}` });
  } catch (error) {
    if (!(error instanceof ManifestFormatError)) throw error;
    problems.push({ problem: `manifest unreadable: ${error.message}` });
  }
  const height = manifest?.height ?? 0;
  const present = await store.listBlockNumbers(channel);
  const last = Math.max(height, (present.at(-1) ?? -1) + 1);
  const presentSet = new Set(present);

  let previousHeaderHash = '';
  let runningHash = INITIAL_RUNNING_HASH;
  let lastHeaderHash = '';
  let checked = 0;
  let chainBroken = false;
  for (let first = 0; first < last; first += concurrency) {
    const numbers = Array.from({ length: Math.min(concurrency, last - first) }, (_, offset) => first + offset);
    const objects = await Promise.all(numbers.map((number) => (presentSet.has(number) ? store.readBlock(channel, number) : Promise.resolve(undefined))));
    numbers.forEach((number, index) => {
      const report = (problem: string) => problems.push({ block: number, problem });
      const entry = manifest && number < height ? manifest.blocks[number] : undefined;
      if (manifest && number < height && (entry === undefined || entry[0] !== number)) {
        report(entry === undefined ? 'the manifest has no entry for this block' : `the manifest's entry at position ${number} is for block ${entry[0]} (manifest entries out of order)`);
      }
      const object = objects[index];
      if (!object) {
        report(`missing from ${store.location}`);
        chainBroken = true;
        return;
      }
      checked += 1;
      const actual = sha256(object.bytes).toString('hex');
      if (object.recordedSha256 !== actual) report(`its bytes (SHA-256 ${actual}) differ from the SHA-256 in its object metadata (${object.recordedSha256 ?? 'none'})`);
      if (entry && entry[0] === number && entry[1] !== actual) report(`its bytes (SHA-256 ${actual}) differ from the manifest's SHA-256 ${entry[1]}`);
      if (number < height) runningHash = nextRunningHash(runningHash, entry && entry[0] === number ? entry[1] : actual);
      let block;
      try {
        block = decodeBlock(object.bytes);
      } catch (error) {
        if (!(error instanceof BlockDecodeError)) throw error;
        report(`not a Fabric block: ${error.message}`);
        chainBroken = true;
        return;
      }
      if (block.number !== BigInt(number)) report(`the object holds block ${block.number}`);
      if (hex(block.computedDataHash) !== hex(block.dataHash)) report(`its data does not match its header's data hash (computed ${hex(block.computedDataHash)}, header says ${hex(block.dataHash)})`);
      if (number > 0 && !chainBroken && hex(block.previousHash) !== previousHeaderHash) {
        report(`its previous hash ${hex(block.previousHash)} is not the header hash of block ${number - 1} (${previousHeaderHash})`);
      }
      chainBroken = false;
      previousHeaderHash = hex(block.headerHash);
      if (number === height - 1) lastHeaderHash = previousHeaderHash;
    });
    if (first > 0 && first % 1000 < concurrency) options.progress?.(`${channel}: ${first}/${last} blocks checked`);
  }

  if (manifest) {
    if (manifest.blocks.length !== manifest.height) problems.push({ problem: `the manifest lists ${manifest.blocks.length} blocks but says its height is ${manifest.height}` });
    if (manifest.runningHash !== runningHash) problems.push({ problem: `the manifest's running hash ${manifest.runningHash} is not the running hash of its blocks (${runningHash})` });
    if (manifest.lastHeaderHash !== lastHeaderHash) problems.push({ problem: `the manifest's last header hash ${manifest.lastHeaderHash || '(none)'} is not block ${height - 1}'s (${lastHeaderHash || 'none'})` });
  }

  let live: ChannelVerification['live'];
  if (options.live && height > 0) {
    const liveHeight = await options.live.height(channel);
    let matches = false;
    if (liveHeight >= height) matches = hex(decodeBlock(await options.live.block(channel, height - 1)).headerHash) === lastHeaderHash;
    live = { peer: options.live.peer, height: liveHeight, matches };
    if (!matches) {
      problems.push({
        block: height - 1,
        problem: liveHeight < height ? `the live peer ${options.live.peer} has only ${liveHeight} blocks` : `the live chain's block ${height - 1} has another header hash: the archive is not of the live chain`,
      });
    }
  }

  const sorted = [...problems].sort((a, b) => (a.block ?? Number.MAX_SAFE_INTEGER) - (b.block ?? Number.MAX_SAFE_INTEGER));
  return {
    channel,
    intact: sorted.length === 0,
    firstBadBlock: sorted.find((problem) => problem.block !== undefined)?.block,
    height,
    blocksChecked: checked,
    beyondManifest: present.filter((number) => number >= height).length,
    lastHeaderHash: manifest?.lastHeaderHash ?? '',
    runningHash: manifest?.runningHash ?? '',
    live,
    problems: sorted,
  };
}

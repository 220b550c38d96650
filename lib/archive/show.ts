/**
 * Reads evidence back from an archive: a block's header and transactions, or one
 * transaction by id, each with whether the block's bytes still match the manifest.
 */
import { OperationalError } from '../errors';
import { decodeBlock, sha256, transactionsOf, type TransactionRecord } from './block';
import type { Manifest } from './layout';
import type { ArchiveStore } from './store';

export interface ShownBlock {
  readonly channel: string;
  readonly number: number;
  readonly headerHash: string;
  readonly previousHash: string;
  readonly dataHash: string;
  readonly sha256: string;
  /** The block's SHA-256 equals the manifest's entry for it (run `verify` for the whole chain). */
  readonly matchesManifest: boolean;
  readonly transactions: readonly TransactionRecord[];
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function manifestOf(store: ArchiveStore, channel: string): Promise<Manifest> {
  const manifest = await store.readManifest(channel);
  if (!manifest) throw new OperationalError(`channel ${channel} has no archive in ${store.location} (no manifest): run "npm run archive" first, or check --channel`);
  return manifest;
}

function describe(manifest: Manifest, number: number, bytes: Uint8Array): ShownBlock {
  const block = decodeBlock(bytes);
  const digest = sha256(bytes).toString('hex');
  const entry = manifest.blocks[number];
  return {
    channel: manifest.channel,
    number,
    headerHash: hex(block.headerHash),
    previousHash: hex(block.previousHash),
    dataHash: hex(block.dataHash),
    sha256: digest,
    matchesManifest: entry !== undefined && entry[0] === number && entry[1] === digest,
    transactions: transactionsOf(bytes),
  };
}

/** Block `number` of a channel from the archive; OperationalError when it is not archived. */
export async function showBlock(store: ArchiveStore, channel: string, number: number): Promise<ShownBlock> {
  const manifest = await manifestOf(store, channel);
  const archived = await store.readBlock(channel, number);
  if (!archived) throw new OperationalError(`block ${number} of channel ${channel} is not in ${store.location} (archive height ${manifest.height})`);
  return describe(manifest, number, archived.bytes);
}

export interface ShownTransaction {
  readonly block: Omit<ShownBlock, 'transactions'>;
  readonly transaction: TransactionRecord;
}

/**
 * Finds a transaction by id, searching from the newest archived block back (the archive
 * keeps no index, so this reads up to every block: one GET each). Missing blocks are
 * skipped here; `verify` reports them.
 */
export async function showTransaction(store: ArchiveStore, channel: string, txId: string, options: { concurrency?: number } = {}): Promise<ShownTransaction> {
  const manifest = await manifestOf(store, channel);
  const concurrency = options.concurrency ?? 8;
  for (let top = manifest.height - 1; top >= 0; top -= concurrency) {
    const numbers = Array.from({ length: Math.min(concurrency, top + 1) }, (_, offset) => top - offset);
    const objects = await Promise.all(numbers.map((number) => store.readBlock(channel, number)));
    for (const [index, object] of objects.entries()) {
      if (!object) continue;
      const { transactions, ...block } = describe(manifest, numbers[index], object.bytes);
      const transaction = transactions.find((candidate) => candidate.txId === txId);
      if (transaction) return { block, transaction };
    }
  }
  throw new OperationalError(`transaction ${txId} is not in the ${manifest.height} archived blocks of channel ${channel}; check the id and channel, or archive newer blocks first`);
}

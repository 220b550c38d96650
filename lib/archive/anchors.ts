/**
 * Anchored document hashes read from an archive: the `documents` chaincode writes, per
 * anchored version, a JSON record `{key, versionId, sha256, mspId, txId, anchoredAt}`
 * (chaincode/documents). Only writes of VALID transactions count: an invalid transaction's
 * write set is in its block but never reached the ledger.
 */
import { OperationalError } from '../errors';
import { transactionsOf } from './block';
import type { ArchiveStore } from './store';

/** One anchored version as the archive holds it, with where it was committed. */
export interface ArchivedAnchor {
  readonly key: string;
  readonly versionId: string;
  /** Lower-case hex SHA-256 of the document version. */
  readonly sha256: string;
  /** MSP id (AMB member id) that anchored it. */
  readonly mspId: string;
  readonly txId: string;
  readonly anchoredAt: string;
  readonly channel: string;
  readonly blockNumber: number;
  /** Chaincode namespace that wrote the record. */
  readonly namespace: string;
}

function anchorOf(value: string): Omit<ArchivedAnchor, 'channel' | 'blockNumber' | 'namespace'> | undefined {
  try {
    const record = JSON.parse(value) as Partial<ArchivedAnchor>;
    if (typeof record.key === 'string' && typeof record.versionId === 'string' && typeof record.sha256 === 'string' && /^[0-9a-f]{64}$/.test(record.sha256)) {
      return { key: record.key, versionId: record.versionId, sha256: record.sha256, mspId: String(record.mspId ?? ''), txId: String(record.txId ?? ''), anchoredAt: String(record.anchoredAt ?? '') };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The anchor of document `key` (version `versionId`, or the latest anchored) in a channel's
 * archive, searching from the newest block back. OperationalError when none is archived.
 */
export async function findAnchor(store: ArchiveStore, channel: string, key: string, versionId?: string): Promise<ArchivedAnchor> {
  const manifest = await store.readManifest(channel);
  if (!manifest) throw new OperationalError(`channel ${channel} has no archive in ${store.location}: run "npm run archive" first, or check --channel`);
  for (let number = manifest.height - 1; number >= 0; number -= 1) {
    const archived = await store.readBlock(channel, number);
    if (!archived) continue;
    for (const transaction of transactionsOf(archived.bytes).reverse()) {
      if (transaction.validationCode !== 'VALID') continue;
      for (const ns of transaction.rwsets) {
        for (const write of ns.writes) {
          const anchor = write.isDelete ? undefined : anchorOf(write.value);
          if (anchor && anchor.key === key && (versionId === undefined || anchor.versionId === versionId)) {
            return { ...anchor, channel, blockNumber: number, namespace: ns.namespace };
          }
        }
      }
    }
  }
  throw new OperationalError(
    `no anchor of ${key}${versionId === undefined ? '' : ` version ${versionId}`} in the ${manifest.height} archived blocks of channel ${channel}; check the key and channel, or archive newer blocks first`,
  );
}

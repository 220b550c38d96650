/**
 * The `documents` contract: the ledger keeps the SHA-256 of each version of an off-chain
 * document, with the MSP id (AMB: the member id) of the member that anchored it and the
 * transaction time. An anchored version is never overwritten.
 *
 * Functions (namespaced by contract name, e.g. `documents:Anchor`):
 * - `Anchor(key, versionId, sha256)` -> the anchor record as JSON; refuses a version anchored
 *   before, and, when the package's chaincode-config.json names a required certificate
 *   attribute, an identity whose certificate lacks it.
 * - `Get(key, versionId)` -> the record as JSON; an empty versionId means the latest anchored.
 * - `History(key)` -> every anchored version of the key as a JSON list, oldest first.
 */
import { Context, Contract } from 'fabric-contract-api';
import { loadRules, type ChaincodeRules } from './rules';

/** What the ledger holds per anchored version. */
export interface AnchorRecord {
  readonly key: string;
  readonly versionId: string;
  /** Lower-case hex SHA-256 of the document version. */
  readonly sha256: string;
  /** MSP id of the anchoring identity (on AMB, its member id). */
  readonly mspId: string;
  /** Transaction id that anchored it. */
  readonly txId: string;
  /** Transaction timestamp, ISO 8601 UTC (the proposal's time, the same on every endorser). */
  readonly anchoredAt: string;
}

const RECORD_TYPE = 'document';
const SHA256_HEX = /^[0-9a-f]{64}$/;

export class DocumentsContract extends Contract {
  constructor(private readonly rules: ChaincodeRules = loadRules()) {
    super('documents');
  }

  async Anchor(ctx: Context, key: string, versionId: string, sha256: string): Promise<string> {
    requireText('key', key);
    requireText('versionId', versionId);
    if (!SHA256_HEX.test(sha256)) throw new Error(`sha256 "${sha256}" is not 64 lower-case hex digits`);
    const required = this.rules.requiredAttribute;
    if (required && !ctx.clientIdentity.assertAttributeValue(required.name, required.value)) {
      throw new Error(`Anchor needs an identity whose certificate carries ${required.name}=${required.value}; ${ctx.clientIdentity.getID()} of ${ctx.clientIdentity.getMSPID()} does not`);
    }
    const stateKey = ctx.stub.createCompositeKey(RECORD_TYPE, [key, versionId]);
    const existing = await ctx.stub.getState(stateKey);
    if (existing && existing.length > 0) {
      const record = JSON.parse(existing.toString()) as AnchorRecord;
      throw new Error(`${key} version ${versionId} is already anchored (sha256 ${record.sha256}, by ${record.mspId} at ${record.anchoredAt}); anchored versions are never overwritten`);
    }
    const record: AnchorRecord = {
      key,
      versionId,
      sha256,
      mspId: ctx.clientIdentity.getMSPID(),
      txId: ctx.stub.getTxID(),
      anchoredAt: transactionTime(ctx),
    };
    const text = JSON.stringify(record);
    await ctx.stub.putState(stateKey, Buffer.from(text));
    return text;
  }

  async Get(ctx: Context, key: string, versionId: string): Promise<string> {
    requireText('key', key);
    if (versionId) {
      const value = await ctx.stub.getState(ctx.stub.createCompositeKey(RECORD_TYPE, [key, versionId]));
      if (!value || value.length === 0) throw new Error(`${key} version ${versionId} is not anchored`);
      return value.toString();
    }
    const history = await this.records(ctx, key);
    if (history.length === 0) throw new Error(`${key} has no anchored version`);
    return JSON.stringify(history[history.length - 1]);
  }

  async History(ctx: Context, key: string): Promise<string> {
    requireText('key', key);
    return JSON.stringify(await this.records(ctx, key));
  }

  private async records(ctx: Context, key: string): Promise<AnchorRecord[]> {
    const records: AnchorRecord[] = [];
    for await (const entry of ctx.stub.getStateByPartialCompositeKey(RECORD_TYPE, [key])) {
      records.push(JSON.parse(Buffer.from(entry.value).toString()) as AnchorRecord);
    }
    return records.sort((a, b) => a.anchoredAt.localeCompare(b.anchoredAt) || a.txId.localeCompare(b.txId));
  }
}

function requireText(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${name} is empty`);
  if (value.includes('\u0000')) throw new Error(`${name} contains a NUL character`);
}

function transactionTime(ctx: Context): string {
  const { seconds, nanos } = ctx.stub.getTxTimestamp();
  const millis = Number(seconds.toString()) * 1000 + Math.floor(nanos / 1e6);
  return new Date(millis).toISOString();
}

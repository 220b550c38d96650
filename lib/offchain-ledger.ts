/**
 * Off-chain documents on the ledger. `offchain anchor` records what `offchain put` stored (the
 * object's version id, and the SHA-256 put wrote into its metadata, both read back with
 * HeadObject) through the `documents` chaincode's `Anchor`; `verify --from-ledger` takes the
 * expected SHA-256 from its `Get`. The ledger is reached through the member's step transport
 * (documents-anchor.sh, documents-get.sh), as `npm run channel` and `chaincode` reach it.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArchivedAnchor } from './archive/anchors';
import type { Chaincode, Channel, Consortium, Member } from './config';
import { OperationalError, UsageError } from './errors';
import type { LedgerDirectory } from './fabric/directory';
import type { StepTransport } from './fabric/transport';
import { identitySecretName } from './identities/names';
import { firstHolderOf } from './identities/signers';
import { s3Failure, verifyDocument, type VerifiedDocument } from './offchain';

/** The chaincode `anchor` and `verify --from-ledger` use, by its name in consortium.yaml. */
export const DOCUMENTS_CHAINCODE = 'documents';

/** What the documents chaincode keeps per anchored version (chaincode/documents/src/documents.ts). */
export type AnchorRecord = Omit<ArchivedAnchor, 'channel' | 'blockNumber' | 'namespace'>;

/** Where a member's anchors live: a `documents` chaincode on one of its channels. */
export interface DocumentsLedger {
  readonly chaincode: Chaincode;
  readonly channel: Channel;
}

/**
 * The `documents` chaincode of consortium.yaml on a channel of the member (`channel` picks
 * one when several channels carry it). UsageError when there is none or the choice is open.
 */
export function documentsLedgerOf(consortium: Consortium, member: Member, channel?: string): DocumentsLedger {
  const all = consortium.chaincodes.filter((chaincode) => chaincode.name === DOCUMENTS_CHAINCODE);
  const file = `${consortium.dir}/consortium.yaml`;
  if (all.length === 0) throw new UsageError(`${file}: chaincodes has no "${DOCUMENTS_CHAINCODE}" chaincode; anchors live in it (see chaincode/documents)`);
  const onChannel = channel === undefined ? all : all.filter((chaincode) => chaincode.channel === channel);
  if (onChannel.length === 0) throw new UsageError(`--channel: "${channel}" carries no ${DOCUMENTS_CHAINCODE} chaincode (allowed: ${all.map((chaincode) => chaincode.channel).join(', ')})`);
  const channelOf = (chaincode: Chaincode) => consortium.channels.find((candidate) => candidate.name === chaincode.channel)!;
  const mine = onChannel.filter((chaincode) => channelOf(chaincode).members.includes(member.name));
  if (mine.length === 0) {
    throw new UsageError(`--member: ${member.name} is not a member of ${onChannel.map((chaincode) => chaincode.channel).join(', ')}, where ${file} runs ${DOCUMENTS_CHAINCODE}; act as one of its members (${[...new Set(onChannel.flatMap((chaincode) => channelOf(chaincode).members))].join(', ')})`);
  }
  if (mine.length > 1) throw new UsageError(`--channel: ${member.name} has ${DOCUMENTS_CHAINCODE} on ${mine.map((chaincode) => chaincode.channel).join(', ')}; name one with --channel`);
  return { chaincode: mine[0], channel: channelOf(mine[0]) };
}

/** Who signs `Anchor`: the member's admin, or an identity of its `identities:` whose certificate carries the required attribute. */
export type AnchoringIdentity =
  | { readonly kind: 'admin'; readonly description: string }
  | { readonly kind: 'identity'; readonly name: string; readonly secretName: string; readonly description: string };

/**
 * The identity that may anchor as `member`. Without `requiredAttribute` on the chaincode, the
 * member's admin. With it, `Anchor` refuses any certificate that lacks the attribute (Fabric CA
 * puts an attribute in the enrollment certificate only when registered with `ecert: true`), and
 * AMB's admin certificate carries none of the consortium's own attributes: the member's first
 * identity (not removed) with that attribute in its certificate signs, from the Secrets Manager
 * secret its identity manager keeps. UsageError naming the files to change when none has it.
 */
export function anchoringIdentity(consortium: Consortium, member: Member, ledger: DocumentsLedger): AnchoringIdentity {
  const required = ledger.chaincode.requiredAttribute;
  if (!required) return { kind: 'admin', description: `${member.name}'s admin (${member.adminUsername})` };
  const identity = firstHolderOf(member, required);
  const rule = `${required.name}=${required.value}`;
  if (!identity) {
    throw new UsageError(
      `${member.file}: identities: no identity carries ${rule} in its certificate, and ${consortium.dir}/consortium.yaml chaincodes[${consortium.chaincodes.indexOf(ledger.chaincode)}].requiredAttribute makes ${DOCUMENTS_CHAINCODE} refuse Anchor to anyone else (the admin included); add one, e.g. {name: anchorer, attributes: [{name: ${required.name}, value: ${required.value}}]}, deploy, and let the identity manager enroll it`,
    );
  }
  return {
    kind: 'identity',
    name: identity.name,
    secretName: identitySecretName(consortium.network.name, member.name, identity.name),
    description: `identity ${identity.name} of ${member.name} (${rule})`,
  };
}

/** What HeadObject says about one stored version. */
export interface ObjectHead {
  readonly versionId?: string;
  /** The `sha256` metadata written by put, lower-case hex. */
  readonly metadataSha256?: string;
  /** S3's full-object SHA-256 checksum as hex; absent for a multipart (COMPOSITE) object or none. */
  readonly checksumSha256?: string;
  readonly size: number;
}

export async function headDocument(client: S3Client, target: { readonly bucket: string; readonly owner: string; readonly key: string; readonly versionId?: string }): Promise<ObjectHead> {
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: target.bucket, Key: target.key, VersionId: target.versionId, ChecksumMode: 'ENABLED' }));
  } catch (error) {
    throw s3Failure(error, { action: 'read', ...target });
  }
  const composite = head.ChecksumType === 'COMPOSITE' || /-\d+$/.test(head.ChecksumSHA256 ?? '');
  return {
    versionId: head.VersionId,
    metadataSha256: head.Metadata?.sha256?.toLowerCase(),
    checksumSha256: head.ChecksumSHA256 && !composite ? Buffer.from(head.ChecksumSHA256, 'base64').toString('hex') : undefined,
    size: head.ContentLength ?? 0,
  };
}

/** The anchors documents-get returns: of one version, and the latest anchored of the key. */
export interface LedgerAnchors {
  readonly anchored: AnchorRecord | null;
  readonly latest: AnchorRecord | null;
}

/** Common inputs of the ledger calls. */
export interface DocumentsLedgerAccess {
  readonly consortium: Consortium;
  readonly member: Member;
  readonly ledger: DocumentsLedger;
  readonly transport: StepTransport;
  readonly directory: LedgerDirectory;
}

async function firstPeer({ member, directory }: DocumentsLedgerAccess): Promise<string> {
  const [peer] = await directory.peers(member.name);
  if (!peer) throw new OperationalError(`${member.file}: ${member.name} has no peer with a recorded node id to read the ledger from; run npm run sync -- --member ${member.name} after its deploy`);
  return peer.endpoint;
}

/** Reads the anchor of `versionId` (when given) and the latest anchor of `key`, through documents:Get. */
export async function readAnchors(access: DocumentsLedgerAccess, key: string, versionId?: string): Promise<LedgerAnchors> {
  const { chaincode } = access.ledger;
  return access.transport.run<LedgerAnchors>({
    step: 'documents-get',
    params: { CHANNEL: chaincode.channel, NAME: chaincode.name, KEY: key, VERSION_ID: versionId ?? '', PEER_ADDRESS: await firstPeer(access) },
  });
}

export interface AnchorRequest extends DocumentsLedgerAccess {
  readonly bucket: string;
  readonly key: string;
  /** The stored version to anchor. @default the latest */
  readonly versionId?: string;
  readonly s3: S3Client;
  /** Read only: say what would be anchored. */
  readonly dryRun: boolean;
  readonly progress?: (message: string) => void;
}

export interface AnchorResult {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly sha256: string;
  readonly channel: string;
  readonly chaincode: string;
  /** Who signed (or would sign) the Anchor transaction. */
  readonly signer: string;
  /** anchored: this run anchored it; already-anchored: the ledger held this very hash for the version before; would-anchor: dry run. */
  readonly outcome: 'anchored' | 'already-anchored' | 'would-anchor';
  /** The ledger's record of the version, once there is one. */
  readonly record?: AnchorRecord;
  /** The chaincode's refusal, when it refused to anchor the version again. */
  readonly refusal?: string;
  readonly dryRun: boolean;
}

/**
 * Anchors a stored version's SHA-256 on the ledger. The version and hash come from HeadObject:
 * the `sha256` metadata put wrote, cross-checked with S3's full-object checksum when S3 keeps one.
 * The chaincode refuses a version anchored before: with the same hash that is reported as
 * already-anchored (a re-run), with another hash as an OperationalError, as is any other refusal.
 */
export async function anchorDocument(request: AnchorRequest): Promise<AnchorResult> {
  const { member, ledger, key, bucket } = request;
  const progress = request.progress ?? (() => undefined);
  const signer = anchoringIdentity(request.consortium, member, ledger);
  const object = `s3://${bucket}/${key}${request.versionId ? ` version ${request.versionId}` : ''}`;
  progress(`reading ${object}`);
  const head = await headDocument(request.s3, { bucket, owner: member.name, key, versionId: request.versionId });
  if (!head.versionId || head.versionId === 'null') {
    throw new OperationalError(`${object} has no version id (the bucket is not versioned, so the key can be overwritten): deploy ${member.name}'s stack with "offchain:" and put the document again`);
  }
  if (!head.metadataSha256) {
    throw new OperationalError(`${object} version ${head.versionId} has no sha256 metadata: it was not stored by npm run offchain put, so its SHA-256 is not known here; store it with npm run offchain -- put FILE --member ${member.name} --key ${key}`);
  }
  if (head.checksumSha256 !== undefined && head.checksumSha256 !== head.metadataSha256) {
    throw new OperationalError(`${object} version ${head.versionId}: S3's SHA-256 checksum ${head.checksumSha256} differs from the sha256 metadata ${head.metadataSha256} written at upload; do not anchor it, find out what changed it`);
  }
  const base = { bucket, key, versionId: head.versionId, sha256: head.metadataSha256, channel: ledger.channel.name, chaincode: ledger.chaincode.name, signer: signer.description };
  if (request.dryRun) {
    const { anchored } = await readAnchors(request, key, head.versionId);
    return { ...base, outcome: anchored ? 'already-anchored' : 'would-anchor', record: anchored ?? undefined, dryRun: true };
  }
  progress(`anchoring ${key} version ${head.versionId} (SHA-256 ${head.metadataSha256}) on ${ledger.channel.name} as ${signer.description} (${request.transport.description})`);
  const outcome = await request.transport.run<{ anchored: boolean; refusal: string | null; record: AnchorRecord | null }>({
    step: 'documents-anchor',
    params: {
      CHANNEL: ledger.chaincode.channel,
      NAME: ledger.chaincode.name,
      KEY: key,
      VERSION_ID: head.versionId,
      SHA256: head.metadataSha256,
      PEER_ADDRESS: await firstPeer(request),
      IDENTITY_SECRET: signer.kind === 'identity' ? signer.secretName : '',
    },
  });
  if (outcome.anchored && outcome.record) return { ...base, outcome: 'anchored', record: outcome.record, dryRun: false };
  const refusal = outcome.refusal ?? 'no record after a successful invoke';
  if (outcome.record && outcome.record.sha256 === head.metadataSha256) {
    return { ...base, outcome: 'already-anchored', record: outcome.record, refusal, dryRun: false };
  }
  throw new OperationalError(
    outcome.record
      ? `${DOCUMENTS_CHAINCODE} on ${ledger.channel.name} refused to anchor ${key} version ${head.versionId}: ${refusal}. The ledger holds SHA-256 ${outcome.record.sha256} for it, the bucket's metadata says ${head.metadataSha256}: verify the document (npm run offchain -- verify ${key} --member ${member.name} --from-ledger --version-id ${head.versionId})`
      : `${DOCUMENTS_CHAINCODE} on ${ledger.channel.name} refused to anchor ${key} version ${head.versionId} as ${signer.description}: ${refusal}`,
  );
}

export interface LedgerVerifyRequest extends DocumentsLedgerAccess {
  readonly bucket: string;
  readonly key: string;
  /** @default the version the bucket serves now */
  readonly versionId?: string;
  readonly s3: S3Client;
  readonly progress?: (message: string) => void;
}

export interface LedgerVerifiedDocument extends VerifiedDocument {
  /** The anchor the content was compared with. */
  readonly anchor: AnchorRecord & { readonly channel: string };
  /** False when the version checked is not itself anchored: it was compared with the key's latest anchor. */
  readonly versionAnchored: boolean;
}

/**
 * Verifies a document against the ledger: the version given, or the one the bucket serves now,
 * is compared with its own anchor; a version that has none (a newer put under the same key) is
 * compared with the key's latest anchor, so different bytes are TAMPERED. OperationalError
 * when the key (or the version given) has no anchor at all.
 */
export async function verifyFromLedger(request: LedgerVerifyRequest): Promise<LedgerVerifiedDocument> {
  const { member, ledger, key, bucket } = request;
  const head = await headDocument(request.s3, { bucket, owner: member.name, key, versionId: request.versionId });
  const versionId = head.versionId && head.versionId !== 'null' ? head.versionId : undefined;
  request.progress?.(`reading the anchors of ${key} on ${ledger.channel.name} (${request.transport.description})`);
  const anchors = await readAnchors(request, key, versionId);
  if (request.versionId !== undefined && !anchors.anchored) {
    throw new OperationalError(`${key} version ${request.versionId} is not anchored on ${ledger.channel.name}${anchors.latest ? ` (its latest anchored version is ${anchors.latest.versionId})` : ''}: anchor it with npm run offchain -- anchor ${key} --member ${member.name} --version-id ${request.versionId}`);
  }
  const anchor = anchors.anchored ?? anchors.latest;
  if (!anchor) throw new OperationalError(`${key} has no anchored version on ${ledger.channel.name}: anchor it first with npm run offchain -- anchor ${key} --member ${member.name}`);
  if (!anchors.anchored) request.progress?.(`version ${versionId ?? '(none)'} of ${key} is not anchored; comparing it with the latest anchored version ${anchor.versionId}`);
  const verified = await verifyDocument(request.s3, { bucket, owner: member.name, key, expectedSha256: anchor.sha256, versionId, progress: request.progress });
  return { ...verified, anchor: { ...anchor, channel: ledger.channel.name }, versionAnchored: anchors.anchored !== null };
}

/** Human lines for an anchor. */
export function formatAnchored(result: AnchorResult): string {
  const what = `${result.key} version ${result.versionId} (SHA-256 ${result.sha256})`;
  const record = result.record ? `\n  on ${result.channel}: by ${result.record.mspId} at ${result.record.anchoredAt} (tx ${result.record.txId})` : '';
  if (result.outcome === 'would-anchor') return `dry run: would anchor ${what} on ${result.channel} as ${result.signer} (nothing written)`;
  if (result.outcome === 'already-anchored') {
    return `already anchored: ${what}${record}${result.refusal ? `\n  the ${result.chaincode} chaincode refuses to anchor it again: ${result.refusal}` : ''}`;
  }
  return `anchored ${what} as ${result.signer}${record}`;
}

/** The line that says which anchor a ledger verification used. */
export function formatLedgerAnchor(verified: LedgerVerifiedDocument): string {
  const { anchor } = verified;
  const which = verified.versionAnchored ? 'anchor' : `not anchored itself; latest anchor of the key is version ${anchor.versionId}`;
  return `  ledger      ${which}: SHA-256 ${anchor.sha256} on ${anchor.channel}, by ${anchor.mspId} at ${anchor.anchoredAt} (tx ${anchor.txId})`;
}

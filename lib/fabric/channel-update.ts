/**
 * Config updates of a channel's organisations, collected in git so that each member signs in
 * its own account and nobody holds another member's key:
 *
 * ```
 * channels/<channel>/updates/<name>/        name: seq<base sequence>-add-<member>-remove-<member>
 *   update.yaml            what it does, the config sequence it was computed from, who may sign
 *   envelope.pb            the unsigned common.Envelope (CONFIG_UPDATE): the bytes every member signs
 *   config-update.json     the same common.ConfigUpdate decoded by configtxlator, for review
 *   signatures/<member>.json   one common.ConfigSignature per member: its admin's signature
 * ```
 *
 * One file per signature, so members sign in parallel branches without conflicts. A signature
 * is a Fabric ConfigSignature (Fabric protos common/configtx.proto): `signature_header` (a
 * SignatureHeader whose creator is the admin's certificate) and `signature` (ECDSA over
 * signature_header || config_update, Fabric common/configtx `ConfigUpdateEnvelope.AsSignedData`).
 * Signatures are checked here before they count, and the submitter assembles them into the
 * envelope it submits. Nothing secret is written: certificates and signatures only.
 */
import { X509Certificate, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { common, msp } from '@hyperledger/fabric-protos';
import { parse, stringify } from 'yaml';
import { writeAtomically } from '../config/record';
import { OperationalError, UsageError } from '../errors';
import type { ChannelUpdateSummary } from './channel-plan';

/** Where a channel's updates live: `<repository>/channels/<channel>/updates/`. */
export function updatesFolder(repositoryRoot: string, channel: string): string {
  return join(repositoryRoot, 'channels', channel, 'updates');
}

export interface OrgRef {
  readonly member: string;
  readonly mspId: string;
}

/** update.yaml. */
export interface UpdateManifest {
  readonly channel: string;
  /** The config sequence the update was computed from. */
  readonly baseSequence: number;
  readonly add: readonly OrgRef[];
  readonly remove: readonly OrgRef[];
  /** The member that computed it. */
  readonly computedBy: string;
  /** The policy the update must satisfy, e.g. `MAJORITY Admins`. */
  readonly policy: string;
  /** Signatures the policy needs. */
  readonly required: number;
  /** The channel's organisations when it was computed: who may sign. */
  readonly signers: readonly OrgRef[];
}

/** signatures/<member>.json: a ConfigSignature, its fields in base64. */
export interface SignatureFile {
  readonly member: string;
  readonly mspId: string;
  readonly signatureHeader: string;
  readonly signature: string;
}

/** An update read from git, its signatures verified. */
export interface RecordedUpdate {
  readonly folder: string;
  readonly manifest: UpdateManifest;
  /** The unsigned envelope. */
  readonly envelope: Buffer;
  /** Verified signatures by MSP id. */
  readonly signatures: ReadonlyMap<string, SignatureFile>;
  /** What the planner needs. */
  readonly summary: ChannelUpdateSummary;
}

const MANIFEST = 'update.yaml';
const ENVELOPE = 'envelope.pb';
const DECODED = 'config-update.json';
const SIGNATURES = 'signatures';

/** Reads every update of a channel (none when the folder is absent). UsageError naming the file for anything malformed. */
export function readChannelUpdates(repositoryRoot: string, channel: string): RecordedUpdate[] {
  const root = updatesFolder(repositoryRoot, channel);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
    .map((name) => readChannelUpdate(join(root, name)));
}

export function readChannelUpdate(folder: string): RecordedUpdate {
  const manifestFile = join(folder, MANIFEST);
  const envelopeFile = join(folder, ENVELOPE);
  for (const file of [manifestFile, envelopeFile]) {
    if (!existsSync(file)) throw new UsageError(`${file} is missing: an update folder holds ${MANIFEST}, ${ENVELOPE} and signatures/; delete ${folder}/ and run npm run channel again to recompute it`);
  }
  const manifest = parse(readFileSync(manifestFile, 'utf8')) as UpdateManifest;
  if (typeof manifest?.baseSequence !== 'number' || !Array.isArray(manifest.add) || !Array.isArray(manifest.remove) || !Array.isArray(manifest.signers)) {
    throw new UsageError(`${manifestFile}: not an update manifest (baseSequence, add, remove, signers, required); it is written by npm run channel and must not be edited`);
  }
  const envelope = readFileSync(envelopeFile);
  const configUpdate = configUpdateBytes(envelope, envelopeFile);
  const signatures = new Map<string, SignatureFile>();
  const signatureDir = join(folder, SIGNATURES);
  if (existsSync(signatureDir)) {
    for (const name of readdirSync(signatureDir).filter((file) => file.endsWith('.json')).sort()) {
      const file = join(signatureDir, name);
      const signature = JSON.parse(readFileSync(file, 'utf8')) as SignatureFile;
      const problem = signatureProblem(signature, configUpdate);
      if (problem) throw new UsageError(`${file}: ${problem}; delete it and let ${signature.member ?? name.replace(/\.json$/, '')} sign again (npm run channel -- --member ${signature.member ?? 'M'})`);
      signatures.set(signature.mspId, signature);
    }
  }
  const name = folder.split(/[\\/]/).pop()!;
  return {
    folder,
    manifest,
    envelope,
    signatures,
    summary: {
      name,
      baseSequence: manifest.baseSequence,
      add: manifest.add.map((org) => org.mspId),
      remove: manifest.remove.map((org) => org.mspId),
      readSet: readSetVersions(configUpdate, envelopeFile),
      signedBy: [...signatures.keys()],
      required: manifest.required,
      signers: manifest.signers.map((org) => org.mspId),
    },
  };
}

/**
 * Writes a freshly computed update: the folder appears whole (written aside, then renamed),
 * so a run killed half way leaves no partial update behind.
 */
export function recordChannelUpdate(repositoryRoot: string, name: string, manifest: UpdateManifest, envelope: Buffer, decoded: unknown): string {
  const root = updatesFolder(repositoryRoot, manifest.channel);
  const folder = join(root, name);
  if (existsSync(folder)) throw new OperationalError(`${folder} exists already; run npm run channel again`);
  mkdirSync(root, { recursive: true });
  const aside = join(root, `.${name}.${process.pid}.tmp`);
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(join(aside, SIGNATURES), { recursive: true });
  writeFileSync(join(aside, SIGNATURES, '.gitkeep'), '');
  writeFileSync(
    join(aside, MANIFEST),
    `# Written by \`npm run channel\`: a config update of channel ${manifest.channel}. Each member's npm run channel adds\n` +
      `# its admin's signature under signatures/; the member that completes ${manifest.policy} submits it. Do not edit.\n` +
      stringify(manifest),
  );
  writeFileSync(join(aside, ENVELOPE), envelope);
  writeFileSync(join(aside, DECODED), `${JSON.stringify(decoded, null, 2)}\n`);
  renameSync(aside, folder);
  return folder;
}

/**
 * The acting admin's signature from the envelope `peer channel signconfigtx` wrote: the one
 * ConfigSignature by `mspId` that verifies. OperationalError when there is none.
 */
export function signatureFromSigned(signed: Buffer, member: string, mspId: string): SignatureFile {
  const configUpdate = configUpdateBytes(signed, 'the signed envelope');
  for (const candidate of configUpdateEnvelope(signed, 'the signed envelope').getSignaturesList()) {
    const file: SignatureFile = { member, mspId, signatureHeader: Buffer.from(candidate.getSignatureHeader_asU8()).toString('base64'), signature: Buffer.from(candidate.getSignature_asU8()).toString('base64') };
    if (signatureProblem(file, configUpdate) === undefined) return file;
  }
  throw new OperationalError(`peer channel signconfigtx returned no signature by ${mspId}: check that CORE_PEER_LOCALMSPID and CORE_PEER_MSPCONFIGPATH are ${member}'s admin`);
}

/** Writes signatures/<member>.json. */
export function recordSignature(update: RecordedUpdate, signature: SignatureFile): void {
  mkdirSync(join(update.folder, SIGNATURES), { recursive: true });
  writeAtomically(join(update.folder, SIGNATURES, `${signature.member}.json`), `${JSON.stringify(signature, null, 2)}\n`);
}

/** The envelope with the signatures of `mspIds` added (what `peer channel update` submits). */
export function assembleSigned(update: RecordedUpdate, mspIds: readonly string[]): Buffer {
  const envelope = common.Envelope.deserializeBinary(update.envelope);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const inner = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  inner.setSignaturesList(
    mspIds.map((id) => {
      const file = update.signatures.get(id)!;
      const signature = new common.ConfigSignature();
      signature.setSignatureHeader(Buffer.from(file.signatureHeader, 'base64'));
      signature.setSignature(Buffer.from(file.signature, 'base64'));
      return signature;
    }),
  );
  payload.setData(inner.serializeBinary());
  envelope.setPayload(payload.serializeBinary());
  return Buffer.from(envelope.serializeBinary());
}

function configUpdateEnvelope(envelope: Buffer, source: string): common.ConfigUpdateEnvelope {
  try {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
    const type = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getType();
    if (type !== common.HeaderType.CONFIG_UPDATE) throw new Error(`header type ${type}, not CONFIG_UPDATE`);
    return common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
  } catch (error) {
    throw new UsageError(`${source}: not a config update envelope (${(error as Error).message}); delete the update's folder and run npm run channel again to recompute it`);
  }
}

function configUpdateBytes(envelope: Buffer, source: string): Uint8Array {
  return configUpdateEnvelope(envelope, source).getConfigUpdate_asU8();
}

/** Why a signature does not count, or undefined when it verifies as an admin signature of its MSP id. */
function signatureProblem(file: SignatureFile, configUpdate: Uint8Array): string | undefined {
  if (typeof file?.mspId !== 'string' || typeof file.signatureHeader !== 'string' || typeof file.signature !== 'string') return 'not a signature file (member, mspId, signatureHeader, signature)';
  const header = Buffer.from(file.signatureHeader, 'base64');
  let identity: msp.SerializedIdentity;
  try {
    identity = msp.SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(header).getCreator_asU8());
  } catch {
    return 'its signatureHeader is not a Fabric SignatureHeader';
  }
  if (identity.getMspid() !== file.mspId) return `signed by an identity of ${identity.getMspid()}, not ${file.mspId}`;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(identity.getIdBytes_asU8()));
  } catch {
    return "its signer's certificate cannot be read";
  }
  const valid = verify('sha256', Buffer.concat([header, configUpdate]), certificate.publicKey, Buffer.from(file.signature, 'base64'));
  return valid ? undefined : `the signature does not verify over this update's envelope.pb (signed by ${certificate.subject.replace(/\n/g, ', ')})`;
}

/** The read set's element versions, by the paths of ChannelLedgerState.versions. */
function readSetVersions(configUpdate: Uint8Array, source: string): Record<string, number> {
  const versions: Record<string, number> = {};
  const visit = (group: common.ConfigGroup, path: string) => {
    versions[`g:${path}`] = group.getVersion();
    group.getValuesMap().forEach((value, key) => (versions[`v:${path}/${key}`] = value.getVersion()));
    group.getPoliciesMap().forEach((policy, key) => (versions[`p:${path}/${key}`] = policy.getVersion()));
    group.getGroupsMap().forEach((child, key) => visit(child, `${path}/${key}`));
  };
  const readSet = common.ConfigUpdate.deserializeBinary(configUpdate).getReadSet();
  if (!readSet) throw new UsageError(`${source}: the config update has no read set; delete the update's folder and run npm run channel again`);
  visit(readSet, '/Channel');
  return versions;
}

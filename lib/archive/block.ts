/**
 * Fabric blocks as the archive sees them: the hashes that chain them, and the transactions
 * they carry, decoded with the Hyperledger protobuf bindings (`@hyperledger/fabric-protos`).
 *
 * Hashes follow Fabric's own definitions (hyperledger/fabric, protoutil/blockutils.go):
 * - header hash: SHA-256 over the ASN.1 DER encoding of SEQUENCE { INTEGER number,
 *   OCTET STRING previous_hash, OCTET STRING data_hash } (`BlockHeaderBytes`, `BlockHeaderHash`);
 * - data hash: SHA-256 over the block's data entries concatenated (`BlockDataHash`).
 * Each header carries the previous header's hash, so a run of blocks proves its own order.
 */
import { createHash } from 'node:crypto';
import { Integer, OctetString, Sequence } from 'asn1js';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';

/** Block metadata slot of the peer's validation codes, one byte per transaction (common.BlockMetadataIndex.TRANSACTIONS_FILTER). */
const TRANSACTIONS_FILTER = 2;

/** The parts of a block header that chain blocks together. */
export interface BlockHeaderFields {
  /** Block number, 0 for the genesis block. */
  readonly number: bigint;
  /** Header hash of the previous block; empty for block 0. */
  readonly previousHash: Uint8Array;
  /** SHA-256 of the block's data entries, as the orderer wrote it. */
  readonly dataHash: Uint8Array;
}

/** A block read from its protobuf bytes, with the hashes the archive checks. */
export interface DecodedBlock extends BlockHeaderFields {
  /** The data entries (each a serialized common.Envelope). */
  readonly data: readonly Uint8Array[];
  /** SHA-256 of the data entries, computed here; equals dataHash in an intact block. */
  readonly computedDataHash: Uint8Array;
  /** Header hash computed from this block's header. */
  readonly headerHash: Uint8Array;
  /** One validation code per transaction from the committing peer's metadata; empty if absent. */
  readonly validationCodes: Uint8Array;
}

/** Raised when bytes are not a Fabric block; the message says what could not be read. */
export class BlockDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockDecodeError';
  }
}

export function sha256(...parts: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** The DER bytes Fabric hashes for a block header (protoutil.BlockHeaderBytes). */
export function blockHeaderBytes(header: BlockHeaderFields): Buffer {
  const der = new Sequence({
    value: [
      Integer.fromBigInt(header.number),
      new OctetString({ valueHex: header.previousHash }),
      new OctetString({ valueHex: header.dataHash }),
    ],
  }).toBER(false);
  return Buffer.from(der);
}

/** SHA-256 of the header's DER encoding: the value the next block names as previous_hash. */
export function blockHeaderHash(header: BlockHeaderFields): Buffer {
  return sha256(blockHeaderBytes(header));
}

/** SHA-256 over the data entries concatenated (protoutil.BlockDataHash). */
export function blockDataHash(data: readonly Uint8Array[]): Buffer {
  return sha256(...data);
}

/** Decodes a serialized common.Block; throws BlockDecodeError when the bytes are not one. */
export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  let block: common.Block;
  try {
    block = common.Block.deserializeBinary(bytes);
  } catch (error) {
    throw new BlockDecodeError(`not a Fabric block (${(error as Error).message})`);
  }
  const header = block.getHeader();
  if (!header) throw new BlockDecodeError('not a Fabric block (no header)');
  const data = block.getData()?.getDataList_asU8() ?? [];
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const fields: BlockHeaderFields = {
    number: BigInt(header.getNumber()),
    previousHash: header.getPreviousHash_asU8(),
    dataHash: header.getDataHash_asU8(),
  };
  return {
    ...fields,
    data,
    computedDataHash: blockDataHash(data),
    headerHash: blockHeaderHash(fields),
    validationCodes: metadata[TRANSACTIONS_FILTER] ?? new Uint8Array(),
  };
}

/** Name of a peer.TxValidationCode value, e.g. VALID, MVCC_READ_CONFLICT. */
export function validationCodeName(code: number | undefined): string {
  if (code === undefined) return 'NOT_VALIDATED';
  const entry = Object.entries(peer.TxValidationCode).find(([, value]) => value === code);
  return entry ? entry[0] : `UNKNOWN_${code}`;
}

function headerTypeName(type: number): string {
  const entry = Object.entries(common.HeaderType).find(([, value]) => value === type);
  return entry ? entry[0] : `UNKNOWN_${type}`;
}

/** One key read by a transaction, with the version (block, transaction) it read. */
export interface KeyRead {
  readonly key: string;
  /** Absent when the key did not exist. */
  readonly version?: { readonly block: number; readonly tx: number };
}

/** One key written (or deleted) by a transaction; the value as UTF-8 text and as base64. */
export interface KeyWrite {
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: string;
  readonly valueBase64: string;
}

/** The read and write set of one chaincode namespace, as committed. */
export interface NamespaceRwSet {
  readonly namespace: string;
  readonly reads: readonly KeyRead[];
  readonly writes: readonly KeyWrite[];
  /** Private data collections touched; only their hashes are in the block. */
  readonly collections: readonly string[];
}

/** What a block says about one of its transactions: the evidence `archive show` prints. */
export interface TransactionRecord {
  readonly txId: string;
  readonly channel: string;
  readonly blockNumber: number;
  /** Position of the transaction in its block, from 0. */
  readonly index: number;
  /** common.HeaderType name: ENDORSER_TRANSACTION, CONFIG, ... */
  readonly type: string;
  /** Client timestamp from the channel header, ISO 8601. */
  readonly timestamp: string;
  /** MSP id of the submitting identity (on AMB, the member id). */
  readonly creatorMsp: string;
  /** PEM certificate of the submitting identity. */
  readonly creatorCertificate: string;
  /** peer.TxValidationCode name given by the committing peer. */
  readonly validationCode: string;
  /** Chaincode invoked, for endorser transactions. */
  readonly chaincode?: { readonly name: string; readonly version: string };
  /** Invocation arguments (function name first), UTF-8. */
  readonly args: readonly string[];
  /** MSP ids of the endorsing peers. */
  readonly endorsers: readonly string[];
  /** Chaincode response status and payload (UTF-8) returned at endorsement. */
  readonly response?: { readonly status: number; readonly message: string; readonly payload: string };
  readonly rwsets: readonly NamespaceRwSet[];
}

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function timestampOf(channelHeader: common.ChannelHeader): string {
  const timestamp = channelHeader.getTimestamp();
  if (!timestamp) return '';
  const millis = timestamp.getSeconds() * 1000 + Math.floor(timestamp.getNanos() / 1e6);
  return new Date(millis).toISOString();
}

function rwsetsOf(results: Uint8Array): NamespaceRwSet[] {
  if (results.length === 0) return [];
  const txRwSet = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  return txRwSet.getNsRwsetList().map((ns) => {
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map((read) => {
        const version = read.getVersion();
        return version ? { key: read.getKey(), version: { block: version.getBlockNum(), tx: version.getTxNum() } } : { key: read.getKey() };
      }),
      writes: kv.getWritesList().map((write) => ({
        key: write.getKey(),
        isDelete: write.getIsDelete(),
        value: utf8(write.getValue_asU8()),
        valueBase64: Buffer.from(write.getValue_asU8()).toString('base64'),
      })),
      collections: ns.getCollectionHashedRwsetList().map((collection) => collection.getCollectionName()),
    };
  });
}

type EndorserFields = Pick<TransactionRecord, 'chaincode' | 'args' | 'endorsers' | 'response' | 'rwsets'>;

function endorserFieldsOf(payloadData: Uint8Array): EndorserFields {
  const transaction = peer.Transaction.deserializeBinary(payloadData);
  const action = transaction.getActionsList()[0];
  if (!action) return { args: [], endorsers: [], rwsets: [] };
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(actionPayload.getChaincodeProposalPayload_asU8());
  const invocation = peer.ChaincodeInvocationSpec.deserializeBinary(proposalPayload.getInput_asU8());
  const args = invocation.getChaincodeSpec()?.getInput()?.getArgsList_asU8().map(utf8) ?? [];
  const endorsed = actionPayload.getAction();
  const endorsers = (endorsed?.getEndorsementsList() ?? []).map((endorsement) => msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid());
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array());
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const chaincodeId = chaincodeAction.getChaincodeId();
  const response = chaincodeAction.getResponse();
  return {
    chaincode: chaincodeId ? { name: chaincodeId.getName(), version: chaincodeId.getVersion() } : undefined,
    args,
    endorsers,
    response: response ? { status: response.getStatus(), message: response.getMessage(), payload: utf8(response.getPayload_asU8()) } : undefined,
    rwsets: rwsetsOf(chaincodeAction.getResults_asU8()),
  };
}

/**
 * Every transaction in a block, decoded: creator MSP, timestamp, chaincode, arguments,
 * read and write sets, validation code. Throws BlockDecodeError on bytes that are not a block.
 */
export function transactionsOf(bytes: Uint8Array): TransactionRecord[] {
  const block = decodeBlock(bytes);
  return block.data.map((entry, index) => {
    try {
      const envelope = common.Envelope.deserializeBinary(entry);
      const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
      const header = payload.getHeader();
      const channelHeader = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array());
      const signatureHeader = common.SignatureHeader.deserializeBinary(header?.getSignatureHeader_asU8() ?? new Uint8Array());
      const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
      const type = channelHeader.getType();
      const endorser = type === common.HeaderType.ENDORSER_TRANSACTION ? endorserFieldsOf(payload.getData_asU8()) : { args: [], endorsers: [], rwsets: [] };
      return {
        txId: channelHeader.getTxId(),
        channel: channelHeader.getChannelId(),
        blockNumber: Number(block.number),
        index,
        type: headerTypeName(type),
        timestamp: timestampOf(channelHeader),
        creatorMsp: creator.getMspid(),
        creatorCertificate: utf8(creator.getIdBytes_asU8()),
        validationCode: validationCodeName(block.validationCodes[index]),
        ...endorser,
      };
    } catch (error) {
      if (error instanceof BlockDecodeError) throw error;
      throw new BlockDecodeError(`block ${block.number} transaction ${index}: not a Fabric envelope (${(error as Error).message})`);
    }
  });
}

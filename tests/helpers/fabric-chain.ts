/**
 * A chain of Fabric blocks made here with the Hyperledger protobuf bindings, for tests that
 * need many blocks without a network: endorser transactions with a creator, a chaincode,
 * a read-write set and validation codes, linked by header hashes. End-to-end tests use
 * blocks from real Fabric instead.
 */
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { blockDataHash, blockHeaderHash } from '../../lib/archive/block';
import type { BlockSource } from '../../lib/archive/source';

export interface ChainTransaction {
  readonly txId: string;
  readonly creatorMsp: string;
  readonly chaincode: string;
  readonly key: string;
  readonly value: string;
  readonly validationCode: number;
}

function envelopeOf(channel: string, tx: ChainTransaction, seconds: number): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(tx.txId);
  const timestamp = new Timestamp();
  timestamp.setSeconds(seconds);
  channelHeader.setTimestamp(timestamp);
  const creator = new msp.SerializedIdentity();
  creator.setMspid(tx.creatorMsp);
  creator.setIdBytes(Buffer.from(`-----BEGIN CERTIFICATE-----\n${tx.creatorMsp}\n-----END CERTIFICATE-----\n`));
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator.serializeBinary());
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const write = new ledger.rwset.kvrwset.KVWrite();
  write.setKey(tx.key);
  write.setValue(Buffer.from(tx.value));
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  kv.setWritesList([write]);
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(tx.chaincode);
  ns.setRwset(kv.serializeBinary());
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setNsRwsetList([ns]);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(tx.chaincode);
  chaincodeId.setVersion('1.0');
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  action.setChaincodeId(chaincodeId);
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setExtension$(action.serializeBinary());
  const endorser = new msp.SerializedIdentity();
  endorser.setMspid(tx.creatorMsp);
  const endorsement = new peer.Endorsement();
  endorsement.setEndorser(endorser.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
  endorsed.setEndorsementsList([endorsement]);
  const input = new peer.ChaincodeInput();
  input.setArgsList([Buffer.from('put'), Buffer.from(tx.key), Buffer.from(tx.value)]);
  const spec = new peer.ChaincodeSpec();
  spec.setChaincodeId(chaincodeId);
  spec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(spec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setChaincodeProposalPayload(proposalPayload.serializeBinary());
  actionPayload.setAction(endorsed);
  const transactionAction = new peer.TransactionAction();
  transactionAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([transactionAction]);

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  envelope.setSignature(Buffer.from('signature'));
  return envelope.serializeBinary();
}

/** The transaction a test chain puts at block `number` (one per block). */
export function chainTransaction(tag: string, number: number): ChainTransaction {
  return {
    txId: `${tag}-tx-${number}`,
    creatorMsp: number % 2 === 0 ? 'm-FILMMAKER' : 'm-BANK',
    chaincode: 'documents',
    key: `doc-${number}`,
    // A `documents` chaincode anchor record (chaincode/documents).
    value: JSON.stringify({ key: `doc-${number}`, versionId: 'v1', sha256: String(number).padStart(64, '0'), mspId: number % 2 === 0 ? 'm-FILMMAKER' : 'm-BANK', txId: `${tag}-tx-${number}`, anchoredAt: new Date((1_780_000_000 + number) * 1000).toISOString() }),
    validationCode: number % 7 === 3 ? peer.TxValidationCode.MVCC_READ_CONFLICT : peer.TxValidationCode.VALID,
  };
}

/**
 * Serialized blocks 0..count-1 of a channel, linked by header hashes. `tag` changes every
 * transaction, so two tags give two chains that fork at block 0.
 */
export function makeChain(channel: string, count: number, tag = 'main'): Buffer[] {
  const blocks: Buffer[] = [];
  let previousHash: Uint8Array = new Uint8Array();
  for (let number = 0; number < count; number += 1) {
    const tx = chainTransaction(tag, number);
    const data = [envelopeOf(channel, tx, 1_780_000_000 + number)];
    const header = new common.BlockHeader();
    header.setNumber(number);
    header.setPreviousHash(previousHash);
    header.setDataHash(blockDataHash(data));
    const blockData = new common.BlockData();
    blockData.setDataList(data);
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList([new Uint8Array(), new Uint8Array(), Uint8Array.of(tx.validationCode), new Uint8Array(), new Uint8Array()]);
    const block = new common.Block();
    block.setHeader(header);
    block.setData(blockData);
    block.setMetadata(metadata);
    blocks.push(Buffer.from(block.serializeBinary()));
    previousHash = blockHeaderHash({ number: BigInt(number), previousHash, dataHash: header.getDataHash_asU8() });
  }
  return blocks;
}

/** A peer that serves in-memory chains; `failAfter` makes it fail after that many block fetches. */
export class ChainSource implements BlockSource {
  readonly peer = 'test-peer';
  fetches = 0;
  failAfter?: number;

  constructor(readonly chains: Map<string, Buffer[]>) {}

  async channels(): Promise<string[]> {
    return [...this.chains.keys()];
  }

  async height(channel: string): Promise<number> {
    return this.chains.get(channel)?.length ?? 0;
  }

  async block(channel: string, number: number): Promise<Uint8Array> {
    if (this.failAfter !== undefined && this.fetches >= this.failAfter) throw new Error(`peer went away after ${this.fetches} fetches`);
    this.fetches += 1;
    const block = this.chains.get(channel)?.[number];
    if (!block) throw new Error(`no block ${number} on ${channel}`);
    return block;
  }
}

import { generateKeyPairSync, verify } from 'node:crypto';
import { fromBER, type Integer, type Sequence } from 'asn1js';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderBytes, blockHeaderHash, decodeBlock, sha256, transactionsOf } from '../lib/archive/block';
import { appendBlock, emptyManifest, INITIAL_RUNNING_HASH, nextRunningHash, parseManifest, serializeManifest } from '../lib/archive/layout';
import { parseArchiveArgs } from '../lib/archive/command';
import { parseDeliverResponse, seekEnvelope, signLowS } from '../lib/archive/deliver';
import { parseBlockchainInfo, parseChannelList } from '../lib/archive/source';
import { UsageError } from '../lib/errors';
import { parseOffchainArgs } from '../lib/offchain';
import { makeChain } from './helpers/fabric-chain';

const zeros = (length: number) => new Uint8Array(length);

describe('block header hash (Fabric protoutil.BlockHeaderBytes: DER of number, previous hash, data hash)', () => {
  it('encodes block 0 with an empty previous hash as SEQUENCE { INTEGER 0, OCTET STRING "", OCTET STRING data hash }', () => {
    const dataHash = Buffer.alloc(32, 0xab);
    const der = blockHeaderBytes({ number: 0n, previousHash: zeros(0), dataHash });
    expect(der.toString('hex')).toBe(`3027020100040004${'20'}${dataHash.toString('hex')}`);
  });

  it('encodes block numbers as minimal two’s-complement integers, with a leading zero when the high bit is set', () => {
    const der = (number: bigint) => blockHeaderBytes({ number, previousHash: zeros(0), dataHash: zeros(0) }).toString('hex');
    expect(der(127n)).toBe('300702017f04000400');
    expect(der(128n)).toBe('30080202008004000400');
    expect(der(2n ** 40n)).toBe('300c020601000000000004000400');
  });

  it('hashes the DER bytes with SHA-256', () => {
    const header = { number: 5n, previousHash: Buffer.alloc(32, 1), dataHash: Buffer.alloc(32, 2) };
    expect(blockHeaderHash(header)).toEqual(sha256(blockHeaderBytes(header)));
  });

  it('computes the data hash over the data entries concatenated', () => {
    expect(blockDataHash([Buffer.from('ab'), Buffer.from('c')])).toEqual(sha256(Buffer.from('abc')));
  });
});

describe('decodeBlock and transactionsOf', () => {
  const chain = makeChain('royalties', 4);

  it('links each block to the header hash of the one before, and its data hash matches its data', () => {
    const blocks = chain.map(decodeBlock);
    blocks.forEach((block, number) => {
      expect(block.number).toBe(BigInt(number));
      expect(Buffer.from(block.computedDataHash)).toEqual(Buffer.from(block.dataHash));
      if (number > 0) expect(Buffer.from(block.previousHash)).toEqual(Buffer.from(blocks[number - 1].headerHash));
    });
  });

  it('reads creator MSP, timestamp, chaincode, arguments, write set and validation code of a transaction', () => {
    const [tx] = transactionsOf(chain[3]);
    expect(tx).toMatchObject({
      txId: 'main-tx-3',
      channel: 'royalties',
      blockNumber: 3,
      type: 'ENDORSER_TRANSACTION',
      creatorMsp: 'm-BANK',
      validationCode: 'MVCC_READ_CONFLICT',
      chaincode: { name: 'documents', version: '1.0' },
      args: ['put', 'doc-3', expect.stringContaining('sha256')],
      endorsers: ['m-BANK'],
    });
    expect(tx.timestamp).toBe(new Date((1_780_000_000 + 3) * 1000).toISOString());
    expect(tx.rwsets).toEqual([{ namespace: 'documents', reads: [], writes: [expect.objectContaining({ key: 'doc-3', isDelete: false })], collections: [] }]);
  });

  it('refuses bytes that are not a block', () => {
    expect(() => decodeBlock(Buffer.from('not a block at all'))).toThrow(/not a Fabric block/);
  });
});

describe('manifest', () => {
  const source = { member: 'bank', peer: 'peer0' };
  const now = new Date('2027-01-01T00:00:00Z');

  it('chains the running hash over each block’s SHA-256 from 32 zero bytes', () => {
    let manifest = emptyManifest('royalties', source, now);
    manifest = appendBlock(manifest, { number: 0, sha256: 'aa'.repeat(32), headerHash: 'bb'.repeat(32) }, now);
    manifest = appendBlock(manifest, { number: 1, sha256: 'cc'.repeat(32), headerHash: 'dd'.repeat(32) }, now);
    expect(manifest.height).toBe(2);
    expect(manifest.lastHeaderHash).toBe('dd'.repeat(32));
    expect(manifest.runningHash).toBe(nextRunningHash(nextRunningHash(INITIAL_RUNNING_HASH, 'aa'.repeat(32)), 'cc'.repeat(32)));
    expect(() => appendBlock(manifest, { number: 5, sha256: 'ee'.repeat(32), headerHash: 'ff'.repeat(32) }, now)).toThrow(/cannot follow height 2/);
  });

  it('round-trips through its JSON with one block per line', () => {
    const manifest = appendBlock(emptyManifest('royalties', source, now), { number: 0, sha256: 'aa'.repeat(32), headerHash: 'bb'.repeat(32) }, now);
    const text = serializeManifest(manifest);
    expect(text).toContain(`    [0,"${'aa'.repeat(32)}"]\n`);
    expect(parseManifest(text, 'm.json')).toEqual(manifest);
  });

  it('names the field that is wrong in a damaged manifest', () => {
    const text = serializeManifest(emptyManifest('royalties', source, now)).replace('"height": 0', '"height": -1');
    expect(() => parseManifest(text, 's3://b/channels/royalties/manifest.json')).toThrow('s3://b/channels/royalties/manifest.json: height -1 (allowed: an integer >= 0)');
  });
});

describe('offchain verify --from-archive arguments', () => {
  it('takes the anchor from the archive instead of --expect-sha256, never both', () => {
    expect(parseOffchainArgs(['verify', 'licences/a.pdf', '--member', 'bank', '--from-archive', 'royalties'])).toMatchObject({ kind: 'verify', fromArchive: 'royalties', expectSha256: undefined });
    expect(() => parseOffchainArgs(['verify', 'licences/a.pdf', '--member', 'bank', '--from-archive', 'royalties', '--expect-sha256', 'a'.repeat(64)])).toThrow(/give one of --expect-sha256 HEX .* or --from-archive CHANNEL/);
    expect(() => parseOffchainArgs(['verify', 'licences/a.pdf', '--member', 'bank'])).toThrow(/give one of --expect-sha256/);
  });
});

describe('archive arguments and peer CLI output', () => {
  it('parses the three actions and refuses what does not apply', () => {
    expect(parseArchiveArgs(['--member', 'bank', '--dry-run']).action).toBe('archive');
    expect(parseArchiveArgs(['verify', '--member', 'bank', '--live'])).toMatchObject({ action: 'verify', live: true });
    expect(parseArchiveArgs(['show', '--member', 'bank', '--channel', 'royalties', '--block', '7'])).toMatchObject({ action: 'show', block: 7 });
    expect(() => parseArchiveArgs(['show', '--member', 'bank', '--channel', 'royalties'])).toThrow(/exactly one of --tx TXID or --block N/);
    expect(() => parseArchiveArgs(['verify', '--member', 'bank', '--channel', 'Bad_Name'])).toThrow(UsageError);
    expect(() => parseArchiveArgs(['purge', '--member', 'bank'])).toThrow(/unknown command "purge"/);
    expect(() => parseArchiveArgs(['verify', '--member', 'bank', '--dry-run'])).toThrow('archive verify: --dry-run does not apply (verify writes nothing)');
    expect(() => parseArchiveArgs(['--member', 'bank', '--tx', 'x'])).toThrow(/unknown argument/);
  });

  it('reads peer channel list and getinfo output', () => {
    expect(parseChannelList('Channels peers has joined: \nroyalties\nfilmmaker-bank\n')).toEqual(['royalties', 'filmmaker-bank']);
    const info = parseBlockchainInfo('2026-11-30 10:00:00.000 UTC [channelCmd] InitCmdFactory -> INFO 001 Endorser and orderer connections initialized\nBlockchain info: {"height":12,"currentBlockHash":"AQI=","previousBlockHash":"AwQ="}\n');
    expect(info).toEqual({ height: 12, currentBlockHash: '0102' });
  });
});

describe('the Deliver client (lib/archive/deliver)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const halfOrder = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') >> 1n;
  /** S of a DER ECDSA signature, read with asn1js. */
  const sOf = (der: Buffer) => {
    const parsed = fromBER(new Uint8Array(der).buffer).result as Sequence;
    return BigInt(`0x${Buffer.from((parsed.valueBlock.value[1] as Integer).valueBlock.valueHexView).toString('hex')}`);
  };

  it('signs with S in the lower half of the P-256 order, and the signature verifies', () => {
    for (let attempt = 0; attempt < 32; attempt += 1) {
      const message = Buffer.from(`seek ${attempt}`);
      const signature = signLowS(privateKey, message);
      expect(verify('sha256', message, publicKey, signature)).toBe(true);
      expect(sOf(signature) <= halfOrder).toBe(true);
    }
  });

  it('asks for blocks from..to as the member admin: a signed DELIVER_SEEK_INFO envelope over the channel', () => {
    const certificate = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const bytes = seekEnvelope({ mspId: 'm-BANK', certificate, privateKey }, 'royalties', 5, 42);
    const envelope = common.Envelope.deserializeBinary(bytes);
    expect(verify('sha256', envelope.getPayload_asU8(), publicKey, envelope.getSignature_asU8())).toBe(true);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
    expect(channelHeader.getType()).toBe(common.HeaderType.DELIVER_SEEK_INFO);
    expect(channelHeader.getChannelId()).toBe('royalties');
    const creator = msp.SerializedIdentity.deserializeBinary(common.SignatureHeader.deserializeBinary(payload.getHeader()!.getSignatureHeader_asU8()).getCreator_asU8());
    expect(creator.getMspid()).toBe('m-BANK');
    expect(Buffer.from(creator.getIdBytes_asU8())).toEqual(certificate);
    const seek = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
    expect(seek.getStart()!.getSpecified()!.getNumber()).toBe(5);
    expect(seek.getStop()!.getSpecified()!.getNumber()).toBe(42);
    expect(seek.getBehavior()).toBe(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY);
  });

  it("keeps a DeliverResponse's block bytes exactly as sent, and reads the closing status", () => {
    const block = makeChain('royalties', 3)[2];
    const response = new peer.DeliverResponse();
    response.setBlock(common.Block.deserializeBinary(block));
    const parsed = parseDeliverResponse(response.serializeBinary());
    expect('block' in parsed && Buffer.from(parsed.block)).toEqual(block);
    const status = new peer.DeliverResponse();
    status.setStatus(common.Status.NOT_FOUND);
    expect(parseDeliverResponse(status.serializeBinary())).toEqual({ status: 404 });
  });
});

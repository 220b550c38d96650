/**
 * Blocks as a stream from the member's own peer: a client of the peer's Deliver service
 * (`protos.Deliver/Deliver`, the service `peer channel fetch` uses without `-o`), with
 * `@grpc/grpc-js` and the Hyperledger protobuf bindings. One signed SeekInfo envelope asks
 * for a whole range of blocks, which the peer sends back one DeliverResponse each, then a
 * status; the CLI path spends one process and one TLS handshake per block.
 *
 * Why not the Fabric 2.2 Node SDK (fabric-network / fabric-common block events): it hands
 * out blocks decoded into JavaScript objects, and the archive must keep the peer's bytes as
 * they were sent (their SHA-256 is recorded, their header hash chains them). This client
 * keeps the block field of each DeliverResponse as raw bytes.
 *
 * Protocol facts (hyperledger/fabric: protos orderer/ab.proto, peer/events.proto;
 * internal/peer/common/deliverclient.go; protoutil/txutils.go):
 * - the request is a common.Envelope whose payload has a ChannelHeader of type
 *   DELIVER_SEEK_INFO (5) and a SignatureHeader (creator = msp.SerializedIdentity of the
 *   member admin, 24-byte nonce), its data an orderer.SeekInfo; the signature is ECDSA P-256
 *   over SHA-256 of the payload bytes, DER, with S in the lower half of the group order
 *   (Fabric refuses a "high S" signature);
 * - with mutual TLS, the channel header carries the SHA-256 of the client's TLS certificate
 *   (DER) in tls_cert_hash;
 * - the peer answers with DeliverResponse{block = 2} per block and ends with
 *   DeliverResponse{status = 1}; a status other than SUCCESS (200) is an error
 *   (403 FORBIDDEN: the identity may not read the channel; 404 NOT_FOUND: no such channel or block).
 *
 * Environment: the standard peer CLI variables the Fabric client's profile sets
 * (CORE_PEER_ADDRESS, CORE_PEER_LOCALMSPID, CORE_PEER_MSPCONFIGPATH, CORE_PEER_TLS_ENABLED,
 * CORE_PEER_TLS_ROOTCERT_FILE, optional CORE_PEER_TLS_SERVERHOSTOVERRIDE and, for mutual
 * TLS, CORE_PEER_TLS_CLIENTAUTHREQUIRED, CORE_PEER_TLS_CLIENTCERT_FILE, CORE_PEER_TLS_CLIENTKEY_FILE).
 */
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { common, msp, orderer } from '@hyperledger/fabric-protos';
import { BinaryReader } from 'google-protobuf';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { OperationalError } from '../errors';
import { PeerCliBlockSource, type BlockSource, type PeerCliOptions } from './source';

/** Order of the P-256 group, and half of it: a signature's S must not exceed the half (Fabric bccsp/sw/ecdsa.go). */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_ORDER = P256_ORDER >> 1n;
/** Largest block the client accepts, bytes: the peer CLI's own limit (100 MiB). */
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;
const DELIVER_PATH = '/protos.Deliver/Deliver';
const STATUS_SUCCESS = 200;

/** The member admin's signing identity, read from its MSP folder. */
export interface SigningIdentity {
  readonly mspId: string;
  /** PEM of the signing certificate (msp.SerializedIdentity.id_bytes). */
  readonly certificate: Buffer;
  readonly privateKey: KeyObject;
}

/** Reads `signcerts/` and `keystore/` of an MSP folder; OperationalError naming what is missing. */
export function readSigningIdentity(mspId: string, mspDir: string): SigningIdentity {
  const firstFile = (folder: string): string => {
    let names: string[];
    try {
      names = readdirSync(join(mspDir, folder)).filter((name) => !name.startsWith('.')).sort();
    } catch {
      names = [];
    }
    if (names.length === 0) throw new OperationalError(`the MSP folder ${mspDir} has no ${folder}/ file; CORE_PEER_MSPCONFIGPATH must name the member admin's enrolled MSP`);
    return join(mspDir, folder, names[0]);
  };
  const certificate = readFileSync(firstFile('signcerts'));
  const privateKey = createPrivateKey(readFileSync(firstFile('keystore')));
  return { mspId, certificate, privateKey };
}

/** DER ECDSA signature with S in the lower half of the P-256 order (what Fabric's MSP accepts). */
export function signLowS(privateKey: KeyObject, message: Uint8Array): Buffer {
  const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`);
  let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  if (s > P256_HALF_ORDER) s = P256_ORDER - s;
  const integer = (value: bigint): Buffer => {
    let bytes = Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
    while (bytes.length > 1 && bytes[0] === 0 && bytes[1] < 0x80) bytes = bytes.subarray(1);
    if (bytes[0] >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** Where the range starts and stops: a block number, or the newest block. */
export type SeekTarget = number | 'newest';

/**
 * The signed DELIVER_SEEK_INFO envelope asking for blocks `start`..`stop` of `channel`. The
 * peer answers NOT_FOUND rather than wait for a block not yet committed (FAIL_IF_NOT_READY),
 * so a request never hangs.
 */
export function seekEnvelope(identity: SigningIdentity, channel: string, start: SeekTarget, stop: SeekTarget, tlsCertHash?: Uint8Array): Uint8Array {
  const position = (target: SeekTarget) => {
    const seek = new orderer.SeekPosition();
    if (target === 'newest') seek.setNewest(new orderer.SeekNewest());
    else {
      const specified = new orderer.SeekSpecified();
      specified.setNumber(target);
      seek.setSpecified(specified);
    }
    return seek;
  };
  const seekInfo = new orderer.SeekInfo();
  seekInfo.setStart(position(start));
  seekInfo.setStop(position(stop));
  seekInfo.setBehavior(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY);

  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO);
  channelHeader.setChannelId(channel);
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  if (tlsCertHash) channelHeader.setTlsCertHash(tlsCertHash);
  const creator = new msp.SerializedIdentity();
  creator.setMspid(identity.mspId);
  creator.setIdBytes(identity.certificate);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setCreator(creator.serializeBinary());
  signatureHeader.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(seekInfo.serializeBinary());
  const payloadBytes = payload.serializeBinary();

  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(identity.privateKey, payloadBytes));
  return envelope.serializeBinary();
}

/** One DeliverResponse: the block's bytes as the peer sent them, or the closing status. */
export type DeliverMessage = { block: Uint8Array } | { status: number } | { other: number };

/** Reads a serialized peer.DeliverResponse without re-encoding the block: field 1 status, field 2 block (raw bytes). */
export function parseDeliverResponse(bytes: Uint8Array): DeliverMessage {
  const reader = new BinaryReader(bytes);
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    const field = reader.getFieldNumber();
    if (field === 1) return { status: reader.readEnum() };
    if (field === 2) return { block: reader.readBytes() };
    if (field === 3 || field === 4) return { other: field };
    reader.skipField();
  }
  throw new OperationalError('the peer sent an empty DeliverResponse');
}

/**
 * The member's peer through its Deliver service; `channels()` (a peer query, not a Deliver
 * call) still goes through the `peer` CLI, once per run.
 */
export class DeliverBlockSource implements BlockSource {
  readonly peer: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly cli: PeerCliBlockSource;
  private client?: grpc.Client;
  private identity?: SigningIdentity;
  private tlsCertHash?: Buffer;

  constructor(options: PeerCliOptions = {}) {
    this.env = options.env ?? process.env;
    this.cli = new PeerCliBlockSource(options);
    this.peer = this.cli.peer;
  }

  channels(): Promise<string[]> {
    return this.cli.channels();
  }

  /** Height = number of the newest block + 1, from a one-block Deliver call. */
  async height(channel: string): Promise<number> {
    for await (const block of this.range(channel, 'newest', 'newest')) {
      return Number(readBlockNumber(block)) + 1;
    }
    throw new OperationalError(`peer ${this.peer} sent no newest block of channel ${channel}`);
  }

  async block(channel: string, number: number): Promise<Uint8Array> {
    for await (const block of this.range(channel, number, number)) return block;
    throw new OperationalError(`peer ${this.peer} sent no block ${number} of channel ${channel}`);
  }

  /** Blocks `from`..`to` (inclusive) in order, over one stream; the stream waits while the caller does (gRPC flow control). */
  blocks(channel: string, from: number, to: number): AsyncIterable<Uint8Array> {
    return this.range(channel, from, to);
  }

  /** Closes the gRPC connection; the source can be used again afterwards (it reconnects). */
  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  private async *range(channel: string, start: SeekTarget, stop: SeekTarget): AsyncGenerator<Uint8Array> {
    const client = this.connect();
    const what = start === 'newest' ? `the newest block of channel ${channel}` : `blocks ${start}..${stop} of channel ${channel}`;
    const call = client.makeBidiStreamRequest<Uint8Array, Buffer>(DELIVER_PATH, (bytes) => Buffer.from(bytes), (bytes) => bytes, new grpc.Metadata(), {});
    call.on('error', () => undefined); // surfaced by the iteration below
    call.write(seekEnvelope(this.identity!, channel, start, stop, this.tlsCertHash));
    let status: number | undefined;
    try {
      for await (const bytes of call as AsyncIterable<Buffer>) {
        const message = parseDeliverResponse(bytes);
        if ('block' in message) yield message.block;
        else if ('status' in message) {
          status = message.status;
          break;
        }
      }
    } catch (error) {
      throw this.failure(what, (error as Error).message);
    } finally {
      call.end();
      call.cancel();
    }
    if (status === undefined) throw this.failure(what, 'the stream ended without a status');
    if (status !== STATUS_SUCCESS) {
      const name = Object.entries(common.Status).find(([, value]) => value === status)?.[0] ?? String(status);
      const hint = status === common.Status.FORBIDDEN ? `; the identity in CORE_PEER_MSPCONFIGPATH (${this.env.CORE_PEER_LOCALMSPID}) may not read channel ${channel}` : '';
      throw new OperationalError(`cannot read ${what} from peer ${this.peer}: the peer answered ${name}${hint}`);
    }
  }

  private failure(what: string, detail: string): OperationalError {
    return new OperationalError(`cannot read ${what} from peer ${this.peer} over its Deliver service: ${detail}; check that the peer is reachable and its TLS root is CORE_PEER_TLS_ROOTCERT_FILE, or use --peer-cli`);
  }

  private connect(): grpc.Client {
    if (this.client) return this.client;
    const env = this.env;
    const missing = ['CORE_PEER_ADDRESS', 'CORE_PEER_LOCALMSPID', 'CORE_PEER_MSPCONFIGPATH'].filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new OperationalError(`cannot read blocks: ${missing.join(', ')} not set; run on the member's Fabric client (its profile sets the peer environment) or export the peer CLI variables`);
    }
    this.identity = readSigningIdentity(env.CORE_PEER_LOCALMSPID!, env.CORE_PEER_MSPCONFIGPATH!);
    const options: grpc.ClientOptions = { 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES };
    let credentials = grpc.credentials.createInsecure();
    if ((env.CORE_PEER_TLS_ENABLED ?? 'false').toLowerCase() === 'true') {
      if (!env.CORE_PEER_TLS_ROOTCERT_FILE) throw new OperationalError('cannot read blocks: CORE_PEER_TLS_ENABLED is true but CORE_PEER_TLS_ROOTCERT_FILE is not set');
      const root = readFileSync(env.CORE_PEER_TLS_ROOTCERT_FILE);
      if ((env.CORE_PEER_TLS_CLIENTAUTHREQUIRED ?? 'false').toLowerCase() === 'true') {
        const certificate = readFileSync(env.CORE_PEER_TLS_CLIENTCERT_FILE ?? '');
        credentials = grpc.credentials.createSsl(root, readFileSync(env.CORE_PEER_TLS_CLIENTKEY_FILE ?? ''), certificate);
        this.tlsCertHash = createHash('sha256').update(new X509Certificate(certificate).raw).digest();
      } else {
        credentials = grpc.credentials.createSsl(root);
      }
      if (env.CORE_PEER_TLS_SERVERHOSTOVERRIDE) options['grpc.ssl_target_name_override'] = env.CORE_PEER_TLS_SERVERHOSTOVERRIDE;
    }
    this.client = new grpc.Client(env.CORE_PEER_ADDRESS!, credentials, options);
    return this.client;
  }
}

/** The header number of a serialized common.Block. */
function readBlockNumber(bytes: Uint8Array): bigint {
  const header = common.Block.deserializeBinary(bytes).getHeader();
  return BigInt(header?.getNumber() ?? 0);
}

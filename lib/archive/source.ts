/**
 * Where live blocks come from: the member's own peer. The archive reads committed blocks
 * through the `peer` CLI's deliver client, as the member's admin, without `-o`, so blocks
 * come from its own peer (with the peer's validation codes in their metadata) and never from
 * another member's or the ordering service (Fabric docs, "peer channel fetch": "If no
 * orderer is specified, the peer will fetch blocks from the peer").
 *
 * The CLI takes the standard peer environment (CORE_PEER_ADDRESS, CORE_PEER_LOCALMSPID,
 * CORE_PEER_MSPCONFIGPATH, CORE_PEER_TLS_ENABLED, CORE_PEER_TLS_ROOTCERT_FILE, FABRIC_CFG_PATH)
 * that the Fabric client's profile sets and that tests set for their local network.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OperationalError } from '../errors';

const run = promisify(execFile);

/** What the archive needs from a peer. */
export interface BlockSource {
  /** Human name of the peer, e.g. its address. */
  readonly peer: string;
  /** Channels the peer has joined. */
  channels(): Promise<string[]>;
  /** The peer's ledger height (number of committed blocks) on a channel. */
  height(channel: string): Promise<number>;
  /** Block `number` of a channel, as the peer's deliver service returns it (serialized common.Block). */
  block(channel: string, number: number): Promise<Uint8Array>;
  /** Blocks `from`..`to` (inclusive), in order, as one stream; absent when the source reads block by block. */
  blocks?(channel: string, from: number, to: number): AsyncIterable<Uint8Array>;
  /** Releases connections; the source reconnects if used again. */
  close?(): void;
}

export interface PeerCliOptions {
  /** The `peer` binary. @default `peer` in FABRIC_BIN_DIR, else on PATH */
  readonly peerBinary?: string;
  /** Environment for the CLI. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Limit of one CLI call, ms. @default 60000 */
  readonly timeoutMs?: number;
}

/** The `peer` binary to use: FABRIC_BIN_DIR/peer when that is set, else `peer` from PATH. */
export function peerBinaryOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.FABRIC_BIN_DIR ? join(env.FABRIC_BIN_DIR, 'peer') : 'peer';
}

/** `peer channel list` output: a heading line, then one channel per line. */
export function parseChannelList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^Channels peers? ha(s|ve) joined/.test(line) && !line.includes(' '));
}

/** `peer channel getinfo` output: `Blockchain info: {"height":N,...}`. */
export function parseBlockchainInfo(stdout: string): { height: number; currentBlockHash: string } {
  const match = /Blockchain info: (\{.*\})/.exec(stdout);
  if (!match) throw new Error(`unexpected "peer channel getinfo" output: ${stdout.trim().slice(0, 200)}`);
  const info = JSON.parse(match[1]) as { height?: number; currentBlockHash?: string };
  return { height: info.height ?? 0, currentBlockHash: Buffer.from(info.currentBlockHash ?? '', 'base64').toString('hex') };
}

/** The member's peer through the `peer` CLI. */
export class PeerCliBlockSource implements BlockSource {
  readonly peer: string;
  private readonly binary: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;

  constructor(options: PeerCliOptions = {}) {
    this.env = options.env ?? process.env;
    this.binary = options.peerBinary ?? peerBinaryOf(this.env);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.peer = this.env.CORE_PEER_ADDRESS ?? '(CORE_PEER_ADDRESS not set)';
  }

  async channels(): Promise<string[]> {
    return parseChannelList(await this.cli(['channel', 'list'], 'list the channels the peer has joined'));
  }

  async height(channel: string): Promise<number> {
    return parseBlockchainInfo(await this.cli(['channel', 'getinfo', '-c', channel], `read the height of channel ${channel}`)).height;
  }

  async block(channel: string, number: number): Promise<Uint8Array> {
    const dir = await mkdtemp(join(tmpdir(), 'archive-fetch-'));
    try {
      const file = join(dir, 'block.pb');
      await this.cli(['channel', 'fetch', String(number), file, '-c', channel], `fetch block ${number} of channel ${channel}`);
      return await readFile(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async cli(args: string[], purpose: string): Promise<string> {
    if (!this.env.CORE_PEER_ADDRESS) {
      throw new OperationalError(`cannot ${purpose}: CORE_PEER_ADDRESS is not set; run on the member's Fabric client (its profile sets the peer environment) or export the peer CLI variables`);
    }
    if (this.binary.includes('/') && !existsSync(this.binary)) {
      throw new OperationalError(`cannot ${purpose}: ${this.binary} does not exist; set FABRIC_BIN_DIR to the folder of the Fabric peer binary`);
    }
    try {
      const { stdout, stderr } = await run(this.binary, args, { env: this.env, timeout: this.timeoutMs, maxBuffer: 16 * 1024 * 1024 });
      return `${stdout}\n${stderr}`;
    } catch (error) {
      const failure = error as { code?: string | number; stderr?: string; message: string };
      if (failure.code === 'ENOENT') throw new OperationalError(`cannot ${purpose}: the Fabric "peer" CLI is not installed (${this.binary}); set FABRIC_BIN_DIR or add it to PATH`);
      const detail = (failure.stderr ?? failure.message).trim().split('\n').filter((line) => /Error|error/.test(line)).pop() ?? failure.message;
      throw new OperationalError(`cannot ${purpose} from peer ${this.peer}: ${detail.trim()}; check that the peer is reachable and that CORE_PEER_MSPCONFIGPATH holds the member admin's MSP`);
    }
  }
}

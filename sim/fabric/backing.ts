/**
 * Real Fabric behind the AMB simulator (`startSimulator({ fabric: true })`, `npm run sim --
 * --fabric`): each network gets a FabricNetwork (orderer), each member its CA and a place in
 * `AWSSystemConsortium`, each node a peer. Operations stay synchronous: they hand the work to
 * this backing, the lifecycle keeps a resource CREATING until its processes are ready (or
 * marks it CREATE_FAILED), and views show the processes' real `127.0.0.1:PORT` endpoints.
 * Deleting a node or member, or a network ending with its last member, stops their processes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { OperationalError } from '../../lib/errors';
import type { FabricHooks } from '../operations/context';
import type { MemberRecord, NetworkRecord, NodeRecord, SimState } from '../state';
import { fabricBinaries, type FabricBinaries } from './binaries';
import { FabricNetwork } from './network';
import { CertificateAuthority } from './pki';

/** Options of `startSimulator({ fabric })`. */
export interface SimulatorFabricOptions {
  /**
   * An S3 endpoint (e.g. a moto_server) where the simulator publishes its TLS CA certificate as
   * `s3://<region>.managedblockchain/etc/managedblockchain-tls-chain.pem` for every region it
   * creates a network in, where AMB's Fabric clients fetch it. @default none (not published)
   */
  readonly s3Endpoint?: string;
  /** Bound on each process's readiness wait, in ms. @default 60000 */
  readonly readinessTimeoutMs?: number;
  /** @default fabricBinaries() */
  readonly binaries?: FabricBinaries;
}

/** Where AMB keeps the TLS chain of a region's Fabric endpoints (AMB developer guide, "Set up a client"). */
export function tlsChainLocation(region: string): { bucket: string; key: string } {
  return { bucket: `${region}.managedblockchain`, key: 'etc/managedblockchain-tls-chain.pem' };
}

type TaskState = { state: 'pending' } | { state: 'ready' } | { state: 'failed'; error: Error };

/** The background work behind one network, member or node, and how it ended. */
class Task {
  status: TaskState = { state: 'pending' };
  readonly done: Promise<void>;
  constructor(what: string, work: Promise<unknown>) {
    this.done = work.then(
      () => {
        this.status = { state: 'ready' };
      },
      (error: Error) => {
        this.status = { state: 'failed', error };
        process.stderr.write(`simulator: Fabric for ${what} did not start: ${error.message}\n`);
      },
    );
  }
}

export class FabricBacking implements FabricHooks {
  private readonly networks = new Map<string, Promise<FabricNetwork>>();
  private readonly tasks = new Map<string, Task>();
  private readonly stopping = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly publishedRegions = new Map<string, Promise<void>>();
  private readonly dir: string;

  private constructor(
    private readonly binaries: FabricBinaries,
    /** The simulator's one TLS CA. */
    readonly tlsCa: CertificateAuthority,
    private readonly options: SimulatorFabricOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'amb-sim-fabric-'));
    writeFileSync(this.tlsChainFile, tlsCa.certPem);
  }

  /** A file holding the TLS chain (removed by stop()), for `--tls.certfiles` and `--cafile`. */
  get tlsChainFile(): string {
    return join(this.dir, 'managedblockchain-tls-chain.pem');
  }

  /** Checks that Fabric is installed (FabricNotInstalledError otherwise) and creates the TLS CA. */
  static async create(options: SimulatorFabricOptions = {}): Promise<FabricBacking> {
    const binaries = options.binaries ?? fabricBinaries({ checkRuns: true });
    return new FabricBacking(binaries, await CertificateAuthority.create('tlsca.managedblockchain.local', 'AMB simulator'), options);
  }

  /** The TLS CA certificate, PEM: the content of every region's managedblockchain-tls-chain.pem. */
  get tlsChainPem(): string {
    return this.tlsCa.certPem;
  }

  memberCreated(network: NetworkRecord, member: MemberRecord, adminPassword: string): void {
    const fabric = this.network(network);
    this.track(`member ${member.id}`, `member:${member.id}`, async () => {
      const running = await fabric;
      await running.startMember({ memberId: member.id, adminUsername: member.adminUsername, adminPassword });
      await running.addToConsortium(member.id);
    });
  }

  nodeCreated(member: MemberRecord, node: NodeRecord): void {
    const fabric = this.networks.get(node.networkId);
    this.track(`node ${node.id}`, `node:${node.id}`, async () => {
      if (!fabric) throw new OperationalError(`network ${node.networkId} has no Fabric`);
      await this.tasks.get(`member:${member.id}`)?.done;
      await (await fabric).startPeer(member.id, node.id);
    });
  }

  ordererEndpoint(networkId: string): string | undefined {
    return this.ready(`network:${networkId}`) ? this.settled.get(networkId)?.ordererEndpoint : undefined;
  }

  caEndpoint(memberId: string): string | undefined {
    return this.ready(`member:${memberId}`) ? this.networkOfMember(memberId)?.member(memberId)?.caEndpoint : undefined;
  }

  peerEndpoints(nodeId: string): { peer: string; peerEvent: string } | undefined {
    if (!this.ready(`node:${nodeId}`)) return undefined;
    for (const fabric of this.settled.values()) {
      const peer = fabric.peer(nodeId);
      if (peer) return { peer: peer.peerEndpoint, peerEvent: peer.peerEventEndpoint };
    }
    return undefined;
  }

  /** For the lifecycle: whether a resource's processes are up. */
  readiness = (kind: 'network' | 'member' | 'node', id: string): 'ready' | 'pending' | 'failed' => {
    const task = this.tasks.get(`${kind}:${id}`);
    return task ? task.status.state : 'ready';
  };

  /**
   * After each request: stops the peers of nodes and the CA and peers of members that are
   * DELETING or DELETED, and the whole Fabric of a DELETED network.
   */
  reconcile(state: SimState): void {
    const gone = (status: string) => status === 'DELETING' || status === 'DELETED';
    for (const node of Object.values(state.nodes)) {
      if (gone(node.status)) this.stopOnce(`node:${node.id}`, node.networkId, (fabric) => fabric.stopPeer(node.id));
    }
    for (const member of Object.values(state.members)) {
      if (gone(member.status)) this.stopOnce(`member:${member.id}`, member.networkId, (fabric) => fabric.stopMember(member.id));
    }
    for (const network of Object.values(state.networks)) {
      if (network.status === 'DELETED') this.stopOnce(`network:${network.id}`, network.id, (fabric) => fabric.stop());
    }
  }

  /** The running FabricNetwork of a network, once its orderer is up (for tests and the rehearsal). */
  fabricNetwork(networkId: string): FabricNetwork | undefined {
    return this.settled.get(networkId);
  }

  /** Resolves when every start begun so far has finished; rejects with the first failure. */
  async whenSettled(): Promise<void> {
    for (;;) {
      const pending = [...this.tasks.values()].filter((task) => task.status.state === 'pending');
      if (pending.length === 0) break;
      await Promise.all(pending.map((task) => task.done));
    }
    await Promise.all(this.publishedRegions.values());
    const failed = [...this.tasks.values()].find((task) => task.status.state === 'failed');
    if (failed?.status.state === 'failed') throw failed.status.error;
  }

  /** Pids and names of every running Fabric process. */
  processes(): { name: string; pid: number }[] {
    return [...this.settled.values()].flatMap((fabric) => fabric.processes());
  }

  /** Waits for work under way, then stops every process and removes the work folder. */
  async stop(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((task) => task.done));
    await Promise.all(this.background);
    const networks = await Promise.allSettled(this.networks.values());
    await Promise.all(networks.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Networks whose orderer is up, by id. */
  private readonly settled = new Map<string, FabricNetwork>();

  private network(network: NetworkRecord): Promise<FabricNetwork> {
    const existing = this.networks.get(network.id);
    if (existing) return existing;
    const started = FabricNetwork.start({
      networkId: network.id,
      dir: join(this.dir, network.id),
      binaries: this.binaries,
      tlsCa: this.tlsCa,
      readinessTimeoutMs: this.options.readinessTimeoutMs,
    }).then((fabric) => {
      this.settled.set(network.id, fabric);
      return fabric;
    });
    this.networks.set(network.id, started);
    this.track(`network ${network.id}`, `network:${network.id}`, () => Promise.all([started, this.publishTlsChain(network.region)]));
    return started;
  }

  private networkOfMember(memberId: string): FabricNetwork | undefined {
    for (const fabric of this.settled.values()) if (fabric.member(memberId)) return fabric;
    return undefined;
  }

  private ready(key: string): boolean {
    return this.tasks.get(key)?.status.state === 'ready';
  }

  private track(what: string, key: string, work: () => Promise<unknown>): void {
    this.tasks.set(key, new Task(what, work()));
  }

  private stopOnce(key: string, networkId: string, stop: (fabric: FabricNetwork) => Promise<void>): void {
    if (this.stopping.has(key)) return;
    this.stopping.add(key);
    const task = this.tasks.get(key);
    const fabric = this.networks.get(networkId);
    if (!fabric) return;
    const work = (async () => {
      await task?.done;
      await stop(await fabric);
    })().catch((error: Error) => process.stderr.write(`simulator: stopping Fabric for ${key} failed: ${error.message}\n`));
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** Publishes the TLS chain once per region to the configured S3 endpoint, as AMB's region bucket. */
  private publishTlsChain(region: string): Promise<void> {
    const endpoint = this.options.s3Endpoint;
    if (!endpoint) return Promise.resolve();
    const existing = this.publishedRegions.get(region);
    if (existing) return existing;
    const { bucket, key } = tlsChainLocation(region);
    // A local S3 emulator ignores credentials; the environment's are used when it has some.
    const credentials = process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: 'simulator', secretAccessKey: 'simulator' };
    const s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials });
    const published = (async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) })).catch((error: Error & { name: string }) => {
        if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
      });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: this.tlsCa.certPem, ContentType: 'application/x-pem-file' }));
    })().catch((error: Error) => {
      throw new OperationalError(`could not publish the TLS chain to ${endpoint} (s3://${bucket}/${key}): ${error.message}`);
    });
    this.publishedRegions.set(region, published);
    return published;
  }
}

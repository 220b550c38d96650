/**
 * Real Hyperledger Fabric 2.2 for one simulated AMB network, on 127.0.0.1, without Docker:
 * - a Raft ordering service (one orderer) booted from a system channel whose consortium is
 *   AMB's `AWSSystemConsortium`, with the simulator (as AMB) its only admin (`OrdererMSP`);
 * - per member, a `fabric-ca-server` bootstrapped with the member's admin user name and
 *   password, whose admin enrolls with OU `admin`; the member's MSP id is its member id;
 * - per node, a peer of its member: identity registered and enrolled from the member's CA,
 *   LevelDB state, the chaincode-as-a-service builder (no Docker);
 * - TLS everywhere from one simulator TLS CA (`tlsCaCertFile`), served to clients as the
 *   region's `managedblockchain-tls-chain.pem`.
 *
 * Ports are chosen at run time (freePort); a process whose port another process bound first is
 * started again on new ports. Every wait is bounded and names the process and its log.
 * `stop()` ends every process it started. Usable on its own by tests:
 *
 * ```ts
 * const fabric = await FabricNetwork.start({ networkId: 'n-ABC' });
 * await fabric.startMember({ memberId: 'm-A', adminUsername: 'admin', adminPassword: 'Passw0rd1' });
 * await fabric.addToConsortium('m-A');
 * const peer = await fabric.startPeer('m-A', 'nd-1');
 * execFileSync('peer', ['channel', 'list'], { env: { ...process.env, ...fabric.peerCliEnv('m-A') } });
 * await fabric.stop();
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { OperationalError } from '../../lib/errors';
import { fabricBinaries, fabricPath, type FabricBinaries } from './binaries';
import { completeEnrolledMsp, writeLocalMsp, writeOrgMsp } from './msp';
import { CertificateAuthority, LOOPBACK_HOSTS, writeTlsPair } from './pki';
import { FabricProcess, freePort, startOnFreePorts } from './processes';
import { runTool } from './tools';
import { PROJECT_ROOT } from '../../lib/project-root';

/** The external builder that stands in for AMB's Docker build of Node.js chaincode. */
export const NODE_BUILDER_DIR = join(PROJECT_ROOT, 'sim', 'fabric', 'node-builder');

/** The consortium AMB defines in every network's system channel (AMB developer guide, "Create a channel"). */
export const AMB_CONSORTIUM = 'AWSSystemConsortium';
/** The ordering service organisation's MSP id. */
export const ORDERER_MSP_ID = 'OrdererMSP';
/** The system channel's name. */
export const SYSTEM_CHANNEL = 'system-channel';
/** Default bound on each readiness wait, in ms (several processes start at once on 2 shared cores). */
const DEFAULT_READINESS_TIMEOUT_MS = 60_000;

export interface FabricNetworkOptions {
  /** The AMB network id; names the TLS CA and the work folder. */
  readonly networkId: string;
  /** Work folder for certificates, ledgers and logs. @default a new folder under the OS temp dir, removed by stop() */
  readonly dir?: string;
  /** @default fabricBinaries() (`.fabric/`; throws FabricNotInstalledError when missing) */
  readonly binaries?: FabricBinaries;
  /** Bound on each wait for a process to become ready, in ms. @default 60000 */
  readonly readinessTimeoutMs?: number;
  /** Keep the work folder after stop() (for reading logs). @default false, unless `dir` was given */
  readonly keepDir?: boolean;
  /** The TLS CA of every endpoint; one simulator shares one across its networks. @default a new one */
  readonly tlsCa?: CertificateAuthority;
  /**
   * Transactions the orderer puts in one block at most (BatchSize.MaxMessageCount); channels
   * inherit it. 1 cuts a block per transaction at once, without the batch timeout: a quick way
   * to a ledger of many blocks. @default 10
   */
  readonly maxMessageCount?: number;
  /** Chooses each listening port (tests give a taken one to see the restart). @default freePort */
  readonly choosePort?: () => Promise<number>;
}

/** A member's running CA and the MSPs the simulator holds for it. */
export interface FabricMember {
  readonly memberId: string;
  /** `127.0.0.1:PORT` of its fabric-ca-server (HTTPS). */
  readonly caEndpoint: string;
  /** The CA's root certificate, PEM: the member MSP's `cacerts`. */
  readonly caCertPem: string;
  /**
   * MSP of the member's admin, enrolled with its admin user name (OU `admin`): signcerts,
   * keystore, cacerts/ca.pem, tlscacerts/ca.pem, admincerts, config.yaml (node OUs). Serves as
   * `CORE_PEER_MSPCONFIGPATH` and as the organisation's `MSPDir` in a configtx.yaml.
   */
  readonly adminMspDir: string;
  /** The organisation's MSP definition (no private key), as added to the consortium. */
  readonly orgMspDir: string;
  /** Its CA's log file. */
  readonly caLogFile: string;
}

/** A member's running peer. */
export interface FabricPeer {
  readonly nodeId: string;
  readonly memberId: string;
  /** `127.0.0.1:PORT` of the peer (gRPC over TLS). */
  readonly peerEndpoint: string;
  /**
   * Where the peer's block events are served. Fabric 2.x serves them (the Deliver service) on
   * the peer port itself, so this equals peerEndpoint; AMB lists a separate port from 1.x days.
   */
  readonly peerEventEndpoint: string;
  /** `http://127.0.0.1:PORT` of its operations service (`/healthz`). */
  readonly operationsUrl: string;
  readonly logFile: string;
}

interface MemberState extends FabricMember {
  readonly ca: FabricProcess;
  readonly caHome: string;
  readonly dir: string;
}

interface PeerState extends FabricPeer {
  readonly process: FabricProcess;
}

/** One AMB network's real Fabric: see the module comment. */
export class FabricNetwork {
  private readonly members = new Map<string, MemberState>();
  private readonly peers = new Map<string, PeerState>();
  private readonly consortiumOrgs = new Set<string>();
  private readonly pendingOrgs = new Set<string>();
  private consortiumQueue: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    readonly networkId: string,
    /** The work folder. */
    readonly dir: string,
    readonly binaries: FabricBinaries,
    private readonly tlsCa: CertificateAuthority,
    /** `127.0.0.1:PORT` of the orderer (gRPC over TLS): AMB's OrderingServiceEndpoint. */
    readonly ordererEndpoint: string,
    private readonly orderer: FabricProcess,
    private readonly ordererAdminMspDir: string,
    private readonly readinessTimeoutMs: number,
    private readonly removeDirOnStop: boolean,
    private readonly choosePort: () => Promise<number>,
  ) {}

  /**
   * Creates the TLS CA and the ordering organisation, writes the system channel's genesis
   * block and starts the orderer; resolves when it is healthy. Errors: FabricNotInstalledError,
   * OperationalError naming the orderer's log when it does not come up.
   */
  static async start(options: FabricNetworkOptions): Promise<FabricNetwork> {
    const binaries = options.binaries ?? fabricBinaries();
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), `amb-fabric-${options.networkId.toLowerCase()}-`));
    const readinessTimeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
    mkdirSync(dir, { recursive: true });

    const tlsCa = options.tlsCa ?? (await CertificateAuthority.create('tlsca.managedblockchain.local', 'AMB simulator'));
    writeFileSync(join(dir, 'managedblockchain-tls-chain.pem'), tlsCa.certPem);
    writeCoreYaml(dir, binaries);

    const ordererDir = join(dir, 'orderer');
    const signingCa = await CertificateAuthority.create(`ca.orderer.${options.networkId.toLowerCase()}`, ORDERER_MSP_ID);
    writeOrgMsp(join(ordererDir, 'org-msp'), signingCa.certPem, tlsCa.certPem);
    writeLocalMsp(join(ordererDir, 'msp'), signingCa.certPem, tlsCa.certPem, await signingCa.issue({ commonName: 'orderer', organization: ORDERER_MSP_ID, organizationalUnit: 'orderer' }));
    const adminMsp = join(ordererDir, 'admin-msp');
    writeLocalMsp(adminMsp, signingCa.certPem, tlsCa.certPem, await signingCa.issue({ commonName: 'Admin', organization: ORDERER_MSP_ID, organizationalUnit: 'admin' }));
    const tls = writeTlsPair(join(ordererDir, 'tls'), await tlsCa.issue({ commonName: 'orderer', organization: ORDERER_MSP_ID, hosts: LOOPBACK_HOSTS }));

    const choosePort = options.choosePort ?? freePort;
    const tlsCaFile = join(dir, 'managedblockchain-tls-chain.pem');
    const genesis = join(ordererDir, 'genesis.block');
    let network: FabricNetwork | undefined;
    try {
      network = await startOnFreePorts(
        2,
        async ([port, operationsPort]) => {
          // A start on new ports needs a genesis block naming the new port and an empty ledger.
          for (const data of ['ledger', 'etcdraft']) rmSync(join(ordererDir, data), { recursive: true, force: true });
          writeFileSync(join(ordererDir, 'configtx.yaml'), stringify(systemChannelConfigtx(join(ordererDir, 'org-msp'), port, tls.certFile, options.maxMessageCount ?? 10)));
          await runTool(join(binaries.amb.bin, 'configtxgen'), ['-configPath', ordererDir, '-profile', 'AMBSystemChannel', '-channelID', SYSTEM_CHANNEL, '-outputBlock', genesis]);
          const endpoint = `127.0.0.1:${port}`;
          const orderer = FabricProcess.start('orderer', join(binaries.amb.bin, 'orderer'), [], {
            logFile: join(ordererDir, 'orderer.log'),
            env: {
              FABRIC_CFG_PATH: binaries.amb.config,
              FABRIC_LOGGING_SPEC: 'info',
              ORDERER_GENERAL_LISTENADDRESS: '127.0.0.1',
              ORDERER_GENERAL_LISTENPORT: String(port),
              ORDERER_GENERAL_LOCALMSPID: ORDERER_MSP_ID,
              ORDERER_GENERAL_LOCALMSPDIR: join(ordererDir, 'msp'),
              ORDERER_GENERAL_TLS_ENABLED: 'true',
              ORDERER_GENERAL_TLS_CERTIFICATE: tls.certFile,
              ORDERER_GENERAL_TLS_PRIVATEKEY: tls.keyFile,
              ORDERER_GENERAL_TLS_ROOTCAS: `[${tlsCaFile}]`,
              ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls.certFile,
              ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls.keyFile,
              ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tlsCaFile}]`,
              ORDERER_GENERAL_BOOTSTRAPMETHOD: 'file',
              ORDERER_GENERAL_BOOTSTRAPFILE: genesis,
              ORDERER_FILELEDGER_LOCATION: join(ordererDir, 'ledger'),
              ORDERER_CONSENSUS_WALDIR: join(ordererDir, 'etcdraft', 'wal'),
              ORDERER_CONSENSUS_SNAPDIR: join(ordererDir, 'etcdraft', 'snapshot'),
              ORDERER_OPERATIONS_LISTENADDRESS: `127.0.0.1:${operationsPort}`,
              ORDERER_METRICS_PROVIDER: 'disabled',
            },
          });
          try {
            await orderer.waitHealthy(`http://127.0.0.1:${operationsPort}/healthz`, readinessTimeoutMs, endpoint);
            await orderer.waitUntil('serving the system channel', async () => /Beginning to serve requests|Raft leader changed: 0 -> 1/.test(orderer.logText()), readinessTimeoutMs);
          } catch (error) {
            await orderer.stop();
            throw error;
          }
          return new FabricNetwork(options.networkId, dir, binaries, tlsCa, endpoint, orderer, adminMsp, readinessTimeoutMs, !options.dir && !options.keepDir, choosePort);
        },
        choosePort,
      );
    } finally {
      if (!network && !options.dir && !options.keepDir) rmSync(dir, { recursive: true, force: true });
    }
    return network;
  }

  /** The simulator TLS CA's certificate file: the region's `managedblockchain-tls-chain.pem`. */
  get tlsCaCertFile(): string {
    return join(this.dir, 'managedblockchain-tls-chain.pem');
  }

  /** The simulator TLS CA's certificate, PEM. */
  get tlsCaCertPem(): string {
    return this.tlsCa.certPem;
  }

  /** The folder holding the `core.yaml` the peers and the peer CLI read (`FABRIC_CFG_PATH`). */
  get configDir(): string {
    return join(this.dir, 'config');
  }

  /**
   * Starts the member's fabric-ca-server, bootstrapped with its admin user name and password
   * (as AMB does at CreateMember), and enrolls that admin into `adminMspDir`. The password
   * stays in the CA's own home (its server config, 0600) and the environment of one
   * fabric-ca-client run: never an argument, never a log line. Errors: OperationalError naming
   * the CA's log when it does not come up, or the enrollment's output.
   */
  async startMember(options: { memberId: string; adminUsername: string; adminPassword: string }): Promise<FabricMember> {
    const { memberId } = options;
    if (this.members.has(memberId)) throw new OperationalError(`member ${memberId} already has a running CA`);
    const dir = join(this.dir, 'members', memberId);
    const caHome = join(dir, 'ca');
    mkdirSync(caHome, { recursive: true });
    const tls = writeTlsPair(join(dir, 'ca-tls'), await this.tlsCa.issue({ commonName: `ca.${memberId}`, organization: memberId, hosts: LOOPBACK_HOSTS }));
    const member = await startOnFreePorts(
      2,
      async ([port, operationsPort]) => {
        writeFileSync(join(caHome, 'fabric-ca-server-config.yaml'), stringify(caServerConfig(memberId, options.adminUsername, options.adminPassword, port, operationsPort, tls)), { mode: 0o600 });
        const ca = FabricProcess.start(`fabric-ca-server of member ${memberId}`, join(this.binaries.caBin, 'fabric-ca-server'), ['start', '--home', caHome], {
          logFile: join(dir, 'ca.log'),
          env: {},
        });
        const caEndpoint = `127.0.0.1:${port}`;
        const starting: MemberState = {
          memberId,
          caEndpoint,
          caCertPem: '',
          adminMspDir: join(dir, 'admin-msp'),
          orgMspDir: join(dir, 'org-msp'),
          caLogFile: ca.logFile,
          ca,
          caHome,
          dir,
        };
        this.members.set(memberId, starting);
        try {
          await ca.waitHealthy(`http://127.0.0.1:${operationsPort}/healthz`, this.readinessTimeoutMs, caEndpoint);
          await this.caClient(['enroll', '--mspdir', starting.adminMspDir], { FABRIC_CA_CLIENT_URL: `https://${options.adminUsername}:${options.adminPassword}@${caEndpoint}` }, dir);
        } catch (error) {
          await this.stopMember(memberId);
          throw error;
        }
        return starting;
      },
      this.choosePort,
    );
    completeEnrolledMsp(member.adminMspDir, this.tlsCa.certPem, { admincerts: true });
    const caCertPem = readFileSync(join(member.adminMspDir, 'cacerts', 'ca.pem'), 'utf8');
    writeOrgMsp(member.orgMspDir, caCertPem, this.tlsCa.certPem);
    const started = { ...member, caCertPem };
    this.members.set(memberId, started);
    return publicMember(started);
  }

  /** The running member, or undefined. */
  member(memberId: string): FabricMember | undefined {
    const member = this.members.get(memberId);
    return member && publicMember(member);
  }

  /**
   * Adds the member's organisation (MSP id = member id) to `AWSSystemConsortium` with a
   * system channel config update signed by the ordering service admin, as AMB does when a
   * member joins; resolves once the orderer's config holds it. Concurrent calls are batched
   * into one update. A member already in the consortium is left alone.
   */
  async addToConsortium(memberId: string): Promise<void> {
    if (!this.members.has(memberId)) throw new OperationalError(`member ${memberId} has no running CA; startMember first`);
    if (this.consortiumOrgs.has(memberId)) return;
    this.pendingOrgs.add(memberId);
    const run = this.consortiumQueue.then(() => this.applyPendingOrgs());
    this.consortiumQueue = run.catch(() => undefined);
    await run;
    if (!this.consortiumOrgs.has(memberId)) throw new OperationalError(`member ${memberId} could not be added to ${AMB_CONSORTIUM}; see the error of the update that carried it`);
  }

  /** The MSP ids of `AWSSystemConsortium`'s organisations, read from the orderer's system channel. */
  async consortiumMembers(): Promise<string[]> {
    const config = await this.systemChannelConfig(join(this.dir, 'orderer', 'read'));
    return Object.keys(consortiumGroup(config).groups ?? {}).sort();
  }

  /**
   * Registers the node with its member's CA (type `peer`), enrolls it, and starts a peer
   * (`nd-...` as peer id) with TLS from the simulator TLS CA; resolves when it is healthy,
   * listening, and has logged that it started (every listener bound). A peer whose port another
   * process took first is started again on new ports (startOnFreePorts). Errors:
   * ProcessStartError naming the peer's log, quoting its panic or fatal line.
   */
  async startPeer(memberId: string, nodeId: string): Promise<FabricPeer> {
    const member = this.members.get(memberId);
    if (!member) throw new OperationalError(`member ${memberId} has no running CA; startMember first`);
    if (this.peers.has(nodeId)) throw new OperationalError(`node ${nodeId} already runs a peer`);
    const dir = join(member.dir, 'peers', nodeId);
    mkdirSync(dir, { recursive: true });
    const secret = randomBytes(18).toString('base64url');
    await this.caClient(['register', '--id.name', nodeId, '--id.type', 'peer', '--id.affiliation', '', '--mspdir', member.adminMspDir], { FABRIC_CA_CLIENT_URL: `https://${member.caEndpoint}`, FABRIC_CA_CLIENT_ID_SECRET: secret }, dir);
    const msp = join(dir, 'msp');
    await this.caClient(['enroll', '--mspdir', msp], { FABRIC_CA_CLIENT_URL: `https://${nodeId}:${secret}@${member.caEndpoint}` }, dir);
    completeEnrolledMsp(msp, this.tlsCa.certPem);
    const tls = writeTlsPair(join(dir, 'tls'), await this.tlsCa.issue({ commonName: nodeId, organization: memberId, hosts: LOOPBACK_HOSTS }));
    const peer = await startOnFreePorts(
      3,
      async ([port, chaincodePort, operationsPort]) => {
        const address = `127.0.0.1:${port}`;
        const peerProcess = FabricProcess.start(`peer ${nodeId} of member ${memberId}`, join(this.binaries.amb.bin, 'peer'), ['node', 'start'], {
          logFile: join(dir, 'peer.log'),
          env: {
            FABRIC_CFG_PATH: this.configDir,
            FABRIC_LOGGING_SPEC: 'info',
            CORE_PEER_ID: nodeId,
            CORE_PEER_ADDRESS: address,
            CORE_PEER_LISTENADDRESS: address,
            CORE_PEER_CHAINCODEADDRESS: `127.0.0.1:${chaincodePort}`,
            CORE_PEER_CHAINCODELISTENADDRESS: `127.0.0.1:${chaincodePort}`,
            CORE_PEER_GOSSIP_BOOTSTRAP: address,
            CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
            // Fabric's 25 s default leaves another organisation's peers unseen for that long.
            CORE_PEER_GOSSIP_RECONNECTINTERVAL: '1s',
            CORE_PEER_LOCALMSPID: memberId,
            CORE_PEER_MSPCONFIGPATH: msp,
            CORE_PEER_TLS_ENABLED: 'true',
            CORE_PEER_TLS_CERT_FILE: tls.certFile,
            CORE_PEER_TLS_KEY_FILE: tls.keyFile,
            CORE_PEER_TLS_ROOTCERT_FILE: this.tlsCaCertFile,
            CORE_PEER_FILESYSTEMPATH: join(dir, 'data'),
            CORE_OPERATIONS_LISTENADDRESS: `127.0.0.1:${operationsPort}`,
          },
        });
        const peer: PeerState = {
          nodeId,
          memberId,
          peerEndpoint: address,
          peerEventEndpoint: address,
          operationsUrl: `http://127.0.0.1:${operationsPort}`,
          logFile: peerProcess.logFile,
          process: peerProcess,
        };
        this.peers.set(nodeId, peer);
        try {
          await peerProcess.waitHealthy(`${peer.operationsUrl}/healthz`, this.readinessTimeoutMs, address);
          // Healthy and listening comes before the peer binds its chaincode port, which may still
          // fail (it panics); it logs "Started peer" after every listener is bound (Fabric 2.2 and
          // 2.5, internal/peer/node/start.go).
          await peerProcess.waitUntil('started (its log saying "Started peer with ID")', async () => /Started peer with ID/.test(peerProcess.logText()), this.readinessTimeoutMs);
        } catch (error) {
          await this.stopPeer(nodeId);
          throw error;
        }
        return peer;
      },
      this.choosePort,
    );
    return publicPeer(peer);
  }

  /** The running peer, or undefined. */
  peer(nodeId: string): FabricPeer | undefined {
    const peer = this.peers.get(nodeId);
    return peer && publicPeer(peer);
  }

  /** The member's running peers, in the order they were started. */
  peersOf(memberId: string): FabricPeer[] {
    return [...this.peers.values()].filter((peer) => peer.memberId === memberId).map(publicPeer);
  }

  /**
   * Environment for the `peer` CLI acting as the member's admin against one of its peers
   * (the first started when nodeId is omitted): PATH (Fabric 2.2 first), FABRIC_CFG_PATH,
   * CORE_PEER_LOCALMSPID, CORE_PEER_MSPCONFIGPATH, CORE_PEER_TLS_ENABLED,
   * CORE_PEER_TLS_ROOTCERT_FILE, CORE_PEER_ADDRESS (when it has a peer), and ORDERER /
   * ORDERER_TLS_CA for `-o "$ORDERER" --tls --cafile "$ORDERER_TLS_CA"`.
   */
  peerCliEnv(memberId: string, nodeId?: string): Record<string, string> {
    const member = this.members.get(memberId);
    if (!member) throw new OperationalError(`member ${memberId} has no running CA`);
    const peer = nodeId ? this.peers.get(nodeId) : this.peersOf(memberId)[0];
    if (nodeId && peer?.memberId !== memberId) throw new OperationalError(`node ${nodeId} is not a running peer of member ${memberId}`);
    return {
      ...this.cliBaseEnv(),
      CORE_PEER_LOCALMSPID: memberId,
      CORE_PEER_MSPCONFIGPATH: member.adminMspDir,
      ...(peer ? { CORE_PEER_ADDRESS: peer.peerEndpoint } : {}),
    };
  }

  /** Environment for the `peer` CLI acting as the ordering service admin (system channel updates). */
  ordererAdminCliEnv(): Record<string, string> {
    return { ...this.cliBaseEnv(), CORE_PEER_LOCALMSPID: ORDERER_MSP_ID, CORE_PEER_MSPCONFIGPATH: this.ordererAdminMspDir };
  }

  /** Pids and names of every running process, for resource figures. */
  processes(): { name: string; pid: number }[] {
    const all = [this.orderer, ...[...this.members.values()].map((member) => member.ca), ...[...this.peers.values()].map((peer) => peer.process)];
    return all.filter((p) => p.isRunning && p.pid !== undefined).map((p) => ({ name: p.name, pid: p.pid as number }));
  }

  /** Stops the node's peer; its ledger stays in the work folder until stop(). */
  async stopPeer(nodeId: string): Promise<void> {
    const peer = this.peers.get(nodeId);
    if (!peer) return;
    this.peers.delete(nodeId);
    await peer.process.stop();
  }

  /** Stops the member's peers and its CA. It stays in the consortium, as a removed AMB member's org does. */
  async stopMember(memberId: string): Promise<void> {
    await Promise.all(this.peersOf(memberId).map((peer) => this.stopPeer(peer.nodeId)));
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    await member.ca.stop();
  }

  /** Stops every process (peers, CAs, orderer) and removes the work folder unless it was given. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.members.keys()].map((memberId) => this.stopMember(memberId)));
    await this.orderer.stop();
    if (this.removeDirOnStop) rmSync(this.dir, { recursive: true, force: true });
  }

  private cliBaseEnv(): Record<string, string> {
    return {
      PATH: fabricPath(this.binaries),
      FABRIC_CFG_PATH: this.configDir,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_ROOTCERT_FILE: this.tlsCaCertFile,
      ORDERER: this.ordererEndpoint,
      ORDERER_TLS_CA: this.tlsCaCertFile,
    };
  }

  private caClient(args: string[], env: Record<string, string>, dir: string): Promise<string> {
    return runTool(join(this.binaries.caBin, 'fabric-ca-client'), [...args, '--home', join(dir, 'ca-client'), '--tls.certfiles', this.tlsCaCertFile], env);
  }

  private async systemChannelConfig(work: string): Promise<ChannelConfig> {
    mkdirSync(work, { recursive: true });
    const block = join(work, 'config.block');
    await runTool(join(this.binaries.amb.bin, 'peer'), ['channel', 'fetch', 'config', block, '-c', SYSTEM_CHANNEL, '-o', this.ordererEndpoint, '--tls', '--cafile', this.tlsCaCertFile], this.ordererAdminCliEnv());
    const decoded = await this.decode(block, 'common.Block');
    return decoded.data.data[0].payload.data.config as ChannelConfig;
  }

  /**
   * Decodes a protobuf file to JSON. configtxlator writes to a file: its default, /dev/stdout,
   * cannot be opened when stdout is a socket, as Node.js gives child processes.
   */
  private async decode(file: string, type: string) {
    await runTool(join(this.binaries.amb.bin, 'configtxlator'), ['proto_decode', '--input', file, '--type', type, '--output', `${file}.json`]);
    return JSON.parse(readFileSync(`${file}.json`, 'utf8'));
  }

  /** One system channel update adding every pending organisation; waits until the orderer's config shows them. */
  private async applyPendingOrgs(): Promise<void> {
    const orgs = [...this.pendingOrgs].filter((memberId) => !this.consortiumOrgs.has(memberId) && this.members.has(memberId));
    this.pendingOrgs.clear();
    if (orgs.length === 0) return;
    const work = mkdtempSync(join(this.dir, 'orderer', 'update-'));
    const tool = (name: string) => join(this.binaries.amb.bin, name);
    const original = await this.systemChannelConfig(work);
    const updated = structuredClone(original);
    const consortium = consortiumGroup(updated);
    consortium.groups = consortium.groups ?? {};
    writeFileSync(join(work, 'configtx.yaml'), stringify({ Organizations: orgs.map((memberId) => memberOrganization(memberId, (this.members.get(memberId) as MemberState).orgMspDir)) }));
    for (const memberId of orgs) {
      if (consortium.groups[memberId]) continue;
      consortium.groups[memberId] = JSON.parse(await runTool(tool('configtxgen'), ['-configPath', work, '-printOrg', memberId]));
    }
    const encode = async (name: string, value: unknown, type: string) => {
      writeFileSync(join(work, `${name}.json`), JSON.stringify(value));
      await runTool(tool('configtxlator'), ['proto_encode', '--input', join(work, `${name}.json`), '--type', type, '--output', join(work, `${name}.pb`)]);
      return join(work, `${name}.pb`);
    };
    const [before, after] = await Promise.all([encode('original', original, 'common.Config'), encode('updated', updated, 'common.Config')]);
    const updatePb = join(work, 'update.pb');
    await runTool(tool('configtxlator'), ['compute_update', '--channel_id', SYSTEM_CHANNEL, '--original', before, '--updated', after, '--output', updatePb]);
    const update = await this.decode(updatePb, 'common.ConfigUpdate');
    const envelope = await encode('envelope', { payload: { header: { channel_header: { channel_id: SYSTEM_CHANNEL, type: 2 } }, data: { config_update: update } } }, 'common.Envelope');
    await runTool(tool('peer'), ['channel', 'update', '-f', envelope, '-c', SYSTEM_CHANNEL, '-o', this.ordererEndpoint, '--tls', '--cafile', this.tlsCaCertFile], this.ordererAdminCliEnv());
    await this.orderer.waitUntil(
      `showing ${orgs.join(', ')} in ${AMB_CONSORTIUM}`,
      async () => {
        const groups = consortiumGroup(await this.systemChannelConfig(work)).groups ?? {};
        return orgs.every((memberId) => memberId in groups);
      },
      this.readinessTimeoutMs,
    );
    rmSync(work, { recursive: true, force: true });
    for (const memberId of orgs) this.consortiumOrgs.add(memberId);
  }
}

/** The parts of a decoded `common.Config` this module reads and writes. */
interface ConfigGroup {
  groups?: Record<string, unknown>;
}
interface ChannelConfig {
  channel_group: { groups: { Consortiums: { groups: Record<string, ConfigGroup> } } };
}

function consortiumGroup(config: ChannelConfig): ConfigGroup {
  const group = config.channel_group.groups.Consortiums.groups[AMB_CONSORTIUM];
  if (!group) throw new OperationalError(`the system channel has no consortium ${AMB_CONSORTIUM}`);
  return group;
}

function publicMember(member: MemberState): FabricMember {
  const { memberId, caEndpoint, caCertPem, adminMspDir, orgMspDir, caLogFile } = member;
  return { memberId, caEndpoint, caCertPem, adminMspDir, orgMspDir, caLogFile };
}

function publicPeer(peer: PeerState): FabricPeer {
  const { nodeId, memberId, peerEndpoint, peerEventEndpoint, operationsUrl, logFile } = peer;
  return { nodeId, memberId, peerEndpoint, peerEventEndpoint, operationsUrl, logFile };
}

function signature(rule: string) {
  return { Type: 'Signature', Rule: rule };
}

function implicitMeta(rule: string) {
  return { Type: 'ImplicitMeta', Rule: rule };
}

/** A member organisation in configtx.yaml form: MSP id = Name = member id; policies by node OU role. */
export function memberOrganization(memberId: string, mspDir: string) {
  return {
    Name: memberId,
    ID: memberId,
    MSPDir: mspDir,
    Policies: {
      Readers: signature(`OR('${memberId}.admin', '${memberId}.peer', '${memberId}.client')`),
      Writers: signature(`OR('${memberId}.admin', '${memberId}.client')`),
      Admins: signature(`OR('${memberId}.admin')`),
      Endorsement: signature(`OR('${memberId}.peer')`),
    },
  };
}

/**
 * The system channel profile: one Raft orderer, Fabric 2.0 capabilities, a 250 ms batch
 * timeout (new channels inherit it, so tests commit in well under a second) and an empty
 * `AWSSystemConsortium` that members join one by one.
 */
function systemChannelConfigtx(ordererMspDir: string, port: number, tlsCertFile: string, maxMessageCount: number) {
  const v2 = { V2_0: true };
  const ordererOrg = {
    Name: ORDERER_MSP_ID,
    ID: ORDERER_MSP_ID,
    MSPDir: ordererMspDir,
    Policies: {
      Readers: signature(`OR('${ORDERER_MSP_ID}.member')`),
      Writers: signature(`OR('${ORDERER_MSP_ID}.member')`),
      Admins: signature(`OR('${ORDERER_MSP_ID}.admin')`),
    },
    OrdererEndpoints: [`127.0.0.1:${port}`],
  };
  return {
    Profiles: {
      AMBSystemChannel: {
        Capabilities: v2,
        Policies: { Readers: implicitMeta('ANY Readers'), Writers: implicitMeta('ANY Writers'), Admins: implicitMeta('MAJORITY Admins') },
        Orderer: {
          OrdererType: 'etcdraft',
          Addresses: [`127.0.0.1:${port}`],
          BatchTimeout: '250ms',
          BatchSize: { MaxMessageCount: maxMessageCount, AbsoluteMaxBytes: '99 MB', PreferredMaxBytes: '512 KB' },
          EtcdRaft: {
            Consenters: [{ Host: '127.0.0.1', Port: port, ClientTLSCert: tlsCertFile, ServerTLSCert: tlsCertFile }],
            Options: { TickInterval: '100ms', ElectionTick: 10, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: '16 MB' },
          },
          Organizations: [ordererOrg],
          Capabilities: v2,
          Policies: {
            Readers: implicitMeta('ANY Readers'),
            Writers: implicitMeta('ANY Writers'),
            Admins: implicitMeta('MAJORITY Admins'),
            BlockValidation: implicitMeta('ANY Writers'),
          },
        },
        Consortiums: { [AMB_CONSORTIUM]: { Organizations: [] } },
      },
    },
  };
}

/** fabric-ca-server's configuration: loopback, TLS from the simulator TLS CA, the admin as the bootstrap identity of type `admin`. */
function caServerConfig(memberId: string, adminUsername: string, adminPassword: string, port: number, operationsPort: number, tls: { certFile: string; keyFile: string }) {
  return {
    port,
    address: '127.0.0.1',
    tls: { enabled: true, certfile: tls.certFile, keyfile: tls.keyFile },
    ca: { name: memberId },
    csr: { cn: `ca.${memberId}`, names: [{ O: memberId }], hosts: [...LOOPBACK_HOSTS] },
    registry: {
      maxenrollments: -1,
      identities: [
        {
          name: adminUsername,
          pass: adminPassword,
          type: 'admin',
          affiliation: '',
          attrs: {
            'hf.Registrar.Roles': '*',
            'hf.Registrar.DelegateRoles': '*',
            'hf.Registrar.Attributes': '*',
            'hf.Revoker': true,
            'hf.IntermediateCA': true,
            'hf.GenCRL': true,
            'hf.AffiliationMgr': true,
          },
        },
      ],
    },
    operations: { listenAddress: `127.0.0.1:${operationsPort}`, tls: { enabled: false } },
    metrics: { provider: 'disabled' },
  };
}

/** The release's core.yaml with no Docker (`vm.endpoint` empty), the ccaas builder, LevelDB and plain-HTTP operations. */
function writeCoreYaml(dir: string, binaries: FabricBinaries): void {
  const core = parse(readFileSync(join(binaries.amb.config, 'core.yaml'), 'utf8'));
  core.vm.endpoint = '';
  core.chaincode.externalBuilders = [
    { name: 'ccaas_builder', path: binaries.amb.ccaasBuilder, propagateEnvironment: ['CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG'] },
    // Builds and runs Node.js packages as AMB's Node.js chaincode image does (see node-builder/).
    { name: 'amb_node_builder', path: NODE_BUILDER_DIR },
  ];
  core.ledger.state.stateDatabase = 'goleveldb';
  core.operations.tls.enabled = false;
  core.metrics.provider = 'disabled';
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'config', 'core.yaml'), stringify(core));
}

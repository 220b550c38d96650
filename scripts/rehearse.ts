/**
 * `npm run rehearse`: plays the consortium's life against an in-process AMB simulator with
 * the real commands over HTTP, each acting with its own member's credentials (the simulator
 * takes a 12-digit access key id as the account): the founder creates the network, sync,
 * propose, every member votes, invitees accept and join, sync, logging, then one member is
 * marked removed and voted out. Works on a temporary copy of CONSORTIUM_DIR (default
 * members/) with the recorded ids stripped; the user's files are never touched. Exits 0 only
 * when the final network matches the config.
 *
 * With --adopt the consortium starts as most do today: the network and all members but the
 * last are created straight through the API (as in the console), then adopted one by one
 * (npm run adopt), a peer is added to an adopted member as code, and the consortium goes on
 * as usual. Every adopted member's stack is synthesized and checked to declare nothing that
 * already exists.
 */
import { GetMemberCommand, GetNodeCommand, paginateListNodes, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App } from 'cdktf';
import { startSimulator, type RunningSimulator } from '../sim';
import { createAmbClient, type RetryPolicy } from '../lib/amb-client';
import { parseArgs, usage, type CommandSpec } from '../lib/args';
import { runMain } from '../lib/cli';
import { executeCommand, type Command } from '../lib/command';
import { CONSORTIUM_FILE, consortiumDir, loadConsortium, type Consortium, type Member } from '../lib/config';
import { recordInYamlFile } from '../lib/config/record';
import { OperationalError, UsageError } from '../lib/errors';
import { actionKeysOf, actionsOfDescription } from '../lib/governance/actions';
import { proposer } from '../lib/members';
import { capturingIo, processIo, Reporter, type Io } from '../lib/output';
import { adoptedResourcesDeclared, type SynthesizedStack } from '../lib/rehearsal/adoption-check';
import { inviteInConsole, joinInConsole, type ConsoleMember } from '../lib/rehearsal/console';
import { createJoiningMember, createNetworkAsFounder, createPeers, memberStatus, nodeStatus, type AdminPasswords } from '../lib/rehearsal/stand-in-deploy';
import { nodeLogicalId } from '../stacks/ledger-template';
import { MemberStack } from '../stacks/member-stack';
import { executeAdopt, type AdoptResult } from './adopt';
import { fabricBinaries } from '../sim/fabric/binaries';
import { enrollAdmin, peerChannels } from '../sim/fabric/client';
import { disposeWorkspace, prepareWorkspace, restoreLedgerSections } from '../lib/rehearsal/workspace';
import { DEFAULT_WIRING, type LedgerWiring, type StepsResult } from '../lib/fabric/ledger-command';
import { LocalTransport } from '../lib/fabric/transport';
import { TAMPERED_EXIT_CODE, offchainStoreOf, type StoredDocument } from '../lib/offchain';
import { DOCUMENTS_CHAINCODE, type AnchorResult, type LedgerVerifiedDocument } from '../lib/offchain-ledger';
import { startMotoServer, type MotoServer } from '../sim/moto';
import { chaincodeCommand } from './chaincode';
import { channelCommand } from './channel';
import { mspCommand, type MspResult } from './msp';
import { executeOffchain } from './offchain';
import { acceptInvitation, type AcceptResult } from './accept-invitation';
import { configureLogging, type LoggingResult } from './configure-logging';
import { propose, type ProposeResult } from './propose';
import { status, type StatusResult } from './status';
import { sync, type SyncResult } from './sync';
import { vote, type VoteResult } from './vote';

export interface RehearsalOptions {
  /** The consortium to rehearse; it is copied, never modified. */
  readonly sourceDir: string;
  /** Member voted out at the end. @default the last non-founder member */
  readonly remove?: string;
  /** Injected into the simulator. @default none */
  readonly faults?: { readonly throttleRate?: number; readonly serverErrorRate?: number; readonly seed?: number };
  /** Where progress goes (stderr). */
  readonly io: Io;
  /** Keep the working copy and say where it is. @default false */
  readonly keepWorkspace?: boolean;
  /**
   * Start from a network and members created through the API (as in the console) and adopt
   * them, instead of the founder's deploy. @default false
   */
  readonly adopt?: boolean;
  /**
   * Real Fabric 2.2 behind the simulator (`--fabric`): once every member has joined, the
   * ledger's life follows (channels, chaincode, a document anchored, verified and tampered
   * with, with moto_server as S3), and the rehearsal ends by enrolling each remaining member's
   * admin from its CA and asking every peer for its channels.
   * @default false
   */
  readonly fabric?: boolean;
}

export interface TimelineEntry {
  /** Simulated time since the rehearsal began, h:mm. */
  readonly at: string;
  readonly actor: string;
  readonly step: string;
  readonly detail: string;
  /** Times the step was run again after an operational failure (each run is idempotent). */
  readonly reruns: number;
}

/** The off-chain document of a rehearsal with real Fabric: stored, anchored, verified, tampered with. */
export interface DocumentCheck {
  readonly owner: string;
  readonly key: string;
  readonly channel: string;
  /** The version anchored and its SHA-256. */
  readonly versionId: string;
  readonly sha256: string;
  /** MSP id the ledger recorded as the anchoring member. */
  readonly anchoredBy: string;
  /** verify --from-ledger passed (exit 0) before the tampering. */
  readonly verified: boolean;
  /** verify --from-ledger exited 3 after other bytes were put under the key. */
  readonly tamperCaught: boolean;
}

/** One member's Fabric at the end of a rehearsal with real Fabric. */
export interface FabricCheck {
  readonly member: string;
  readonly adminEnrolled: boolean;
  /** Node ids whose peer answered `peer channel list`. */
  readonly peersAnswering: readonly string[];
}

export interface RehearsalSummary {
  readonly sourceDir: string;
  readonly workspace?: string;
  readonly removed: string;
  readonly networkId: string;
  readonly timeline: readonly TimelineEntry[];
  readonly final: StatusResult;
  /** Proposals per action key (invite:<account>, remove:<member id>); each should be 1. */
  readonly proposalsPerAction: Readonly<Record<string, number>>;
  readonly apiCalls: number;
  readonly callsByOperation: Readonly<Record<string, number>>;
  /** Members created through the API and adopted (--adopt); empty otherwise. */
  readonly adopted: readonly string[];
  /** With `fabric`: per remaining member, its enrolled admin and the peers that answered. */
  readonly fabric?: readonly FabricCheck[];
  /** With `fabric`: the document anchored on the ledger, when the consortium has a documents chaincode. */
  readonly document?: DocumentCheck;
  /** Why the rehearsal failed; empty when the final network matches the config. */
  readonly problems: readonly string[];
  readonly ok: boolean;
}

/** Simulated minutes a member or node spends CREATING, as on AMB (roughly). */
const CREATION_DELAY_MS = 30 * 60_000;
/** On loopback against the simulator there is no service to spare: retry fast and often, so injected faults are absorbed. */
const SIMULATOR_RETRY: RetryPolicy = { maxAttempts: 12, baseDelayMs: 10, maxDelayMs: 250 };
/** Real-time bound on a wait for real Fabric processes to come up. */
const FABRIC_READY_LIMIT_MS = 180_000;
/** Extra runs of a step whose retries ran out: re-running is safe by design. */
const STEP_RERUNS = 2;

export async function rehearse(options: RehearsalOptions): Promise<RehearsalSummary> {
  const source = loadConsortium(options.sourceDir);
  const adoptedNames = options.adopt ? inConsole(source) : [];
  const removed = chooseRemoval(source, options.remove, adoptedNames);
  const workspace = prepareWorkspace(options.sourceDir);
  const progress = new Reporter(options.io, false);
  const sim = await startSimulator({ nodeCreationDelayMs: CREATION_DELAY_MS, faults: options.faults, fabric: options.fabric });
  const adminPasswords: AdminPasswords = new Map();
  let advancedMs = 0;
  const simNow = () => new Date(Date.now() + advancedMs);
  const advance = (ms: number) => {
    sim.advanceClock(ms);
    advancedMs += ms;
  };
  const timeline: TimelineEntry[] = [];
  const env = { ...process.env, CONSORTIUM_DIR: workspace };
  const clients = new Map<string, ManagedBlockchainClient>();
  const clientFor = (member: Member, consortium: Consortium) => {
    const existing = clients.get(member.accountId);
    if (existing) return existing;
    const client = createAmbClient({
      region: consortium.network.region,
      endpoint: sim.endpoint,
      credentials: { accessKeyId: member.accountId, secretAccessKey: 'rehearsal' },
      retry: SIMULATOR_RETRY,
    });
    clients.set(member.accountId, client);
    return client;
  };
  const load = () => loadConsortium(workspace);
  const memberOf = (name: string) => load().members.find((member) => member.name === name)!;

  async function step(actor: string, name: string, work: () => Promise<string>): Promise<void> {
    for (let reruns = 0; ; reruns++) {
      try {
        const detail = await work();
        timeline.push({ at: clockText(advancedMs), actor, step: name, detail, reruns });
        progress.done(`${actor}: ${name}: ${detail}${reruns ? ` (after ${reruns} re-run${reruns === 1 ? '' : 's'})` : ''}`);
        return;
      } catch (error) {
        if (!(error instanceof OperationalError) || reruns === STEP_RERUNS) throw error;
        progress.warn(`${actor}: ${name} failed (${error.message.split('\n')[0]}); running it again`);
      }
    }
  }

  async function run<Result>(command: Command<Result>, member: string, extra: readonly string[] = []): Promise<Result> {
    const io = capturingIo();
    try {
      return (await executeCommand(command, ['--member', member, '--json', ...extra], { io, env, clientFor, now: simNow }))!;
    } finally {
      for (const line of io.err.join('').split('\n').filter(Boolean)) options.io.stderr(`    ${member}: ${line}\n`);
    }
  }

  /** Polls with the simulated clock moving on; with real Fabric also in real time, while its processes start. */
  async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + FABRIC_READY_LIMIT_MS;
    for (let polls = 0; polls < 4 || (options.fabric && Date.now() < deadline); polls++) {
      if (await check()) return;
      if (polls < 4) advance(CREATION_DELAY_MS);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new OperationalError(`the simulator never reported ${what}`);
  }

  async function waitForMember(client: ManagedBlockchainClient, name: string, networkId: string, memberId: string, nodes: readonly string[]): Promise<void> {
    await waitUntil(`${name} AVAILABLE`, async () => (await memberStatus(client, networkId, memberId)) === 'AVAILABLE');
    await waitUntil(`${name}'s peers AVAILABLE`, async () => (await Promise.all(nodes.map((node) => nodeStatus(client, networkId, memberId, node)))).every((state) => state === 'AVAILABLE'));
  }

  /** The founder's deploy (stand-in) and sync. */
  async function foundByDeploy(founder: Member): Promise<string> {
    const founderClient = clientFor(founder, load());
    let networkId = '';
    await step(founder.name, 'deploy (stand-in: CreateNetwork, CreateNode)', async () => {
      const created = await createNetworkAsFounder(founderClient, load(), founder, workspace, adminPasswords);
      networkId = created.networkId;
      await waitUntil(`${founder.name} AVAILABLE`, async () => (await memberStatus(founderClient, networkId, created.memberId)) === 'AVAILABLE');
      const nodes = await createPeers(founderClient, networkId, created.memberId, founder);
      await waitForMember(founderClient, founder.name, networkId, created.memberId, nodes);
      return `network ${networkId}, member ${created.memberId}, ${nodes.length} peer${nodes.length === 1 ? '' : 's'}`;
    });
    await step(founder.name, 'sync', async () => describeSync(await run(sync, founder.name)));
    return networkId;
  }

  /** Network and members created through the API as a person does in the console, then adopted one by one. */
  async function foundInConsoleAndAdopt(founder: Member): Promise<string> {
    const founderClient = clientFor(founder, load());
    const inNetwork: ConsoleMember[] = [];
    let networkId = '';
    await step(founder.name, 'console: CreateNetwork, CreateNode', async () => {
      const created = await createNetworkAsFounder(founderClient, load(), founder, workspace);
      networkId = created.networkId;
      await waitUntil(`${founder.name} AVAILABLE`, async () => (await memberStatus(founderClient, networkId, created.memberId)) === 'AVAILABLE');
      const nodes = await createPeers(founderClient, networkId, created.memberId, founder);
      await waitForMember(founderClient, founder.name, networkId, created.memberId, nodes);
      inNetwork.push({ client: founderClient, memberId: created.memberId });
      return `network ${networkId}, member ${created.memberId}, ${nodes.length} peer${nodes.length === 1 ? '' : 's'}`;
    });
    for (const name of adoptedNames.filter((candidate) => candidate !== founder.name)) {
      await step(name, 'console: invited by proposal, CreateMember, CreateNode', async () => {
        const member = memberOf(name);
        const client = clientFor(member, load());
        const proposalId = await inviteInConsole(networkId, inNetwork, member.accountId);
        const memberId = await joinInConsole(client, networkId, member);
        await waitUntil(`${name} AVAILABLE`, async () => (await memberStatus(client, networkId, memberId)) === 'AVAILABLE');
        const nodes = await createPeers(client, networkId, memberId, member);
        await waitForMember(client, name, networkId, memberId, nodes);
        inNetwork.push({ client, memberId });
        return `invited by ${proposalId}, member ${memberId}, ${nodes.length} peer${nodes.length === 1 ? '' : 's'}`;
      });
    }
    for (const name of adoptedNames) {
      await step(name, 'adopt', async () => describeAdopt(await adopt(name)));
      await step(name, 'sync', async () => describeSync(await run(sync, name)));
    }
    return networkId;
  }

  async function adopt(name: string): Promise<AdoptResult> {
    const member = memberOf(name);
    const io = capturingIo();
    const secret = `arn:${member.region.startsWith('us-gov') ? 'aws-us-gov' : 'aws'}:secretsmanager:${member.region}:${member.accountId}:secret:amb/${load().network.name}/${name}/admin-Rhrsl0`;
    try {
      return (await executeAdopt(['--member', name, '--json', '--admin-secret-arn', secret], { io, env, client: clientFor(member, load()) }))!;
    } finally {
      for (const line of io.err.join('').split('\n').filter(Boolean)) options.io.stderr(`    ${name}: ${line}\n`);
    }
  }

  /** A peer added to an adopted member as code: one Node on the recorded ids, created by its deploy (stand-in). */
  async function addPeerAsCode(name: string): Promise<void> {
    await step('operator', `add a peer to ${name}`, async () => {
      const member = memberOf(name);
      const zone = `${member.region}${member.peers.some((peer) => peer.availabilityZone.endsWith('b')) ? 'a' : 'b'}`;
      recordInYamlFile(member.file, [{ path: ['peers', member.peers.length], value: { name: 'added', instanceType: 'bc.t3.small', availabilityZone: zone } }]);
      return `${member.file}: peers[${member.peers.length}] added (bc.t3.small, ${zone})`;
    });
    await step(name, 'deploy (stand-in: CreateNode on the recorded ids)', async () => {
      const member = memberOf(name);
      const client = clientFor(member, load());
      const nodes = await createPeers(client, load().network.id!, member.memberId!, { ...member, peers: member.peers.filter((peer) => !peer.adopted) });
      await waitForMember(client, name, load().network.id!, member.memberId!, nodes);
      return `node ${nodes.join(', ')}`;
    });
    await step(name, 'sync', async () => describeSync(await run(sync, name)));
  }

  let moto: MotoServer | undefined;
  let s3: S3Client | undefined;

  /**
   * The ledger's life once every member has joined, as operators run it with --local on their
   * Fabric clients (here the simulator's Fabric, each member with its own admin): channels and
   * chaincode written into the YAML, msp by every member, channel by the creators first then
   * the others, chaincode by each member of its channel; then a document stored in its owner's
   * bucket (moto_server), anchored, verified from the ledger, tampered with and caught.
   */
  async function rehearseLedger(networkId: string, problems: string[]): Promise<DocumentCheck | undefined> {
    const fabricNetwork = sim.fabric?.network(networkId);
    if (!fabricNetwork) throw new OperationalError(`the simulator runs no Fabric for network ${networkId}`);
    let channelNames: string[] = [];
    await step('operator', 'add channels and chaincode to consortium.yaml', async () => {
      channelNames = restoreLedgerSections(workspace, options.sourceDir);
      const chaincodes = load().chaincodes.map((chaincode) => `${chaincode.name} on ${chaincode.channel}`);
      return channelNames.length === 0 ? `${options.sourceDir} has no channels: no ledger to rehearse` : `channels ${channelNames.join(', ')}; chaincode ${chaincodes.join(', ') || 'none'}`;
    });
    if (channelNames.length === 0) return undefined;
    const wiring: LedgerWiring = {
      transportFor(context) {
        if (context.args.flags.local !== true) throw new UsageError(`${context.member.name}: the rehearsal runs ledger steps with --local`);
        return new LocalTransport(fabricNetwork.peerCliEnv(context.member.memberId!), `${context.member.name}'s Fabric client (simulator)`);
      },
      // As on AWS: the acting member's own account resolves only its own peers (GetNode); other members' peers come from the channel config's anchor peers.
      directoryFor: DEFAULT_WIRING.directoryFor,
    };
    const onChannels = () => load().members.filter((member) => !member.removed && load().channels.some((channel) => channel.members.includes(member.name)));
    for (const member of onChannels()) await step(member.name, 'msp --local', async () => describeMsp(await run(mspCommand(wiring), member.name, ['--local'])));
    const creatorsFirst = () => [...new Set([...load().channels.map((channel) => channel.creator), ...onChannels().map((member) => member.name)])];
    for (const name of creatorsFirst()) await step(name, 'channel --local', async () => describeSteps(await run(channelCommand(wiring), name, ['--local'])));
    for (const chaincode of load().chaincodes) {
      for (const name of load().channels.find((channel) => channel.name === chaincode.channel)!.members) {
        await step(name, 'chaincode --local', async () => describeSteps(await run(chaincodeCommand(wiring), name, ['--local'])));
      }
    }
    await addToChannel(wiring, problems);
    await step('operator', 'check: channel --local again for every member', async () => {
      for (const name of creatorsFirst()) {
        const again = await run(channelCommand(wiring), name, ['--local']);
        if (again.steps.length > 0) problems.push(`ledger: npm run channel -- --member ${name} still has steps after every member ran it: ${describeSteps(again)}`);
      }
      return problems.length === 0 ? 'nothing left to do on any channel' : `${problems.length} problem(s)`;
    });
    return rehearseDocument(wiring, problems);
  }

  /**
   * A member on no channel yet (the sample's ott-vendor-2) added to an existing channel (one
   * without chaincode when there is one: plays) by a config update a majority of the channel's
   * organisations sign, collected under channels/<channel>/updates/: it publishes its MSP, the
   * operator lists it in the channel, each current member runs channel (the one completing the
   * majority submits), then the new member joins its peers and sets its anchor peer.
   */
  async function addToChannel(wiring: LedgerWiring, problems: string[]): Promise<void> {
    const joiner = load().members.find((member) => !member.removed && member.memberId && !load().channels.some((channel) => channel.members.includes(member.name)));
    const channels = load().channels;
    const target = channels.find((channel) => !load().chaincodes.some((chaincode) => chaincode.channel === channel.name)) ?? channels[0];
    if (!joiner) return;
    const current = [...new Set([target.creator, ...target.members])];
    await step(joiner.name, 'msp --local', async () => describeMsp(await run(mspCommand(wiring), joiner.name, ['--local'])));
    await step('operator', `add ${joiner.name} to ${target.name}`, async () => {
      recordInYamlFile(join(workspace, CONSORTIUM_FILE), [{ path: ['channels', channels.indexOf(target), 'members'], value: [...target.members, joiner.name] }]);
      return `${join(workspace, CONSORTIUM_FILE)}: channels[${channels.indexOf(target)}].members: ${[...target.members, joiner.name].join(', ')}`;
    });
    for (const name of current) await step(name, 'channel --local', async () => describeSteps(await run(channelCommand(wiring), name, ['--local'])));
    await step(joiner.name, 'channel --local', async () => {
      const result = await run(channelCommand(wiring), joiner.name, ['--local']);
      if (!result.steps.some((entry) => entry.subject === target.name && entry.step === 'join' && entry.outcome === 'done')) problems.push(`ledger: ${joiner.name} did not join ${target.name} after the update: ${describeSteps(result)}`);
      return describeSteps(result);
    });
  }

  /** A document in the owner's bucket, anchored, verified from the ledger, then tampered with and caught. */
  async function rehearseDocument(wiring: LedgerWiring, problems: string[]): Promise<DocumentCheck | undefined> {
    const chaincode = load().chaincodes.find((candidate) => candidate.name === DOCUMENTS_CHAINCODE);
    if (!chaincode) return undefined;
    const channel = load().channels.find((candidate) => candidate.name === chaincode.channel)!;
    const owner = channel.members.map((name) => memberOf(name)).find((member) => member.offchain)?.name ?? channel.creator;
    if (!memberOf(owner).offchain) {
      await step('operator', `add an off-chain store to ${owner}`, async () => {
        recordInYamlFile(memberOf(owner).file, [{ path: ['offchain'], value: {}, after: ['identities', 'logging', 'client'] }]);
        return `${memberOf(owner).file}: offchain: {}`;
      });
    }
    const { bucket, region } = offchainStoreOf(load(), owner);
    await step(owner, 'deploy (stand-in: the versioned off-chain bucket, in moto_server)', async () => {
      moto ??= await startMotoServer();
      s3 ??= new S3Client({ region, endpoint: moto.endpoint, forcePathStyle: true, credentials: { accessKeyId: memberOf(owner).accountId, secretAccessKey: 'rehearsal' }, responseChecksumValidation: 'WHEN_REQUIRED' });
      await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: Error) => {
        if (error.name !== 'BucketAlreadyOwnedByYou') throw error;
      });
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      return `s3://${bucket} (${moto.endpoint})`;
    });
    const offchain = async <T>(...argv: string[]): Promise<{ result: T; exitCode: number }> => {
      const io = capturingIo();
      try {
        const outcome = await executeOffchain([...argv, '--member', owner, '--json'], { io, env, wiring, clientFor, s3 });
        return { result: JSON.parse(io.out.join('')) as T, exitCode: outcome.exitCode };
      } finally {
        for (const line of io.err.join('').split('\n').filter(Boolean)) options.io.stderr(`    ${owner}: ${line}\n`);
      }
    };
    const key = 'statements/rehearsal.csv';
    const file = (name: string, text: string) => {
      const path = join(dirname(workspace), name);
      writeFileSync(path, text);
      return path;
    };
    let stored: StoredDocument | undefined;
    let anchored: AnchorResult | undefined;
    let verified = false;
    let tamperCaught = false;
    await step(owner, 'offchain put', async () => {
      stored = (await offchain<StoredDocument>('put', file('statement.csv', 'film,period,amount\nfilm-1,2027-01,1200.00\n'), '--key', key)).result;
      return `${key} version ${stored.versionId}, SHA-256 ${stored.sha256}`;
    });
    await step(owner, 'offchain anchor --local', async () => {
      anchored = (await offchain<AnchorResult>('anchor', key, '--local')).result;
      return `${anchored.outcome} on ${anchored.channel} by ${anchored.record?.mspId} as ${anchored.signer} (tx ${anchored.record?.txId})`;
    });
    await step(owner, 'offchain verify --from-ledger --local', async () => {
      const { result, exitCode } = await offchain<LedgerVerifiedDocument>('verify', key, '--from-ledger', '--local');
      verified = exitCode === 0 && result.intact;
      if (!verified) problems.push(`ledger: ${key} did not verify against its anchor (exit ${exitCode})`);
      return `${result.intact ? 'intact' : 'TAMPERED'} (exit ${exitCode}): content SHA-256 ${result.sha256}, anchored ${result.anchor.sha256}`;
    });
    await step('operator', `tamper: other bytes under ${key}`, async () => {
      const forged = (await offchain<StoredDocument>('put', file('forged.csv', 'film,period,amount\nfilm-1,2027-01,12000.00\n'), '--key', key)).result;
      return `version ${forged.versionId}, SHA-256 ${forged.sha256}`;
    });
    await step(owner, 'offchain verify --from-ledger --local', async () => {
      const { result, exitCode } = await offchain<LedgerVerifiedDocument>('verify', key, '--from-ledger', '--local');
      tamperCaught = exitCode === TAMPERED_EXIT_CODE && !result.intact;
      if (!tamperCaught) problems.push(`ledger: the tampered ${key} was not caught (exit ${exitCode})`);
      return `${result.intact ? 'intact' : 'TAMPERED'} (exit ${exitCode}): version ${result.versionId} is ${result.versionAnchored ? '' : 'not '}anchored; content SHA-256 ${result.sha256}, anchored ${result.anchor.sha256}`;
    });
    if (!stored?.versionId || !anchored?.record) return undefined;
    return { owner, key, channel: channel.name, versionId: stored.versionId, sha256: stored.sha256, anchoredBy: anchored.record.mspId, verified, tamperCaught };
  }

  try {
    const founder = memberOf(source.founder);
    const founderClient = clientFor(founder, load());
    const networkId = options.adopt ? await foundInConsoleAndAdopt(founder) : await foundByDeploy(founder);
    const adoptionProblems: string[] = [];
    if (options.adopt) {
      const grower = adoptedNames[1];
      await addPeerAsCode(grower);
      await step(grower, 'adopt again', async () => describeAdopt(await adopt(grower)));
      await step('operator', 'synthesize the adopted members\' stacks', async () => {
        adoptionProblems.push(...adoptedResourcesDeclared(load(), synthesizeStacks(load(), adoptedNames), (name) => nodeLogicalId('Peer', name)));
        return adoptionProblems.length === 0 ? `${adoptedNames.length} stacks declare no adopted member or peer; the added peer is a Node on the recorded ids` : `${adoptionProblems.length} problem(s)`;
      });
    }

    const proposerName = proposer(load())!.name;
    await step(proposerName, 'propose', async () => describePropose(await run(propose, proposerName)));
    for (const member of joined(load())) await step(member.name, 'vote', async () => describeVote(await run(vote, member.name)));

    for (const invitee of load().members.filter((member) => !member.isFounder && !member.joined)) {
      await step(invitee.name, 'accept-invitation', async () => describeAccept(await run(acceptInvitation, invitee.name)));
      await step(invitee.name, 'deploy (stand-in: CreateMember, CreateNode)', async () => {
        const member = memberOf(invitee.name);
        const client = clientFor(member, load());
        const memberId = await createJoiningMember(client, networkId, member, adminPasswords);
        await waitUntil(`${member.name} AVAILABLE`, async () => (await memberStatus(client, networkId, memberId)) === 'AVAILABLE');
        const nodes = await createPeers(client, networkId, memberId, member);
        await waitForMember(client, member.name, networkId, memberId, nodes);
        return `member ${memberId} with invitation ${member.invitationId}, ${nodes.length} peer${nodes.length === 1 ? '' : 's'}`;
      });
      await step(invitee.name, 'sync', async () => describeSync(await run(sync, invitee.name)));
    }
    for (const member of joined(load())) await step(member.name, 'configure-logging', async () => describeLogging(await run(configureLogging, member.name)));
    const ledgerProblems: string[] = [];
    const document = options.fabric ? await rehearseLedger(networkId, ledgerProblems) : undefined;

    await step('operator', `mark ${removed} removed`, async () => {
      recordInYamlFile(memberOf(removed).file, [{ path: ['removed'], value: true }]);
      return `${join(workspace, `${removed}.yaml`)}: removed: true`;
    });
    await step(proposerName, 'propose', async () => describePropose(await run(propose, proposerName)));
    for (const member of votersLastRemoved(load())) {
      await step(member.name, 'vote', async () => {
        const state = await memberStatus(clientFor(member, load()), networkId, member.memberId!);
        return state === 'AVAILABLE' ? describeVote(await run(vote, member.name)) : `no vote: member ${member.memberId} is ${state} (voted out)`;
      });
    }
    await step('AMB', `delete ${removed}`, async () => {
      const removedMember = memberOf(removed);
      await waitUntil(`${removed} DELETED`, async () => (await memberStatus(founderClient, networkId, removedMember.memberId!)) === 'DELETED');
      return `member ${removedMember.memberId} DELETED`;
    });

    const problems: string[] = [...adoptionProblems, ...ledgerProblems];
    const again = await run(propose, proposerName);
    if (again.proposals.some((entry) => entry.outcome === 'created')) problems.push(`a second propose created proposals: ${describePropose(again)}`);
    const final = await run(status, proposerName);
    const proposalsPerAction = countProposals(final);
    for (const [key, count] of Object.entries(proposalsPerAction)) if (count !== 1) problems.push(`${count} proposals for ${key}`);
    for (const item of final.drift) problems.push(`drift: ${item.subject}: ${item.problem}`);
    let fabric: FabricCheck[] | undefined;
    if (options.fabric && sim.fabric) {
      const tlsChainFile = sim.fabric.tlsChainFile;
      const checks: FabricCheck[] = [];
      fabric = checks;
      for (const member of load().members.filter((candidate) => !candidate.removed && candidate.memberId)) {
        const client = clientFor(member, load());
        await step(member.name, 'Fabric: enroll the admin, ask every peer', async () => {
          const checked = await checkFabric(client, networkId, member, adminPasswords.get(member.name)!, tlsChainFile, workspace);
          checks.push(checked);
          if (!checked.adminEnrolled || checked.peersAnswering.length !== member.peers.length) problems.push(`Fabric: ${member.name}: ${checked.peersAnswering.length} of ${member.peers.length} peers answered`);
          return `admin ${member.adminUsername} enrolled; ${checked.peersAnswering.length} peer${checked.peersAnswering.length === 1 ? '' : 's'} answering`;
        });
      }
    }
    return {
      sourceDir: options.sourceDir,
      workspace: options.keepWorkspace ? workspace : undefined,
      removed,
      networkId,
      timeline,
      final,
      proposalsPerAction,
      apiCalls: sim.requestCount(),
      callsByOperation: sim.requestsByOperation(),
      adopted: adoptedNames,
      fabric,
      document,
      problems,
      ok: problems.length === 0,
    };
  } finally {
    for (const client of clients.values()) client.destroy();
    s3?.destroy();
    await moto?.stop().catch(() => undefined);
    await stopQuietly(sim);
    if (!options.keepWorkspace) disposeWorkspace(workspace);
  }
}

/** Under --adopt: the founder and every other member but the last are created in the console; the last joins by deploy. */
function inConsole(consortium: Consortium): string[] {
  const others = consortium.members.filter((member) => member.name !== consortium.founder).map((member) => member.name);
  if (others.length < 2) throw new UsageError(`--adopt needs a founder and at least two other members in ${consortium.dir}: one to adopt, one to invite as code`);
  return [consortium.founder, ...others.slice(0, -1)];
}

/** The adopted members' stacks as Terraform JSON, synthesized into a temporary directory. */
function synthesizeStacks(consortium: Consortium, names: readonly string[]): Record<string, SynthesizedStack> {
  const outdir = mkdtempSync(join(tmpdir(), 'amb-rehearsal-synth-'));
  try {
    const app = new App({ outdir });
    for (const name of names) new MemberStack(app, { consortium, member: consortium.members.find((member) => member.name === name)! });
    app.synth();
    return Object.fromEntries(names.map((name) => [name, JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as SynthesizedStack]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function chooseRemoval(consortium: Consortium, requested: string | undefined, adopted: readonly string[] = []): string {
  const names = consortium.members.map((member) => member.name);
  if (requested !== undefined) {
    if (!names.includes(requested)) throw new UsageError(`--remove: "${requested}" is not a member of the consortium (allowed: ${names.filter((name) => name !== consortium.founder).join(', ')})`);
    if (requested === consortium.founder) throw new UsageError(`--remove: ${requested} is the founder; rehearse removing another member`);
    return requested;
  }
  // Under --adopt an adopted member is voted out, to show that removal works for them too.
  const others = (adopted.length > 1 ? adopted : names).filter((name) => name !== consortium.founder);
  if (others.length === 0) throw new UsageError(`the consortium in ${consortium.dir} has only its founder; a rehearsal needs a member to invite and remove`);
  return others[others.length - 1];
}

/** Members the config says are in the network by now (recorded), removed ones included until they go. */
function joined(consortium: Consortium): Member[] {
  return consortium.members.filter((member) => member.memberId !== undefined);
}

/** The member being voted out votes last, and only if the others have not decided yet. */
function votersLastRemoved(consortium: Consortium): Member[] {
  const voters = joined(consortium);
  return [...voters.filter((member) => !member.removed), ...voters.filter((member) => member.removed)];
}

function countProposals(final: StatusResult): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const proposal of final.proposals) {
    const actions = actionsOfDescription(proposal.description);
    for (const key of actions ? actionKeysOf(actions) : [`unrecognised:${proposal.id}`]) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * As the member's Fabric client would: its admin enrolled from the CA that GetMember names,
 * then `peer channel list` against each AVAILABLE node's PeerEndpoint. Errors propagate.
 */
async function checkFabric(client: ManagedBlockchainClient, networkId: string, member: Member, adminPassword: string, tlsChainFile: string, workspace: string): Promise<FabricCheck> {
  const memberId = member.memberId!;
  const binaries = fabricBinaries();
  const { Member: described } = await client.send(new GetMemberCommand({ NetworkId: networkId, MemberId: memberId }));
  const mspDir = join(workspace, '.fabric-clients', member.name, 'admin-msp');
  await enrollAdmin(binaries, { caEndpoint: described!.FrameworkAttributes!.Fabric!.CaEndpoint!, adminUsername: member.adminUsername, adminPassword, tlsChainFile, mspDir });
  const peersAnswering: string[] = [];
  for await (const page of paginateListNodes({ client }, { NetworkId: networkId, MemberId: memberId, Status: 'AVAILABLE' })) {
    for (const node of page.Nodes ?? []) {
      const { Node } = await client.send(new GetNodeCommand({ NetworkId: networkId, MemberId: memberId, NodeId: node.Id! }));
      await peerChannels(binaries, { memberId, mspDir, peerEndpoint: Node!.FrameworkAttributes!.Fabric!.PeerEndpoint!, tlsChainFile });
      peersAnswering.push(node.Id!);
    }
  }
  return { member: member.name, adminEnrolled: true, peersAnswering };
}

/** Runs in `finally`: a simulator that fails to stop must not hide the rehearsal's own error. */
async function stopQuietly(sim: RunningSimulator): Promise<void> {
  await sim.stop().catch(() => undefined);
}

function clockText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

function describeSync(result: SyncResult): string {
  const recorded = result.files.filter((file) => file.outcome !== 'unchanged').map((file) => file.what);
  return recorded.length > 0 ? `recorded ${recorded.join('; ')}` : 'nothing new to record';
}

function describePropose(result: ProposeResult): string {
  const created = result.proposals.filter((entry) => entry.outcome === 'created');
  if (created.length === 0) return 'nothing to propose';
  return created.map((entry) => `${entry.proposalId} ${entry.action.kind} ${entry.action.member}`).join(', ') + `; voted YES on ${result.votes.length}`;
}

function describeVote(result: VoteResult): string {
  if (result.decisions.length === 0) return result.alreadyVoted.length > 0 ? `already voted on ${result.alreadyVoted.join(', ')}` : 'no open proposal';
  return result.decisions.map((entry) => `${entry.vote} on ${entry.proposalId} (${entry.outcome})`).join(', ');
}

function describeAdopt(result: AdoptResult): string {
  const changed = result.files.filter((file) => file.outcome !== 'unchanged').length;
  return `member ${result.memberId}, ${result.peers.length} existing peer${result.peers.length === 1 ? '' : 's'} (${result.peers.map((peer) => `${peer.name} ${peer.nodeId}`).join(', ')}); ${changed === 0 ? 'nothing new to record' : `${changed} file${changed === 1 ? '' : 's'} written`}`;
}

function describeMsp(result: MspResult): string {
  return result.changed.length === 0 ? `${result.folder} up to date` : `wrote ${result.changed.length} certificate file${result.changed.length === 1 ? '' : 's'} under ${result.folder}`;
}

/** A ledger command's steps in one line: `royalties: create done, join peer1 (nd-...) done; plays: wait waiting`. */
function describeSteps(result: StepsResult): string {
  if (result.steps.length === 0) return 'nothing to do';
  const subjects = [...new Set(result.steps.map((step) => step.subject))];
  return subjects.map((subject) => `${subject}: ${result.steps.filter((step) => step.subject === subject).map((step) => `${step.step}${step.step === 'join' ? ` ${step.target}` : ''} ${step.outcome}`).join(', ')}`).join('; ');
}

function describeAccept(result: AcceptResult): string {
  return `${result.outcome} invitation ${result.invitationId} (expires ${result.expiresAt ?? '-'})`;
}

function describeLogging(result: LoggingResult): string {
  return result.changes.length > 0 ? `updated ${result.changes.map((change) => change.id).join(', ')}` : 'already as configured';
}

const REHEARSE: CommandSpec = {
  name: 'rehearse',
  summary:
    "Play the consortium's life against an in-process AMB simulator with the real commands: the founder creates the network, members are invited, vote, accept and join, logging is set, then one member is voted out. Works on a copy of CONSORTIUM_DIR (default members/); exits 0 only when the final network matches the config.",
  actsAsMember: false,
  flags: {
    remove: { type: 'string', placeholder: 'NAME', description: 'the member voted out at the end (default: the last non-founder member)' },
    'throttle-rate': { type: 'number', placeholder: 'SHARE', description: 'share of requests (0-1) the simulator throttles', default: 0 },
    'server-error-rate': { type: 'number', placeholder: 'SHARE', description: 'share of requests (0-1) answered with a 500', default: 0 },
    seed: { type: 'number', placeholder: 'N', description: 'seed of the injected faults', default: 1 },
    keep: { type: 'boolean', description: 'keep the working copy of the consortium and print its path' },
    adopt: { type: 'boolean', description: 'create the network and all members but the last through the API (as in the console), adopt them, then go on as code' },
    fabric: { type: 'boolean', description: 'run real Hyperledger Fabric 2.2 behind the simulator and end by enrolling every admin and asking every peer (needs npm run fabric:install)' },
  },
  examples: ['npm run rehearse', 'npm run rehearse -- --adopt', 'npm run rehearse -- --fabric', 'npm run rehearse -- --remove bank --json', 'CONSORTIUM_DIR=path/to/members npm run rehearse -- --throttle-rate 0.3 --server-error-rate 0.05'],
};

async function main(argv: readonly string[]): Promise<void> {
  const io = processIo();
  const args = parseArgs(REHEARSE, argv);
  if (args.help) {
    io.stdout(`${usage(REHEARSE)}\n`);
    return;
  }
  const throttleRate = Number(args.flags['throttle-rate']);
  const serverErrorRate = Number(args.flags['server-error-rate']);
  if (throttleRate > 1 || serverErrorRate > 1 || throttleRate + serverErrorRate > 1) throw new UsageError('rehearse: --throttle-rate and --server-error-rate are shares of requests between 0 and 1, together at most 1');
  const summary = await rehearse({
    sourceDir: consortiumDir(),
    remove: args.flags.remove as string | undefined,
    faults: { throttleRate, serverErrorRate, seed: Number(args.flags.seed) },
    io,
    keepWorkspace: args.flags.keep === true,
    adopt: args.flags.adopt === true,
    fabric: args.flags.fabric === true,
  });
  const out = new Reporter(io, args.json);
  out.result(summary);
  out.table(
    `Rehearsal of ${summary.sourceDir} on network ${summary.networkId}`,
    [
      { title: 'T+', value: (entry: TimelineEntry) => entry.at, alignRight: true },
      { title: 'ACTOR', value: (entry: TimelineEntry) => entry.actor },
      { title: 'STEP', value: (entry: TimelineEntry) => entry.step },
      { title: 'RESULT', value: (entry: TimelineEntry) => `${entry.detail}${entry.reruns ? ` (re-run ${entry.reruns}x)` : ''}` },
    ],
    summary.timeline,
  );
  if (!args.json) status.render(summary.final, out);
  out.print(`${summary.apiCalls} AMB API calls${summary.workspace ? `; working copy kept in ${summary.workspace}` : ''}`);
  if (!summary.ok) throw new OperationalError(`rehearsal failed: the final network does not match the config:\n${summary.problems.join('\n')}`);
  out.print('Rehearsal passed: the final network matches the config.');
}

if (require.main === module) void runMain(() => main(process.argv.slice(2)));

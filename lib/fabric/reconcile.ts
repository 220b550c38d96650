/**
 * Applies one member's part of the YAML's channels and chaincode to the ledger: read the
 * ledger through a step, plan (pure), run the planned steps, and report every step with its
 * outcome, as `vote` reports its decisions. Safe to re-run after any failure: every step
 * checks the ledger before it writes.
 */
import { join } from 'node:path';
import type { Chaincode, Channel, Consortium, Member } from '../config';
import { readYamlValue, recordInYamlFile } from '../config/record';
import { CONSORTIUM_FILE } from '../config/load';
import { OperationalError } from '../errors';
import { planChaincode, type ChaincodeLedgerState } from './chaincode-plan';
import { planChannel, WAITING_STEPS, type ChannelLedgerState, type ChannelStep } from './channel-plan';
import { assembleSigned, readChannelUpdate, readChannelUpdates, recordChannelUpdate, recordSignature, signatureFromSigned, updatesFolder, type RecordedUpdate } from './channel-update';
import { channelCreateFiles, mspPublished, orgDefinitionFiles } from './configtx';
import type { LedgerDirectory, PeerEndpoint } from './directory';
import { buildChaincodePackage } from './package';
import { required, signaturePolicy } from './policies';
import type { StepTransport } from './transport';

export interface StepReport {
  /** Channel name, or `<channel>/<chaincode>`. */
  readonly subject: string;
  readonly step: string;
  /** Peer, anchor or package the step acts on. */
  readonly target: string;
  /** done: changed the ledger; unchanged: found done (an earlier run); would-do: dry run; waiting: others must act first. A failing step stops the command (exit 1). */
  readonly outcome: 'done' | 'unchanged' | 'would-do' | 'waiting';
  readonly reason: string;
}

export interface ReconcileOptions {
  readonly consortium: Consortium;
  readonly member: Member;
  readonly directory: LedgerDirectory;
  readonly transport: StepTransport;
  readonly dryRun: boolean;
  /** Progress lines (stderr). */
  readonly progress?: (message: string) => void;
}

/** `PEERS` of the state steps: `nodeId=host:port ...`. */
function peersParam(peers: readonly PeerEndpoint[]): string {
  return peers.map((peer) => `${peer.nodeId}=${peer.endpoint}`).join(' ');
}

export async function reconcileChannels(options: ReconcileOptions & { readonly repositoryRoot: string }): Promise<StepReport[]> {
  const { consortium, member, directory, transport } = options;
  const reports: StepReport[] = [];
  const mspId = directory.mspId(member.name);
  const peers = await directory.peers(member.name);
  const mspIds = knownMspIds(consortium, directory);
  const publishedMsp = consortium.members.map((candidate) => candidate.name).filter((name) => mspPublished(consortium, name));
  for (const channel of consortium.channels) {
    const updates = readChannelUpdates(options.repositoryRoot, channel.name);
    if (!channel.members.includes(member.name) && !updates.some((update) => update.summary.remove.includes(mspId))) continue;
    const readState = () => transport.run<ChannelLedgerState>({ step: 'channel-state', params: { CHANNEL: channel.name, PEERS: peersParam(peers) } });
    options.progress?.(`reading channel ${channel.name} (${transport.description})`);
    const state = await readState();
    const input = { channel, member: member.name, mspId, peers, state, mspIds, updates: updates.map((update) => update.summary), publishedMsp };
    const steps = planChannel(input);
    const own = steps.filter((step) => OWN_STEPS.has(step.kind));
    reports.push(...(await perform(options, channel.name, own, channelTarget, (step) => runChannelStep({ ...options, channel, state, mspIds, mspId }, step))));
    // The member's own config updates (creation, a first anchor peer) move the versions an
    // organisations update reads: plan that part again from the config as it is now.
    const moved = !options.dryRun && own.some((step) => step.kind !== 'join');
    const now = moved ? await readState() : state;
    const rest = (moved ? planChannel({ ...input, state: now }) : steps).filter((step) => !OWN_STEPS.has(step.kind));
    reports.push(...(await perform(options, channel.name, rest, channelTarget, (step) => runChannelStep({ ...options, channel, state: now, mspIds, mspId }, step))));
  }
  return reports;
}

/** The steps that change only the acting member's part of a channel. */
const OWN_STEPS: ReadonlySet<ChannelStep['kind']> = new Set(['create', 'join', 'anchor']);

/** MSP id by member name, for every member whose member id is recorded (npm run sync). */
function knownMspIds(consortium: Consortium, directory: LedgerDirectory): Record<string, string> {
  return Object.fromEntries(consortium.members.filter((candidate) => candidate.memberId !== undefined).map((candidate) => [candidate.name, directory.mspId(candidate.name)]));
}

function channelTarget(step: ChannelStep): string {
  if (step.kind === 'join') return `${step.peer.name} (${step.peer.nodeId})`;
  if (step.kind === 'anchor') return step.anchors.join(' ');
  if ('update' in step && step.update !== undefined) return `updates/${step.update}`;
  return step.channel;
}

interface ChannelStepContext extends ReconcileOptions {
  readonly repositoryRoot: string;
  readonly channel: Channel;
  readonly state: ChannelLedgerState;
  readonly mspIds: Readonly<Record<string, string>>;
  readonly mspId: string;
}

/** Runs one channel step; true when it changed the ledger (or git, for compute and sign). */
async function runChannelStep(context: ChannelStepContext, step: ChannelStep): Promise<boolean> {
  const { consortium, directory, transport, channel } = context;
  const params = { CHANNEL: channel.name };
  switch (step.kind) {
    case 'create':
      return (await transport.run<{ created: boolean }>({ step: 'channel-create', params, files: channelCreateFiles(consortium, channel, (name) => directory.mspId(name)) })).created;
    case 'join':
      return (await transport.run<{ joined: boolean }>({ step: 'channel-join', params: { ...params, PEER_ADDRESS: step.peer.endpoint } })).joined;
    case 'anchor':
      return (await transport.run<{ updated: boolean }>({ step: 'channel-anchor', params: { ...params, ANCHORS: step.anchors.join(' ') } })).updated;
    case 'compute':
      return computeUpdate(context, step);
    case 'sign':
      return signUpdate(context, step.update);
    case 'submit':
      return submitUpdate(context, step.update);
    default:
      throw new OperationalError(`${channel.name}: no runner for step ${step.kind}`);
  }
}

/** Computes the update on the member's Fabric client and records it in git. */
async function computeUpdate(context: ChannelStepContext, step: Extract<ChannelStep, { kind: 'compute' }>): Promise<boolean> {
  const { consortium, transport, channel, state, mspIds, member, repositoryRoot } = context;
  const nameOf = (id: string) => Object.keys(mspIds).find((name) => mspIds[name] === id) ?? id;
  const added = step.add.map(nameOf);
  const result = await transport.run<{ sequence: number; envelope: string; update: unknown }>({
    step: 'channel-update-compute',
    params: { CHANNEL: channel.name, ADD: step.add.join(' '), REMOVE: step.remove.join(' ') },
    files: orgDefinitionFiles(consortium, added, (name) => mspIds[name]),
  });
  if (result.sequence !== state.sequence) throw new OperationalError(`${channel.name}'s config moved from sequence ${state.sequence} to ${result.sequence} while the update was computed; run npm run channel again`);
  const rule = state.adminsRule ?? channel.policies.admins;
  const ref = (id: string) => ({ member: nameOf(id), mspId: id });
  recordChannelUpdate(repositoryRoot, step.update, {
    channel: channel.name,
    baseSequence: result.sequence,
    add: step.add.map(ref),
    remove: step.remove.map(ref),
    computedBy: member.name,
    policy: `${rule} Admins`,
    required: required(rule, state.orgs.length),
    signers: state.orgs.map(ref),
  }, Buffer.from(result.envelope, 'base64'), result.update);
  return true;
}

function recordedUpdate({ repositoryRoot, channel }: ChannelStepContext, name: string): RecordedUpdate {
  return readChannelUpdate(join(updatesFolder(repositoryRoot, channel.name), name));
}

/** Signs the update with the acting member's admin (on its own client) and records the signature in git. */
async function signUpdate(context: ChannelStepContext, name: string): Promise<boolean> {
  const update = recordedUpdate(context, name);
  if (update.signatures.has(context.mspId)) return false;
  const { envelope } = await context.transport.run<{ envelope: string }>({ step: 'channel-update-sign', params: { CHANNEL: context.channel.name }, files: { 'envelope.pb': update.envelope } });
  recordSignature(update, signatureFromSigned(Buffer.from(envelope, 'base64'), context.member.name, context.mspId));
  return true;
}

/**
 * Submits the update with every recorded signature of the channel's organisations. Refused as
 * stale by the orderer: unchanged when the ledger already shows the change (another member
 * submitted it first), else an OperationalError saying to recompute.
 */
async function submitUpdate(context: ChannelStepContext, name: string): Promise<boolean> {
  const { transport, channel, state } = context;
  const update = recordedUpdate(context, name);
  const signers = [...update.signatures.keys()].filter((id) => state.orgs.includes(id));
  const result = await transport.run<{ submitted: boolean }>({ step: 'channel-update-submit', params: { CHANNEL: channel.name, SEQUENCE: String(state.sequence) }, files: { 'signed.pb': assembleSigned(update, signers) } });
  if (result.submitted) return true;
  const now = await transport.run<ChannelLedgerState>({ step: 'channel-state', params: { CHANNEL: channel.name, PEERS: '' } });
  const { add, remove } = update.summary;
  if (add.every((id) => now.orgs.includes(id)) && remove.every((id) => !now.orgs.includes(id))) return false;
  throw new OperationalError(`${channel.name} changed since ${name} was computed (config sequence ${update.summary.baseSequence}, now ${now.sequence}), so the orderer refused it; delete ${update.folder}/ and run npm run channel again to compute a fresh update, then collect the signatures again`);
}

/**
 * Reports each planned step: `wait` as waiting, every step as would-do in a dry run, else runs
 * it and reports done (it changed the ledger) or unchanged (an earlier run had done it).
 */
async function perform<Step extends { readonly kind: string; readonly reason: string }>(
  { dryRun, progress }: ReconcileOptions,
  subject: string,
  steps: readonly Step[],
  targetOf: (step: Step) => string,
  act: (step: Step) => Promise<boolean>,
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  for (const step of steps) {
    const report = { subject, step: step.kind, target: targetOf(step), reason: step.reason };
    if (WAITING_STEPS.has(step.kind as ChannelStep['kind'])) reports.push({ ...report, outcome: 'waiting' });
    else if (dryRun) reports.push({ ...report, outcome: 'would-do' });
    else {
      progress?.(`${step.kind} ${report.target} (${subject})`);
      reports.push({ ...report, outcome: (await act(step)) ? 'done' : 'unchanged' });
    }
  }
  return reports;
}

/** The parameters that name a chaincode definition in the lifecycle steps. */
export function definitionParams(chaincode: Chaincode, channelMspIds: readonly string[]): Record<string, string> {
  return {
    CHANNEL: chaincode.channel,
    NAME: chaincode.name,
    VERSION: chaincode.version,
    SEQUENCE: String(chaincode.sequence),
    SIGNATURE_POLICY: signaturePolicy(chaincode.endorsementPolicy, channelMspIds),
    INIT_REQUIRED: String(chaincode.initRequired),
  };
}

/** collections_config.json of a definition (Fabric docs, "Private data collection definition"), or none. */
export function collectionsConfig(chaincode: Chaincode, mspIdOf: (member: string) => string): string | undefined {
  if (chaincode.collections.length === 0) return undefined;
  return JSON.stringify(
    chaincode.collections.map((collection) => ({
      name: collection.name,
      policy: `OR(${collection.members.map((member) => `'${mspIdOf(member)}.member'`).join(', ')})`,
      requiredPeerCount: collection.requiredPeerCount,
      maxPeerCount: collection.maxPeerCount,
      blockToLive: collection.blockToLive,
      memberOnlyRead: collection.memberOnlyRead,
      memberOnlyWrite: collection.memberOnlyWrite,
    })),
  );
}

export async function reconcileChaincodes(options: ReconcileOptions & { readonly repositoryRoot: string }): Promise<StepReport[]> {
  const { consortium, member, directory, transport, dryRun } = options;
  const reports: StepReport[] = [];
  const mspId = directory.mspId(member.name);
  const peers = await directory.peers(member.name);
  for (const [index, chaincode] of consortium.chaincodes.entries()) {
    const channel = consortium.channels.find((candidate) => candidate.name === chaincode.channel)!;
    if (!channel.members.includes(member.name)) continue;
    const subject = `${chaincode.channel}/${chaincode.name}`;
    options.progress?.(`packaging ${chaincode.name} ${chaincode.version} from ${chaincode.path}`);
    const built = await buildChaincodePackage(chaincode, options.repositoryRoot);
    const consortiumFile = join(consortium.dir, CONSORTIUM_FILE);
    const recorded = (readYamlValue(consortiumFile, ['chaincodes', index, 'packageId']) as string | undefined) ?? chaincode.packageId;
    if (recorded !== undefined && recorded.startsWith(`${built.label}:`) && recorded !== built.packageId) {
      throw new OperationalError(`${subject}: this build is ${built.packageId}, but ${consortiumFile} records ${recorded}; build from the same commit with node_modules from npm ci --omit=dev --ignore-scripts, or find what differs (the package must be byte-identical for every member)`);
    }
    if (recorded === undefined || !recorded.startsWith(`${built.label}:`)) {
      reports.push({ subject, step: 'record-package-id', target: built.packageId, outcome: dryRun ? 'would-do' : 'done', reason: `first build of ${built.label}; the other members check theirs against it` });
      if (!dryRun) recordInYamlFile(consortiumFile, [{ path: ['chaincodes', index, 'packageId'], value: built.packageId, after: ['endorsementPolicy', 'sequence'] }]);
    }
    const channelMspIds = channel.members.map((name) => directory.mspId(name));
    const definition = definitionParams(chaincode, channelMspIds);
    const collections = collectionsConfig(chaincode, (name) => directory.mspId(name));
    const definitionFiles = collections ? { 'collections.json': collections } : undefined;
    options.progress?.(`reading ${subject} (${transport.description})`);
    const state = await transport.run<ChaincodeLedgerState>({ step: 'chaincode-state', params: { ...definition, PEERS: peersParam(peers) }, files: definitionFiles });
    const steps = planChaincode({ chaincode, channel, member: member.name, mspId, peers, packageId: built.packageId, state });
    reports.push(
      ...(await perform(options, subject, steps, (step) => (step.kind === 'install' ? `${step.peer.name} (${step.peer.nodeId})` : built.packageId), async (step) => {
        if (step.kind === 'install') {
          return (await transport.run<{ installed: boolean }>({ step: 'chaincode-install', params: { PEER_ADDRESS: step.peer.endpoint, PACKAGE_ID: built.packageId }, files: { 'package.tgz': built.bytes } })).installed;
        }
        if (step.kind === 'approve') {
          return (await transport.run<{ approved: boolean }>({ step: 'chaincode-approve', params: { ...definition, PACKAGE_ID: built.packageId, PEER_ADDRESS: peers[0].endpoint }, files: definitionFiles })).approved;
        }
        return (await transport.run<{ committed: boolean }>({ step: 'chaincode-commit', params: definition, files: definitionFiles })).committed;
      })),
    );
    const committedNow = steps.some((step) => step.kind === 'commit') || (state.committed?.sequence ?? 0) >= chaincode.sequence;
    if (!dryRun && committedNow && (chaincode.committed?.sequence ?? 0) < chaincode.sequence) {
      recordInYamlFile(consortiumFile, [{ path: ['chaincodes', index, 'ledger'], value: { sequence: chaincode.sequence, version: chaincode.version }, comment: 'Written by `npm run chaincode`: the definition committed on the channel. Do not edit.' }]);
    }
  }
  return reports;
}

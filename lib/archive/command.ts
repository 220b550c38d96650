/**
 * `npm run archive -- [verify|show] ...`: argument parsing, where the archive is, and the
 * human and JSON renderings. The work itself is in ./archiver, ./verify and ./show.
 */
import { parseArgs, usage, type CommandSpec, type ParsedArgs } from '../args';
import type { Consortium, Member } from '../config';
import { UsageError } from '../errors';
import { memberBucketNameOf } from '../offchain-bucket';
import type { Reporter } from '../output';
import type { ChannelArchiveResult } from './archiver';
import { CHANNEL_NAME_PATTERN } from './layout';
import type { ShownBlock, ShownTransaction } from './show';
import type { ChannelVerification } from './verify';

const PEER_CLI = {
  'peer-cli': { type: 'boolean', description: 'read blocks one at a time with `peer channel fetch` instead of one Deliver stream from the peer (slower; for a host where gRPC to the peer is not possible)' },
} as const;

const WHERE = {
  bucket: { type: 'string', placeholder: 'NAME', description: "an archive bucket to use instead of the member's (a copy handed to an auditor); needs no members/ files" },
  region: { type: 'string', placeholder: 'REGION', description: "region of --bucket (default: the member's, or AWS_REGION)" },
} as const;

export const ARCHIVE_SPECS = {
  archive: {
    name: 'archive',
    summary: "Copies every block not yet archived, of every channel the member's peer has joined, from its own peer into its archive bucket.",
    flags: { channel: { type: 'string', placeholder: 'NAME', description: 'only this channel' }, ...PEER_CLI, ...WHERE },
    examples: ['npm run archive -- --member bank', 'npm run archive -- --member bank --dry-run --json'],
  },
  verify: {
    name: 'archive verify',
    summary: 'Verifies the archive from the bucket alone (header chain, data hashes, object hashes, manifest); exit 3 when broken, naming the first bad block.',
    flags: {
      channel: { type: 'string', placeholder: 'NAME', description: 'only this channel (default: every archived channel)' },
      live: { type: 'boolean', description: "also check that the archive's last block is a block of the live chain (needs the peer CLI environment)" },
      ...PEER_CLI,
      ...WHERE,
    },
    examples: ['npm run archive -- verify --member bank', 'npm run archive -- verify --member bank --channel royalties --live'],
  },
  show: {
    name: 'archive show',
    summary: 'Reads a transaction (--tx) or a block (--block) back from the archive.',
    flags: {
      channel: { type: 'string', placeholder: 'NAME', description: 'the channel (required)' },
      tx: { type: 'string', placeholder: 'TXID', description: 'a transaction id' },
      block: { type: 'number', placeholder: 'N', description: 'a block number' },
      ...WHERE,
    },
    examples: ['npm run archive -- show --member bank --channel royalties --tx 3f2a...', 'npm run archive -- show --member bank --channel royalties --block 42 --json'],
  },
} satisfies Record<string, CommandSpec>;

export type ArchiveAction = keyof typeof ARCHIVE_SPECS;

export interface ArchiveInvocation {
  readonly action: ArchiveAction;
  readonly args: ParsedArgs;
  readonly channel?: string;
  readonly bucket?: string;
  readonly region?: string;
  readonly tx?: string;
  readonly block?: number;
  readonly live: boolean;
  /** Read blocks through `peer channel fetch` rather than the Deliver stream. */
  readonly peerCli: boolean;
}

/** Usage text of one action, with the sub-command where npm needs it (`npm run archive -- verify --member ...`). */
export function archiveUsage(action: ArchiveAction): string {
  return usage(ARCHIVE_SPECS[action]).replace(/^usage: npm run archive (verify|show) --/, 'usage: npm run archive -- $1');
}

/** Parses `[verify|show] --member M ...`; UsageError (exit 2) for anything not allowed. */
export function parseArchiveArgs(argv: readonly string[]): ArchiveInvocation {
  const [first, ...rest] = argv;
  const action: ArchiveAction = first === 'verify' || first === 'show' ? first : 'archive';
  const own = action === 'archive' ? argv : rest;
  if (action === 'archive' && first !== undefined && !first.startsWith('-')) {
    throw new UsageError(`archive: unknown command "${first}" (allowed: verify, show, or none to archive)\n\n${archiveUsage('archive')}`);
  }
  const spec = ARCHIVE_SPECS[action];
  const args = parseArgs(spec, own);
  const flags = args.flags;
  const channel = flags.channel as string | undefined;
  if (channel !== undefined && !CHANNEL_NAME_PATTERN.test(channel)) {
    throw new UsageError(`${spec.name}: --channel "${channel}" is not a Fabric channel name (allowed: lower-case letters, digits, dots and hyphens, starting with a letter)`);
  }
  const invocation: ArchiveInvocation = {
    action,
    args,
    channel,
    bucket: flags.bucket as string | undefined,
    region: flags.region as string | undefined,
    tx: flags.tx as string | undefined,
    block: flags.block as number | undefined,
    live: flags.live === true,
    peerCli: flags['peer-cli'] === true,
  };
  if (action === 'show' && !args.help) {
    if (channel === undefined) throw new UsageError(`${spec.name}: --channel NAME is required\n\n${archiveUsage(action)}`);
    if ((invocation.tx === undefined) === (invocation.block === undefined)) throw new UsageError(`${spec.name}: give exactly one of --tx TXID or --block N\n\n${archiveUsage(action)}`);
    if (invocation.block !== undefined && !Number.isSafeInteger(invocation.block)) throw new UsageError(`${spec.name}: --block ${invocation.block} is not a block number (allowed: an integer >= 0)`);
  }
  if (action !== 'archive' && args.dryRun) throw new UsageError(`${spec.name}: --dry-run does not apply (${action} writes nothing)`);
  if (invocation.region !== undefined && invocation.bucket === undefined) throw new UsageError(`${spec.name}: --region applies to --bucket only`);
  return invocation;
}

/** Deterministic name of a member's archive bucket, `<network>-<member>-archive-<account>` (at most 63 characters). */
export function archiveBucketName(consortium: Consortium, member: Member): string {
  return memberBucketNameOf('archive', consortium.network.name, member.name, member.accountId);
}

/** The member's archive bucket and region, or a usage error saying why it has none. */
export function archiveLocationOf(consortium: Consortium, memberName: string): { member: Member; bucket: string; region: string } {
  const member = consortium.members.find((candidate) => candidate.name === memberName);
  if (!member) throw new UsageError(`--member: "${memberName}" is not a member of the consortium in ${consortium.dir} (allowed: ${consortium.members.map((m) => m.name).join(', ')})`);
  if (!member.joined) throw new UsageError(`--member: ${member.name} has not joined the network yet, so it has no ledger and no archive bucket`);
  return { member, bucket: archiveBucketName(consortium, member), region: consortium.network.region };
}

export function renderArchived(results: readonly ChannelArchiveResult[], out: Reporter): void {
  out.table(
    results.some((result) => result.dryRun) ? 'Archive plan (dry run: nothing written)' : 'Archived',
    [
      { title: 'CHANNEL', value: (row: ChannelArchiveResult) => row.channel },
      { title: 'ARCHIVED BEFORE', value: (row) => String(row.archivedBefore), alignRight: true },
      { title: 'LIVE HEIGHT', value: (row) => String(row.liveHeight), alignRight: true },
      { title: copiedColumnTitle(results), value: (row) => String(row.copied), alignRight: true },
      { title: 'HEIGHT', value: (row) => String(row.height), alignRight: true },
      { title: 'LAST HEADER HASH', value: (row) => row.lastHeaderHash.slice(0, 16) },
    ],
    results,
  );
}

function copiedColumnTitle(results: readonly ChannelArchiveResult[]): string {
  return results.some((result) => result.dryRun) ? 'TO COPY' : 'COPIED';
}

export function renderVerified(results: readonly ChannelVerification[], out: Reporter): void {
  out.table(
    'Archive verification',
    [
      { title: 'CHANNEL', value: (row: ChannelVerification) => row.channel },
      { title: 'VERDICT', value: (row) => (row.intact ? 'intact' : `BROKEN at block ${row.firstBadBlock ?? '(manifest)'}`) },
      { title: 'HEIGHT', value: (row) => String(row.height), alignRight: true },
      { title: 'CHECKED', value: (row) => String(row.blocksChecked), alignRight: true },
      { title: 'LIVE', value: (row) => (row.live ? (row.live.matches ? `matches ${row.live.peer}` : 'DIFFERS') : '-') },
      { title: 'RUNNING HASH', value: (row) => row.runningHash.slice(0, 16) },
    ],
    results,
  );
  for (const result of results) {
    for (const problem of result.problems.slice(0, 20)) out.print(`${result.channel}: ${problem.block === undefined ? 'manifest' : `block ${problem.block}`}: ${problem.problem}`);
    if (result.problems.length > 20) out.print(`${result.channel}: ... and ${result.problems.length - 20} more problems (--json lists them all)`);
    if (result.beyondManifest > 0) out.print(`${result.channel}: ${result.beyondManifest} block(s) beyond the manifest from an interrupted run; the next archive run takes them in`);
  }
}

export function renderBlock(block: ShownBlock, out: Reporter): void {
  out.print(
    [
      `channel ${block.channel}, block ${block.number}`,
      `  header hash    ${block.headerHash}`,
      `  previous hash  ${block.previousHash}`,
      `  data hash      ${block.dataHash}`,
      `  SHA-256        ${block.sha256} (${block.matchesManifest ? 'matches the manifest' : 'DOES NOT match the manifest: run verify'})`,
      `  transactions   ${block.transactions.length}`,
    ].join('\n'),
  );
  for (const transaction of block.transactions) {
    out.print(`  ${String(transaction.index).padStart(3)}  ${transaction.txId || '(no id)'}  ${transaction.type}  ${transaction.creatorMsp}  ${transaction.chaincode?.name ?? '-'}  ${transaction.validationCode}`);
  }
}

export function renderTransaction(shown: ShownTransaction, out: Reporter): void {
  const { transaction: tx, block } = shown;
  const lines = [
    `transaction ${tx.txId}`,
    `  channel          ${tx.channel}, block ${tx.blockNumber}, position ${tx.index}`,
    `  type             ${tx.type}`,
    `  timestamp        ${tx.timestamp}`,
    `  creator MSP      ${tx.creatorMsp}`,
    `  validation code  ${tx.validationCode}`,
    `  chaincode        ${tx.chaincode ? `${tx.chaincode.name} ${tx.chaincode.version}` : '-'}`,
    `  arguments        ${tx.args.map((arg) => JSON.stringify(arg)).join(' ') || '-'}`,
    `  endorsers        ${tx.endorsers.join(', ') || '-'}`,
    `  block SHA-256    ${block.sha256} (${block.matchesManifest ? 'matches the manifest' : 'DOES NOT match the manifest: run verify'})`,
  ];
  for (const ns of tx.rwsets) {
    lines.push(`  namespace ${ns.namespace}`);
    for (const read of ns.reads) lines.push(`    read   ${read.key}${read.version ? ` @ block ${read.version.block} tx ${read.version.tx}` : ' (absent)'}`);
    for (const write of ns.writes) lines.push(`    ${write.isDelete ? 'delete' : 'write '} ${write.key}${write.isDelete ? '' : ` = ${JSON.stringify(write.value)}`}`);
    if (ns.collections.length) lines.push(`    private collections (hashes only): ${ns.collections.join(', ')}`);
  }
  out.print(lines.join('\n'));
}

/**
 * The archive command's frame: where the archive is (the member's bucket from members/, or
 * --bucket), the S3 client and the peer, then archive, verify or show.
 */
import { consortiumDir, loadConsortium } from '../config';
import { UsageError } from '../errors';
import { offchainS3Client } from '../offchain';
import { processIo, Reporter, type Io } from '../output';
import { archiveMember } from './archiver';
import { ARCHIVE_SPECS, archiveLocationOf, archiveUsage, parseArchiveArgs, renderArchived, renderBlock, renderTransaction, renderVerified } from './command';
import { BROKEN_EXIT_CODE } from './layout';
import { showBlock, showTransaction } from './show';
import { DeliverBlockSource } from './deliver';
import { PeerCliBlockSource, type BlockSource } from './source';
import { S3ArchiveStore } from './store';
import { verifyChannel } from './verify';

export interface ArchiveEnvironment {
  readonly io?: Io;
  /** Read for CONSORTIUM_DIR, AWS_*, FABRIC_BIN_DIR and the peer CLI variables. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The member's peer. @default its Deliver service (one stream per range of blocks), or with --peer-cli the peer CLI, with `env` */
  readonly source?: BlockSource;
}

/** Runs `archive`, `archive verify` or `archive show`; returns the exit code: 0, or 3 when verify finds the archive broken. Throws what runMain maps to 1 and 2. */
export async function runArchiveCommand(argv: readonly string[], environment: ArchiveEnvironment = {}): Promise<number> {
  const io = environment.io ?? processIo();
  const env = environment.env ?? process.env;
  const invocation = parseArchiveArgs(argv);
  const spec = ARCHIVE_SPECS[invocation.action];
  if (invocation.args.help) {
    io.stdout(`${archiveUsage(invocation.action)}\n`);
    return 0;
  }
  const memberName = invocation.args.member!;
  const where =
    invocation.bucket !== undefined
      ? { bucket: invocation.bucket, region: invocation.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION, owner: memberName }
      : (() => {
          const location = archiveLocationOf(loadConsortium(consortiumDir(env)), memberName);
          return { bucket: location.bucket, region: location.region, owner: location.member.name };
        })();
  if (!where.region) throw new UsageError(`${spec.name}: --bucket needs --region (or AWS_REGION)`);
  const out = new Reporter(io, invocation.args.json);
  const client = offchainS3Client(where.region, env);
  const store = new S3ArchiveStore(client, where.bucket, where.owner);
  let opened: BlockSource | undefined;
  const peer = () => (opened ??= environment.source ?? (invocation.peerCli ? new PeerCliBlockSource({ env }) : new DeliverBlockSource({ env })));
  try {
    if (invocation.action === 'archive') {
      const results = await archiveMember(peer(), store, {
        member: memberName,
        channel: invocation.channel,
        dryRun: invocation.args.dryRun,
        progress: (message) => out.progress(message),
      });
      out.result({ member: memberName, bucket: where.bucket, dryRun: invocation.args.dryRun, channels: results });
      renderArchived(results, out);
      return 0;
    }
    if (invocation.action === 'verify') {
      const channels = invocation.channel !== undefined ? [invocation.channel] : await store.listChannels();
      if (channels.length === 0) throw new UsageError(`archive verify: ${store.location} holds no archived channel (no manifest under channels/)`);
      const live = invocation.live ? peer() : undefined;
      const results = [];
      for (const channel of channels) results.push(await verifyChannel(store, channel, { live, progress: (message) => out.progress(message) }));
      const intact = results.every((result) => result.intact);
      out.result({ bucket: where.bucket, intact, channels: results });
      renderVerified(results, out);
      return intact ? 0 : BROKEN_EXIT_CODE;
    }
    if (invocation.block !== undefined) {
      const block = await showBlock(store, invocation.channel!, invocation.block);
      out.result(block);
      renderBlock(block, out);
      return 0;
    }
    const shown = await showTransaction(store, invocation.channel!, invocation.tx!);
    out.result(shown);
    renderTransaction(shown, out);
    return 0;
  } finally {
    if (environment.source === undefined) opened?.close?.();
    client.destroy();
  }
}

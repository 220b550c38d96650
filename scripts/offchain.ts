/**
 * `npm run offchain -- put FILE --member M` stores a document in member M's off-chain bucket
 * and prints the SHA-256 to anchor on the ledger; `anchor KEY --member M` anchors what put
 * stored with the documents chaincode; `verify KEY --member M` checks a stored document
 * against its anchor, given with `--expect-sha256 HEX`, read from the member's archive
 * (`--from-archive CHANNEL`) or from the ledger (`--from-ledger`): exit 3 when it does not match.
 */
import type { ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import type { S3Client } from '@aws-sdk/client-s3';
import { createAmbClient } from '../lib/amb-client';
import { findAnchor } from '../lib/archive/anchors';
import { archiveBucketName } from '../lib/archive/command';
import { S3ArchiveStore } from '../lib/archive/store';
import { runMain } from '../lib/cli';
import type { CommandContext } from '../lib/command';
import { consortiumDir, loadConsortium, type Consortium, type Member } from '../lib/config';
import { DEFAULT_WIRING, type LedgerWiring } from '../lib/fabric/ledger-command';
import {
  OFFCHAIN_USAGE,
  TAMPERED_EXIT_CODE,
  formatStored,
  formatVerified,
  offchainS3Client,
  offchainStoreOf,
  parseOffchainArgs,
  putDocument,
  verifyDocument,
  type LedgerOptions,
} from '../lib/offchain';
import { anchorDocument, documentsLedgerOf, formatAnchored, formatLedgerAnchor, verifyFromLedger, type DocumentsLedgerAccess } from '../lib/offchain-ledger';
import { processIo, Reporter, type Io } from '../lib/output';

export interface OffchainEnvironment {
  /** @default the process's stdout and stderr */
  readonly io?: Io;
  /** Read for CONSORTIUM_DIR. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where ledger steps run and who is who on the ledger. @default DEFAULT_WIRING (--local, or SSM) */
  readonly wiring?: LedgerWiring;
  /** The acting member's AMB client, for peer endpoints. @default createAmbClient with the standard chain */
  readonly clientFor?: (member: Member, consortium: Consortium) => ManagedBlockchainClient;
  /** @default offchainS3Client(the member's region) */
  readonly s3?: S3Client;
}

/** What a run printed as its result, and its exit code (0, or 3 for a tampered document). */
export interface OffchainOutcome {
  readonly result?: unknown;
  readonly exitCode: number;
}

export async function executeOffchain(argv: readonly string[], environment: OffchainEnvironment = {}): Promise<OffchainOutcome> {
  const io = environment.io ?? processIo();
  const command = parseOffchainArgs(argv);
  if (command.kind === 'help') {
    io.stdout(`${OFFCHAIN_USAGE}\n`);
    return { exitCode: 0 };
  }
  const consortium = loadConsortium(consortiumDir(environment.env));
  const { member, bucket, region } = offchainStoreOf(consortium, command.member);
  const s3 = environment.s3 ?? offchainS3Client(region);
  const out = new Reporter(io, command.json);
  const progress = (message: string) => out.progress(message);
  const emit = <T>(result: T, human: (value: T) => string, exitCode = 0): OffchainOutcome => {
    if (command.json) out.result(result);
    else out.print(human(result));
    return { result, exitCode };
  };

  /** Runs `work` with the member's ledger access: its transport and directory, as npm run channel builds them. */
  const onLedger = async <T>(options: LedgerOptions, dryRun: boolean, work: (access: DocumentsLedgerAccess) => Promise<T>): Promise<T> => {
    const ledger = documentsLedgerOf(consortium, member, options.channel);
    const wiring = environment.wiring ?? DEFAULT_WIRING;
    const client = environment.clientFor?.(member, consortium) ?? createAmbClient({ region: consortium.network.region });
    const context: CommandContext = {
      consortium,
      member,
      args: { member: member.name, dryRun, json: command.json, help: false, flags: { local: options.local } },
      out,
      client,
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    try {
      return await work({ consortium, member, ledger, transport: await wiring.transportFor(context), directory: wiring.directoryFor(context) });
    } finally {
      if (!environment.clientFor) client.destroy();
    }
  };

  try {
    if (command.kind === 'put') {
      const stored = await putDocument(s3, { bucket, owner: member.name, file: command.file, key: command.key, dryRun: command.dryRun, progress });
      return emit(stored, formatStored);
    }
    if (command.kind === 'anchor') {
      const anchored = await onLedger(command.ledger, command.dryRun, (access) =>
        anchorDocument({ ...access, bucket, key: command.key, versionId: command.versionId, s3, dryRun: command.dryRun, progress }),
      );
      return emit(anchored, formatAnchored);
    }
    if (command.fromLedger) {
      const verified = await onLedger(command.fromLedger, false, (access) => verifyFromLedger({ ...access, bucket, key: command.key, versionId: command.versionId, s3, progress }));
      return emit(verified, (value) => `${formatVerified(value)}\n${formatLedgerAnchor(value)}`, verified.intact ? 0 : TAMPERED_EXIT_CODE);
    }
    let expectedSha256 = command.expectSha256;
    let versionId = command.versionId;
    if (command.fromArchive !== undefined) {
      const archive = new S3ArchiveStore(s3, archiveBucketName(consortium, member), member.name);
      const anchor = await findAnchor(archive, command.fromArchive, command.key, versionId);
      progress(`anchor from the archive: ${anchor.key} version ${anchor.versionId}, SHA-256 ${anchor.sha256}, by ${anchor.mspId} at ${anchor.anchoredAt} (tx ${anchor.txId}, block ${anchor.blockNumber} of ${anchor.channel})`);
      expectedSha256 = anchor.sha256;
      versionId = anchor.versionId;
    }
    const verified = await verifyDocument(s3, { bucket, owner: member.name, key: command.key, expectedSha256: expectedSha256!, versionId, progress });
    return emit(verified, formatVerified, verified.intact ? 0 : TAMPERED_EXIT_CODE);
  } finally {
    if (!environment.s3) s3.destroy();
  }
}

if (require.main === module) {
  void runMain(async () => {
    process.exitCode = (await executeOffchain(process.argv.slice(2))).exitCode;
  });
}

/**
 * `npm run offchain -- put FILE --member M` stores a document in member M's off-chain bucket
 * and prints the SHA-256 to anchor on the ledger; `verify KEY --member M --expect-sha256 HEX`
 * checks a stored document against that anchor (exit 3 when it does not match).
 */
import { findAnchor } from '../lib/archive/anchors';
import { archiveBucketName } from '../lib/archive/command';
import { S3ArchiveStore } from '../lib/archive/store';
import { runMain } from '../lib/cli';
import { loadConsortium } from '../lib/config';
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
} from '../lib/offchain';

void runMain(async () => {
  const command = parseOffchainArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(`${OFFCHAIN_USAGE}\n`);
    return;
  }
  const consortium = loadConsortium();
  const { member, bucket, region } = offchainStoreOf(consortium, command.member);
  const client = offchainS3Client(region);
  const progress = (message: string) => process.stderr.write(`${message}\n`);

  if (command.kind === 'put') {
    const stored = await putDocument(client, { bucket, owner: member.name, file: command.file, key: command.key, dryRun: command.dryRun, progress });
    process.stdout.write(command.json ? `${JSON.stringify(stored)}\n` : `${formatStored(stored)}\n`);
    return;
  }
  let expectedSha256 = command.expectSha256;
  let versionId = command.versionId;
  if (command.fromArchive !== undefined) {
    const archive = new S3ArchiveStore(client, archiveBucketName(consortium, member), member.name);
    const anchor = await findAnchor(archive, command.fromArchive, command.key, versionId);
    progress(`anchor from the archive: ${anchor.key} version ${anchor.versionId}, SHA-256 ${anchor.sha256}, by ${anchor.mspId} at ${anchor.anchoredAt} (tx ${anchor.txId}, block ${anchor.blockNumber} of ${anchor.channel})`);
    expectedSha256 = anchor.sha256;
    versionId = anchor.versionId;
  }
  const verified = await verifyDocument(client, { bucket, owner: member.name, key: command.key, expectedSha256: expectedSha256!, versionId, progress });
  process.stdout.write(command.json ? `${JSON.stringify(verified)}\n` : `${formatVerified(verified)}\n`);
  if (!verified.intact) process.exitCode = TAMPERED_EXIT_CODE;
});

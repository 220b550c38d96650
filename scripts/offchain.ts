/**
 * `npm run offchain -- put FILE --member M` stores a document in member M's off-chain bucket
 * and prints the SHA-256 to anchor on the ledger; `verify KEY --member M --expect-sha256 HEX`
 * checks a stored document against that anchor (exit 3 when it does not match).
 */
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
  const { member, bucket, region } = offchainStoreOf(loadConsortium(), command.member);
  const client = offchainS3Client(region);
  const progress = (message: string) => process.stderr.write(`${message}\n`);

  if (command.kind === 'put') {
    const stored = await putDocument(client, { bucket, owner: member.name, file: command.file, key: command.key, dryRun: command.dryRun, progress });
    process.stdout.write(command.json ? `${JSON.stringify(stored)}\n` : `${formatStored(stored)}\n`);
    return;
  }
  const verified = await verifyDocument(client, { bucket, owner: member.name, key: command.key, expectedSha256: command.expectSha256, versionId: command.versionId, progress });
  process.stdout.write(command.json ? `${JSON.stringify(verified)}\n` : `${formatVerified(verified)}\n`);
  if (!verified.intact) process.exitCode = TAMPERED_EXIT_CODE;
});

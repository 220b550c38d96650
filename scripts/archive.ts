/**
 * `npm run archive -- --member M` copies every channel's new blocks from M's own peer into M's
 * archive bucket; `verify` checks the archive from the bucket alone (exit 3 when broken);
 * `show --tx/--block` reads evidence back. See lib/archive.
 */
import { runArchiveCommand } from '../lib/archive/run';
import { runMain } from '../lib/cli';

void runMain(async () => {
  process.exitCode = await runArchiveCommand(process.argv.slice(2));
});

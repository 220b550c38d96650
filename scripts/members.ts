/** `npm run members`: the consortium's members as a table, or as a job matrix with --json. */
import { runMain } from '../lib/cli';
import { loadConsortium } from '../lib/config';
import { formatMembersJson, formatMembersTable, memberRows, MEMBERS_USAGE, parseMembersArgs } from '../lib/members';

export function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  return runMain(() => {
    const options = parseMembersArgs(argv);
    if (options.help) {
      process.stdout.write(`${MEMBERS_USAGE}\n`);
      return;
    }
    const rows = memberRows(loadConsortium(), options.selection);
    process.stdout.write(`${options.json ? formatMembersJson(rows) : formatMembersTable(rows)}\n`);
  });
}

if (require.main === module) void main();

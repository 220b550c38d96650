/**
 * `npm run channel -- --member NAME`: does the member's part to make each of its channels on
 * the ledger match members/consortium.yaml: create it (its creator), join the member's peers,
 * set its anchor peers, and for a member the YAML adds to (or drops from) an existing channel:
 * compute the config update into channels/<channel>/updates/, add this member's admin
 * signature, and submit it once a majority of the channel's organisations signed. Every step
 * is reported with its outcome; re-running changes nothing.
 */
import { runCommand } from '../lib/command';
import { DEFAULT_WIRING, stepsCommand, type LedgerWiring } from '../lib/fabric/ledger-command';
import { reconcileChannels } from '../lib/fabric/reconcile';

export function channelCommand(wiring: LedgerWiring = DEFAULT_WIRING) {
  return stepsCommand(
    {
      name: 'channel',
      summary: "Do this member's part of the YAML's channels on the ledger: create (creator), join its peers, set its anchor peers; sign and submit updates that add or remove members (channels/<channel>/updates/).",
      examples: ['npm run channel -- --member filmmaker --dry-run', 'npm run channel -- --member bank', 'npm run channel -- --member bank --local --json'],
    },
    'Channels',
    reconcileChannels,
    wiring,
  );
}

if (require.main === module) void runCommand(channelCommand());

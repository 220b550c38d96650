/**
 * `npm run validate`: the fast config check. Loads the consortium in CONSORTIUM_DIR (default
 * members/), reports every problem in every file at once (exit 2), or prints a one-line
 * summary of the consortium (exit 0). Reads only; writes nothing, calls no AWS API.
 */
import { plainScriptArgs, runMain } from '../lib/cli';
import { loadConsortium, type Consortium } from '../lib/config';

/** One line: network, edition, region, voting policy, members by state, peers, channels. */
export function summarise(consortium: Consortium): string {
  const { network, members } = consortium;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const joined = members.filter((member) => member.joined && !member.removed).length;
  const waiting = members.filter((member) => !member.joined && !member.removed).length;
  const removed = members.filter((member) => member.removed).length;
  const peers = members.reduce((sum, member) => sum + member.peers.length, 0);
  const states = [`${joined} joined or founding`, waiting > 0 ? `${waiting} not joined yet` : '', removed > 0 ? `${removed} marked removed` : ''].filter(Boolean).join(', ');
  return [
    `${consortium.dir}: network ${network.name} (${network.id ?? 'not created yet'})`,
    `${network.edition} Fabric ${network.frameworkVersion} in ${network.region}`,
    `voting ${network.voting.thresholdComparator} ${network.voting.thresholdPercentage}% for ${network.voting.proposalDurationInHours} h`,
    `${count(members.length, 'member')} (founder ${consortium.founder}; ${states})`,
    count(peers, 'peer'),
    count(consortium.channels.length, 'channel'),
  ].join(', ');
}

const VALIDATE_USAGE = `usage: npm run validate
Checks the consortium in CONSORTIUM_DIR (default members/): every problem in every file as
file:line:col field: problem (allowed: ...), exit 2; or a one-line summary, exit 0. Writes
nothing and calls no AWS API.`;

export function main(): Promise<void> {
  return runMain(() => {
    if (plainScriptArgs(VALIDATE_USAGE) === undefined) return;
    process.stdout.write(`valid: ${summarise(loadConsortium())}\n`);
  });
}

if (require.main === module) void main();

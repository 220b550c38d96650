/**
 * `npm run sync -- --member NAME`: after deploys, records what the network handed out:
 * network.id in consortium.yaml (found by name when it is not recorded yet), the network
 * record (what the network was created with, lib/config/network-record.ts) and, for each
 * member these credentials own, the `ledger:` record (member id, network, invitation,
 * peers and their node ids) that lib/config/rules.ts uses to refuse destructive changes.
 */
import { join } from 'node:path';
import { type Command, runCommand } from '../lib/command';
import { CONSORTIUM_FILE, type Consortium } from '../lib/config';
import { networkRecordEdit } from '../lib/config/network-record';
import { readYamlValue, recordInYamlFile, type YamlEdit } from '../lib/config/record';
import { OperationalError } from '../lib/errors';
import { actingMember } from '../lib/governance/acting-member';
import { buildLedgerRecord, type LedgerRecord, type RecordedPeer } from '../lib/governance/ledger-record';
import { networkMemberOf } from '../lib/governance/plan-proposals';
import { findNetworksByName, listMembers, listNodes, readNetworkRecord } from '../lib/network-reader';
import type { ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';

export interface SyncedFile {
  readonly file: string;
  readonly what: string;
  /** recorded, unchanged, would-record (dry run) */
  readonly outcome: 'recorded' | 'unchanged' | 'would-record';
}

export interface SyncResult {
  readonly member: string;
  readonly networkId: string;
  readonly dryRun: boolean;
  readonly files: readonly SyncedFile[];
  readonly ledgers: readonly LedgerRecord[];
  /** Nodes of owned members that no configured peer accounts for. */
  readonly unmatchedNodes: readonly string[];
}

const NETWORK_COMMENT = "Recorded by `npm run sync` once the founder's deploy has created the network.";
const LEDGER_COMMENT = 'Written by `npm run sync`: what this member was created as. Do not edit.';

export const sync: Command<SyncResult> = {
  spec: {
    name: 'sync',
    summary: "Record network.id and what the network was created with in consortium.yaml, and the ledger record (member id, invitation, peer node ids) of each member these credentials own into its YAML. Run after a deploy, and commit the result.",
    examples: ['npm run sync -- --member filmmaker', 'npm run sync -- --member bank --dry-run --json'],
  },

  async run({ consortium, member, args, out, client }) {
    const files: SyncedFile[] = [];
    const outcomeOf = (changed: boolean): SyncedFile['outcome'] => (!changed ? 'unchanged' : args.dryRun ? 'would-record' : 'recorded');
    const networkId = consortium.network.id ?? (await discoverNetwork(client, consortium));
    const networkRecord = await out.during(`reading what ${networkId} was created with`, () => readNetworkRecord(client, networkId, { actingAs: member }));
    const consortiumFile = join(consortium.dir, CONSORTIUM_FILE);
    const networkEdits: YamlEdit[] = [networkRecordEdit(networkRecord)];
    if (consortium.network.id === undefined) networkEdits.unshift({ path: ['network', 'id'], value: networkId, after: ['description', 'name'], comment: NETWORK_COMMENT });
    const networkRecording = recordInYamlFile(consortiumFile, networkEdits, { dryRun: args.dryRun });
    files.push({
      file: consortiumFile,
      what: `${consortium.network.id === undefined ? `network.id ${networkId}, ` : ''}network record (${networkRecord.edition}, Fabric ${networkRecord.frameworkVersion}, voting ${networkRecord.voting.thresholdPercentage}% ${networkRecord.voting.proposalDurationInHours} h)`,
      outcome: outcomeOf(networkRecording.changed),
    });
    const members = await out.during(`listing the members of ${networkId}`, () => listMembers(client, networkId));
    actingMember(member, members, networkId);

    const ledgers: LedgerRecord[] = [];
    const unmatchedNodes: string[] = [];
    for (const configured of consortium.members) {
      const inNetwork = networkMemberOf(configured, members);
      if (!inNetwork?.isOwned) continue;
      const nodes = await listNodes(client, networkId, inNetwork.id);
      const recordedPeers = (readYamlValue(configured.file, ['ledger', 'peers']) as RecordedPeer[] | undefined) ?? [];
      const match = buildLedgerRecord(configured, networkId, inNetwork.id, nodes, recordedPeers);
      const recording = recordInYamlFile(configured.file, [{ path: ['ledger'], value: match.record, comment: LEDGER_COMMENT }], { dryRun: args.dryRun });
      if (recording.reformatted) out.warn(`${configured.file}: the YAML writer re-spaced lines it did not edit; review the diff before committing`);
      files.push({ file: configured.file, what: `ledger of ${configured.name} (${inNetwork.id}, ${peerCount(match.record.peers?.length ?? 0)})`, outcome: outcomeOf(recording.changed) });
      ledgers.push(match.record);
      for (const node of match.unmatchedNodes) {
        out.warn(`${configured.name}: node ${node.id} (${node.instanceType}, ${node.availabilityZone}) matches no peer in ${configured.file}; add a peer for it or delete the node`);
        unmatchedNodes.push(node.id);
      }
    }
    return { member: member.name, networkId, dryRun: args.dryRun, files, ledgers, unmatchedNodes };
  },

  render(result, out) {
    out.table(
      `Recorded from ${result.networkId}${result.dryRun ? ' (dry run: nothing written)' : ''}`,
      [
        { title: 'FILE', value: (file: SyncedFile) => file.file },
        { title: 'WHAT', value: (file: SyncedFile) => file.what },
        { title: 'OUTCOME', value: (file: SyncedFile) => file.outcome },
      ],
      result.files,
    );
    if (result.files.some((file) => file.outcome === 'recorded')) out.print('Commit the changed files so every member\'s pipeline sees them.');
  },
};

function peerCount(count: number): string {
  return `${count} peer${count === 1 ? '' : 's'}`;
}

/** The network named in consortium.yaml that these credentials take part in; exactly one, or an error. */
async function discoverNetwork(client: ManagedBlockchainClient, consortium: Consortium): Promise<string> {
  const found = await findNetworksByName(client, consortium.network.name);
  if (found.length === 1) return found[0].id;
  if (found.length === 0) {
    throw new OperationalError(
      `no network named "${consortium.network.name}" is visible to these credentials in ${consortium.network.region}: run the founder's deploy first (cdktf deploy ${consortium.founder}) and sync with the founder's credentials`,
    );
  }
  throw new OperationalError(
    `${found.length} networks are named "${consortium.network.name}" (${found.map((network) => `${network.id} ${network.status}`).join(', ')}): write the right one as network.id in ${join(consortium.dir, CONSORTIUM_FILE)} by hand`,
  );
}

if (require.main === module) void runCommand(sync);

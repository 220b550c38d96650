/**
 * `npm run configure-logging -- --member NAME`: applies `logging:` from the member's YAML
 * (CA logs on the member, peer and chaincode logs on each node) with UpdateMember and
 * UpdateNode, which CloudFormation cannot do; calls nothing where the setting is already right.
 */
import { GetMemberCommand, GetNodeCommand, UpdateMemberCommand, UpdateNodeCommand } from '@aws-sdk/client-managedblockchain';
import { type Command, recordedNetworkId, runCommand } from '../lib/command';
import { actingMember } from '../lib/governance/acting-member';
import { planLogging, type LoggingChange, type LoggingPlan, type NodeLogState } from '../lib/governance/logging-plan';
import { listMembers, listNodes, mapConcurrently } from '../lib/network-reader';

export interface LoggingResult {
  readonly member: string;
  readonly networkId: string;
  readonly dryRun: boolean;
  readonly desired: { readonly ca: boolean; readonly peer: boolean; readonly chaincode: boolean };
  readonly changes: readonly (LoggingChange & { readonly outcome: 'updated' | 'would-update' })[];
  readonly unchanged: LoggingPlan['unchanged'];
  readonly notReady: LoggingPlan['notReady'];
}

const cloudwatch = (enabled: boolean) => ({ Cloudwatch: { Enabled: enabled } });

export const configureLogging: Command<LoggingResult> = {
  spec: {
    name: 'configure-logging',
    summary: "Apply the member's CloudWatch logging settings (logging.ca, logging.peer, logging.chaincode) to its AMB member and peer nodes; only what differs is updated.",
    examples: ['npm run configure-logging -- --member bank --dry-run', 'npm run configure-logging -- --member bank'],
  },

  async run({ consortium, member, args, out, client }) {
    const networkId = recordedNetworkId(consortium);
    const members = await out.during(`reading ${member.name}'s member and nodes`, () => listMembers(client, networkId));
    const me = actingMember(member, members, networkId);
    const [{ Member }, nodes] = await Promise.all([client.send(new GetMemberCommand({ NetworkId: networkId, MemberId: me.id })), listNodes(client, networkId, me.id)]);
    const nodeStates = await mapConcurrently(nodes, 8, async (node): Promise<NodeLogState> => {
      if (['DELETING', 'DELETED', 'FAILED', 'CREATE_FAILED'].includes(node.status)) return { id: node.id, status: node.status };
      const { Node } = await client.send(new GetNodeCommand({ NetworkId: networkId, MemberId: me.id, NodeId: node.id }));
      const fabric = Node?.LogPublishingConfiguration?.Fabric;
      return { id: node.id, status: Node?.Status ?? node.status, peerLogs: fabric?.PeerLogs?.Cloudwatch?.Enabled, chaincodeLogs: fabric?.ChaincodeLogs?.Cloudwatch?.Enabled };
    });
    const plan = planLogging(
      member.logging,
      { id: me.id, status: Member?.Status ?? me.status, caLogs: Member?.LogPublishingConfiguration?.Fabric?.CaLogs?.Cloudwatch?.Enabled },
      nodeStates,
    );
    const changes: LoggingResult['changes'][number][] = [];
    for (const change of plan.changes) {
      if (!args.dryRun) {
        if (change.target === 'member') {
          await client.send(new UpdateMemberCommand({ NetworkId: networkId, MemberId: change.id, LogPublishingConfiguration: { Fabric: { CaLogs: cloudwatch(change.ca) } } }));
        } else {
          await client.send(
            new UpdateNodeCommand({ NetworkId: networkId, MemberId: me.id, NodeId: change.id, LogPublishingConfiguration: { Fabric: { PeerLogs: cloudwatch(change.peer), ChaincodeLogs: cloudwatch(change.chaincode) } } }),
          );
        }
        out.done(`updated logging of ${change.id}`);
      }
      changes.push({ ...change, outcome: args.dryRun ? 'would-update' : 'updated' });
    }
    return { member: member.name, networkId, dryRun: args.dryRun, desired: member.logging, changes, unchanged: plan.unchanged, notReady: plan.notReady };
  },

  render(result, out) {
    const settings = (change: LoggingChange) => (change.target === 'member' ? `CA logs ${onOff(change.ca)}` : `peer logs ${onOff(change.peer)}, chaincode logs ${onOff(change.chaincode)}`);
    out.table(
      `Logging of ${result.member}: CA ${onOff(result.desired.ca)}, peer ${onOff(result.desired.peer)}, chaincode ${onOff(result.desired.chaincode)}${result.dryRun ? ' (dry run: nothing updated)' : ''}`,
      [
        { title: 'RESOURCE', value: (change: LoggingResult['changes'][number]) => change.id },
        { title: 'SETTINGS', value: settings },
        { title: 'OUTCOME', value: (change: LoggingResult['changes'][number]) => change.outcome },
      ],
      result.changes,
    );
    if (result.unchanged.length > 0) out.print(`Already as configured: ${result.unchanged.join(', ')}`);
  },

  failures(result) {
    return result.notReady.map(({ id, status }) => `${id} is ${status}, so its logging was not set; re-run npm run configure-logging -- --member ${result.member} once it is AVAILABLE`);
  },
};

function onOff(enabled: boolean): string {
  return enabled ? 'on' : 'off';
}

if (require.main === module) void runCommand(configureLogging);

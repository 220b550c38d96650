/**
 * CreateNode, GetNode, ListNodes, UpdateNode (logging only), DeleteNode. Peer nodes are
 * private to the account that owns their member: every call names the member and must come
 * from its account.
 */
import {
  StateDBType,
  type CreateNodeOutput,
  type DeleteNodeOutput,
  type GetNodeOutput,
  type ListNodesOutput,
  type UpdateNodeOutput,
} from '@aws-sdk/client-managedblockchain';
import { EDITION_LIMITS, NODE_STATUSES } from '../../lib/amb';
import { nodeArn } from '../arns';
import { invalidRequest, limitExceeded, notFound, notReady } from '../errors';
import { newId } from '../ids';
import type { InputReader } from '../input';
import { paginate } from '../pagination';
import { readLogPublishing, readTags } from '../rules';
import type { MemberRecord, NetworkRecord, NodeRecord } from '../state';
import { creating, deleting, type OperationContext } from './context';
import { idempotent } from './idempotency';
import { actAsMember, findNetwork, requireAvailable } from './lookup';
import { nodeSummaryView, nodeView } from './views';

const NODE_PAGE_MAX = 20;
const NODE_LOG_KINDS = ['ChaincodeLogs', 'PeerLogs'] as const;

/** Nodes that occupy one of the member's peer slots. */
const occupiesSlot = (node: NodeRecord): boolean => node.status !== 'DELETED' && node.status !== 'FAILED';

interface NodeOwner {
  readonly network: NetworkRecord;
  readonly member: MemberRecord;
}

/** MemberId is optional in the model (Ethereum has none) but required for Fabric. */
function owner(context: OperationContext, input: InputReader): NodeOwner {
  const network = findNetwork(context, input.string('NetworkId'));
  if (!input.has('MemberId')) throw invalidRequest('MemberId is required for Hyperledger Fabric nodes.');
  return { network, member: actAsMember(context, network, input.string('MemberId'), 'MemberId') };
}

function findNode(context: OperationContext, { network, member }: NodeOwner, nodeId: string): NodeRecord {
  const node = context.state.nodes[nodeId];
  if (!node || node.networkId !== network.id || node.memberId !== member.id) {
    throw notFound(`Node ${nodeId} not found for member ${member.id} in network ${network.id}.`);
  }
  return node;
}

function nodesOf(context: OperationContext, memberId: string): NodeRecord[] {
  return Object.values(context.state.nodes).filter((node) => node.memberId === memberId);
}

export function createNode(context: OperationContext, input: InputReader): CreateNodeOutput {
  return idempotent(context, 'CreateNode', input, () => {
    const { network, member } = owner(context, input);
    requireAvailable(network, 'Network');
    requireAvailable(member, 'Member');
    const limits = EDITION_LIMITS[network.edition];
    const config = input.object('NodeConfiguration');
    const instanceType = config.string('InstanceType');
    if (!(limits.instanceTypes as readonly string[]).includes(instanceType)) {
      throw invalidRequest(
        `NodeConfiguration.InstanceType "${instanceType}" is not available in a ${network.edition} network; ` +
          `use one of ${limits.instanceTypes.join(', ')}.`,
      );
    }
    const availabilityZone = config.string('AvailabilityZone', {
      pattern: new RegExp(`^${network.region}[a-z]$`),
      patternHint: `must be an Availability Zone of ${network.region}, such as ${network.region}a`,
    });
    const stateDb = config.optionalEnum('StateDB', Object.values(StateDBType)) ?? StateDBType.CouchDB;
    const logPublishing = readLogPublishing(config, 'LogPublishingConfiguration', NODE_LOG_KINDS);
    const tags = readTags(input, 'Tags');

    const taken = new Set(nodesOf(context, member.id).filter(occupiesSlot).map((node) => node.slot));
    if (taken.size >= limits.maxPeersPerMember) {
      throw limitExceeded(
        `Member ${member.id} already has ${taken.size} peer nodes; a ${network.edition} network allows ` +
          `${limits.maxPeersPerMember} per member.`,
      );
    }
    let slot = 0;
    while (taken.has(slot)) slot += 1;

    const id = newId('node');
    const node: NodeRecord = {
      id,
      arn: nodeArn(network.region, member.account, id),
      networkId: network.id,
      memberId: member.id,
      account: member.account,
      instanceType,
      availabilityZone,
      stateDb,
      createdAt: context.now,
      slot,
      logPublishing,
      ...creating(context),
      tags,
    };
    context.state.nodes[id] = node;
    context.fabric?.nodeCreated(member, node);
    return { NodeId: id };
  });
}

export function getNode(context: OperationContext, input: InputReader): GetNodeOutput {
  const nodeOwner = owner(context, input);
  const node = findNode(context, nodeOwner, input.string('NodeId'));
  return { Node: nodeView(nodeOwner.network, nodeOwner.member, node, context.fabric) };
}

export function listNodes(context: OperationContext, input: InputReader): ListNodesOutput {
  const { member } = owner(context, input);
  const status = input.optionalEnum('Status', NODE_STATUSES);
  const nodes = nodesOf(context, member.id).filter((node) => status === undefined || node.status === status);
  const page = paginate(nodes, input, 'ListNodes', NODE_PAGE_MAX);
  return { Nodes: page.items.map(nodeSummaryView), NextToken: page.nextToken };
}

export function updateNode(context: OperationContext, input: InputReader): UpdateNodeOutput {
  const node = findNode(context, owner(context, input), input.string('NodeId'));
  const logPublishing = readLogPublishing(input, 'LogPublishingConfiguration', NODE_LOG_KINDS);
  if (logPublishing !== undefined) node.logPublishing = logPublishing;
  return {};
}

export function deleteNode(context: OperationContext, input: InputReader): DeleteNodeOutput {
  const node = findNode(context, owner(context, input), input.string('NodeId'));
  if (node.status !== 'AVAILABLE' && node.status !== 'UNHEALTHY' && node.status !== 'FAILED') {
    throw notReady(`Node ${node.id} is ${node.status} and cannot be deleted now.`);
  }
  Object.assign(node, deleting(context));
  return {};
}

/** CreateNetwork, GetNetwork, ListNetworks. There is no UpdateNetwork: the voting policy is fixed. */
import {
  Framework,
  NetworkStatus,
  type CreateNetworkOutput,
  type GetNetworkOutput,
  type ListNetworksOutput,
} from '@aws-sdk/client-managedblockchain';
import { EDITIONS, FABRIC_API_REGIONS, FRAMEWORK_VERSIONS, THRESHOLD_COMPARATORS } from '../../lib/amb';
import { networkArn } from '../arns';
import { invalidRequest } from '../errors';
import { newId } from '../ids';
import type { InputReader } from '../input';
import { paginate } from '../pagination';
import { readDescription, readMemberConfiguration, readTags } from '../rules';
import type { NetworkRecord, VotingPolicyRecord } from '../state';
import { creating, type OperationContext } from './context';
import { idempotent } from './idempotency';
import { findNetwork, requireParticipant } from './lookup';
import { addMember } from './members';
import { networkSummaryView, networkView } from './views';

const NETWORK_PAGE_MAX = 10;

export function createNetwork(context: OperationContext, input: InputReader): CreateNetworkOutput {
  return idempotent(context, 'CreateNetwork', input, () => {
    const region = context.caller.region;
    if (!(FABRIC_API_REGIONS as readonly string[]).includes(region)) {
      throw invalidRequest(
        `AMB Hyperledger Fabric is not offered in ${region}; use one of ${FABRIC_API_REGIONS.join(', ')}.`,
      );
    }
    const name = input.string('Name', { min: 1, max: 64, pattern: /\S/, patternHint: 'must not be blank' });
    const description = readDescription(input);
    if (input.enum('Framework', Object.values(Framework)) !== Framework.HYPERLEDGER_FABRIC) {
      throw invalidRequest('Framework: only HYPERLEDGER_FABRIC networks can be created; Ethereum networks are public.');
    }
    const frameworkVersion = input.enum('FrameworkVersion', FRAMEWORK_VERSIONS);
    const edition = input.object('FrameworkConfiguration').object('Fabric').enum('Edition', EDITIONS);
    const votingPolicy = readVotingPolicy(input);
    const founder = readMemberConfiguration(input);
    const tags = readTags(input, 'Tags');

    const id = newId('network');
    const network: NetworkRecord = {
      id,
      arn: networkArn(region, id),
      region,
      name,
      description,
      frameworkVersion,
      edition,
      votingPolicy,
      createdAt: context.now,
      ...creating(context),
      portBlocksUsed: 0,
      tags,
    };
    context.state.networks[id] = network;
    const member = addMember(context, network, founder);
    return { NetworkId: id, MemberId: member.id };
  });
}

function readVotingPolicy(input: InputReader): VotingPolicyRecord {
  const policy = input.object('VotingPolicy').object('ApprovalThresholdPolicy');
  return {
    thresholdPercentage: policy.integer('ThresholdPercentage', { min: 0, max: 100 }),
    proposalDurationInHours: policy.integer('ProposalDurationInHours', { min: 1, max: 168 }),
    thresholdComparator: policy.enum('ThresholdComparator', THRESHOLD_COMPARATORS),
  };
}

export function getNetwork(context: OperationContext, input: InputReader): GetNetworkOutput {
  const network = findNetwork(context, input.string('NetworkId'));
  requireParticipant(context, network, { invitedMayRead: true });
  return { Network: networkView(network, context.fabric) };
}

/** The networks in which the calling account has a member, in this region. */
export function listNetworks(context: OperationContext, input: InputReader): ListNetworksOutput {
  const name = input.optionalString('Name');
  const framework = input.optionalEnum('Framework', Object.values(Framework));
  const status = input.optionalEnum('Status', Object.values(NetworkStatus));
  const ownNetworkIds = new Set(
    Object.values(context.state.members)
      .filter((member) => member.account === context.caller.account && member.status !== 'DELETED')
      .map((member) => member.networkId),
  );
  const networks = Object.values(context.state.networks).filter(
    (network) =>
      network.region === context.caller.region &&
      ownNetworkIds.has(network.id) &&
      (name === undefined || network.name === name) &&
      (framework === undefined || framework === Framework.HYPERLEDGER_FABRIC) &&
      (status === undefined || network.status === status),
  );
  const page = paginate(networks, input, 'ListNetworks', NETWORK_PAGE_MAX);
  return { Networks: page.items.map(networkSummaryView), NextToken: page.nextToken };
}

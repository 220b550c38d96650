/**
 * Stage 3 for `channels:` and `chaincodes:`: defaults filled in (creator = first member,
 * anchor peer = the member's first peer, MAJORITY policies, node language).
 */
import { defaultOf } from './normalise';
import type { RawChaincode, RawChannel, RawMember } from './raw';
import { CONSORTIUM_SPEC } from './spec';
import type { Chaincode, Channel, PolicyRule } from './types';

export function normaliseChannels(channels: readonly (RawChannel | undefined)[], members: readonly { name: string; raw: RawMember }[]): Channel[] {
  const firstPeer = new Map(members.map(({ name, raw }) => [name, raw.peers?.[0]?.name ?? 'peer1']));
  return channels.map((raw) => {
    const names = raw!.members as string[];
    const policies = raw!.policies ?? {};
    return {
      name: raw!.name!,
      members: names,
      creator: raw!.creator ?? names[0],
      anchorPeers: Object.fromEntries(names.map((member) => [member, raw!.anchorPeers?.[member] ?? firstPeer.get(member)!])),
      policies: {
        admins: (policies.admins ?? channelDefault('policies.admins')) as PolicyRule,
        lifecycleEndorsement: (policies.lifecycleEndorsement ?? channelDefault('policies.lifecycleEndorsement')) as PolicyRule,
        endorsement: (policies.endorsement ?? channelDefault('policies.endorsement')) as PolicyRule,
      },
    };
  });
}

export function normaliseChaincodes(chaincodes: readonly (RawChaincode | undefined)[]): Chaincode[] {
  return chaincodes.map((raw) => {
    const attribute = raw!.requiredAttribute?.split('=');
    return {
      name: raw!.name!,
      channel: raw!.channel!,
      version: raw!.version!,
      sequence: raw!.sequence!,
      language: (raw!.language ?? chaincodeDefault('language')) as 'node' | 'go',
      path: raw!.path!,
      endorsementPolicy: (raw!.endorsementPolicy ?? chaincodeDefault('endorsementPolicy')) as PolicyRule,
      initRequired: raw!.initRequired ?? chaincodeDefault<boolean>('initRequired'),
      requiredAttribute: attribute && { name: attribute[0], value: attribute[1] },
      collections: (raw!.collections ?? []).map((collection) => ({
        name: collection!.name!,
        members: collection!.members as string[],
        requiredPeerCount: collection!.requiredPeerCount ?? chaincodeDefault<number>('collections.requiredPeerCount'),
        maxPeerCount: collection!.maxPeerCount ?? chaincodeDefault<number>('collections.maxPeerCount'),
        blockToLive: collection!.blockToLive ?? chaincodeDefault<number>('collections.blockToLive'),
        memberOnlyRead: collection!.memberOnlyRead ?? chaincodeDefault<boolean>('collections.memberOnlyRead'),
        memberOnlyWrite: collection!.memberOnlyWrite ?? chaincodeDefault<boolean>('collections.memberOnlyWrite'),
      })),
      packageId: raw!.packageId,
      committed: raw!.ledger?.sequence === undefined ? undefined : { sequence: raw!.ledger.sequence, version: raw!.ledger.version },
    };
  });
}

function channelDefault<T = string>(dotted: string): T {
  return defaultOf<T>(CONSORTIUM_SPEC, `channels.${dotted}`);
}

function chaincodeDefault<T = string>(dotted: string): T {
  return defaultOf<T>(CONSORTIUM_SPEC, `chaincodes.${dotted}`);
}

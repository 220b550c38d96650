/**
 * Who is who on the ledger: a member's MSP id (on AMB, its member id) and its peers'
 * endpoints. Ids come from what `npm run sync` recorded in members/; endpoints from the AMB
 * API (GetNode: `FrameworkAttributes.Fabric.PeerEndpoint`), or from the simulator's Fabric.
 */
import { GetNodeCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import type { Consortium, Member } from '../config';
import { OperationalError, UsageError } from '../errors';

export interface PeerEndpoint {
  /** Member name. */
  readonly member: string;
  /** Peer name in the member's YAML. */
  readonly name: string;
  readonly nodeId: string;
  /** `host:port` of the peer. */
  readonly endpoint: string;
}

export interface LedgerDirectory {
  /** MSP id of a member; UsageError when its member id is not recorded. */
  mspId(member: string): string;
  /** The member's recorded peers with their endpoints, in YAML order. */
  peers(member: string): Promise<readonly PeerEndpoint[]>;
}

/** Resolves a node's `host:port`, or undefined when the node has none (yet). */
export type EndpointResolver = (memberId: string, nodeId: string) => Promise<string | undefined>;

export function consortiumDirectory(consortium: Consortium, endpointOf: EndpointResolver): LedgerDirectory {
  const byName = (name: string): Member => {
    const member = consortium.members.find((candidate) => candidate.name === name);
    if (!member) throw new UsageError(`"${name}" is not a member of the consortium`);
    return member;
  };
  const mspId = (name: string): string => {
    const member = byName(name);
    if (!member.memberId) throw new UsageError(`${member.file}: ledger.memberId is not recorded; run npm run sync -- --member ${name} once its deploy has created the member`);
    return member.memberId;
  };
  return {
    mspId,
    async peers(name) {
      const member = byName(name);
      const memberId = mspId(name);
      const recorded = member.peers.filter((peer) => peer.nodeId !== undefined);
      return Promise.all(
        recorded.map(async (peer) => {
          const endpoint = await endpointOf(memberId, peer.nodeId!);
          if (!endpoint) throw new OperationalError(`peer ${peer.name} (${peer.nodeId}) of ${name} has no endpoint yet; wait until it is AVAILABLE (npm run status -- --wait)`);
          return { member: name, name: peer.name, nodeId: peer.nodeId!, endpoint };
        }),
      );
    },
  };
}

/** Endpoints from the AMB API. */
export function ambEndpoints(client: ManagedBlockchainClient, networkId: string): EndpointResolver {
  return async (memberId, nodeId) => {
    const { Node } = await client.send(new GetNodeCommand({ NetworkId: networkId, MemberId: memberId, NodeId: nodeId }));
    return Node?.FrameworkAttributes?.Fabric?.PeerEndpoint;
  };
}

/** Waiting on a simulator with real Fabric behind it: its resources become AVAILABLE only once their processes answer. */
import { CreateNodeCommand, GetMemberCommand, GetNodeCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import type { Seat } from '../sim/helpers/sdk';

const READY_LIMIT_MS = 120_000;

export async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + READY_LIMIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${READY_LIMIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Creates a node and waits until GetNode says AVAILABLE; returns its id and peer endpoint. */
export async function availableNode(client: ManagedBlockchainClient, networkId: string, memberId: string): Promise<{ nodeId: string; peer: string }> {
  const { NodeId } = await client.send(
    new CreateNodeCommand({ NetworkId: networkId, MemberId: memberId, NodeConfiguration: { InstanceType: 'bc.t3.small', AvailabilityZone: 'us-east-1a' } }),
  );
  const peer = await until(`node ${NodeId} AVAILABLE`, async () => {
    const { Node } = await client.send(new GetNodeCommand({ NetworkId: networkId, MemberId: memberId, NodeId }));
    if (Node?.Status === 'CREATE_FAILED') throw new Error(`node ${NodeId} failed to start`);
    return Node?.Status === 'AVAILABLE' ? Node.FrameworkAttributes?.Fabric?.PeerEndpoint : undefined;
  });
  return { nodeId: NodeId!, peer };
}

export async function availableMember(seat: Seat, networkId: string): Promise<string> {
  return until(`member ${seat.memberId} AVAILABLE`, async () => {
    const { Member } = await seat.client.send(new GetMemberCommand({ NetworkId: networkId, MemberId: seat.memberId }));
    if (Member?.Status === 'CREATE_FAILED') throw new Error(`member ${seat.memberId} failed to start`);
    return Member?.Status === 'AVAILABLE' ? Member.FrameworkAttributes?.Fabric?.CaEndpoint : undefined;
  });
}


/** What every operation works with: the state, who is calling from where, and the time. */
import type { InputReader } from '../input';
import type { MemberRecord, NetworkRecord, NodeRecord, SimState } from '../state';

export interface Caller {
  /** The 12-digit account the request acts for. */
  readonly account: string;
  readonly region: string;
}

export interface OperationContext {
  readonly state: SimState;
  readonly caller: Caller;
  /** Simulated-clock epoch ms at which the request is handled. */
  readonly now: number;
  /** Simulated ms a network, member or node spends CREATING (and DELETING). */
  readonly creationDelayMs: number;
  /** Tells the lifecycle that something changes at `at` (a transition or an expiry). */
  readonly schedule: (at: number) => void;
  /** Real Fabric behind the simulator (`--fabric`); absent otherwise. */
  readonly fabric?: FabricHooks;
}

/** What operations tell the real-Fabric backing, and the real endpoints they show from it. */
export interface FabricHooks {
  /** A member was created: start its CA (with the admin password, never kept) and join it to the consortium. */
  memberCreated(network: NetworkRecord, member: MemberRecord, adminPassword: string): void;
  /** A node was created: start its peer. */
  nodeCreated(member: MemberRecord, node: NodeRecord): void;
  /** `127.0.0.1:PORT` of the network's orderer, once it runs. */
  ordererEndpoint(networkId: string): string | undefined;
  /** `127.0.0.1:PORT` of the member's CA, once it runs. */
  caEndpoint(memberId: string): string | undefined;
  /** The node's peer and event endpoints, once it runs. */
  peerEndpoints(nodeId: string): { peer: string; peerEvent: string } | undefined;
}

/** An operation: input fields as the service model names them, output as the SDK's shape. */
export type Operation = (context: OperationContext, input: InputReader) => object;

/** A new network, member or node: CREATING now, AVAILABLE once the creation delay has passed. */
export function creating(context: OperationContext): { status: 'CREATING'; transition: { to: 'AVAILABLE'; at: number } } {
  const at = context.now + context.creationDelayMs;
  context.schedule(at);
  return { status: 'CREATING', transition: { to: 'AVAILABLE', at } };
}

/** A member or node on its way out: DELETING now, DELETED once the same delay has passed. */
export function deleting(context: OperationContext): { status: 'DELETING'; transition: { to: 'DELETED'; at: number } } {
  const at = context.now + context.creationDelayMs;
  context.schedule(at);
  return { status: 'DELETING', transition: { to: 'DELETED', at } };
}

/**
 * Fabric endpoints and ports. AMB gives every member its own ports inside FABRIC_PORT_RANGE,
 * so the simulator does too: the orderer sits on the first port after the range start, and
 * each member gets a block for its CA and for a peer + peer-event pair per node slot. Clients
 * that assume fixed ports (30002, 30003, ...) break on the second member here, as on AWS.
 */
import { EDITION_LIMITS, FABRIC_PORT_RANGE } from '../lib/amb';

const ORDERER_PORT = FABRIC_PORT_RANGE.from + 1;
const FIRST_MEMBER_PORT = ORDERER_PORT + 1;
const MAX_PEERS = Math.max(...Object.values(EDITION_LIMITS).map((limits) => limits.maxPeersPerMember));
/** One CA port plus two ports per peer, rounded up so blocks start on tidy numbers. */
const PORTS_PER_MEMBER = Math.ceil((1 + 2 * MAX_PEERS) / 4) * 4;

/** How many member port blocks fit in the range; the network refuses members beyond it. */
export const MEMBER_PORT_BLOCKS = Math.floor((FABRIC_PORT_RANGE.to - FIRST_MEMBER_PORT + 1) / PORTS_PER_MEMBER);

function host(region: string, ...labels: string[]): string {
  return [...labels.map((label) => label.toLowerCase()), 'managedblockchain', region, 'amazonaws.com'].join('.');
}

export function ordererEndpoint(region: string, networkId: string): string {
  return `${host(region, 'orderer', networkId)}:${ORDERER_PORT}`;
}

export function caEndpoint(region: string, networkId: string, memberId: string, portBlock: number): string {
  return `${host(region, 'ca', memberId, networkId)}:${FIRST_MEMBER_PORT + portBlock * PORTS_PER_MEMBER}`;
}

export function peerEndpoints(
  region: string,
  networkId: string,
  memberId: string,
  nodeId: string,
  portBlock: number,
  slot: number,
): { peer: string; peerEvent: string } {
  const name = host(region, nodeId, memberId, networkId);
  const peerPort = FIRST_MEMBER_PORT + portBlock * PORTS_PER_MEMBER + 1 + 2 * slot;
  return { peer: `${name}:${peerPort}`, peerEvent: `${name}:${peerPort + 1}` };
}

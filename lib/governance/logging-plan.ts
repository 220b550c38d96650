/**
 * Which UpdateMember/UpdateNode calls bring a member's CloudWatch logging to `member.logging`.
 * CloudFormation cannot set these, so they are applied by API, and only where they differ.
 */
import type { Logging } from '../config/types';

export interface MemberLogState {
  readonly id: string;
  readonly status: string;
  /** Current CA log publishing; undefined when never configured (off). */
  readonly caLogs?: boolean;
}

export interface NodeLogState {
  readonly id: string;
  readonly status: string;
  readonly peerLogs?: boolean;
  readonly chaincodeLogs?: boolean;
}

export type LoggingChange =
  | { readonly target: 'member'; readonly id: string; readonly ca: boolean }
  | { readonly target: 'node'; readonly id: string; readonly peer: boolean; readonly chaincode: boolean };

export interface LoggingPlan {
  readonly changes: readonly LoggingChange[];
  /** Ids already in the desired state. */
  readonly unchanged: readonly string[];
  /** Resources that cannot be updated yet (still creating, updating or impaired). */
  readonly notReady: readonly { readonly id: string; readonly status: string }[];
}

/** Nodes in these statuses are gone or going; there is nothing to configure. */
const GONE: readonly string[] = ['DELETING', 'DELETED', 'FAILED', 'CREATE_FAILED'];

export function planLogging(desired: Logging, member: MemberLogState, nodes: readonly NodeLogState[]): LoggingPlan {
  const changes: LoggingChange[] = [];
  const unchanged: string[] = [];
  const notReady: { id: string; status: string }[] = [];

  if ((member.caLogs ?? false) === desired.ca) unchanged.push(member.id);
  else if (member.status !== 'AVAILABLE') notReady.push({ id: member.id, status: member.status });
  else changes.push({ target: 'member', id: member.id, ca: desired.ca });

  for (const node of nodes) {
    if (GONE.includes(node.status)) continue;
    if ((node.peerLogs ?? false) === desired.peer && (node.chaincodeLogs ?? false) === desired.chaincode) unchanged.push(node.id);
    else if (node.status !== 'AVAILABLE') notReady.push({ id: node.id, status: node.status });
    else changes.push({ target: 'node', id: node.id, peer: desired.peer, chaincode: desired.chaincode });
  }
  return { changes, unchanged, notReady };
}

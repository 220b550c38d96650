/**
 * ARNs as AMB writes them. Members, nodes and invitations belong to one account and carry it;
 * networks and proposals are shared by the consortium and carry none.
 */

/** Resource types as they appear in ARNs, and the record collection each lives in. */
const ARN_RESOURCE_TYPES = ['networks', 'members', 'nodes', 'proposals', 'invitations'] as const;
export type ArnResourceType = (typeof ARN_RESOURCE_TYPES)[number];

function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

function arn(region: string, account: string, type: ArnResourceType, id: string): string {
  return `arn:${partitionOf(region)}:managedblockchain:${region}:${account}:${type}/${id}`;
}

export const networkArn = (region: string, id: string): string => arn(region, '', 'networks', id);
export const proposalArn = (region: string, id: string): string => arn(region, '', 'proposals', id);
export const memberArn = (region: string, account: string, id: string): string => arn(region, account, 'members', id);
export const nodeArn = (region: string, account: string, id: string): string => arn(region, account, 'nodes', id);
export const invitationArn = (region: string, account: string, id: string): string =>
  arn(region, account, 'invitations', id);

export interface ParsedArn {
  readonly region: string;
  readonly type: ArnResourceType;
  readonly id: string;
}

const ARN_PATTERN = /^arn:[a-z-]+:managedblockchain:([a-z0-9-]+):(\d{12})?:([a-z]+)\/([A-Za-z0-9-]+)$/;

/** Returns undefined for anything that is not an AMB resource ARN. */
export function parseArn(value: string): ParsedArn | undefined {
  const match = ARN_PATTERN.exec(value);
  if (!match) return undefined;
  const type = match[3] as ArnResourceType;
  if (!ARN_RESOURCE_TYPES.includes(type)) return undefined;
  return { region: match[1], type, id: match[4] };
}

/**
 * Amazon Managed Blockchain facts in one place: enums, limits, formats, ports.
 * Everything else imports from here rather than repeating a list or a number.
 */

export const FRAMEWORK_VERSIONS = ['1.2', '1.4', '2.2'] as const;
export type FrameworkVersion = (typeof FRAMEWORK_VERSIONS)[number];

export const EDITIONS = ['STARTER', 'STANDARD'] as const;
export type Edition = (typeof EDITIONS)[number];

export const THRESHOLD_COMPARATORS = ['GREATER_THAN', 'GREATER_THAN_OR_EQUAL_TO'] as const;
export type ThresholdComparator = (typeof THRESHOLD_COMPARATORS)[number];

export const STANDARD_INSTANCE_TYPES = [
  'bc.t3.small',
  'bc.t3.medium',
  'bc.t3.large',
  'bc.t3.xlarge',
  'bc.m5.large',
  'bc.m5.xlarge',
  'bc.m5.2xlarge',
  'bc.m5.4xlarge',
  'bc.c5.large',
  'bc.c5.xlarge',
  'bc.c5.2xlarge',
  'bc.c5.4xlarge',
] as const;
export type InstanceType = (typeof STANDARD_INSTANCE_TYPES)[number];

export interface EditionLimits {
  readonly maxMembers: number;
  readonly maxPeersPerMember: number;
  readonly instanceTypes: readonly InstanceType[];
}

export const EDITION_LIMITS: Readonly<Record<Edition, EditionLimits>> = {
  STARTER: { maxMembers: 5, maxPeersPerMember: 2, instanceTypes: ['bc.t3.small', 'bc.t3.medium'] },
  STANDARD: { maxMembers: 14, maxPeersPerMember: 3, instanceTypes: STANDARD_INSTANCE_TYPES },
};

/** Regions whose AMB API serves Hyperledger Fabric (AMB developer guide; botocore endpoints). */
export const FABRIC_API_REGIONS = [
  'us-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'eu-west-1',
  'eu-west-2',
  'us-gov-west-1',
] as const;

/**
 * Regions where the API answers but CloudFormation has no AWS::ManagedBlockchain::Member or
 * ::Node resource type (cfn-lint's region schemas report E3006 for them), with the reason
 * shown to the user.
 */
export const REGIONS_WITHOUT_LEDGER_TYPES: Readonly<Record<string, string>> = {
  'us-gov-west-1':
    "has the AMB API, but CloudFormation there has no AWS::ManagedBlockchain::Member or AWS::ManagedBlockchain::Node resource type, and a member's ledger (member, peers, admin secret) is a CloudFormation stack",
};

/**
 * Regions a consortium can live in: the AMB API serves Fabric there and CloudFormation has
 * the AWS::ManagedBlockchain::Member and ::Node types the ledger stacks are made of.
 */
export const FABRIC_REGIONS = FABRIC_API_REGIONS.filter((region) => !(region in REGIONS_WITHOUT_LEDGER_TYPES));

/** AMB assigns each member its own ports inside this range; never assume fixed ones. */
export const FABRIC_PORT_RANGE = { from: 30000, to: 34000 } as const;

export const MEMBER_NAME_MAX = 64;
/** Letters, digits, hyphens; starts with a letter; no trailing hyphen; no "--". */
export const MEMBER_NAME_PATTERN = /^(?!.*--)[A-Za-z](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;
/** 1-16 characters, starts with a letter, letters and digits only. */
export const ADMIN_USERNAME_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,15}$/;

/** Admin password rules; the generator and the simulator both follow them. */
export const ADMIN_PASSWORD = {
  minLength: 8,
  maxLength: 32,
  /** Characters AMB refuses or that break shells and URLs. */
  excludeCharacters: '\'"\\/@% `',
} as const;

export const MEMBER_STATUSES = [
  'CREATING',
  'AVAILABLE',
  'CREATE_FAILED',
  'UPDATING',
  'DELETING',
  'DELETED',
  'INACCESSIBLE_ENCRYPTION_KEY',
] as const;
export const NODE_STATUSES = [
  'CREATING',
  'AVAILABLE',
  'UNHEALTHY',
  'CREATE_FAILED',
  'UPDATING',
  'DELETING',
  'DELETED',
  'FAILED',
  'INACCESSIBLE_ENCRYPTION_KEY',
] as const;
export const PROPOSAL_STATUSES = ['IN_PROGRESS', 'APPROVED', 'REJECTED', 'EXPIRED', 'ACTION_FAILED'] as const;
export const INVITATION_STATUSES = ['PENDING', 'ACCEPTED', 'ACCEPTING', 'REJECTED', 'EXPIRED'] as const;

/** Name of the VPC endpoint service of a network (GetNetwork's VpcEndpointServiceName). */
export function vpcEndpointServiceName(region: string, networkId: string): string {
  return `com.amazonaws.${region}.managedblockchain.${networkId.toLowerCase()}`;
}

/** S3 object holding the TLS certificate chain Fabric clients trust. */
export function tlsChainObject(region: string): { bucket: string; key: string } {
  return { bucket: `${region}.managedblockchain`, key: 'etc/managedblockchain-tls-chain.pem' };
}

/** AWS partition of a region, for ARNs: AMB Fabric also runs in GovCloud (us-gov-west-1). */
export function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/**
 * IAM resource ARNs of AMB resources. Networks (and proposals) belong to no account; members
 * and nodes carry the owning account's id.
 */
export const AMB_ARNS = {
  network: (region: string, networkId: string) => `arn:${partitionOf(region)}:managedblockchain:${region}::networks/${networkId}`,
  member: (region: string, accountId: string, memberId: string) => `arn:${partitionOf(region)}:managedblockchain:${region}:${accountId}:members/${memberId}`,
  node: (region: string, accountId: string, nodeId: string) => `arn:${partitionOf(region)}:managedblockchain:${region}:${accountId}:nodes/${nodeId}`,
} as const;

/** Public Ethereum networks AMB runs nodes on (the service model lists mainnet only now). */
export const ETHEREUM_NETWORKS = ['n-ethereum-mainnet'] as const;
export const ETHEREUM_INSTANCE_TYPES = ['bc.t3.large', 'bc.t3.xlarge', 'bc.m5.xlarge', 'bc.m5.2xlarge', 'bc.m5.4xlarge', 'bc.c5.2xlarge', 'bc.c5.4xlarge'] as const;

/** Largest page each List* operation accepts (MaxResults); asking for it keeps reads to the fewest calls. */
export const LIST_PAGE_SIZE = {
  networks: 10,
  members: 20,
  nodes: 20,
  proposals: 100,
  proposalVotes: 100,
  invitations: 100,
} as const;

/** Longest Description a proposal, member or network accepts. */
export const DESCRIPTION_MAX = 128;

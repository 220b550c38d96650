/**
 * The shape of the two config file kinds, declared once. The structural validator walks
 * YAML against these specs and the JSON Schema published for editors is generated from
 * them, so the two cannot drift apart.
 */
import {
  ADMIN_USERNAME_PATTERN,
  EDITIONS,
  ETHEREUM_INSTANCE_TYPES,
  ETHEREUM_NETWORKS,
  FABRIC_REGIONS,
  FRAMEWORK_VERSIONS,
  MEMBER_NAME_PATTERN,
  REGIONS_WITHOUT_LEDGER_TYPES,
  STANDARD_INSTANCE_TYPES,
  THRESHOLD_COMPARATORS,
} from '../amb';
import { IDENTITIES_SPEC, IDENTITY_RENEWAL_SPEC } from './identities';
import { CHAINCODES_SPEC, CHANNELS_SPEC } from './ledger-spec';

interface Common {
  readonly description: string;
}

export interface StringSpec extends Common {
  readonly type: 'string';
  readonly enum?: readonly string[];
  /** Values that look plausible but are refused, each with the reason shown to the user. */
  readonly refused?: Readonly<Record<string, string>>;
  readonly pattern?: RegExp;
  /** Human wording of the pattern, shown after "allowed:". */
  readonly patternHint?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: string;
}

export interface NumberSpec extends Common {
  readonly type: 'integer';
  readonly minimum: number;
  readonly maximum: number;
  readonly default?: number;
}

export interface BooleanSpec extends Common {
  readonly type: 'boolean';
  readonly default?: boolean;
}

export interface ArraySpec extends Common {
  readonly type: 'array';
  readonly items: FieldSpec;
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface ObjectSpec extends Common {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, FieldSpec>>;
  readonly required?: readonly string[];
}

/** A map with free keys (tags). */
export interface MapSpec extends Common {
  readonly type: 'map';
  readonly keyPattern: RegExp;
  readonly keyHint: string;
  readonly values: StringSpec;
  readonly maxEntries: number;
}

export type FieldSpec = StringSpec | NumberSpec | BooleanSpec | ArraySpec | ObjectSpec | MapSpec;

const ACCOUNT_ID: StringSpec = {
  type: 'string',
  description: 'AWS account id: 12 digits (quote it to keep leading zeros visible).',
  pattern: /^\d{12}$/,
  patternHint: '12 digits',
};

const AVAILABILITY_ZONE: StringSpec = {
  type: 'string',
  description: "Availability zone in the member's region, e.g. us-east-1a.",
  pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/,
  patternHint: 'an availability zone name such as us-east-1a',
};

const MEMBER_NAME: StringSpec = {
  type: 'string',
  description: 'A member name (the name of its YAML file without .yaml).',
  pattern: MEMBER_NAME_PATTERN,
  patternHint: 'a member name: letters, digits and single hyphens, starting with a letter',
};

/** AMB hands out `in-...` invitation ids; `i-...` is accepted too (the prefix is not checked strictly). */
const INVITATION_ID = /^in?-[A-Za-z0-9]{1,32}$/;
const INVITATION_ID_HINT = 'in- (or i-) followed by letters and digits';

/** A secret's ARN ends in its name and the 6 characters Secrets Manager appends. */
const SECRET_ARN = /^arn:aws(-us-gov)?:secretsmanager:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:secret:[\w/+=.@-]{1,512}$/;

const NETWORK_ID: StringSpec = {
  type: 'string',
  description: 'AMB network id.',
  pattern: /^n-[A-Za-z0-9]{1,32}$/,
  patternHint: 'n- followed by letters and digits',
};

const NODE_NAME: StringSpec = {
  type: 'string',
  description: 'Stable name of the node in the stack.',
  pattern: /^[a-z][a-z0-9]{0,31}$/,
  patternHint: 'lower-case letters and digits, starting with a letter',
};

const SECURITY_GROUP_ID: StringSpec = {
  type: 'string',
  description: 'Security group id.',
  pattern: /^sg-[0-9a-f]{8,17}$/,
  patternHint: 'sg- followed by 8 or 17 hex digits',
};

/** A release archive by location and checksum; the boot script installs nothing else. */
const PINNED_ARCHIVE: ObjectSpec = {
  type: 'object',
  description: 'A release archive (.tar.gz or .tar.xz).',
  properties: {
    url: {
      type: 'string',
      description: "Where the client downloads it: an S3 object (s3://bucket/key, read with the client's role) or an https URL.",
      pattern: /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[\w!.*()\/-]{1,1024}|https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/[\w.~%\/+=&?-]{0,2048})$/,
      patternHint: 's3://<bucket>/<key> or https://<host>/<path> (no quotes, spaces or $)',
    },
    sha256: {
      type: 'string',
      description: 'SHA-256 of the archive, 64 lower-case hex digits (sha256sum of the file you checked).',
      pattern: /^[0-9a-f]{64}$/,
      patternHint: '64 lower-case hex digits',
    },
  },
  required: ['url', 'sha256'],
};

const SNS_TOPIC_ARN: StringSpec = {
  type: 'string',
  description: 'SNS topic ARN.',
  pattern: /^arn:aws(-us-gov)?:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/,
  patternHint: 'arn:aws:sns:<region>:<account>:<topic>',
};

const REGION: StringSpec = {
  type: 'string',
  description: 'AWS region where both the AMB Hyperledger Fabric API and the CloudFormation AWS::ManagedBlockchain types exist.',
  enum: FABRIC_REGIONS,
  refused: REGIONS_WITHOUT_LEDGER_TYPES,
};

const CIDR = {
  pattern: /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/,
  patternHint: 'an IPv4 CIDR such as 10.0.0.0/16',
};

/**
 * The member's block archive (lib/archive): on by default once the member has joined.
 * SSM State Manager runs associations at most every 30 minutes (AWS Systems Manager user
 * guide, "Reference: Cron and rate expressions for Systems Manager").
 */
const ARCHIVE: ObjectSpec = {
  type: 'object',
  description: "Verified archive of every channel's blocks in the member's own S3 bucket (on by default once joined).",
  properties: {
    enabled: { type: 'boolean', description: 'Run the archive on its schedule; false stops the runs and keeps the bucket and its blocks.', default: true },
    schedule: {
      type: 'string',
      description: 'SSM State Manager schedule of the archive run on the Fabric client.',
      pattern: /^(rate\(([3-9]\d|\d{3,}) minutes\)|rate\(\d+ (hour|hours|day|days)\)|cron\([^)]+\))$/,
      patternHint: 'rate(N minutes) with N >= 30, rate(N hours|days) or cron(...)',
      default: 'rate(1 hour)',
    },
    objectLockMode: {
      type: 'string',
      description: 'Object Lock mode of archived blocks: GOVERNANCE (privileged users may lift it) or COMPLIANCE (nobody can, not even root).',
      enum: ['GOVERNANCE', 'COMPLIANCE'],
      default: 'GOVERNANCE',
    },
    objectLockDays: { type: 'integer', description: 'Object Lock retention of every archived object, in days.', minimum: 1, maximum: 36500, default: 3650 },
    auditorAccounts: {
      type: 'array',
      description: 'AWS accounts (auditors) granted read-only access to the archive.',
      items: ACCOUNT_ID,
      maxItems: 10,
    },
  },
};

const STATE_BACKEND: ObjectSpec = {
  type: 'object',
  description: 'S3 backend of the Terraform state; one encrypted, locked state object per member.',
  properties: {
    bucket: {
      type: 'string',
      description: 'State bucket; {member} and {account} are replaced per member, e.g. tfstate-{account}.',
      pattern: /^(?:[a-z0-9.-]|\{member\}|\{account\}){3,63}$/,
      patternHint: 'an S3 bucket name, optionally with {member} and {account} placeholders',
    },
    keyPrefix: {
      type: 'string',
      description: 'Prefix of the state object key; the key is <keyPrefix>/<member>.tfstate.',
      pattern: /^[A-Za-z0-9!_.*'()\/-]{1,200}$/,
      patternHint: 'S3 key characters, no leading or trailing slash',
      default: 'amb-consortium',
    },
    region: { ...REGION, enum: undefined, refused: undefined, pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/, patternHint: 'an AWS region name', description: 'Region of the state bucket (default: the network region).' },
  },
  required: ['bucket'],
};

export const CONSORTIUM_SPEC: ObjectSpec = {
  type: 'object',
  description: 'The consortium: its AMB network, founder, channels and Terraform state backend.',
  properties: {
    network: {
      type: 'object',
      description: 'The AMB Hyperledger Fabric network the consortium shares.',
      properties: {
        name: {
          type: 'string',
          description: "Network name (1-64 characters). It is part of the names of every member's AWS resources (CloudFormation stack, IAM roles, log groups, event rules, buckets), which allow only letters, digits and hyphens.",
          pattern: MEMBER_NAME_PATTERN,
          patternHint: '1-64 letters, digits and single hyphens, starting with a letter, not ending with a hyphen (it is part of AWS resource names)',
        },
        description: { type: 'string', description: 'Network description.', maxLength: 128, default: '' },
        id: { ...NETWORK_ID, description: 'Network id, recorded once the network exists (npm run sync writes it).' },
        frameworkVersion: {
          type: 'string',
          description: 'Hyperledger Fabric version; use 2.2 for new networks.',
          enum: FRAMEWORK_VERSIONS,
          default: '2.2',
        },
        edition: {
          type: 'string',
          description: 'AMB edition: STARTER (5 members, 2 peers each) or STANDARD (14 members, 3 peers each).',
          enum: EDITIONS,
          default: 'STANDARD',
        },
        region: REGION,
        voting: {
          type: 'object',
          description: 'Approval threshold policy; fixed when the network is created.',
          properties: {
            thresholdPercentage: {
              type: 'integer',
              description: 'Percentage of ALL members whose YES approves a proposal.',
              minimum: 0,
              maximum: 100,
              default: 50,
            },
            proposalDurationInHours: {
              type: 'integer',
              description: 'How long a proposal (and the invitation it creates) stays open.',
              minimum: 1,
              maximum: 168,
              default: 24,
            },
            thresholdComparator: {
              type: 'string',
              description: 'Whether YES votes must exceed or may equal the threshold.',
              enum: THRESHOLD_COMPARATORS,
              default: 'GREATER_THAN',
            },
          },
        },
      },
      required: ['name', 'region'],
    },
    founder: { ...MEMBER_NAME, description: 'The member that creates the network.' },
    channels: CHANNELS_SPEC,
    chaincodes: CHAINCODES_SPEC,
    stateBackend: STATE_BACKEND,
    ledger: {
      type: 'object',
      description: 'What the network was created with; written by npm run sync, do not edit. AMB cannot change these settings, so the network settings must keep matching them.',
      properties: {
        networkId: { ...NETWORK_ID, description: 'The network the record describes.' },
        name: { type: 'string', description: 'Network name it was created with.', minLength: 1, maxLength: 64 },
        description: { type: 'string', description: 'Network description it was created with.', maxLength: 128 },
        frameworkVersion: { type: 'string', description: 'Fabric version it was created with.', enum: FRAMEWORK_VERSIONS },
        edition: { type: 'string', description: 'Edition it was created with.', enum: EDITIONS },
        voting: {
          type: 'object',
          description: 'Voting policy it was created with.',
          properties: {
            thresholdPercentage: { type: 'integer', description: 'Threshold percentage.', minimum: 0, maximum: 100 },
            proposalDurationInHours: { type: 'integer', description: 'Proposal duration in hours.', minimum: 1, maximum: 168 },
            thresholdComparator: { type: 'string', description: 'Threshold comparator.', enum: THRESHOLD_COMPARATORS },
          },
          required: ['thresholdPercentage', 'proposalDurationInHours', 'thresholdComparator'],
        },
      },
      required: ['networkId', 'name', 'frameworkVersion', 'edition', 'voting'],
    },
  },
  required: ['network', 'founder', 'stateBackend'],
};

export const MEMBER_SPEC: ObjectSpec = {
  type: 'object',
  description: 'One consortium member; the file name is its AMB member name.',
  properties: {
    description: { type: 'string', description: 'Member description.', maxLength: 128, default: '' },
    accountId: { ...ACCOUNT_ID, description: 'AWS account that owns this member.' },
    deployRoleArn: {
      type: 'string',
      description: "IAM role in the member's account that Terraform assumes to deploy its stack.",
      pattern: /^arn:aws(-us-gov)?:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/,
      patternHint: 'arn:aws:iam::<account>:role/<name>',
    },
    planRoleArn: {
      type: 'string',
      description: "Read-only IAM role in the member's account that pull-request plans assume (synth with AMB_ROLE=plan); default: deployRoleArn.",
      pattern: /^arn:aws(-us-gov)?:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/,
      patternHint: 'arn:aws:iam::<account>:role/<name>',
    },
    region: { ...REGION, description: 'Region of the member (default and only value: the network region).' },
    adminUsername: {
      type: 'string',
      description: 'Fabric CA admin user name.',
      pattern: ADMIN_USERNAME_PATTERN,
      patternHint: '1-16 letters and digits, starting with a letter',
      default: 'admin',
    },
    invitationId: {
      type: 'string',
      description: 'Invitation this member accepts to join (npm run accept-invitation writes it).',
      pattern: INVITATION_ID,
      patternHint: INVITATION_ID_HINT,
    },
    lapsedInvitation: {
      type: 'object',
      description: 'An invitation that expired unused; written by npm run accept-invitation so that npm run propose invites again at once, do not edit.',
      properties: {
        invitationId: { type: 'string', description: 'The invitation that expired.', pattern: INVITATION_ID, patternHint: INVITATION_ID_HINT },
        expiredAt: {
          type: 'string',
          description: 'When it expired (ISO 8601, UTC), as ListInvitations reports it.',
          pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/,
          patternHint: 'an ISO 8601 UTC time such as 2026-11-30T10:00:00.000Z',
        },
      },
      required: ['invitationId', 'expiredAt'],
    },
    adminSecretArn: {
      type: 'string',
      description: 'Secrets Manager secret ({"username","password"}) of the Fabric CA admin of an adopted member, whose password a person chose (npm run adopt writes it).',
      pattern: SECRET_ARN,
      patternHint: 'arn:aws:secretsmanager:<region>:<account>:secret:<name>',
    },
    ledger: {
      type: 'object',
      description: 'What this member joined the network as; written by npm run sync, do not edit.',
      properties: {
        memberId: {
          type: 'string',
          description: 'AMB member id.',
          pattern: /^m-[A-Za-z0-9]{1,32}$/,
          patternHint: 'm- followed by letters and digits',
        },
        name: { ...MEMBER_NAME, description: 'Member name it was created with.' },
        networkId: { ...NETWORK_ID, description: 'Network it belongs to.' },
        invitationId: {
          type: 'string',
          description: 'Invitation it was created with (absent for the founder).',
          pattern: INVITATION_ID,
          patternHint: INVITATION_ID_HINT,
        },
        adopted: {
          type: 'boolean',
          description: 'The member was created outside this toolkit and adopted (npm run adopt): no stack ever declares it.',
          default: false,
        },
        peers: {
          type: 'array',
          description: 'Peer nodes as they were created.',
          items: {
            type: 'object',
            description: 'A recorded peer node.',
            properties: {
              name: { ...NODE_NAME, description: 'Name of the peer in peers.' },
              nodeId: {
                type: 'string',
                description: 'AMB node id.',
                pattern: /^nd-[A-Za-z0-9]{1,32}$/,
                patternHint: 'nd- followed by letters and digits',
              },
              instanceType: { type: 'string', description: 'Instance type it was created with.', enum: STANDARD_INSTANCE_TYPES },
              availabilityZone: AVAILABILITY_ZONE,
              adopted: { type: 'boolean', description: 'The node was created outside this toolkit and adopted (npm run adopt).', default: false },
            },
            required: ['name', 'nodeId', 'instanceType', 'availabilityZone'],
          },
        },
      },
      required: ['memberId', 'name', 'networkId'],
    },
    vpc: {
      type: 'object',
      description: 'Either a new VPC (cidr) or an existing one (vpcId + subnetIds).',
      properties: {
        cidr: { type: 'string', description: 'CIDR of a new VPC (/16 to /24).', ...CIDR },
        availabilityZones: {
          type: 'array',
          description: 'The two AZs of the new VPC subnets (default: a and b of the region).',
          items: AVAILABILITY_ZONE,
          minItems: 2,
          maxItems: 2,
        },
        vpcId: {
          type: 'string',
          description: 'Existing VPC (needs DNS support and DNS hostnames enabled).',
          pattern: /^vpc-[0-9a-f]{8,17}$/,
          patternHint: 'vpc- followed by 8 or 17 hex digits',
        },
        subnetIds: {
          type: 'array',
          description: 'Existing subnets for the endpoint and the client, in different AZs.',
          items: {
            type: 'string',
            description: 'Subnet id.',
            pattern: /^subnet-[0-9a-f]{8,17}$/,
            patternHint: 'subnet- followed by 8 or 17 hex digits',
          },
          minItems: 1,
          maxItems: 6,
        },
        flowLogs: {
          type: 'boolean',
          description: "VPC flow logs of a new VPC to CloudWatch Logs, encrypted with the stack's key and kept 90 days (an existing VPC's flow logs are its owner's).",
          default: true,
        },
      },
    },
    endpoint: {
      type: 'object',
      description: 'The interface VPC endpoint into the network.',
      properties: {
        allowedSecurityGroupIds: {
          type: 'array',
          description: 'Application security groups admitted besides the Fabric client.',
          items: SECURITY_GROUP_ID,
          maxItems: 20,
        },
        vpcEndpointId: {
          type: 'string',
          description: 'Existing interface VPC endpoint into the network (in vpc.vpcId): the stack imports it instead of creating one.',
          pattern: /^vpce-[0-9a-f]{8,17}$/,
          patternHint: 'vpce- followed by 8 or 17 hex digits',
        },
      },
    },
    peers: {
      type: 'array',
      description: 'Peer nodes of this member.',
      items: {
        type: 'object',
        description: 'A peer node.',
        properties: {
          name: { ...NODE_NAME, description: 'Stable name of the peer in the stack (default peer1, peer2, ...).' },
          instanceType: { type: 'string', description: 'AMB peer instance type.', enum: STANDARD_INSTANCE_TYPES },
          availabilityZone: AVAILABILITY_ZONE,
          adopted: {
            type: 'boolean',
            description: 'An existing node recorded in ledger.peers (npm run adopt): never declared in a stack.',
            default: false,
          },
        },
        required: ['instanceType', 'availabilityZone'],
      },
    },
    client: {
      type: 'object',
      description: 'The EC2 Fabric client machine.',
      properties: {
        instanceId: {
          type: 'string',
          description: 'Existing Fabric client instance (in vpc.vpcId): the stack imports it instead of creating one, and keeps its AMI, disk, subnet and boot script.',
          pattern: /^i-[0-9a-f]{8,17}$/,
          patternHint: 'i- followed by 8 or 17 hex digits',
        },
        instanceType: {
          type: 'string',
          description: 'EC2 instance type.',
          pattern: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
          patternHint: 'an EC2 instance type such as t3.small',
          default: 't3.small',
        },
        subnet: {
          type: 'string',
          description: 'private (no public IP; egress through a NAT gateway of a new VPC) or public (a public IP, still no inbound rule unless sshCidrs).',
          enum: ['public', 'private'],
          default: 'private',
        },
        sshCidrs: {
          type: 'array',
          description: 'CIDRs allowed to SSH in; none by default (use Session Manager).',
          items: { type: 'string', description: 'IPv4 CIDR.', ...CIDR },
          maxItems: 20,
        },
        fabricVersion: {
          type: 'string',
          description: 'Hyperledger Fabric peer tools version.',
          pattern: /^2\.2\.\d{1,2}$/,
          patternHint: 'a Fabric 2.2 release such as 2.2.15',
          default: '2.2.15',
        },
        fabricCaVersion: {
          type: 'string',
          description: 'fabric-ca-client version.',
          pattern: /^1\.[45]\.\d{1,2}$/,
          patternHint: 'a Fabric CA 1.4 or 1.5 release such as 1.5.13',
          default: '1.5.13',
        },
        rootVolumeGiB: { type: 'integer', description: 'Root volume size in GiB.', minimum: 8, maximum: 1024, default: 30 },
        archives: {
          type: 'object',
          description: 'The Fabric and Fabric CA release archives the client installs, each by location and SHA-256; without them the client installs no Fabric tool.',
          properties: {
            fabric: { ...PINNED_ARCHIVE, description: 'Archive of the Fabric peer tools (bin/, config/) of client.fabricVersion.' },
            fabricCa: { ...PINNED_ARCHIVE, description: 'Archive of fabric-ca-client (bin/) of client.fabricCaVersion.' },
          },
          required: ['fabric', 'fabricCa'],
        },
      },
    },
    logging: {
      type: 'object',
      description: 'CloudWatch logging, applied by npm run configure-logging.',
      properties: {
        ca: { type: 'boolean', description: 'Fabric CA logs.', default: false },
        peer: { type: 'boolean', description: 'Peer node logs.', default: false },
        chaincode: { type: 'boolean', description: 'Chaincode logs.', default: false },
      },
    },
    voting: {
      type: 'object',
      description: 'How this member votes on proposals.',
      properties: {
        otherwise: {
          type: 'string',
          description: 'Vote on proposals the config does not ask for: NO, or ABSTAIN (no vote).',
          enum: ['NO', 'ABSTAIN'],
          default: 'NO',
        },
        automated: { type: 'boolean', description: 'Deploy the in-stack voter.', default: true },
        schedule: {
          type: 'string',
          description: 'EventBridge schedule of the catch-up run.',
          pattern: /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/,
          patternHint: 'rate(N minutes|hours|days) or cron(...)',
          default: 'rate(1 hour)',
        },
        alarmTopicArn: { ...SNS_TOPIC_ARN, description: 'Deprecated: use alerts.topicArn (which wins when both are set).' },
      },
    },
    alerts: {
      type: 'object',
      description: "Where the stack's operational alarms go: by default an SNS topic of the stack, encrypted with its KMS key.",
      properties: {
        topicArn: { ...SNS_TOPIC_ARN, description: "An existing SNS topic in the member's region that replaces the stack's own alarm topic." },
        emails: {
          type: 'array',
          description: 'Addresses subscribed to the alarm topic (each confirms by the link SNS mails it).',
          items: { type: 'string', description: 'E-mail address.', pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, patternHint: 'an e-mail address such as ops@example.com', maxLength: 254 },
          maxItems: 20,
        },
      },
    },
    tags: {
      type: 'map',
      description: 'Tags on every taggable resource of the stack.',
      keyPattern: /^(?!aws:)[\w .:/=+@-]{1,128}$/,
      keyHint: '1-128 characters of letters, digits, spaces and _.:/=+-@, not starting with aws:',
      values: { type: 'string', description: 'Tag value.', maxLength: 256 },
      maxEntries: 40,
    },
    removed: { type: 'boolean', description: 'Ask the consortium to remove this member.', default: false },
    stateBackend: { ...STATE_BACKEND, required: [], description: "Override of the consortium's state backend for this member." },
    offchain: {
      type: 'object',
      description: 'Off-chain document bucket whose hashes go on the ledger.',
      properties: {
        readers: {
          type: 'array',
          description: 'Members granted read access.',
          items: MEMBER_NAME,
          maxItems: 14,
        },
        objectLockDays: {
          type: 'integer',
          description: 'Object Lock retention (governance mode) in days.',
          minimum: 1,
          maximum: 36500,
        },
      },
    },
    archive: ARCHIVE,
    ethereumNodes: {
      type: 'array',
      description: 'AMB Ethereum nodes of this member.',
      items: {
        type: 'object',
        description: 'An Ethereum node.',
        properties: {
          name: { ...NODE_NAME, description: 'Stable name of the node in the stack (default eth1, eth2, ...).' },
          networkId: {
            type: 'string',
            description: 'Public Ethereum network.',
            enum: ETHEREUM_NETWORKS,
            default: 'n-ethereum-mainnet',
          },
          instanceType: {
            type: 'string',
            description: 'AMB Ethereum node instance type.',
            enum: ETHEREUM_INSTANCE_TYPES,
          },
          availabilityZone: AVAILABILITY_ZONE,
        },
        required: ['instanceType', 'availabilityZone'],
      },
      maxItems: 10,
    },
    identities: IDENTITIES_SPEC,
    identityRenewal: IDENTITY_RENEWAL_SPEC,
  },
  required: ['accountId', 'deployRoleArn', 'vpc'],
};

/** The declared default of a field, so defaults live only in the spec (and the schema). */
export function defaultOf<T>(spec: ObjectSpec, dotted: string): T {
  let field: FieldSpec = spec;
  for (const part of dotted.split('.')) {
    while (field.type === 'array') field = field.items;
    if (field.type !== 'object') break;
    field = field.properties[part];
  }
  if (!('default' in field) || field.default === undefined) throw new Error(`spec field ${dotted} declares no default`);
  return field.default as T;
}

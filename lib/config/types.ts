/**
 * The normalised, validated consortium: what every stack, script and the voter consume.
 * Produced only by `loadConsortium`; nothing downstream re-reads YAML.
 */
import type { Edition, FrameworkVersion, InstanceType, ThresholdComparator } from '../amb';
import type { Identity, IdentityRenewal } from './identities';

export type { Identity, IdentityAttribute, IdentityRenewal, IdentityType } from './identities';

export interface VotingPolicy {
  /** Percentage of ALL members whose YES approves a proposal (0-100). */
  readonly thresholdPercentage: number;
  /** Hours a proposal stays open (1-168). */
  readonly proposalDurationInHours: number;
  readonly thresholdComparator: ThresholdComparator;
}

/** How many of a channel's member orgs a policy needs (Fabric ImplicitMeta rule). */
export type PolicyRule = 'ANY' | 'MAJORITY' | 'ALL';

export interface ChannelPolicies {
  /** Signatures a channel config update needs (`/Channel/Application/Admins`). */
  readonly admins: PolicyRule;
  /** Approvals a chaincode definition needs before commit (`LifecycleEndorsement`). */
  readonly lifecycleEndorsement: PolicyRule;
  /** Endorsements of the channel default endorsement policy (`Endorsement`). */
  readonly endorsement: PolicyRule;
}

export interface Channel {
  readonly name: string;
  /** Member names (the YAML file names). */
  readonly members: readonly string[];
  /** The member that creates the channel. */
  readonly creator: string;
  /** Anchor peer name per member name (default: the member's first peer). */
  readonly anchorPeers: Readonly<Record<string, string>>;
  readonly policies: ChannelPolicies;
}

export interface PrivateDataCollection {
  readonly name: string;
  /** Member names whose peers hold the data. */
  readonly members: readonly string[];
  readonly requiredPeerCount: number;
  readonly maxPeerCount: number;
  /** Blocks until purge; 0 keeps forever. */
  readonly blockToLive: number;
  readonly memberOnlyRead: boolean;
  readonly memberOnlyWrite: boolean;
}

export interface Chaincode {
  readonly name: string;
  readonly channel: string;
  readonly version: string;
  /** Lifecycle sequence the YAML asks for. */
  readonly sequence: number;
  readonly language: 'node' | 'go';
  /** Source directory, relative to the repository root. */
  readonly path: string;
  /** Endorsement rule over the channel's member orgs. */
  readonly endorsementPolicy: PolicyRule;
  readonly initRequired: boolean;
  /** Certificate attribute a writer must carry, e.g. `{ name: 'role', value: 'reporter' }`. */
  readonly requiredAttribute?: { readonly name: string; readonly value: string };
  readonly collections: readonly PrivateDataCollection[];
  /** Package id recorded by the first member that packaged it. */
  readonly packageId?: string;
  /** Last committed definition, as recorded by npm run chaincode. */
  readonly committed?: { readonly sequence: number; readonly version?: string };
}

export interface StateBackend {
  /** Bucket name with `{member}` and `{account}` already substituted. */
  readonly bucket: string;
  /** Object key of this member's state. */
  readonly key: string;
  readonly region: string;
}

export interface Network {
  readonly name: string;
  readonly description: string;
  /** Set once the network exists (`npm run sync` records it). */
  readonly id?: string;
  readonly frameworkVersion: FrameworkVersion;
  readonly edition: Edition;
  readonly region: string;
  readonly voting: VotingPolicy;
}

export type Vpc =
  | { readonly kind: 'new'; readonly cidr: string; readonly availabilityZones: readonly [string, string]; /** VPC flow logs to CloudWatch Logs. */ readonly flowLogs: boolean }
  | { readonly kind: 'existing'; readonly vpcId: string; readonly subnetIds: readonly string[] };

export interface Peer {
  /** Stable name; the CloudFormation logical id derives from it. */
  readonly name: string;
  readonly instanceType: InstanceType;
  readonly availabilityZone: string;
  /** An existing node taken under management by `npm run adopt`: no stack declares it. */
  readonly adopted: boolean;
  /** AMB node id, once recorded in the ledger record. */
  readonly nodeId?: string;
}

/** A release archive the client installs only if its SHA-256 matches. */
export interface PinnedArchive {
  /** `s3://bucket/key` (read with the client's role) or an https URL. */
  readonly url: string;
  /** SHA-256 of the archive, 64 lower-case hex digits. */
  readonly sha256: string;
}

export interface FabricClient {
  /** Existing EC2 instance the stack imports instead of creating a client. */
  readonly instanceId?: string;
  /** EC2 instance type of the client machine. */
  readonly instanceType: string;
  /** `private` (default: no public IP, egress through a NAT gateway) or `public` (public IP, still no inbound rule unless sshCidrs). */
  readonly subnet: 'private' | 'public';
  /** CIDRs allowed to SSH in; empty means Session Manager only. */
  readonly sshCidrs: readonly string[];
  /** Hyperledger Fabric peer tools version to install. */
  readonly fabricVersion: string;
  /** fabric-ca-client version to install. */
  readonly fabricCaVersion: string;
  /** Root volume size in GiB. */
  readonly rootVolumeGiB: number;
  /** The Fabric and Fabric CA archives to install; absent: the client installs no Fabric tool. */
  readonly archives?: { readonly fabric: PinnedArchive; readonly fabricCa: PinnedArchive };
}

export interface Logging {
  /** Fabric CA logs to CloudWatch. */
  readonly ca: boolean;
  /** Peer node logs. */
  readonly peer: boolean;
  /** Chaincode logs. */
  readonly chaincode: boolean;
}

/** What a member votes on proposals that the config neither invites nor removes. */
export type OtherwiseVote = 'NO' | 'ABSTAIN';

export interface VotingRules {
  readonly otherwise: OtherwiseVote;
  /** Deploy the in-stack voter. */
  readonly automated: boolean;
  /** EventBridge schedule expression of the catch-up run. */
  readonly schedule: string;
  /** Deprecated spelling of `Alerts.topicArn`, which the normaliser already folded in. */
  readonly alarmTopicArn?: string;
}

export interface Alerts {
  /** An existing SNS topic for the stack's alarms (alerts.topicArn, else voting.alarmTopicArn); absent: the stack makes its own. */
  readonly topicArn?: string;
  /** Addresses subscribed to the alarm topic. */
  readonly emails: readonly string[];
}

export interface OffchainStore {
  /** Accounts of other members granted read access. */
  readonly readerAccounts: readonly string[];
  /** Object Lock retention in days (governance mode); absent means no Object Lock. */
  readonly objectLockDays?: number;
}

/** The member's block archive (npm run archive, and its schedule in the stack). */
export interface LedgerArchive {
  /** Scheduled runs on; off keeps the bucket and stops the runs. */
  readonly enabled: boolean;
  /** SSM State Manager schedule expression, e.g. rate(1 hour). */
  readonly schedule: string;
  readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Object Lock retention of every archived object, in days. */
  readonly objectLockDays: number;
  /** Accounts granted read-only access (auditors). */
  readonly auditorAccounts: readonly string[];
}

export interface EthereumNode {
  /** Stable name; the CloudFormation logical id derives from it. */
  readonly name: string;
  readonly networkId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
}

export interface LapsedInvitation {
  readonly invitationId: string;
  /** ISO 8601 UTC time the invitation expired. */
  readonly expiredAt: string;
}

export interface Member {
  /** AMB member name = the YAML file name without extension. */
  readonly name: string;
  /** Path of the YAML file, relative to the working directory, for messages. */
  readonly file: string;
  readonly description: string;
  readonly accountId: string;
  readonly deployRoleArn: string;
  /** Read-only role that plans assume; undefined means plans use deployRoleArn. */
  readonly planRoleArn?: string;
  readonly region: string;
  readonly adminUsername: string;
  /** Invitation this member joined (or will join) with; absent for the founder. */
  readonly invitationId?: string;
  /**
   * An invitation that expired unused, as the invitee's accept-invitation found it in
   * ListInvitations; it lets propose invite again without waiting for the worst-case bound.
   */
  readonly lapsedInvitation?: LapsedInvitation;
  /** AMB member id, recorded once the member exists. */
  readonly memberId?: string;
  readonly isFounder: boolean;
  /**
   * The member was created outside this toolkit and taken under management by `npm run
   * adopt` (ledger.adopted): its stack never declares the member, only what it adds.
   */
  readonly adopted: boolean;
  /**
   * Existing Secrets Manager secret `{"username","password"}` of an adopted member's Fabric
   * CA admin; the stack creates the secret of every other member.
   */
  readonly adminSecretArn?: string;
  /** True when the member is in the network or its stack creates it (founder, adopted, or an invitation is recorded). */
  readonly joined: boolean;
  readonly vpc: Vpc;
  /** Extra security groups admitted to the VPC endpoint. */
  readonly endpointAllowedSecurityGroupIds: readonly string[];
  /** Existing interface VPC endpoint into the network that the stack imports instead of creating one. */
  readonly existingEndpointId?: string;
  readonly peers: readonly Peer[];
  readonly client: FabricClient;
  readonly logging: Logging;
  readonly voting: VotingRules;
  readonly alerts: Alerts;
  readonly tags: Readonly<Record<string, string>>;
  readonly removed: boolean;
  readonly stateBackend: StateBackend;
  readonly offchain?: OffchainStore;
  /** The block archive; the stack builds it once the member has joined. */
  readonly archive: LedgerArchive;
  readonly ethereumNodes: readonly EthereumNode[];
  /** Application identities of the member's Fabric CA (`identities:`). */
  readonly identities: readonly Identity[];
  /** When the identity manager renews certificates (`identityRenewal:`). */
  readonly identityRenewal: IdentityRenewal;
}

export interface Consortium {
  /** Directory the config was read from. */
  readonly dir: string;
  readonly network: Network;
  readonly founder: string;
  readonly channels: readonly Channel[];
  readonly chaincodes: readonly Chaincode[];
  /** Members in file-name order. */
  readonly members: readonly Member[];
}

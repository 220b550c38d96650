/**
 * What stage 1 (structure) yields: every present field has its declared type, any field may
 * be missing. Stage 2 (rules) checks relations between fields; stage 3 (normalise) fills
 * defaults.
 */
import type { RawIdentityFields } from './identities';
import type { SourceFile } from './source';

export interface RawConsortium {
  network?: {
    name?: string;
    description?: string;
    id?: string;
    frameworkVersion?: string;
    edition?: string;
    region?: string;
    voting?: { thresholdPercentage?: number; proposalDurationInHours?: number; thresholdComparator?: string };
  };
  founder?: string;
  channels?: (RawChannel | undefined)[];
  chaincodes?: (RawChaincode | undefined)[];
  stateBackend?: RawStateBackend;
  ledger?: RawNetworkRecord;
}

/** The network record (lib/config/network-record.ts) as stage 1 yields it. */
export interface RawNetworkRecord {
  networkId?: string;
  name?: string;
  description?: string;
  frameworkVersion?: string;
  edition?: string;
  voting?: { thresholdPercentage?: number; proposalDurationInHours?: number; thresholdComparator?: string };
}

export interface RawChannel {
  name?: string;
  members?: (string | undefined)[];
  creator?: string;
  anchorPeers?: Record<string, string>;
  policies?: { admins?: string; lifecycleEndorsement?: string; endorsement?: string };
}

export interface RawCollection {
  name?: string;
  members?: (string | undefined)[];
  requiredPeerCount?: number;
  maxPeerCount?: number;
  blockToLive?: number;
  memberOnlyRead?: boolean;
  memberOnlyWrite?: boolean;
}

export interface RawChaincode {
  name?: string;
  channel?: string;
  version?: string;
  sequence?: number;
  language?: string;
  path?: string;
  endorsementPolicy?: string;
  initRequired?: boolean;
  requiredAttribute?: string;
  collections?: (RawCollection | undefined)[];
  packageId?: string;
  ledger?: { sequence?: number; version?: string };
}

export interface RawStateBackend {
  bucket?: string;
  keyPrefix?: string;
  region?: string;
}

export interface RawLedgerRecord {
  memberId?: string;
  name?: string;
  networkId?: string;
  invitationId?: string;
  adopted?: boolean;
  peers?: ({ name?: string; nodeId?: string; instanceType?: string; availabilityZone?: string; adopted?: boolean } | undefined)[];
}

export interface RawPinnedArchive {
  url?: string;
  sha256?: string;
}

export interface RawPeer {
  name?: string;
  instanceType?: string;
  availabilityZone?: string;
  adopted?: boolean;
}

export interface RawMember extends RawIdentityFields {
  description?: string;
  accountId?: string;
  deployRoleArn?: string;
  planRoleArn?: string;
  region?: string;
  adminUsername?: string;
  invitationId?: string;
  lapsedInvitation?: { invitationId?: string; expiredAt?: string };
  adminSecretArn?: string;
  ledger?: RawLedgerRecord;
  vpc?: { cidr?: string; availabilityZones?: (string | undefined)[]; vpcId?: string; subnetIds?: (string | undefined)[]; flowLogs?: boolean };
  endpoint?: { allowedSecurityGroupIds?: (string | undefined)[]; vpcEndpointId?: string };
  peers?: (RawPeer | undefined)[];
  client?: {
    instanceId?: string;
    instanceType?: string;
    subnet?: string;
    sshCidrs?: (string | undefined)[];
    fabricVersion?: string;
    fabricCaVersion?: string;
    rootVolumeGiB?: number;
    archives?: { fabric?: RawPinnedArchive; fabricCa?: RawPinnedArchive };
  };
  logging?: { ca?: boolean; peer?: boolean; chaincode?: boolean };
  voting?: { otherwise?: string; automated?: boolean; schedule?: string; alarmTopicArn?: string };
  alerts?: { topicArn?: string; emails?: (string | undefined)[] };
  tags?: Record<string, string>;
  removed?: boolean;
  stateBackend?: RawStateBackend;
  offchain?: { readers?: (string | undefined)[]; objectLockDays?: number };
  archive?: { enabled?: boolean; schedule?: string; objectLockMode?: string; objectLockDays?: number; auditorAccounts?: (string | undefined)[] };
  ethereumNodes?: ({ name?: string; networkId?: string; instanceType?: string; availabilityZone?: string } | undefined)[];
}

/** A member file after stage 1, with its name and source for locating later issues. */
export interface RawMemberFile {
  readonly name: string;
  readonly source: SourceFile;
  readonly raw: RawMember;
}

export interface RawConsortiumFile {
  readonly source: SourceFile;
  readonly raw: RawConsortium;
}

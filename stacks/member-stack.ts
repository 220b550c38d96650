import { Construct } from 'constructs';
import { Fn, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { vpcEndpointServiceName } from '../lib/amb';
import type { Consortium, Member } from '../lib/config';
import { AlarmTopic } from './constructs/alarm-topic';
import { FabricClient } from './constructs/fabric-client';
import { LedgerArchive } from './constructs/ledger-archive';
import { LedgerSteps } from './constructs/ledger-steps';
import { IdentityManager } from './constructs/identity-manager';
import { MemberKey } from './constructs/member-key';
import { MemberLedger } from './constructs/member-ledger';
import { MemberNetwork } from './constructs/member-network';
import { NetworkEndpoint } from './constructs/network-endpoint';
import { OffchainStore } from './constructs/offchain-store';
import { ProposalVoter } from './constructs/proposal-voter';
import { terraformLiterals } from './terraform-literal';
import { voterSettings } from './voter/bundle';
import { signingIdentities } from '../lib/identities/signers';

export interface MemberStackProps {
  readonly consortium: Consortium;
  /** The member this stack belongs to; deployed with that member's credentials only. */
  readonly member: Member;
  /**
   * Which of the member's roles Terraform assumes: `deploy`, or `plan` for a pull-request
   * plan (the member's read-only planRoleArn, when it has one).
   * @default 'deploy'
   */
  readonly role?: StackRole;
}

export type StackRole = 'deploy' | 'plan';

/** The role a stack assumes for its provider and its state. */
export function roleArnFor(member: Member, role: StackRole = 'deploy'): string {
  return role === 'plan' ? (member.planRoleArn ?? member.deployRoleArn) : member.deployRoleArn;
}

/**
 * Everything one member runs, in its own account: network, endpoint into the AMB network
 * and, once it has joined, its ledger resources and Fabric client. No reference to another
 * member's account.
 */
export class MemberStack extends TerraformStack {
  /** The stack's own KMS key: admin secret, log groups, dead-letter queue, alarm topic. */
  public readonly key: MemberKey;
  /** Where the stack's alarms go: its own encrypted SNS topic, or the one the YAML names. */
  public readonly alarms: AlarmTopic;
  /** The member's VPC and subnets. */
  public readonly network: MemberNetwork;
  /** The endpoint into the AMB network and the security groups around it. */
  public readonly endpoint: NetworkEndpoint;
  /** The off-chain document bucket, when the member's YAML has `offchain:`. */
  public readonly offchain?: OffchainStore;
  /** The member's proposal voter; absent until it has joined, or when voting.automated is false. */
  public readonly voter?: ProposalVoter;
  /** The ledger resources; absent until the member has joined (or founds the network) or lists Ethereum nodes. */
  public readonly ledger?: MemberLedger;
  /** The Fabric client machine; absent until the member has joined. */
  public readonly client?: FabricClient;
  /** The block archive bucket and its schedule on the client; absent until the member has joined. */
  public readonly archive?: LedgerArchive;
  /** Keeps the member's `identities:` at its CA; absent until it has joined, or without identities. */
  public readonly identities?: IdentityManager;
  /** The step bucket and rights that run `npm run msp|channel|chaincode` on the client through SSM; absent until the member has joined. */
  public readonly ledgerSteps?: LedgerSteps;

  constructor(scope: Construct, props: MemberStackProps) {
    super(scope, props.member.name);
    // From here on, every string from config is literal to Terraform (see terraform-literal.ts).
    const consortium = terraformLiterals(props.consortium);
    const member = consortium.members.find((candidate) => candidate.name === props.member.name) ?? terraformLiterals(props.member);
    const roleArn = roleArnFor(member, props.role);
    const role = props.role ?? 'deploy';
    const region = consortium.network.region;
    const namePrefix = `${consortium.network.name}-${member.name}`;

    new AwsProvider(this, 'aws', {
      region,
      allowedAccountIds: [member.accountId],
      assumeRole: [{ roleArn, sessionName: `amb-${role}-${member.name}`.slice(0, 64) }],
      defaultTags: [
        {
          tags: {
            ...member.tags,
            'amb:consortium': consortium.network.name,
            'amb:member': member.name,
            'managed-by': 'amb-consortium-toolkit',
          },
        },
      ],
    });
    const backend = new S3Backend(this, {
      bucket: member.stateBackend.bucket,
      key: member.stateBackend.key,
      region: member.stateBackend.region,
      encrypt: true,
      assumeRole: { roleArn, sessionName: `amb-state-${role}-${member.name}`.slice(0, 64) },
    });
    // S3-native state locking (Terraform >= 1.10); cdktf 0.21 has no typed field for it.
    backend.addOverride('use_lockfile', true);

    this.key = new MemberKey(this, 'key', { accountId: member.accountId, region, namePrefix });
    this.alarms = new AlarmTopic(this, 'alarms', { alerts: member.alerts, keyArn: this.key.arn, namePrefix });
    this.network = new MemberNetwork(this, 'network', {
      vpc: member.vpc,
      namePrefix,
      region,
      // The identity manager runs in the private subnets and calls AMB, Secrets Manager and S3.
      natGateway: member.joined && (member.client.subnet === 'private' || member.identities.length > 0),
      flowLogs: member.vpc.kind === 'new' && member.vpc.flowLogs ? { keyArn: this.key.arn, accountId: member.accountId } : undefined,
    });
    // Ethereum nodes need no Fabric membership: a member that has not joined may still run them.
    if (member.joined || member.ethereumNodes.length > 0) this.ledger = new MemberLedger(this, 'ledger', { consortium, member, keyArn: this.key.arn });
    const fabricLedger = member.joined ? this.ledger : undefined;

    // A founder that creates the network learns its id during apply; an adopted founder's is recorded.
    const createsNetwork = member.isFounder && !member.adopted;
    const networkId = createsNetwork ? this.ledger!.networkId : consortium.network.id;
    this.endpoint = new NetworkEndpoint(this, 'endpoint', {
      vpcId: this.network.vpcId,
      subnetIds: this.network.endpointSubnetIds,
      serviceName: networkId === undefined ? undefined : serviceName(region, networkId, createsNetwork),
      allowedSecurityGroupIds: member.endpointAllowedSecurityGroupIds,
      existingEndpointId: member.existingEndpointId,
      namePrefix,
    });

    if (fabricLedger) {
      const ledger = fabricLedger;
      this.client = new FabricClient(this, 'client', {
        client: member.client,
        publicSubnetId: this.network.publicSubnetId,
        privateSubnetId: this.network.privateSubnetId,
        securityGroupId: this.endpoint.clientSecurityGroup.id,
        region,
        accountId: member.accountId,
        networkId: networkId ?? ledger.networkId,
        memberId: ledger.memberId,
        peerNodeIds: member.peers.map((peer) => ledger.peerNodeId(peer)),
        adminSecretArn: ledger.adminSecretArn,
        secretKeyArn: this.key.arn,
        adminUsername: member.adminUsername,
        namePrefix,
        dependsOn: this.endpoint.endpoint ? [this.endpoint.endpoint] : [],
      });
    }

    if (this.client) {
      this.archive = new LedgerArchive(this, 'archive', {
        memberName: member.name,
        networkName: consortium.network.name,
        accountId: member.accountId,
        region,
        archive: member.archive,
        clientInstanceId: this.client.instance.id,
        clientRoleName: this.client.role.name,
        namePrefix,
        alarmTopicArn: this.alarms.arn,
      });
      new TerraformOutput(this, 'archive_bucket', { value: this.archive.store.bucketName, description: 'S3 bucket of the verified block archive (npm run archive)' });
    }

    if (this.client) {
      this.ledgerSteps = new LedgerSteps(this, 'ledger-steps', {
        memberName: member.name,
        networkName: consortium.network.name,
        accountId: member.accountId,
        region,
        clientInstanceId: this.client.instance.id,
        clientRoleName: this.client.role.name,
        keyArn: this.key.arn,
      });
      new TerraformOutput(this, 'ledger_steps_bucket', { value: this.ledgerSteps.bucketName, description: 'S3 bucket of the ledger step bundles and results (npm run msp, channel, chaincode)' });
      new TerraformOutput(this, 'ledger_steps_policy_arn', {
        value: this.ledgerSteps.commandPolicy.arn,
        description: 'Managed policy to attach to the roles that run npm run msp, channel and chaincode (the governance pipeline role)',
      });
    }

    if (fabricLedger && member.voting.automated) {
      this.voter = new ProposalVoter(this, 'voter', {
        consortium,
        member,
        // The settings file travels inside the zip, not through Terraform: it keeps the text as written.
        settings: voterSettings(props.consortium, member.name),
        networkId: networkId ?? fabricLedger.networkId,
        memberId: fabricLedger.memberId,
        namePrefix,
        keyArn: this.key.arn,
        alarmTopicArn: this.alarms.arn,
      });
    }

    if (fabricLedger && member.identities.length > 0) {
      this.identities = new IdentityManager(this, 'identities', {
        consortium,
        member,
        networkId: networkId ?? fabricLedger.networkId,
        memberId: fabricLedger.memberId,
        adminSecretArn: fabricLedger.adminSecretArn,
        keyArn: this.key.arn,
        alarmTopicArn: this.alarms.arn,
        subnetIds: this.network.endpointSubnetIds,
        securityGroupId: this.endpoint.clientSecurityGroup.id,
      });
      // The client signs as the identities whose attribute a chaincode of its channels requires
      // (offchain anchor): those secrets only; the stack key already decrypts through Secrets Manager.
      const signers = this.client ? signingIdentities(consortium, member) : [];
      if (signers.length > 0) {
        const permissions = new DataAwsIamPolicyDocument(this, 'client-signing-identities-permissions', {
          statement: [{ sid: 'ReadSigningIdentitySecrets', actions: ['secretsmanager:GetSecretValue'], resources: signers.map((identity) => this.identities!.secrets[identity.name].arn) }],
        });
        new IamRolePolicy(this, 'client-signing-identities', { name: 'signing-identities', role: this.client!.role.name, policy: permissions.json });
      }
      new TerraformOutput(this, 'identity_manager_function_name', {
        value: this.identities.function.functionName,
        description: 'Lambda that registers, enrolls and renews the Fabric identities (npm run identities)',
      });
    }

    if (member.offchain) {
      this.offchain = new OffchainStore(this, 'offchain', {
        memberName: member.name,
        networkName: consortium.network.name,
        accountId: member.accountId,
        region,
        readerAccounts: member.offchain.readerAccounts,
        objectLockDays: member.offchain.objectLockDays,
      });
      new TerraformOutput(this, 'offchain_bucket', { value: this.offchain.bucketName, description: 'S3 bucket of off-chain documents (npm run offchain)' });
    }

    new TerraformOutput(this, 'kms_key_arn', { value: this.key.arn, description: "The stack's KMS key: admin secret, logs, dead-letter queue, alarm topic" });
    new TerraformOutput(this, 'alarm_topic_arn', { value: this.alarms.arn, description: "SNS topic the stack's alarms notify" });
    if (networkId !== undefined) new TerraformOutput(this, 'network_id', { value: networkId, description: 'AMB network id' });
    if (this.endpoint.endpoint) {
      new TerraformOutput(this, 'endpoint_id', { value: this.endpoint.endpoint.id, description: 'Interface VPC endpoint into the AMB network' });
    }
    if (fabricLedger) {
      new TerraformOutput(this, 'member_id', { value: fabricLedger.memberId, description: 'AMB member id' });
      new TerraformOutput(this, 'admin_secret_arn', {
        value: fabricLedger.adminSecretArn,
        description: 'Secrets Manager secret holding the Fabric CA admin password (the value is never in Terraform)',
      });
    }
    if (this.voter) {
      new TerraformOutput(this, 'voter_function_name', { value: this.voter.function.functionName, description: 'Lambda that votes on proposals for this member' });
    }
    if (this.client) {
      new TerraformOutput(this, 'client_instance_id', {
        value: this.client.instance.id,
        description: 'Fabric client instance; connect with: aws ssm start-session --target <id>',
      });
    }
  }
}

/** The founder only learns its network id during apply, so the name is built in Terraform. */
function serviceName(region: string, networkId: string, computed: boolean): string {
  return computed ? `com.amazonaws.${region}.managedblockchain.${Fn.lower(networkId)}` : vpcEndpointServiceName(region, networkId);
}

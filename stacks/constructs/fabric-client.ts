import { join } from 'node:path';
import { Construct } from 'constructs';
import { Fn, type ITerraformDependable } from 'cdktf';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AMB_ARNS, partitionOf, tlsChainObject } from '../../lib/amb';
import type { FabricClient as FabricClientConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/project-root';
import { fileAsset } from '../file-asset';

/** AWS's public SSM parameter that always names the latest Amazon Linux 2023 x86_64 AMI. */
export const AL2023_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/**
 * What the SSM Agent needs for Session Manager and Run Command, and nothing more: AWS's own
 * AWSCloud9SSMInstanceProfile policy for sessions (Session Manager user guide, "Step 2: Verify
 * or add instance permissions for Session Manager"), the ec2messages actions of
 * AmazonSSMManagedInstanceCore for Run Command. None of these actions takes a narrower
 * resource than `*` (Service Authorization Reference: ssmmessages and ec2messages define no
 * resource types).
 */
export const SESSION_MANAGER_STATEMENTS: DataAwsIamPolicyDocumentStatement[] = [
  {
    sid: 'SessionManager',
    actions: ['ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
    resources: ['*'],
  },
  {
    sid: 'RunCommand',
    actions: ['ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage', 'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply'],
    resources: ['*'],
  },
];

/** The boot script, a Terraform template rendered by templatefile() at plan time. */
export const USER_DATA_TEMPLATE = join(PROJECT_ROOT, 'stacks', 'templates', 'fabric-client-user-data.sh.tpl');

/**
 * What an imported client (client.instanceId) keeps as it is: each of these would make
 * Terraform replace the instance (AWS provider docs, aws_instance: ami, subnet_id,
 * associate_public_ip_address, an encrypted root volume), and a person's client holds the
 * admin's enrolled identity on its disk. The stack manages its type, role, security group,
 * metadata options and tags in place.
 */
export const IMPORTED_CLIENT_KEEPS = ['ami', 'user_data', 'user_data_replace_on_change', 'subnet_id', 'associate_public_ip_address', 'root_block_device'];

export interface UserDataValues {
  readonly region: string;
  readonly networkId: string;
  readonly memberId: string;
  readonly adminSecretArn: string;
  readonly adminUsername: string;
  readonly fabricVersion: string;
  readonly fabricCaVersion: string;
  /** The archives to install, each checked against its SHA-256; absent: no Fabric tool is installed. */
  readonly archives?: FabricClientConfig['archives'];
}

/** The variables the user-data template reads: ids and versions, never a secret value. */
export function userDataVariables(values: UserDataValues): Record<string, string> {
  const tlsChain = tlsChainObject(values.region);
  return {
    region: values.region,
    network_id: values.networkId,
    member_id: values.memberId,
    admin_secret_arn: values.adminSecretArn,
    admin_username: values.adminUsername,
    fabric_version: values.fabricVersion,
    fabric_ca_version: values.fabricCaVersion,
    fabric_archive_url: values.archives?.fabric.url ?? '',
    fabric_archive_sha256: values.archives?.fabric.sha256 ?? '',
    fabric_ca_archive_url: values.archives?.fabricCa.url ?? '',
    fabric_ca_archive_sha256: values.archives?.fabricCa.sha256 ?? '',
    tls_chain_bucket: tlsChain.bucket,
    tls_chain_key: tlsChain.key,
  };
}

export interface FabricClientProps {
  /** The member's client settings: instance type, subnet kind, SSH CIDRs, tool versions, disk. */
  readonly client: FabricClientConfig;
  /** Subnet of a `public` client, which gets a public IP there. */
  readonly publicSubnetId: string;
  /** Subnet of a `private` client, which reaches the internet through the NAT gateway. */
  readonly privateSubnetId: string;
  /** The group the AMB endpoint admits: the instance's only group, and where SSH rules go. */
  readonly securityGroupId: string;
  /** Region of the AMB network. */
  readonly region: string;
  /** Account that owns the member and its nodes. */
  readonly accountId: string;
  /** AMB network id. */
  readonly networkId: string;
  /** AMB member id. */
  readonly memberId: string;
  /** Node ids of the member's peers; the role may read exactly these nodes. */
  readonly peerNodeIds: readonly string[];
  /** ARN of the Secrets Manager secret holding the Fabric CA admin password. */
  readonly adminSecretArn: string;
  /** ARN of the KMS key that encrypts the admin secret. */
  readonly secretKeyArn: string;
  /** Fabric CA admin the client enrolls. */
  readonly adminUsername: string;
  /** Prefix of resource names, e.g. `drm-royalties-bank`. */
  readonly namePrefix: string;
  /**
   * Resources that must exist before the client boots, such as the VPC endpoint whose private
   * DNS names the CA, orderer and peers.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The member's Fabric client: an Amazon Linux 2023 instance that installs the Fabric peer
 * tools and fabric-ca-client, enrolls the member's admin and points the peer CLI at the
 * member's peers. Reached through Session Manager; SSH only from the CIDRs configured.
 */
export class FabricClient extends Construct {
  /** The EC2 instance. */
  public readonly instance: Instance;
  /** The instance's role, for granting it more. */
  public readonly role: IamRole;
  /** SSH ingress rules, one per configured CIDR; empty by default. */
  public readonly sshRules: VpcSecurityGroupIngressRule[];

  constructor(scope: Construct, id: string, props: FabricClientProps) {
    super(scope, id);
    const { client, region } = props;
    const partition = partitionOf(region);
    const name = `${props.namePrefix}-fabric-client`;

    const assumeRole = new DataAwsIamPolicyDocument(this, 'assume-role', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }],
    });
    this.role = new IamRole(this, 'role', {
      // IAM role names stop at 64 characters.
      name: name.slice(0, 64),
      description: `Fabric client of ${props.namePrefix}: Session Manager, its own admin secret, read-only AMB`,
      assumeRolePolicy: assumeRole.json,
    });
    // Not AmazonSSMManagedInstanceCore: it also lets the instance read every SSM parameter of
    // the account. The AMI parameter is read at plan time, not by the instance.
    const sessionManagerPolicy = new DataAwsIamPolicyDocument(this, 'session-manager-permissions', { statement: SESSION_MANAGER_STATEMENTS });
    const sessionManager = new IamRolePolicy(this, 'session-manager', { name: 'session-manager', role: this.role.id, policy: sessionManagerPolicy.json });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: clientStatements(props, partition),
    });
    const policy = new IamRolePolicy(this, 'policy', { name: 'fabric-client', role: this.role.id, policy: permissions.json });
    const profile = new IamInstanceProfile(this, 'profile', { name: name.slice(0, 128), role: this.role.name });

    this.sshRules = client.sshCidrs.map(
      (cidr, index) =>
        new VpcSecurityGroupIngressRule(this, `ssh-${index}`, {
          securityGroupId: props.securityGroupId,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: cidr,
          description: `SSH from ${cidr} (client.sshCidrs)`,
        }),
    );

    const ami = new DataAwsSsmParameter(this, 'ami', { name: AL2023_AMI_PARAMETER });
    // Terraform renders the template from the stack's own directory, so it travels as an asset.
    const template = fileAsset(this, 'user-data', USER_DATA_TEMPLATE);
    const isPublic = client.subnet === 'public';
    const imported = client.instanceId !== undefined;

    this.instance = new Instance(this, 'instance', {
      // A public parameter, not a secret: insecure_value keeps the AMI id readable in plans.
      ami: ami.insecureValue,
      instanceType: client.instanceType,
      subnetId: isPublic ? props.publicSubnetId : props.privateSubnetId,
      associatePublicIpAddress: isPublic,
      vpcSecurityGroupIds: [props.securityGroupId],
      iamInstanceProfile: profile.name,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      rootBlockDevice: {
        volumeType: 'gp3',
        volumeSize: client.rootVolumeGiB,
        encrypted: true,
        deleteOnTermination: true,
        tags: { Name: name },
      },
      userData: Fn.templatefile(
        template.path,
        userDataVariables({
          region,
          networkId: props.networkId,
          memberId: props.memberId,
          adminSecretArn: props.adminSecretArn,
          adminUsername: props.adminUsername,
          fabricVersion: client.fabricVersion,
          fabricCaVersion: client.fabricCaVersion,
          archives: client.archives,
        }),
      ),
      // A running client keeps the script it booted with (it reruns that copy at each boot),
      // so a changed script or tool version takes effect on a new instance.
      userDataReplaceOnChange: !imported,
      tags: { Name: name },
      dependsOn: [sessionManager, policy, ...(props.dependsOn ?? [])],
      // A new AMI is published every few weeks; following it would replace the client on
      // every deploy. Replace it on purpose with `terraform apply -replace` instead.
      lifecycle: { ignoreChanges: imported ? IMPORTED_CLIENT_KEEPS : ['ami'] },
    });
    if (imported) this.instance.importFrom(client.instanceId!);
  }
}

/**
 * Least privilege: the member's own admin secret, read-only AMB calls on its own network,
 * member and peers, and the public TLS chain object.
 */
function clientStatements(props: FabricClientProps, partition: string): DataAwsIamPolicyDocumentStatement[] {
  const { region, accountId } = props;
  const tlsChain = tlsChainObject(region);
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    { sid: 'ReadOwnAdminSecret', actions: ['secretsmanager:GetSecretValue'], resources: [props.adminSecretArn] },
    {
      sid: 'DecryptOwnAdminSecret',
      actions: ['kms:Decrypt'],
      resources: [props.secretKeyArn],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${region}.amazonaws.com`] }],
    },
    { sid: 'ReadNetwork', actions: ['managedblockchain:GetNetwork', 'managedblockchain:ListMembers'], resources: [AMB_ARNS.network(region, props.networkId)] },
    { sid: 'ReadOwnMember', actions: ['managedblockchain:GetMember'], resources: [AMB_ARNS.member(region, accountId, props.memberId)] },
    {
      sid: 'ListOwnNodes',
      actions: ['managedblockchain:ListNodes'],
      resources: [AMB_ARNS.network(region, props.networkId), AMB_ARNS.member(region, accountId, props.memberId)],
    },
    { sid: 'ReadTlsChain', actions: ['s3:GetObject'], resources: [`arn:${partition}:s3:::${tlsChain.bucket}/${tlsChain.key}`] },
  ];
  const s3Archives = Object.values(props.client.archives ?? {}).filter((archive) => archive.url.startsWith('s3://'));
  if (s3Archives.length > 0) {
    statements.push({ sid: 'ReadPinnedArchives', actions: ['s3:GetObject'], resources: s3Archives.map((archive) => `arn:${partition}:s3:::${archive.url.slice('s3://'.length)}`) });
  }
  if (props.peerNodeIds.length > 0) {
    statements.push({ sid: 'ReadOwnPeers', actions: ['managedblockchain:GetNode'], resources: props.peerNodeIds.map((nodeId) => AMB_ARNS.node(region, accountId, nodeId)) });
  }
  return statements;
}

import { Construct } from 'constructs';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { cidrSubnet } from '../../lib/cidr';
import type { Vpc as VpcConfig } from '../../lib/config';

export interface MemberNetworkProps {
  /** A new VPC to create, or an existing VPC and subnets to use. */
  readonly vpc: VpcConfig;
  /** Prefix of resource Name tags, e.g. `drm-royalties-bank`. */
  readonly namePrefix: string;
  /** Region of the VPC, for the S3 gateway endpoint's service name. */
  readonly region: string;
  /**
   * Give the private subnets a NAT gateway, for a Fabric client that sits there and still
   * needs to download its tools.
   * @default false
   */
  readonly natGateway?: boolean;
  /**
   * Flow logs of a new VPC (all traffic) to a CloudWatch log group encrypted with this key.
   * @default no flow logs
   */
  readonly flowLogs?: FlowLogSettings;
}

export interface FlowLogSettings {
  /** ARN of the KMS key that encrypts the log group. */
  readonly keyArn: string;
  /** Account of the VPC; only VPC Flow Logs acting for it may assume the delivery role. */
  readonly accountId: string;
  /**
   * Days the flow logs are kept.
   * @default 90
   */
  readonly retentionDays?: number;
}

/**
 * The member's VPC: a new one with DNS support and hostnames, a public and a private subnet
 * in each of two AZs, or an existing VPC and its subnets.
 */
export class MemberNetwork extends Construct {
  /** Id of the VPC. */
  public readonly vpcId: string;
  /** Subnets of the interface endpoint into the network, in two AZs. */
  public readonly endpointSubnetIds: string[];
  /** Subnet of a client with a public IP (the first subnet of an existing VPC). */
  public readonly publicSubnetId: string;
  /** Subnet of a client without a public IP (the first subnet of an existing VPC). */
  public readonly privateSubnetId: string;
  /** The log group of the VPC's flow logs, when they are on. */
  public readonly flowLogGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: MemberNetworkProps) {
    super(scope, id);
    const config = props.vpc;
    if (config.kind === 'existing') {
      this.vpcId = config.vpcId;
      this.endpointSubnetIds = [...config.subnetIds];
      this.publicSubnetId = config.subnetIds[0];
      this.privateSubnetId = config.subnetIds[0];
      return;
    }

    const name = (suffix: string) => ({ Name: `${props.namePrefix}-${suffix}` });
    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: config.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name('vpc'),
    });
    // The default group allows all traffic between its members; nothing should use it.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: vpc.id, tags: name('default-unused') });

    const gateway = new InternetGateway(this, 'igw', { vpcId: vpc.id, tags: name('igw') });
    const publicRoutes = new RouteTable(this, 'public-routes', {
      vpcId: vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: gateway.id }],
      tags: name('public'),
    });

    const publicSubnets = config.availabilityZones.map((zone, index) => {
      const subnet = new Subnet(this, `public-${index}`, {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: cidrSubnet(config.cidr, 2, index),
        tags: name(`public-${zone}`),
      });
      new RouteTableAssociation(this, `public-${index}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      return subnet;
    });

    const nat = props.natGateway
      ? new NatGateway(this, 'nat', {
          allocationId: new Eip(this, 'nat-ip', { domain: 'vpc', tags: name('nat') }).id,
          subnetId: publicSubnets[0].id,
          tags: name('nat'),
          dependsOn: [gateway],
        })
      : undefined;
    const privateRoutes = new RouteTable(this, 'private-routes', {
      vpcId: vpc.id,
      route: nat ? [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }] : [],
      tags: name('private'),
    });
    const privateSubnets = config.availabilityZones.map((zone, index) => {
      const subnet = new Subnet(this, `private-${index}`, {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: cidrSubnet(config.cidr, 2, index + 2),
        tags: name(`private-${zone}`),
      });
      new RouteTableAssociation(this, `private-${index}-routes`, { subnetId: subnet.id, routeTableId: privateRoutes.id });
      return subnet;
    });

    // Free gateway endpoint: S3 downloads (TLS chain, Fabric archives, dnf repositories) of a
    // private client go past the NAT gateway and its per-GB charge.
    new VpcEndpoint(this, 's3', {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [privateRoutes.id],
      tags: name('s3'),
    });

    if (props.flowLogs) this.flowLogGroup = this.addFlowLogs(vpc.id, props.namePrefix, props.flowLogs);

    this.vpcId = vpc.id;
    this.endpointSubnetIds = privateSubnets.map((subnet) => subnet.id);
    this.publicSubnetId = publicSubnets[0].id;
    this.privateSubnetId = privateSubnets[0].id;
  }

  /** VPC Flow Logs user guide, "Publish flow logs to CloudWatch Logs": the delivery role and its trust. */
  private addFlowLogs(vpcId: string, namePrefix: string, settings: FlowLogSettings): CloudwatchLogGroup {
    const logGroup = new CloudwatchLogGroup(this, 'flow-logs', {
      name: `/aws/vpc/flow-logs/${namePrefix}`,
      retentionInDays: settings.retentionDays ?? 90,
      kmsKeyId: settings.keyArn,
    });
    const trust = new DataAwsIamPolicyDocument(this, 'flow-logs-trust', {
      statement: [
        {
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [settings.accountId] }],
        },
      ],
    });
    const role = new IamRole(this, 'flow-logs-role', { name: `${namePrefix}-flow-logs`.slice(0, 64), assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, 'flow-logs-permissions', {
      statement: [
        {
          sid: 'DeliverToOwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
          resources: [logGroup.arn, `${logGroup.arn}:*`],
        },
      ],
    });
    const policy = new IamRolePolicy(this, 'flow-logs-policy', { name: 'deliver-flow-logs', role: role.id, policy: permissions.json });
    new FlowLog(this, 'flow-log', {
      vpcId,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      tags: { Name: `${namePrefix}-vpc` },
      dependsOn: [policy],
    });
    return logGroup;
  }
}

import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { FABRIC_PORT_RANGE } from '../../lib/amb';

export interface NetworkEndpointProps {
  /** VPC to place the endpoint and the security groups in. */
  readonly vpcId: string;
  /** Subnets of the endpoint's network interfaces, one per AZ. */
  readonly subnetIds: string[];
  /**
   * VPC endpoint service of the AMB network, `com.amazonaws.<region>.managedblockchain.<id>`;
   * undefined while the network does not exist yet (no endpoint is created).
   */
  readonly serviceName?: string;
  /**
   * Further security groups admitted to the endpoint, such as application servers.
   * @default none
   */
  readonly allowedSecurityGroupIds?: readonly string[];
  /**
   * An interface endpoint into the network that exists already (an adopted member's): the
   * stack imports it with a Terraform `import` block rather than creating a second one, and
   * from then on manages its subnets and security group in place.
   * @default none: the endpoint is created
   */
  readonly existingEndpointId?: string;
  /** Prefix of resource names, e.g. `drm-royalties-bank`. */
  readonly namePrefix: string;
}

/**
 * The member's door into the AMB network: an interface VPC endpoint with private DNS, its
 * security group, and the client security group that group admits on AMB's port range.
 */
export class NetworkEndpoint extends Construct {
  /** Group for machines that talk to the network; the endpoint admits it. */
  public readonly clientSecurityGroup: SecurityGroup;
  /** Group of the endpoint's network interfaces. */
  public readonly endpointSecurityGroup: SecurityGroup;
  /** The interface endpoint, when the network exists. */
  public readonly endpoint?: VpcEndpoint;

  constructor(scope: Construct, id: string, props: NetworkEndpointProps) {
    super(scope, id);
    const ports = { ipProtocol: 'tcp', fromPort: FABRIC_PORT_RANGE.from, toPort: FABRIC_PORT_RANGE.to };

    this.clientSecurityGroup = new SecurityGroup(this, 'client-sg', {
      name: `${props.namePrefix}-fabric-client`,
      description: 'Fabric clients of this member; admitted by the AMB endpoint',
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-fabric-client` },
    });
    this.endpointSecurityGroup = new SecurityGroup(this, 'endpoint-sg', {
      name: `${props.namePrefix}-amb-endpoint`,
      description: 'AMB network endpoint; admits only the Fabric client and listed groups',
      vpcId: props.vpcId,
      tags: { Name: `${props.namePrefix}-amb-endpoint` },
    });

    new VpcSecurityGroupIngressRule(this, 'endpoint-from-client', {
      ...ports,
      securityGroupId: this.endpointSecurityGroup.id,
      referencedSecurityGroupId: this.clientSecurityGroup.id,
      description: 'Fabric client to AMB (orderer, CA, peers)',
    });
    (props.allowedSecurityGroupIds ?? []).forEach((groupId, index) => {
      new VpcSecurityGroupIngressRule(this, `endpoint-from-app-${index}`, {
        ...ports,
        securityGroupId: this.endpointSecurityGroup.id,
        referencedSecurityGroupId: groupId,
        description: `Application group ${groupId} to AMB`,
      });
    });

    new VpcSecurityGroupEgressRule(this, 'client-to-endpoint', {
      ...ports,
      securityGroupId: this.clientSecurityGroup.id,
      referencedSecurityGroupId: this.endpointSecurityGroup.id,
      description: 'To the AMB endpoint',
    });
    new VpcSecurityGroupEgressRule(this, 'client-https', {
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      securityGroupId: this.clientSecurityGroup.id,
      cidrIpv4: '0.0.0.0/0',
      description: 'HTTPS: Session Manager, AWS APIs, package and Fabric downloads',
    });

    if (props.serviceName !== undefined) {
      this.endpoint = new VpcEndpoint(this, 'endpoint', {
        vpcId: props.vpcId,
        serviceName: props.serviceName,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
        tags: { Name: `${props.namePrefix}-amb-endpoint` },
      });
      if (props.existingEndpointId !== undefined) this.endpoint.importFrom(props.existingEndpointId);
    }
  }
}

/**
 * The CloudFormation template of a member's ledger resources. AMB has no Terraform
 * resources, so the member, its peers and its admin secret live in one CloudFormation stack.
 * Every resource is retained on delete and on replacement: they hold ledger data.
 */
import { ADMIN_PASSWORD } from '../lib/amb';
import type { Consortium, Member } from '../lib/config';

export const LEDGER_OUTPUTS = {
  memberId: 'MemberId',
  networkId: 'NetworkId',
  adminSecretArn: 'AdminSecretArn',
} as const;

const RETAIN = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } as const;

/** Template parameter that takes the ARN of the member stack's KMS key, which encrypts the admin secret. */
export const SECRET_KEY_PARAMETER = 'SecretKmsKeyArn';

type Template = {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters?: Record<string, { Type: 'String'; Description: string }>;
  Resources: Record<string, unknown>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
};

/** Logical id of a node: stable as long as its name in the YAML is. */
export function nodeLogicalId(kind: 'Peer' | 'Ethereum', name: string): string {
  return `${kind}Node${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

export function ledgerTemplate(consortium: Consortium, member: Member): Template {
  const template: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `AMB ledger resources of ${member.name} in ${consortium.network.name}; every resource is retained`,
    Resources: {},
    Outputs: {},
  };
  if (member.joined) addFabricMember(template, consortium, member);
  for (const node of member.ethereumNodes) {
    const logicalId = nodeLogicalId('Ethereum', node.name);
    template.Resources[logicalId] = {
      Type: 'AWS::ManagedBlockchain::Node',
      ...RETAIN,
      Properties: {
        NetworkId: node.networkId,
        NodeConfiguration: { AvailabilityZone: node.availabilityZone, InstanceType: node.instanceType },
      },
    };
    template.Outputs[`${logicalId}Id`] = { Description: `Node id of Ethereum node ${node.name}`, Value: { 'Fn::GetAtt': [logicalId, 'NodeId'] } };
  }
  return template;
}

function addFabricMember(template: Template, consortium: Consortium, member: Member): void {
  const { network } = consortium;
  template.Parameters = {
    [SECRET_KEY_PARAMETER]: { Type: 'String', Description: "ARN of the member stack's KMS key that encrypts the admin secret" },
  };
  template.Resources.AdminSecret = {
    Type: 'AWS::SecretsManager::Secret',
    ...RETAIN,
    Properties: {
      Description: `Fabric CA admin of AMB member ${member.name} (${network.name})`,
      // Changing the key re-encrypts the secret in place (no replacement).
      KmsKeyId: { Ref: SECRET_KEY_PARAMETER },
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ username: member.adminUsername }),
        GenerateStringKey: 'password',
        PasswordLength: ADMIN_PASSWORD.maxLength,
        ExcludePunctuation: true,
        IncludeSpace: false,
        RequireEachIncludedType: true,
      },
    },
  };

  const memberConfiguration = {
    Name: member.name,
    ...(member.description ? { Description: member.description } : {}),
    MemberFrameworkConfiguration: {
      MemberFabricConfiguration: {
        AdminUsername: member.adminUsername,
        // Resolved by CloudFormation at deploy time: the password is never in the
        // template, the Terraform state or a log.
        AdminPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'AdminSecret' }, ':SecretString:password::}}']] },
      },
    },
  };
  template.Resources.Member = {
    Type: 'AWS::ManagedBlockchain::Member',
    ...RETAIN,
    Properties: member.isFounder
      ? {
          NetworkConfiguration: {
            Name: network.name,
            ...(network.description ? { Description: network.description } : {}),
            Framework: 'HYPERLEDGER_FABRIC',
            FrameworkVersion: network.frameworkVersion,
            NetworkFrameworkConfiguration: { NetworkFabricConfiguration: { Edition: network.edition } },
            VotingPolicy: {
              ApprovalThresholdPolicy: {
                ThresholdPercentage: network.voting.thresholdPercentage,
                ProposalDurationInHours: network.voting.proposalDurationInHours,
                ThresholdComparator: network.voting.thresholdComparator,
              },
            },
          },
          MemberConfiguration: memberConfiguration,
        }
      : { NetworkId: network.id, InvitationId: member.invitationId, MemberConfiguration: memberConfiguration },
  };

  for (const peer of member.peers) {
    const logicalId = nodeLogicalId('Peer', peer.name);
    template.Resources[logicalId] = {
      Type: 'AWS::ManagedBlockchain::Node',
      ...RETAIN,
      Properties: {
        NetworkId: { 'Fn::GetAtt': ['Member', 'NetworkId'] },
        MemberId: { 'Fn::GetAtt': ['Member', 'MemberId'] },
        NodeConfiguration: { AvailabilityZone: peer.availabilityZone, InstanceType: peer.instanceType },
      },
    };
    template.Outputs[`${logicalId}Id`] = { Description: `Node id of peer ${peer.name}`, Value: { 'Fn::GetAtt': [logicalId, 'NodeId'] } };
  }

  template.Outputs[LEDGER_OUTPUTS.memberId] = { Description: 'AMB member id', Value: { 'Fn::GetAtt': ['Member', 'MemberId'] } };
  template.Outputs[LEDGER_OUTPUTS.networkId] = { Description: 'AMB network id', Value: { 'Fn::GetAtt': ['Member', 'NetworkId'] } };
  template.Outputs[LEDGER_OUTPUTS.adminSecretArn] = { Description: 'Secrets Manager secret of the Fabric CA admin', Value: { Ref: 'AdminSecret' } };
}

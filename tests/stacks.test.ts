import { Testing } from 'cdktf';
import { loadConsortium } from '../lib/config';
import { planRoleNotice, stackRoleOf } from '../stacks/main';
import { MemberStack, roleArnFor } from '../stacks/member-stack';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { ledgerTemplateOf, resources, single, synthAll } from './helpers/synth';

const sample = synthAll(loadConsortium(SAMPLE_DIR));

function withEdit(file: string, from: string | RegExp, to: string) {
  const fixture = new ConsortiumFixture().edit(file, from, to);
  try {
    return synthAll(fixture.load());
  } finally {
    fixture.dispose();
  }
}

describe('provider and state backend', () => {
  test.each(Object.keys(sample))('%s deploys into its own account through its own deploy role', (name) => {
    const consortium = loadConsortium(SAMPLE_DIR);
    const member = consortium.members.find((m) => m.name === name)!;
    const [provider] = sample[name].provider.aws;
    expect(provider.allowed_account_ids).toEqual([member.accountId]);
    expect(provider.assume_role).toEqual([{ role_arn: member.deployRoleArn, session_name: `amb-deploy-${name}` }]);
    expect(provider.region).toBe('us-east-1');
    expect(provider.default_tags[0].tags).toMatchObject({ 'amb:member': name, 'amb:consortium': 'drm-royalties' });
  });

  test('each member keeps one encrypted, locked state object in its own account', () => {
    expect(sample.bank.terraform.backend.s3).toEqual({
      bucket: 'drm-royalties-tfstate-444455556666',
      key: 'amb-consortium/bank.tfstate',
      region: 'us-east-1',
      encrypt: true,
      use_lockfile: true,
      assume_role: { role_arn: 'arn:aws:iam::444455556666:role/amb-consortium-deploy', session_name: 'amb-state-deploy-bank' },
    });
    const keys = Object.values(sample).map((stack) => stack.terraform.backend.s3.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('plan role', () => {
  test('a plan stack (AMB_ROLE=plan) assumes the read-only plan role for provider and state, and nothing else changes', () => {
    const consortium = loadConsortium(SAMPLE_DIR);
    const app = Testing.app();
    const bank = consortium.members.find((m) => m.name === 'bank')!;
    const plan = JSON.parse(Testing.synth(new MemberStack(app, { consortium, member: bank, role: 'plan' })));
    expect(plan.provider.aws[0].assume_role).toEqual([{ role_arn: 'arn:aws:iam::444455556666:role/amb-consortium-plan', session_name: 'amb-plan-bank' }]);
    expect(plan.terraform.backend.s3.assume_role).toEqual({ role_arn: 'arn:aws:iam::444455556666:role/amb-consortium-plan', session_name: 'amb-state-plan-bank' });
    expect(plan.provider.aws[0].allowed_account_ids).toEqual(['444455556666']);
    expect(Object.keys(plan.resource).sort()).toEqual(Object.keys(sample.bank.resource).sort());
  });

  test('AMB_ROLE accepts deploy and plan only', () => {
    expect(stackRoleOf({})).toBe('deploy');
    expect(stackRoleOf({ AMB_ROLE: 'plan' })).toBe('plan');
    expect(() => stackRoleOf({ AMB_ROLE: 'admin' })).toThrow('AMB_ROLE=admin is not a stack role (allowed: deploy, plan)');
  });

  test('a member without a plan role plans with its deploy role, and synth says so', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', /planRoleArn: .*\n/, '');
    try {
      const consortium = fixture.load();
      expect(roleArnFor(consortium.members.find((m) => m.name === 'bank')!, 'plan')).toBe('arn:aws:iam::444455556666:role/amb-consortium-deploy');
      expect(planRoleNotice(consortium, 'plan')).toEqual(['bank: no planRoleArn, so its plan assumes the deploy role; give it a read-only planRoleArn']);
      expect(planRoleNotice(consortium, 'deploy')).toEqual([]);
    } finally {
      fixture.dispose();
    }
  });
});

describe('network layer', () => {
  test('a new VPC has DNS support and hostnames', () => {
    expect(single(sample.bank, 'aws_vpc')).toMatchObject({ cidr_block: '10.40.0.0/16', enable_dns_support: true, enable_dns_hostnames: true });
  });

  test('subnets span the two configured AZs, public and private in each', () => {
    const subnets = resources(sample.bank, 'aws_subnet').map((subnet) => [subnet.availability_zone, subnet.cidr_block]);
    expect(subnets.sort()).toEqual([
      ['us-east-1a', '10.40.0.0/18'],
      ['us-east-1a', '10.40.128.0/18'],
      ['us-east-1c', '10.40.192.0/18'],
      ['us-east-1c', '10.40.64.0/18'],
    ]);
  });

  test('a NAT gateway exists only when the client sits in a private subnet', () => {
    expect(resources(sample.bank, 'aws_nat_gateway')).toHaveLength(1);
    expect(resources(sample.filmmaker, 'aws_nat_gateway')).toHaveLength(0);
  });

  test('the default security group of a new VPC is emptied', () => {
    const group = single(sample.bank, 'aws_default_security_group');
    expect(group.ingress).toBeUndefined();
    expect(group.egress).toBeUndefined();
  });

  test('an existing VPC is used as configured, with no VPC or subnet created', () => {
    const stacks = withEdit('bank.yaml', '  cidr: 10.40.0.0/16\n  availabilityZones: [us-east-1a, us-east-1c]\n', '  vpcId: vpc-0123456789abcdef0\n  subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]\n');
    expect(resources(stacks.bank, 'aws_vpc')).toHaveLength(0);
    expect(resources(stacks.bank, 'aws_subnet')).toHaveLength(0);
    expect(single(stacks.bank, 'aws_vpc_endpoint')).toMatchObject({ vpc_id: 'vpc-0123456789abcdef0', subnet_ids: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'] });
  });
});

describe('endpoint into the AMB network', () => {
  test('a joining member connects to the network endpoint service by its lower-case id', () => {
    expect(single(sample.bank, 'aws_vpc_endpoint')).toMatchObject({
      service_name: 'com.amazonaws.us-east-1.managedblockchain.n-mwy63zjzu5hgncmbqer7in6oiu',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: true,
    });
  });

  test('the founder takes the network id from its own ledger stack in the same apply', () => {
    const endpoint = single(sample.filmmaker, 'aws_vpc_endpoint');
    expect(endpoint.service_name).toMatch(/^com\.amazonaws\.us-east-1\.managedblockchain\.\$\{lower\(aws_cloudformation_stack\.ledger_stack_\w+\.outputs\["NetworkId"\]\)\}$/);
  });

  test('the endpoint admits only the client security group on AMB ports 30000-34000', () => {
    const rules = resources(sample.bank, 'aws_vpc_security_group_ingress_rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ip_protocol: 'tcp', from_port: 30000, to_port: 34000 });
    expect(rules[0].referenced_security_group_id).toMatch(/aws_security_group\.endpoint_client-sg_\w+\.id/);
    expect(rules[0].security_group_id).toMatch(/aws_security_group\.endpoint_endpoint-sg_\w+\.id/);
    expect(rules[0].cidr_ipv4).toBeUndefined();
  });

  test('listed application security groups are admitted too', () => {
    const stacks = withEdit('bank.yaml', 'peers:', 'endpoint:\n  allowedSecurityGroupIds: [sg-0123456789abcdef0]\npeers:');
    const sources = resources(stacks.bank, 'aws_vpc_security_group_ingress_rule').map((rule) => rule.referenced_security_group_id);
    expect(sources).toContain('sg-0123456789abcdef0');
    expect(sources).toHaveLength(2);
  });

  test('a network that does not exist yet gets no endpoint on a joining member', () => {
    const fixture = new ConsortiumFixture()
      .edit('consortium.yaml', '  id: n-MWY63ZJZU5HGNCMBQER7IN6OIU\n', '')
      .edit('filmmaker.yaml', /ledger:[\s\S]*$/, '')
      .edit('bank.yaml', /invitationId: .*\n/, '')
      .edit('bank.yaml', /ledger:[\s\S]*$/, '')
      .edit('ott-vendor-1.yaml', /invitationId: .*\n/, '')
      .edit('ott-vendor-1.yaml', /ledger:[\s\S]*$/, '');
    try {
      const stacks = synthAll(fixture.load());
      expect(resources(stacks.bank, 'aws_vpc_endpoint')).toHaveLength(0);
      expect(resources(stacks.filmmaker, 'aws_vpc_endpoint')).toHaveLength(1);
    } finally {
      fixture.dispose();
    }
  });
});

describe('ledger layer', () => {
  test('the founder creates the network with the configured voting policy', () => {
    const member = ledgerTemplateOf(sample.filmmaker).Resources.Member;
    expect(member.Type).toBe('AWS::ManagedBlockchain::Member');
    expect(member.Properties.NetworkConfiguration).toEqual({
      Name: 'drm-royalties',
      Description: 'Film rights, OTT play reports and royalty payments',
      Framework: 'HYPERLEDGER_FABRIC',
      FrameworkVersion: '2.2',
      NetworkFrameworkConfiguration: { NetworkFabricConfiguration: { Edition: 'STANDARD' } },
      VotingPolicy: { ApprovalThresholdPolicy: { ThresholdPercentage: 50, ProposalDurationInHours: 24, ThresholdComparator: 'GREATER_THAN' } },
    });
    expect(member.Properties.NetworkId).toBeUndefined();
  });

  test('a joining member uses the network id and its invitation', () => {
    const member = ledgerTemplateOf(sample.bank).Resources.Member;
    expect(member.Properties).toMatchObject({ NetworkId: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU', InvitationId: 'i-7XG4VPL2MCB6QJ3TZK5RHN2WDE' });
    expect(member.Properties.NetworkConfiguration).toBeUndefined();
  });

  test('the admin password is generated by Secrets Manager within AMB rules and passed by dynamic reference', () => {
    const template = ledgerTemplateOf(sample.bank);
    expect(template.Resources.AdminSecret.Properties.GenerateSecretString).toEqual({
      SecretStringTemplate: '{"username":"bankadmin"}',
      GenerateStringKey: 'password',
      PasswordLength: 32,
      ExcludePunctuation: true,
      IncludeSpace: false,
      RequireEachIncludedType: true,
    });
    expect(template.Resources.Member.Properties.MemberConfiguration.MemberFrameworkConfiguration.MemberFabricConfiguration).toEqual({
      AdminUsername: 'bankadmin',
      AdminPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: 'AdminSecret' }, ':SecretString:password::}}']] },
    });
  });

  test('there is one peer node per configured peer, in its AZ and instance type', () => {
    const nodes = Object.entries(ledgerTemplateOf(sample.filmmaker).Resources).filter(([, resource]) => resource.Type === 'AWS::ManagedBlockchain::Node');
    expect(nodes.map(([id, node]) => [id, node.Properties.NodeConfiguration])).toEqual([
      ['PeerNodePeer1', { AvailabilityZone: 'us-east-1a', InstanceType: 'bc.t3.medium' }],
      ['PeerNodePeer2', { AvailabilityZone: 'us-east-1b', InstanceType: 'bc.t3.medium' }],
    ]);
    expect(nodes[0][1].Properties.MemberId).toEqual({ 'Fn::GetAtt': ['Member', 'MemberId'] });
  });

  test('Ethereum nodes join the ledger stack on their public network', () => {
    const stacks = withEdit('bank.yaml', 'logging:', 'ethereumNodes:\n  - instanceType: bc.m5.xlarge\n    availabilityZone: us-east-1a\nlogging:');
    expect(ledgerTemplateOf(stacks.bank).Resources.EthereumNodeEth1).toMatchObject({
      Type: 'AWS::ManagedBlockchain::Node',
      DeletionPolicy: 'Retain',
      Properties: { NetworkId: 'n-ethereum-mainnet', NodeConfiguration: { AvailabilityZone: 'us-east-1a', InstanceType: 'bc.m5.xlarge' } },
    });
  });

  test('a member that has not joined may still run Ethereum nodes, with no Fabric member, client or voter', () => {
    const stacks = withEdit('ott-vendor-2.yaml', 'tags:', 'ethereumNodes:\n  - instanceType: bc.m5.xlarge\n    availabilityZone: us-east-1a\ntags:');
    const template = ledgerTemplateOf(stacks['ott-vendor-2']);
    expect(Object.keys(template.Resources)).toEqual(['EthereumNodeEth1']);
    expect(resources(stacks['ott-vendor-2'], 'aws_instance')).toHaveLength(0);
    expect(resources(stacks['ott-vendor-2'], 'aws_lambda_function')).toHaveLength(0);
    expect(Object.keys(stacks['ott-vendor-2'].output ?? {})).toEqual(['alarm_topic_arn', 'endpoint_id', 'kms_key_arn', 'network_id']);
  });

  test('a member without an invitation id gets the network layer only', () => {
    expect(resources(sample['ott-vendor-2'], 'aws_cloudformation_stack')).toHaveLength(0);
    expect(resources(sample['ott-vendor-2'], 'aws_vpc')).toHaveLength(1);
    expect(Object.keys(sample['ott-vendor-2'].output ?? {})).toEqual(['alarm_topic_arn', 'endpoint_id', 'kms_key_arn', 'network_id']);
  });

  test('outputs give network id, member id, endpoint id and the admin secret ARN', () => {
    expect(Object.keys(sample.bank.output ?? {}).sort()).toEqual(expect.arrayContaining(['admin_secret_arn', 'endpoint_id', 'member_id', 'network_id']));
    expect(sample.bank.output!.network_id.value).toBe('n-MWY63ZJZU5HGNCMBQER7IN6OIU');
    expect(sample.bank.output!.member_id.value).toMatch(/outputs\["MemberId"\]/);
  });
});

describe('off-chain store', () => {
  test('a member with offchain: gets its bucket and an offchain_bucket output; the others get none', () => {
    const stacks = withEdit('bank.yaml', 'logging:', 'offchain:\n  readers: [filmmaker]\nlogging:');
    expect(resources(stacks.bank, 'aws_s3_bucket')).toHaveLength(1);
    expect(stacks.bank.output!.offchain_bucket.value).toBe('drm-royalties-bank-offchain-444455556666');
    expect(resources(stacks.filmmaker, 'aws_s3_bucket')).toHaveLength(0);
  });
});

/**
 * The EC2 Fabric client of every joined member: instance, role, access, and the boot script
 * as Terraform renders it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AMB_ARNS, partitionOf } from '../lib/amb';
import { exitCodeOf } from '../lib/cli';
import { ConfigError, loadConsortium } from '../lib/config';
import { AL2023_AMI_PARAMETER, SESSION_MANAGER_STATEMENTS, USER_DATA_TEMPLATE, userDataVariables, type UserDataValues } from '../stacks/constructs/fabric-client';
import { synthesize, unpinnedArchivesNotice } from '../stacks/main';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { renderWithTerraform } from './helpers/render-template';
import { ledgerTemplateOf, resources, synthAll, type TerraformJson } from './helpers/synth';
import { workerMotoServer, type MotoServer } from './helpers/moto';
import { requireTool, run } from './helpers/tools';

const sample = synthAll(loadConsortium(SAMPLE_DIR));
const JOINED = ['bank', 'filmmaker', 'ott-vendor-1'];
const LEDGER_OUTPUT = /^\$\{aws_cloudformation_stack\.ledger_stack_\w+\.outputs\["(\w+)"\]\}$/;

function withEdit(file: string, from: string | RegExp, to: string): Record<string, TerraformJson> {
  const fixture = new ConsortiumFixture().edit(file, from, to);
  try {
    return synthAll(fixture.load());
  } finally {
    fixture.dispose();
  }
}

/** The client's own resources of a type (their ids start with the construct id `client_`). */
function clientResources(stack: TerraformJson, type: string): Record<string, any>[] {
  return Object.entries(stack.resource[type] ?? {})
    .filter(([id]) => id.startsWith('client_'))
    .map(([, resource]) => resource);
}

/** The client's single resource of a type; fails the test when there are none or several. */
function client(stack: TerraformJson, type: string): Record<string, any> {
  const found = clientResources(stack, type);
  if (found.length !== 1) throw new Error(`expected one client ${type}, found ${found.length}`);
  return found[0];
}

function data(stack: TerraformJson, type: string, idPart: string): Record<string, any> {
  const found = Object.entries(stack.data?.[type] ?? {}).filter(([id]) => id.includes(idPart));
  if (found.length !== 1) throw new Error(`expected one ${type} named like ${idPart}, found ${found.length}`);
  return found[0][1];
}

function statements(stack: TerraformJson): Record<string, any>[] {
  return data(stack, 'aws_iam_policy_document', 'client_permissions').statement;
}

/** Ingress rules on the client security group (not the endpoint group). */
function clientIngress(stack: TerraformJson): Record<string, any>[] {
  return resources(stack, 'aws_vpc_security_group_ingress_rule').filter((rule) => /aws_security_group\.endpoint_client-sg_\w+\.id/.test(rule.security_group_id));
}

/** The variables of a sample member, with ids of realistic shape where Terraform would fill them in. */
const SAMPLE_VALUES: UserDataValues = {
  region: 'us-east-1',
  networkId: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU',
  memberId: 'm-FN3QH2XV5CDRJ7KLAP4WTYBS6E',
  adminSecretArn: 'arn:aws:secretsmanager:us-east-1:444455556666:secret:AdminSecret-8GqvHLm3MXwT-Ab12Cd',
  adminUsername: 'bankadmin',
  fabricVersion: '2.2.15',
  fabricCaVersion: '1.5.21',
  archives: {
    fabric: { url: 's3://bank-fabric-archives-444455556666/fabric-2.2.15-linux-amd64.tar.xz', sha256: 'fa31fb381071daa6ac183a4aaa4637e0a733da2ee0128a551e5c5875a28cc61b' },
    fabricCa: { url: 's3://bank-fabric-archives-444455556666/fabric-ca-1.5.21-linux-amd64.tar.xz', sha256: '56c35edef5cd1e82c23e536e096f1b0e811f4e5bf7aae124c2db1b6656e64d4a' },
  },
};

describe('which members get a client', () => {
  test.each(JOINED)('%s (joined) gets one client instance and a client_instance_id output', (name) => {
    expect(clientResources(sample[name], 'aws_instance')).toHaveLength(1);
    expect(sample[name].output?.client_instance_id.value).toMatch(/^\$\{aws_instance\.client_instance_\w+\.id\}$/);
  });

  test('ott-vendor-2, which has not joined, gets no instance, role, profile or client output', () => {
    const stack = sample['ott-vendor-2'];
    expect(resources(stack, 'aws_instance')).toEqual([]);
    const clientIds = [...Object.values(stack.resource), ...Object.values(stack.data ?? {})].flatMap((byId) => Object.keys(byId)).filter((id) => id.startsWith('client_'));
    expect(clientIds).toEqual([]);
    expect(stack.output?.client_instance_id).toBeUndefined();
  });
});

describe('the instance', () => {
  test('boots Amazon Linux 2023 from the AMI named by AWS public SSM parameter, no AMI id in the code', () => {
    expect(data(sample.bank, 'aws_ssm_parameter', 'client_ami')).toMatchObject({ name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' });
    expect(AL2023_AMI_PARAMETER).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
    expect(client(sample.bank, 'aws_instance').ami).toMatch(/^\$\{data\.aws_ssm_parameter\.client_ami_\w+\.insecure_value\}$/);
    expect(JSON.stringify(sample)).not.toMatch(/ami-[0-9a-f]{8,17}/);
  });

  test('ignores later AMI releases instead of replacing the client on every deploy', () => {
    expect(client(sample.bank, 'aws_instance').lifecycle).toEqual({ ignore_changes: ['ami'] });
  });

  test('requires IMDSv2 tokens with a hop limit of 1', () => {
    expect(client(sample.bank, 'aws_instance').metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
  });

  test('has an encrypted gp3 root volume of the configured size, deleted with the instance', () => {
    expect(client(sample.bank, 'aws_instance').root_block_device).toMatchObject({ volume_type: 'gp3', encrypted: true, volume_size: 30, delete_on_termination: true });
    const bigger = withEdit('bank.yaml', '  subnet: private\n', '  subnet: private\n  rootVolumeGiB: 64\n');
    expect(client(bigger.bank, 'aws_instance').root_block_device.volume_size).toBe(64);
  });

  test('uses the configured instance type and the client security group as its only group', () => {
    const instance = client(sample.bank, 'aws_instance');
    expect(instance.instance_type).toBe('t3.small');
    expect(instance.vpc_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\.endpoint_client-sg_\w+\.id\}$/)]);
    const larger = withEdit('bank.yaml', 'instanceType: t3.small', 'instanceType: m5.large');
    expect(client(larger.bank, 'aws_instance').instance_type).toBe('m5.large');
  });

  test('a client sits in a private subnet without a public IP unless the YAML says public', () => {
    const instance = client(sample.filmmaker, 'aws_instance');
    expect(instance.subnet_id).toMatch(/^\$\{aws_subnet\.network_private-0_\w+\.id\}$/);
    expect(instance.associate_public_ip_address).toBe(false);
  });

  test('a public client, chosen explicitly, sits in a public subnet with a public IP', () => {
    const stacks = withEdit('filmmaker.yaml', 'client:\n  instanceType: t3.small', 'client:\n  instanceType: t3.small\n  subnet: public');
    const instance = client(stacks.filmmaker, 'aws_instance');
    expect(instance.subnet_id).toMatch(/^\$\{aws_subnet\.network_public-0_\w+\.id\}$/);
    expect(instance.associate_public_ip_address).toBe(true);
  });

  test('a private client sits in a private subnet without a public IP', () => {
    const instance = client(sample.bank, 'aws_instance');
    expect(instance.subnet_id).toMatch(/^\$\{aws_subnet\.network_private-0_\w+\.id\}$/);
    expect(instance.associate_public_ip_address).toBe(false);
  });

  test('runs with the instance profile of its own role', () => {
    const profile = client(sample.bank, 'aws_iam_instance_profile');
    expect(profile.role).toMatch(/^\$\{aws_iam_role\.client_role_\w+\.name\}$/);
    expect(client(sample.bank, 'aws_instance').iam_instance_profile).toMatch(/^\$\{aws_iam_instance_profile\.client_profile_\w+\.name\}$/);
  });

  test('boots only after its permissions and the VPC endpoint exist', () => {
    expect(client(sample.bank, 'aws_instance').depends_on).toEqual([
      expect.stringMatching(/^aws_iam_role_policy\.client_session-manager_\w+$/),
      expect.stringMatching(/^aws_iam_role_policy\.client_policy_\w+$/),
      expect.stringMatching(/^aws_vpc_endpoint\.endpoint_\w+$/),
    ]);
  });

  test('is named after the consortium and member, and so is its root volume', () => {
    const instance = client(sample.bank, 'aws_instance');
    expect(instance.tags).toEqual({ Name: 'drm-royalties-bank-fabric-client' });
    expect(instance.root_block_device.tags).toEqual({ Name: 'drm-royalties-bank-fabric-client' });
  });
});

describe('the role', () => {
  test('only EC2 may assume it', () => {
    expect(data(sample.bank, 'aws_iam_policy_document', 'client_assume-role').statement).toEqual([
      { actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] },
    ]);
  });

  test('gets Session Manager and Run Command from an inline policy: no managed policy, no SSM parameter or document read', () => {
    expect(clientResources(sample.bank, 'aws_iam_role_policy_attachment')).toEqual([]);
    const policy = clientResources(sample.bank, 'aws_iam_role_policy').find((candidate) => candidate.name === 'session-manager')!;
    expect(policy.policy).toMatch(/^\$\{data\.aws_iam_policy_document\.client_session-manager-permissions_\w+\.json\}$/);
    expect(data(sample.bank, 'aws_iam_policy_document', 'client_session-manager-permissions').statement).toEqual(SESSION_MANAGER_STATEMENTS);
    const agentActions = SESSION_MANAGER_STATEMENTS.flatMap((statement) => statement.actions as string[]);
    expect(agentActions.filter((action) => action.startsWith('ssm:'))).toEqual(['ssm:UpdateInstanceInformation']);
    expect(new Set(agentActions.map((action) => action.split(':')[0]))).toEqual(new Set(['ssm', 'ssmmessages', 'ec2messages']));
    expect(agentActions.filter((action) => action.startsWith('ssmmessages:')).sort()).toEqual(['CreateControlChannel', 'CreateDataChannel', 'OpenControlChannel', 'OpenDataChannel'].map((name) => `ssmmessages:${name}`));
    const everyAction = [...statements(sample.bank), ...SESSION_MANAGER_STATEMENTS].flatMap((statement) => statement.actions as string[]);
    expect(everyAction.filter((action) => /^ssm:(Get|Describe|List)|\*/.test(action))).toEqual([]);
  });

  test('may read and decrypt its own admin secret, read its network, member and peers, the TLS chain and its pinned archives: nothing else', () => {
    const out = (key: string) => expect.stringMatching(new RegExp(`^\\$\\{aws_cloudformation_stack\\.ledger_stack_\\w+\\.outputs\\["${key}"\\]\\}$`));
    const arn = (prefix: string, key: string) => expect.stringMatching(new RegExp(`^${prefix.replace(/[.*]/g, '\\$&')}\\$\\{aws_cloudformation_stack\\.ledger_stack_\\w+\\.outputs\\["${key}"\\]\\}$`));
    const network = 'arn:aws:managedblockchain:us-east-1::networks/n-MWY63ZJZU5HGNCMBQER7IN6OIU';
    const member = arn('arn:aws:managedblockchain:us-east-1:444455556666:members/', 'MemberId');
    expect(statements(sample.bank)).toEqual([
      { sid: 'ReadOwnAdminSecret', actions: ['secretsmanager:GetSecretValue'], resources: [out('AdminSecretArn')] },
      {
        sid: 'DecryptOwnAdminSecret',
        actions: ['kms:Decrypt'],
        resources: [expect.stringMatching(/^\$\{aws_kms_key\.key_\w+\.arn\}$/)],
        condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.us-east-1.amazonaws.com'] }],
      },
      { sid: 'ReadNetwork', actions: ['managedblockchain:GetNetwork', 'managedblockchain:ListMembers'], resources: [network] },
      { sid: 'ReadOwnMember', actions: ['managedblockchain:GetMember'], resources: [member] },
      { sid: 'ListOwnNodes', actions: ['managedblockchain:ListNodes'], resources: [network, member] },
      { sid: 'ReadTlsChain', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::us-east-1.managedblockchain/etc/managedblockchain-tls-chain.pem'] },
      {
        sid: 'ReadPinnedArchives',
        actions: ['s3:GetObject'],
        resources: ['arn:aws:s3:::bank-fabric-archives-444455556666/fabric-2.2.15-linux-amd64.tar.xz', 'arn:aws:s3:::bank-fabric-archives-444455556666/fabric-ca-1.5.21-linux-amd64.tar.xz'],
      },
      { sid: 'ReadOwnPeers', actions: ['managedblockchain:GetNode'], resources: [arn('arn:aws:managedblockchain:us-east-1:444455556666:nodes/', 'PeerNodePeer1Id')] },
    ]);
    expect(clientResources(sample.bank, 'aws_iam_role_policy').map((policy) => policy.name).sort()).toEqual(['fabric-client', 'session-manager']);
  });

  test.each(JOINED)('%s: no statement has a wildcard action or resource, and every one allows', (name) => {
    for (const statement of statements(sample[name])) {
      expect(statement.effect ?? 'Allow').toBe('Allow');
      expect(statement.actions.filter((action: string) => action.includes('*'))).toEqual([]);
      expect(statement.resources.filter((resource: string) => resource.includes('*'))).toEqual([]);
    }
  });

  test('may read exactly the peer nodes the ledger stack outputs, one ARN per configured peer', () => {
    const peers = statements(sample.filmmaker).find((statement) => statement.sid === 'ReadOwnPeers')!;
    const keys = peers.resources.map((resource: string) => resource.replace(/^arn:aws:managedblockchain:us-east-1:111122223333:nodes\//, '').match(LEDGER_OUTPUT)?.[1]);
    expect(keys).toEqual(['PeerNodePeer1Id', 'PeerNodePeer2Id']);
    const outputs = Object.keys(ledgerTemplateOf(sample.filmmaker).Outputs);
    expect(keys.filter((key: string) => !outputs.includes(key))).toEqual([]);
  });

  test('the founder reads the network its own ledger stack creates', () => {
    const network = statements(sample.filmmaker).find((statement) => statement.sid === 'ReadNetwork')!;
    expect(network.resources).toEqual([expect.stringMatching(/^arn:aws:managedblockchain:us-east-1::networks\/\$\{aws_cloudformation_stack\.ledger_stack_\w+\.outputs\["NetworkId"\]\}$/)]);
  });

  test('ARNs carry the partition of the region: GovCloud is aws-us-gov', () => {
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('eu-west-2')).toBe('aws');
    expect(AMB_ARNS.network('us-gov-west-1', 'n-1')).toBe('arn:aws-us-gov:managedblockchain:us-gov-west-1::networks/n-1');
    expect(AMB_ARNS.member('us-east-1', '444455556666', 'm-1')).toBe('arn:aws:managedblockchain:us-east-1:444455556666:members/m-1');
    expect(AMB_ARNS.node('us-east-1', '444455556666', 'nd-1')).toBe('arn:aws:managedblockchain:us-east-1:444455556666:nodes/nd-1');
  });
});

describe('access', () => {
  test.each(JOINED)('%s: no inbound rule on the client by default, Session Manager only', (name) => {
    expect(clientIngress(sample[name])).toEqual([]);
    expect(resources(sample[name], 'aws_security_group').flatMap((group) => group.ingress ?? [])).toEqual([]);
  });

  test('SSH (tcp 22) is admitted from exactly the CIDRs the YAML lists, and nothing else', () => {
    const stacks = withEdit('filmmaker.yaml', 'client:\n  instanceType: t3.small', 'client:\n  instanceType: t3.small\n  sshCidrs: [203.0.113.0/24, 198.51.100.7/32]');
    const rules = clientIngress(stacks.filmmaker).map(({ ip_protocol, from_port, to_port, cidr_ipv4 }) => ({ ip_protocol, from_port, to_port, cidr_ipv4 }));
    expect(rules).toEqual([
      { ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr_ipv4: '203.0.113.0/24' },
      { ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr_ipv4: '198.51.100.7/32' },
    ]);
    expect(clientIngress(stacks.bank)).toEqual([]);
  });

  test('an SSH CIDR of /0 is refused at load: file, line:column, field, what is allowed, exit code 2', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', '  subnet: private\n', '  subnet: private\n  sshCidrs: [0.0.0.0/0]\n');
    try {
      expect(fixture.errors()).toEqual([
        'members/bank.yaml:19:14 client.sshCidrs[0]: "0.0.0.0/0" opens SSH to the whole internet (allowed: your office or bastion CIDRs; leave the list empty to use Session Manager)',
      ]);
      let refusal: unknown;
      try {
        fixture.load();
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(ConfigError);
      expect(exitCodeOf(refusal)).toBe(2);
    } finally {
      fixture.dispose();
    }
  });
});

describe('user data', () => {
  const template = readFileSync(USER_DATA_TEMPLATE, 'utf8');
  let rendered = '';
  /** The rendered script without its comment lines. */
  let code: string[] = [];
  beforeAll(() => {
    rendered = renderWithTerraform(USER_DATA_TEMPLATE, userDataVariables(SAMPLE_VALUES));
    code = rendered.split('\n').filter((line) => !/^\s*#/.test(line));
  });

  function shellcheck(script: string): { status: number | null; findings: string } {
    requireTool('shellcheck');
    const result = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '-'], { input: script, encoding: 'utf8' });
    return { status: result.status, findings: `${result.stdout}${result.stderr}`.trim() };
  }

  /** The body of a quoted here-document the script writes out. */
  function hereDocument(marker: string): string {
    const match = rendered.match(new RegExp(`<<'${marker}'\\n([\\s\\S]*?)\\n${marker}\\n`));
    if (!match) throw new Error(`no here-document ${marker} in the rendered script`);
    return `${match[1]}\n`;
  }

  test('Terraform renders it from the template, shipped as an asset of the stack, with every variable the template reads', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'client-synth-'));
    try {
      synthesize(loadConsortium(SAMPLE_DIR), outdir);
      const stackDir = join(outdir, 'stacks', 'bank');
      const stack = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as TerraformJson;
      const userData: string = client(stack, 'aws_instance').user_data;
      const [, assetPath, variables] = userData.match(/^\$\{templatefile\("([^"]+)", \{(.*)\}\)\}$/)!;
      expect(readFileSync(join(stackDir, assetPath), 'utf8')).toBe(template);
      const passed = [...variables.matchAll(/"(\w+)" = /g)].map((match) => match[1]).sort();
      const read = [...new Set([...template.matchAll(/(?<!\$)\$\{(\w+)\}/g)].map((match) => match[1]))].sort();
      expect(passed).toEqual(read);
      expect(passed).toEqual(Object.keys(userDataVariables(SAMPLE_VALUES)).sort());
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('the rendered script passes shellcheck with no findings', () => {
    expect(rendered.startsWith('#!/bin/bash\n')).toBe(true);
    expect(shellcheck(rendered)).toEqual({ status: 0, findings: '' });
  });

  test('the fabric-use-peer helper it installs passes shellcheck with no findings', () => {
    expect(shellcheck(hereDocument('HELPER'))).toEqual({ status: 0, findings: '' });
  });

  test('stays under the 16 KB EC2 user-data limit, even with the longest values', () => {
    const longest = renderWithTerraform(
      USER_DATA_TEMPLATE,
      userDataVariables({
        region: 'ap-southeast-1',
        networkId: `n-${'X'.repeat(30)}`,
        memberId: `m-${'X'.repeat(30)}`,
        adminSecretArn: `arn:aws-us-gov:secretsmanager:ap-southeast-1:444455556666:secret:${'a'.repeat(512)}-AbCdEf`,
        adminUsername: 'a'.repeat(16),
        fabricVersion: '2.2.99',
        fabricCaVersion: '1.5.99',
        archives: {
          fabric: { url: `s3://${'b'.repeat(63)}/${'k'.repeat(1024)}`, sha256: 'f'.repeat(64) },
          fabricCa: { url: `https://${'h'.repeat(253)}:65535/${'p'.repeat(2048)}`, sha256: 'f'.repeat(64) },
        },
      }),
    );
    expect(Buffer.byteLength(longest, 'utf8')).toBeLessThan(16 * 1024);
  });

  test('stops at the first error, says where in the log even inside functions, and never turns on xtrace', () => {
    expect(code).toContain('set -Eeuo pipefail');
    expect(code).toContain(`trap 'log "FAILED at line $LINENO; fix the cause above, then rerun: sudo $SELF"' ERR`);
    expect(code.filter((line) => /\bset\s+(-\w*x|-o\s+xtrace)|\bbash\s+-\w*x/.test(line))).toEqual([]);
  });

  test('the admin password goes from Secrets Manager to fabric-ca-client through the environment of one subshell only', () => {
    const uses = code.filter((line) => /password/i.test(line)).map((line) => line.trim());
    expect(uses).toEqual([
      'admin_password=$(retry aws secretsmanager get-secret-value --region "$REGION" --secret-id "$ADMIN_SECRET_ARN" --query SecretString --output text | jq -r .password)',
      'export FABRIC_CA_CLIENT_URL="https://$ADMIN_USERNAME:$admin_password@$CA_ENDPOINT"',
    ]);
    const subshell = rendered.match(/\n {2}\(\n([\s\S]*?)\n {2}\)\n/)?.[1] ?? '';
    expect(subshell).toContain('admin_password=');
    expect(subshell).toContain('export FABRIC_CA_CLIENT_URL=');
    expect(subshell).toMatch(/fabric-ca-client enroll --home "\$CA_CLIENT_HOME" --mspdir "\$MSP_DIR" --tls\.certfiles "\$TLS_CHAIN"$/);
    const profileUrl = code.filter((line) => line.includes('FABRIC_CA_CLIENT_URL=') && !line.includes('admin_password'));
    expect(profileUrl).toEqual(['    echo "export FABRIC_CA_CLIENT_URL=https://$CA_ENDPOINT"']);
  });

  test('holds ids, versions and the secret ARN: no secret value, and nothing in the stack reads one', () => {
    for (const key of Object.keys(userDataVariables(SAMPLE_VALUES))) expect({ key, secretLooking: /password|secret_?string/i.test(key) }).toEqual({ key, secretLooking: false });
    for (const name of JOINED) {
      const stack = sample[name];
      const variables = client(stack, 'aws_instance').user_data.match(/\{(.*)\}\)\}$/)[1] as string;
      const references = [...variables.matchAll(/outputs\[\\?"(\w+)\\?"\]/g)].map((match) => match[1]);
      expect(references.filter((output) => !['NetworkId', 'MemberId', 'AdminSecretArn'].includes(output))).toEqual([]);
      expect(Object.keys(stack.data ?? {}).filter((type) => /secretsmanager/.test(type))).toEqual([]);
      // Identity secrets are created empty (the identity manager writes them); no secret value is ever a resource.
      expect(Object.keys(stack.resource).filter((type) => /secret_version|secret_rotation/.test(type))).toEqual([]);
      for (const [output, { value, sensitive }] of Object.entries(stack.output ?? {})) {
        expect({ output, value, sensitive }).toEqual({ output, value: expect.not.stringMatching(/secret_string|SecretString|password|user_data/i), sensitive: undefined });
      }
    }
  });

  test('looks every endpoint up in the AMB API at boot, and assumes no port', () => {
    for (const call of ['amb get-network', 'amb get-member', 'amb list-nodes', 'amb get-node']) expect(rendered).toContain(call);
    expect(rendered).toContain("--query 'Network.FrameworkAttributes.Fabric.OrderingServiceEndpoint'");
    expect(rendered).toContain("--query 'Member.FrameworkAttributes.Fabric.CaEndpoint'");
    expect(rendered).toContain("--query 'Node.FrameworkAttributes.Fabric.PeerEndpoint'");
    expect(rendered).not.toMatch(/:3\d{4}\b/);
  });

  test('downloads the TLS chain of its region, and the Fabric archives from where the YAML pins them, nowhere else', () => {
    const pinned = renderWithTerraform(USER_DATA_TEMPLATE, userDataVariables({ ...SAMPLE_VALUES, region: 'eu-west-2', fabricVersion: '2.2.14', fabricCaVersion: '1.5.12' }));
    expect(pinned).toContain("readonly FABRIC_VERSION='2.2.14'");
    expect(pinned).toContain("readonly FABRIC_CA_VERSION='1.5.12'");
    expect(pinned).toContain("readonly FABRIC_ARCHIVE_URL='s3://bank-fabric-archives-444455556666/fabric-2.2.15-linux-amd64.tar.xz'");
    expect(pinned).toContain("readonly FABRIC_ARCHIVE_SHA256='fa31fb381071daa6ac183a4aaa4637e0a733da2ee0128a551e5c5875a28cc61b'");
    expect(pinned).toContain("readonly FABRIC_CA_ARCHIVE_URL='s3://bank-fabric-archives-444455556666/fabric-ca-1.5.21-linux-amd64.tar.xz'");
    expect(pinned).toContain("readonly FABRIC_CA_ARCHIVE_SHA256='56c35edef5cd1e82c23e536e096f1b0e811f4e5bf7aae124c2db1b6656e64d4a'");
    expect(pinned).toContain("readonly TLS_CHAIN_URI='s3://eu-west-2.managedblockchain/etc/managedblockchain-tls-chain.pem'");
    expect(pinned).not.toMatch(/github\.com|releases\/download/);
  });

  test('every joined sample member pins both archives, and the same file always with the same SHA-256', () => {
    const byFile = new Map<string, Set<string>>();
    for (const member of loadConsortium(SAMPLE_DIR).members.filter((candidate) => candidate.joined)) {
      const { fabric, fabricCa } = member.client.archives!;
      for (const archive of [fabric, fabricCa]) {
        const file = archive.url.split('/').pop()!;
        byFile.set(file, new Set([...(byFile.get(file) ?? []), archive.sha256]));
      }
    }
    expect(Object.fromEntries([...byFile].map(([file, sums]) => [file, sums.size]))).toEqual({ 'fabric-2.2.15-linux-amd64.tar.xz': 1, 'fabric-ca-1.5.21-linux-amd64.tar.xz': 1 });
  });

  test('without pinned archives the synth says so and the script installs no Fabric tool, saying what to set', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', /  fabricCaVersion: 1\.5\.21\n[\s\S]*?fabric-ca-1\.5\.21-linux-amd64\.tar\.xz\n.*\n/, '');
    try {
      const consortium = fixture.load();
      expect(consortium.members.find((member) => member.name === 'bank')!.client.archives).toBeUndefined();
      expect(unpinnedArchivesNotice(consortium)).toEqual(['bank: no client.archives pinned, so its Fabric client installs no Fabric tool (README: Pinning the Fabric archives)']);
      expect(statements(synthAll(consortium).bank).map((statement) => statement.sid)).not.toContain('ReadPinnedArchives');
    } finally {
      fixture.dispose();
    }
    expect(unpinnedArchivesNotice(loadConsortium(SAMPLE_DIR))).toEqual([]);
    const unpinned = renderWithTerraform(USER_DATA_TEMPLATE, userDataVariables({ ...SAMPLE_VALUES, archives: undefined }));
    expect(unpinned).toContain("readonly FABRIC_ARCHIVE_URL=''");
    expect(unpinned).toContain('die "no Fabric archives are pinned, so no Fabric tool is installed: set client.archives (url and sha256 of each) in the member\'s YAML and deploy"');
  });

  test('writes the peer CLI settings: member id as MSP id, first peer, TLS root, admin MSP, orderer', () => {
    for (const line of [
      'echo "export CORE_PEER_LOCALMSPID=$MEMBER_ID"',
      'echo "export CORE_PEER_ADDRESS=$FIRST_PEER_ENDPOINT"',
      'echo "export CORE_PEER_TLS_ROOTCERT_FILE=$TLS_CHAIN"',
      'echo "export CORE_PEER_MSPCONFIGPATH=$MSP_DIR"',
      'echo "export ORDERER=$ORDERER_ENDPOINT"',
    ]) {
      expect(code.map((text) => text.trim())).toContain(line);
    }
    expect(rendered).toContain('readonly PROFILE=/etc/profile.d/fabric.sh');
    expect(rendered).toContain('readonly MSP_DIR=$OPERATOR_HOME/admin-msp');
    expect(rendered).toContain('readonly LOG_FILE=/var/log/fabric-client-setup.log');
  });

  describe('install_archive, run by bash with the aws CLI against S3 in moto_server', () => {
    const work = mkdtempSync(join(tmpdir(), 'pinned-archive-'));
    const url = 's3://fabric-archives/fabric-2.2.15-linux-amd64.tar.xz';
    let moto: MotoServer;
    let sha256 = '';
    beforeAll(async () => {
      requireTool('aws');
      moto = await workerMotoServer();
      mkdirSync(join(work, 'release', 'bin'), { recursive: true });
      writeFileSync(join(work, 'release', 'bin', 'peer'), '#!/bin/sh\necho "peer 2.2.15"\n', { mode: 0o755 });
      run('tar', ['-cJf', join(work, 'release.tar.xz'), '-C', join(work, 'release'), 'bin']);
      sha256 = createHash('sha256').update(readFileSync(join(work, 'release.tar.xz'))).digest('hex');
      const env = { ...process.env, ...moto.env };
      run('aws', ['s3api', 'create-bucket', '--bucket', 'fabric-archives', '--region', 'us-east-1'], { env });
      run('aws', ['s3', 'cp', '--region', 'us-east-1', '--only-show-errors', join(work, 'release.tar.xz'), url], { env });
    });
    afterAll(async () => {
      await moto?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    /** The script's own functions, run as the boot script runs them. */
    const installArchive = (expected: string, target: string) => {
      const functions = ['log', 'die', 'retry', 'install_archive'].map((name) => {
        const body = rendered.match(new RegExp(`\\n${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}\\n`))?.[0];
        if (!body) throw new Error(`no function ${name} in the rendered script`);
        return body;
      });
      const script = ['set -Eeuo pipefail', "readonly REGION='us-east-1'", ...functions, `install_archive Fabric '${url}' '${expected}' '${target}'`].join('\n');
      const result = spawnSync('bash', ['-c', script], { env: { ...process.env, ...moto.env }, encoding: 'utf8' });
      return { status: result.status, log: result.stderr };
    };

    test('installs the archive whose SHA-256 matches the pin', () => {
      const target = join(work, 'installed-ok');
      const result = installArchive(sha256, target);
      expect(result).toMatchObject({ status: 0, log: expect.stringContaining(`Fabric archive matches its pinned SHA-256 ${sha256}`) });
      expect(readFileSync(join(target, 'bin', 'peer'), 'utf8')).toContain('peer 2.2.15');
    });

    test('refuses an archive whose SHA-256 differs: exit 1, both values in the log, nothing installed', () => {
      const target = join(work, 'installed-bad');
      const pinned = '0'.repeat(64);
      const result = installArchive(pinned, target);
      expect(result.status).toBe(1);
      expect(result.log).toContain(`ERROR: Fabric archive ${url} has SHA-256 ${sha256}, but client.archives pins ${pinned}; nothing installed.`);
      expect(existsSync(target)).toBe(false);
    });
  });

  describe('fabric-use-peer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'use-peer-'));
    const helper = join(dir, 'fabric-use-peer');
    const peers = join(dir, 'peers');
    beforeAll(() => {
      writeFileSync(helper, hereDocument('HELPER'), { mode: 0o755 });
      writeFileSync(peers, 'nd-AAA nd-aaa.m-1.n-1.managedblockchain.us-east-1.amazonaws.com:30003\nnd-BBB nd-bbb.m-1.n-1.managedblockchain.us-east-1.amazonaws.com:30006\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const usePeer = (...args: string[]) => {
      const result = spawnSync('bash', [helper, ...args], { encoding: 'utf8', env: { ...process.env, FABRIC_PEERS_FILE: peers } });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    };

    test('by position prints the export of that peer', () => {
      expect(usePeer('2')).toMatchObject({ status: 0, stdout: 'export CORE_PEER_ADDRESS=nd-bbb.m-1.n-1.managedblockchain.us-east-1.amazonaws.com:30006\n' });
    });

    test('by node id prints the export of that peer', () => {
      expect(usePeer('nd-AAA')).toMatchObject({ status: 0, stdout: 'export CORE_PEER_ADDRESS=nd-aaa.m-1.n-1.managedblockchain.us-east-1.amazonaws.com:30003\n' });
    });

    test('without an argument lists the peers and prints no export', () => {
      const listed = usePeer();
      expect(listed).toMatchObject({ status: 0, stdout: '' });
      expect(listed.stderr.split('\n').filter(Boolean)).toEqual([
        '1 nd-AAA nd-aaa.m-1.n-1.managedblockchain.us-east-1.amazonaws.com:30003',
        '2 nd-BBB nd-bbb.m-1.n-1.managedblockchain.us-east-1.amazonaws.com:30006',
      ]);
    });

    test('refuses an unknown peer with exit 2 and the list of peers', () => {
      const refused = usePeer('3');
      expect(refused).toMatchObject({ status: 2, stdout: '' });
      expect(refused.stderr).toMatch(/^fabric-use-peer: no peer "3"; this member's peers:\n1 nd-AAA /);
    });
  });
});

/**
 * Stacks of adopted members: the member and its existing peers are never declared (no
 * CloudFormation import exists for them), new peers are retained Nodes naming the recorded
 * ids, an existing endpoint and client are imported, and everything else is wired to the
 * recorded ids; terraform validate and cfn-lint accept both stacks.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IMPORTED_CLIENT_KEEPS } from '../stacks/constructs/fabric-client';
import { synthesize } from '../stacks/main';
import { ADOPTED, adoptedFixture } from './helpers/adopted-fixture';
import type { ConsortiumFixture } from './helpers/consortium-fixture';
import { ledgerTemplateOf, resources, single, synthAll, type TerraformJson } from './helpers/synth';
import { attachedProvider, offlineTerraformEnv, requireTool } from './helpers/tools';

const execFileAsync = promisify(execFile);
const outdir = mkdtempSync(join(tmpdir(), 'amb-adopted-'));
let stacks: Record<string, TerraformJson>;
beforeAll(() => {
  const fixture = adoptedFixture();
  try {
    const consortium = fixture.load();
    stacks = synthAll(consortium);
    synthesize(consortium, outdir);
  } finally {
    fixture.dispose();
  }
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function ledgerTypes(stack: TerraformJson): string[] {
  return Object.values(ledgerTemplateOf(stack).Resources).map((resource) => resource.Type);
}

describe.each([
  ['filmmaker', 'the adopted founder', ADOPTED.filmmaker.memberId, 'us-east-1b', 'bc.t3.medium'],
  ['bank', 'an adopted joiner', ADOPTED.bank.memberId, 'us-east-1a', 'bc.t3.small'],
])('%s (%s)', (name, _role, memberId, zone, instanceType) => {
  test('declares no Member, no admin secret and no Node for its adopted peer', () => {
    expect(ledgerTypes(stacks[name])).toEqual(['AWS::ManagedBlockchain::Node']);
    expect(JSON.stringify(ledgerTemplateOf(stacks[name]))).not.toContain('NetworkConfiguration');
  });

  test('declares its new peer as one retained Node that names the recorded network and member ids', () => {
    expect(ledgerTemplateOf(stacks[name]).Resources.PeerNodePeer2).toEqual({
      Type: 'AWS::ManagedBlockchain::Node',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { NetworkId: ADOPTED.networkId, MemberId: memberId, NodeConfiguration: { AvailabilityZone: zone, InstanceType: instanceType } },
    });
    expect(single(stacks[name], 'aws_cloudformation_stack').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('wires client, voter and outputs to the recorded ids and the recorded admin secret', () => {
    const stack = stacks[name];
    const secretArn = `arn:aws:secretsmanager:us-east-1:${name === 'bank' ? '444455556666' : '111122223333'}:secret:amb/drm-royalties/${name}/admin-`;
    expect(stack.output?.member_id.value).toBe(memberId);
    expect(stack.output?.network_id.value).toBe(ADOPTED.networkId);
    expect(stack.output?.admin_secret_arn.value).toMatch(secretArn);
    const userData = single(stack, 'aws_instance').user_data as string;
    expect(userData).toContain(`"member_id" = "${memberId}"`);
    expect(userData).toContain(`"network_id" = "${ADOPTED.networkId}"`);
    expect(userData).toContain(`"admin_secret_arn" = "${secretArn}`);
    const policy = JSON.stringify(stack.data?.aws_iam_policy_document);
    expect(policy).toContain(`nodes/${name === 'bank' ? ADOPTED.bank.peer1 : ADOPTED.filmmaker.peer1}`);
    const voterEnv = JSON.stringify(resources(stack, 'aws_lambda_function')[0].environment);
    expect(voterEnv).toContain(memberId);
    expect(voterEnv).toContain(ADOPTED.networkId);
  });
});

describe('existing endpoint and client', () => {
  test('the founder imports its VPC endpoint and client with Terraform import blocks instead of creating them', () => {
    const stack = stacks.filmmaker as TerraformJson & { import?: { id: string; to: string }[] };
    const endpoint = Object.keys(stack.resource.aws_vpc_endpoint)[0];
    const instance = Object.keys(stack.resource.aws_instance)[0];
    expect(stack.import).toEqual([
      { id: ADOPTED.filmmaker.endpoint, to: `aws_vpc_endpoint.${endpoint}` },
      { id: ADOPTED.filmmaker.instance, to: `aws_instance.${instance}` },
    ]);
    expect(resources(stack, 'aws_vpc_endpoint')).toHaveLength(1);
    expect(single(stack, 'aws_vpc_endpoint')).toMatchObject({
      vpc_id: 'vpc-0a1b2c3d4e5f60718',
      service_name: `com.amazonaws.us-east-1.managedblockchain.${ADOPTED.networkId.toLowerCase()}`,
      private_dns_enabled: true,
    });
  });

  test('the imported client keeps its AMI, disk, subnet and boot script, so importing never replaces it', () => {
    const client = single(stacks.filmmaker, 'aws_instance');
    expect(client.lifecycle.ignore_changes).toEqual(IMPORTED_CLIENT_KEEPS);
    expect(IMPORTED_CLIENT_KEEPS).toEqual(expect.arrayContaining(['ami', 'subnet_id', 'user_data', 'root_block_device', 'associate_public_ip_address']));
    expect(client.user_data_replace_on_change).toBe(false);
  });

  test('a member without existing ones creates its endpoint and client, with no import block', () => {
    expect((stacks.bank as { import?: unknown }).import).toBeUndefined();
    expect(single(stacks.bank, 'aws_instance').user_data_replace_on_change).toBe(true);
  });
});

describe('an adopted member that adds nothing', () => {
  test('has no CloudFormation stack at all (CloudFormation refuses an empty template), yet a client on its recorded ids', () => {
    const fixture: ConsortiumFixture = adoptedFixture().edit('bank.yaml', /  - name: peer2\n    instanceType: bc.t3.small\n    availabilityZone: us-east-1a\n/, '');
    try {
      const bank = synthAll(fixture.load()).bank;
      expect(resources(bank, 'aws_cloudformation_stack')).toEqual([]);
      expect(bank.output?.member_id.value).toBe(ADOPTED.bank.memberId);
      expect(single(bank, 'aws_instance').user_data).toContain(`"member_id" = "${ADOPTED.bank.memberId}"`);
    } finally {
      fixture.dispose();
    }
  });
});

describe('validated by Terraform and CloudFormation tooling', () => {
  const stackDir = (name: string) => join(outdir, 'stacks', name);
  // One provider process for both stacks (each validate would start its own, and each init install it).
  let provider: Awaited<ReturnType<typeof attachedProvider>> | undefined;
  afterAll(async () => provider?.stop());

  // Quiet run: a few seconds per stack (one provider schema load for both); the machine may be shared.
  test.each(['filmmaker', 'bank'])('terraform validate accepts the adopted %s stack, import blocks included', async (name) => {
    requireTool('terraform');
    provider ??= await attachedProvider(JSON.parse(readFileSync(join(stackDir(name), 'cdk.tf.json'), 'utf8')).terraform.required_providers.aws.version);
    const env = { ...offlineTerraformEnv(), ...provider.env };
    await execFileAsync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: stackDir(name), env });
    const { stdout } = await execFileAsync('terraform', ['validate', '-no-color'], { cwd: stackDir(name), env });
    expect(stdout).toContain('Success! The configuration is valid.');
  }, 240_000);

  test('cfn-lint reports nothing on the ledger templates of the adopted founder and joiner', async () => {
    requireTool('cfn-lint');
    const files = ['filmmaker', 'bank'].map((name) => {
      const stack = JSON.parse(readFileSync(join(stackDir(name), 'cdk.tf.json'), 'utf8'));
      const file = join(outdir, `${name}-ledger.json`);
      writeFileSync(file, single(stack, 'aws_cloudformation_stack').template_body);
      return file;
    });
    const result = await execFileAsync('cfn-lint', ['--format', 'parseable', '--regions', 'us-east-1', '--', ...files]).catch((error) => error);
    expect({ exitCode: result.code ?? 0, findings: `${result.stdout}${result.stderr ?? ''}`.trim() }).toEqual({ exitCode: 0, findings: '' });
  }, 240_000);
});

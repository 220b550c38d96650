/**
 * The identity manager in the synthesized member stacks: one secret per identity under the
 * stack's KMS key, a least-privilege role, the Lambda in the VPC, its schedule, its run on
 * deploy and its alarm.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsortium } from '../lib/config';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { policyDocument, resources, single, synthAll, type TerraformJson } from './helpers/synth';

const KEY_ARN = /^\$\{aws_kms_key\.key_\w+\.arn\}$/;

describe('identity manager in the member stacks', () => {
  const consortium = loadConsortium(SAMPLE_DIR);
  const stacks = synthAll(consortium);
  const vendor = stacks['ott-vendor-1'];
  const manager = (stack: TerraformJson) => resources(stack, 'aws_lambda_function').find((fn) => fn.function_name.endsWith('-identities'));

  test('only members that joined and list identities get one', () => {
    expect(Object.entries(stacks).filter(([, stack]) => manager(stack)).map(([name]) => name)).toEqual(['bank', 'ott-vendor-1']);
    expect(resources(stacks.filmmaker, 'aws_secretsmanager_secret')).toEqual([]);
  });

  test('each identity has a secret of its own, under the stack key, never destroyed by a deploy, and no value in Terraform', () => {
    expect(resources(vendor, 'aws_secretsmanager_secret')).toEqual([
      expect.objectContaining({
        name: 'amb/drm-royalties/ott-vendor-1/identities/play-reporter',
        kms_key_id: expect.stringMatching(KEY_ARN),
        recovery_window_in_days: 30,
        lifecycle: { prevent_destroy: true },
      }),
    ]);
    expect(vendor.resource.aws_secretsmanager_secret_version).toBeUndefined();
  });

  test('the stack key that encrypts them admits no principal outside the member account', () => {
    const keyPolicy = Object.entries(vendor.data!.aws_iam_policy_document).find(([id]) => id.startsWith('key_policy_'))![1];
    for (const statement of keyPolicy.statement) {
      for (const principal of statement.principals) {
        if (principal.type === 'AWS') expect(principal.identifiers).toEqual(['arn:aws:iam::222233334444:root']);
        else expect(statement.condition).toBeDefined();
      }
    }
    const stackKeys = Object.entries(vendor.resource.aws_kms_key).filter(([id]) => id.startsWith('key_')).map(([, key]) => key);
    expect(stackKeys).toHaveLength(1);
    expect(stackKeys[0]).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
  });

  test('its role reads its CA endpoint, the AMB TLS chain and the admin secret, writes only its identity secrets, and uses the key only through Secrets Manager', () => {
    const role = resources(vendor, 'aws_iam_role_policy').find((policy) => policy.name === 'keep-fabric-identities')!;
    expect(role.policy).toMatch(/^\$\{data\.aws_iam_policy_document\.identities_permissions_\w+\.json\}$/);
    const memberId = '${aws_cloudformation_stack.ledger_stack_';
    const statements = policyDocument(vendor, 'identities_permissions').statement;
    expect(statements).toEqual([
      { sid: 'ReadCaEndpoint', actions: ['managedblockchain:GetMember'], resources: [expect.stringMatching(/^arn:aws:managedblockchain:us-east-1:222233334444:members\/\$\{aws_cloudformation_stack\.ledger_stack_\w+\.outputs\["MemberId"\]\}$/)] },
      { sid: 'ReadAmbTlsChain', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::us-east-1.managedblockchain/etc/managedblockchain-tls-chain.pem'] },
      { sid: 'ReadCaAdmin', actions: ['secretsmanager:GetSecretValue'], resources: [expect.stringMatching(/outputs\["AdminSecretArn"\]\}$/)] },
      { sid: 'KeepIdentitySecrets', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resources: [expect.stringMatching(/^\$\{aws_secretsmanager_secret\.identities_secret-play-reporter_\w+\.arn\}$/)] },
      {
        sid: 'StackKeyThroughSecretsManager',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [expect.stringMatching(KEY_ARN)],
        condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.us-east-1.amazonaws.com'] }],
      },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.identities_logs_\w+\.arn\}:\*$/)] },
      {
        sid: 'VpcNetworkInterfaces',
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      },
    ]);
    expect(JSON.stringify(statements)).toContain(memberId);
    expect(statements.flatMap((statement) => statement.actions)).not.toContainEqual(expect.stringMatching(/:\*$|^\*$/));
  });

  test('the function runs in the private subnets behind the group the AMB endpoint admits, one run at a time, with no secret in its environment', () => {
    const fn = manager(vendor)!;
    expect(fn).toMatchObject({
      function_name: 'drm-royalties-ott-vendor-1-identities',
      handler: 'index.handler',
      reserved_concurrent_executions: 1,
      timeout: 300,
      vpc_config: {
        subnet_ids: [expect.stringMatching(/aws_subnet\.network_private-0_/), expect.stringMatching(/aws_subnet\.network_private-1_/)],
        security_group_ids: [expect.stringMatching(/aws_security_group\.endpoint_client-sg_/)],
      },
    });
    expect(Object.keys(fn.environment.variables).sort()).toEqual(['ADMIN_SECRET_ARN', 'MEMBER_ID', 'NETWORK_ID']);
    expect(resources(vendor, 'aws_nat_gateway')).toHaveLength(1);
    expect(resources(vendor, 'aws_cloudwatch_log_group').find((group) => group.name === '/aws/lambda/drm-royalties-ott-vendor-1-identities')).toMatchObject({
      retention_in_days: 90,
      kms_key_id: expect.stringMatching(KEY_ARN),
    });
  });

  test('its package holds the member identities and the Fabric protos, and no secret', () => {
    const fn = manager(vendor)!;
    expect(fn.filename).toMatch(/identities-[0-9a-f]{32}\.zip$/);
    const work = mkdtempSync(join(tmpdir(), 'identities-package-'));
    try {
      const { identityManagerPackage, identityManagerSettings } = require('../stacks/identity-manager/bundle');
      const member = consortium.members.find((candidate) => candidate.name === 'ott-vendor-1')!;
      execFileSync('unzip', ['-q', identityManagerPackage(identityManagerSettings(consortium, member)), '-d', work]);
      expect(JSON.parse(readFileSync(join(work, 'identity-settings.json'), 'utf8'))).toEqual({
        member: 'ott-vendor-1',
        identities: member.identities,
        renewBeforeDays: 30,
        secretPrefix: 'amb/drm-royalties/ott-vendor-1/identities/',
      });
      expect(readFileSync(join(work, 'fabric.proto'), 'utf8')).toContain('import');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('runs on its schedule and on every deploy that changes its code or identities', () => {
    const rule = resources(vendor, 'aws_cloudwatch_event_rule').find((candidate) => candidate.name.endsWith('-identities-renewal'))!;
    expect(rule.schedule_expression).toBe('rate(1 day)');
    const target = resources(vendor, 'aws_cloudwatch_event_target').find((candidate) => candidate.arn.includes('identities_function'))!;
    expect(target.rule).toMatch(/aws_cloudwatch_event_rule\.identities_schedule_/);
    expect(resources(vendor, 'aws_lambda_permission').find((permission) => permission.statement_id === 'invoke-from-schedule')).toMatchObject({ principal: 'events.amazonaws.com' });
    expect(single(vendor, 'aws_lambda_invocation')).toMatchObject({
      function_name: expect.stringMatching(/aws_lambda_function\.identities_function_\w+\.function_name/),
      triggers: { package: expect.stringMatching(/source_code_hash/), secrets: expect.stringMatching(/identities_secret-play-reporter/) },
    });
  });

  test('a failed run raises an alarm on the stack topic', () => {
    const alarm = resources(vendor, 'aws_cloudwatch_metric_alarm').find((candidate) => candidate.alarm_name === 'drm-royalties-ott-vendor-1-identities-errors')!;
    expect(alarm).toMatchObject({ namespace: 'AWS/Lambda', metric_name: 'Errors', threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic\.alarms_topic_\w+\.arn/)]);
  });

  test('the sample client reads no identity secret: no chaincode requires an attribute', () => {
    for (const stack of Object.values(stacks)) {
      expect(resources(stack, 'aws_iam_role_policy').filter((policy) => policy.name === 'signing-identities')).toEqual([]);
    }
  });

  describe('with documents requiring role=payer', () => {
    const fixture = new ConsortiumFixture().edit('consortium.yaml', 'endorsementPolicy: MAJORITY', 'endorsementPolicy: MAJORITY\n    requiredAttribute: role=payer');
    const required = synthAll(fixture.load());
    afterAll(() => fixture.dispose());

    test("the bank's client may read exactly the secret of the identity that carries it, for offchain anchor", () => {
      const policy = resources(required.bank, 'aws_iam_role_policy').find((candidate) => candidate.name === 'signing-identities')!;
      expect(policy.role).toMatch(/^\$\{aws_iam_role\.client_role_\w+\.name\}$/);
      expect(policy.policy).toBe('${data.aws_iam_policy_document.client-signing-identities-permissions.json}');
      expect(required.bank.data!.aws_iam_policy_document['client-signing-identities-permissions'].statement).toEqual([
        { sid: 'ReadSigningIdentitySecrets', actions: ['secretsmanager:GetSecretValue'], resources: [expect.stringMatching(/^\$\{aws_secretsmanager_secret\.identities_secret-royalty-payer_\w+\.arn\}$/)] },
      ]);
    });

    test('members off the chaincode\'s channel, or without a holder, get no such grant', () => {
      for (const name of ['filmmaker', 'ott-vendor-1', 'ott-vendor-2']) {
        expect(resources(required[name], 'aws_iam_role_policy').filter((policy) => policy.name === 'signing-identities')).toEqual([]);
      }
    });
  });
});

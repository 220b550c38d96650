/**
 * Properties every synthesized stack must have, whatever the config: no door open to the
 * internet, no secret in the output, ledger data that a deploy cannot destroy, and a provider
 * that can only act in the member's own account.
 */
import type { Consortium } from '../lib/config';
import { resources, synthAll, type TerraformJson } from './helpers/synth';
import { stackVariants } from './helpers/variants';

const LEDGER_TYPES = /^AWS::(ManagedBlockchain::(Member|Node)|SecretsManager::Secret)$/;
const OPEN = ['0.0.0.0/0', '::/0'];

const cases: [string, Consortium, TerraformJson][] = Object.entries(stackVariants()).flatMap(([variant, consortium]) =>
  Object.entries(synthAll(consortium)).map(([member, stack]): [string, Consortium, TerraformJson] => [`${variant}/${member}`, consortium, stack]),
);

/** Every string in a JSON value with the key it sits under, CloudFormation templates opened up. */
function* strings(value: unknown, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') {
    if (key === 'template_body') yield* strings(JSON.parse(value), key);
    else yield [key, value];
  } else if (Array.isArray(value)) {
    for (const item of value) yield* strings(item, key);
  } else if (value && typeof value === 'object') {
    for (const [childKey, child] of Object.entries(value)) yield* strings(child, childKey);
  }
}

describe.each(cases)('%s', (_name, consortium, stack) => {
  test('admits nothing from 0.0.0.0/0 or ::/0', () => {
    const ingress = resources(stack, 'aws_vpc_security_group_ingress_rule');
    expect(ingress.filter((rule) => OPEN.includes(rule.cidr_ipv4) || OPEN.includes(rule.cidr_ipv6))).toEqual([]);
    const inline = resources(stack, 'aws_security_group').flatMap((group) => group.ingress ?? []);
    expect(inline.filter((rule: any) => [...(rule.cidr_blocks ?? []), ...(rule.ipv6_cidr_blocks ?? [])].some((cidr: string) => OPEN.includes(cidr)))).toEqual([]);
    const legacy = resources(stack, 'aws_security_group_rule').filter((rule) => rule.type === 'ingress');
    expect(legacy.filter((rule) => [...(rule.cidr_blocks ?? []), ...(rule.ipv6_cidr_blocks ?? [])].some((cidr: string) => OPEN.includes(cidr)))).toEqual([]);
  });

  test('holds no password or password-like literal', () => {
    const suspicious = [...strings(stack)].filter(
      ([key, value]) =>
        (/pass(word)?$|secret_?string$|private_?key$/i.test(key) && !/^\$\{/.test(value)) ||
        (key === 'SecretStringTemplate' && /pass/i.test(value)) ||
        /AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY/.test(value),
    );
    expect(suspicious).toEqual([]);
  });

  test('retains every ledger resource on delete and on replacement, and Terraform cannot destroy it', () => {
    for (const cfn of resources(stack, 'aws_cloudformation_stack')) {
      expect(cfn.lifecycle).toEqual({ prevent_destroy: true });
      expect(JSON.parse(cfn.policy_body).Statement).toContainEqual({ Effect: 'Deny', Action: 'Update:Replace', Principal: '*', Resource: '*' });
      const ledger = Object.entries(JSON.parse(cfn.template_body).Resources as Record<string, any>).filter(([, resource]) => LEDGER_TYPES.test(resource.Type));
      expect(ledger.length).toBeGreaterThan(0);
      for (const [id, resource] of ledger) {
        expect({ id, DeletionPolicy: resource.DeletionPolicy, UpdateReplacePolicy: resource.UpdateReplacePolicy }).toEqual({ id, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
  });

  test("assumes the member's deploy role and only works in the member's account", () => {
    const member = consortium.members.find((m) => stack.provider.aws[0].allowed_account_ids[0] === m.accountId)!;
    expect(member).toBeDefined();
    expect(stack.provider.aws).toHaveLength(1);
    const [provider] = stack.provider.aws;
    expect(provider.assume_role[0].role_arn).toBe(member.deployRoleArn);
    expect(provider.assume_role[0].role_arn.split(':')[4]).toBe(member.accountId);
    expect(stack.terraform.backend.s3.assume_role).toMatchObject({ role_arn: member.deployRoleArn });
  });

  test("references no other member's account", () => {
    const own = stack.provider.aws[0].allowed_account_ids[0];
    const readers = new Set(consortium.members.flatMap((m) => m.offchain?.readerAccounts ?? []));
    const others = consortium.members.map((m) => m.accountId).filter((account) => account !== own && !readers.has(account));
    const text = JSON.stringify(stack);
    expect(others.filter((account) => text.includes(account))).toEqual([]);
  });
});

/** `${type.name.attribute}` -> `type.name`: which resource or data source an expression points at. */
function target(expression: unknown): string | undefined {
  return typeof expression === 'string' ? expression.match(/^\$\{((?:data\.)?\w+\.[\w-]+)\.\w+\}$/)?.[1] : undefined;
}

/** The statements of the policy document a `policy` field references, or [] when it references none. */
function statementsOf(stack: TerraformJson, policy: unknown): Record<string, any>[] {
  const [, type, name] = target(policy)?.split('.') ?? [];
  return type === 'aws_iam_policy_document' ? (stack.data?.aws_iam_policy_document?.[name]?.statement ?? []) : [];
}

const deniesPlainHttp = (statements: Record<string, any>[]) =>
  statements.some(
    (statement) =>
      statement.effect === 'Deny' &&
      (statement.condition ?? []).some((condition: any) => condition.test === 'Bool' && condition.variable === 'aws:SecureTransport' && condition.values?.includes('false')),
  );

/**
 * The security review of the applied stacks, run mechanically on every stack of every variant,
 * so that no later change can quietly undo it. (Ingress from 0.0.0.0/0 is checked above.)
 */
describe.each(cases)('security review: %s', (_name, consortium, stack) => {
  const member = consortium.members.find((m) => m.accountId === stack.provider.aws[0].allowed_account_ids[0])!;

  test('no policy allows Action "*", and no role policy allows a whole service ("svc:*")', () => {
    const documents = Object.entries(stack.data?.aws_iam_policy_document ?? {});
    const allowAll = documents.flatMap(([id, document]) =>
      (document.statement as Record<string, any>[]).filter((statement) => (statement.effect ?? 'Allow') === 'Allow' && statement.actions?.includes('*')).map(() => id),
    );
    expect(allowAll).toEqual([]);
    const encoded = [...strings(stack)].filter(([, value]) => /"Action" = (\[[^\]]*)?"\*"/.test(value));
    expect(encoded).toEqual([]);
    const rolePolicies = resources(stack, 'aws_iam_role_policy').flatMap((policy) => statementsOf(stack, policy.policy));
    expect(rolePolicies.filter((statement) => (statement.effect ?? 'Allow') === 'Allow' && statement.actions.some((action: string) => action.endsWith(':*')))).toEqual([]);
    expect(resources(stack, 'aws_iam_role_policy_attachment')).toEqual([]);
  });

  test('no public IP unless the member chose a public client; no subnet hands out public IPs', () => {
    for (const instance of resources(stack, 'aws_instance')) expect(instance.associate_public_ip_address).toBe(member.client.subnet === 'public');
    expect(resources(stack, 'aws_subnet').filter((subnet) => subnet.map_public_ip_on_launch === true)).toEqual([]);
  });

  test('every alarm notifies someone', () => {
    const silent = resources(stack, 'aws_cloudwatch_metric_alarm').filter((alarm) => !(alarm.alarm_actions?.length > 0));
    expect(silent.map((alarm) => alarm.alarm_name)).toEqual([]);
  });

  test('every queue and every bucket has a policy that denies plain HTTP', () => {
    const queuePolicies = resources(stack, 'aws_sqs_queue_policy');
    for (const id of Object.keys(stack.resource.aws_sqs_queue ?? {})) {
      const policies = queuePolicies.filter((policy) => target(policy.queue_url) === `aws_sqs_queue.${id}`);
      expect({ queue: id, deniesPlainHttp: policies.some((policy) => deniesPlainHttp(statementsOf(stack, policy.policy))) }).toEqual({ queue: id, deniesPlainHttp: true });
    }
    const bucketPolicies = resources(stack, 'aws_s3_bucket_policy');
    for (const id of Object.keys(stack.resource.aws_s3_bucket ?? {})) {
      const policies = bucketPolicies.filter((policy) => target(policy.bucket) === `aws_s3_bucket.${id}`);
      expect({ bucket: id, deniesPlainHttp: policies.some((policy) => deniesPlainHttp(statementsOf(stack, policy.policy))) }).toEqual({ bucket: id, deniesPlainHttp: true });
    }
  });

  test('every bucket blocks all public access and is encrypted by default', () => {
    const blocks = resources(stack, 'aws_s3_bucket_public_access_block');
    const encryption = resources(stack, 'aws_s3_bucket_server_side_encryption_configuration');
    for (const id of Object.keys(stack.resource.aws_s3_bucket ?? {})) {
      const ofBucket = (settings: Record<string, any>[]) => settings.filter((setting) => target(setting.bucket) === `aws_s3_bucket.${id}`);
      const blocked = ofBucket(blocks).some((block) => block.block_public_acls && block.block_public_policy && block.ignore_public_acls && block.restrict_public_buckets);
      const encrypted = ofBucket(encryption).some((setting) => setting.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm !== undefined);
      expect({ bucket: id, blocked, encrypted }).toEqual({ bucket: id, blocked: true, encrypted: true });
    }
  });

  test("every log group has a retention and the stack's KMS key; every queue and topic is encrypted with it", () => {
    const key = /^\$\{aws_kms_key\.key_\w+\.arn\}$/;
    for (const group of resources(stack, 'aws_cloudwatch_log_group')) {
      expect({ name: group.name, retention: group.retention_in_days > 0, key: group.kms_key_id }).toEqual({ name: group.name, retention: true, key: expect.stringMatching(key) });
    }
    for (const queue of resources(stack, 'aws_sqs_queue')) expect(queue.kms_master_key_id).toMatch(key);
    for (const topic of resources(stack, 'aws_sns_topic')) expect(topic.kms_master_key_id).toMatch(key);
  });
});

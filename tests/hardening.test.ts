/**
 * Security hardening every member stack carries: its own KMS key, the alarm topic, VPC flow
 * logs. GIVEN the sample consortium (or an edit of it), WHEN synthesized, THEN ...
 */
import { loadConsortium } from '../lib/config';
import { SECRET_KEY_PARAMETER } from '../stacks/ledger-template';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { ledgerTemplateOf, policyDocument, resources, single, synthAll, type TerraformJson } from './helpers/synth';

const sample = synthAll(loadConsortium(SAMPLE_DIR));
const KEY_ARN = /^\$\{aws_kms_key\.key_\w+\.arn\}$/;

function withEdits(file: string, edits: [string | RegExp, string][]): Record<string, TerraformJson> {
  const fixture = new ConsortiumFixture();
  try {
    for (const [from, to] of edits) fixture.edit(file, from, to);
    return synthAll(fixture.load());
  } finally {
    fixture.dispose();
  }
}

describe("the stack's own KMS key", () => {
  test.each(Object.keys(sample))('%s: one customer-managed key with rotation on, a 30-day deletion window, Terraform cannot destroy it, and an output', (name) => {
    const key = single(sample[name], 'aws_kms_key');
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(single(sample[name], 'aws_kms_alias')).toMatchObject({ name: `alias/drm-royalties-${name}` });
    expect(sample[name].output!.kms_key_arn.value).toMatch(KEY_ARN);
  });

  test('its policy: the owner account administers it; Logs, alarms and EventBridge use it for this account only', () => {
    expect(policyDocument(sample.bank, 'key_policy').statement).toEqual([
      { sid: 'OwnerAccountAdministers', principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::444455556666:root'] }], actions: ['kms:*'], resources: ['*'] },
      {
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [{ type: 'Service', identifiers: ['logs.us-east-1.amazonaws.com'] }],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: ['*'],
        condition: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: ['arn:aws:logs:us-east-1:444455556666:log-group:*'] }],
      },
      {
        sid: 'AlarmsAndEventsOfThisAccount',
        principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['444455556666'] }],
      },
    ]);
  });

  test('encrypts the admin secret: the ledger template takes the key ARN as a parameter', () => {
    const template = ledgerTemplateOf(sample.bank) as any;
    expect(template.Parameters).toEqual({ [SECRET_KEY_PARAMETER]: { Type: 'String', Description: expect.any(String) } });
    expect(template.Resources.AdminSecret.Properties.KmsKeyId).toEqual({ Ref: SECRET_KEY_PARAMETER });
    expect(single(sample.bank, 'aws_cloudformation_stack').parameters).toEqual({ [SECRET_KEY_PARAMETER]: expect.stringMatching(KEY_ARN) });
  });

  test('a ledger stack of Ethereum nodes only has no secret and takes no key parameter', () => {
    const stacks = withEdits('ott-vendor-2.yaml', [['tags:', 'ethereumNodes:\n  - instanceType: bc.m5.xlarge\n    availabilityZone: us-east-1a\ntags:']]);
    const stack = single(stacks['ott-vendor-2'], 'aws_cloudformation_stack');
    expect(stack.parameters).toBeUndefined();
    expect((ledgerTemplateOf(stacks['ott-vendor-2']) as any).Parameters).toBeUndefined();
  });

  test("encrypts the voter's log group and dead-letter queue, and the voter may use it for its queue", () => {
    expect(resources(sample.bank, 'aws_cloudwatch_log_group').find((group) => group.name === '/aws/lambda/drm-royalties-bank-voter')).toMatchObject({ kms_key_id: expect.stringMatching(KEY_ARN) });
    const queue = single(sample.bank, 'aws_sqs_queue');
    expect(queue.kms_master_key_id).toMatch(KEY_ARN);
    expect(queue.sqs_managed_sse_enabled).toBeUndefined();
    expect(policyDocument(sample.bank, 'voter_permissions').statement).toContainEqual({ sid: 'EncryptDeadLetters', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [expect.stringMatching(KEY_ARN)] });
  });

  test('the Fabric client may decrypt with it only through Secrets Manager', () => {
    expect(policyDocument(sample.bank, 'client_permissions').statement).toContainEqual({
      sid: 'DecryptOwnAdminSecret',
      actions: ['kms:Decrypt'],
      resources: [expect.stringMatching(KEY_ARN)],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.us-east-1.amazonaws.com'] }],
    });
  });
});

describe('the alarm topic', () => {
  test.each(Object.keys(sample))("%s: an SNS topic of its own, encrypted with the stack's key, and its ARN as an output", (name) => {
    const topic = single(sample[name], 'aws_sns_topic');
    expect(topic).toMatchObject({ name: `drm-royalties-${name}-alarms`, kms_master_key_id: expect.stringMatching(KEY_ARN) });
    expect(sample[name].output!.alarm_topic_arn.value).toMatch(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/);
    expect(resources(sample[name], 'aws_sns_topic_subscription')).toEqual([]);
  });

  test('alerts.emails subscribes each address by e-mail', () => {
    const stacks = withEdits('bank.yaml', [['tags:', 'alerts:\n  emails: [dlt-oncall@bank.example, security@bank.example]\ntags:']]);
    expect(resources(stacks.bank, 'aws_sns_topic_subscription').map(({ protocol, endpoint, topic_arn }) => ({ protocol, endpoint, topic_arn }))).toEqual([
      { protocol: 'email', endpoint: 'dlt-oncall@bank.example', topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/) },
      { protocol: 'email', endpoint: 'security@bank.example', topic_arn: expect.stringMatching(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/) },
    ]);
  });

  test('alerts.topicArn replaces the topic: no topic of its own, every alarm and the output use the named one, addresses subscribe to it', () => {
    const existing = 'arn:aws:sns:us-east-1:444455556666:bank-ops';
    const stacks = withEdits('bank.yaml', [['tags:', `alerts:\n  topicArn: ${existing}\n  emails: [dlt-oncall@bank.example]\ntags:`]]);
    expect(resources(stacks.bank, 'aws_sns_topic')).toEqual([]);
    expect(stacks.bank.output!.alarm_topic_arn.value).toBe(existing);
    for (const alarm of resources(stacks.bank, 'aws_cloudwatch_metric_alarm')) expect(alarm.alarm_actions).toEqual([existing]);
    expect(single(stacks.bank, 'aws_sns_topic_subscription')).toMatchObject({ topic_arn: existing, endpoint: 'dlt-oncall@bank.example' });
  });

  test('a topic in another region is refused at load, naming file, line:column and field', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', 'tags:', 'alerts:\n  topicArn: arn:aws:sns:eu-west-1:444455556666:bank-ops\ntags:');
    try {
      expect(fixture.errors()).toEqual([
        'members/bank.yaml:25:13 alerts.topicArn: the topic is in eu-west-1, but CloudWatch alarms notify topics of their own region only (allowed: a topic in us-east-1)',
      ]);
    } finally {
      fixture.dispose();
    }
  });

  test('an address that is not one is refused at load', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', 'tags:', 'alerts:\n  emails: [oncall]\ntags:');
    try {
      expect(fixture.errors()).toEqual(['members/bank.yaml:25:12 alerts.emails[0]: "oncall" is not valid (allowed: an e-mail address such as ops@example.com)']);
    } finally {
      fixture.dispose();
    }
  });
});

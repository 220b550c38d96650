/**
 * The ledger archive in a member's stack: GIVEN the sample consortium (and edits of it),
 * WHEN synthesized, THEN the archive bucket is protected as evidence and the schedule runs
 * the archive on the member's Fabric client, with an alarm on failed runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveBucketName } from '../lib/archive/command';
import { archiveRunScript, COMMAND_INVOCATION_EVENT } from '../stacks/constructs/ledger-archive';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { resources, single, synthAll, type TerraformJson } from './helpers/synth';
import { requireTool } from './helpers/tools';

function archiveBucketOf(stack: TerraformJson): Record<string, any> {
  const buckets = resources(stack, 'aws_s3_bucket').filter((bucket) => /-archive-\d{12}$/.test(bucket.bucket));
  if (buckets.length !== 1) throw new Error(`expected one archive bucket, found ${buckets.length}`);
  return buckets[0];
}

function statementsOf(stack: TerraformJson, sid: string): any {
  for (const document of Object.values(stack.data?.aws_iam_policy_document ?? {})) {
    const found = (document.statement as any[] | undefined)?.find((statement) => statement.sid === sid);
    if (found) return found;
  }
  throw new Error(`no policy statement ${sid}`);
}

describe('GIVEN the sample consortium, WHEN synthesized', () => {
  const fixture = new ConsortiumFixture();
  const consortium = fixture.load();
  const stacks = synthAll(consortium);
  fixture.dispose();
  const bank = stacks.bank;
  const member = consortium.members.find((candidate) => candidate.name === 'bank')!;

  test('a joined member gets an archive bucket named as `npm run archive` derives it, Object Lock on from creation', () => {
    const bucket = archiveBucketOf(bank);
    expect(bucket.bucket).toBe(archiveBucketName(consortium, member));
    expect(bucket.object_lock_enabled).toBe(true);
  });

  test('neither the archive bucket nor its KMS key can be destroyed by terraform', () => {
    expect(archiveBucketOf(bank).lifecycle.prevent_destroy).toBe(true);
    const keys = resources(bank, 'aws_kms_key').filter((key) => String(key.description).startsWith('Fabric block archive'));
    expect(keys).toHaveLength(1);
    expect(keys[0].lifecycle).toEqual({ prevent_destroy: true });
    expect(keys[0].enable_key_rotation).toBe(true);
  });

  test('archived objects are versioned, KMS-encrypted and kept 10 years under GOVERNANCE Object Lock by default', () => {
    const lock = single(bank, 'aws_s3_bucket_object_lock_configuration');
    expect(lock.rule).toEqual({ default_retention: { mode: 'GOVERNANCE', days: 3650 } });
    expect(resources(bank, 'aws_s3_bucket_versioning').some((versioning) => versioning.versioning_configuration.status === 'Enabled')).toBe(true);
    const encryption = resources(bank, 'aws_s3_bucket_server_side_encryption_configuration').find((config) => config.rule[0].apply_server_side_encryption_by_default.sse_algorithm === 'aws:kms');
    expect(encryption).toBeDefined();
  });

  test('the bucket policy refuses a block write that is not conditional on the block being absent', () => {
    expect(statementsOf(bank, 'BlocksAreWrittenOnce')).toMatchObject({
      effect: 'Deny',
      actions: ['s3:PutObject'],
      resources: [expect.stringMatching(/\/channels\/\*\/blocks\/\*$/)],
      condition: [{ test: 'Null', variable: 's3:if-none-match', values: ['true'] }],
    });
  });

  test("the client may append blocks and manifests but has no delete, retention or governance-bypass right", () => {
    const actions = ['ListArchive', 'ReadArchive', 'AppendBlocksAndManifests', 'UseArchiveKey', 'ReadArchiveCommand'].flatMap((sid) => statementsOf(bank, sid).actions as string[]);
    expect(actions.sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 's3:GetObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const policy = resources(bank, 'aws_iam_role_policy').find((candidate) => candidate.name === 'ledger-archive');
    expect(policy!.role).toMatch(/aws_iam_role\.client_role_\w+\.name/);
    expect(statementsOf(bank, 'StateManagerAssociations').actions).toEqual(['ssm:ListInstanceAssociations', 'ssm:DescribeAssociation', 'ssm:UpdateInstanceAssociationStatus', 'ssm:PutComplianceItems']);
    expect(statementsOf(bank, 'ReadArchiveDocument').resources).toEqual([expect.stringMatching(/aws_ssm_document\.archive_document_\w+\.arn/)]);
    // Only the ledger commands' transient step objects may be deleted, in their own bucket.
    const stepBucket = /^\$\{aws_s3_bucket\.ledger-steps_bucket_\w+\.arn\}/;
    const outsideStepBucket = (statement: any) => !(statement.resources ?? []).every((resource: string) => stepBucket.test(resource));
    const everyAction = Object.values(bank.data!.aws_iam_policy_document).flatMap((document: any) => (document.statement ?? []).filter(outsideStepBucket).flatMap((statement: any) => statement.actions ?? []));
    expect(everyAction.filter((action: string) => /^s3:(Delete|PutObjectRetention|BypassGovernance|PutObjectLegalHold)/.test(action))).toEqual([]);
  });

  test('an SSM State Manager association runs the archive hourly on the Fabric client', () => {
    const association = single(bank, 'aws_ssm_association');
    expect(association.schedule_expression).toBe('rate(1 hour)');
    expect(association.targets).toEqual([{ key: 'InstanceIds', values: [expect.stringMatching(/aws_instance\.client_instance_\w+\.id/)] }]);
    const document = JSON.parse(single(bank, 'aws_ssm_document').content);
    const script: string[] = document.mainSteps[0].inputs.runCommand;
    expect(script.at(-1)).toMatch(new RegExp(`--member bank --bucket ${archiveBucketName(consortium, member)} --region us-east-1$`));
  });

  test('a failed, timed-out or cancelled run sets off an alarm', () => {
    const rule = resources(bank, 'aws_cloudwatch_event_rule').find((candidate) => String(candidate.name).endsWith('-archive-failed'))!;
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['aws.ssm'],
      'detail-type': [COMMAND_INVOCATION_EVENT],
      detail: { 'document-name': [single(bank, 'aws_ssm_document').name], status: ['Failed', 'TimedOut', 'Cancelled'] },
    });
    const alarm = resources(bank, 'aws_cloudwatch_metric_alarm').find((candidate) => String(candidate.alarm_name).endsWith('-archive-failed'))!;
    expect(alarm).toMatchObject({ namespace: 'AWS/Events', metric_name: 'TriggeredRules', comparison_operator: 'GreaterThanThreshold', threshold: 0 });
    expect(alarm.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/)]);
    expect(alarm.dimensions.RuleName).toMatch(/aws_cloudwatch_event_rule\.archive_failed-runs_\w+\.name/);
  });

  test('outputs the archive bucket', () => {
    expect(bank.output?.archive_bucket.value).toBe(archiveBucketName(consortium, member));
  });
});

describe('GIVEN edits of the member YAML', () => {
  test('archive.enabled: false stops the schedule and keeps the bucket', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', /^tags:/m, 'archive:\n  enabled: false\ntags:');
    const bank = synthAll(fixture.load()).bank;
    fixture.dispose();
    expect(archiveBucketOf(bank).lifecycle.prevent_destroy).toBe(true);
    expect(resources(bank, 'aws_ssm_association')).toHaveLength(0);
  });

  test('COMPLIANCE mode, another schedule and auditor accounts are honoured', () => {
    const fixture = new ConsortiumFixture().edit(
      'bank.yaml',
      /^tags:/m,
      'archive:\n  schedule: rate(6 hours)\n  objectLockMode: COMPLIANCE\n  objectLockDays: 2557\n  auditorAccounts: ["999988887777"]\ntags:',
    );
    const bank = synthAll(fixture.load()).bank;
    fixture.dispose();
    expect(single(bank, 'aws_ssm_association').schedule_expression).toBe('rate(6 hours)');
    expect(single(bank, 'aws_s3_bucket_object_lock_configuration').rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 2557 } });
    expect(statementsOf(bank, 'ReadersRead').principals[0].identifiers).toEqual([expect.stringContaining(':iam::999988887777:root')]);
  });

  test('a schedule more often than SSM allows is refused, naming file, line and what is allowed', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', /^tags:/m, 'archive:\n  schedule: rate(5 minutes)\ntags:');
    const errors = fixture.errors();
    fixture.dispose();
    expect(errors[0]).toMatch(/^members\/bank\.yaml:\d+:\d+ archive\.schedule: "rate\(5 minutes\)".*allowed: rate\(N minutes\) with N >= 30/);
  });
});

test('the run script passes shellcheck', () => {
  requireTool('shellcheck');
  const dir = mkdtempSync(join(tmpdir(), 'archive-script-'));
  const file = join(dir, 'run.sh');
  writeFileSync(file, ['#!/bin/bash', ...archiveRunScript({ member: 'bank', bucket: 'b', region: 'us-east-1', toolUri: 's3://t/archive-abc.js' })].join('\n') + '\n');
  const result = spawnSync('shellcheck', ['--exclude=SC1091', file], { encoding: 'utf8' });
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
});

/**
 * The member stack's part of running the ledger commands through SSM: GIVEN the sample
 * consortium, WHEN synthesized, THEN each joined member has a step bucket under the names
 * the commands derive, its client may use only its own prefix, the command policy allows
 * SendCommand on that client only, and terraform validate accepts the construct offline.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { loadConsortium } from '../lib/config';
import { clientParameterNameOf, stepBucketNameOf, stepPrefixOf } from '../lib/fabric/step-bucket';
import { LedgerSteps } from '../stacks/constructs/ledger-steps';
import { SAMPLE_DIR } from './helpers/consortium-fixture';
import { resources, synthAll, type TerraformJson } from './helpers/synth';
import { requireTool, withAttachedProvider } from './helpers/tools';

const consortium = loadConsortium(SAMPLE_DIR);
const sample = synthAll(consortium);
const JOINED = ['bank', 'filmmaker', 'ott-vendor-1'];

/** The construct's own entries of a type (ids start with `ledger-steps_`). */
function own(stack: TerraformJson, type: string, kind: 'resource' | 'data' = 'resource'): Record<string, Record<string, any>> {
  return Object.fromEntries(Object.entries((kind === 'resource' ? stack.resource : stack.data)?.[type] ?? {}).filter(([id]) => id.startsWith('ledger-steps_')));
}

function one(stack: TerraformJson, type: string): Record<string, any> {
  const found = Object.values(own(stack, type));
  if (found.length !== 1) throw new Error(`expected one ledger-steps ${type}, found ${found.length}`);
  return found[0];
}

function statements(stack: TerraformJson, idPart: string): Record<string, any>[] {
  const found = Object.entries(own(stack, 'aws_iam_policy_document', 'data')).filter(([id]) => id.includes(idPart));
  if (found.length !== 1) throw new Error(`expected one policy document ${idPart}, found ${found.length}`);
  return found[0][1].statement;
}

const KEY = expect.stringMatching(/^\$\{aws_kms_key\.key_\w+\.arn\}$/);
const INSTANCE = /\$\{aws_instance\.client_instance_\w+\.id\}/.source;
const BUCKET_ARN = /\$\{aws_s3_bucket\.ledger-steps_bucket_\w+\.arn\}/.source;
const runObject = (name: string) => expect.stringMatching(new RegExp(`^${BUCKET_ARN}/steps/${INSTANCE}/\\*/${name.replace('.', '\\.')}$`));

describe('which members get the step bucket', () => {
  test.each(JOINED)('%s, which has a Fabric client, gets one bucket, one parameter and one command policy', (name) => {
    expect(Object.keys(own(sample[name], 'aws_s3_bucket'))).toHaveLength(1);
    expect(Object.keys(own(sample[name], 'aws_ssm_parameter'))).toHaveLength(1);
    expect(Object.keys(own(sample[name], 'aws_iam_policy'))).toHaveLength(1);
  });

  test('ott-vendor-2, which has not joined and has no client, gets none of it and no outputs for it', () => {
    expect(own(sample['ott-vendor-2'], 'aws_s3_bucket')).toEqual({});
    expect(own(sample['ott-vendor-2'], 'aws_iam_policy')).toEqual({});
    expect(Object.keys(sample['ott-vendor-2'].output ?? {}).filter((name) => name.startsWith('ledger_steps'))).toEqual([]);
  });
});

describe('GIVEN bank: the step bucket', () => {
  const stack = sample.bank;
  const bank = consortium.members.find((member) => member.name === 'bank')!;

  test('is named <network>-<member>-steps-<account>, as the commands derive it, and is an output', () => {
    expect(one(stack, 'aws_s3_bucket').bucket).toBe('drm-royalties-bank-steps-444455556666');
    expect(stepBucketNameOf(consortium.network.name, bank.name, bank.accountId)).toBe('drm-royalties-bank-steps-444455556666');
    expect(stack.output?.ledger_steps_bucket.value).toBe('drm-royalties-bank-steps-444455556666');
  });

  test("is encrypted with the stack's KMS key (bucket key on)", () => {
    expect(one(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
  });

  test('blocks every kind of public access and disables ACLs', () => {
    expect(one(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one(stack, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  test('denies plain HTTP for the bucket and every object', () => {
    expect(statements(stack, 'bucket-policy')).toEqual([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:*'],
        resources: [expect.stringMatching(new RegExp(`^${BUCKET_ARN}$`)), expect.stringMatching(new RegExp(`^${BUCKET_ARN}/\\*$`))],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
  });

  test('expires step objects and abandoned uploads after a day, and keeps no versions', () => {
    expect(one(stack, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      { id: 'expire-step-objects', status: 'Enabled', filter: [{ prefix: 'steps/' }], expiration: [{ days: 1 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] },
    ]);
    expect(own(stack, 'aws_s3_bucket_versioning')).toEqual({});
  });
});

describe('GIVEN bank: the rights', () => {
  const stack = sample.bank;
  const useKey = {
    sid: 'UseStackKeyThroughS3',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: [KEY],
    condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.us-east-1.amazonaws.com'] }],
  };

  test("the client's role reads bundles and writes results under steps/<its instance id>/ only", () => {
    expect(stepPrefixOf('i-0abc')).toBe('steps/i-0abc');
    const policy = one(stack, 'aws_iam_role_policy');
    expect(policy).toMatchObject({ name: 'ledger-steps', role: expect.stringMatching(/^\$\{aws_iam_role\.client_role_\w+\.name\}$/) });
    expect(statements(stack, 'client-permissions')).toEqual([
      { sid: 'ReadStepBundles', actions: ['s3:GetObject'], resources: [runObject('bundle.tgz')] },
      { sid: 'WriteStepResults', actions: ['s3:PutObject'], resources: [runObject('result.json'), runObject('step.log')] },
      useKey,
    ]);
  });

  test('the command policy allows SendCommand with AWS-RunShellScript on this client only, and the bucket under its prefix', () => {
    const runs = expect.stringMatching(new RegExp(`^${BUCKET_ARN}/steps/${INSTANCE}/\\*$`));
    expect(statements(stack, 'command-permissions')).toEqual([
      { sid: 'FindFabricClient', actions: ['ssm:GetParameter'], resources: ['arn:aws:ssm:us-east-1:444455556666:parameter/amb-consortium/drm-royalties/bank/fabric-client-instance-id'] },
      {
        sid: 'RunShellOnOwnFabricClientOnly',
        actions: ['ssm:SendCommand'],
        resources: ['arn:aws:ssm:us-east-1::document/AWS-RunShellScript', expect.stringMatching(new RegExp(`^arn:aws:ec2:us-east-1:444455556666:instance/${INSTANCE}$`))],
      },
      { sid: 'FollowCommandsAndCheckTheClientIsManaged', actions: ['ssm:GetCommandInvocation', 'ssm:DescribeInstanceInformation'], resources: ['*'] },
      { sid: 'FindStepBucket', actions: ['s3:ListBucket'], resources: [expect.stringMatching(new RegExp(`^${BUCKET_ARN}$`))] },
      { sid: 'WriteStepBundles', actions: ['s3:PutObject'], resources: [runObject('bundle.tgz')] },
      { sid: 'ReadStepResults', actions: ['s3:GetObject'], resources: [runObject('result.json'), runObject('step.log')] },
      { sid: 'DeleteFinishedRuns', actions: ['s3:DeleteObject'], resources: [runs] },
      useKey,
    ]);
  });

  test('the command policy is a managed policy the member attaches (the stack attaches it to no role), and its ARN is an output', () => {
    const policy = one(stack, 'aws_iam_policy');
    expect(policy.name).toBe('drm-royalties-bank-ledger-steps');
    expect(policy.policy).toMatch(/^\$\{data\.aws_iam_policy_document\.ledger-steps_command-permissions_\w+\.json\}$/);
    expect(resources(stack, 'aws_iam_role_policy_attachment')).toEqual([]);
    expect(resources(stack, 'aws_iam_policy_attachment')).toEqual([]);
    expect(stack.output?.ledger_steps_policy_arn.value).toMatch(/^\$\{aws_iam_policy\.ledger-steps_command-policy_\w+\.arn\}$/);
  });

  test("no other member's client or bucket appears in bank's policies", () => {
    const text = JSON.stringify(own(stack, 'aws_iam_policy_document', 'data'));
    for (const other of ['filmmaker', 'ott-vendor-1', '111122223333', '222233334444']) expect(text).not.toContain(other);
  });

  test('the parameter the commands read holds the client instance id, under the name they derive', () => {
    const parameter = one(stack, 'aws_ssm_parameter');
    expect(parameter).toMatchObject({ name: clientParameterNameOf('drm-royalties', 'bank'), type: 'String', insecure_value: expect.stringMatching(new RegExp(`^${INSTANCE}$`)) });
    expect(parameter.name).toBe('/amb-consortium/drm-royalties/bank/fabric-client-instance-id');
  });
});

test('terraform validate accepts the construct, offline', async () => {
  requireTool('terraform');
  const stack = new TerraformStack(Testing.app(), 'ledger-steps');
  new AwsProvider(stack, 'aws', { region: 'eu-west-2' });
  new LedgerSteps(stack, 'ledger-steps', {
    memberName: 'bank',
    networkName: 'drm-royalties',
    accountId: '444455556666',
    region: 'eu-west-2',
    clientInstanceId: 'i-0123456789abcdef0',
    clientRoleName: 'drm-royalties-bank-fabric-client',
    keyArn: 'arn:aws:kms:eu-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  });
  const outdir = Testing.fullSynth(stack);
  try {
    const dir = join(outdir, 'stacks', 'ledger-steps');
    const { version } = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')).terraform.required_providers.aws;
    await withAttachedProvider(version, async (env) => {
      execFileSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env });
      expect(execFileSync('terraform', ['validate', '-no-color'], { cwd: dir, env, encoding: 'utf8' })).toContain('Success! The configuration is valid.');
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);

/**
 * The OffchainStore construct on its own, in a bare stack: GIVEN its props, WHEN
 * synthesized, THEN the bucket, key and policies have exactly the protective properties,
 * and terraform validate accepts them against the local provider mirror.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { offchainBucketNameOf } from '../lib/offchain';
import { OffchainStore, type OffchainStoreProps } from '../stacks/constructs/offchain-store';
import { resources, single, type TerraformJson } from './helpers/synth';
import { requireTool, withAttachedProvider } from './helpers/tools';

const OWNER = '444455556666';
const READERS = ['111122223333', '222233334444'];
const BASE: OffchainStoreProps = { memberName: 'bank', networkName: 'drm-royalties', accountId: OWNER, region: 'us-east-1', readerAccounts: READERS };

function stackOf(props: OffchainStoreProps): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'offchain');
  new AwsProvider(stack, 'aws', { region: props.region });
  new OffchainStore(stack, 'offchain', props);
  return stack;
}

function synth(props: OffchainStoreProps): TerraformJson {
  return JSON.parse(Testing.synth(stackOf(props)));
}

type Statement = { sid: string; effect?: string; actions: string[]; resources: string[]; principals: { type: string; identifiers: string[] }[]; condition?: { test: string; variable: string; values: string[] }[] };

/** Statements of the policy document a resource's `policy` field refers to. */
function statementsOf(stack: TerraformJson, policyRef: string): Record<string, Statement> {
  const id = /data\.aws_iam_policy_document\.([\w-]+)\.json/.exec(policyRef)?.[1];
  const document = stack.data?.aws_iam_policy_document?.[id ?? ''];
  if (!document) throw new Error(`no policy document behind ${policyRef}`);
  return Object.fromEntries((document.statement as Statement[]).map((statement) => [statement.sid, statement]));
}

const roots = (accounts: string[]) => accounts.map((account) => expect.stringMatching(new RegExp(`^arn:\\$\\{data\\.aws_partition\\.[\\w-]+\\.partition\\}:iam::${account}:root$`)));

describe('GIVEN a member with two readers and no Object Lock', () => {
  const stack = synth(BASE);
  const bucket = single(stack, 'aws_s3_bucket');

  test('names the bucket <network>-<member>-offchain-<account>, as the offchain script derives it', () => {
    expect(bucket.bucket).toBe('drm-royalties-bank-offchain-444455556666');
    expect(bucket.bucket).toBe(offchainBucketNameOf('drm-royalties', 'bank', OWNER));
  });

  test('protects the bucket and its key from terraform destroy', () => {
    expect(bucket.lifecycle.prevent_destroy).toBe(true);
    expect(single(stack, 'aws_kms_key').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('enables versioning', () => {
    expect(single(stack, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  test('encrypts by default with its own KMS key, bucket key on', () => {
    const rules = single(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule;
    expect(rules).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/) }, bucket_key_enabled: true }]);
  });

  test('rotates the KMS key and keeps a 30-day deletion window', () => {
    const key = single(stack, 'aws_kms_key');
    expect({ rotation: key.enable_key_rotation, window: key.deletion_window_in_days }).toEqual({ rotation: true, window: 30 });
    expect(single(stack, 'aws_kms_alias').name).toBe('alias/drm-royalties-bank-offchain-444455556666');
  });

  test("lets the owner account administer the key and the readers only decrypt through S3 in the bucket's region", () => {
    const statements = statementsOf(stack, single(stack, 'aws_kms_key').policy);
    expect(Object.keys(statements).sort()).toEqual(['OwnerAccountAdministers', 'ReadersDecryptThroughS3']);
    expect(statements.OwnerAccountAdministers.principals).toEqual([{ type: 'AWS', identifiers: roots([OWNER]) }]);
    const readers = statements.ReadersDecryptThroughS3;
    expect(readers.principals).toEqual([{ type: 'AWS', identifiers: roots(READERS) }]);
    expect(readers.actions.sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(readers.condition).toEqual([{ test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.us-east-1.amazonaws.com'] }]);
  });

  test('blocks all four kinds of public access', () => {
    const block = single(stack, 'aws_s3_bucket_public_access_block');
    expect([block.block_public_acls, block.block_public_policy, block.ignore_public_acls, block.restrict_public_buckets]).toEqual([true, true, true, true]);
  });

  test('enforces bucket-owner ownership, so ACLs play no part', () => {
    expect(single(stack, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  test('denies every request that does not use TLS, on the bucket and its objects', () => {
    const deny = statementsOf(stack, single(stack, 'aws_s3_bucket_policy').policy).DenyInsecureTransport;
    expect(deny.effect).toBe('Deny');
    expect(deny.principals).toEqual([{ type: '*', identifiers: ['*'] }]);
    expect(deny.actions).toEqual(['s3:*']);
    expect(deny.resources).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\.[\w-]+\.arn\}$/), expect.stringMatching(/^\$\{aws_s3_bucket\.[\w-]+\.arn\}\/\*$/)]);
    expect(deny.condition).toEqual([{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }]);
  });

  test("grants the readers' account roots list on the bucket and read of objects and their versions, nothing more", () => {
    const statements = statementsOf(stack, single(stack, 'aws_s3_bucket_policy').policy);
    expect(Object.keys(statements).sort()).toEqual(['DenyInsecureTransport', 'ReadersList', 'ReadersRead']);
    expect(statements.ReadersList).toMatchObject({ principals: [{ type: 'AWS', identifiers: roots(READERS) }], actions: ['s3:ListBucket'], resources: [expect.stringMatching(/\.arn\}$/)] });
    expect(statements.ReadersRead.principals).toEqual([{ type: 'AWS', identifiers: roots(READERS) }]);
    expect(statements.ReadersRead.actions.sort()).toEqual(['s3:GetObject', 's3:GetObjectAttributes', 's3:GetObjectVersion', 's3:GetObjectVersionAttributes']);
    expect(statements.ReadersRead.resources).toEqual([expect.stringMatching(/\.arn\}\/\*$/)]);
  });

  test('applies the bucket policy after the public access block', () => {
    expect(single(stack, 'aws_s3_bucket_policy').depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
  });

  test('has no Object Lock', () => {
    expect(bucket.object_lock_enabled).toBe(false);
    expect(resources(stack, 'aws_s3_bucket_object_lock_configuration')).toEqual([]);
  });
});

describe('GIVEN a member without readers', () => {
  const stack = synth({ ...BASE, readerAccounts: [] });

  test('grants no other account anything in the bucket policy or the key policy', () => {
    expect(Object.keys(statementsOf(stack, single(stack, 'aws_s3_bucket_policy').policy))).toEqual(['DenyInsecureTransport']);
    expect(Object.keys(statementsOf(stack, single(stack, 'aws_kms_key').policy))).toEqual(['OwnerAccountAdministers']);
    expect(READERS.filter((account) => JSON.stringify(stack).includes(account))).toEqual([]);
  });
});

describe('GIVEN objectLockDays: 365', () => {
  const stack = synth({ ...BASE, objectLockDays: 365 });

  test('creates the bucket with Object Lock enabled', () => {
    expect(single(stack, 'aws_s3_bucket').object_lock_enabled).toBe(true);
  });

  test('sets a default retention of 365 days in GOVERNANCE mode, after versioning is on', () => {
    const lock = single(stack, 'aws_s3_bucket_object_lock_configuration');
    expect(lock.object_lock_enabled).toBe('Enabled');
    expect(lock.rule).toEqual({ default_retention: { mode: 'GOVERNANCE', days: 365 } });
    expect(lock.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  test('never replaces the bucket when the Object Lock flag changes later', () => {
    expect(single(stack, 'aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['object_lock_enabled'] });
  });
});

test('tags the bucket and the key with the given tags and the bucket name', () => {
  const stack = synth({ ...BASE, tags: { owner: 'bank-dlt-ops' } });
  for (const type of ['aws_s3_bucket', 'aws_kms_key']) {
    expect(single(stack, type).tags).toEqual({ owner: 'bank-dlt-ops', Name: 'drm-royalties-bank-offchain-444455556666' });
  }
});

test('terraform validate accepts the store with readers and Object Lock, offline', async () => {
  requireTool('terraform');
  const outdir = Testing.fullSynth(stackOf({ ...BASE, objectLockDays: 30, tags: { owner: 'ops' } }));
  try {
    const dir = join(outdir, 'stacks', 'offchain');
    const { version } = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')).terraform.required_providers.aws;
    await withAttachedProvider(version, async (env) => {
      execFileSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env });
      expect(execFileSync('terraform', ['validate', '-no-color'], { cwd: dir, env, encoding: 'utf8' })).toContain('Success! The configuration is valid.');
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

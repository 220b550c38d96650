import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { memberBucketNameOf } from '../../lib/offchain-bucket';
import { blockPublicAccess, denyInsecureTransport } from '../bucket-guards';

export interface OffchainStoreProps {
  /** AMB member name of the owner; part of the bucket name. */
  readonly memberName: string;
  /** Consortium network name; part of the bucket name. */
  readonly networkName: string;
  /** Account that owns the bucket and its key (the member's account). */
  readonly accountId: string;
  /** Region of the bucket; readers may use the key only through S3 in this region. */
  readonly region: string;
  /**
   * Accounts of other members that may read, list and decrypt the documents.
   * @default none
   */
  readonly readerAccounts?: readonly string[];
  /**
   * Default Object Lock retention in days.
   * @default no Object Lock
   */
  readonly objectLockDays?: number;
  /**
   * Object Lock mode of the default retention.
   * @default 'GOVERNANCE'
   */
  readonly objectLockMode?: 'GOVERNANCE' | 'COMPLIANCE';
  /**
   * What the bucket keeps: part of its name `<network>-<member>-<purpose>-<account>` and of
   * the key's description.
   * @default 'offchain'
   */
  readonly purpose?: string;
  /**
   * Human description of the content, for the key.
   * @default 'Off-chain documents'
   */
  readonly contentDescription?: string;
  /**
   * More bucket policy statements, e.g. rules on how objects may be written, given the
   * bucket's ARN.
   * @default none
   */
  readonly extraPolicyStatements?: (bucketArn: string) => DataAwsIamPolicyDocumentStatement[];
  /**
   * Tags on the bucket and the key, besides the provider's default tags.
   * @default none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A member's bucket of off-chain documents whose SHA-256 the ledger keeps: versioned,
 * encrypted with its own rotating KMS key, closed to the public and to plain HTTP, readable
 * by the listed member accounts, optionally under Object Lock. Documents are evidence, so
 * neither the bucket nor its key can be destroyed by Terraform.
 */
export class OffchainStore extends Construct {
  /** The document bucket. */
  public readonly bucket: S3Bucket;
  /** Its name, `<network>-<member>-offchain-<account>`; `npm run offchain` derives the same. */
  public readonly bucketName: string;
  /** The KMS key that encrypts every document. */
  public readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: OffchainStoreProps) {
    super(scope, id);
    const readers = [...(props.readerAccounts ?? [])];
    const locked = props.objectLockDays !== undefined;
    this.bucketName = memberBucketNameOf(props.purpose ?? 'offchain', props.networkName, props.memberName, props.accountId);
    const partition = new DataAwsPartition(this, 'partition').partition;
    const rootOf = (account: string) => `arn:${partition}:iam::${account}:root`;
    const tags = { ...props.tags, Name: this.bucketName };

    const keyPolicy = new DataAwsIamPolicyDocument(this, 'key-policy', {
      statement: [
        {
          sid: 'OwnerAccountAdministers',
          principals: [{ type: 'AWS', identifiers: [rootOf(props.accountId)] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        ...(readers.length === 0
          ? []
          : [
              {
                sid: 'ReadersDecryptThroughS3',
                principals: [{ type: 'AWS', identifiers: readers.map(rootOf) }],
                actions: ['kms:Decrypt', 'kms:DescribeKey'],
                resources: ['*'],
                condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${props.region}.amazonaws.com`] }],
              },
            ]),
      ],
    });
    this.key = new KmsKey(this, 'key', {
      description: `${props.contentDescription ?? 'Off-chain documents'} of ${props.memberName} (s3://${this.bucketName})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
      tags,
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, 'key-alias', { name: `alias/${this.bucketName}`, targetKeyId: this.key.keyId });

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: this.bucketName,
      objectLockEnabled: locked,
      tags,
      // Turning Object Lock on later goes through the lock configuration below, which S3
      // accepts on an existing versioned bucket; a changed flag here would replace the bucket.
      lifecycle: { preventDestroy: true, ignoreChanges: ['object_lock_enabled'] },
    });
    const bucket = this.bucket.id;

    const versioning = new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    const publicAccess = blockPublicAccess(this, 'public-access', bucket);
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });

    const objects = `${this.bucket.arn}/*`;
    const bucketPolicy = new DataAwsIamPolicyDocument(this, 'bucket-policy', {
      statement: [
        denyInsecureTransport(this.bucket.arn),
        ...(readers.length === 0
          ? []
          : [
              {
                sid: 'ReadersList',
                principals: [{ type: 'AWS', identifiers: readers.map(rootOf) }],
                actions: ['s3:ListBucket'],
                resources: [this.bucket.arn],
              },
              {
                sid: 'ReadersRead',
                principals: [{ type: 'AWS', identifiers: readers.map(rootOf) }],
                // GetObjectVersionAttributes is what GetObjectAttributes needs for a given version.
                actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes'],
                resources: [objects],
              },
            ]),
        ...(props.extraPolicyStatements?.(this.bucket.arn) ?? []),
      ],
    });
    // S3 refuses concurrent changes to one bucket's access settings (OperationAborted).
    new S3BucketPolicy(this, 'policy', { bucket, policy: bucketPolicy.json, dependsOn: [publicAccess] });

    if (locked) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        bucket,
        objectLockEnabled: 'Enabled',
        rule: { defaultRetention: { mode: props.objectLockMode ?? 'GOVERNANCE', days: props.objectLockDays } },
        dependsOn: [versioning],
      });
    }
  }
}

/**
 * The guards every bucket of a member stack carries, in one place: S3's public access block
 * with all four switches on (S3 user guide, "Blocking public access to your Amazon S3
 * storage") and the bucket policy statement that refuses plain HTTP (S3 user guide, "Security
 * best practices for Amazon S3": enforce encryption of data in transit).
 */
import type { Construct } from 'constructs';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';

/** Blocks public ACLs and policies on the bucket (by id or name); the bucket policy must depend on it. */
export function blockPublicAccess(scope: Construct, id: string, bucket: string): S3BucketPublicAccessBlock {
  return new S3BucketPublicAccessBlock(scope, id, {
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
}

/** Denies every request to the bucket and its objects that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    principals: [{ type: '*', identifiers: ['*'] }],
    actions: ['s3:*'],
    resources: [bucketArn, `${bucketArn}/*`],
    condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  };
}

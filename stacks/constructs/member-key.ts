import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { partitionOf } from '../../lib/amb';

export interface MemberKeyProps {
  /** Account that owns the key (the member's account). */
  readonly accountId: string;
  /** Region of the key and of everything it encrypts. */
  readonly region: string;
  /** Prefix of the alias and description, e.g. `drm-royalties-bank`. */
  readonly namePrefix: string;
}

/**
 * The member stack's own customer-managed KMS key, rotated yearly: it encrypts the Fabric CA
 * admin secret, the stack's log groups, the voter's dead-letter queue and the alarm topic, so
 * that the member can revoke access and audit every use in CloudTrail.
 *
 * Key policy (AWS KMS developer guide, "Default key policy"; CloudWatch Logs user guide,
 * "Encrypt log data in CloudWatch Logs using AWS KMS"; SNS developer guide, "Configure AWS
 * KMS permissions for AWS services"; EventBridge user guide, "Encrypting dead-letter
 * queues"): the owner account administers it through IAM, CloudWatch Logs may use it for
 * this account's log groups only, and CloudWatch alarms and EventBridge may use it on behalf
 * of this account only. The admin secret outlives every deploy, so the key cannot be destroyed
 * by Terraform either.
 */
export class MemberKey extends Construct {
  /** The key. */
  public readonly key: KmsKey;
  /** Its ARN, for `kms_key_id` and `kms_master_key_id` fields and for IAM statements. */
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: MemberKeyProps) {
    super(scope, id);
    const { accountId, region } = props;
    const partition = partitionOf(region);
    const sameAccount = { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] };
    const policy = new DataAwsIamPolicyDocument(this, 'policy', {
      statement: [
        {
          sid: 'OwnerAccountAdministers',
          principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        {
          sid: 'CloudWatchLogsOfThisAccount',
          principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
          resources: ['*'],
          condition: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: [`arn:${partition}:logs:${region}:${accountId}:log-group:*`] }],
        },
        {
          sid: 'AlarmsAndEventsOfThisAccount',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] }],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          condition: [sameAccount],
        },
      ],
    });
    this.key = new KmsKey(this, 'key', {
      description: `Secrets, logs, queues and alarm topic of ${props.namePrefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policy.json,
      lifecycle: { preventDestroy: true },
    });
    // Alias names allow letters, digits, slash, underscore and hyphen only.
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix.replace(/[^A-Za-z0-9/_-]/g, '-')}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}

import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import type { LedgerArchive as LedgerArchiveConfig } from '../../lib/config';
import { memberBucketNameOf } from '../../lib/offchain-bucket';
import { archiveBundle } from '../archive/bundle';
import { OffchainStore } from './offchain-store';
import { fileAsset } from '../file-asset';

/** Where the Fabric client keeps the archive command between runs. */
export const ARCHIVE_TOOL_DIR = '/opt/amb-archive';

/** SSM Run Command's detail-type for a finished command invocation (Systems Manager user guide, "Monitoring Systems Manager events with Amazon EventBridge"). */
export const COMMAND_INVOCATION_EVENT = 'EC2 Command Invocation Status-change Notification';

export interface LedgerArchiveProps {
  /** AMB member name of the owner. */
  readonly memberName: string;
  /** Consortium network name; part of the bucket name. */
  readonly networkName: string;
  /** Account that owns the archive (the member's). */
  readonly accountId: string;
  readonly region: string;
  /** The member's archive settings (schedule, Object Lock, auditors). */
  readonly archive: LedgerArchiveConfig;
  /** The Fabric client that runs the archive: it has the peer CLI and the member admin's MSP. */
  readonly clientInstanceId: string;
  /** Name of the client's IAM role, granted what the archive run needs. */
  readonly clientRoleName: string;
  /** Prefix of resource names, e.g. `drm-royalties-bank`. */
  readonly namePrefix: string;
  /**
   * SNS topic the failure alarm notifies (the stack's alarm topic).
   * @default the alarm only changes state
   */
  readonly alarmTopicArn?: string;
}

/**
 * The member's ledger archive: a versioned, KMS-encrypted bucket under Object Lock that
 * neither Terraform nor anyone else can empty, and an SSM State Manager association that
 * runs `archive` on the member's Fabric client on a schedule; a failed run sets off an alarm.
 *
 * Why State Manager on the client: only the client holds the peer CLI, the member admin's
 * MSP and a route to the member's peers; the schedule, its history and each run's output are
 * visible in Systems Manager and changed by a deploy, with no change to the instance; a
 * failed run emits an EventBridge event the alarm counts. A systemd timer would hide all
 * of that inside the instance; a Lambda function would need its own copy of the admin's
 * key and the peer CLI, and stops at 15 minutes, less than a first copy of a large ledger.
 */
export class LedgerArchive extends Construct {
  /** The archive bucket and its key. */
  public readonly store: OffchainStore;
  /** The schedule that runs the archive on the Fabric client; absent when archive.enabled is false. */
  public readonly association?: SsmAssociation;
  /** In ALARM when a scheduled run failed, timed out or was cancelled; absent when archive.enabled is false. */
  public readonly failureAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: LedgerArchiveProps) {
    super(scope, id);
    const { archive } = props;
    const blocksOf = (bucketArn: string) => `${bucketArn}/channels/*/blocks/*`;

    this.store = new OffchainStore(this, 'bucket', {
      purpose: 'archive',
      contentDescription: 'Fabric block archive',
      memberName: props.memberName,
      networkName: props.networkName,
      accountId: props.accountId,
      region: props.region,
      readerAccounts: archive.auditorAccounts,
      objectLockDays: archive.objectLockDays,
      objectLockMode: archive.objectLockMode,
      extraPolicyStatements: (bucketArn) => [
        {
          // An archived block is never rewritten: S3 refuses a block write that is not
          // conditional on the key being absent (S3 user guide, "Enforce conditional writes").
          sid: 'BlocksAreWrittenOnce',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:PutObject'],
          resources: [blocksOf(bucketArn)],
          condition: [{ test: 'Null', variable: 's3:if-none-match', values: ['true'] }],
        },
      ],
    });
    const bucket = this.store.bucket;

    // Turning the archive off stops the runs; the bucket and its blocks stay.
    if (!archive.enabled) return;

    // The command's code is not evidence: it lives in its own small bucket, outside Object Lock.
    const toolBucketName = memberBucketNameOf('archiver', props.networkName, props.memberName, props.accountId);
    const toolBucket = new S3Bucket(this, 'tool-bucket', { bucket: toolBucketName, forceDestroy: true, tags: { Name: toolBucketName } });
    const toolPublicAccess = new S3BucketPublicAccessBlock(this, 'tool-public-access', {
      bucket: toolBucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const toolPolicy = new DataAwsIamPolicyDocument(this, 'tool-bucket-policy', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [toolBucket.arn, `${toolBucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    // S3 refuses concurrent changes to one bucket's access settings (OperationAborted).
    new S3BucketPolicy(this, 'tool-policy', { bucket: toolBucket.id, policy: toolPolicy.json, dependsOn: [toolPublicAccess] });
    new S3BucketServerSideEncryptionConfigurationA(this, 'tool-encryption', { bucket: toolBucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
    const bundle = archiveBundle();
    const asset = fileAsset(this, 'tool-asset', bundle.path);
    const toolKey = `archive-${bundle.sha256.slice(0, 32)}.js`;
    const tool = new S3Object(this, 'tool', { bucket: toolBucket.id, key: toolKey, source: asset.path, sourceHash: bundle.sha256 });

    const permissions = new DataAwsIamPolicyDocument(this, 'client-permissions', {
      statement: [
        { sid: 'ListArchive', actions: ['s3:ListBucket'], resources: [bucket.arn] },
        { sid: 'ReadArchive', actions: ['s3:GetObject'], resources: [`${bucket.arn}/channels/*`] },
        { sid: 'AppendBlocksAndManifests', actions: ['s3:PutObject'], resources: [blocksOf(bucket.arn), `${bucket.arn}/channels/*/manifest.json`] },
        { sid: 'UseArchiveKey', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.store.key.arn] },
        { sid: 'ReadArchiveCommand', actions: ['s3:GetObject'], resources: [`${toolBucket.arn}/${toolKey}`] },
      ],
    });
    new IamRolePolicy(this, 'client-policy', { name: 'ledger-archive', role: props.clientRoleName, policy: permissions.json });

    const documentName = `${props.namePrefix}-ledger-archive`.slice(0, 128);
    const document = new SsmDocument(this, 'document', {
      name: documentName,
      documentType: 'Command',
      documentFormat: 'JSON',
      content: JSON.stringify(
        {
          schemaVersion: '2.2',
          description: `Archive every channel of ${props.memberName} into s3://${this.store.bucketName} (npm run archive)`,
          mainSteps: [
            {
              action: 'aws:runShellScript',
              name: 'archive',
              inputs: {
                timeoutSeconds: '10800',
                runCommand: archiveRunScript({
                  member: props.memberName,
                  bucket: this.store.bucketName,
                  region: props.region,
                  toolUri: `s3://${toolBucketName}/${toolKey}`,
                }),
              },
            },
          ],
        },
        null,
        2,
      ),
      dependsOn: [tool],
    });

    // The agent's side of State Manager, which the client's Session Manager and Run Command
    // policy leaves out: the actions AmazonSSMManagedInstanceCore grants for associations.
    const agent = new DataAwsIamPolicyDocument(this, 'agent-permissions', {
      statement: [
        {
          sid: 'StateManagerAssociations',
          actions: ['ssm:ListInstanceAssociations', 'ssm:DescribeAssociation', 'ssm:UpdateInstanceAssociationStatus', 'ssm:PutComplianceItems'],
          resources: ['*'],
        },
        { sid: 'ReadArchiveDocument', actions: ['ssm:GetDocument', 'ssm:DescribeDocument'], resources: [document.arn] },
      ],
    });
    new IamRolePolicy(this, 'agent-policy', { name: 'ledger-archive-schedule', role: props.clientRoleName, policy: agent.json });

    this.association = new SsmAssociation(this, 'schedule', {
      name: document.name,
      associationName: `${props.namePrefix}-ledger-archive`.slice(0, 128),
      scheduleExpression: archive.schedule,
      targets: [{ key: 'InstanceIds', values: [props.clientInstanceId] }],
      complianceSeverity: 'HIGH',
      maxConcurrency: '1',
      maxErrors: '0',
    });

    const rule = new CloudwatchEventRule(this, 'failed-runs', {
      name: `${props.namePrefix}-archive-failed`.slice(0, 64),
      description: `Failed, timed-out or cancelled archive runs of ${props.memberName}`,
      eventPattern: JSON.stringify({
        source: ['aws.ssm'],
        'detail-type': [COMMAND_INVOCATION_EVENT],
        detail: { 'document-name': [documentName], status: ['Failed', 'TimedOut', 'Cancelled'] },
      }),
    });
    const actions = props.alarmTopicArn ? [props.alarmTopicArn] : [];
    this.failureAlarm = new CloudwatchMetricAlarm(this, 'failure-alarm', {
      alarmName: `${props.namePrefix}-archive-failed`,
      alarmDescription: `The ledger archive of ${props.memberName} failed: read the run's output in Systems Manager (association ${props.namePrefix}-ledger-archive), fix the cause, then run it again. A FORK message means: keep the bucket as it is and compare with another member's archive.`,
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensions: { RuleName: rule.name },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: actions,
      okActions: actions,
    });
  }
}

/**
 * The shell lines SSM runs on the client as root: the peer CLI environment the client's
 * setup wrote, Node.js from Amazon Linux's packages, the bundled command, one run. Nothing
 * secret: the admin's key stays in its MSP folder on the instance.
 */
export function archiveRunScript(values: { member: string; bucket: string; region: string; toolUri: string }): string[] {
  const tool = `${ARCHIVE_TOOL_DIR}/${values.toolUri.split('/').pop()}`;
  return [
    'set -euo pipefail',
    'if [ ! -f /etc/profile.d/fabric.sh ]; then echo "the Fabric client setup has not finished: run sudo /usr/local/sbin/fabric-client-setup" >&2; exit 1; fi',
    'source /etc/profile.d/fabric.sh',
    'NODE=$(command -v node-20 || command -v node || true)',
    'if [ -z "$NODE" ]; then dnf install -y -q nodejs20 && NODE=$(command -v node-20 || command -v node); fi',
    `mkdir -p ${ARCHIVE_TOOL_DIR}`,
    `if [ ! -f ${tool} ]; then aws s3 cp --only-show-errors --region ${values.region} ${values.toolUri} ${tool}.part && mv ${tool}.part ${tool}; fi`,
    `exec "$NODE" ${tool} --member ${values.member} --bucket ${values.bucket} --region ${values.region}`,
  ];
}

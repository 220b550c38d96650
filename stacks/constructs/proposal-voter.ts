import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { partitionOf } from '../../lib/amb';
import type { Consortium, Member } from '../../lib/config';
import { voterPackage } from '../voter/bundle';
import type { VoterSettings } from '../voter/handler';
import { fileAsset } from '../file-asset';

/**
 * AMB's EventBridge reference calls the event "Proposal Status Change"; its developer guide
 * has said "Proposal State Change". The rule matches both.
 */
export const PROPOSAL_EVENT_TYPES = ['Managed Blockchain Proposal State Change', 'Managed Blockchain Proposal Status Change'];

/**
 * The newest Node.js runtime hashicorp/aws 5.100.0 accepts: its `runtime` validation list
 * ends at nodejs22.x (`terraform validate` refuses nodejs24.x). Move on with the provider.
 */
export const VOTER_RUNTIME = 'nodejs22.x';

export interface ProposalVoterProps {
  readonly consortium: Consortium;
  /** The member whose vote it casts, by the rules in its YAML. */
  readonly member: Member;
  /** What the voter reads at run time, built from the consortium as written (not Terraform-escaped). */
  readonly settings: VoterSettings;
  /** AMB network id (a Terraform reference for the founder). */
  readonly networkId: string;
  /** AMB member id of this member (from its ledger stack). */
  readonly memberId: string;
  /** Prefix of resource names, e.g. `drm-royalties-bank`. */
  readonly namePrefix: string;
  /** ARN of the member stack's KMS key, which encrypts the voter's logs and dead-letter queue. */
  readonly keyArn: string;
  /** SNS topic both alarms notify, on alarm and back to OK. */
  readonly alarmTopicArn: string;
  /**
   * Days the voter's logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
}

/**
 * Votes on proposals for the member as soon as they appear: a Lambda run by AMB's proposal
 * events and by a catch-up schedule, with retries, a dead-letter queue and an error alarm.
 */
export class ProposalVoter extends Construct {
  /** The voting function. */
  public readonly function: LambdaFunction;
  /** Where events that failed every retry end up. */
  public readonly deadLetterQueue: SqsQueue;
  /** Alarm on any failed run. */
  public readonly errorAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ProposalVoterProps) {
    super(scope, id);
    const { consortium, member, namePrefix } = props;
    const region = consortium.network.region;
    const partition = partitionOf(region);
    const functionName = `${namePrefix}-voter`.slice(0, 64);
    const alarmActions = [props.alarmTopicArn];

    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.keyArn,
    });
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: `${functionName}-dlq`,
      kmsMasterKeyId: props.keyArn,
      messageRetentionSeconds: 14 * 24 * 3600,
    });

    const role = new IamRole(this, 'role', {
      name: `${functionName}`.slice(0, 64),
      assumeRolePolicy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: [
        {
          sid: 'ReadNetwork',
          actions: ['managedblockchain:ListProposals', 'managedblockchain:ListMembers'],
          resources: [`arn:${partition}:managedblockchain:${region}::networks/${props.networkId}`],
        },
        {
          // Proposal ARNs carry neither account nor network id: this is as narrow as IAM allows.
          sid: 'VoteOnProposals',
          actions: ['managedblockchain:GetProposal', 'managedblockchain:ListProposalVotes', 'managedblockchain:VoteOnProposal'],
          resources: [`arn:${partition}:managedblockchain:${region}::proposals/*`],
        },
        { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
        { sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
        // SQS encrypts each message with a data key of the queue's KMS key, in the sender's name.
        { sid: 'EncryptDeadLetters', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.keyArn] },
      ],
    });
    new IamRolePolicy(this, 'policy', { role: role.id, name: 'vote-on-proposals', policy: permissions.json });

    const asset = fileAsset(this, 'package', voterPackage(props.settings));
    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: `Votes on AMB proposals for ${member.name} by the rules in ${member.name}.yaml`,
      role: role.arn,
      runtime: VOTER_RUNTIME,
      // Two voters racing on one proposal gain nothing: AMB takes one vote per member.
      reservedConcurrentExecutions: 1,
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      timeout: 120,
      memorySize: 256,
      environment: { variables: { NETWORK_ID: props.networkId, MEMBER_ID: props.memberId } },
      deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      dependsOn: [logGroup],
    });
    new LambdaFunctionEventInvokeConfig(this, 'retries', {
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
    });

    const onProposal = new CloudwatchEventRule(this, 'on-proposal', {
      name: `${functionName}-on-proposal`,
      description: `AMB proposal events of network ${consortium.network.name}`,
      eventPattern: Fn.jsonencode({ source: ['aws.managedblockchain'], 'detail-type': PROPOSAL_EVENT_TYPES, detail: { networkId: [props.networkId] } }),
    });
    const catchUp = new CloudwatchEventRule(this, 'catch-up', {
      name: `${functionName}-catch-up`,
      description: 'Votes on anything an event missed',
      scheduleExpression: member.voting.schedule,
    });
    for (const [name, rule] of [['on-proposal', onProposal], ['catch-up', catchUp]] as const) {
      new CloudwatchEventTarget(this, `${name}-target`, {
        rule: rule.name,
        arn: this.function.arn,
        retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 6 * 3600 },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      });
      new LambdaPermission(this, `${name}-invoke`, {
        statementId: `invoke-from-${name}`,
        action: 'lambda:InvokeFunction',
        functionName: this.function.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      });
    }
    const queuePolicy = new DataAwsIamPolicyDocument(this, 'dlq-policy-document', {
      statement: [
        {
          sid: 'UndeliverableEvents',
          principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
          actions: ['sqs:SendMessage'],
          resources: [this.deadLetterQueue.arn],
          condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [onProposal.arn, catchUp.arn] }],
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['sqs:*'],
          resources: [this.deadLetterQueue.arn],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    new SqsQueuePolicy(this, 'dlq-policy', { queueUrl: this.deadLetterQueue.url, policy: queuePolicy.json });

    const alarm = (alarmId: string, metric: { namespace: string; metricName: string; dimensions: Record<string, string>; statistic: string }, description: string) =>
      new CloudwatchMetricAlarm(this, alarmId, {
        ...metric,
        alarmName: `${functionName}-${alarmId}`,
        alarmDescription: description,
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        alarmActions,
        okActions: alarmActions,
      });
    this.errorAlarm = alarm(
      'errors',
      { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: this.function.functionName }, statistic: 'Sum' },
      `The AMB voter of ${member.name} failed; see log group ${logGroup.name}`,
    );
    alarm(
      'dead-letters',
      { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: this.deadLetterQueue.name }, statistic: 'Maximum' },
      `Proposal events the AMB voter of ${member.name} could not handle; inspect queue ${functionName}-dlq`,
    );
  }
}

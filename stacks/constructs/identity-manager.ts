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
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { AMB_ARNS, partitionOf, tlsChainObject } from '../../lib/amb';
import type { Consortium, Member } from '../../lib/config';
import { identityManagerFunctionName, identitySecretName } from '../../lib/identities/names';
import { identityManagerPackage, identityManagerSettings } from '../identity-manager/bundle';
import { VOTER_RUNTIME } from './proposal-voter';
import { fileAsset } from '../file-asset';


export interface IdentityManagerProps {
  readonly consortium: Consortium;
  /** The member whose `identities:` it keeps. */
  readonly member: Member;
  /** AMB network id (a Terraform reference for the founder). */
  readonly networkId: string;
  /** AMB member id (from the ledger stack). */
  readonly memberId: string;
  /** ARN of the secret holding the CA admin's user name and password. */
  readonly adminSecretArn: string;
  /** The stack's customer-managed KMS key: identity secrets, the admin secret and the log group. */
  readonly keyArn: string;
  /** SNS topic the failure alarm notifies. */
  readonly alarmTopicArn: string;
  /** Private subnets with a route to AWS APIs (NAT gateway) and to the AMB VPC endpoint. */
  readonly subnetIds: string[];
  /** A security group the AMB endpoint admits (the Fabric client group). */
  readonly securityGroupId: string;
  /**
   * Days the manager's logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
}

/**
 * Keeps the member's application identities at its Fabric CA: a Lambda in the member's VPC
 * that reaches the CA through the AMB endpoint (TLS verified against AMB's chain), runs on
 * every deploy that changes the identities or its code and on a schedule (renewal), and
 * writes each identity's key and certificate to a secret of its own under the stack's KMS
 * key. Any failed run raises an alarm.
 */
export class IdentityManager extends Construct {
  public readonly function: LambdaFunction;
  /** One secret per identity (removed ones included: their last key stays retrievable), by identity name. */
  public readonly secrets: Readonly<Record<string, SecretsmanagerSecret>>;
  /** Alarm on any failed run. */
  public readonly errorAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: IdentityManagerProps) {
    super(scope, id);
    const { consortium, member } = props;
    const region = consortium.network.region;
    const partition = partitionOf(region);
    const functionName = identityManagerFunctionName(consortium, member);

    const secrets: Record<string, SecretsmanagerSecret> = {};
    for (const identity of member.identities) {
      secrets[identity.name] = new SecretsmanagerSecret(this, `secret-${identity.name.replace(/[^A-Za-z0-9_-]/g, '_')}`, {
        name: identitySecretName(consortium.network.name, member.name, identity.name),
        description: `Private key and certificate of Fabric identity ${identity.name} of ${member.name}; written by ${functionName}`,
        kmsKeyId: props.keyArn,
        recoveryWindowInDays: 30,
        // A private key held here may be the only copy: no deploy removes it.
        lifecycle: { preventDestroy: true },
      });
    }
    this.secrets = secrets;

    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/aws/lambda/${functionName}`, retentionInDays: props.logRetentionDays ?? 90, kmsKeyId: props.keyArn });
    const role = new IamRole(this, 'role', {
      name: functionName,
      assumeRolePolicy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    const tlsChain = tlsChainObject(region);
    const secretArns = Object.values(secrets).map((secret) => secret.arn);
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: [
        { sid: 'ReadCaEndpoint', actions: ['managedblockchain:GetMember'], resources: [AMB_ARNS.member(region, member.accountId, props.memberId)] },
        { sid: 'ReadAmbTlsChain', actions: ['s3:GetObject'], resources: [`arn:${partition}:s3:::${tlsChain.bucket}/${tlsChain.key}`] },
        { sid: 'ReadCaAdmin', actions: ['secretsmanager:GetSecretValue'], resources: [props.adminSecretArn] },
        ...(secretArns.length > 0 ? [{ sid: 'KeepIdentitySecrets', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resources: secretArns }] : []),
        {
          // Secrets Manager decrypts and encrypts with the stack key in the caller's name; nothing else may use it through this role.
          sid: 'StackKeyThroughSecretsManager',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.keyArn],
          condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`secretsmanager.${region}.amazonaws.com`] }],
        },
        { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.arn}:*`] },
        {
          // What Lambda needs to place the function in the VPC (AWSLambdaVPCAccessExecutionRole); EC2 grants these on no narrower resource.
          sid: 'VpcNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: ['*'],
        },
      ],
    });
    const policy = new IamRolePolicy(this, 'policy', { role: role.id, name: 'keep-fabric-identities', policy: permissions.json });

    const asset = fileAsset(this, 'package', identityManagerPackage(identityManagerSettings(consortium, member)));
    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: `Registers, enrolls and renews the Fabric identities in ${member.name}.yaml`,
      role: role.arn,
      runtime: VOTER_RUNTIME,
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      timeout: 300,
      memorySize: 512,
      // One run at a time: two runs would both re-enroll an identity and race on its secret.
      reservedConcurrentExecutions: 1,
      vpcConfig: { subnetIds: props.subnetIds, securityGroupIds: [props.securityGroupId] },
      environment: { variables: { NETWORK_ID: props.networkId, MEMBER_ID: props.memberId, ADMIN_SECRET_ARN: props.adminSecretArn } },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      dependsOn: [logGroup, policy],
    });
    new LambdaFunctionEventInvokeConfig(this, 'retries', { functionName: this.function.functionName, maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 });

    const schedule = new CloudwatchEventRule(this, 'schedule', {
      name: `${functionName}-renewal`.slice(0, 64),
      description: `Renews ${member.name}'s Fabric certificates ${member.identityRenewal.renewBeforeDays} days before they expire`,
      scheduleExpression: member.identityRenewal.schedule,
    });
    new CloudwatchEventTarget(this, 'schedule-target', { rule: schedule.name, arn: this.function.arn });
    new LambdaPermission(this, 'schedule-invoke', {
      statementId: 'invoke-from-schedule',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: schedule.arn,
    });

    // Runs during the deploy whenever the identities or the code change; a failed run fails
    // the deploy. Its result (names, actions, dates, secret names: no key) is kept in the state.
    new LambdaInvocation(this, 'on-deploy', {
      functionName: this.function.functionName,
      input: Fn.jsonencode({ source: 'deploy' }),
      triggers: { package: this.function.sourceCodeHash, secrets: Fn.join(',', secretArns) },
      dependsOn: Object.values(secrets),
    });

    this.errorAlarm = new CloudwatchMetricAlarm(this, 'errors', {
      alarmName: `${functionName}-errors`,
      alarmDescription: `The Fabric identity manager of ${member.name} failed: an identity may not be registered, enrolled or renewed; see log group ${logGroup.name}`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: this.function.functionName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    });
  }
}

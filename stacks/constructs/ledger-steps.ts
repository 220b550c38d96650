import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { partitionOf } from '../../lib/amb';
import { blockPublicAccess, denyInsecureTransport } from '../bucket-guards';
import { clientParameterNameOf, commandPolicyNameOf, RUN_SHELL_DOCUMENT, STEP_OBJECT_DAYS, STEP_OBJECTS, stepBucketNameOf, stepPrefixOf } from '../../lib/fabric/step-bucket';

export interface LedgerStepsProps {
  /** AMB member name of the owner; part of the bucket and parameter names. */
  readonly memberName: string;
  /** Consortium network name; part of the bucket and parameter names. */
  readonly networkName: string;
  /** Account of the member (owner of the bucket, the client and the key). */
  readonly accountId: string;
  readonly region: string;
  /** The member's Fabric client, where the steps run. */
  readonly clientInstanceId: string;
  /** Name of the client's IAM role, granted its own prefix of the bucket. */
  readonly clientRoleName: string;
  /** The stack's KMS key, which encrypts the bucket. */
  readonly keyArn: string;
}

/**
 * What `npm run msp|channel|chaincode -- --member M` needs to run its steps on M's Fabric
 * client through SSM Run Command (`AWS-RunShellScript`), without SSH:
 * - the step bucket: the command uploads each step's bundle, the client writes back the
 *   step's result and stderr, because GetCommandInvocation returns only the first 24,000
 *   characters of stdout (Systems Manager API reference, "GetCommandInvocation"). Step
 *   objects are transient (the command deletes them once read, S3 expires what a killed
 *   run left after a day), so the bucket is not versioned: a version history would only
 *   keep deleted bundles. It is encrypted with the stack's key, refuses plain HTTP and
 *   blocks public access;
 * - the client's right to read bundles and write results under its own prefix
 *   (`steps/<instance id>/`) and nowhere else;
 * - an SSM parameter holding the client's instance id, which the command reads;
 * - the managed policy `<prefix>-ledger-steps` with what the command side needs: SendCommand
 *   with AWS-RunShellScript on this client only, the bucket under this client's prefix, the
 *   key through S3, the parameter. The stack does not own the roles that run the commands
 *   (the pipeline's governance role, a person's role): the member attaches the policy to them.
 */
export class LedgerSteps extends Construct {
  /** The step bucket. */
  public readonly bucket: S3Bucket;
  /** Its name, `<network>-<member>-steps-<account>`; the commands derive the same. */
  public readonly bucketName: string;
  /** The parameter holding the client's instance id. */
  public readonly parameter: SsmParameter;
  /** The managed policy the roles that run the ledger commands attach. */
  public readonly commandPolicy: IamPolicy;

  constructor(scope: Construct, id: string, props: LedgerStepsProps) {
    super(scope, id);
    const { region, accountId } = props;
    const partition = partitionOf(region);
    this.bucketName = stepBucketNameOf(props.networkName, props.memberName, accountId);

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: this.bucketName,
      // Step objects live minutes; nothing in the bucket outlives a run.
      forceDestroy: true,
      tags: { Name: this.bucketName },
    });
    const bucket = this.bucket.id;
    const publicAccess = blockPublicAccess(this, 'public-access', bucket);
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.keyArn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-step-objects',
          status: 'Enabled',
          filter: [{ prefix: 'steps/' }],
          expiration: [{ days: STEP_OBJECT_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: STEP_OBJECT_DAYS }],
        },
      ],
    });
    const bucketPolicy = new DataAwsIamPolicyDocument(this, 'bucket-policy', {
      statement: [
        denyInsecureTransport(this.bucket.arn),
      ],
    });
    // S3 refuses concurrent changes to one bucket's access settings (OperationAborted).
    new S3BucketPolicy(this, 'policy', { bucket, policy: bucketPolicy.json, dependsOn: [publicAccess] });

    const runs = `${this.bucket.arn}/${stepPrefixOf(props.clientInstanceId)}/*`;
    const objectOfEveryRun = (name: string) => `${runs}/${name}`;
    const useKeyThroughS3: DataAwsIamPolicyDocumentStatement = {
      sid: 'UseStackKeyThroughS3',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [props.keyArn],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${region}.amazonaws.com`] }],
    };

    const client = new DataAwsIamPolicyDocument(this, 'client-permissions', {
      statement: [
        { sid: 'ReadStepBundles', actions: ['s3:GetObject'], resources: [objectOfEveryRun(STEP_OBJECTS.bundle)] },
        { sid: 'WriteStepResults', actions: ['s3:PutObject'], resources: [objectOfEveryRun(STEP_OBJECTS.result), objectOfEveryRun(STEP_OBJECTS.log)] },
        useKeyThroughS3,
      ],
    });
    new IamRolePolicy(this, 'client-policy', { name: 'ledger-steps', role: props.clientRoleName, policy: client.json });

    const parameterName = clientParameterNameOf(props.networkName, props.memberName);
    this.parameter = new SsmParameter(this, 'client-instance-id', {
      name: parameterName,
      description: `Fabric client of ${props.memberName} where npm run msp, channel and chaincode run their steps`,
      type: 'String',
      // An instance id, not a secret: insecure_value keeps it readable in plans.
      insecureValue: props.clientInstanceId,
    });

    const command = new DataAwsIamPolicyDocument(this, 'command-permissions', {
      statement: [
        {
          sid: 'FindFabricClient',
          actions: ['ssm:GetParameter'],
          resources: [`arn:${partition}:ssm:${region}:${accountId}:parameter${parameterName}`],
        },
        {
          // SendCommand is authorised on the document and on each target instance
          // (Service Authorization Reference, "Actions defined by AWS Systems Manager").
          sid: 'RunShellOnOwnFabricClientOnly',
          actions: ['ssm:SendCommand'],
          resources: [`arn:${partition}:ssm:${region}::document/${RUN_SHELL_DOCUMENT}`, `arn:${partition}:ec2:${region}:${accountId}:instance/${props.clientInstanceId}`],
        },
        {
          // Neither action takes a resource narrower than `*` (same reference).
          sid: 'FollowCommandsAndCheckTheClientIsManaged',
          actions: ['ssm:GetCommandInvocation', 'ssm:DescribeInstanceInformation'],
          resources: ['*'],
        },
        // ListBucket makes a missing result a 404 rather than a 403, and lets the command check the bucket exists.
        { sid: 'FindStepBucket', actions: ['s3:ListBucket'], resources: [this.bucket.arn] },
        { sid: 'WriteStepBundles', actions: ['s3:PutObject'], resources: [objectOfEveryRun(STEP_OBJECTS.bundle)] },
        { sid: 'ReadStepResults', actions: ['s3:GetObject'], resources: [objectOfEveryRun(STEP_OBJECTS.result), objectOfEveryRun(STEP_OBJECTS.log)] },
        { sid: 'DeleteFinishedRuns', actions: ['s3:DeleteObject'], resources: [runs] },
        useKeyThroughS3,
      ],
    });
    this.commandPolicy = new IamPolicy(this, 'command-policy', {
      name: commandPolicyNameOf(props.networkName, props.memberName),
      description: `Run npm run msp, channel and chaincode on the Fabric client of ${props.memberName} through SSM; attach to the roles that run them`,
      policy: command.json,
    });
  }
}

/**
 * Finds a member's Fabric client on AWS and builds the SSM transport to it, checking on the
 * way what an operator would otherwise learn from a step that hangs or a bare AccessDenied:
 * the member has a client (it has joined), its stack recorded the client (the SSM parameter
 * `clientParameterNameOf`), Systems Manager manages it and it is online, and the step bucket
 * exists. Every failure is an OperationalError (exit 1) that says what to do.
 */
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeInstanceInformationCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { retryOptions, retryPolicyFromEnvironment } from '../amb-client';
import type { Member } from '../config';
import { OperationalError, UsageError } from '../errors';
import { deployCommand } from '../members';
import { s3EndpointOverride } from '../offchain';
import { clientParameterNameOf, commandPolicyNameOf, stepBucketNameOf, stepPrefixOf } from './step-bucket';
import { SsmTransport } from './ssm-transport';
import type { StepRequest, StepTransport } from './transport';

/** Where a member's steps run on AWS. */
export interface FabricClientTarget {
  readonly instanceId: string;
  /** The step bucket, `<network>-<member>-steps-<account>`. */
  readonly bucket: string;
  /** Key prefix of this client's runs, `steps/<instance id>`. */
  readonly prefix: string;
  readonly region: string;
}

export interface SsmClients {
  readonly ssm: SSMClient;
  readonly s3: S3Client;
}

/**
 * SSM and S3 clients in the region, with the bounded retries of every command (AWS_MAX_ATTEMPTS
 * honoured); endpoints as the SDK reads them (AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL_S3).
 * @throws UsageError when AWS_MAX_ATTEMPTS is invalid.
 */
export function createSsmClients(region: string, env: NodeJS.ProcessEnv = process.env): SsmClients {
  const retry = retryOptions(retryPolicyFromEnvironment(env));
  return {
    ssm: new SSMClient({ region, ...retry }),
    // Emulators such as moto only route path-style requests.
    s3: new S3Client({ region, forcePathStyle: s3EndpointOverride(env) !== undefined, ...retry }),
  };
}

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const denied = (error: unknown) => (error as SdkError).name === 'AccessDeniedException' || (error as SdkError).name === 'AccessDenied' || (error as SdkError).$metadata?.httpStatusCode === 403;

/** What to do when SSM or S3 refuses the caller: attach the stack's policy. */
function accessAdvice(networkName: string, member: Member): string {
  return `use credentials of account ${member.accountId} whose role has the managed policy ${commandPolicyNameOf(networkName, member.name)} attached (output ledger_steps_policy_arn of ${member.name}'s stack; the governance pipeline role needs it)`;
}

/** An SSM or S3 failure as an OperationalError naming the service, the call and what to do. */
export function explainSsmFailure(error: unknown, call: string, networkName: string, member: Member): unknown {
  if (error instanceof OperationalError || error instanceof UsageError) return error;
  const sdk = error as SdkError;
  if (denied(error)) return new OperationalError(`${call} was refused (${sdk.name}: ${sdk.message ?? ''}): ${accessAdvice(networkName, member)}`, { cause: error });
  if (sdk.$metadata !== undefined) return new OperationalError(`${call} failed (${sdk.name}: ${sdk.message ?? ''}); re-run (the command is safe to re-run) or run it on the Fabric client with --local`, { cause: error });
  return error;
}

/**
 * Finds and checks the member's Fabric client. Errors: UsageError when the member has not
 * joined (its stack has no client); OperationalError when the stack has not recorded the
 * client, Systems Manager does not manage it or it is not online, or the step bucket is
 * missing or closed to these credentials.
 */
export async function findFabricClient(networkName: string, region: string, member: Member, clients: SsmClients): Promise<FabricClientTarget> {
  if (!member.joined) {
    throw new UsageError(`${member.file}: ${member.name} has not joined the network yet, so its stack has no Fabric client to run the steps on; accept its invitation (npm run accept-invitation -- --member ${member.name}) and deploy first`);
  }
  const deploy = `deploy ${member.name}'s stack (${deployCommand(member.name)}), which creates the Fabric client, the step bucket and this record, or run the command on the Fabric client itself with --local`;
  const parameter = clientParameterNameOf(networkName, member.name);
  let instanceId: string | undefined;
  try {
    instanceId = (await clients.ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value;
  } catch (error) {
    if ((error as SdkError).name !== 'ParameterNotFound') throw explainSsmFailure(error, `SSM GetParameter ${parameter}`, networkName, member);
  }
  if (!instanceId) throw new OperationalError(`${member.name}'s stack has not recorded a Fabric client in account ${member.accountId}, ${region} (no SSM parameter ${parameter}): ${deploy}`);

  let information;
  try {
    information = (await clients.ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }))).InstanceInformationList ?? [];
  } catch (error) {
    throw explainSsmFailure(error, `SSM DescribeInstanceInformation ${instanceId}`, networkName, member);
  }
  const managed = information.find((candidate) => candidate.InstanceId === instanceId);
  if (!managed) {
    throw new OperationalError(
      `${member.name}'s Fabric client ${instanceId} is not managed by Systems Manager: check that it is running (aws ec2 describe-instances --instance-ids ${instanceId}), that its instance profile is the stack's, and that it reaches the ssm, ssmmessages and ec2messages endpoints; then re-run`,
    );
  }
  if (managed.PingStatus !== 'Online') {
    throw new OperationalError(
      `${member.name}'s Fabric client ${instanceId} is ${managed.PingStatus ?? 'not online'} in Systems Manager (last seen ${managed.LastPingDateTime?.toISOString() ?? 'never'}): start the instance or restart its SSM Agent (sudo systemctl restart amazon-ssm-agent), then re-run`,
    );
  }

  const bucket = stepBucketNameOf(networkName, member.name, member.accountId);
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: member.accountId }));
  } catch (error) {
    const status = (error as SdkError).$metadata?.httpStatusCode;
    if ((error as SdkError).name === 'NotFound' || status === 404) throw new OperationalError(`the step bucket s3://${bucket} does not exist: ${deploy}`, { cause: error });
    throw explainSsmFailure(error, `S3 HeadBucket ${bucket}`, networkName, member);
  }
  return { instanceId, bucket, prefix: stepPrefixOf(instanceId), region };
}

/** The SSM transport to the member's checked Fabric client; SDK failures of its runs explained like the checks'. */
export async function ssmTransportFor(networkName: string, region: string, member: Member, clients: SsmClients = createSsmClients(region)): Promise<StepTransport> {
  const target = await findFabricClient(networkName, region, member, clients);
  const transport = new SsmTransport({ ...clients, instanceId: target.instanceId, bucket: target.bucket, prefix: target.prefix, region });
  return {
    description: transport.description,
    async run<T>(request: StepRequest): Promise<T> {
      try {
        return await transport.run<T>(request);
      } catch (error) {
        throw explainSsmFailure(error, `step ${request.step} on ${target.instanceId}`, networkName, member);
      }
    },
  };
}

/**
 * Runs steps on the member's Fabric client through SSM Run Command (`AWS-RunShellScript`),
 * without SSH: the step's bundle goes to the member's step bucket, the command fetches it,
 * sources the client's peer CLI profile (`/etc/profile.d/fabric.sh`, written by the client's
 * boot script), runs the step, and puts `result.json` and the step's stderr back in the bucket.
 * The result is read from S3 because GetCommandInvocation returns only the first 24,000
 * characters of stdout (AWS Systems Manager docs, "GetCommandInvocation").
 */
import { randomBytes } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, SendCommandCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { OperationalError } from '../errors';
import { tarGz } from './package';
import { RUN_SHELL_DOCUMENT, STEP_OBJECTS } from './step-bucket';
import { bundleFiles, type StepRequest, type StepTransport } from './transport';

export interface SsmTransportOptions {
  readonly ssm: SSMClient;
  readonly s3: S3Client;
  /** The member's Fabric client (EC2 instance id). */
  readonly instanceId: string;
  /** The member's step bucket (bundles and results). */
  readonly bucket: string;
  /** Key prefix of step objects; the member stack lets the client use `stepPrefixOf(instanceId)` only. @default 'steps' */
  readonly prefix?: string;
  /**
   * Region of the bucket, for the AWS CLI on the client (its profile sets none).
   * @default the CLI's own (AWS_REGION, its config, or the instance's region)
   */
  readonly region?: string;
  /** Shell profile with the peer CLI environment on the client. @default '/etc/profile.d/fabric.sh' */
  readonly profile?: string;
  /** Wait between status polls, ms. @default 2000 */
  readonly pollIntervalMs?: number;
  /** Bound on one step, s (also the command's executionTimeout). @default 900 */
  readonly timeoutSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** SSM command states after which nothing changes (AWS Systems Manager docs, "Understanding command statuses"). */
const FINAL = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut', 'Cancelling']);

export class SsmTransport implements StepTransport {
  readonly description: string;

  constructor(private readonly options: SsmTransportOptions) {
    this.description = `SSM on ${options.instanceId}`;
  }

  async run<T>(request: StepRequest): Promise<T> {
    const { ssm, s3, bucket, instanceId } = this.options;
    const key = `${this.options.prefix ?? 'steps'}/${request.step}/${new Date().toISOString().replace(/[:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    const files = bundleFiles(request);
    const bundle = await tarGz(
      Object.keys(files)
        .sort()
        .map((path) => ({ path, data: files[path], executable: path.endsWith('.sh') })),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}/${STEP_OBJECTS.bundle}`, Body: bundle }));
    try {
      const timeout = this.options.timeoutSeconds ?? 900;
      const sent = await ssm.send(
        new SendCommandCommand({
          InstanceIds: [instanceId],
          DocumentName: RUN_SHELL_DOCUMENT,
          Comment: `amb-consortium step ${request.step}`,
          TimeoutSeconds: 600,
          Parameters: { commands: [stepCommand(bucket, key, request, this.options.profile ?? '/etc/profile.d/fabric.sh', this.options.region)], executionTimeout: [String(timeout)] },
        }),
      );
      const commandId = sent.Command?.CommandId;
      if (!commandId) throw new OperationalError(`SSM accepted step ${request.step} for ${instanceId} but returned no command id`);
      const status = await this.waitFor(commandId, timeout);
      if (status !== 'Success') {
        const log = await this.read(`${key}/${STEP_OBJECTS.log}`);
        throw new OperationalError(`step ${request.step} ${status.toLowerCase()} on ${instanceId} (SSM command ${commandId}): ${(log ?? 'no step log in the bucket; see the command output in the Systems Manager console').trim().slice(-4000)}`);
      }
      const result = await this.read(`${key}/${STEP_OBJECTS.result}`);
      if (result === undefined) throw new OperationalError(`step ${request.step} on ${instanceId} (SSM command ${commandId}) left no result in s3://${bucket}/${key}/`);
      return JSON.parse(result) as T;
    } finally {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: Object.values(STEP_OBJECTS).map((name) => ({ Key: `${key}/${name}` })), Quiet: true } }));
    }
  }

  private async waitFor(commandId: string, timeoutSeconds: number): Promise<string> {
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const deadline = Date.now() + (timeoutSeconds + 60) * 1000;
    for (;;) {
      try {
        const invocation = await this.options.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: this.options.instanceId }));
        if (invocation.Status && FINAL.has(invocation.Status)) return invocation.Status;
      } catch (error) {
        // Right after SendCommand the invocation may not exist yet.
        if ((error as { name?: string }).name !== 'InvocationDoesNotExist') throw error;
      }
      if (Date.now() > deadline) throw new OperationalError(`SSM command ${commandId} on ${this.options.instanceId} did not finish within ${timeoutSeconds} s; look it up in the Systems Manager console`);
      await sleep(this.options.pollIntervalMs ?? 2000);
    }
  }

  private async read(key: string): Promise<string | undefined> {
    try {
      const object = await this.options.s3.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return await object.Body?.transformToString();
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** Single-quoted for sh: every `'` closed, escaped and reopened. */
function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The shell the Run Command executes on the client, as one bash script. */
export function stepCommand(bucket: string, key: string, request: StepRequest, profile: string, region?: string): string {
  const url = (name: string) => quote(`s3://${bucket}/${key}/${name}`);
  const cp = `aws s3 cp${region ? ` --region ${quote(region)}` : ''} --only-show-errors`;
  const exports = Object.entries(request.params).map(([name, value]) => `export ${name}=${quote(value)}`);
  const script = [
    'set -euo pipefail',
    'work=$(mktemp -d)',
    'trap \'rm -rf "$work"\' EXIT',
    'cd "$work"',
    `${cp} ${url(STEP_OBJECTS.bundle)} bundle.tgz`,
    'tar -xzf bundle.tgz',
    `if [ ! -f ${quote(profile)} ]; then echo ${quote(`the Fabric client setup has not finished (no ${profile}): run sudo /usr/local/sbin/fabric-client-setup on the client, then re-run`)} >step.log; ${cp} step.log ${url(STEP_OBJECTS.log)}; exit 1; fi`,
    `set +u; . ${quote(profile)}; set -u`,
    'export RESULT_FILE="$work/result.json"',
    ...exports,
    'status=0',
    `bash steps/${request.step}.sh 2>step.log || status=$?`,
    `${cp} step.log ${url(STEP_OBJECTS.log)}`,
    `if [ -f result.json ]; then ${cp} result.json ${url(STEP_OBJECTS.result)}; fi`,
    'exit "$status"',
  ].join('\n');
  return `bash -c ${quote(script)}`;
}

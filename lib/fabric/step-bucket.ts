/**
 * Where the ledger commands and the member's Fabric client meet on AWS, named from the
 * member's YAML alone, so the member stack (which creates them) and `npm run msp|channel|
 * chaincode` (which use them) derive the same names without reading Terraform state, and
 * without loading an AWS SDK client at synth:
 * - the step bucket `<network>-<member>-steps-<account>`: bundles in, results out;
 * - under it, one prefix per Fabric client instance, `steps/<instance id>/`, the only place
 *   that instance may read bundles from and write results to;
 * - the SSM parameter `/amb-consortium/<network>/<member>/fabric-client-instance-id` holding
 *   the id of the member's Fabric client, which the stack writes on every deploy.
 */
import { memberBucketNameOf } from '../offchain-bucket';

/** The objects of one step run under its key `steps/<instance>/<step>/<run>/`. */
export const STEP_OBJECTS = {
  /** The step script and its files (tar.gz), written by the command. */
  bundle: 'bundle.tgz',
  /** The step's machine-readable result, written by the client. */
  result: 'result.json',
  /** The step's stderr, written by the client. */
  log: 'step.log',
} as const;

/**
 * Days after which S3 deletes a step's objects the command could not delete itself (a run
 * killed half way). The command deletes them as soon as it has read the result.
 */
export const STEP_OBJECT_DAYS = 1;

/** The step bucket of a member: `<network>-<member>-steps-<account>` (see memberBucketNameOf). */
export function stepBucketNameOf(networkName: string, memberName: string, accountId: string): string {
  return memberBucketNameOf('steps', networkName, memberName, accountId);
}

/** Key prefix of one Fabric client's step runs (no trailing slash). */
export function stepPrefixOf(instanceId: string): string {
  return `steps/${instanceId}`;
}

/** The SSM parameter that holds the id of the member's Fabric client (network and member names are letters, digits and hyphens). */
export function clientParameterNameOf(networkName: string, memberName: string): string {
  return `/amb-consortium/${networkName}/${memberName}/fabric-client-instance-id`;
}

/** The managed policy the member stack creates for the roles that run the ledger commands: `<network>-<member>-ledger-steps`. */
export function commandPolicyNameOf(networkName: string, memberName: string): string {
  return `${networkName}-${memberName}-ledger-steps`.slice(0, 128);
}

/** The SSM document the steps run with (AWS-owned: Systems Manager user guide, "Running commands"). */
export const RUN_SHELL_DOCUMENT = 'AWS-RunShellScript';

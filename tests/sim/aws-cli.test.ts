/**
 * Conformance: a whole consortium scenario through the aws CLI (v1, botocore), an independent
 * client with its own serializers and parsers. If it can drive the simulator and read its
 * answers, the wire format (paths, query strings, JSON names, error headers) is right.
 */
import { spawn } from 'node:child_process';
import { startSimulator, type RunningSimulator } from '../../sim';
import { requireTool } from '../helpers/tools';
import { awsEnvironment } from './helpers/tools';

const FOUNDER = '111122223333';
const BANK = '444455556666';

interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let simulator: RunningSimulator;

function aws(accountId: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const endpointArgs = env.AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN ? [] : ['--endpoint-url', simulator.endpoint];
  return new Promise((resolve, reject) => {
    const child = spawn('aws', ['managedblockchain', ...args, ...endpointArgs, '--output', 'json'], {
      env: awsEnvironment(accountId, env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs a command that must succeed and returns its parsed JSON output. */
async function awsJson<T = Record<string, any>>(accountId: string, args: readonly string[], env?: Record<string, string>): Promise<T> {
  const result = await aws(accountId, args, env);
  if (result.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return (result.stdout.trim() === '' ? {} : JSON.parse(result.stdout)) as T;
}

beforeAll(async () => {
  requireTool('aws');
  simulator = await startSimulator();
});
afterAll(() => simulator?.stop());

/**
 * 16 aws CLI runs of 1-2 s of CPU each (botocore loads its models): 30 s on a quiet
 * 2-core machine, over 5 minutes on one whose load is 25.
 */
const AWS_CLI_FLOW_TIMEOUT_MS = 15 * 60_000;

it('serves a consortium from founding to a tagged peer node to the aws CLI, which parses every answer', async () => {
  const admin = JSON.stringify({ Fabric: { AdminUsername: 'admin', AdminPassword: 'Cli1Password' } });
  const created = await awsJson(FOUNDER, [
    'create-network',
    '--name', 'filmmakers',
    '--framework', 'HYPERLEDGER_FABRIC',
    '--framework-version', '2.2',
    '--framework-configuration', 'Fabric={Edition=STARTER}',
    '--voting-policy', 'ApprovalThresholdPolicy={ThresholdPercentage=50,ProposalDurationInHours=24,ThresholdComparator=GREATER_THAN}',
    '--member-configuration', `{"Name": "filmmaker", "FrameworkConfiguration": ${admin}}`,
  ]);
  expect(created).toEqual({ NetworkId: expect.stringMatching(/^n-/), MemberId: expect.stringMatching(/^m-/) });
  const { NetworkId, MemberId } = created;

  const { Network } = await awsJson(FOUNDER, ['get-network', '--network-id', NetworkId]);
  expect(Network).toMatchObject({
    Status: 'AVAILABLE',
    VpcEndpointServiceName: `com.amazonaws.us-east-1.managedblockchain.${NetworkId.toLowerCase()}`,
    FrameworkAttributes: { Fabric: { Edition: 'STARTER' } },
    CreationDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
  });

  const { ProposalId } = await awsJson(FOUNDER, [
    'create-proposal',
    '--network-id', NetworkId,
    '--member-id', MemberId,
    '--actions', `Invitations=[{Principal=${BANK}}]`,
    '--description', 'invite the bank',
  ]);
  await awsJson(FOUNDER, ['vote-on-proposal', '--network-id', NetworkId, '--proposal-id', ProposalId, '--voter-member-id', MemberId, '--vote', 'YES']);
  const { Proposal } = await awsJson(FOUNDER, ['get-proposal', '--network-id', NetworkId, '--proposal-id', ProposalId]);
  expect(Proposal).toMatchObject({ Status: 'APPROVED', YesVoteCount: 1, OutstandingVoteCount: 0, Description: 'invite the bank' });

  const secondVote = await aws(FOUNDER, ['vote-on-proposal', '--network-id', NetworkId, '--proposal-id', ProposalId, '--voter-member-id', MemberId, '--vote', 'NO']);
  expect(secondVote.status).not.toBe(0);
  expect(secondVote.stderr).toContain('(IllegalActionException) when calling the VoteOnProposal operation');

  const bankEnv = { AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: simulator.endpoint };
  const { Invitations } = await awsJson(BANK, ['list-invitations', '--max-results', '100'], bankEnv);
  expect(Invitations).toEqual([
    expect.objectContaining({ Status: 'PENDING', NetworkSummary: expect.objectContaining({ Id: NetworkId }) }),
  ]);
  const joined = await awsJson(BANK, [
    'create-member',
    '--network-id', NetworkId,
    '--invitation-id', Invitations[0].InvitationId,
    '--member-configuration', `{"Name": "bank", "FrameworkConfiguration": ${admin}}`,
  ]);
  const { Members } = await awsJson(BANK, ['list-members', '--network-id', NetworkId, '--is-owned']);
  expect(Members).toEqual([expect.objectContaining({ Id: joined.MemberId, Name: 'bank', IsOwned: true, Status: 'AVAILABLE' })]);

  const { NodeId } = await awsJson(BANK, [
    'create-node',
    '--network-id', NetworkId,
    '--member-id', joined.MemberId,
    '--node-configuration', 'InstanceType=bc.t3.small,AvailabilityZone=us-east-1a',
  ]);
  const { Node } = await awsJson(BANK, ['get-node', '--network-id', NetworkId, '--member-id', joined.MemberId, '--node-id', NodeId]);
  expect(Node).toMatchObject({ Status: 'AVAILABLE', StateDB: 'CouchDB', FrameworkAttributes: { Fabric: { PeerEndpoint: expect.stringMatching(/:3\d{4}$/) } } });

  await awsJson(FOUNDER, ['tag-resource', '--resource-arn', Network.Arn, '--tags', 'stage=rehearsal,owner=ops']);
  await awsJson(FOUNDER, ['untag-resource', '--resource-arn', Network.Arn, '--tag-keys', 'owner']);
  expect(await awsJson(FOUNDER, ['list-tags-for-resource', '--resource-arn', Network.Arn])).toEqual({ Tags: { stage: 'rehearsal' } });

  const missing = await aws(FOUNDER, ['get-network', '--network-id', 'n-AAAAAAAAAAAAAAAAAAAAAAAAAA']);
  expect(missing.stderr).toContain('(ResourceNotFoundException) when calling the GetNetwork operation');
}, AWS_CLI_FLOW_TIMEOUT_MS);

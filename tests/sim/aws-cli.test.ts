/**
 * Conformance: a whole consortium scenario through the aws CLI (v1, botocore), an independent
 * client with its own serializers and parsers. If it can drive the simulator and read its
 * answers, the wire format (paths, query strings, JSON names, error headers) is right. The
 * commands run one after another in one Python process, through the CLI's own driver
 * (tests/sim/helpers/aws-cli-session.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../sim';
import { requireTool } from '../helpers/tools';
import { AwsCliSession, type AwsCliResult } from './helpers/aws-cli-session';
import { awsEnvironment } from './helpers/tools';

const FOUNDER = '111122223333';
const BANK = '444455556666';

let simulator: RunningSimulator;
let cli: AwsCliSession;

/** `aws managedblockchain ARGS... --output json` as `accountId`, against the simulator unless env names an endpoint. */
function aws(accountId: string, args: readonly string[], env: Record<string, string> = {}): Promise<AwsCliResult> {
  const endpointArgs = env.AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN ? [] : ['--endpoint-url', simulator.endpoint];
  return cli.run(['managedblockchain', ...args, ...endpointArgs, '--output', 'json'], awsEnvironment(accountId, env));
}

/** Runs a command that must succeed and returns its parsed JSON output. */
async function awsJson<T = Record<string, any>>(accountId: string, args: readonly string[], env?: Record<string, string>): Promise<T> {
  const result = await aws(accountId, args, env);
  if (result.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return (result.stdout.trim() === '' ? {} : JSON.parse(result.stdout)) as T;
}

beforeAll(async () => {
  requireTool('aws');
  // Each is kept as soon as it runs, so that afterAll stops it even when the other fails to start.
  await Promise.all([startSimulator().then((started) => (simulator = started)), AwsCliSession.start().then((started) => (cli = started))]);
}, 120_000);
afterAll(async () => {
  await cli?.stop();
  await simulator?.stop();
});

/**
 * 16 aws CLI commands in one Python process: a few seconds on a quiet 2-core machine; as 16
 * processes they took 30 s there, and over 5 minutes on a machine whose load was 25.
 */
const AWS_CLI_FLOW_TIMEOUT_MS = 5 * 60_000;

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

  // A command that dies, as an `aws` process would of a config file it cannot parse, is status 1
  // with its error, and the next command runs as before.
  const dir = mkdtempSync(join(tmpdir(), 'aws-config-'));
  try {
    writeFileSync(join(dir, 'config'), '[default\n');
    const dead = await aws(FOUNDER, ['list-networks'], { AWS_CONFIG_FILE: join(dir, 'config') });
    expect(dead.status).toBe(1);
    expect(dead.stderr).toContain('ConfigParseError');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect((await awsJson(FOUNDER, ['list-networks'])).Networks).toHaveLength(1);
}, AWS_CLI_FLOW_TIMEOUT_MS);

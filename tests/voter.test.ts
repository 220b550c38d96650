/**
 * The in-stack voter: its Terraform (GIVEN a member config, WHEN synthesized, THEN ...), its
 * deployment package, and its behaviour against the local AMB simulator.
 */
import { CreateProposalCommand, GetProposalCommand, ListProposalVotesCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsortium, type Consortium } from '../lib/config';
import { startSimulator, type RunningSimulator } from '../sim';
import { twoMemberNetwork } from '../sim/scenarios';
import { PROPOSAL_EVENT_TYPES, VOTER_RUNTIME } from '../stacks/constructs/proposal-voter';
import { voterPackage, voterSettings } from '../stacks/voter/bundle';
import { voteOnOpenProposals, type VoterEvent } from '../stacks/voter/handler';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { policyDocument, resources, single, synthAll } from './helpers/synth';
import { run } from './helpers/tools';
import { stackVariants } from './helpers/variants';

/** The voter's resources alone: a member's identity manager is another Lambda (tests/identity-manager-stack.test.ts). */
function withoutIdentities(consortium: Consortium): Consortium {
  return { ...consortium, members: consortium.members.map((member) => ({ ...member, identities: [] })) };
}

const sample = loadConsortium(SAMPLE_DIR);
const stacks = synthAll(withoutIdentities(sample));

describe('voter resources', () => {
  const bank = stacks.bank;

  test('runs on Node.js 22 from a package built at synth, with the network and member ids in its environment', () => {
    const fn = single(bank, 'aws_lambda_function');
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', handler: 'index.handler', function_name: 'drm-royalties-bank-voter' });
    expect(fn.filename).toMatch(/^assets\/voter_package_\w+\/[0-9A-F]{32}\/voter-[0-9a-f]{32}\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
    expect(fn.environment.variables).toEqual({ NETWORK_ID: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU', MEMBER_ID: expect.stringMatching(/outputs\["MemberId"\]/) });
  });

  test('runs one invocation at a time: a reserved concurrency of 1', () => {
    expect(single(bank, 'aws_lambda_function').reserved_concurrent_executions).toBe(1);
  });

  test('uses the newest Node.js runtime hashicorp/aws 5.100.0 accepts (terraform validate in offline-validation proves it does)', () => {
    expect(VOTER_RUNTIME).toBe('nodejs22.x');
    expect(single(bank, 'aws_lambda_function').runtime).toBe(VOTER_RUNTIME);
  });

  test('is triggered by AMB proposal events of its own network', () => {
    const rule = resources(bank, 'aws_cloudwatch_event_rule').find((r) => String(r.event_pattern).includes('aws.managedblockchain'));
    expect(rule!.event_pattern).toBe(
      '${jsonencode({"source" = ["aws.managedblockchain"], "detail-type" = ["Managed Blockchain Proposal State Change", "Managed Blockchain Proposal Status Change"], "detail" = {"networkId" = ["n-MWY63ZJZU5HGNCMBQER7IN6OIU"]}})}',
    );
    expect(PROPOSAL_EVENT_TYPES).toContain('Managed Blockchain Proposal State Change');
  });

  test('runs on the hourly schedule by default, and on the configured one', () => {
    expect(resources(bank, 'aws_cloudwatch_event_rule').find((r) => r.schedule_expression)!.schedule_expression).toBe('rate(1 hour)');
    const everything = synthAll(stackVariants().everything).filmmaker;
    expect(resources(everything, 'aws_cloudwatch_event_rule').find((r) => r.schedule_expression)!.schedule_expression).toBe('rate(15 minutes)');
  });

  test('both rules target the function, with retries and the dead-letter queue, and may invoke it', () => {
    const targets = resources(bank, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(2);
    for (const target of targets) {
      expect(target.arn).toMatch(/aws_lambda_function\.voter_function_\w+\.arn/);
      expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\.voter_dlq_\w+\.arn/);
      expect(target.retry_policy.maximum_retry_attempts).toBeGreaterThan(0);
    }
    expect(resources(bank, 'aws_lambda_permission').map((p) => [p.principal, p.action])).toEqual([
      ['events.amazonaws.com', 'lambda:InvokeFunction'],
      ['events.amazonaws.com', 'lambda:InvokeFunction'],
    ]);
  });

  test('has an encrypted dead-letter queue, bounded async retries and a log group with retention', () => {
    expect(single(bank, 'aws_sqs_queue')).toMatchObject({ kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.key_\w+\.arn\}$/), message_retention_seconds: 1209600 });
    expect(single(bank, 'aws_lambda_function').dead_letter_config.target_arn).toMatch(/aws_sqs_queue\.voter_dlq/);
    expect(single(bank, 'aws_lambda_function_event_invoke_config').maximum_retry_attempts).toBe(2);
    expect(resources(bank, 'aws_cloudwatch_log_group').find((group) => group.name === '/aws/lambda/drm-royalties-bank-voter')).toMatchObject({ retention_in_days: 90 });
  });

  test('its role may read and vote on proposals of its own network, write its logs and its queue, and nothing else', () => {
    const policy = resources(bank, 'aws_iam_role_policy').find((p) => p.name === 'vote-on-proposals')!;
    expect(policy.policy).toMatch(/^\$\{data\.aws_iam_policy_document\.voter_permissions_\w+\.json\}$/);
    expect(policyDocument(bank, 'voter_permissions').statement).toEqual([
      { sid: 'ReadNetwork', actions: ['managedblockchain:ListProposals', 'managedblockchain:ListMembers'], resources: ['arn:aws:managedblockchain:us-east-1::networks/n-MWY63ZJZU5HGNCMBQER7IN6OIU'] },
      {
        sid: 'VoteOnProposals',
        actions: ['managedblockchain:GetProposal', 'managedblockchain:ListProposalVotes', 'managedblockchain:VoteOnProposal'],
        resources: ['arn:aws:managedblockchain:us-east-1::proposals/*'],
      },
      { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.voter_logs_\w+\.arn\}:\*$/)] },
      { sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [expect.stringMatching(/^\$\{aws_sqs_queue\.voter_dlq_\w+\.arn\}$/)] },
      { sid: 'EncryptDeadLetters', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [expect.stringMatching(/^\$\{aws_kms_key\.key_\w+\.arn\}$/)] },
    ]);
    expect(resources(bank, 'aws_iam_role').find((role) => role.name === 'drm-royalties-bank-voter')!.assume_role_policy).toContain('"Service" = "lambda.amazonaws.com"');
  });

  test('its dead-letter queue takes events from its two rules only, and refuses plain HTTP', () => {
    expect(single(bank, 'aws_sqs_queue_policy').policy).toMatch(/^\$\{data\.aws_iam_policy_document\.voter_dlq-policy-document_\w+\.json\}$/);
    const queue = expect.stringMatching(/^\$\{aws_sqs_queue\.voter_dlq_\w+\.arn\}$/);
    expect(policyDocument(bank, 'voter_dlq-policy-document').statement).toEqual([
      {
        sid: 'UndeliverableEvents',
        principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
        actions: ['sqs:SendMessage'],
        resources: [queue],
        condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [expect.stringMatching(/voter_on-proposal_\w+\.arn/), expect.stringMatching(/voter_catch-up_\w+\.arn/)] }],
      },
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['sqs:*'],
        resources: [queue],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
  });

  test("alarms on errors and on dead letters, notifying the stack's alarm topic, or the one the member names", () => {
    const topic = expect.stringMatching(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/);
    expect(resources(bank, 'aws_cloudwatch_metric_alarm').filter((alarm) => String(alarm.alarm_name).includes('-voter')).map((alarm) => [alarm.metric_name, alarm.alarm_actions, alarm.ok_actions]).sort()).toEqual([
      ['ApproximateNumberOfMessagesVisible', [topic], [topic]],
      ['Errors', [topic], [topic]],
    ]);
    const everything = synthAll(stackVariants().everything).filmmaker;
    const errors = resources(everything, 'aws_cloudwatch_metric_alarm').find((alarm) => alarm.metric_name === 'Errors');
    expect(errors).toMatchObject({ alarm_actions: ['arn:aws:sns:us-east-1:111122223333:amb-alerts'], threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold' });
  });

  test('is absent for a member that has not joined, and for one that votes by hand', () => {
    expect(resources(stacks['ott-vendor-2'], 'aws_lambda_function')).toHaveLength(0);
    const fixture = new ConsortiumFixture().edit('bank.yaml', 'voting:\n  otherwise: NO', 'voting:\n  otherwise: NO\n  automated: false');
    try {
      expect(resources(synthAll(withoutIdentities(fixture.load())).bank, 'aws_lambda_function')).toHaveLength(0);
    } finally {
      fixture.dispose();
    }
  });
});

describe('voter package', () => {
  test('two synths of the same config give the same package, byte for byte; a rule change gives another', () => {
    const first = readFileSync(voterPackage(voterSettings(sample, 'bank')));
    expect(readFileSync(voterPackage(voterSettings(loadConsortium(SAMPLE_DIR), 'bank')))).toEqual(first);
    const again = synthAll(withoutIdentities(loadConsortium(SAMPLE_DIR)));
    const hashOf = (stack: typeof stacks.bank) => single(stack, 'aws_lambda_function').filename;
    expect(hashOf(again.bank)).toBe(hashOf(stacks.bank));
    const fixture = new ConsortiumFixture().edit('bank.yaml', 'voting:\n  otherwise: NO', 'voting:\n  otherwise: ABSTAIN');
    try {
      expect(hashOf(synthAll(withoutIdentities(fixture.load())).bank)).not.toBe(hashOf(stacks.bank));
    } finally {
      fixture.dispose();
    }
  });

  test('bakes in the member rules without paths of the machine that synthesized it', () => {
    const settings = voterSettings(sample, 'bank');
    expect(settings.member).toBe('bank');
    expect(settings.consortium.dir).toBe('members');
    expect(settings.consortium.members.map((m) => m.file)).toEqual(sample.members.map((m) => `members/${m.name}.yaml`));
    expect(JSON.stringify(settings)).not.toContain(process.cwd());
  });
});

function event(networkId: string, proposalId: string): VoterEvent {
  return { source: 'aws.managedblockchain', 'detail-type': PROPOSAL_EVENT_TYPES[0], detail: { networkId, proposalId, status: 'IN_PROGRESS' } };
}

async function status(client: ManagedBlockchainClient, networkId: string, proposalId: string) {
  return (await client.send(new GetProposalCommand({ NetworkId: networkId, ProposalId: proposalId }))).Proposal!.Status;
}

describe('voter against the simulator', () => {
  let sim: RunningSimulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await sim.stop();
  });

  test('votes YES on inviting an account the config names, and the proposal passes', async () => {
    const net = await twoMemberNetwork(sim, sample);
    const proposalId = await net.propose('444455556666');
    const outcomes = await voteOnOpenProposals(voterSettings(sample, 'filmmaker'), { client: net.founder, networkId: net.networkId, memberId: net.founderId }, event(net.networkId, proposalId));
    expect(outcomes).toEqual([{ proposalId, vote: 'YES', reason: expect.stringContaining('invites account 444455556666 of bank'), result: 'voted' }]);
    expect(await status(net.founder, net.networkId, proposalId)).toBe('APPROVED');
  });

  test('votes NO on inviting an unknown account when its rules say NO', async () => {
    const net = await twoMemberNetwork(sim, sample);
    const proposalId = await net.propose('999988887777');
    const outcomes = await voteOnOpenProposals(voterSettings(sample, 'filmmaker'), { client: net.founder, networkId: net.networkId, memberId: net.founderId });
    expect(outcomes).toEqual([{ proposalId, vote: 'NO', reason: expect.stringContaining('999988887777, which no member file names'), result: 'voted' }]);
    expect(await status(net.founder, net.networkId, proposalId)).toBe('REJECTED');
  });

  test('abstains, casting nothing, when its rules say ABSTAIN', async () => {
    const net = await twoMemberNetwork(sim, sample);
    const { ProposalId } = await net.founder.send(new CreateProposalCommand({ NetworkId: net.networkId, MemberId: net.founderId, Actions: { Invitations: [{ Principal: '999988887777' }] } }));
    const outcomes = await voteOnOpenProposals(voterSettings(sample, 'ott-vendor-1'), { client: net.vendor, networkId: net.networkId, memberId: net.vendorId });
    expect(outcomes).toEqual([{ proposalId: ProposalId, vote: 'ABSTAIN', reason: expect.any(String), result: 'abstained' }]);
    const votes = await net.vendor.send(new ListProposalVotesCommand({ NetworkId: net.networkId, ProposalId }));
    expect(votes.ProposalVotes ?? []).toEqual([]);
  });

  test('a second delivery of the same event is harmless', async () => {
    const net = await twoMemberNetwork(sim, sample);
    const { ProposalId } = await net.founder.send(new CreateProposalCommand({ NetworkId: net.networkId, MemberId: net.founderId, Actions: { Invitations: [{ Principal: '444455556666' }] } }));
    const runtime = { client: net.vendor, networkId: net.networkId, memberId: net.vendorId };
    const settings = voterSettings(sample, 'ott-vendor-1');
    expect((await voteOnOpenProposals(settings, runtime, event(net.networkId, ProposalId!)))[0].result).toBe('voted');
    expect((await voteOnOpenProposals(settings, runtime, event(net.networkId, ProposalId!)))[0].result).toBe('already-voted');
    const votes = await net.vendor.send(new ListProposalVotesCommand({ NetworkId: net.networkId, ProposalId }));
    expect(votes.ProposalVotes).toHaveLength(1);
  });

  test('a proposal that has closed is not an error', async () => {
    const net = await twoMemberNetwork(sim, sample);
    const proposalId = await net.propose('444455556666');
    sim.advanceClock(25 * 3600 * 1000);
    const outcomes = await voteOnOpenProposals(voterSettings(sample, 'filmmaker'), { client: net.founder, networkId: net.networkId, memberId: net.founderId }, event(net.networkId, proposalId));
    expect(outcomes).toEqual([{ proposalId, reason: 'proposal is EXPIRED', result: 'closed' }]);
  });

  test('a real error fails the invocation', async () => {
    const net = await twoMemberNetwork(sim, sample);
    const { ProposalId: proposalId } = await net.founder.send(new CreateProposalCommand({ NetworkId: net.networkId, MemberId: net.founderId, Actions: { Invitations: [{ Principal: '444455556666' }] } }));
    // The founder's credentials acting as ott-vendor-1's member: AMB answers AccessDenied.
    await expect(
      voteOnOpenProposals(voterSettings(sample, 'ott-vendor-1'), { client: net.founder, networkId: net.networkId, memberId: net.vendorId }, event(net.networkId, proposalId!)),
    ).rejects.toThrow(/voter for ott-vendor-1 failed on 1 of 1 proposal\(s\): p-\w+: AccessDeniedException/);
  });

  test('the deployment package itself votes, reading its baked settings and its environment', async () => {
    const net = await twoMemberNetwork(sim, sample);
    const proposalId = await net.propose('444455556666');
    const packageDir = mkdtempSync(join(tmpdir(), 'voter-package-'));
    // Unpacked by an independent zip reader, as Lambda would.
    run('python3', ['-m', 'zipfile', '-e', voterPackage(voterSettings(sample, 'filmmaker')), packageDir]);
    const saved = { ...process.env };
    Object.assign(process.env, {
      NETWORK_ID: net.networkId,
      MEMBER_ID: net.founderId,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: sim.endpoint,
      AWS_ACCESS_KEY_ID: '111122223333',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    try {
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      const { handler } = require(join(packageDir, 'index.js'));
      const result = await handler(event(net.networkId, proposalId));
      expect(result.outcomes).toEqual([expect.objectContaining({ proposalId, vote: 'YES', result: 'voted' })]);
      expect(log.mock.calls.map(([line]) => JSON.parse(line))).toEqual([expect.objectContaining({ member: 'filmmaker', proposalId, vote: 'YES', result: 'voted' })]);
      log.mockRestore();
      expect(await status(net.founder, net.networkId, proposalId)).toBe('APPROVED');
    } finally {
      process.env = saved;
      rmSync(packageDir, { recursive: true, force: true });
    }
  });
});

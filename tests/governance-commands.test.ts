/**
 * Each governance command against the simulator: what it does, that a second run does
 * nothing, --dry-run, --json, and the messages and exit codes of the expected failures.
 */
import { CreateNetworkCommand, CreateProposalCommand, GetMemberCommand, ListInvitationsCommand, ListNetworksCommand, VoteOnProposalCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAmbClient, DEFAULT_RETRY, retryPolicyFromEnvironment } from '../lib/amb-client';
import { recordInYamlFile } from '../lib/config/record';
import { OperationalError, UsageError } from '../lib/errors';
import { maxAttemptsFromEnvironment } from '../lib/max-attempts';
import { readNetwork } from '../lib/network-reader';
import { castVote } from '../lib/network-writer';
import { acceptInvitation } from '../scripts/accept-invitation';
import { configureLogging } from '../scripts/configure-logging';
import { propose } from '../scripts/propose';
import { status } from '../scripts/status';
import { sync } from '../scripts/sync';
import { vote } from '../scripts/vote';
import { CREATION_DELAY_MS, GovernanceSim } from './helpers/governance-sim';

const STRANGER = '999999999999';
const calls = (harness: GovernanceSim, operation: string) => harness.sim.requestsByOperation()[operation] ?? 0;

/** A client of an account outside the consortium. */
function strangerClient(harness: GovernanceSim): ManagedBlockchainClient {
  return createAmbClient({ region: 'us-east-1', endpoint: harness.sim.endpoint, credentials: { accessKeyId: STRANGER, secretAccessKey: 'test' }, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
}

describe('propose, vote and accept-invitation', () => {
  let harness: GovernanceSim;
  beforeAll(async () => {
    harness = await GovernanceSim.start();
    await harness.foundNetwork();
  });
  afterAll(() => harness.stop());

  it('plans without creating anything in a dry run', async () => {
    const before = calls(harness, 'CreateProposal');
    const dry = await harness.expectOk(harness.run(propose, 'filmmaker', ['--dry-run']));
    expect(dry.proposals.map((entry) => [entry.action.member, entry.outcome])).toEqual([
      ['bank', 'would-create'],
      ['ott-vendor-1', 'would-create'],
      ['ott-vendor-2', 'would-create'],
    ]);
    expect(calls(harness, 'CreateProposal')).toBe(before);
    expect(calls(harness, 'VoteOnProposal')).toBe(0);
  });

  it('proposes each missing member once, votes YES as proposer, and a second run proposes nothing', async () => {
    const first = await harness.run(propose, 'filmmaker');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('Proposals by filmmaker');
    expect(first.result!.votes.map((cast) => [cast.vote, cast.outcome])).toEqual([
      ['YES', 'cast'],
      ['YES', 'cast'],
      ['YES', 'cast'],
    ]);
    const second = await harness.expectOk(harness.run(propose, 'filmmaker'));
    expect(second.proposals.map((entry) => entry.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(second.proposals[0].reason).toContain('its invitation may be pending');
    expect(calls(harness, 'CreateProposal')).toBe(3);
  });

  it('records the pending invitation in the YAML, changing nothing else, and tells the deploy to run next', async () => {
    const file = harness.member('bank').file;
    const before = readFileSync(file, 'utf8');
    const run = await harness.run(acceptInvitation, 'bank');
    expect(run.exitCode).toBe(0);
    const invitationId = run.result!.invitationId!;
    expect(readFileSync(file, 'utf8')).toBe(before.replace('adminUsername: bankadmin\n', `adminUsername: bankadmin\n# Written by \`npm run accept-invitation\`.\ninvitationId: ${invitationId}\n`));
    expect(run.stdout).toContain('The invitation expires at');
    expect(run.stdout).toContain('then run: npx cdktf deploy bank');
    const again = await harness.expectOk(harness.run(acceptInvitation, 'bank'));
    expect(again.outcome).toBe('already-recorded');
  });

  it('refuses accept-invitation for the founder as a usage error', async () => {
    const run = await harness.run(acceptInvitation, 'filmmaker');
    expect(run.exitCode).toBe(2);
    expect(run.error!.message).toContain('filmmaker is the founder');
  });

  it('rejects, with --reject, an invitation to a network the config does not name', async () => {
    const stranger = strangerClient(harness);
    const { NetworkId, MemberId } = await stranger.send(
      new CreateNetworkCommand({
        Name: 'elsewhere',
        Framework: 'HYPERLEDGER_FABRIC',
        FrameworkVersion: '2.2',
        FrameworkConfiguration: { Fabric: { Edition: 'STARTER' } },
        VotingPolicy: { ApprovalThresholdPolicy: { ThresholdPercentage: 50, ProposalDurationInHours: 24, ThresholdComparator: 'GREATER_THAN' } },
        MemberConfiguration: { Name: 'stranger', FrameworkConfiguration: { Fabric: { AdminUsername: 'admin', AdminPassword: 'Stranger1Password' } } },
      }),
    );
    harness.advance(CREATION_DELAY_MS);
    const { ProposalId } = await stranger.send(new CreateProposalCommand({ NetworkId, MemberId, Actions: { Invitations: [{ Principal: harness.member('ott-vendor-1').accountId }] } }));
    await stranger.send(new VoteOnProposalCommand({ NetworkId, ProposalId, VoterMemberId: MemberId, Vote: 'YES' }));
    stranger.destroy();

    const warned = await harness.expectOk(harness.run(acceptInvitation, 'ott-vendor-1', ['--dry-run']));
    expect(warned.unexpected.map((invitation) => [invitation.networkId, invitation.rejected])).toEqual([[NetworkId, false]]);
    const rejected = await harness.run(acceptInvitation, 'ott-vendor-1', ['--reject']);
    expect(rejected.result!.unexpected.map((invitation) => invitation.rejected)).toEqual([true]);
    const { Invitations } = await harness.clientFor(harness.member('ott-vendor-1')).send(new ListInvitationsCommand({}));
    expect(Invitations!.find((invitation) => invitation.NetworkSummary?.Id === NetworkId)?.Status).toBe('REJECTED');
    expect(Invitations!.find((invitation) => invitation.NetworkSummary?.Id === harness.consortium().network.id)?.Status).toBe('PENDING');
  });

  it('votes by each member\'s rules with a reason per decision, casting nothing to abstain and nothing twice', async () => {
    await harness.join('bank');
    const networkId = harness.consortium().network.id!;
    const bankId = harness.member('bank').memberId!;
    const bankClient = harness.clientFor(harness.member('bank'));
    const { ProposalId: strangerInvite } = await bankClient.send(new CreateProposalCommand({ NetworkId: networkId, MemberId: bankId, Actions: { Invitations: [{ Principal: STRANGER }] }, Description: 'let them in' }));

    const dry = await harness.expectOk(harness.run(vote, 'filmmaker', ['--dry-run']));
    expect(dry.decisions.map((entry) => [entry.proposalId, entry.vote, entry.outcome])).toEqual([[strangerInvite, 'NO', 'would-cast']]);
    const votesBefore = calls(harness, 'VoteOnProposal');
    const run = await harness.run(vote, 'filmmaker');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('invites account 999999999999, which no member file names');
    expect(run.result!.decisions.map((entry) => [entry.vote, entry.outcome])).toEqual([['NO', 'cast']]);
    const again = await harness.expectOk(harness.run(vote, 'filmmaker'));
    expect(again.decisions).toEqual([]);
    expect(calls(harness, 'VoteOnProposal')).toBe(votesBefore + 1);
  });

  it('records an expired invitation, after which propose invites again at once', async () => {
    harness.expireProposals();
    const expired = await harness.run(acceptInvitation, 'ott-vendor-2');
    expect(expired.exitCode).toBe(0);
    expect(expired.result).toMatchObject({ outcome: 'lapsed', next: expect.stringContaining('npm run propose -- --member filmmaker invites ott-vendor-2 again at once') });
    const again = await harness.expectOk(harness.run(propose, 'filmmaker'));
    expect(again.proposals.find((entry) => entry.action.member === 'ott-vendor-2')).toMatchObject({ outcome: 'created', attempt: 2 });
  });

  it('re-proposes after REJECTED only with --retry-rejected', async () => {
    const networkId = harness.consortium().network.id!;
    const open = (await readNetwork(harness.clientFor(harness.member('filmmaker')), networkId)).proposals.find((proposal) => proposal.status === 'IN_PROGRESS' && proposal.description?.includes('ott-vendor-2'))!;
    await harness.clientFor(harness.member('bank')).send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId: open.id, VoterMemberId: harness.member('bank').memberId, Vote: 'NO' }));
    const held = await harness.expectOk(harness.run(propose, 'filmmaker'));
    expect(held.proposals.find((entry) => entry.action.member === 'ott-vendor-2')?.reason).toBe(`proposal ${open.id} ended REJECTED; re-propose with --retry-rejected`);
    const retried = await harness.expectOk(harness.run(propose, 'filmmaker', ['--retry-rejected']));
    expect(retried.proposals.find((entry) => entry.action.member === 'ott-vendor-2')).toMatchObject({ outcome: 'created', attempt: 3 });
  });

  it('reports a vote on a proposal that expired meanwhile as an operational failure naming it', async () => {
    const networkId = harness.consortium().network.id!;
    const open = (await readNetwork(harness.clientFor(harness.member('bank')), networkId)).proposals.find((proposal) => proposal.status === 'IN_PROGRESS')!;
    harness.expireProposals();
    const failure = castVote(harness.clientFor(harness.member('bank')), networkId, open.id, harness.member('bank').memberId!, 'YES');
    await expect(failure).rejects.toThrow(OperationalError);
    await expect(failure).rejects.toThrow(`proposal ${open.id} is EXPIRED at`);
  });
});

describe('sync, configure-logging and status', () => {
  let harness: GovernanceSim;
  beforeAll(async () => {
    harness = await GovernanceSim.start();
  });
  afterAll(() => harness.stop());

  it('finds the network by name, records network.id, what the network was created with and the founder ledger, and a second run writes nothing', async () => {
    await harness.foundNetwork();
    const consortium = harness.consortium();
    expect(consortium.network.id).toMatch(/^n-/);
    const founderFile = readFileSync(harness.member('filmmaker').file, 'utf8');
    expect(founderFile).toContain(`# Written by \`npm run sync\`: what this member was created as. Do not edit.\nledger:\n  memberId: ${harness.member('filmmaker').memberId}\n  name: filmmaker\n  networkId: ${consortium.network.id}\n  peers:\n    - name: peer1\n      nodeId: nd-`);
    const consortiumFile = readFileSync(join(harness.workspace, 'consortium.yaml'), 'utf8');
    expect(consortiumFile).toContain(
      `# Written by \`npm run sync\`: what the network was created with; AMB cannot change it. Do not edit.\nledger:\n  networkId: ${consortium.network.id}\n  name: drm-royalties\n  description: Film rights, OTT play reports and royalty payments\n  frameworkVersion: "2.2"\n  edition: STANDARD\n  voting:\n    thresholdPercentage: 50\n    proposalDurationInHours: 24\n    thresholdComparator: GREATER_THAN\n`,
    );
    const again = await harness.expectOk(harness.run(sync, 'filmmaker'));
    expect(again.files.map((file) => file.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(readFileSync(harness.member('filmmaker').file, 'utf8')).toBe(founderFile);
    expect(readFileSync(join(harness.workspace, 'consortium.yaml'), 'utf8')).toBe(consortiumFile);
  });

  it('applies the logging settings, and a second run makes no update call', async () => {
    const first = await harness.expectOk(harness.run(configureLogging, 'filmmaker'));
    expect(first.changes.map((change) => change.target)).toEqual(['member', 'node', 'node']);
    const { Member } = await harness.clientFor(harness.member('filmmaker')).send(new GetMemberCommand({ NetworkId: harness.consortium().network.id, MemberId: harness.member('filmmaker').memberId }));
    expect(Member?.LogPublishingConfiguration?.Fabric?.CaLogs?.Cloudwatch?.Enabled).toBe(true);
    const updates = calls(harness, 'UpdateMember') + calls(harness, 'UpdateNode');
    const second = await harness.expectOk(harness.run(configureLogging, 'filmmaker'));
    expect(second.changes).toEqual([]);
    expect(calls(harness, 'UpdateMember') + calls(harness, 'UpdateNode')).toBe(updates);
  });

  it('shows members, nodes, proposals, invitations and the drift with the command that closes it', async () => {
    const run = await harness.run(status, 'filmmaker');
    expect(run.exitCode).toBe(0);
    for (const table of ['Members', 'Nodes of filmmaker', 'Proposals', 'Invitations to the account of these credentials', 'Drift between the network and the config']) expect(run.stdout).toContain(table);
    expect(run.result!.inSync).toBe(false);
    expect(run.result!.drift.map((item) => [item.subject, item.fix])).toEqual([
      ['bank', 'npm run propose -- --member filmmaker'],
      ['ott-vendor-1', 'npm run propose -- --member filmmaker'],
      ['ott-vendor-2', 'npm run propose -- --member filmmaker'],
    ]);
    const json = await harness.run(status, 'filmmaker', ['--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ member: 'filmmaker', inSync: false, members: [{ name: 'filmmaker', config: 'founder', owned: true }] });
  });

  it('waits with --wait until a joining member is AVAILABLE, and gives up after --timeout with exit 1', async () => {
    await harness.expectOk(harness.run(propose, 'filmmaker'));
    await harness.expectOk(harness.run(acceptInvitation, 'bank'));
    const bank = harness.member('bank');
    const { createJoiningMember } = await import('../lib/rehearsal/stand-in-deploy');
    await createJoiningMember(harness.clientFor(bank), harness.consortium().network.id!, bank);
    const timedOut = await harness.run(status, 'filmmaker', ['--wait', '--timeout', '0']);
    expect(timedOut.exitCode).toBe(1);
    expect(timedOut.error!.message).toMatch(/^still pending after 0 s \(--timeout 0\): member bank CREATING/);
    const waited = await harness.run(status, 'filmmaker', ['--wait', '--interval', '60']);
    expect(waited.exitCode).toBe(0);
    expect(waited.result!.pending).toEqual([]);
    expect(waited.stderr).toContain('waiting');
    expect(waited.result!.members.find((member) => member.name === 'bank')?.status).toBe('AVAILABLE');
  });

  it('casts no vote on a proposal made before the member joined, which AMB would refuse', async () => {
    const networkId = harness.consortium().network.id!;
    const filmmaker = harness.member('filmmaker');
    const { ProposalId } = await harness.clientFor(filmmaker).send(new CreateProposalCommand({ NetworkId: networkId, MemberId: filmmaker.memberId, Actions: { Invitations: [{ Principal: STRANGER }] } }));
    await harness.clientFor(filmmaker).send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId, VoterMemberId: filmmaker.memberId, Vote: 'YES' }));
    await harness.join('ott-vendor-1');
    const votes = calls(harness, 'VoteOnProposal');
    const run = await harness.run(vote, 'ott-vendor-1');
    expect(run.exitCode).toBe(0);
    expect(run.result!.decisions.map((entry) => [entry.proposalId, entry.outcome])).toEqual([[ProposalId, 'not-eligible']]);
    expect(calls(harness, 'VoteOnProposal')).toBe(votes);
  });
});

describe('status with Ethereum nodes', () => {
  let harness: GovernanceSim;
  beforeAll(async () => {
    harness = await GovernanceSim.start();
    await harness.foundNetwork();
  });
  afterAll(() => harness.stop());

  it("lists the member's Ethereum nodes with the HTTP and WebSocket endpoints GetNode returns", async () => {
    const file = harness.member('filmmaker').file;
    writeFileSync(file, `${readFileSync(file, 'utf8')}ethereumNodes:\n  - instanceType: bc.t3.large\n    availabilityZone: us-east-1a\n`);
    const asked: string[] = [];
    // The simulator serves Fabric only; Ethereum's public network is answered here, as AMB would.
    const withEthereum = (member: Parameters<GovernanceSim['clientFor']>[0]) => {
      const client = createAmbClient({ region: 'us-east-1', endpoint: harness.sim.endpoint, credentials: { accessKeyId: member.accountId, secretAccessKey: 'test' } });
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { NetworkId?: string };
          if (input.NetworkId !== 'n-ethereum-mainnet') return next(args);
          asked.push(context.commandName!);
          const node = { Id: 'nd-ETH1', Status: 'AVAILABLE', InstanceType: 'bc.t3.large', AvailabilityZone: 'us-east-1a', CreationDate: new Date() };
          const output =
            context.commandName === 'ListNodesCommand'
              ? { Nodes: [node] }
              : { Node: { ...node, NetworkId: 'n-ethereum-mainnet', FrameworkAttributes: { Ethereum: { HttpEndpoint: 'https://nd-eth1.ethereum.managedblockchain.us-east-1.amazonaws.com', WebSocketEndpoint: 'wss://nd-eth1.wss.ethereum.managedblockchain.us-east-1.amazonaws.com' } } } };
          return { output: { ...output, $metadata: {} }, response: undefined } as never;
        },
        { step: 'initialize' },
      );
      return client;
    };
    const run = await harness.run(status, 'filmmaker', [], withEthereum);
    expect(run.exitCode).toBe(0);
    expect(asked).toEqual(['ListNodesCommand', 'GetNodeCommand']);
    expect(run.result!.nodes.find((node) => node.id === 'nd-ETH1')).toMatchObject({
      networkId: 'n-ethereum-mainnet',
      httpEndpoint: 'https://nd-eth1.ethereum.managedblockchain.us-east-1.amazonaws.com',
      webSocketEndpoint: 'wss://nd-eth1.wss.ethereum.managedblockchain.us-east-1.amazonaws.com',
    });
    expect(run.stdout).toContain('https://nd-eth1.ethereum.managedblockchain.us-east-1.amazonaws.com wss://nd-eth1.wss.ethereum.managedblockchain.us-east-1.amazonaws.com');
  });
});

describe('expected failures', () => {
  let harness: GovernanceSim;
  beforeAll(async () => {
    harness = await GovernanceSim.start();
    await harness.foundNetwork();
  });
  afterAll(() => harness.stop());

  it('exits 1 without a stack trace when no credentials are found', async () => {
    const run = await harness.runChild('status.ts', ['--member', 'filmmaker'], {});
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('no AWS credentials found to act as filmmaker (account 111122223333)');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 naming the right account when a member acts with another member's credentials", async () => {
    await harness.expectOk(harness.run(propose, 'filmmaker'));
    await harness.join('bank');
    const run = await harness.runChild('vote.ts', ['--member', 'filmmaker'], harness.credentialsOf('bank'));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("the credentials in use cannot act as filmmaker: its member");
    expect(run.stderr).toContain("use filmmaker's credentials (account 111122223333)");
  });

  it('exits 2 for an unknown flag, a missing --member and a member not in the consortium', async () => {
    const unknown = await harness.runChild('vote.ts', ['--member', 'bank', '--yes'], harness.credentialsOf('bank'));
    expect([unknown.exitCode, unknown.stderr.split('\n')[0]]).toEqual([2, 'vote: unknown argument "--yes"']);
    const missing = await harness.runChild('propose.ts', [], harness.credentialsOf('bank'));
    expect([missing.exitCode, missing.stderr.split('\n')[0]]).toEqual([2, 'propose: --member NAME is required (the member whose credentials act)']);
    const stranger = await harness.run(status, 'nobody');
    expect(stranger.exitCode).toBe(2);
    expect(stranger.error!.message).toContain('--member "nobody" is not a member of the consortium');
  });

  it('prints usage with --help and exits 0', async () => {
    const help = await harness.runChild('sync.ts', ['--help'], {});
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run sync -- --member NAME \[options\]/);
    expect(help.stdout).toContain('exit codes: 0 done, 1 operational failure');
  });

  it('exits 1 when the recorded network does not exist', async () => {
    const empty = await GovernanceSim.start();
    try {
      recordInYamlFile(join(empty.workspace, 'consortium.yaml'), [{ path: ['network', 'id'], value: 'n-DOESNOTEXIST' }]);
      const run = await empty.run(status, 'filmmaker');
      expect(run.exitCode).toBe(1);
      expect(run.error!.message).toBe(
        "network n-DOESNOTEXIST (network.id in consortium.yaml) was not found in us-east-1: check the id and the region, and that the founder's deploy created it",
      );
    } finally {
      await empty.stop();
    }
  });

  it('stops retrying a throttled call after the configured attempts and says to re-run', async () => {
    const throttled = (member: Parameters<GovernanceSim['clientFor']>[0]) =>
      createAmbClient({ region: 'us-east-1', endpoint: harness.sim.endpoint, credentials: { accessKeyId: member.accountId, secretAccessKey: 'test' }, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const before = calls(harness, 'GetNetwork');
    harness.sim.setFaults({ throttleRate: 1 });
    try {
      const run = await harness.run(status, 'filmmaker', [], throttled);
      expect(run.exitCode).toBe(1);
      expect(run.error!.message).toMatch(/^AMB kept throttling after 3 attempts .*; wait a minute and re-run \(the command is safe to re-run\)$/);
      expect(calls(harness, 'GetNetwork') - before).toBe(3);
    } finally {
      harness.sim.setFaults({});
    }
  });

  it('exits 1 with the endpoint in the message when AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN points nowhere', async () => {
    const run = await harness.runChild('status.ts', ['--member', 'filmmaker'], { ...harness.credentialsOf('filmmaker'), AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('cannot reach http://127.0.0.1:9 (from AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN; is it running?): ECONNREFUSED');
  });

  it('makes as many attempts per call as AWS_MAX_ATTEMPTS says, and says how many it made', async () => {
    const before = calls(harness, 'GetNetwork');
    harness.sim.setFaults({ throttleRate: 1 });
    try {
      const run = await harness.runChild('status.ts', ['--member', 'filmmaker'], { ...harness.credentialsOf('filmmaker'), AWS_MAX_ATTEMPTS: '2' });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/AMB kept throttling after 2 attempts .*; wait a minute and re-run/);
      expect(calls(harness, 'GetNetwork') - before).toBe(2);
    } finally {
      harness.sim.setFaults({});
    }
  });

  it('exits 2 before any call when AWS_MAX_ATTEMPTS is not a number of attempts', async () => {
    const before = harness.sim.requestCount();
    const run = await harness.runChild('status.ts', ['--member', 'filmmaker'], { ...harness.credentialsOf('filmmaker'), AWS_MAX_ATTEMPTS: '0' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('AWS_MAX_ATTEMPTS is "0": it must be a whole number of attempts per call, from 1 (no retry) to 20; unset it for the default of 6 attempts per AMB or SSM call');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(harness.sim.requestCount()).toBe(before);
  });
});

describe('AWS_MAX_ATTEMPTS', () => {
  it.each([['1', 1], ['6', 6], [' 20 ', 20], ['', 6], [undefined, 6]])('%j gives %d attempts per call (6 when unset or empty)', (value, attempts) => {
    expect(retryPolicyFromEnvironment(value === undefined ? {} : { AWS_MAX_ATTEMPTS: value })).toEqual({ ...DEFAULT_RETRY, maxAttempts: attempts });
  });

  it.each(['0', '21', '2.5', '-1', 'three', '1e1'])('refuses %j with a usage error that says what is allowed', (value) => {
    expect(() => maxAttemptsFromEnvironment(5, { AWS_MAX_ATTEMPTS: value }, 'S3')).toThrow(
      new UsageError(`AWS_MAX_ATTEMPTS is "${value}": it must be a whole number of attempts per call, from 1 (no retry) to 20; unset it for the default of 5 attempts per S3 call`),
    );
  });
});

describe('createAmbClient', () => {
  let harness: GovernanceSim;
  const saved = { ...process.env };
  beforeAll(async () => {
    harness = await GovernanceSim.start();
  });
  afterAll(() => harness.stop());
  afterEach(() => {
    for (const name of ['AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN', 'AWS_ENDPOINT_URL']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it.each(['AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN', 'AWS_ENDPOINT_URL'])('sends requests to the endpoint in %s', async (variable) => {
    delete process.env.AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN;
    delete process.env.AWS_ENDPOINT_URL;
    process.env[variable] = harness.sim.endpoint;
    const client = createAmbClient({ region: 'us-east-1', credentials: { accessKeyId: '111122223333', secretAccessKey: 'test' } });
    const before = harness.sim.requestCount();
    await client.send(new ListNetworksCommand({}));
    client.destroy();
    expect(harness.sim.requestCount()).toBe(before + 1);
  });
});

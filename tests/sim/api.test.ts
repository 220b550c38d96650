/**
 * The API surface as clients meet it: pagination with each operation's real page maximum,
 * errors on the wire, idempotency tokens, accounts and regions from the SigV4 scope, injected
 * faults, and the simulator's control routes.
 */
import {
  CreateMemberCommand,
  CreateNetworkCommand,
  CreateNodeCommand,
  CreateProposalCommand,
  DeleteNodeCommand,
  GetMemberCommand,
  GetNetworkCommand,
  GetProposalCommand,
  ListInvitationsCommand,
  ListMembersCommand,
  ListNetworksCommand,
  ListNodesCommand,
  ListProposalsCommand,
  ListProposalVotesCommand,
  ManagedBlockchainClient,
  paginateListNetworks,
} from '@aws-sdk/client-managedblockchain';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { startSimulator, type RunningSimulator } from '../../sim';
import { account, clientFor, Consortium, createNetworkInput, memberConfiguration } from './helpers/sdk';

const HOUR = 3_600_000;

/** A raw HTTP call signed (in scope only) as the given account. */
function rawCall(simulator: RunningSimulator, method: string, path: string, body?: string, accountId = account(1)) {
  return fetch(`${simulator.endpoint}${path}`, {
    method,
    body,
    headers: {
      'content-type': 'application/json',
      authorization: `AWS4-HMAC-SHA256 Credential=${accountId}/20260101/us-east-1/managedblockchain/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
}

describe('pagination with the real page maximums', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.stop());

  it('pages ListNetworks 10 at a time and refuses MaxResults above 10', async () => {
    const client = clientFor(simulator, account(20));
    for (let index = 0; index < 11; index++) await client.send(new CreateNetworkCommand(createNetworkInput()));
    const first = await client.send(new ListNetworksCommand({}));
    expect(first.Networks).toHaveLength(10);
    const second = await client.send(new ListNetworksCommand({ NextToken: first.NextToken }));
    expect(second.Networks).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    const all = [];
    for await (const page of paginateListNetworks({ client }, {})) all.push(...(page.Networks ?? []));
    expect(new Set(all.map((network) => network.Id)).size).toBe(11);
    await expect(client.send(new ListNetworksCommand({ MaxResults: 11 }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('pages ListProposals 100 at a time and refuses MaxResults above 100', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    for (let index = 0; index < 101; index++) {
      await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    }
    const { client } = consortium.founder;
    const first = await client.send(new ListProposalsCommand({ NetworkId: consortium.networkId }));
    expect(first.Proposals).toHaveLength(100);
    const second = await client.send(new ListProposalsCommand({ NetworkId: consortium.networkId, NextToken: first.NextToken }));
    expect(second.Proposals).toHaveLength(1);
    await expect(
      client.send(new ListProposalsCommand({ NetworkId: consortium.networkId, MaxResults: 101 })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it('pages ListNodes 20 at a time, deleted nodes included, and refuses MaxResults above 20', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { client, memberId } = consortium.founder;
    const NetworkId = consortium.networkId;
    for (let index = 0; index < 21; index++) {
      const { NodeId } = await client.send(
        new CreateNodeCommand({ NetworkId, MemberId: memberId, NodeConfiguration: { InstanceType: 'bc.t3.small', AvailabilityZone: 'us-east-1a' } }),
      );
      await client.send(new DeleteNodeCommand({ NetworkId, MemberId: memberId, NodeId }));
    }
    const first = await client.send(new ListNodesCommand({ NetworkId, MemberId: memberId }));
    expect(first.Nodes).toHaveLength(20);
    const second = await client.send(new ListNodesCommand({ NetworkId, MemberId: memberId, NextToken: first.NextToken }));
    expect(second.Nodes).toHaveLength(1);
    await expect(client.send(new ListNodesCommand({ NetworkId, MemberId: memberId, MaxResults: 21 }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
  });

  it('pages ListMembers with a smaller MaxResults and refuses MaxResults above 20', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    await consortium.join(account(2), 'bank');
    await consortium.join(account(3), 'ott');
    const { client } = consortium.founder;
    const first = await client.send(new ListMembersCommand({ NetworkId: consortium.networkId, MaxResults: 2 }));
    const second = await client.send(
      new ListMembersCommand({ NetworkId: consortium.networkId, MaxResults: 2, NextToken: first.NextToken }),
    );
    expect([...first.Members!, ...second.Members!].map((member) => member.Name)).toEqual(['filmmaker', 'bank', 'ott']);
    await expect(
      client.send(new ListMembersCommand({ NetworkId: consortium.networkId, MaxResults: 21 })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it('refuses MaxResults above 100 for ListProposalVotes and ListInvitations', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    const { client } = consortium.founder;
    await expect(
      client.send(new ListProposalVotesCommand({ NetworkId: consortium.networkId, ProposalId: proposalId, MaxResults: 101 })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(client.send(new ListInvitationsCommand({ MaxResults: 101 }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
    await expect(client.send(new ListInvitationsCommand({ MaxResults: 100 }))).resolves.toBeDefined();
  });

  it('refuses a NextToken that another operation issued', async () => {
    const client = clientFor(simulator, account(20));
    const { NextToken } = await client.send(new ListNetworksCommand({ MaxResults: 1 }));
    const consortium = await Consortium.found(simulator, account(20));
    await expect(
      client.send(new ListMembersCommand({ NetworkId: consortium.networkId, NextToken })),
    ).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });
});

describe('the wire format', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.stop());

  it('sends errors as x-amzn-ErrorType with a message body', async () => {
    const response = await rawCall(simulator, 'GET', '/networks/n-AAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({ message: expect.stringContaining('n-AAAAAAAAAAAAAAAAAAAAAAAAAA') });
  });

  it('answers a path no operation serves with 404 UnknownOperationException', async () => {
    const response = await rawCall(simulator, 'GET', '/accessors');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  it('refuses a body that is not JSON with InvalidRequestException', async () => {
    const response = await rawCall(simulator, 'POST', '/networks', '{not json');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
  });

  it('writes timestamps as ISO 8601 strings and omits absent fields', async () => {
    const created = (await (await rawCall(simulator, 'POST', '/networks', JSON.stringify(createNetworkInput()))).json()) as {
      NetworkId: string;
    };
    const { Network } = (await (await rawCall(simulator, 'GET', `/networks/${created.NetworkId}`)).json()) as {
      Network: Record<string, unknown>;
    };
    expect(Network.CreationDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Network).not.toHaveProperty('Description');
  });

  it('names the field and the rule in InvalidRequest messages', async () => {
    const client = clientFor(simulator, account(1));
    const input = createNetworkInput();
    input.VotingPolicy.ApprovalThresholdPolicy = { ...input.VotingPolicy.ApprovalThresholdPolicy, ProposalDurationInHours: 169 };
    await expect(client.send(new CreateNetworkCommand(input))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/VotingPolicy\.ApprovalThresholdPolicy\.ProposalDurationInHours 169 .*1 and 168/),
    });
  });
});

describe('idempotency tokens', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.stop());

  it('returns the same network for the same ClientRequestToken from the same account, and creates one', async () => {
    const client = clientFor(simulator, account(30));
    const input = { ...createNetworkInput(), ClientRequestToken: 'network-token' };
    const first = await client.send(new CreateNetworkCommand(input));
    const again = await client.send(new CreateNetworkCommand(input));
    expect(again).toMatchObject({ NetworkId: first.NetworkId, MemberId: first.MemberId });
    expect((await client.send(new ListNetworksCommand({}))).Networks).toHaveLength(1);
  });

  it('treats the same token from another account as a new request', async () => {
    const input = { ...createNetworkInput(), ClientRequestToken: 'shared-token' };
    const first = await clientFor(simulator, account(31)).send(new CreateNetworkCommand(input));
    const other = await clientFor(simulator, account(32)).send(new CreateNetworkCommand(input));
    expect(other.NetworkId).not.toBe(first.NetworkId);
  });

  it('replays CreateProposal, CreateNode and CreateMember for a repeated token', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { client, memberId } = consortium.founder;
    const NetworkId = consortium.networkId;
    const proposal = new CreateProposalCommand({
      NetworkId,
      MemberId: memberId,
      Actions: { Invitations: [{ Principal: account(2) }] },
      ClientRequestToken: 'proposal-token',
    });
    const { ProposalId } = await client.send(proposal);
    expect((await client.send(proposal)).ProposalId).toBe(ProposalId);
    expect((await client.send(new ListProposalsCommand({ NetworkId }))).Proposals).toHaveLength(1);

    const node = new CreateNodeCommand({
      NetworkId,
      MemberId: memberId,
      NodeConfiguration: { InstanceType: 'bc.t3.small', AvailabilityZone: 'us-east-1a' },
      ClientRequestToken: 'node-token',
    });
    const { NodeId } = await client.send(node);
    expect((await client.send(node)).NodeId).toBe(NodeId);
    expect((await client.send(new ListNodesCommand({ NetworkId, MemberId: memberId }))).Nodes).toHaveLength(1);

    await consortium.vote(consortium.founder, ProposalId!, 'YES');
    const bank = clientFor(simulator, account(2));
    const { Invitations } = await bank.send(new ListInvitationsCommand({}));
    const member = new CreateMemberCommand({
      NetworkId,
      InvitationId: Invitations![0].InvitationId,
      MemberConfiguration: memberConfiguration('bank'),
      ClientRequestToken: 'member-token',
    });
    const { MemberId } = await bank.send(member);
    expect((await bank.send(member)).MemberId).toBe(MemberId);
    expect((await client.send(new ListMembersCommand({ NetworkId }))).Members).toHaveLength(2);
  });
});

describe('accounts and regions from the SigV4 scope', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.stop());

  it('keeps a network in the region it was created in', async () => {
    const ireland = clientFor(simulator, account(1), { region: 'eu-west-1' });
    const { NetworkId } = await ireland.send(new CreateNetworkCommand(createNetworkInput()));
    const { Network } = await ireland.send(new GetNetworkCommand({ NetworkId }));
    expect(Network?.Arn).toBe(`arn:aws:managedblockchain:eu-west-1::networks/${NetworkId}`);
    expect(Network?.VpcEndpointServiceName).toBe(`com.amazonaws.eu-west-1.managedblockchain.${NetworkId!.toLowerCase()}`);
    await expect(clientFor(simulator, account(1)).send(new GetNetworkCommand({ NetworkId }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('refuses to create a network in a region without AMB Hyperledger Fabric', async () => {
    const oregon = clientFor(simulator, account(1), { region: 'us-west-2' });
    await expect(oregon.send(new CreateNetworkCommand(createNetworkInput()))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringContaining('us-west-2'),
    });
  });

  it('acts as account 000000000000 for an access key id that is not 12 digits', async () => {
    const client = new ManagedBlockchainClient({
      endpoint: simulator.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAEXAMPLEKEY', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const { NetworkId, MemberId } = await client.send(new CreateNetworkCommand(createNetworkInput()));
    const { Member } = await client.send(new GetMemberCommand({ NetworkId, MemberId }));
    expect(Member?.Arn).toContain(':000000000000:members/');
  });

  it('refuses reads of a network to an account with no member or invitation in it', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    await expect(
      clientFor(simulator, account(7)).send(new GetNetworkCommand({ NetworkId: consortium.networkId })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  });
});

describe('fault injection', () => {
  const outcomes = async (simulator: RunningSimulator, calls: number): Promise<string[]> => {
    const client = clientFor(simulator, account(1));
    const seen: string[] = [];
    for (let index = 0; index < calls; index++) {
      await client.send(new ListNetworksCommand({})).then(
        () => seen.push('ok'),
        (error) => seen.push(`${error.name} ${error.$metadata.httpStatusCode}`),
      );
    }
    return seen;
  };

  it('throttles (429) and fails (500) a seeded share of requests, identically for the same seed', async () => {
    const faults = { throttleRate: 0.3, serverErrorRate: 0.2, seed: 42 };
    const runs: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const simulator = await startSimulator({ faults });
      runs.push(await outcomes(simulator, 40));
      await simulator.stop();
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]).toContain('ThrottlingException 429');
    expect(runs[0]).toContain('InternalServiceErrorException 500');
    expect(runs[0]).toContain('ok');
  });

  it('lets an SDK client with retries ride through faults, counting every attempt as a request', async () => {
    const simulator = await startSimulator({ faults: { throttleRate: 0.25, serverErrorRate: 0.25, seed: 7 } });
    try {
      const client = new ManagedBlockchainClient({
        endpoint: simulator.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: account(1), secretAccessKey: 'x' },
        retryStrategy: new ConfiguredRetryStrategy(20, () => 1),
      });
      const { NetworkId } = await client.send(new CreateNetworkCommand(createNetworkInput()));
      for (let index = 0; index < 10; index++) await client.send(new GetNetworkCommand({ NetworkId }));
      expect((await client.send(new ListNetworksCommand({}))).Networks).toHaveLength(1);
      expect(simulator.requestCount()).toBeGreaterThan(12);
      expect(simulator.requestsByOperation()).toMatchObject({
        CreateNetwork: expect.any(Number),
        GetNetwork: expect.any(Number),
        ListNetworks: expect.any(Number),
      });
    } finally {
      await simulator.stop();
    }
  });

  it('adds the configured latency and clears faults with setFaults', async () => {
    const simulator = await startSimulator({ faults: { latencyMs: 150, throttleRate: 1 } });
    try {
      const client = clientFor(simulator, account(1));
      const started = Date.now();
      await expect(client.send(new ListNetworksCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      simulator.setFaults({});
      await expect(client.send(new ListNetworksCommand({}))).resolves.toBeDefined();
      expect(simulator.requestsByOperation()).toEqual({ ListNetworks: 2 });
    } finally {
      await simulator.stop();
    }
  });
});

describe('control routes', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.stop());

  it('advances the clock over HTTP, expiring proposals', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const proposalId = await consortium.propose(consortium.founder, { Invitations: [{ Principal: account(9) }] });
    const response = await fetch(`${simulator.endpoint}/_sim/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 25 * HOUR }),
    });
    expect(await response.json()).toMatchObject({ offsetMs: 25 * HOUR });
    const { Proposal } = await consortium.founder.client.send(
      new GetProposalCommand({ NetworkId: consortium.networkId, ProposalId: proposalId }),
    );
    expect(Proposal?.Status).toBe('EXPIRED');
  });

  it('refuses to move the clock backwards', async () => {
    const response = await fetch(`${simulator.endpoint}/_sim/clock`, { method: 'POST', body: '{"advanceMs": -1}' });
    expect(response.status).toBe(400);
  });

  it('sets faults over HTTP and reports request counts without counting itself', async () => {
    const before = simulator.requestCount();
    const put = await fetch(`${simulator.endpoint}/_sim/faults`, { method: 'PUT', body: '{"throttleRate": 1}' });
    expect(await put.json()).toMatchObject({ throttleRate: 1, serverErrorRate: 0 });
    await expect(clientFor(simulator, account(1)).send(new ListNetworksCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await fetch(`${simulator.endpoint}/_sim/faults`, { method: 'PUT', body: '{}' });
    const stats = (await (await fetch(`${simulator.endpoint}/_sim/stats`)).json()) as {
      requestCount: number;
      requestsByOperation: Record<string, number>;
    };
    expect(stats.requestCount).toBe(before + 1);
    expect(stats.requestsByOperation.ListNetworks).toBeGreaterThanOrEqual(1);
  });

  it('refuses an impossible fault rate', async () => {
    const put = await fetch(`${simulator.endpoint}/_sim/faults`, { method: 'PUT', body: '{"throttleRate": 2}' });
    expect(put.status).toBe(400);
  });
});

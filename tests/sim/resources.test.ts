/**
 * Networks, members and nodes through the AWS SDK: lifecycles on the simulated clock,
 * endpoints and ports, ARNs, edition limits, naming rules and who may act on what.
 */
import {
  CreateMemberCommand,
  CreateNetworkCommand,
  CreateNodeCommand,
  CreateProposalCommand,
  DeleteMemberCommand,
  DeleteNodeCommand,
  GetMemberCommand,
  GetNetworkCommand,
  GetNodeCommand,
  ListInvitationsCommand,
  ListMembersCommand,
  ListNodesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateMemberCommand,
  UpdateNodeCommand,
  VoteOnProposalCommand,
  type ManagedBlockchainClient,
} from '@aws-sdk/client-managedblockchain';
import { FABRIC_PORT_RANGE, vpcEndpointServiceName } from '../../lib/amb';
import { startSimulator, type RunningSimulator } from '../../sim';
import { account, clientFor, Consortium, createNetworkInput, FABRIC_ADMIN, memberConfiguration, type Seat } from './helpers/sdk';

const DELAY_MS = 30 * 60_000;

const nodeInput = (consortium: Consortium, seat: Seat, instanceType = 'bc.t3.small') =>
  new CreateNodeCommand({
    NetworkId: consortium.networkId,
    MemberId: seat.memberId,
    NodeConfiguration: { InstanceType: instanceType, AvailabilityZone: 'us-east-1a' },
  });

const portOf = (endpoint: string | undefined): number => Number(endpoint?.split(':').pop());

describe('with an instant creation delay', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator();
  });
  afterAll(() => simulator.stop());

  it('creates a network with its founder member, both AVAILABLE from the first read', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { client, memberId } = consortium.founder;
    const { Network } = await client.send(new GetNetworkCommand({ NetworkId: consortium.networkId }));
    const { Member } = await client.send(new GetMemberCommand({ NetworkId: consortium.networkId, MemberId: memberId }));
    expect(Network).toMatchObject({ Status: 'AVAILABLE', Name: 'filmmakers', FrameworkVersion: '2.2' });
    expect(Member).toMatchObject({ Status: 'AVAILABLE', Name: 'filmmaker', NetworkId: consortium.networkId });
  });

  it('gives ids the shape of AMB ids', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { NodeId } = await consortium.founder.client.send(nodeInput(consortium, consortium.founder));
    expect(consortium.networkId).toMatch(/^n-[A-Z0-9]{26}$/);
    expect(consortium.founder.memberId).toMatch(/^m-[A-Z0-9]{26}$/);
    expect(NodeId).toMatch(/^nd-[A-Z0-9]{26}$/);
  });

  it('reports the VPC endpoint service name and the orderer endpoint as AMB writes them', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { Network } = await consortium.founder.client.send(new GetNetworkCommand({ NetworkId: consortium.networkId }));
    const lower = consortium.networkId.toLowerCase();
    expect(Network?.VpcEndpointServiceName).toBe(vpcEndpointServiceName('us-east-1', consortium.networkId));
    expect(Network?.VpcEndpointServiceName).toBe(`com.amazonaws.us-east-1.managedblockchain.${lower}`);
    expect(Network?.FrameworkAttributes?.Fabric?.OrderingServiceEndpoint).toMatch(
      new RegExp(`^orderer\\.${lower}\\.managedblockchain\\.us-east-1\\.amazonaws\\.com:3\\d{4}$`),
    );
  });

  it('puts the owning account in member and node ARNs and no account in the network ARN', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { client, memberId } = consortium.founder;
    const { NodeId } = await client.send(nodeInput(consortium, consortium.founder));
    const { Network } = await client.send(new GetNetworkCommand({ NetworkId: consortium.networkId }));
    const { Member } = await client.send(new GetMemberCommand({ NetworkId: consortium.networkId, MemberId: memberId }));
    const { Node } = await client.send(new GetNodeCommand({ NetworkId: consortium.networkId, MemberId: memberId, NodeId }));
    expect(Network?.Arn).toBe(`arn:aws:managedblockchain:us-east-1::networks/${consortium.networkId}`);
    expect(Member?.Arn).toBe(`arn:aws:managedblockchain:us-east-1:${account(1)}:members/${memberId}`);
    expect(Node?.Arn).toBe(`arn:aws:managedblockchain:us-east-1:${account(1)}:nodes/${NodeId}`);
  });

  it('gives each member its own CA and peer ports inside the Fabric port range', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const bank = await consortium.join(account(2), 'bank');
    const ports: number[] = [];
    for (const seat of [consortium.founder, bank]) {
      const { NodeId } = await seat.client.send(nodeInput(consortium, seat));
      const { Member } = await seat.client.send(
        new GetMemberCommand({ NetworkId: consortium.networkId, MemberId: seat.memberId }),
      );
      const { Node } = await seat.client.send(
        new GetNodeCommand({ NetworkId: consortium.networkId, MemberId: seat.memberId, NodeId }),
      );
      const fabric = Node?.FrameworkAttributes?.Fabric;
      expect(Member?.FrameworkAttributes?.Fabric?.CaEndpoint).toMatch(
        new RegExp(`^ca\\.${seat.memberId.toLowerCase()}\\.${consortium.networkId.toLowerCase()}\\.managedblockchain\\.`),
      );
      expect(fabric?.PeerEndpoint).toMatch(new RegExp(`^${NodeId!.toLowerCase()}\\.${seat.memberId.toLowerCase()}\\.`));
      ports.push(portOf(Member?.FrameworkAttributes?.Fabric?.CaEndpoint), portOf(fabric?.PeerEndpoint), portOf(fabric?.PeerEventEndpoint));
    }
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(FABRIC_PORT_RANGE.from);
      expect(port).toBeLessThanOrEqual(FABRIC_PORT_RANGE.to);
    }
  });

  it('refuses a sixth member in a STARTER network with ResourceLimitExceeded', async () => {
    const consortium = await Consortium.found(simulator, account(1), { edition: 'STARTER' });
    for (let index = 2; index <= 5; index++) await consortium.join(account(index), `member${index}`);
    await expect(consortium.join(account(6), 'member6')).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
  });

  it('refuses a third peer node for a STARTER member with ResourceLimitExceeded', async () => {
    const consortium = await Consortium.found(simulator, account(1), { edition: 'STARTER' });
    const { client } = consortium.founder;
    await client.send(nodeInput(consortium, consortium.founder));
    await client.send(nodeInput(consortium, consortium.founder, 'bc.t3.medium'));
    await expect(client.send(nodeInput(consortium, consortium.founder))).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
  });

  it('refuses an instance type the edition does not offer, naming the ones it does', async () => {
    const starter = await Consortium.found(simulator, account(1), { edition: 'STARTER' });
    await expect(starter.founder.client.send(nodeInput(starter, starter.founder, 'bc.m5.large'))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringContaining('bc.t3.small, bc.t3.medium'),
    });
    const standard = await Consortium.found(simulator, account(1), { edition: 'STANDARD' });
    await expect(standard.founder.client.send(nodeInput(standard, standard.founder, 'bc.c5.4xlarge'))).resolves.toBeDefined();
  });

  it('refuses an Availability Zone outside the region', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const command = new CreateNodeCommand({
      NetworkId: consortium.networkId,
      MemberId: consortium.founder.memberId,
      NodeConfiguration: { InstanceType: 'bc.t3.small', AvailabilityZone: 'eu-west-1a' },
    });
    await expect(consortium.founder.client.send(command)).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it.each(['1bank', '-bank', 'bank-', 'ba--nk', 'bank_1', 'b'.repeat(65)])(
    'refuses the member name %j with InvalidRequest',
    async (name) => {
      const client = clientFor(simulator, account(1));
      const input = { ...createNetworkInput(), MemberConfiguration: memberConfiguration(name) };
      await expect(client.send(new CreateNetworkCommand(input))).rejects.toMatchObject({
        name: 'InvalidRequestException',
        $metadata: { httpStatusCode: 400 },
      });
    },
  );

  it.each(['1admin', 'admin_1', 'a'.repeat(17), ''])('refuses the admin username %j', async (username) => {
    const client = clientFor(simulator, account(1));
    const input = createNetworkInput();
    input.MemberConfiguration.FrameworkConfiguration.Fabric = { ...FABRIC_ADMIN, AdminUsername: username };
    await expect(client.send(new CreateNetworkCommand(input))).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it.each([
    ['too short', 'Sh0rtPw'],
    ['too long', `Aa1${'x'.repeat(30)}`],
    ['no upper case', 'lowercase123'],
    ['no lower case', 'UPPERCASE123'],
    ['no digit', 'NoDigitsHere'],
    ['an @', 'Has@Sign123'],
    ['a double quote', 'Has"Quote123'],
    ['a single quote', "Has'Quote123"],
    ['a slash', 'Has/Slash123'],
    ['a backslash', 'Has\\Slash123'],
    ['a space', 'Has Space123'],
  ])('refuses an admin password with %s', async (_, password) => {
    const client = clientFor(simulator, account(1));
    const input = createNetworkInput();
    input.MemberConfiguration.FrameworkConfiguration.Fabric = { ...FABRIC_ADMIN, AdminPassword: password };
    await expect(client.send(new CreateNetworkCommand(input))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringContaining('AdminPassword'),
    });
  });

  it('refuses a second member with a name already taken with ResourceAlreadyExists', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    await expect(consortium.join(account(2), 'filmmaker')).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('marks IsOwned from the caller account and filters members by it', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const bank = await consortium.join(account(2), 'bank');
    const { Members } = await bank.client.send(new ListMembersCommand({ NetworkId: consortium.networkId }));
    expect(Members?.map((member) => [member.Name, member.IsOwned])).toEqual([
      ['filmmaker', false],
      ['bank', true],
    ]);
    const owned = await bank.client.send(new ListMembersCommand({ NetworkId: consortium.networkId, IsOwned: true }));
    expect(owned.Members?.map((member) => member.Id)).toEqual([bank.memberId]);
  });

  it("keeps peer nodes private: another account's GetNode, ListNodes and CreateNode are AccessDenied", async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const bank = await consortium.join(account(2), 'bank');
    const { NodeId } = await bank.client.send(nodeInput(consortium, bank));
    const other: ManagedBlockchainClient = consortium.founder.client;
    const denied = { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } };
    await expect(
      other.send(new GetNodeCommand({ NetworkId: consortium.networkId, MemberId: bank.memberId, NodeId })),
    ).rejects.toMatchObject(denied);
    await expect(
      other.send(new ListNodesCommand({ NetworkId: consortium.networkId, MemberId: bank.memberId })),
    ).rejects.toMatchObject(denied);
    await expect(other.send(nodeInput(consortium, bank))).rejects.toMatchObject(denied);
  });

  it('updates member and node logging with UpdateMember and UpdateNode', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { client, memberId } = consortium.founder;
    const { NodeId } = await client.send(nodeInput(consortium, consortium.founder));
    const enabled = { Cloudwatch: { Enabled: true } };
    await client.send(
      new UpdateMemberCommand({
        NetworkId: consortium.networkId,
        MemberId: memberId,
        LogPublishingConfiguration: { Fabric: { CaLogs: enabled } },
      }),
    );
    await client.send(
      new UpdateNodeCommand({
        NetworkId: consortium.networkId,
        MemberId: memberId,
        NodeId,
        LogPublishingConfiguration: { Fabric: { PeerLogs: enabled, ChaincodeLogs: enabled } },
      }),
    );
    const { Member } = await client.send(new GetMemberCommand({ NetworkId: consortium.networkId, MemberId: memberId }));
    const { Node } = await client.send(new GetNodeCommand({ NetworkId: consortium.networkId, MemberId: memberId, NodeId }));
    expect(Member?.LogPublishingConfiguration).toEqual({ Fabric: { CaLogs: enabled } });
    expect(Node?.LogPublishingConfiguration).toEqual({ Fabric: { ChaincodeLogs: enabled, PeerLogs: enabled } });
  });

  it('refuses UpdateMember from an account that does not own the member with AccessDenied', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const bank = await consortium.join(account(2), 'bank');
    const command = new UpdateMemberCommand({
      NetworkId: consortium.networkId,
      MemberId: consortium.founder.memberId,
      LogPublishingConfiguration: { Fabric: { CaLogs: { Cloudwatch: { Enabled: true } } } },
    });
    await expect(bank.client.send(command)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('deletes a node and frees its slot for a new one', async () => {
    const consortium = await Consortium.found(simulator, account(1), { edition: 'STARTER' });
    const { client, memberId } = consortium.founder;
    const first = await client.send(nodeInput(consortium, consortium.founder));
    await client.send(nodeInput(consortium, consortium.founder));
    await client.send(new DeleteNodeCommand({ NetworkId: consortium.networkId, MemberId: memberId, NodeId: first.NodeId }));
    const { Node } = await client.send(
      new GetNodeCommand({ NetworkId: consortium.networkId, MemberId: memberId, NodeId: first.NodeId }),
    );
    expect(Node?.Status).toBe('DELETED');
    await expect(client.send(nodeInput(consortium, consortium.founder))).resolves.toBeDefined();
  });

  it('lets only the owning account delete a member; its nodes go with it', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const bank = await consortium.join(account(2), 'bank');
    const { NodeId } = await bank.client.send(nodeInput(consortium, bank));
    const deleteBank = new DeleteMemberCommand({ NetworkId: consortium.networkId, MemberId: bank.memberId });
    await expect(consortium.founder.client.send(deleteBank)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await bank.client.send(deleteBank);
    const { Members } = await consortium.founder.client.send(new ListMembersCommand({ NetworkId: consortium.networkId }));
    expect(Members?.find((member) => member.Id === bank.memberId)?.Status).toBe('DELETED');
    await expect(
      bank.client.send(new GetNodeCommand({ NetworkId: consortium.networkId, MemberId: bank.memberId, NodeId })),
    ).resolves.toMatchObject({ Node: { Status: 'DELETED' } });
  });

  it('deletes the network with its last member', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { client, memberId } = consortium.founder;
    await client.send(new DeleteMemberCommand({ NetworkId: consortium.networkId, MemberId: memberId }));
    const { Network } = await client.send(new GetNetworkCommand({ NetworkId: consortium.networkId }));
    expect(Network?.Status).toBe('DELETED');
  });

  it('tags resources on creation and with TagResource / UntagResource', async () => {
    const client = clientFor(simulator, account(1));
    const input = { ...createNetworkInput(), Tags: { consortium: 'films' } };
    const { NetworkId } = await client.send(new CreateNetworkCommand(input));
    const { Network } = await client.send(new GetNetworkCommand({ NetworkId }));
    const ResourceArn = Network!.Arn!;
    expect(Network?.Tags).toEqual({ consortium: 'films' });
    await client.send(new TagResourceCommand({ ResourceArn, Tags: { stage: 'rehearsal', owner: 'ops' } }));
    await client.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['owner'] }));
    const { Tags } = await client.send(new ListTagsForResourceCommand({ ResourceArn }));
    expect(Tags).toEqual({ consortium: 'films', stage: 'rehearsal' });
  });

  it('refuses a 51st tag with TooManyTagsException', async () => {
    const consortium = await Consortium.found(simulator, account(1));
    const { client, memberId } = consortium.founder;
    const { Member } = await client.send(new GetMemberCommand({ NetworkId: consortium.networkId, MemberId: memberId }));
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`key${index}`, 'value']));
    await client.send(new TagResourceCommand({ ResourceArn: Member!.Arn, Tags: fifty }));
    await expect(
      client.send(new TagResourceCommand({ ResourceArn: Member!.Arn, Tags: { oneTooMany: 'value' } })),
    ).rejects.toMatchObject({ name: 'TooManyTagsException', $metadata: { httpStatusCode: 400 } });
  });

  it('answers ResourceNotFound for a tag call on an unknown ARN', async () => {
    const client = clientFor(simulator, account(1));
    const ResourceArn = 'arn:aws:managedblockchain:us-east-1::networks/n-AAAAAAAAAAAAAAAAAAAAAAAAAA';
    await expect(client.send(new ListTagsForResourceCommand({ ResourceArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('with a 30-minute creation delay on the simulated clock', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ nodeCreationDelayMs: DELAY_MS });
  });
  afterAll(() => simulator.stop());

  it('keeps a new network and founder CREATING, without endpoints, until the clock passes the delay', async () => {
    const client = clientFor(simulator, account(1));
    const { NetworkId, MemberId } = await client.send(new CreateNetworkCommand(createNetworkInput()));
    const creating = await client.send(new GetNetworkCommand({ NetworkId }));
    expect(creating.Network).toMatchObject({ Status: 'CREATING' });
    expect(creating.Network?.VpcEndpointServiceName).toBeUndefined();
    expect((await client.send(new GetMemberCommand({ NetworkId, MemberId }))).Member?.Status).toBe('CREATING');

    simulator.advanceClock(DELAY_MS - 1000);
    expect((await client.send(new GetNetworkCommand({ NetworkId }))).Network?.Status).toBe('CREATING');
    simulator.advanceClock(1000);
    const available = await client.send(new GetNetworkCommand({ NetworkId }));
    expect(available.Network).toMatchObject({ Status: 'AVAILABLE', VpcEndpointServiceName: expect.any(String) });
    const member = await client.send(new GetMemberCommand({ NetworkId, MemberId }));
    expect(member.Member).toMatchObject({ Status: 'AVAILABLE', FrameworkAttributes: { Fabric: { CaEndpoint: expect.any(String) } } });
  });

  it('refuses a node for a member still CREATING with ResourceNotReady, then creates it CREATING -> AVAILABLE', async () => {
    const client = clientFor(simulator, account(1));
    const { NetworkId, MemberId } = await client.send(new CreateNetworkCommand(createNetworkInput()));
    const create = new CreateNodeCommand({
      NetworkId,
      MemberId,
      NodeConfiguration: { InstanceType: 'bc.t3.small', AvailabilityZone: 'us-east-1b' },
    });
    await expect(client.send(create)).rejects.toMatchObject({
      name: 'ResourceNotReadyException',
      $metadata: { httpStatusCode: 409 },
    });
    simulator.advanceClock(DELAY_MS);
    const { NodeId } = await client.send(create);
    const read = () => client.send(new GetNodeCommand({ NetworkId, MemberId, NodeId }));
    expect((await read()).Node).toMatchObject({ Status: 'CREATING' });
    expect((await read()).Node?.FrameworkAttributes?.Fabric?.PeerEndpoint).toBeUndefined();
    simulator.advanceClock(DELAY_MS);
    expect((await read()).Node).toMatchObject({
      Status: 'AVAILABLE',
      StateDB: 'CouchDB',
      FrameworkAttributes: { Fabric: { PeerEndpoint: expect.any(String), PeerEventEndpoint: expect.any(String) } },
    });
  });

  it('takes a deleted node through DELETING to DELETED', async () => {
    const client = clientFor(simulator, account(1));
    const { NetworkId, MemberId } = await client.send(new CreateNetworkCommand(createNetworkInput()));
    simulator.advanceClock(DELAY_MS);
    const { NodeId } = await client.send(
      new CreateNodeCommand({ NetworkId, MemberId, NodeConfiguration: { InstanceType: 'bc.t3.small', AvailabilityZone: 'us-east-1a' } }),
    );
    simulator.advanceClock(DELAY_MS);
    await client.send(new DeleteNodeCommand({ NetworkId, MemberId, NodeId }));
    const status = async () => (await client.send(new GetNodeCommand({ NetworkId, MemberId, NodeId }))).Node?.Status;
    expect(await status()).toBe('DELETING');
    simulator.advanceClock(DELAY_MS);
    expect(await status()).toBe('DELETED');
    const { Nodes } = await client.send(new ListNodesCommand({ NetworkId, MemberId, Status: 'DELETED' }));
    expect(Nodes?.map((node) => node.Id)).toEqual([NodeId]);
  });

  it('creates a joining member CREATING and makes it AVAILABLE after the delay', async () => {
    const founderClient = clientFor(simulator, account(1));
    const { NetworkId, MemberId } = await founderClient.send(new CreateNetworkCommand(createNetworkInput()));
    simulator.advanceClock(DELAY_MS);
    const { ProposalId } = await founderClient.send(
      new CreateProposalCommand({ NetworkId, MemberId, Actions: { Invitations: [{ Principal: account(2) }] } }),
    );
    await founderClient.send(new VoteOnProposalCommand({ NetworkId, ProposalId, VoterMemberId: MemberId, Vote: 'YES' }));
    const bankClient = clientFor(simulator, account(2));
    const { Invitations } = await bankClient.send(new ListInvitationsCommand({}));
    const joined = await bankClient.send(
      new CreateMemberCommand({ NetworkId, InvitationId: Invitations![0].InvitationId, MemberConfiguration: memberConfiguration('bank') }),
    );
    const status = async () =>
      (await bankClient.send(new GetMemberCommand({ NetworkId, MemberId: joined.MemberId }))).Member?.Status;
    expect(await status()).toBe('CREATING');
    simulator.advanceClock(DELAY_MS);
    expect(await status()).toBe('AVAILABLE');
  });
});

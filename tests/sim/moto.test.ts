/**
 * Second opinion: the same short scenario against moto (an independent AMB emulator) and the
 * simulator, comparing the JSON they return field by field: every field moto returns must be
 * in the simulator's answer with the same JSON type, and statuses and counts must agree.
 *
 * Where moto departs from AWS it is left out of the comparison, deliberately:
 * - moto's responses omit many fields AWS returns (Arn and Tags everywhere, Status and
 *   CreationDate on networks, VpcEndpointServiceName, the proposer and dates of proposals,
 *   the contents of proposal Actions, ...), so the comparison runs one way only, from
 *   moto's keys to the simulator's;
 * - moto accepts Fabric 1.2 only, keeps every resource AVAILABLE and serves one account
 *   (it does not read the access key), so the scenario uses 1.2, no creation delay, and
 *   lists the invitation as the invited account on the simulator's side only;
 * - moto answers a vote on a closed proposal with InvalidRequestException, AWS with
 *   IllegalActionException; that call is not compared;
 * - moto prefixes invitation ids with "in-", writes peer endpoints as node.network.member
 *   (AWS: node.member.network) and gives every member ports 30002-30004; only types are
 *   compared for ids and endpoints;
 * - moto does not paginate, so NextToken is never compared.
 */
import { createServer, type Socket } from 'node:net';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { startSimulator, type RunningSimulator } from '../../sim';
import { freePort } from '../../sim/fabric/processes';
import { startMotoServer } from '../../sim/moto';
import { workerMotoServer, type MotoServer } from '../helpers/moto';

const FOUNDER = '111122223333';
const INVITEE = '444455556666';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Answer {
  readonly status: number;
  readonly errorType: string | null;
  readonly body: Json;
}

async function call(endpoint: string, accountId: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${endpoint}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      'content-type': 'application/json',
      authorization: `AWS4-HMAC-SHA256 Credential=${accountId}/20260101/us-east-1/managedblockchain/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const text = await response.text();
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype')?.split(':')[0] ?? null,
    body: text.trim() === '' ? {} : (JSON.parse(text) as Json),
  };
}

/** Key paths of `reference` missing from `candidate` or holding a different JSON type. */
function shapeDifferences(reference: Json, candidate: Json, path = '$'): string[] {
  const kind = (value: Json): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
  if (kind(reference) !== kind(candidate)) return [`${path}: moto ${kind(reference)}, simulator ${kind(candidate)}`];
  if (Array.isArray(reference)) {
    const sample = (candidate as Json[])[0];
    if (reference.length > 0 && sample === undefined) return [`${path}: moto has items, simulator none`];
    return reference.length > 0 ? shapeDifferences(reference[0], sample, `${path}[0]`) : [];
  }
  if (kind(reference) !== 'object') return [];
  const object = candidate as Record<string, Json>;
  return Object.entries(reference as Record<string, Json>).flatMap(([key, value]) =>
    key in object ? shapeDifferences(value, object[key], `${path}.${key}`) : [`${path}.${key}: missing from the simulator`],
  );
}

interface Step {
  readonly name: string;
  readonly moto: Answer;
  readonly simulator: Answer;
}

/** The scenario, run against one endpoint; `invitee` is who lists invitations there. */
async function scenario(endpoint: string, invitee: string): Promise<Map<string, Answer>> {
  const answers = new Map<string, Answer>();
  const record = async (name: string, accountId: string, method: string, path: string, body?: unknown) => {
    const answer = await call(endpoint, accountId, method, path, body);
    answers.set(name, answer);
    return answer.body as Record<string, any>;
  };
  const logging = { Cloudwatch: { Enabled: false } };
  const created = await record('CreateNetwork', FOUNDER, 'POST', '/networks', {
    ClientRequestToken: `token-${endpoint}`,
    Name: 'filmmakers',
    Description: 'second opinion',
    Framework: 'HYPERLEDGER_FABRIC',
    FrameworkVersion: '1.2',
    FrameworkConfiguration: { Fabric: { Edition: 'STARTER' } },
    VotingPolicy: { ApprovalThresholdPolicy: { ThresholdPercentage: 50, ProposalDurationInHours: 24, ThresholdComparator: 'GREATER_THAN' } },
    MemberConfiguration: {
      Name: 'filmmaker',
      Description: 'founder',
      FrameworkConfiguration: { Fabric: { AdminUsername: 'admin', AdminPassword: 'Moto1Password' } },
      LogPublishingConfiguration: { Fabric: { CaLogs: logging } },
    },
  });
  const network = `/networks/${created.NetworkId}`;
  await record('GetNetwork', FOUNDER, 'GET', network);
  await record('ListNetworks', FOUNDER, 'GET', '/networks');
  await record('ListMembers', FOUNDER, 'GET', `${network}/members`);
  await record('GetMember', FOUNDER, 'GET', `${network}/members/${created.MemberId}`);
  const node = await record('CreateNode', FOUNDER, 'POST', `${network}/nodes`, {
    ClientRequestToken: `node-${endpoint}`,
    MemberId: created.MemberId,
    NodeConfiguration: {
      InstanceType: 'bc.t3.small',
      AvailabilityZone: 'us-east-1a',
      LogPublishingConfiguration: { Fabric: { ChaincodeLogs: logging, PeerLogs: logging } },
    },
  });
  await record('GetNode', FOUNDER, 'GET', `${network}/nodes/${node.NodeId}?memberId=${created.MemberId}`);
  await record('ListNodes', FOUNDER, 'GET', `${network}/nodes?memberId=${created.MemberId}`);
  const proposal = await record('CreateProposal', FOUNDER, 'POST', `${network}/proposals`, {
    ClientRequestToken: `proposal-${endpoint}`,
    MemberId: created.MemberId,
    Actions: { Invitations: [{ Principal: INVITEE }] },
    Description: 'invite',
  });
  const proposalPath = `${network}/proposals/${proposal.ProposalId}`;
  await record('GetProposal (open)', FOUNDER, 'GET', proposalPath);
  await record('VoteOnProposal', FOUNDER, 'POST', `${proposalPath}/votes`, { VoterMemberId: created.MemberId, Vote: 'YES' });
  await record('GetProposal (decided)', FOUNDER, 'GET', proposalPath);
  await record('ListProposals', FOUNDER, 'GET', `${network}/proposals`);
  await record('ListProposalVotes', FOUNDER, 'GET', `${proposalPath}/votes`);
  await record('ListInvitations', invitee, 'GET', '/invitations');
  await record('GetNetwork (unknown)', FOUNDER, 'GET', '/networks/n-AAAAAAAAAAAAAAAAAAAAAAAAAA');
  return answers;
}

let moto: MotoServer | undefined;
let simulator: RunningSimulator;
let steps: Step[];

beforeAll(async () => {
  moto = await workerMotoServer();
  simulator = await startSimulator();
  const fromMoto = await scenario(moto.endpoint, FOUNDER);
  const fromSimulator = await scenario(simulator.endpoint, INVITEE);
  steps = [...fromMoto].map(([name, answer]) => ({ name, moto: answer, simulator: fromSimulator.get(name)! }));
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  await simulator?.stop();
});

it('answers every step of the scenario with the HTTP status and error type moto gives', () => {
  const outcome = (answer: Answer) => `${answer.status} ${answer.errorType ?? ''}`.trim();
  expect(steps.map((step) => [step.name, outcome(step.simulator)])).toEqual(
    steps.map((step) => [step.name, outcome(step.moto)]),
  );
  expect(steps.find((step) => step.name === 'GetNetwork (unknown)')?.simulator.errorType).toBe('ResourceNotFoundException');
});

it('returns every field moto returns, with the same JSON type', () => {
  const differences = steps.flatMap((step) =>
    shapeDifferences(step.moto.body, step.simulator.body).map((difference) => `${step.name} ${difference}`),
  );
  expect(differences).toEqual([]);
});

it('agrees with moto on statuses, editions and vote counts', () => {
  const pick = (name: string, select: (body: Record<string, any>) => unknown) =>
    steps
      .filter((step) => step.name === name)
      .map((step) => [select(step.moto.body as Record<string, any>), select(step.simulator.body as Record<string, any>)]);
  const agreeing = [
    ...pick('GetNetwork', (body) => body.Network.FrameworkAttributes.Fabric.Edition),
    ...pick('GetMember', (body) => body.Member.Status),
    ...pick('GetNode', (body) => [body.Node.Status, body.Node.InstanceType, body.Node.AvailabilityZone]),
    ...pick('GetProposal (open)', (body) => [body.Proposal.Status, body.Proposal.OutstandingVoteCount]),
    ...pick('GetProposal (decided)', (body) => [body.Proposal.Status, body.Proposal.YesVoteCount, body.Proposal.NoVoteCount]),
    ...pick('ListProposalVotes', (body) => body.ProposalVotes.map((vote: Record<string, unknown>) => [vote.Vote, vote.MemberName])),
    ...pick('ListInvitations', (body) => body.Invitations.map((invitation: Record<string, unknown>) => invitation.Status)),
  ];
  for (const [fromMoto, fromSimulator] of agreeing) expect(fromSimulator).toEqual(fromMoto);
});

it("the jest worker's moto_server is emptied for every file that takes it: the same server, without what was made before", async () => {
  const before = await workerMotoServer();
  const s3 = new S3Client({ region: 'us-east-1', endpoint: before.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'left-by-an-earlier-file' }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((bucket) => bucket.Name)).toEqual(['left-by-an-earlier-file']);
    const after = await workerMotoServer();
    expect(after.endpoint).toBe(before.endpoint);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  } finally {
    s3.destroy();
  }
});

it('startMotoServer starts moto_server again on a new port when the chosen one was taken before it bound it', async () => {
  // A listener that accepts and never answers: the worst thing to find on a chosen port.
  const taken = createServer();
  const connections = new Set<Socket>();
  taken.on('connection', (socket) => connections.add(socket));
  const takenPort = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
  const chosen: number[] = [];
  const choosePort = async () => {
    const port = chosen.length === 0 ? takenPort : await freePort();
    chosen.push(port);
    return port;
  };
  try {
    const server = await startMotoServer({ choosePort });
    try {
      expect(chosen).toHaveLength(2);
      expect(server.endpoint).toBe(`http://127.0.0.1:${chosen[1]}`);
      expect((await fetch(`${server.endpoint}/moto-api/reset`, { method: 'POST' })).ok).toBe(true);
    } finally {
      await server.stop();
    }
    // The wait for the first moto_server ended with it: nothing probes its port any more. (A
    // probe in flight fails when its connection is destroyed; a live wait would retry in 100 ms.)
    for (const socket of connections) socket.destroy();
    const probes = connections.size;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(connections.size).toBe(probes);
  } finally {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => taken.close(resolve));
  }
});

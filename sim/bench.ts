/**
 * Requests per second the simulator serves through the AWS SDK on loopback, for GetProposal
 * (the voter's polling call) and VoteOnProposal (the governance write path). The simulator
 * runs in its own process, as `npm run sim` does, so the SDK's client-side work (signing,
 * serialising) does not share a CPU with the server being measured.
 * Run: npm run bench:sim
 */
import {
  CreateMemberCommand,
  CreateNetworkCommand,
  CreateProposalCommand,
  GetProposalCommand,
  ListInvitationsCommand,
  ManagedBlockchainClient,
  VoteOnProposalCommand,
} from '@aws-sdk/client-managedblockchain';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { EDITION_LIMITS } from '../lib/amb';
import { plainScriptArgs, runMain } from '../lib/cli';
import { PROJECT_ROOT } from '../lib/project-root';

const GET_REQUESTS = 5000;
const VOTE_REQUESTS = 5000;
/** Untimed calls first, so the figures leave out JIT compilation and connection set-up. */
const WARM_UP_REQUESTS = 500;
const CONCURRENCY = 16;
const MEMBERS = EDITION_LIMITS.STANDARD.maxMembers;
const FABRIC_ADMIN = { AdminUsername: 'admin', AdminPassword: 'Bench1Password' };

const account = (index: number): string => String(100000000000 + index);

interface Seat {
  readonly client: ManagedBlockchainClient;
  readonly memberId: string;
}

/** Runs `count` calls with `CONCURRENCY` in flight; returns calls per second. */
async function throughput(count: number, call: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / ((performance.now() - started) / 1000);
}

/**
 * A STANDARD network with the edition's maximum of members, each in its own account, and a
 * policy that needs every member's YES, so each proposal takes exactly one vote per member.
 */
async function fullConsortium(endpoint: string): Promise<{ networkId: string; seats: Seat[] }> {
  const clients = Array.from(
    { length: MEMBERS },
    (_, index) =>
      new ManagedBlockchainClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: account(index), secretAccessKey: 'bench' },
        maxAttempts: 1,
      }),
  );
  const founder = await clients[0].send(
    new CreateNetworkCommand({
      Name: 'bench',
      Framework: 'HYPERLEDGER_FABRIC',
      FrameworkVersion: '2.2',
      FrameworkConfiguration: { Fabric: { Edition: 'STANDARD' } },
      VotingPolicy: {
        ApprovalThresholdPolicy: {
          ThresholdPercentage: 100,
          ProposalDurationInHours: 168,
          ThresholdComparator: 'GREATER_THAN_OR_EQUAL_TO',
        },
      },
      MemberConfiguration: { Name: 'member0', FrameworkConfiguration: { Fabric: FABRIC_ADMIN } },
    }),
  );
  const networkId = founder.NetworkId!;
  const invite = await clients[0].send(
    new CreateProposalCommand({
      NetworkId: networkId,
      MemberId: founder.MemberId,
      Actions: { Invitations: clients.slice(1).map((_, index) => ({ Principal: account(index + 1) })) },
    }),
  );
  await clients[0].send(
    new VoteOnProposalCommand({ NetworkId: networkId, ProposalId: invite.ProposalId, VoterMemberId: founder.MemberId, Vote: 'YES' }),
  );
  const seats: Seat[] = [{ client: clients[0], memberId: founder.MemberId! }];
  for (const [index, client] of clients.entries()) {
    if (index === 0) continue;
    const { Invitations } = await client.send(new ListInvitationsCommand({}));
    const joined = await client.send(
      new CreateMemberCommand({
        NetworkId: networkId,
        InvitationId: Invitations![0].InvitationId,
        MemberConfiguration: { Name: `member${index}`, FrameworkConfiguration: { Fabric: FABRIC_ADMIN } },
      }),
    );
    seats.push({ client, memberId: joined.MemberId! });
  }
  return { networkId, seats };
}

interface SimulatorProcess {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts `sim/cli.ts --port 0` and reads the endpoint it announces on its first line. */
async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'run.js'), 'sim/cli.ts', '--port', '0'],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const endpoint = /listening on (http:\/\/\S+)/.exec(line)?.[1];
    if (!endpoint) continue;
    lines.close();
    return {
      endpoint,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  }
  throw new Error('the simulator process exited before announcing its endpoint');
}

export async function benchSimulator(): Promise<{ getProposalPerSec: number; voteOnProposalPerSec: number }> {
  const simulator = await startSimulatorProcess();
  try {
    const { networkId, seats } = await fullConsortium(simulator.endpoint);
    const proposer = seats[0];
    const proposalIds: string[] = [];
    for (let index = 0; index < Math.ceil((WARM_UP_REQUESTS + VOTE_REQUESTS) / MEMBERS); index++) {
      const created = await proposer.client.send(
        new CreateProposalCommand({
          NetworkId: networkId,
          MemberId: proposer.memberId,
          Actions: { Invitations: [{ Principal: '999999999999' }] },
          Description: `bench proposal ${index}`,
        }),
      );
      proposalIds.push(created.ProposalId!);
    }

    const getProposal = (index: number): Promise<unknown> =>
      seats[index % MEMBERS].client.send(
        new GetProposalCommand({ NetworkId: networkId, ProposalId: proposalIds[index % proposalIds.length] }),
      );
    /** Vote number n is member n mod 14 voting on proposal n div 14: every pair once. */
    let votesCast = 0;
    const vote = (): Promise<unknown> => {
      const index = votesCast++;
      const seat = seats[index % MEMBERS];
      return seat.client.send(
        new VoteOnProposalCommand({
          NetworkId: networkId,
          ProposalId: proposalIds[Math.floor(index / MEMBERS)],
          VoterMemberId: seat.memberId,
          Vote: 'YES',
        }),
      );
    };
    await throughput(WARM_UP_REQUESTS, getProposal);
    const getProposalPerSec = await throughput(GET_REQUESTS, getProposal);
    await throughput(WARM_UP_REQUESTS, vote);
    const voteOnProposalPerSec = await throughput(VOTE_REQUESTS, vote);
    return { getProposalPerSec, voteOnProposalPerSec };
  } finally {
    await simulator.stop();
  }
}

const USAGE = `usage: npm run bench:sim
Requests per second the simulator serves through the AWS SDK on loopback (its own process),
for GetProposal and VoteOnProposal. Prints figures.`;

if (require.main === module) {
  void runMain(async () => {
    if (plainScriptArgs(USAGE) === undefined) return;
    const { getProposalPerSec, voteOnProposalPerSec } = await benchSimulator();
    process.stdout.write(
      `simulator through the SDK on loopback, ${CONCURRENCY} requests in flight:\n` +
        `  GetProposal     ${getProposalPerSec.toFixed(0)} req/s (${GET_REQUESTS} requests)\n` +
        `  VoteOnProposal  ${voteOnProposalPerSec.toFixed(0)} req/s (${VOTE_REQUESTS} requests, ${MEMBERS} members)\n`,
    );
  });
}

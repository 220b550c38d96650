/**
 * `npm run bench:governance`: API calls and wall time of one pass of propose, vote and
 * status on a simulated 14-member network with 200 past proposals, on loopback. Each count
 * is printed next to its bound: list pages + one GetProposal per proposal in progress (and,
 * for status, per closed proposal it shows) (+ the
 * vote pages the command needs) + the writes. Prints figures; asserts nothing.
 */
import { CreateProposalCommand, VoteOnProposalCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LIST_PAGE_SIZE } from '../lib/amb';
import { createAmbClient } from '../lib/amb-client';
import { plainScriptArgs, runMain } from '../lib/cli';
import { executeCommand, type Command } from '../lib/command';
import { loadConsortium, type Member } from '../lib/config';
import { recordInYamlFile } from '../lib/config/record';
import { describeAction } from '../lib/governance/actions';
import { capturingIo } from '../lib/output';
import { PROJECT_ROOT } from '../lib/project-root';
import { createJoiningMember, createNetworkAsFounder } from '../lib/rehearsal/stand-in-deploy';
import { prepareWorkspace } from '../lib/rehearsal/workspace';
import { startSimulator } from '../sim';
import { acceptInvitation } from './accept-invitation';
import { generateConsortium } from './generate-consortium';
import { propose } from './propose';
import { status } from './status';
import { sync } from './sync';
import { vote } from './vote';

/** Closed proposals status shows, each with its final tally. */
const SHOWN_CLOSED = 10;

const MEMBERS = 14;
const PAST_PROPOSALS = 200;
/** Proposals left open for the measured pass: foreign invitations the voter turns down. */
const OPEN_PROPOSALS = 5;
const HOUR = 3_600_000;
const TARGET_MS = 2000;

interface Pass {
  readonly command: string;
  readonly wallMs: number;
  readonly calls: Record<string, number>;
  readonly bound: number;
  readonly boundText: string;
}

const USAGE = `usage: npm run bench:governance
API calls and wall time of one pass of propose, vote and status on a simulated 14-member network
with 200 past proposals, each count next to its bound. Prints figures.`;

void runMain(async () => {
  if (plainScriptArgs(USAGE) === undefined) return;
  const scratch = mkdtempSync(join(tmpdir(), 'amb-bench-governance-'));
  const sim = await startSimulator();
  const clients = new Map<string, ManagedBlockchainClient>();
  const clientFor = (member: Member) => {
    if (!clients.has(member.accountId)) {
      clients.set(member.accountId, createAmbClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: { accessKeyId: member.accountId, secretAccessKey: 'bench' } }));
    }
    return clients.get(member.accountId)!;
  };
  let advancedMs = 0;
  const now = () => new Date(Date.now() + advancedMs);
  try {
    generateConsortium(join(scratch, 'source'), { members: MEMBERS, peersPerMember: 1 });
    const workspace = prepareWorkspace(join(scratch, 'source'), scratch);
    const env = { ...process.env, CONSORTIUM_DIR: workspace };
    const run = async <Result>(command: Command<Result>, member: string) => (await executeCommand(command, ['--member', member, '--json'], { io: capturingIo(), env, clientFor, now }))!;
    const load = () => loadConsortium(workspace);
    const [founder, voter, outsider] = [load().members[0], load().members[1], load().members[2]];

    process.stderr.write(`setting up ${MEMBERS} members and ${PAST_PROPOSALS} past proposals on the simulator...\n`);
    await createNetworkAsFounder(clientFor(founder), load(), founder, workspace);
    await run(sync, founder.name);
    await run(propose, founder.name);
    for (const member of load().members.slice(1)) {
      await run(acceptInvitation, member.name);
      await createJoiningMember(clientFor(member), load().network.id!, load().members.find((candidate) => candidate.name === member.name)!);
      await run(sync, member.name);
    }
    const networkId = load().network.id!;
    const outsiderId = load().members[2].memberId!;
    const proposeForeign = async (index: number, voteYes: boolean) => {
      const action = { kind: 'invite' as const, accountId: String(500000000000 + index), member: `partner-${index}` };
      const { ProposalId } = await clientFor(outsider).send(
        new CreateProposalCommand({ NetworkId: networkId, MemberId: outsiderId, Actions: { Invitations: [{ Principal: action.accountId }] }, Description: describeAction(action) }),
      );
      if (voteYes) await clientFor(outsider).send(new VoteOnProposalCommand({ NetworkId: networkId, ProposalId, VoterMemberId: outsiderId, Vote: 'YES' }));
    };
    for (let index = 0; index < PAST_PROPOSALS - (MEMBERS - 1); index++) await proposeForeign(index, false);
    sim.advanceClock(25 * HOUR);
    advancedMs += 25 * HOUR;
    for (let index = 0; index < OPEN_PROPOSALS; index++) await proposeForeign(PAST_PROPOSALS + index, true);
    recordInYamlFile(load().members[MEMBERS - 1].file, [{ path: ['removed'], value: true }]);

    const memberPages = Math.ceil(MEMBERS / LIST_PAGE_SIZE.members);
    const proposalPages = (count: number) => Math.ceil(count / LIST_PAGE_SIZE.proposals);
    const passes: Pass[] = [];
    const measure = async <Result>(command: Command<Result>, member: string, bound: number, boundText: string) => {
      const before = sim.requestsByOperation();
      const started = process.hrtime.bigint();
      await run(command, member);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const after = sim.requestsByOperation();
      const calls = Object.fromEntries(Object.keys(after).map((operation) => [operation, after[operation] - (before[operation] ?? 0)]).filter(([, count]) => Number(count) > 0));
      passes.push({ command: command.spec.name, wallMs, calls, bound, boundText });
    };

    const existing = PAST_PROPOSALS + OPEN_PROPOSALS;
    await measure(
      propose,
      founder.name,
      1 + memberPages + proposalPages(existing) + OPEN_PROPOSALS + 2,
      `1 GetNetwork + ${memberPages} ListMembers + ${proposalPages(existing)} ListProposals pages + ${OPEN_PROPOSALS} GetProposal + 2 writes (CreateProposal, VoteOnProposal)`,
    );
    const open = OPEN_PROPOSALS + 1;
    await measure(
      vote,
      voter.name,
      1 + memberPages + proposalPages(existing + 1) + open * 2 + open,
      `1 GetNetwork + ${memberPages} ListMembers + ${proposalPages(existing + 1)} ListProposals pages + ${open} GetProposal + ${open} ListProposalVotes pages + ${open} VoteOnProposal`,
    );
    await measure(
      status,
      founder.name,
      1 + memberPages + proposalPages(existing + 1) + open + SHOWN_CLOSED + 1 + 1,
      `1 GetNetwork + ${memberPages} ListMembers + ${proposalPages(existing + 1)} ListProposals pages + ${open} GetProposal (open) + ${SHOWN_CLOSED} GetProposal (final tally of the closed ones shown) + 1 ListInvitations page + 1 ListNodes page`,
    );

    process.stdout.write(`governance on a simulated ${MEMBERS}-member network with ${existing} proposals (${OPEN_PROPOSALS} open), loopback, in-process\n`);
    for (const pass of passes) {
      const total = Object.values(pass.calls).reduce((sum, count) => sum + count, 0);
      const detail = Object.entries(pass.calls)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, count]) => `${operation} ${count}`)
        .join(', ');
      process.stdout.write(
        `${pass.command.padEnd(8)} ${pass.wallMs.toFixed(0).padStart(5)} ms (target <= ${TARGET_MS} ms)  ${String(total).padStart(3)} API calls (bound ${pass.bound}: ${pass.boundText})\n         ${detail}\n`,
      );
    }
    const child = await childStatusMs(workspace, sim.endpoint, founder.accountId);
    process.stdout.write(`status as a child process (node start-up included, as npm run status runs it): ${child.toFixed(0)} ms\n`);
    process.stdout.write(`simulator served ${sim.requestCount()} requests in all, setup included\n`);
  } finally {
    for (const client of clients.values()) client.destroy();
    await sim.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});

/** Asynchronous on purpose: the simulator answers from this same process. */
async function childStatusMs(workspace: string, endpoint: string, accountId: string): Promise<number> {
  const started = process.hrtime.bigint();
  await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'bin', 'run.js'), 'scripts/status.ts', '--member', 'member-01', '--json'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CONSORTIUM_DIR: workspace, AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: endpoint, AWS_ACCESS_KEY_ID: accountId, AWS_SECRET_ACCESS_KEY: 'bench', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

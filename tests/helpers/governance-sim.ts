/**
 * A simulator plus a stripped working copy of a consortium, with the governance commands run
 * in-process (real HTTP, per-member credentials) or as child processes (as an operator runs
 * them), for the end-to-end governance tests.
 */
import type { ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createAmbClient } from '../../lib/amb-client';
import { exitCodeOf } from '../../lib/cli';
import { executeCommand, type Command } from '../../lib/command';
import { loadConsortium, type Consortium, type Member } from '../../lib/config';
import { capturingIo } from '../../lib/output';
import { createJoiningMember, createNetworkAsFounder, createPeers } from '../../lib/rehearsal/stand-in-deploy';
import { disposeWorkspace, prepareWorkspace } from '../../lib/rehearsal/workspace';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../sim';
import { acceptInvitation } from '../../scripts/accept-invitation';
import { sync } from '../../scripts/sync';
import { SAMPLE_DIR } from './consortium-fixture';
import { RUN_ENTRY } from './run-entry';

export const ROOT = join(__dirname, '..', '..');
export const CREATION_DELAY_MS = 60_000;
const HOUR = 3_600_000;

export interface CommandRun<Result> {
  readonly result?: Result;
  readonly error?: Error;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class GovernanceSim {
  readonly workspace: string;
  private advancedMs = 0;
  private readonly clients = new Map<string, ManagedBlockchainClient>();

  private constructor(
    readonly sim: RunningSimulator,
    sourceDir: string,
  ) {
    this.workspace = prepareWorkspace(sourceDir);
  }

  static async start(options: SimulatorOptions = {}, sourceDir: string = SAMPLE_DIR): Promise<GovernanceSim> {
    return new GovernanceSim(await startSimulator({ nodeCreationDelayMs: CREATION_DELAY_MS, ...options }), sourceDir);
  }

  consortium(): Consortium {
    return loadConsortium(this.workspace);
  }

  member(name: string): Member {
    return this.consortium().members.find((member) => member.name === name)!;
  }

  /** The simulator's clock, which runs ahead of the system clock by what was advanced. */
  now = (): Date => new Date(Date.now() + this.advancedMs);

  advance(ms: number): void {
    this.sim.advanceClock(ms);
    this.advancedMs += ms;
  }

  /** A client acting with the member's account, with quick bounded retries. */
  clientFor = (member: Member): ManagedBlockchainClient => {
    const existing = this.clients.get(member.accountId);
    if (existing) return existing;
    const client = createAmbClient({
      region: 'us-east-1',
      endpoint: this.sim.endpoint,
      credentials: { accessKeyId: member.accountId, secretAccessKey: 'test' },
      retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 100 },
    });
    this.clients.set(member.accountId, client);
    return client;
  };

  /** Runs a command in-process as `member`, as the rehearsal does. */
  async run<Result>(command: Command<Result>, member: string, extra: readonly string[] = [], clientFor = this.clientFor): Promise<CommandRun<Result>> {
    const io = capturingIo();
    const env = { ...process.env, CONSORTIUM_DIR: this.workspace };
    try {
      const result = await executeCommand(command, ['--member', member, ...extra], { io, env, clientFor, now: this.now, sleep: async (ms) => this.advance(ms) });
      return { result, exitCode: 0, stdout: io.out.join(''), stderr: io.err.join('') };
    } catch (error) {
      return { error: error as Error, exitCode: exitCodeOf(error), stdout: io.out.join(''), stderr: io.err.join('') };
    }
  }

  /** Runs a script as a child process with the member's account as credentials and the simulator as endpoint. */
  runChild(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, onSpawn?: (kill: () => void) => void): Promise<ChildRun> {
    const child = spawn(process.execPath, [RUN_ENTRY, join(ROOT, 'scripts', script), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CONSORTIUM_DIR: this.workspace,
        AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: this.sim.endpoint,
        AWS_CONFIG_FILE: '/nonexistent/aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    onSpawn?.(() => child.kill('SIGKILL'));
    return new Promise((resolve) => {
      child.on('close', (exitCode) => resolve({ exitCode, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }));
    });
  }

  /** Credentials of a member's account for a child process. */
  credentialsOf(member: string): NodeJS.ProcessEnv {
    return { AWS_ACCESS_KEY_ID: this.member(member).accountId, AWS_SECRET_ACCESS_KEY: 'test' };
  }

  /** The founder's deploy and sync: network, founder member and peers, ids recorded. */
  async foundNetwork(): Promise<string> {
    const consortium = this.consortium();
    const founder = this.member(consortium.founder);
    const client = this.clientFor(founder);
    const { networkId, memberId } = await createNetworkAsFounder(client, consortium, founder, this.workspace);
    this.advance(CREATION_DELAY_MS);
    await createPeers(client, networkId, memberId, founder);
    this.advance(CREATION_DELAY_MS);
    await this.expectOk(this.run(sync, founder.name));
    return networkId;
  }

  /** An invited member's accept-invitation, deploy and sync. */
  async join(name: string): Promise<void> {
    await this.expectOk(this.run(acceptInvitation, name));
    const member = this.member(name);
    const client = this.clientFor(member);
    const memberId = await createJoiningMember(client, this.consortium().network.id!, member);
    this.advance(CREATION_DELAY_MS);
    await createPeers(client, this.consortium().network.id!, memberId, member);
    this.advance(CREATION_DELAY_MS);
    await this.expectOk(this.run(sync, name));
  }

  async expectOk<Result>(running: Promise<CommandRun<Result>>): Promise<Result> {
    const outcome = await running;
    if (outcome.error) throw outcome.error;
    return outcome.result!;
  }

  /** Moves the clock past a proposal's and its invitation's lifetime. */
  expireProposals(): void {
    this.advance((this.consortium().network.voting.proposalDurationInHours + 1) * HOUR);
  }

  async stop(): Promise<void> {
    for (const client of this.clients.values()) client.destroy();
    await this.sim.stop();
    disposeWorkspace(this.workspace);
  }
}

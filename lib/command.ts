/**
 * The frame every governance command runs in: parse the common flags, load the consortium,
 * pick the acting member, build its AMB client, run, print the result (table or --json),
 * and turn failures into exit codes through runMain. The rehearsal and the tests call
 * `executeCommand` in-process with their own output, clock and clients.
 */
import type { ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { createAmbClient } from './amb-client';
import { explainFailure } from './amb-errors';
import { parseArgs, usage, type CommandSpec, type ParsedArgs } from './args';
import { runMain } from './cli';
import { consortiumDir, loadConsortium, type Consortium, type Member } from './config';
import { OperationalError, UsageError } from './errors';
import { processIo, Reporter, type Io } from './output';

export interface CommandEnvironment {
  /** @default the process's stdout and stderr */
  readonly io?: Io;
  /** Read for CONSORTIUM_DIR. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The acting member's client. @default createAmbClient with the standard credential chain */
  readonly clientFor?: (member: Member, consortium: Consortium) => ManagedBlockchainClient;
  /** The service's clock (the simulator's may run ahead). @default the system clock */
  readonly now?: () => Date;
  /** @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CommandContext {
  readonly consortium: Consortium;
  /** The acting member. */
  readonly member: Member;
  readonly args: ParsedArgs;
  readonly out: Reporter;
  readonly client: ManagedBlockchainClient;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface Command<Result> {
  readonly spec: CommandSpec;
  run(context: CommandContext): Promise<Result>;
  /** The human result on stdout. */
  render(result: Result, out: Reporter): void;
  /** Problems that make the run a failure (exit 1) after its result is printed. */
  failures?(result: Result): readonly string[];
}

/** Runs a command and returns its result; undefined for --help. Throws what runMain maps to exit codes. */
export async function executeCommand<Result>(command: Command<Result>, argv: readonly string[], environment: CommandEnvironment = {}): Promise<Result | undefined> {
  const io = environment.io ?? processIo();
  const args = parseArgs(command.spec, argv);
  if (args.help) {
    io.stdout(`${usage(command.spec)}\n`);
    return undefined;
  }
  const consortium = loadConsortium(consortiumDir(environment.env));
  const member = consortium.members.find((candidate) => candidate.name === args.member);
  if (!member) {
    throw new UsageError(`${command.spec.name}: --member "${args.member}" is not a member of the consortium in ${consortium.dir} (allowed: ${consortium.members.map((candidate) => candidate.name).join(', ')})`);
  }
  const out = new Reporter(io, args.json);
  const client = environment.clientFor?.(member, consortium) ?? createAmbClient({ region: consortium.network.region });
  const context: CommandContext = {
    consortium,
    member,
    args,
    out,
    client,
    now: environment.now ?? (() => new Date()),
    sleep: environment.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  let result: Result;
  try {
    result = await command.run(context);
  } catch (error) {
    throw explainFailure(error, { member, region: consortium.network.region, env: environment.env, network: { id: consortium.network.id, file: `${consortium.dir}/consortium.yaml`, founder: consortium.founder } });
  } finally {
    if (!environment.clientFor) client.destroy();
  }
  if (args.json) out.result(result);
  else command.render(result, out);
  const failures = command.failures?.(result) ?? [];
  if (failures.length > 0) throw new OperationalError(failures.join('\n'));
  return result;
}

/** The entry point of a command script. */
export function runCommand<Result>(command: Command<Result>, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  return runMain(async () => {
    await executeCommand(command, argv);
  });
}

/** The recorded network id, or a usage error that says how to record it. */
export function recordedNetworkId(consortium: Consortium): string {
  if (consortium.network.id === undefined) {
    throw new UsageError(
      `${consortium.dir}/consortium.yaml: network.id is not recorded yet; once the founder's deploy has created the network, run npm run sync -- --member ${consortium.founder}`,
    );
  }
  return consortium.network.id;
}

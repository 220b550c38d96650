/**
 * The frame of `npm run msp`, `channel` and `chaincode`: where the steps run (a transport)
 * and who is who on the ledger (a directory) are chosen here, so the commands themselves are
 * the same against AMB (SSM on the member's Fabric client, endpoints from the AMB API) and
 * against the simulator's real Fabric (local peer CLI, endpoints of its peers).
 */
import { dirname, resolve } from 'node:path';
import type { CommandSpec } from '../args';
import { recordedNetworkId, type Command, type CommandContext } from '../command';
import { ambEndpoints, consortiumDirectory, type LedgerDirectory } from './directory';
import type { ReconcileOptions, StepReport } from './reconcile';
import { renderSteps } from './report';
import { ssmTransportFor } from './ssm-wiring';
import { LocalTransport, type StepTransport } from './transport';

export interface LedgerWiring {
  /** The acting member's transport (found and checked asynchronously on AWS). */
  readonly transportFor: (context: CommandContext) => StepTransport | Promise<StepTransport>;
  readonly directoryFor: (context: CommandContext) => LedgerDirectory;
}

/** The flag that picks the local transport. */
export const LOCAL_FLAG = {
  local: {
    type: 'boolean',
    description: "run the steps here with this shell's peer CLI environment (CORE_PEER_*, ORDERER), on the member's Fabric client itself; default: through SSM Run Command on that client",
  },
} as const;

/**
 * The default wiring: --local runs here; otherwise SSM Run Command on the member's Fabric
 * client, found through the record its stack keeps and checked first (ssm-wiring.ts).
 */
export const DEFAULT_WIRING: LedgerWiring = {
  transportFor(context) {
    if (context.args.flags.local) return new LocalTransport(process.env as Record<string, string>, 'peer CLI on this machine');
    return ssmTransportFor(context.consortium.network.name, context.consortium.network.region, context.member);
  },
  directoryFor(context) {
    return consortiumDirectory(context.consortium, ambEndpoints(context.client, recordedNetworkId(context.consortium)));
  },
};

/** The repository root: the parent of the members directory. */
export function repositoryRoot(context: CommandContext): string {
  return dirname(resolve(context.consortium.dir));
}

/** The result of `channel` and `chaincode`: every step with its outcome. */
export interface StepsResult {
  readonly member: string;
  readonly dryRun: boolean;
  readonly steps: readonly StepReport[];
}

/** A command that reconciles one member's part of the ledger and reports its steps. */
export function stepsCommand(
  spec: Omit<CommandSpec, 'flags'>,
  title: string,
  reconcile: (options: ReconcileOptions & { readonly repositoryRoot: string }) => Promise<StepReport[]>,
  wiring: LedgerWiring,
): Command<StepsResult> {
  return {
    spec: { ...spec, flags: LOCAL_FLAG },
    async run(context) {
      const steps = await reconcile({
        consortium: context.consortium,
        member: context.member,
        directory: wiring.directoryFor(context),
        transport: await wiring.transportFor(context),
        dryRun: context.args.dryRun,
        repositoryRoot: repositoryRoot(context),
        progress: (message) => context.out.progress(message),
      });
      return { member: context.member.name, dryRun: context.args.dryRun, steps };
    },
    render(result, out) {
      renderSteps(out, `${title} of ${result.member}${result.dryRun ? ' (dry run: nothing changed)' : ''}`, result.steps);
    },
  };
}

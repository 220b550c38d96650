/**
 * `npm run msp -- --member NAME`: reads the member's CA certificate, admin certificate and TLS
 * chain from its Fabric client's admin MSP and writes them under members/msp/<member>/, to be
 * reviewed and merged. Only certificates; the keystore is never read.
 */
import { runCommand, type Command } from '../lib/command';
import { mspFolder } from '../lib/fabric/configtx';
import { DEFAULT_WIRING, LOCAL_FLAG, type LedgerWiring } from '../lib/fabric/ledger-command';
import { writeMsp, type MspMaterial } from '../lib/fabric/msp';

export interface MspResult {
  readonly member: string;
  readonly folder: string;
  readonly dryRun: boolean;
  /** Files written (or that a dry run would write), relative to the folder. */
  readonly changed: readonly string[];
}

export function mspCommand(wiring: Pick<LedgerWiring, 'transportFor'> = DEFAULT_WIRING): Command<MspResult> {
  return {
    spec: {
      name: 'msp',
      summary: "Write the member's public MSP material (CA and admin certificates, TLS chain) under members/msp/<member>/ for review.",
      flags: LOCAL_FLAG,
      examples: ['npm run msp -- --member bank --dry-run', 'npm run msp -- --member bank', 'npm run msp -- --member bank --local'],
    },
    async run(context) {
      const transport = await wiring.transportFor(context);
      context.out.progress(`reading ${context.member.name}'s admin MSP (${transport.description})`);
      const material = await transport.run<MspMaterial>({ step: 'msp-read', params: {} });
      const folder = mspFolder(context.consortium, context.member.name);
      return { member: context.member.name, folder, dryRun: context.args.dryRun, changed: writeMsp(folder, material, { dryRun: context.args.dryRun }) };
    },
    render(result, out) {
      out.print(
        result.changed.length === 0
          ? `${result.folder} is up to date`
          : `${result.dryRun ? 'would write' : 'wrote'} ${result.changed.map((path) => `${result.folder}/${path}`).join(', ')}; review and commit them`,
      );
    },
  };
}

if (require.main === module) void runCommand(mspCommand());

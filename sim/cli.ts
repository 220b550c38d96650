/** `npm run sim -- [options]`: runs the simulator until interrupted. See cli-args.ts for the options. */
import { runMain } from '../lib/cli';
import { OperationalError } from '../lib/errors';
import { FabricNotInstalledError } from './fabric/binaries';
import { parseCliArgs, USAGE } from './cli-args';
import { startSimulator } from './index';
import { StateFileError } from './persistence';

async function main(): Promise<void> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { options } = command;
  const simulator = await startSimulator(options).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      throw new OperationalError(`port ${options.port} on 127.0.0.1 is already in use; choose another with --port`);
    }
    if (error instanceof StateFileError || error instanceof FabricNotInstalledError) throw new OperationalError(error.message);
    throw error;
  });
  process.stdout.write(
    `AMB simulator listening on ${simulator.endpoint} (state: ${options.stateFile ?? 'in memory'})\n` +
      `  export AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN=${simulator.endpoint}\n` +
      (simulator.fabric
        ? `Real Fabric 2.2 behind it; TLS chain: ${simulator.fabric.tlsChainFile}` +
          (options.fabric && typeof options.fabric === 'object' && options.fabric.s3Endpoint ? ` (also s3://<region>.managedblockchain/etc/managedblockchain-tls-chain.pem at ${options.fabric.s3Endpoint})\n` : '\n')
        : ''),
  );
  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

void runMain(main);

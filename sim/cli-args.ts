/** Command-line options of `npm run sim`, parsed and checked without side effects. */
import { parseArgs } from 'node:util';
import { UsageError } from '../lib/errors';
import type { SimulatorOptions } from './index';

export const DEFAULT_PORT = 4510;

export const USAGE = `Usage: npm run sim -- [options]

Serves the Amazon Managed Blockchain API on http://127.0.0.1:PORT for the AWS SDK, the aws CLI
and boto3 (point them at it with AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN=http://127.0.0.1:PORT).

Options:
  --port N               port on 127.0.0.1; 0 picks a free one (default ${DEFAULT_PORT})
  --state FILE           keep the simulated consortium in FILE across restarts
  --creation-delay-ms N  simulated ms a new network, member or node stays CREATING (default 0)
  --throttle-rate R      share of API requests, 0-1, answered with ThrottlingException (429)
  --server-error-rate R  share of API requests, 0-1, answered with InternalServiceErrorException (500)
  --latency-ms N         ms added to every API request
  --seed N               seed of the fault draws, for reproducible runs (default 1)
  --fabric               run real Hyperledger Fabric 2.2 for what is created: an orderer per
                         network, a fabric-ca-server per member, a peer per node, on 127.0.0.1
                         (needs npm run fabric:install; not with --state)
  --s3-endpoint URL      with --fabric: publish the TLS chain to this S3 endpoint as
                         s3://<region>.managedblockchain/etc/managedblockchain-tls-chain.pem
  -h, --help             show this help

Control routes: GET/POST /_sim/clock ({"advanceMs": n}), GET/PUT /_sim/faults, GET /_sim/stats.`;

export type CliCommand = { help: true } | { help: false; options: SimulatorOptions & { port: number } };

function number(flag: string, text: string | undefined, rules: { integer?: boolean; min: number; max?: number }): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const valid =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (!rules.integer || Number.isInteger(value)) &&
    value >= rules.min &&
    (rules.max === undefined || value <= rules.max);
  if (!valid) {
    const kind = rules.integer ? 'an integer' : 'a number';
    const range = rules.max === undefined ? `>= ${rules.min}` : `from ${rules.min} to ${rules.max}`;
    throw new UsageError(`--${flag} must be ${kind} ${range}, not "${text}"\n\n${USAGE}`);
  }
  return value;
}

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        state: { type: 'string' },
        'creation-delay-ms': { type: 'string' },
        'throttle-rate': { type: 'string' },
        'server-error-rate': { type: 'string' },
        'latency-ms': { type: 'string' },
        seed: { type: 'string' },
        fabric: { type: 'boolean' },
        's3-endpoint': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return { help: true };
  const text = (flag: string): string | undefined => values[flag] as string | undefined;
  if (values.state === '') throw new UsageError(`--state needs a file name\n\n${USAGE}`);
  const throttleRate = number('throttle-rate', text('throttle-rate'), { min: 0, max: 1 });
  const serverErrorRate = number('server-error-rate', text('server-error-rate'), { min: 0, max: 1 });
  if (values.fabric && values.state !== undefined) {
    throw new UsageError(`--fabric cannot be combined with --state: Fabric processes and ledgers do not outlive the simulator\n\n${USAGE}`);
  }
  const s3Endpoint = text('s3-endpoint');
  if (s3Endpoint !== undefined && !values.fabric) throw new UsageError(`--s3-endpoint needs --fabric\n\n${USAGE}`);
  if (s3Endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(s3Endpoint)) {
    throw new UsageError(`--s3-endpoint must be an http(s)://host:port URL, not "${s3Endpoint}"\n\n${USAGE}`);
  }
  if ((throttleRate ?? 0) + (serverErrorRate ?? 0) > 1) {
    throw new UsageError(`--throttle-rate and --server-error-rate together must not exceed 1\n\n${USAGE}`);
  }
  return {
    help: false,
    options: {
      port: number('port', text('port'), { integer: true, min: 0, max: 65535 }) ?? DEFAULT_PORT,
      stateFile: text('state'),
      fabric: values.fabric ? { s3Endpoint } : undefined,
      nodeCreationDelayMs: number('creation-delay-ms', text('creation-delay-ms'), { integer: true, min: 0 }),
      faults: {
        throttleRate,
        serverErrorRate,
        latencyMs: number('latency-ms', text('latency-ms'), { integer: true, min: 0 }),
        seed: number('seed', text('seed'), { integer: true, min: 0 }),
      },
    },
  };
}

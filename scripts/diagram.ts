/**
 * `npm run diagram`: writes docs/consortium.md, the consortium as a Mermaid flowchart.
 * `--live` reads statuses from the network with the standard AWS credential chain.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createAmbClient } from '../lib/amb-client';
import { runMain } from '../lib/cli';
import { consortiumDir, loadConsortium } from '../lib/config';
import { renderDiagramDocument } from '../lib/diagram';
import { UsageError } from '../lib/errors';
import { readNetworkStatus } from '../lib/network-status';

export const DEFAULT_OUT = 'docs/consortium.md';

/**
 * Where the diagram goes without --out: docs/consortium.md beside the members directory, so
 * a CONSORTIUM_DIR elsewhere never overwrites this repository's own diagram.
 */
export function defaultOut(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(consortiumDir(env)), DEFAULT_OUT);
}

const USAGE = `usage: npm run diagram -- [--out FILE | --stdout] [--live]

Renders the consortium in CONSORTIUM_DIR (default members/) as a Mermaid flowchart.
  --out FILE   write the Markdown here (default: ${DEFAULT_OUT} beside the members directory)
  --stdout     print it instead of writing a file
  --live       annotate members and peers with their statuses in the network (AWS credentials
               of a member; AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN points at another endpoint)
  -h, --help   this text`;

export interface DiagramOptions {
  readonly out?: string;
  readonly stdout: boolean;
  readonly live: boolean;
  readonly help: boolean;
}

export function parseDiagramArgs(argv: readonly string[]): DiagramOptions {
  let out: string | undefined;
  let stdout = false;
  let live = false;
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--stdout') stdout = true;
    else if (arg === '--live') live = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      out = arg === '--out' ? argv[++index] : arg.slice('--out='.length);
      if (!out) throw new UsageError(`--out needs a file name\n\n${USAGE}`);
    } else throw new UsageError(`unknown argument "${arg}"\n\n${USAGE}`);
  }
  if (stdout && out !== undefined) throw new UsageError(`--out and --stdout exclude each other\n\n${USAGE}`);
  return { out, stdout, live, help };
}

export function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  return runMain(async () => {
    const options = parseDiagramArgs(argv);
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    const consortium = loadConsortium();
    const live = options.live
      ? await readNetworkStatus(createAmbClient({ region: consortium.network.region }), consortium)
      : undefined;
    const document = renderDiagramDocument(consortium, live);
    if (options.stdout) {
      process.stdout.write(document);
      return;
    }
    const out = options.out ?? defaultOut();
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, document);
    process.stderr.write(`wrote ${out}\n`);
  });
}

if (require.main === module) void main();

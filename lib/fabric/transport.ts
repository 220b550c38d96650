/**
 * Where the step scripts of `npm run msp`, `channel` and `chaincode` run. A step is one
 * script of `lib/fabric/steps/` plus the files it needs (a bundle) and its parameters; it
 * writes one JSON result. Planners never know which transport runs them:
 * - `LocalTransport`: here, with a given peer CLI environment (the member's Fabric client
 *   itself, or the simulator's real Fabric in tests and rehearsals);
 * - `SsmTransport` (ssm-transport.ts): on the member's Fabric client through SSM Run Command.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OperationalError } from '../errors';
import { PROJECT_ROOT } from '../project-root';

export type StepName =
  | 'msp-read'
  | 'channel-state'
  | 'channel-create'
  | 'channel-join'
  | 'channel-anchor'
  | 'channel-update-compute'
  | 'channel-update-sign'
  | 'channel-update-submit'
  | 'chaincode-state'
  | 'chaincode-install'
  | 'chaincode-approve'
  | 'chaincode-commit'
  | 'documents-anchor'
  | 'documents-get';

export interface StepRequest {
  readonly step: StepName;
  /** Environment variables of the script (names in capitals, values as text). */
  readonly params: Readonly<Record<string, string>>;
  /** Files of the bundle by relative path (`/`-separated). */
  readonly files?: Readonly<Record<string, Buffer | string>>;
}

/** Runs steps; resolves with the step's parsed result, rejects with an OperationalError. */
export interface StepTransport {
  /** Where steps run, for messages ("local peer CLI", "SSM on i-0abc..."). */
  readonly description: string;
  run<T>(request: StepRequest): Promise<T>;
}

/** The folder of the step scripts. */
export const STEPS_DIR = join(PROJECT_ROOT, 'lib', 'fabric', 'steps');

/** The files of a step's bundle: the shared functions, the script, then the request's files. */
export function bundleFiles(request: StepRequest): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'steps/common.sh': readFileSync(join(STEPS_DIR, 'common.sh')),
    [`steps/${request.step}.sh`]: readFileSync(join(STEPS_DIR, `${request.step}.sh`)),
  };
  for (const [path, data] of Object.entries(request.files ?? {})) files[path] = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return files;
}

/** A step's bytes of stderr kept in an error message. */
const ERROR_TAIL = 4000;

/**
 * Runs steps with bash in a temporary folder here. `env` is the peer CLI environment of the
 * member's admin (CORE_PEER_*, FABRIC_CFG_PATH, PATH with the Fabric binaries, ORDERER).
 */
export class LocalTransport implements StepTransport {
  readonly description: string;

  constructor(
    private readonly env: Readonly<Record<string, string>>,
    description = 'local peer CLI',
  ) {
    this.description = description;
  }

  async run<T>(request: StepRequest): Promise<T> {
    const work = mkdtempSync(join(tmpdir(), `amb-step-${request.step}-`));
    try {
      for (const [path, data] of Object.entries(bundleFiles(request))) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), data, { mode: path.endsWith('.sh') ? 0o755 : 0o644 });
      }
      const resultFile = join(work, 'result.json');
      const stderr = await new Promise<string>((resolve, reject) => {
        execFile(
          'bash',
          [`steps/${request.step}.sh`],
          { cwd: work, env: { ...process.env, ...this.env, ...request.params, RESULT_FILE: resultFile }, maxBuffer: 64 * 1024 * 1024 },
          (error, _stdout, errText) => (error ? reject(new OperationalError(`step ${request.step} failed (${this.description}): ${tail(errText || error.message)}`)) : resolve(errText)),
        );
      });
      if (!existsSync(resultFile)) throw new OperationalError(`step ${request.step} wrote no result (${this.description}): ${tail(stderr)}`);
      return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

/** The files of a folder as bundle entries under `prefix/`. */
export function folderFiles(dir: string, prefix: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const visit = (path: string, shown: string) => {
    for (const name of readdirSync(path).sort()) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) visit(child, `${shown}/${name}`);
      else files[`${shown}/${name}`] = readFileSync(child);
    }
  };
  visit(dir, prefix);
  return files;
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > ERROR_TAIL ? `...${trimmed.slice(-ERROR_TAIL)}` : trimmed;
}

/**
 * One Python process that runs aws CLI (v1) commands in turn, through the same
 * `awscli.clidriver` the `aws` script calls (see aws_cli_session.py). A conformance scenario of
 * 16 commands then starts Python and imports botocore once instead of 16 times (about 0.6 s of
 * CPU each on a quiet 2-core machine); every command still gets its own botocore session, built
 * from the environment given for it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { toolPath } from '../../helpers/tools';

export interface AwsCliResult {
  /** The aws CLI's exit status: 0, or 252-255 for its errors. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

const DRIVER = join(__dirname, 'aws_cli_session.py');

/**
 * The Python that runs `aws` on PATH, from its `#!` line.
 * @throws Error when `aws` is not a Python script (the AWS CLI v2 is a bundled binary).
 */
export function awsCliPython(): string {
  const aws = toolPath('aws');
  const first = readFileSync(aws, 'latin1').split('\n', 1)[0];
  const interpreter = first.startsWith('#!') ? first.slice(2).trim().split(/\s+/) : [];
  const python = interpreter[0] === '/usr/bin/env' ? interpreter[1] : interpreter[0];
  if (!python || !/python/.test(python)) throw new Error(`the aws CLI at ${aws} is not a Python script (its first line is ${JSON.stringify(first.slice(0, 80))}): these tests drive the aws CLI v1 (awscli) in one Python process`);
  return python;
}

export class AwsCliSession {
  private readonly answers: AsyncIterator<string>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly child: ChildProcessWithoutNullStreams, private readonly errors: () => string) {
    this.answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** Starts the Python process and waits until awscli is imported. */
  static async start(): Promise<AwsCliSession> {
    // No AWS_* variable of the caller's reaches awscli's import (AWS_DATA_PATH is read there);
    // each command brings its own environment.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const child = spawn(awsCliPython(), [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    // A write to a process that has ended fails in next() with what it printed, not as an unhandled EPIPE.
    child.stdin.on('error', () => undefined);
    const session = new AwsCliSession(child, () => errors);
    await session.next();
    return session;
  }

  /** Runs `aws ARGS...` with exactly `env` as its environment. */
  run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<AwsCliResult> {
    const result = this.queue.then(() => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`the aws CLI session has ended (exit ${this.child.exitCode ?? this.child.signalCode}): ${this.errors().trim().split('\n').slice(-5).join('\n')}`);
      this.child.stdin.write(`${JSON.stringify({ args, env })}\n`);
      return this.next() as Promise<AwsCliResult>;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the process and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  }

  private async next(): Promise<unknown> {
    const line = await this.answers.next();
    if (line.done) throw new Error(`the aws CLI session ended (exit ${this.child.exitCode}): ${this.errors().trim().split('\n').slice(-5).join('\n')}`);
    return JSON.parse(line.value);
  }
}

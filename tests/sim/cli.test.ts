/** `npm run sim`: option parsing, exit code 2 on bad usage, and a real run with a state file. */
import { CreateNetworkCommand, ListNetworksCommand, ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../../lib/errors';
import { DEFAULT_PORT, parseCliArgs } from '../../sim/cli-args';
import { account, createNetworkInput } from './helpers/sdk';
import { RUN_ENTRY } from '../helpers/run-entry';

const ROOT = join(__dirname, '..', '..');

describe('command-line options', () => {
  it('defaults to port 4510, state in memory and no faults', () => {
    expect(parseCliArgs([])).toEqual({
      help: false,
      options: {
        port: DEFAULT_PORT,
        stateFile: undefined,
        nodeCreationDelayMs: undefined,
        faults: { throttleRate: undefined, serverErrorRate: undefined, latencyMs: undefined, seed: undefined },
      },
    });
    expect(DEFAULT_PORT).toBe(4510);
  });

  it('reads every option, in both --flag value and --flag=value form', () => {
    const command = parseCliArgs([
      '--port=0',
      '--state',
      'sim.json',
      '--creation-delay-ms',
      '60000',
      '--throttle-rate',
      '0.1',
      '--server-error-rate=0.05',
      '--latency-ms',
      '20',
      '--seed',
      '9',
    ]);
    expect(command).toEqual({
      help: false,
      options: {
        port: 0,
        stateFile: 'sim.json',
        nodeCreationDelayMs: 60000,
        faults: { throttleRate: 0.1, serverErrorRate: 0.05, latencyMs: 20, seed: 9 },
      },
    });
  });

  it.each([
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--throttle-rate', '1.5'], /--throttle-rate must be a number from 0 to 1/],
    [['--throttle-rate', '0.6', '--server-error-rate', '0.6'], /together must not exceed 1/],
    [['--latency-ms=-1'], /--latency-ms must be an integer >= 0/],
    [['--state'], /--state/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--fabric', '--state', 'sim.json'], /--fabric cannot be combined with --state/],
    [['--s3-endpoint', 'http://127.0.0.1:5000'], /--s3-endpoint needs --fabric/],
    [['--fabric', '--s3-endpoint', 's3.local'], /--s3-endpoint must be an http\(s\):\/\/host:port URL/],
    [['extra'], /positional argument/],
  ])('refuses %j as a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('--fabric', () => {
  it('asks for real Fabric, with the S3 endpoint that gets the TLS chain', () => {
    const command = parseCliArgs(['--fabric', '--s3-endpoint', 'http://127.0.0.1:5000']);
    expect(command.help === false && command.options.fabric).toEqual({ s3Endpoint: 'http://127.0.0.1:5000' });
    expect(parseCliArgs([])).toMatchObject({ options: { fabric: undefined } });
  });
});

describe('npm run sim', () => {
  it('exits 2 with the problem and the usage on bad usage', () => {
    const result = spawnSync('npm', ['run', '--silent', 'sim', '--', '--port', 'nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port must be an integer from 0 to 65535, not "nope"');
    expect(result.stderr).toContain('Usage: npm run sim');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the usage and exits 0 on --help', () => {
    const result = spawnSync(process.execPath, [RUN_ENTRY, 'sim/cli.ts', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--state FILE');
  });

  describe('a running simulator', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'amb-sim-cli-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Starts the CLI on a free loopback port and resolves with its endpoint once it listens. */
    async function launch(stateFile: string): Promise<{ endpoint: string; child: ChildProcess }> {
      const child = spawn(process.execPath, [RUN_ENTRY, 'sim/cli.ts', '--port', '0', '--state', stateFile], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      for await (const line of createInterface({ input: child.stdout! })) {
        const endpoint = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
        if (endpoint) return { endpoint, child };
      }
      throw new Error('the simulator exited before it listened');
    }

    async function terminate(child: ChildProcess): Promise<number | null> {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    }

    it('listens on 127.0.0.1, stops cleanly on SIGTERM and keeps its state file across restarts', async () => {
      const stateFile = join(dir, 'state.json');
      const client = (endpoint: string) =>
        new ManagedBlockchainClient({
          endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: account(1), secretAccessKey: 'x' },
          maxAttempts: 1,
        });

      const first = await launch(stateFile);
      const { NetworkId } = await client(first.endpoint).send(new CreateNetworkCommand(createNetworkInput()));
      expect(await terminate(first.child)).toBe(0);

      const second = await launch(stateFile);
      try {
        const { Networks } = await client(second.endpoint).send(new ListNetworksCommand({}));
        expect(Networks?.map((network) => network.Id)).toEqual([NetworkId]);
      } finally {
        expect(await terminate(second.child)).toBe(0);
      }
    });
  });
});

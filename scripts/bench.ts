/**
 * `npm run bench [-- --runs N] [--compare-tsx] [--with-tests] [--only launcher,synth,startup,tests]`: what a user waits for, each
 * figure next to its target, with the load average so a figure from a busy machine reads as
 * one:
 * - `npm run synth` of the sample and of a generated STANDARD consortium of 14 members with 3
 *   peers each, in a fresh process each run exactly as npm starts it (`node bin/run.js
 *   stacks/main.ts`): median wall time, median CPU time (user + sys, less sensitive to load),
 *   peak RSS;
 * - a governance command's start-up: `status` against a simulated network, from process start
 *   to the first AMB API call it makes;
 * - bin/run.js's own cost: the up-to-date check every run pays, and a full recompile;
 * - with --compare-tsx, the same runs through tsx from the sources, interleaved;
 * - with --with-tests, the wall time of `npm test`.
 * Prints figures; asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { createAmbClient } from '../lib/amb-client';
import { printedUsage, runMain } from '../lib/cli';
import { executeCommand } from '../lib/command';
import { loadConsortium } from '../lib/config';
import { UsageError } from '../lib/errors';
import { capturingIo } from '../lib/output';
import { PROJECT_ROOT } from '../lib/project-root';
import { createNetworkAsFounder } from '../lib/rehearsal/stand-in-deploy';
import { prepareWorkspace } from '../lib/rehearsal/workspace';
import { startSimulator, type RunningSimulator } from '../sim';
import { generateConsortium } from './generate-consortium';
import { sync } from './sync';

const TARGETS = { sampleSynthS: 1.0, largeSynthS: 1.5, peakRssMb: 150, startupMs: 300, testMinutes: 5 };
const RUN = join(PROJECT_ROOT, 'bin', 'run.js');
/** What --only may pick; all by default. */
const PARTS = ['launcher', 'synth', 'startup', 'tests'] as const;

/** How an entry point is started: as npm does (bin/run.js), or by tsx from the sources, in the same process. */
type Launcher = 'compiled' | 'tsx';

interface ProcessRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

/**
 * Preloaded into every measured process: at exit it writes the process's own CPU time and peak
 * RSS to BENCH_PROBE_OUT, so the figures are the child's, not the benchmark's.
 */
const PROBE = `process.on('exit', () => { const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage(); require('node:fs').writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify({ cpuUs: userCPUTime + systemCPUTime, maxRssKb: maxRSS })); });\n`;

function commandLine(launcher: Launcher, probe: string, entry: string, args: readonly string[]): string[] {
  return ['--require', probe, ...(launcher === 'compiled' ? [RUN] : ['--import', 'tsx']), entry, ...args];
}

function probed(probeOut: string, wallMs: number): ProcessRun {
  const { cpuUs, maxRssKb } = JSON.parse(readFileSync(probeOut, 'utf8'));
  return { wallMs, cpuMs: cpuUs / 1000, peakRssMb: maxRssKb / 1024 };
}

function synthOnce(work: string, launcher: Launcher, consortiumDir: string): ProcessRun {
  const probeOut = join(work, 'probe.json');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, commandLine(launcher, join(work, 'probe.js'), 'stacks/main.ts', []), {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CONSORTIUM_DIR: consortiumDir, CDKTF_OUTDIR: join(work, 'out'), BENCH_PROBE_OUT: probeOut },
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`synth of ${consortiumDir} failed: ${result.stderr}`);
  return probed(probeOut, wallMs);
}

/** Process start to the simulator's first request, then the whole run's CPU and memory. */
async function statusStartupOnce(work: string, launcher: Launcher, sim: RunningSimulator, env: NodeJS.ProcessEnv): Promise<ProcessRun & { firstCallMs: number }> {
  const probeOut = join(work, 'probe.json');
  const before = sim.requestCount();
  const started = process.hrtime.bigint();
  let firstCallMs = Number.NaN;
  const poll = setInterval(() => {
    if (Number.isNaN(firstCallMs) && sim.requestCount() > before) firstCallMs = Number(process.hrtime.bigint() - started) / 1e6;
  }, 1);
  const child = spawn(process.execPath, commandLine(launcher, join(work, 'probe.js'), 'scripts/status.ts', ['--member', 'member-01', '--json']), {
    cwd: PROJECT_ROOT,
    env: { ...env, BENCH_PROBE_OUT: probeOut },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  if (exitCode !== 0) throw new Error(`status exited ${exitCode}: ${stderr}`);
  return { ...probed(probeOut, Number(process.hrtime.bigint() - started) / 1e6), firstCallMs };
}

/** A founded two-member network on an in-process simulator, recorded in a workspace. */
async function simulatedNetwork(work: string): Promise<{ sim: RunningSimulator; env: NodeJS.ProcessEnv; client: ManagedBlockchainClient }> {
  generateConsortium(join(work, 'gov-source'), { members: 2, peersPerMember: 1 });
  const workspace = prepareWorkspace(join(work, 'gov-source'), work);
  const sim = await startSimulator();
  const founder = loadConsortium(workspace).members[0];
  const credentials = { accessKeyId: founder.accountId, secretAccessKey: 'bench' };
  const client = createAmbClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials });
  await createNetworkAsFounder(client, loadConsortium(workspace), founder, workspace);
  const env = { ...process.env, CONSORTIUM_DIR: workspace, AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: sim.endpoint, AWS_ACCESS_KEY_ID: founder.accountId, AWS_SECRET_ACCESS_KEY: 'bench', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  await executeCommand(sync, ['--member', founder.name], { io: capturingIo(), env, clientFor: () => client });
  return { sim, env, client };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

function row(label: string, figure: string, target: string): string {
  return `${label.padEnd(52)} ${figure.padEnd(56)} target ${target}\n`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function synthFigure(runs: readonly ProcessRun[]): string {
  const walls = runs.map((run) => run.wallMs);
  return `median ${seconds(median(walls))} (${seconds(Math.min(...walls))}-${seconds(Math.max(...walls))}), CPU ${seconds(median(runs.map((run) => run.cpuMs)))}`;
}

/**
 * bin/run.js: the up-to-date check every run pays (CPU time), a rebuild of the synth after an
 * edit, and of every npm script's entry point (what jest's global setup pays after an edit).
 */
async function launcherCosts(work: string): Promise<{ checkCpuMs: number; rebuildMs: number; rebuildAllMs: number; entries: number }> {
  const build = require(join(PROJECT_ROOT, 'bin', 'build.js')) as {
    compiledEntry(source: string): Promise<string>;
    rebuildInto(sources: readonly string[], outdir: string): Promise<string[]>;
    scriptEntries(): string[];
  };
  await build.compiledEntry('stacks/main.ts');
  const checks: number[] = [];
  for (let run = 0; run < 5; run++) {
    const before = process.cpuUsage();
    await build.compiledEntry('stacks/main.ts');
    const used = process.cpuUsage(before);
    checks.push((used.user + used.system) / 1000);
  }
  const timed = async (work: () => Promise<unknown>) => {
    const started = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const rebuildMs = await timed(() => build.rebuildInto(['stacks/main.ts'], join(work, 'rebuilt-one')));
  const entries = build.scriptEntries();
  const rebuildAllMs = await timed(() => build.rebuildInto(entries, join(work, 'rebuilt-all')));
  return { checkCpuMs: median(checks), rebuildMs, rebuildAllMs, entries: entries.length };
}

/** Synth of the sample and of a generated 14 x 3 consortium: wall, CPU, peak RSS. */
function synthFigures(work: string, runs: number, launchers: readonly Launcher[], out: (text: string) => void): void {
  const large = join(work, 'members-14');
  generateConsortium(large, { members: 14, peersPerMember: 3 });
  const synths: Record<string, ProcessRun[]> = {};
  const cases: [string, string, number][] = [
    ['sample consortium (4 members)', join(PROJECT_ROOT, 'members'), TARGETS.sampleSynthS],
    ['generated STANDARD, 14 members x 3 peers', large, TARGETS.largeSynthS],
  ];
  for (const [label] of cases) for (const via of launchers) synths[`${label}|${via}`] = [];
  for (let run = 0; run < runs; run++) {
    for (const [label, dir] of cases) for (const via of launchers) synths[`${label}|${via}`].push(synthOnce(work, via, dir));
  }
  for (const [label, , target] of cases) {
    for (const via of launchers) out(row(`synth: ${label}${via === 'tsx' ? ' via tsx' : ''}`, synthFigure(synths[`${label}|${via}`]), `<= ${target} s (wall)`));
  }
  for (const via of launchers) {
    const compiledRuns = Object.entries(synths).filter(([key]) => key.endsWith(`|${via}`)).flatMap(([, list]) => list);
    out(row(`synth: peak RSS, largest of all runs${via === 'tsx' ? ' via tsx' : ''}`, `${Math.max(...compiledRuns.map((r) => r.peakRssMb)).toFixed(0)} MB`, `<= ${TARGETS.peakRssMb} MB`));
  }
}

/** A governance command (status) against the simulator: process start to its first API call. */
async function startupFigures(work: string, runs: number, launchers: readonly Launcher[], out: (text: string) => void): Promise<void> {
  const network = await simulatedNetwork(work);
  try {
    const startups: Record<Launcher, (ProcessRun & { firstCallMs: number })[]> = { compiled: [], tsx: [] };
    for (let run = 0; run < runs; run++) for (const via of launchers) startups[via].push(await statusStartupOnce(work, via, network.sim, network.env));
    for (const via of launchers) {
      const list = startups[via];
      out(
        row(
          `status: process start to first API call${via === 'tsx' ? ' via tsx' : ''}`,
          `median ${median(list.map((r) => r.firstCallMs)).toFixed(0)} ms; whole run ${median(list.map((r) => r.wallMs)).toFixed(0)} ms, CPU ${median(list.map((r) => r.cpuMs)).toFixed(0)} ms`,
          `<= ${TARGETS.startupMs} ms`,
        ),
      );
    }
  } finally {
    network.client.destroy();
    await network.sim.stop();
  }
}

const USAGE = `usage: npm run bench [-- --runs N] [--only ${PARTS.join(',')}] [--with-tests] [--compare-tsx]
What a user waits for, each figure next to its target, with the load average:
  launcher  bin/run.js's up-to-date check, and a rebuild after an edit
  synth     npm run synth of the sample and of 14 members x 3 peers: wall, CPU, peak RSS
  startup   status, from process start to its first API call (simulated network)
  tests     npm test's wall time, with --with-tests only
--runs N      fresh processes per figure (default 7)
--only LIST   the parts to run, comma-separated (default all)
--compare-tsx the same runs through tsx from the sources, interleaved`;

/** The options of the command line; a malformed one is a UsageError (exit 2) with the usage. */
function benchArgs(): { runs: string; 'compare-tsx': boolean; 'with-tests': boolean; only?: string } {
  try {
    return parseArgs({
      options: {
        runs: { type: 'string', default: '7' },
        'compare-tsx': { type: 'boolean', default: false },
        'with-tests': { type: 'boolean', default: false },
        only: { type: 'string' },
      },
    }).values as ReturnType<typeof benchArgs>;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(`${(error as Error).message}\n${USAGE}`);
    throw error;
  }
}

void runMain(async () => {
  if (printedUsage(USAGE)) return;
  const values = benchArgs();
  const parts = values.only === undefined ? PARTS : values.only.split(',');
  const unknownPart = parts.find((part) => !(PARTS as readonly string[]).includes(part));
  if (unknownPart !== undefined) throw new UsageError(`--only: "${unknownPart}" is not one of ${PARTS.join(', ')}`);
  const wanted = (part: (typeof PARTS)[number]) => parts.includes(part);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const runs = /^\d+$/.test(values.runs) ? Number(values.runs) : 0;
  if (runs < 1) throw new UsageError(`--runs: "${values.runs}" is not a whole number of runs >= 1`);
  const launchers: Launcher[] = values['compare-tsx'] ? ['compiled', 'tsx'] : ['compiled'];
  const work = mkdtempSync(join(tmpdir(), 'amb-bench-'));
  const out = (text: string) => process.stdout.write(text);
  try {
    writeFileSync(join(work, 'probe.js'), PROBE);
    out(`benchmark: ${runs} runs each, fresh process per run, node ${process.version}, ${availableParallelism()} cores; load average ${loadAverage()} (1, 5, 15 min) at start\n`);
    if (wanted('launcher')) {
      const launcher = await launcherCosts(work);
      out(row('bin/run.js: up-to-date check, every run', `${launcher.checkCpuMs.toFixed(1)} ms CPU; rebuild of synth after an edit ${seconds(launcher.rebuildMs)}`, '(included below)'));
      out(row(`bin/build.js: all ${launcher.entries} entry points after an edit`, seconds(launcher.rebuildAllMs), "(jest's global setup)"));
    }
    if (wanted('synth')) synthFigures(work, runs, launchers, out);
    if (wanted('startup')) await startupFigures(work, runs, launchers, out);


    if (values['with-tests'] && wanted('tests')) {
      const started = process.hrtime.bigint();
      const result = spawnSync('npm', ['test', '--silent'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'ignore'] });
      const minutes = Number(process.hrtime.bigint() - started) / 6e10;
      out(row('npm test', `${minutes.toFixed(1)} min, ${result.status === 0 ? 'green' : `FAILED (exit ${result.status})`}`, `<= ${TARGETS.testMinutes} min`));
    } else if (wanted('tests')) {
      out(row('npm test', 'not run (add -- --with-tests)', `<= ${TARGETS.testMinutes} min`));
    }
    out(`load average ${loadAverage()} at end\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

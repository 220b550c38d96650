/**
 * `npm run bench`: wall time and peak memory of `npm run synth`'s work, in a fresh process
 * each run as a user meets it, for the sample consortium and for a generated STANDARD
 * consortium of 14 members with 3 peers each. Prints figures; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../lib/cli';
import { generateConsortium } from './generate-consortium';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROOT = join(__dirname, '..');

interface SynthRun {
  wallMs: number;
  peakRssMb: number;
}

/** One synth in a child process: node + tsx start-up included, as `npm run synth` pays it. */
function synthOnce(consortiumDir: string, outdir: string): SynthRun {
  const probe = `require('./stacks/main').main().then(() => { if (process.exitCode) process.exit(process.exitCode); process.stdout.write(JSON.stringify({ maxRss: process.resourceUsage().maxRSS })); })`;
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], {
    cwd: ROOT,
    env: { ...process.env, CONSORTIUM_DIR: consortiumDir, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { wallMs, peakRssMb: JSON.parse(output).maxRss / 1024 };
}

function summarise(label: string, runs: SynthRun[], targetMs: number): string {
  const walls = runs.map((run) => run.wallMs).sort((a, b) => a - b);
  const median = walls[Math.floor(walls.length / 2)];
  const peak = Math.max(...runs.map((run) => run.peakRssMb));
  return `${label.padEnd(42)} median ${(median / 1000).toFixed(2)} s  (min ${(walls[0] / 1000).toFixed(2)}, max ${(walls[walls.length - 1] / 1000).toFixed(2)}; target <= ${targetMs / 1000} s)  peak RSS ${peak.toFixed(0)} MB (target <= 400 MB)`;
}

void runMain(() => {
  const work = mkdtempSync(join(tmpdir(), 'amb-bench-'));
  try {
    const large = join(work, 'members-14');
    generateConsortium(large, { members: 14, peersPerMember: 3 });
    const cases: [string, string, number][] = [
      ['sample consortium (4 members)', join(ROOT, 'members'), 2000],
      ['generated STANDARD, 14 members x 3 peers', large, 4000],
    ];
    process.stdout.write(`synth benchmark: ${RUNS} runs each, fresh process per run, ${process.version}\n`);
    for (const [label, dir, target] of cases) {
      const runs = Array.from({ length: RUNS }, () => synthOnce(dir, join(work, 'out')));
      process.stdout.write(`${summarise(label, runs, target)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

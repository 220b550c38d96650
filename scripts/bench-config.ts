/**
 * `npm run bench:config`: wall time of loading (and refusing) a members directory whose one
 * member file holds 10k, 20k and 40k entries, to show the loader's time grows linearly with
 * its input. Prints figures; asserts nothing.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConsortium } from '../lib/config';
import { plainScriptArgs, runMain } from '../lib/cli';
import { PROJECT_ROOT } from '../lib/project-root';

const SIZES = [10_000, 20_000, 40_000];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SAMPLE = join(PROJECT_ROOT, 'members');

/** A member file with `entries` tags (each one mapping entry), plus the same number of unknown top-level keys. */
function memberText(entries: number): string {
  const tags = Array.from({ length: entries / 2 }, (_, index) => `  team-${index}: value-${index}\n`).join('');
  const unknown = Array.from({ length: entries / 2 }, (_, index) => `extra${index}: ${index}\n`).join('');
  return `accountId: "999988887777"\ndeployRoleArn: arn:aws:iam::999988887777:role/deploy\nvpc:\n  cidr: 10.90.0.0/16\ntags:\n${tags}${unknown}`;
}

function loadMs(dir: string): { ms: number; issues: number } {
  const started = process.hrtime.bigint();
  let issues = 0;
  try {
    loadConsortium(dir);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues = error.issues.length;
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, issues };
}

const USAGE = `usage: npm run bench:config
Wall time of loading a members directory whose one member file holds 10k, 20k and 40k entries
(BENCH_RUNS runs each, default 3). Prints figures.`;

void runMain(() => {
  if (plainScriptArgs(USAGE) === undefined) return;
  const lines: string[] = [];
  for (const entries of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'amb-bench-config-'));
    try {
      cpSync(SAMPLE, dir, { recursive: true });
      const text = memberText(entries);
      writeFileSync(join(dir, 'studio.yaml'), text);
      const runs = Array.from({ length: RUNS }, () => loadMs(dir));
      const median = runs.map((run) => run.ms).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
      lines.push(`${String(entries).padStart(6)} entries (${(text.length / 1024).toFixed(0)} KiB): median ${median.toFixed(0)} ms, ${((median * 1000) / entries).toFixed(1)} µs per entry, ${runs[0].issues} issues reported`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`Config loader, ${RUNS} runs each (linear input means a flat µs-per-entry column):\n${lines.join('\n')}\n`);
});

/**
 * Builds the voter's deployment package at synth: one esbuild bundle of stacks/voter/index.ts
 * (the SDK client and lib/governance included, minified, no source paths that depend on the
 * checkout), plus the member's settings file. Same input, same bytes, so the asset hash is
 * stable and an unchanged config plans no change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { Consortium } from '../../lib/config/types';
import { SETTINGS_FILE, type VoterSettings } from './handler';

const ROOT = join(__dirname, '..', '..');
let bundled: string | undefined;

/** The bundle's JavaScript, built once per process: every member's package shares it. */
export function voterBundle(): string {
  if (bundled === undefined) {
    const result = buildSync({
      absWorkingDir: ROOT,
      entryPoints: ['stacks/voter/index.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      sourcemap: false,
      write: false,
      logLevel: 'silent',
    });
    bundled = result.outputFiles[0].text;
  }
  return bundled;
}

/** The settings baked for one member: its name and the config, with no machine-specific paths. */
export function voterSettings(consortium: Consortium, member: string): VoterSettings {
  return {
    member,
    consortium: {
      ...consortium,
      dir: 'members',
      members: consortium.members.map((m) => ({ ...m, file: `members/${m.name}.yaml` })),
    },
  };
}

/** A directory holding index.js and the member's settings, named by the hash of both. */
export function voterPackageDir(settings: VoterSettings): string {
  const code = voterBundle();
  const settingsText = `${JSON.stringify(settings, null, 2)}\n`;
  const hash = createHash('sha256').update(code).update('\0').update(settingsText).digest('hex').slice(0, 32);
  const dir = join(tmpdir(), 'amb-voter-packages', hash);
  if (!existsSync(join(dir, SETTINGS_FILE))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), code);
    writeFileSync(join(dir, SETTINGS_FILE), settingsText);
  }
  return dir;
}

/**
 * Builds the voter's deployment package at synth: one esbuild bundle of stacks/voter/index.ts
 * (the SDK client and lib/governance included, minified, no source paths that depend on the
 * checkout), plus the member's settings file, zipped reproducibly. Same input, same bytes, so
 * the asset hash is stable and an unchanged config plans no change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import type { Consortium } from '../../lib/config/types';
import { SETTINGS_FILE, type VoterSettings } from './handler';
import { zip } from './zip';

const ROOT = join(__dirname, '..', '..');
let bundled: Buffer | undefined;

/**
 * One Lambda entry point (a path from the repository root) bundled for Node.js 20+: minified
 * CommonJS, no source map, no paths of this checkout in it.
 */
export function bundleLambda(entryPoint: string): Buffer {
  const result = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [entryPoint],
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
  return Buffer.from(result.outputFiles[0].contents);
}

/** The bundle's JavaScript, built once per process: every member's package shares it. */
export function voterBundle(): Buffer {
  bundled ??= bundleLambda('stacks/voter/index.ts');
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

/**
 * The member's deployment package (index.js and its settings), as a zip file named by the
 * hash of its content. Built here rather than by a cdktf ARCHIVE asset so that the bytes are
 * reproducible and the bundle is compressed once, not once per member stack.
 */
export function voterPackage(settings: VoterSettings): string {
  const settingsText = Buffer.from(`${JSON.stringify(settings, null, 2)}\n`);
  const archive = zip([
    { name: 'index.js', data: voterBundle() },
    { name: SETTINGS_FILE, data: settingsText },
  ]);
  const hash = createHash('sha256').update(archive).digest('hex').slice(0, 32);
  const path = join(tmpdir(), 'amb-voter-packages', `voter-${hash}.zip`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, archive);
  }
  return path;
}

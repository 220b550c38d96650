/**
 * Builds the voter's deployment package at synth: one esbuild bundle of stacks/voter/index.ts
 * (the SDK client and lib/governance included, minified, no source paths that depend on the
 * checkout), plus the member's settings file, zipped reproducibly. Same input, same bytes, so
 * the asset hash is stable and an unchanged config plans no change.
 */
import type { Consortium } from '../../lib/config/types';
import { BUNDLE_CACHE_DIR, bundleOptions, contentAddressedFile, nodeBundle } from '../node-bundle';
import type { VoterSettings } from './handler';
import { SETTINGS_FILE } from './settings-file';
import { zip } from './zip';

/** The voter's entry point and how esbuild builds it (the same options key its cache). */
export const VOTER_ENTRY = 'stacks/voter/index.ts';
export const VOTER_BUILD_OPTIONS = bundleOptions(VOTER_ENTRY);
export { BUNDLE_CACHE_DIR };

/**
 * The bundle's JavaScript: from the cache when its inputs are unchanged, else built by esbuild
 * (about 0.5 s) and cached; once per process either way, since every member's package shares it.
 */
export function voterBundle(): Buffer {
  return nodeBundle(VOTER_ENTRY, 'voter');
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
  return contentAddressedFile('voter', '.zip', archive);
}

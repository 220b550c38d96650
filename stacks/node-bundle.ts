/**
 * One esbuild bundle of a TypeScript entry point for Node.js 20 (minified, CommonJS, no source
 * paths that depend on the checkout), so the bytes, and the asset hashes made from them, are
 * the same on every machine.
 */
import { PROJECT_ROOT } from '../lib/project-root';

/** The bundled JavaScript of `entryPoint` (a path relative to the repository root). */
export function nodeBundle(entryPoint: string): Buffer {
  // Loaded here: a synth that bundles nothing never loads esbuild.
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const result = buildSync({
    absWorkingDir: PROJECT_ROOT,
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

/**
 * decideVote must bundle for Lambda on its own: the in-stack voter ships the same function,
 * so it may not pull in the file system, zx, YAML or the SDK.
 */
import { build } from 'esbuild';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

describe('lib/governance/decide-vote.ts', () => {
  it('bundles for Lambda from lib/ sources alone, importing no Node built-in and no package', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'lib/governance/decide-vote.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.every((input) => input.startsWith('lib/'))).toBe(true);
    expect(inputs).toContain('lib/governance/decide-vote.ts');
    const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
    expect(imports).toEqual([]);
  });
});

/**
 * The commands' own words: notices that do not look like errors under `npx cdktf synth`, no
 * stale stack folders left behind, no --dry-run on a read-only command, one deploy command
 * form, and a diagram that stays beside the members directory it was drawn from.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, usage } from '../lib/args';
import { UsageError } from '../lib/errors';
import { deployCommand } from '../lib/members';
import { defaultOut } from '../scripts/diagram';
import { status } from '../scripts/status';
import { removeStaleStacks, writeNotices } from '../stacks/main';
import { ConsortiumFixture } from './helpers/consortium-fixture';

const ROOT = join(__dirname, '..');

describe('synth output', () => {
  it('writes notices to stdout under npx cdktf synth (stderr there is shown as [ERROR]) and to stderr under npm run synth', () => {
    const captured = () => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) } };
    };
    const cdktf = captured();
    writeNotices(['bank: network layer only'], { CDKTF_OUTDIR: 'cdktf.out', CDKTF_CONTEXT_JSON: '{}' }, cdktf.io);
    expect([cdktf.out, cdktf.err]).toEqual([['notice: bank: network layer only\n'], []]);
    const npm = captured();
    writeNotices(['bank: network layer only'], { CDKTF_OUTDIR: 'cdktf.out' }, npm.io);
    expect([npm.out, npm.err]).toEqual([[], ['notice: bank: network layer only\n']]);
  });

  it('removes the stack folders of members no longer in the consortium, and only those', () => {
    const fixture = new ConsortiumFixture();
    const outdir = mkdtempSync(join(tmpdir(), 'amb-stale-'));
    try {
      for (const name of ['bank', 'filmmaker', 'departed', 'other-consortium-member']) mkdirSync(join(outdir, 'stacks', name), { recursive: true });
      expect(removeStaleStacks(outdir, fixture.load()).sort()).toEqual(['departed', 'other-consortium-member']);
      expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['bank', 'filmmaker']);
      expect(removeStaleStacks(join(outdir, 'nothing-here'), fixture.load())).toEqual([]);
    } finally {
      fixture.dispose();
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('command words', () => {
  it('status, which writes nothing, offers no --dry-run and refuses it', () => {
    expect(usage(status.spec)).not.toContain('--dry-run');
    expect(() => parseArgs(status.spec, ['--member', 'bank', '--dry-run'])).toThrow(UsageError);
  });

  it('every message and the README name the deploy command in one form: npx cdktf deploy <member>', () => {
    expect(deployCommand('bank')).toBe('npx cdktf deploy bank');
    const sources = ['lib', 'scripts', 'stacks'].flatMap((dir) => filesUnder(join(ROOT, dir)).filter((file) => file.endsWith('.ts')));
    const bare = [...sources, join(ROOT, 'README.md')].flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, index) => ({ line, at: `${file.slice(ROOT.length + 1)}:${index + 1}` }))
        .filter(({ line }) => /(?<!npx )cdktf deploy [\w$]/.test(line)),
    );
    expect(bare.map(({ at }) => at)).toEqual([]);
  });

  it('the diagram of another CONSORTIUM_DIR goes beside it, not over this repository\'s docs/consortium.md', () => {
    expect(defaultOut({})).toBe(join('docs', 'consortium.md'));
    expect(defaultOut({ CONSORTIUM_DIR: '/srv/other/members' })).toBe('/srv/other/docs/consortium.md');
    expect(existsSync(join(ROOT, defaultOut({})))).toBe(true);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

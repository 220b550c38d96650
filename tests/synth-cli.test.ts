/** `npm run synth` and `npx cdktf synth` as a user runs them. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');

function synth(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [RUN_ENTRY, 'stacks/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
    encoding: 'utf8',
  });
}

/** [path under `outdir`, SHA-256] of every asset file cdktf copied into the stacks, sorted by path. */
function assetFiles(outdir: string): [string, string][] {
  return (readdirSync(join(outdir, 'stacks'), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((path) => path.split('/').includes('assets') && statSync(join(outdir, 'stacks', path)).isFile())
    .sort()
    .map((path) => [path, createHash('sha256').update(readFileSync(join(outdir, 'stacks', path))).digest('hex')]);
}

function stacksIn(outdir: string): Record<string, string> {
  const dir = join(outdir, 'stacks');
  return Object.fromEntries(readdirSync(dir).map((member) => [member, readFileSync(join(dir, member, 'cdk.tf.json'), 'utf8')]));
}

test('writes cdktf.out/stacks/<member>/cdk.tf.json for every member, removes stacks of non-members and says which hold the network layer only', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
  try {
    mkdirSync(join(outdir, 'stacks', 'departed-member'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'departed-member', 'cdk.tf.json'), '{}');
    const result = synth({ CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(0);
    expect(Object.keys(stacksIn(outdir)).sort()).toEqual(['bank', 'filmmaker', 'ott-vendor-1', 'ott-vendor-2']);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^notice: ott-vendor-2: no invitationId yet, so its stack holds the network layer only/),
      `notice: removed ${join(outdir, 'stacks', 'departed-member')}: departed-member is not a member of the consortium in members`,
    ]);
    expect(result.stdout).toBe('');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test("asset files come from the synth's own folder, never from one another user could write, and the folder is gone at exit", () => {
  const temporary = mkdtempSync(join(tmpdir(), 'synth-tmp-'));
  const first = mkdtempSync(join(tmpdir(), 'synth-'));
  const second = mkdtempSync(join(tmpdir(), 'synth-'));
  try {
    expect(synth({ CDKTF_OUTDIR: first, TMPDIR: temporary }).status).toBe(0);
    expect(readdirSync(temporary)).toEqual([]);
    // Every asset file of the first synth, and the same names planted where a shared folder of
    // the temporary directory would hold them (the names are predictable: they hash the bytes).
    const assets = assetFiles(first);
    const names = [...new Set(assets.map(([path]) => basename(path)))];
    expect(names.map((name) => name.replace(/-[0-9a-f]{32}\./, '-<hash>.'))).toEqual(expect.arrayContaining(['archive-<hash>.js', 'voter-<hash>.zip']));
    for (const folder of ['amb-voter-packages', 'amb-archive-bundles', 'amb-identity-manager-packages', '.']) {
      mkdirSync(join(temporary, folder), { recursive: true });
      for (const name of names) writeFileSync(join(temporary, folder, name), 'NOT THE BUILT FILE');
    }
    expect(synth({ CDKTF_OUTDIR: second, TMPDIR: temporary }).status).toBe(0);
    expect(assetFiles(second)).toEqual(assets);
    expect(stacksIn(second)).toEqual(stacksIn(first));
    expect(readdirSync(temporary).filter((name) => name.startsWith('amb-assets-'))).toEqual([]);
  } finally {
    for (const dir of [temporary, first, second]) rmSync(dir, { recursive: true, force: true });
  }
});

test('refuses an invalid consortium with exit 2, every problem listed, no stack trace and nothing written', () => {
  const fixture = new ConsortiumFixture().edit('bank.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.t3.tiny').edit('consortium.yaml', 'thresholdPercentage: 50', 'thresholdPercentage: 101');
  const outdir = join(mkdtempSync(join(tmpdir(), 'synth-')), 'out');
  try {
    const result = synth({ CONSORTIUM_DIR: fixture.dir, CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/bank\.yaml:14:19 peers\[0\]\.instanceType: "bc\.t3\.tiny" is not one of the allowed values/);
    expect(result.stderr).toMatch(/consortium\.yaml:14:26 network\.voting\.thresholdPercentage: 101 is out of range \(allowed: 0 to 100\)/);
    expect(result.stderr).toMatch(/2 problems in the consortium config; nothing was written\./);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(outdir)).toBe(false);
  } finally {
    fixture.dispose();
  }
});

test('npx cdktf synth gives the same stacks as npm run synth', () => {
  const ours = mkdtempSync(join(tmpdir(), 'synth-'));
  const theirs = mkdtempSync(join(tmpdir(), 'cdktf-'));
  try {
    expect(synth({ CDKTF_OUTDIR: ours }).status).toBe(0);
    const cli = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', theirs], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: 'true' },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(stacksIn(theirs)).toEqual(stacksIn(ours));
  } finally {
    rmSync(ours, { recursive: true, force: true });
    rmSync(theirs, { recursive: true, force: true });
  }
});

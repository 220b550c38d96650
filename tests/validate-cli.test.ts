/** `npm run validate` as a user runs it: every problem or a one-line summary, exit 0 or 2, nothing written. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConsortiumFixture } from './helpers/consortium-fixture';
import { RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');

function validate(dir: string) {
  return spawnSync(process.execPath, [RUN_ENTRY, 'scripts/validate.ts'], { cwd: ROOT, env: { ...process.env, CONSORTIUM_DIR: dir }, encoding: 'utf8' });
}

/** Every file of the directory with its bytes and modification time. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).isFile() ? `${statSync(join(dir, name)).mtimeMs}:${readFileSync(join(dir, name), 'utf8')}` : 'dir']));
}

describe('npm run validate', () => {
  let fixture: ConsortiumFixture;
  beforeEach(() => {
    fixture = new ConsortiumFixture();
  });
  afterEach(() => fixture.dispose());

  it('prints a one-line summary of a valid consortium, exits 0 and writes nothing', () => {
    const before = snapshot(fixture.dir);
    const result = validate(fixture.dir);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout.trim().split('\n')).toEqual([
      `valid: ${fixture.dir}: network drm-royalties (n-MWY63ZJZU5HGNCMBQER7IN6OIU), STANDARD Fabric 2.2 in us-east-1, voting GREATER_THAN 50% for 24 h, 4 members (founder filmmaker; 3 joined or founding, 1 not joined yet), 5 peers, 2 channels`,
    ]);
    expect(snapshot(fixture.dir)).toEqual(before);
  });

  it('reports every problem of every file with exit 2, no stack trace, nothing on stdout', () => {
    fixture.edit('bank.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.t3.tiny').edit('consortium.yaml', 'thresholdPercentage: 50', 'thresholdPercentage: 101');
    const result = validate(fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(result.stderr).toMatch(/bank\.yaml:\d+:\d+ peers\[0\]\.instanceType: "bc\.t3\.tiny"/);
    expect(result.stderr).toMatch(/consortium\.yaml:\d+:\d+ network\.voting\.thresholdPercentage: 101 is out of range/);
    expect(result.stderr).toContain('2 problems in the consortium config; nothing was written.');
  });
  it('names where a relative CONSORTIUM_DIR was looked for when it is not there, exit 2', () => {
    const result = validate('../no-such-members');
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: '' });
    expect(result.stderr).toBe(`../no-such-members: no such members directory (${join(ROOT, '..', 'no-such-members')}: a relative path is taken from the working directory, ${ROOT}; npm runs every script in the repository root); set CONSORTIUM_DIR to the directory that holds consortium.yaml\n`);
  });
  it('finds chaincode paths from the folder that holds the members directory, whatever the working directory', () => {
    const result = spawnSync(process.execPath, [RUN_ENTRY, join(ROOT, 'scripts', 'validate.ts')], { cwd: fixture.dir, env: { ...process.env, CONSORTIUM_DIR: fixture.dir }, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/^valid: /);
  });
});

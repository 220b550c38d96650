import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConsortium } from '../lib/config';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { RUN_ENTRY } from './helpers/run-entry';

describe('identities in the sample consortium', () => {
  const consortium = loadConsortium(SAMPLE_DIR);
  const member = (name: string) => consortium.members.find((candidate) => candidate.name === name)!;

  test('ott-vendor-1 has a play reporter whose certificate carries role=reporter', () => {
    expect(member('ott-vendor-1').identities).toEqual([
      { name: 'play-reporter', type: 'client', affiliation: 'ott-vendor-1', attributes: [{ name: 'role', value: 'reporter', ecert: true }], removed: false },
    ]);
  });

  test('the bank has a royalty payer', () => {
    expect(member('bank').identities.map((identity) => identity.name)).toEqual(['royalty-payer']);
  });

  test('renewal defaults to 30 days before expiry, checked daily', () => {
    expect(member('filmmaker').identities).toEqual([]);
    expect(member('filmmaker').identityRenewal).toEqual({ renewBeforeDays: 30, schedule: 'rate(1 day)' });
  });
});

describe('invalid identities', () => {
  // Appended to members/ott-vendor-2.yaml (16 lines, adminUsername ott2admin).
  const cases: [string, string, string][] = [
    [
      'refuses the same identity name twice',
      'identities:\n  - name: app\n  - name: app\n',
      'members/ott-vendor-2.yaml:19:11 identities[1].name: "app" is used by identities[0] too (allowed: a unique name per identity)',
    ],
    [
      "refuses the member's CA admin as an identity",
      'identities:\n  - name: ott2admin\n',
      `members/ott-vendor-2.yaml:18:11 identities[0].name: "ott2admin" is the member's CA admin, which AMB registers and the stack's admin secret holds (allowed: another name)`,
    ],
    [
      'refuses an attribute in the reserved hf. namespace',
      'identities:\n  - name: app\n    attributes:\n      - name: hf.Revoker\n        value: "true"\n',
      'members/ott-vendor-2.yaml:20:15 identities[0].attributes[0].name: "hf.Revoker" is reserved by Fabric CA (hf.*) (allowed: an application attribute name; type: admin sets hf.Admin itself)',
    ],
    [
      'refuses an identity type the toolkit does not manage',
      'identities:\n  - name: peer9\n    type: peer\n',
      'members/ott-vendor-2.yaml:19:11 identities[0].type: "peer" is not one of the allowed values (allowed: client, admin)',
    ],
    [
      'refuses an attribute without a value',
      'identities:\n  - name: app\n    attributes:\n      - name: role\n',
      'members/ott-vendor-2.yaml:20:9 identities[0].attributes[0].value: is required but missing (allowed: a string of 1-256 characters)',
    ],
    [
      'refuses a renewal threshold outside 1-180 days',
      'identityRenewal:\n  renewBeforeDays: 400\n',
      'members/ott-vendor-2.yaml:18:20 identityRenewal.renewBeforeDays: 400 is out of range (allowed: 1 to 180)',
    ],
  ];

  test.each(cases)('%s', (_name, yaml, expected) => {
    const fixture = new ConsortiumFixture();
    try {
      fixture.write('ott-vendor-2.yaml', `${readFileSync(join(fixture.dir, 'ott-vendor-2.yaml'), 'utf8')}${yaml}`);
      expect(fixture.errors()).toEqual([expected]);
    } finally {
      fixture.dispose();
    }
  });
});

describe('npm run identities through the member\'s identity manager function', () => {
  const fixture = new ConsortiumFixture();
  afterAll(() => fixture.dispose());

  /** The command as an operator runs it, with the Lambda endpoint on a closed port and no other AWS_* from the caller. */
  async function identitiesRun(maxAttempts: string) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    Object.assign(env, {
      CONSORTIUM_DIR: fixture.dir,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: maxAttempts,
    });
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [RUN_ENTRY, 'scripts/identities.ts', '--member', 'ott-vendor-1'], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  test('an unreachable Lambda endpoint is named as Lambda\'s, after the attempts AWS_MAX_ATTEMPTS allows', async () => {
    const run = await identitiesRun('1');
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').pop()).toBe(
      'cannot reach http://127.0.0.1:9 (from AWS_ENDPOINT_URL_LAMBDA; is it running?): ECONNREFUSED after 1 attempt; check the network and re-run (the command is safe to re-run)',
    );
  });

  test('exits 2 before running the manager when AWS_MAX_ATTEMPTS is out of bounds', async () => {
    const run = await identitiesRun('21');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('AWS_MAX_ATTEMPTS is "21": it must be a whole number of attempts per call, from 1 (no retry) to 20');
    expect(run.stderr).not.toContain('running drm-royalties-ott-vendor-1-identities');
  });
});

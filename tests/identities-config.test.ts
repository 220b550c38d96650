import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConsortium } from '../lib/config';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';

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

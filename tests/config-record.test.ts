import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConsortium } from '../lib/config';
import { applyYamlEdits, readYamlValue, recordInYamlFile } from '../lib/config/record';
import { UsageError } from '../lib/errors';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';

const sampleText = (file: string) => readFileSync(join(SAMPLE_DIR, file), 'utf8');

/** `text` with `from` (which must occur once) replaced: the expected bytes of a recorded file. */
function replacedOnce(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

describe('applyYamlEdits', () => {
  it.each(readdirSync(SAMPLE_DIR).filter((file) => file.endsWith('.yaml')))('changes nothing in %s when the recorded value is already there', (file) => {
    const text = sampleText(file);
    const path = file === 'consortium.yaml' ? ['network', 'name'] : ['accountId'];
    const current = file === 'consortium.yaml' ? 'drm-royalties' : String(readYamlValue(join(SAMPLE_DIR, file), ['accountId']));
    expect(applyYamlEdits(file, text, [{ path, value: current }])).toEqual({ changed: false, text, reformatted: false });
  });

  it('adds invitationId after adminUsername with its comment, leaving every other byte of the file as it was', () => {
    const text = sampleText('ott-vendor-2.yaml');
    const result = applyYamlEdits('ott-vendor-2.yaml', text, [{ path: ['invitationId'], value: 'i-NEWINVITATION', after: ['adminUsername'], comment: 'Written by `npm run accept-invitation`.' }]);
    expect(result.text).toBe(replacedOnce(text, 'adminUsername: ott2admin\n', 'adminUsername: ott2admin\n# Written by `npm run accept-invitation`.\ninvitationId: i-NEWINVITATION\n'));
    expect(result.reformatted).toBe(false);
  });

  it('replaces a recorded scalar in place, keeping the comments and flow lists around it', () => {
    const text = sampleText('filmmaker.yaml');
    const result = applyYamlEdits('filmmaker.yaml', text, [{ path: ['ledger', 'memberId'], value: 'm-REPLACED' }]);
    expect(result.text).toBe(replacedOnce(text, 'memberId: m-J46DNSFRTVCCLONS6DRTU2EJFE', 'memberId: m-REPLACED'));
  });

  it('records network.id inside the network mapping after its description', () => {
    const text = sampleText('consortium.yaml');
    const stripped = replacedOnce(text, "  # Recorded by `npm run sync` once the founder's deploy has created the network.\n  id: n-MWY63ZJZU5HGNCMBQER7IN6OIU\n", '');
    const result = applyYamlEdits('consortium.yaml', stripped, [{ path: ['network', 'id'], value: 'n-NEW', after: ['description', 'name'], comment: 'Recorded by sync.' }]);
    expect(result.text).toBe(replacedOnce(stripped, 'royalty payments\n  frameworkVersion: "2.2"\n  edition: STANDARD\n  region', 'royalty payments\n  # Recorded by sync.\n  id: n-NEW\n  frameworkVersion: "2.2"\n  edition: STANDARD\n  region'));
  });

  it('appends a ledger record as a block at the end of the file', () => {
    const text = sampleText('ott-vendor-2.yaml');
    const ledger = { memberId: 'm-OTT2', name: 'ott-vendor-2', networkId: 'n-NET', invitationId: 'i-INV', peers: [{ name: 'peer1', nodeId: 'nd-1', instanceType: 'bc.t3.small', availabilityZone: 'us-east-1b' }] };
    const result = applyYamlEdits('ott-vendor-2.yaml', text, [{ path: ['ledger'], value: ledger, comment: 'Written by `npm run sync`.' }]);
    expect(result.text).toBe(
      `${text}# Written by \`npm run sync\`.\nledger:\n  memberId: m-OTT2\n  name: ott-vendor-2\n  networkId: n-NET\n  invitationId: i-INV\n  peers:\n    - name: peer1\n      nodeId: nd-1\n      instanceType: bc.t3.small\n      availabilityZone: us-east-1b\n`,
    );
  });

  it('updates an existing ledger record field by field, keeping the comment above it', () => {
    const text = sampleText('filmmaker.yaml');
    const current = readYamlValue(join(SAMPLE_DIR, 'filmmaker.yaml'), ['ledger']) as { peers: object[] };
    const result = applyYamlEdits('filmmaker.yaml', text, [{ path: ['ledger'], value: { ...current, peers: current.peers.slice(0, 1) } }]);
    const peer2 = '    - name: peer2\n      nodeId: nd-3LCTMWXBFNG7JHOY4D2E5QXP6A\n      instanceType: bc.t3.medium\n      availabilityZone: us-east-1b\n';
    expect(result.text).toBe(replacedOnce(text, peer2, ''));
  });

  it('deletes a key and only its lines', () => {
    const text = sampleText('bank.yaml');
    const result = applyYamlEdits('bank.yaml', text, [{ path: ['invitationId'], value: undefined }]);
    expect(result.text).toBe(replacedOnce(text, 'invitationId: i-7XG4VPL2MCB6QJ3TZK5RHN2WDE\nvpc:', 'vpc:'));
  });

  it('says when rendering re-spaces lines it did not edit', () => {
    const text = 'accountId: "111122223333"\nzones: [ a, b ]\n';
    const result = applyYamlEdits('x.yaml', text, [{ path: ['removed'], value: true }]);
    expect(result).toEqual({ changed: true, text: 'accountId: "111122223333"\nzones: [a, b]\nremoved: true\n', reformatted: true });
  });

  it('refuses a file with YAML errors as a usage error naming the file', () => {
    expect(() => applyYamlEdits('members/bad.yaml', 'a: [1,\n', [{ path: ['b'], value: 1 }])).toThrow(UsageError);
    expect(() => applyYamlEdits('members/bad.yaml', 'a: [1,\n', [{ path: ['b'], value: 1 }])).toThrow(/^members\/bad.yaml: cannot record/);
  });
});

describe('recordInYamlFile', () => {
  let fixture: ConsortiumFixture;
  beforeEach(() => {
    fixture = new ConsortiumFixture();
  });
  afterEach(() => fixture.dispose());

  it('writes the file atomically, leaves no temporary file, and the result still loads', () => {
    const file = join(fixture.dir, 'ott-vendor-2.yaml');
    const result = recordInYamlFile(file, [{ path: ['invitationId'], value: 'i-ACCEPTED', after: ['adminUsername'] }]);
    expect(result.changed).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(result.text);
    expect(readdirSync(fixture.dir).sort()).toEqual(readdirSync(SAMPLE_DIR).sort());
    expect(fixture.load().members.find((member) => member.name === 'ott-vendor-2')?.invitationId).toBe('i-ACCEPTED');
  });

  it('writes nothing in a dry run', () => {
    const file = join(fixture.dir, 'ott-vendor-2.yaml');
    const before = readFileSync(file, 'utf8');
    expect(recordInYamlFile(file, [{ path: ['removed'], value: true }], { dryRun: true }).changed).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('leaves an unchanged file untouched byte for byte', () => {
    const file = join(fixture.dir, 'bank.yaml');
    writeFileSync(file, readFileSync(file, 'utf8'));
    const before = readFileSync(file, 'utf8');
    expect(recordInYamlFile(file, [{ path: ['ledger', 'name'], value: 'bank' }]).changed).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(loadConsortium(fixture.dir).members.map((member) => member.name)).toContain('bank');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { consortiumDir, loadConsortium } from '../lib/config';
import { parseSource } from '../lib/config/source';
import { UsageError } from '../lib/errors';
import { generatedFiles } from '../scripts/schema';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { INVALID_CASES } from './config-corpus';

describe('the sample consortium', () => {
  const consortium = loadConsortium(SAMPLE_DIR);

  test('loads with every member file as a member', () => {
    const files = readdirSync(SAMPLE_DIR).filter((name) => name !== 'consortium.yaml').map((name) => name.replace('.yaml', ''));
    expect(consortium.members.map((member) => member.name)).toEqual(files.sort());
  });

  test('describes the drm-royalties network with its voting policy', () => {
    expect(consortium.network).toMatchObject({
      name: 'drm-royalties',
      frameworkVersion: '2.2',
      edition: 'STANDARD',
      region: 'us-east-1',
      voting: { thresholdPercentage: 50, proposalDurationInHours: 24, thresholdComparator: 'GREATER_THAN' },
    });
    expect(consortium.network.id).toMatch(/^n-/);
  });

  test('is a consortium in flight: founder and two members joined, one invited', () => {
    const joined = Object.fromEntries(consortium.members.map((member) => [member.name, member.joined]));
    expect(joined).toEqual({ filmmaker: true, 'ott-vendor-1': true, bank: true, 'ott-vendor-2': false });
    expect(consortium.members.find((member) => member.isFounder)?.name).toBe('filmmaker');
  });

  test('gives every member its own account, role and CIDR', () => {
    const unique = (values: string[]) => new Set(values).size === values.length;
    expect(unique(consortium.members.map((member) => member.accountId))).toBe(true);
    expect(unique(consortium.members.map((member) => member.deployRoleArn))).toBe(true);
    expect(unique(consortium.members.map((member) => (member.vpc.kind === 'new' ? member.vpc.cidr : member.vpc.vpcId)))).toBe(true);
  });

  test('fills defaults: admin peers get names, client defaults, state key per member', () => {
    const vendor = consortium.members.find((member) => member.name === 'ott-vendor-2')!;
    expect(vendor.peers[0].name).toBe('peer1');
    expect(vendor.client).toEqual({ instanceType: 't3.small', subnet: 'private', sshCidrs: [], fabricVersion: '2.2.15', fabricCaVersion: '1.5.13', rootVolumeGiB: 30 });
    expect(vendor.vpc).toEqual({ kind: 'new', cidr: '10.30.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], flowLogs: true });
    expect(vendor.stateBackend).toEqual({ bucket: 'drm-royalties-tfstate-333344445555', key: 'amb-consortium/ott-vendor-2.tfstate', region: 'us-east-1' });
  });

  test('records the channels with their defaults: first member creates, first peer anchors, MAJORITY policies', () => {
    const majority = { admins: 'MAJORITY', lifecycleEndorsement: 'MAJORITY', endorsement: 'MAJORITY' };
    expect(consortium.channels).toEqual([
      { name: 'royalties', members: ['filmmaker', 'bank'], creator: 'filmmaker', anchorPeers: { filmmaker: 'peer1', bank: 'peer1' }, policies: majority },
      { name: 'plays', members: ['filmmaker', 'ott-vendor-1'], creator: 'filmmaker', anchorPeers: { filmmaker: 'peer1', 'ott-vendor-1': 'peer1' }, policies: majority },
    ]);
  });

  test('records the documents chaincode on royalties with an explicit MAJORITY endorsement policy', () => {
    expect(consortium.chaincodes).toEqual([
      { name: 'documents', channel: 'royalties', version: '1.0', sequence: 1, language: 'node', path: 'chaincode/documents', endorsementPolicy: 'MAJORITY', initRequired: false, requiredAttribute: undefined, collections: [], packageId: undefined, committed: undefined },
    ]);
  });
});

describe('invalid configs', () => {
  test.each(INVALID_CASES.map((c) => [c.name, c] as const))('%s', (_name, invalid) => {
    const fixture = new ConsortiumFixture();
    invalid.apply(fixture);
    try {
      expect(fixture.errors()).toEqual(invalid.expected);
    } finally {
      fixture.dispose();
    }
  });
});

describe('where the config comes from', () => {
  test('CONSORTIUM_DIR selects another members directory', () => {
    const fixture = new ConsortiumFixture().edit('consortium.yaml', /name: drm-royalties/g, 'name: other-network');
    try {
      expect(loadConsortium(consortiumDir({ CONSORTIUM_DIR: fixture.dir })).network.name).toBe('other-network');
      expect(consortiumDir({})).toBe('members');
    } finally {
      fixture.dispose();
    }
  });

  test('a missing members directory is a usage error that names CONSORTIUM_DIR', () => {
    expect(() => loadConsortium('/nonexistent/members')).toThrow(UsageError);
    expect(() => loadConsortium('/nonexistent/members')).toThrow(/CONSORTIUM_DIR/);
  });

  test('a members directory without consortium.yaml is a usage error', () => {
    const fixture = new ConsortiumFixture().remove('consortium.yaml');
    try {
      expect(() => fixture.load()).toThrow(/consortium.yaml: not found/);
    } finally {
      fixture.dispose();
    }
  });

  test('an existing VPC and its subnets replace the new VPC', () => {
    const fixture = new ConsortiumFixture().edit(
      'bank.yaml',
      '  cidr: 10.40.0.0/16\n  availabilityZones: [us-east-1a, us-east-1c]\n',
      '  vpcId: vpc-0123456789abcdef0\n  subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]\n',
    );
    try {
      const bank = fixture.load().members.find((member) => member.name === 'bank')!;
      expect(bank.vpc).toEqual({ kind: 'existing', vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'] });
    } finally {
      fixture.dispose();
    }
  });

  test('an unquoted account id keeps its leading zero', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', /444455556666/g, '044455556666').edit('bank.yaml', 'accountId: "044455556666"', 'accountId: 044455556666');
    try {
      expect(fixture.load().members.find((member) => member.name === 'bank')!.accountId).toBe('044455556666');
    } finally {
      fixture.dispose();
    }
  });
});

describe('the published JSON Schema', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const files = generatedFiles();
  const validateConsortium = ajv.compile(JSON.parse(files['schema/consortium.schema.json']));
  const validateMember = ajv.compile(JSON.parse(files['schema/member.schema.json']));

  test('and the configuration reference are committed exactly as the loader specs generate them', () => {
    for (const [path, text] of Object.entries(files)) {
      expect({ path, text: readFileSync(join(__dirname, '..', path), 'utf8') }).toEqual({ path, text });
    }
  });

  test('accepts every sample file', () => {
    for (const name of readdirSync(SAMPLE_DIR)) {
      const value = parse(readFileSync(join(SAMPLE_DIR, name), 'utf8'));
      const validate = name === 'consortium.yaml' ? validateConsortium : validateMember;
      expect({ name, valid: validate(value), errors: validate.errors }).toEqual({ name, valid: true, errors: null });
    }
  });

  test('is referenced from every sample file for editor completion', () => {
    for (const name of readdirSync(SAMPLE_DIR)) {
      const schema = name === 'consortium.yaml' ? 'consortium.schema.json' : 'member.schema.json';
      expect(readFileSync(join(SAMPLE_DIR, name), 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=../schema/${schema}`);
    }
  });

  test.each([
    ['an unknown field', { accountId: '123456789012', deployRoleArn: 'arn:aws:iam::123456789012:role/x', vpc: { cidr: '10.0.0.0/16' }, peer: [] }],
    ['a bad instance type', { accountId: '123456789012', deployRoleArn: 'arn:aws:iam::123456789012:role/x', vpc: { cidr: '10.0.0.0/16' }, peers: [{ instanceType: 'bc.t3.tiny', availabilityZone: 'us-east-1a' }] }],
    ['a missing account id', { deployRoleArn: 'arn:aws:iam::123456789012:role/x', vpc: { cidr: '10.0.0.0/16' } }],
  ])('rejects a member file with %s, as the loader does', (_name, value) => {
    expect(validateMember(value)).toBe(false);
  });
});

test('accepts invitation ids as AMB issues them (in-...) as well as i-...', () => {
  const fixture = new ConsortiumFixture().edit('ott-vendor-2.yaml', 'adminUsername: ott2admin', 'adminUsername: ott2admin\ninvitationId: in-ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  try {
    expect(fixture.load().members.find((member) => member.name === 'ott-vendor-2')!.invitationId).toBe('in-ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  } finally {
    fixture.dispose();
  }
});

describe('parsed files reused within a process', () => {
  test('the same name and text give the same parse; an edited file is parsed again and loads as edited', () => {
    const text = readFileSync(join(SAMPLE_DIR, 'bank.yaml'), 'utf8');
    const first = parseSource('members/bank.yaml', text);
    expect(parseSource('members/bank.yaml', text)).toBe(first);
    expect(parseSource('members/bank.yaml', `${text}\n`)).not.toBe(first);
    expect(parseSource('members/other.yaml', text)).not.toBe(first);
    // another copy of the same text (a fixture's or a workspace's) shares the parse, not the file name
    expect(parseSource('members/other.yaml', text).document).toBe(first.document);
    const twice = 'name: bank\nname: banque\n';
    expect(parseSource('a/bank.yaml', twice).syntaxIssues).toEqual([{ file: 'a/bank.yaml', line: 2, col: 1, field: 'name', problem: 'YAML: key "name" appears twice in this mapping (first at line 1)', allowed: 'each key once; remove or merge one of them' }]);
    expect(parseSource('b/bank.yaml', twice).syntaxIssues).toEqual([expect.objectContaining({ file: 'b/bank.yaml', line: 2 })]);
    expect(parseSource('c/bank.yaml', 'name: [bank\n').syntaxIssues).toEqual([expect.objectContaining({ file: 'c/bank.yaml', field: '', problem: expect.stringMatching(/^YAML: /) })]);

    const fixture = new ConsortiumFixture();
    try {
      const before = fixture.load().members.find((member) => member.name === 'bank')!;
      expect(fixture.load().members.find((member) => member.name === 'bank')).toEqual(before);
      fixture.edit('bank.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.m5.large');
      const after = fixture.load().members.find((member) => member.name === 'bank')!;
      expect(after.peers[0].instanceType).toBe('bc.m5.large');
      expect(before.peers[0].instanceType).toBe('bc.t3.medium');
      // A file made invalid is refused at once, not served from an earlier parse.
      fixture.edit('bank.yaml', 'instanceType: bc.m5.large', 'instanceType: [bc.m5.large');
      expect(fixture.errors().join('\n')).toMatch(/members\/bank\.yaml:\d+:\d+/);
    } finally {
      fixture.dispose();
    }
  });
});

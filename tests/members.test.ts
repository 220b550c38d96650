/** `npm run members`: the table operators read and the matrix every workflow fans out over. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConsortium } from '../lib/config';
import { UsageError } from '../lib/errors';
import { formatMembersTable, memberRows, parseMembersArgs, type MemberRow } from '../lib/members';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { generateConsortium } from './helpers/generate-consortium';
import { RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');

function members(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [RUN_ENTRY, 'scripts/members.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, CONSORTIUM_DIR: '', ...env },
    encoding: 'utf8',
  });
}

function sampleMemberNames(): string[] {
  return readdirSync(SAMPLE_DIR)
    .filter((file) => file.endsWith('.yaml') && file !== 'consortium.yaml')
    .map((file) => file.replace(/\.yaml$/, ''))
    .sort();
}

describe('the JSON matrix', () => {
  test('lists every member of the sample, one line, with the fields a workflow job needs', () => {
    const result = members(['--json']);
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const rows = JSON.parse(result.stdout) as MemberRow[];
    expect(rows.map((row) => row.member)).toEqual(sampleMemberNames());
    expect(rows.find((row) => row.member === 'bank')).toEqual({
      member: 'bank',
      account: '444455556666',
      region: 'us-east-1',
      joined: true,
      founder: false,
      removed: false,
      peers: 1,
      stateBucket: 'drm-royalties-tfstate-444455556666',
      stateKey: 'amb-consortium/bank.tfstate',
      automatedVoting: true,
      planRoleVariable: 'AMB_PLAN_ROLE_BANK',
      deployRoleVariable: 'AMB_DEPLOY_ROLE_BANK',
      governanceRoleVariable: 'AMB_GOVERNANCE_ROLE_BANK',
    });
  });

  test('lists all 14 members of a generated STANDARD consortium read through CONSORTIUM_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'generated-'));
    try {
      const generated = generateConsortium(dir, { members: 14, peersPerMember: 3 });
      const result = members(['--json'], { CONSORTIUM_DIR: dir });
      expect(result.status).toBe(0);
      const rows = JSON.parse(result.stdout) as MemberRow[];
      expect(rows.map((row) => row.member)).toEqual(generated.members);
      expect(rows).toHaveLength(14);
      expect(rows.every((row) => row.peers === 3 && row.joined)).toBe(true);
      expect(rows.filter((row) => row.founder).map((row) => row.member)).toEqual(['member-01']);
      expect(loadConsortium(dir).network.edition).toBe('STANDARD');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('names role variables with upper-case letters, digits and underscores only', () => {
    const row = memberRows(loadConsortium(SAMPLE_DIR)).find((candidate) => candidate.member === 'ott-vendor-1')!;
    expect([row.planRoleVariable, row.deployRoleVariable, row.governanceRoleVariable]).toEqual([
      'AMB_PLAN_ROLE_OTT_VENDOR_1',
      'AMB_DEPLOY_ROLE_OTT_VENDOR_1',
      'AMB_GOVERNANCE_ROLE_OTT_VENDOR_1',
    ]);
  });

  test('refuses two members whose names differ only in case, since their role variables would collide', () => {
    const fixture = new ConsortiumFixture();
    try {
      fixture.write('Bank.yaml', 'accountId: "999988887777"\ndeployRoleArn: arn:aws:iam::999988887777:role/deploy\nvpc:\n  cidr: 10.90.0.0/16\n');
      const consortium = fixture.load();
      expect(() => memberRows(consortium)).toThrow(UsageError);
      expect(() => memberRows(consortium)).toThrow(/"bank" and .*Bank\.yaml \("Bank"\) differ only in case/);
    } finally {
      fixture.dispose();
    }
  });
});

describe('selections', () => {
  const select = (consortium = loadConsortium(SAMPLE_DIR), selection: Parameters<typeof memberRows>[1]) => memberRows(consortium, selection).map((row) => row.member);

  test('invitees are the members without an invitation yet', () => {
    expect(select(undefined, 'invitees')).toEqual(['ott-vendor-2']);
  });

  test('the proposer is the founder', () => {
    expect(select(undefined, 'proposer')).toEqual(['filmmaker']);
  });

  test('the proposer falls back to the first active member once the founder asks for removal', () => {
    const fixture = new ConsortiumFixture().edit('filmmaker.yaml', 'voting:', 'removed: true\nvoting:');
    try {
      expect(select(fixture.load(), 'proposer')).toEqual(['bank']);
    } finally {
      fixture.dispose();
    }
  });

  test('manual voters are the active members that turned the in-stack voter off', () => {
    const fixture = new ConsortiumFixture()
      .edit('bank.yaml', 'voting:\n  otherwise: NO', 'voting:\n  otherwise: NO\n  automated: false')
      .edit('ott-vendor-2.yaml', 'tags:', 'voting:\n  automated: false\ntags:');
    try {
      expect(select(undefined, 'manual-voters')).toEqual([]);
      expect(select(fixture.load(), 'manual-voters')).toEqual(['bank']);
    } finally {
      fixture.dispose();
    }
  });

  test('active members exclude those not yet joined and those asking for removal', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', 'voting:', 'removed: true\nvoting:');
    try {
      expect(select(fixture.load(), 'active')).toEqual(['filmmaker', 'ott-vendor-1']);
      expect(select(fixture.load(), 'all')).toEqual(['bank', 'filmmaker', 'ott-vendor-1', 'ott-vendor-2']);
    } finally {
      fixture.dispose();
    }
  });

  test('--select narrows the printed matrix', () => {
    const result = members(['--json', '--select', 'invitees']);
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as MemberRow[]).map((row) => row.member)).toEqual(['ott-vendor-2']);
    expect(JSON.parse(members(['--json', '--select=proposer']).stdout)).toEqual([expect.objectContaining({ member: 'filmmaker', founder: true })]);
  });
});

describe('the table', () => {
  test('prints a header and one aligned row per member with account, region, flags, peers and state', () => {
    const result = members([]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['MEMBER', 'ACCOUNT', 'REGION', 'JOINED', 'FOUNDER', 'REMOVED', 'PEERS', 'STATE']);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(sampleMemberNames());
    expect(lines.find((line) => line.startsWith('filmmaker'))!.split(/\s+/)).toEqual([
      'filmmaker',
      '111122223333',
      'us-east-1',
      'yes',
      'yes',
      'no',
      '2',
      's3://drm-royalties-tfstate-111122223333/amb-consortium/filmmaker.tfstate',
    ]);
    for (const title of ['ACCOUNT', 'REGION', 'JOINED', 'FOUNDER', 'REMOVED', 'STATE']) {
      const column = lines[0].indexOf(title);
      for (const line of lines.slice(1)) expect(line[column - 1]).toBe(' ');
      for (const line of lines.slice(1)) expect(line[column]).not.toBe(' ');
    }
  });

  test('right-aligns the peer counts under their header', () => {
    const rows = memberRows(loadConsortium(SAMPLE_DIR));
    const lines = formatMembersTable([...rows, { ...rows[0], member: 'many', peers: 12 }]).split('\n');
    const end = lines[0].indexOf('PEERS') + 'PEERS'.length;
    for (const line of lines.slice(1)) expect(line.slice(end - 2, end).trim()).toMatch(/^\d+$/);
    expect(lines.every((line) => line === line.trimEnd())).toBe(true);
  });
});

describe('usage', () => {
  test('an unknown flag exits 2 with the usage and no stack trace', () => {
    const result = members(['--yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^unknown argument "--yaml"/);
    expect(result.stderr).toMatch(/usage: npm run members -- \[--json\]/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  test('an unknown selection exits 2 naming the allowed ones', () => {
    const result = members(['--select', 'voters']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--select: "voters" is not one of all, active, manual-voters, invitees, proposer/);
  });

  test('--help prints the usage on stdout and exits 0', () => {
    const result = members(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run members/);
  });

  test('parses flags without touching the config', () => {
    expect(parseMembersArgs(['--json', '--select', 'active'])).toEqual({ json: true, selection: 'active', help: false });
    expect(() => parseMembersArgs(['--select'])).toThrow(/--select needs a value/);
  });

  test('an invalid consortium exits 2 with the file, line and column', () => {
    const fixture = new ConsortiumFixture().edit('bank.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.t3.tiny');
    try {
      const result = members(['--json'], { CONSORTIUM_DIR: fixture.dir });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/bank\.yaml:\d+:\d+ peers\[0\]\.instanceType: "bc\.t3\.tiny"/);
      expect(result.stdout).toBe('');
    } finally {
      fixture.dispose();
    }
  });
});

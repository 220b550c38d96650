/** `npm run diagram`: the consortium as a Mermaid flowchart, from the config or with live statuses. */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateMemberCommand,
  CreateNetworkCommand,
  CreateNodeCommand,
  CreateProposalCommand,
  ListInvitationsCommand,
  ManagedBlockchainClient,
  VoteOnProposalCommand,
} from '@aws-sdk/client-managedblockchain';
import { loadConsortium, type Consortium } from '../lib/config';
import { renderDiagramDocument, renderFlowchart, type LiveStatus } from '../lib/diagram';
import type { NodeView } from '../lib/governance/ledger-record';
import { matchNodesToPeers } from '../lib/network-status';
import { ConsortiumFixture, SAMPLE_DIR } from './helpers/consortium-fixture';
import { generateConsortium } from './helpers/generate-consortium';
import { startSimulator, type RunningSimulator } from '../sim';
import { MermaidParser } from './helpers/mermaid';
import { RUN_ENTRY } from './helpers/run-entry';

const ROOT = join(__dirname, '..');

function diagram(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  return spawnSync(process.execPath, [RUN_ENTRY, join(ROOT, 'scripts', 'diagram.ts'), ...args], {
    cwd,
    env: { ...process.env, CONSORTIUM_DIR: '', ...env },
    encoding: 'utf8',
  });
}

/** Mermaid's own parser, one process for the file; returns the diagram type, or rejects with the parser's message. */
let mermaid: MermaidParser;
beforeAll(() => {
  mermaid = MermaidParser.start();
});
afterAll(() => mermaid.stop());
const mermaidParse = (source: string): Promise<string> => mermaid.parse(source);

function mermaidBlock(markdown: string): string {
  const match = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  if (!match) throw new Error('no mermaid block');
  return match[1];
}

/** Node ids declared with a shape, and every id an edge or class line refers to. */
function idsOf(flowchart: string): { declared: Set<string>; subgraphs: Set<string>; referenced: string[] } {
  const declared = new Set<string>();
  const subgraphs = new Set<string>();
  const referenced: string[] = [];
  for (const line of flowchart.split('\n').map((text) => text.trim())) {
    let match: RegExpExecArray | null;
    if ((match = /^subgraph (\S+?)\[/.exec(line))) subgraphs.add(match[1]);
    else if ((match = /^(\w+) (---|-->|===|-\.-) (\w+)$/.exec(line))) referenced.push(match[1], match[3]);
    else if ((match = /^class (\S+) \w+$/.exec(line))) referenced.push(...match[1].split(','));
    else if ((match = /^style (\S+) /.exec(line))) referenced.push(match[1]);
    else if ((match = /^(\w+)[[({/]/.exec(line))) declared.add(match[1]);
  }
  return { declared, subgraphs, referenced };
}

const sample = () => loadConsortium(SAMPLE_DIR);

describe('the diagram of the sample', () => {
  const flowchart = renderFlowchart(sample());

  test('is a flowchart that Mermaid parses', async () => {
    expect(flowchart.startsWith('flowchart TB\n')).toBe(true);
    expect(await mermaidParse(flowchart)).toBe('flowchart-v2');
  });

  test('shows the network with its name, id, edition, framework and voting policy', () => {
    expect(flowchart).toContain(
      'network{{"<b>drm-royalties</b><br/>n-MWY63ZJZU5HGNCMBQER7IN6OIU<br/>STANDARD edition · Fabric 2.2 · us-east-1<br/>proposals pass with more than 50% of all members within 24 h"}}',
    );
  });

  test('puts every member in a subgraph for its AWS account, with its peers, VPC endpoint and Fabric client', () => {
    const consortium = sample();
    for (const member of consortium.members) {
      const id = member.name.replaceAll('-', '_');
      const start = flowchart.indexOf(`subgraph account_${member.accountId}["${member.name} · AWS account ${member.accountId}"]`);
      expect(start).toBeGreaterThan(0);
      const body = flowchart.slice(start, flowchart.indexOf('\n  end', start));
      expect(body).toContain(`member_${id}["<b>${member.name}</b>`);
      for (const peer of member.peers) {
        expect(body).toContain(`peer_${id}_${peer.name}[("<b>${peer.name}</b><br/>${peer.instanceType} · ${peer.availabilityZone}")]`);
        expect(body).toContain(`member_${id} --- peer_${id}_${peer.name}`);
      }
      expect(body).toContain(`endpoint_${id}[/"VPC endpoint<br/>private DNS · ports 30000-34000"/]`);
      expect(body).toContain(`client_${id}["Fabric client<br/>${member.client.instanceType} · ${member.client.subnet} subnet`);
      expect(body).toContain(`client_${id} --> endpoint_${id}`);
      expect(flowchart).toContain(`endpoint_${id} --> network`);
    }
  });

  test('links every channel to each of its members', () => {
    const consortium = sample();
    expect(consortium.channels.length).toBeGreaterThan(0);
    for (const channel of consortium.channels) {
      expect(flowchart).toContain(`channel_${channel.name}(["channel<br/><b>${channel.name}</b>"])`);
      for (const member of channel.members) expect(flowchart).toContain(`channel_${channel.name} -.- member_${member.replaceAll('-', '_')}`);
    }
  });

  test('marks the founder and styles the member that has not joined yet, links included', () => {
    expect(flowchart).toContain('<b>filmmaker</b><br/>founder<br/>member m-J46DNSFRTVCCLONS6DRTU2EJFE"]');
    expect(flowchart).toContain('  class member_filmmaker founder');
    expect(flowchart).toContain('<b>ott-vendor-2</b><br/>not joined: awaiting an invitation"]');
    expect(flowchart).toContain('  class member_ott_vendor_2 pending');
    expect(flowchart).toMatch(/^ {2}style account_333344445555 fill:#fff8e1/m);
    expect(flowchart).toContain('network -.- member_ott_vendor_2');
    expect(flowchart).toContain('network === member_bank');
  });

  test('refers only to ids it declares, all of them letters, digits and underscores', () => {
    const { declared, subgraphs, referenced } = idsOf(flowchart);
    for (const id of [...declared, ...subgraphs]) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    for (const id of referenced) expect(declared.has(id) || subgraphs.has(id)).toBe(true);
    expect(referenced.length).toBeGreaterThan(20);
  });

  test('docs/consortium.md, the committed snapshot of the whole document, is the rendered sample (npm run diagram regenerates it)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'consortium.md'), 'utf8')).toBe(renderDiagramDocument(sample()));
  });
});

describe('determinism', () => {
  test('the same config gives the same text, whatever order members, peers and channels come in', () => {
    const consortium = sample();
    const shuffled: Consortium = {
      ...consortium,
      members: [...consortium.members].reverse().map((member) => ({ ...member, peers: [...member.peers].reverse() })),
      channels: [...consortium.channels].reverse().map((channel) => ({ ...channel, members: [...channel.members].reverse() })),
    };
    expect(renderDiagramDocument(shuffled)).toBe(renderDiagramDocument(consortium));
    expect(renderDiagramDocument(loadConsortium(SAMPLE_DIR))).toBe(renderDiagramDocument(consortium));
  });

  test('holds no timestamp or path of the machine that made it', () => {
    const fixture = new ConsortiumFixture();
    try {
      const text = renderDiagramDocument(fixture.load());
      expect(text).toBe(renderDiagramDocument(sample()));
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T|\d{2}:\d{2}:\d{2}/);
      expect(text).not.toContain(fixture.dir);
    } finally {
      fixture.dispose();
    }
  });
});

describe('other consortia', () => {
  test('a generated 14-member STANDARD consortium with 3 peers each parses, with all 42 peers and both channels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generated-'));
    try {
      generateConsortium(dir, { members: 14, peersPerMember: 3 });
      const flowchart = renderFlowchart(loadConsortium(dir));
      expect(await mermaidParse(flowchart)).toBe('flowchart-v2');
      expect(flowchart.match(/^ {4}peer_\w+\[\(/gm)).toHaveLength(42);
      expect(flowchart.match(/^ {2}subgraph account_/gm)).toHaveLength(14);
      expect(flowchart.match(/^ {2}channel_everyone -\.- member_/gm)).toHaveLength(14);
      expect(flowchart.match(/^ {2}channel_pair -\.- member_/gm)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a removed member is styled grey and linked dotted; SSH CIDRs show on the client', async () => {
    const fixture = new ConsortiumFixture()
      .edit('bank.yaml', 'voting:', 'removed: true\nvoting:')
      .edit('filmmaker.yaml', 'client:\n  instanceType: t3.small', 'client:\n  instanceType: t3.small\n  sshCidrs: [203.0.113.0/24]');
    try {
      const flowchart = renderFlowchart(fixture.load());
      expect(flowchart).toContain('<b>bank</b><br/>removal requested<br/>member m-FN3QH2XV5CDRJ7KLAP4WTYBS6E"]');
      expect(flowchart).toContain('  class member_bank removed');
      expect(flowchart).toMatch(/^ {2}style account_444455556666 fill:#eeeeee/m);
      expect(flowchart).toContain('network -.- member_bank');
      expect(flowchart).toContain('SSH from 203.0.113.0/24');
      expect(await mermaidParse(flowchart)).toBe('flowchart-v2');
    } finally {
      fixture.dispose();
    }
  });

  test('names that are Mermaid keywords or markup stay inert: a member called "end", a network name with quotes and angle brackets', async () => {
    const fixture = new ConsortiumFixture().write(
      'end.yaml',
      'accountId: "999988887777"\ndeployRoleArn: arn:aws:iam::999988887777:role/deploy\nvpc:\n  cidr: 10.90.0.0/16\npeers:\n  - instanceType: bc.t3.small\n    availabilityZone: us-east-1a\n',
    );
    try {
      // The loader admits only letters, digits and hyphens in a network name; the renderer must not rely on it.
      const loaded = fixture.load();
      const flowchart = renderFlowchart({ ...loaded, network: { ...loaded.network, name: 'Film "rights" <b>#1 & co' } });
      expect(flowchart).toContain('<b>Film #34;rights#34; #60;b#62;#35;1 #38; co</b>');
      expect(flowchart).toContain('member_end["<b>end</b>');
      expect(flowchart).toContain('peer_end_peer1[(');
      expect(await mermaidParse(flowchart)).toBe('flowchart-v2');
    } finally {
      fixture.dispose();
    }
  });
});

describe('live statuses (rendering)', () => {
  const live: LiveStatus = {
    networkStatus: 'AVAILABLE',
    members: {
      filmmaker: {
        id: 'm-J46DNSFRTVCCLONS6DRTU2EJFE',
        status: 'AVAILABLE',
        nodesVisible: true,
        peers: { peer1: { id: 'nd-AAA', status: 'AVAILABLE' }, peer2: { id: 'nd-BBB', status: 'UNHEALTHY' } },
        extraNodes: [{ id: 'nd-ZZZ', status: 'AVAILABLE', instanceType: 'bc.t3.large', availabilityZone: 'us-east-1c' }],
      },
      bank: { id: 'm-FN3QH2XV5CDRJ7KLAP4WTYBS6E', status: 'CREATING', nodesVisible: false, peers: {}, extraNodes: [] },
    },
    unknownMembers: [{ id: 'm-STRANGER', name: 'stranger', status: 'AVAILABLE' }],
  };
  const flowchart = renderFlowchart(sample(), live);

  test('annotates the network, each member and each peer with its status, and styles the troubled ones', async () => {
    expect(flowchart).toMatch(/network\{\{".*<br\/>status: AVAILABLE"\}\}/);
    expect(flowchart).toContain('<b>filmmaker</b><br/>founder<br/>member m-J46DNSFRTVCCLONS6DRTU2EJFE<br/>status: AVAILABLE"]');
    expect(flowchart).toContain('peer_filmmaker_peer1[("<b>peer1</b><br/>bc.t3.medium · us-east-1a<br/>nd-AAA · AVAILABLE")]');
    expect(flowchart).toContain('peer_filmmaker_peer2[("<b>peer2</b><br/>bc.t3.medium · us-east-1b<br/>nd-BBB · UNHEALTHY")]');
    expect(flowchart).toContain('  class peer_filmmaker_peer2 failed');
    expect(flowchart).toContain('<b>bank</b><br/>joined with i-7XG4VPL2MCB6QJ3TZK5RHN2WDE<br/>member m-FN3QH2XV5CDRJ7KLAP4WTYBS6E<br/>status: CREATING"]');
    expect(flowchart).toContain('  class member_bank changing');
    expect(await mermaidParse(flowchart)).toBe('flowchart-v2');
  });

  test('says when a peer has no node, when nodes are not visible, and when a member is not in the network', () => {
    expect(flowchart).toContain('peer_bank_peer1[("<b>peer1</b><br/>bc.t3.medium · us-east-1c<br/>status not visible to these credentials")]');
    expect(flowchart).toContain('<b>ott-vendor-1</b><br/>joined with i-KD5Q2H4EXZFX3NMJ7RTL2WB5AQ<br/>member m-2QZLVGD3WJHBXKOIYTNBA6F7XM<br/>not in the network"]');
    expect(flowchart).toContain('peer_ott_vendor_1_peer1[("<b>peer1</b><br/>bc.t3.small · us-east-1a<br/>no member in the network")]');
  });

  test('shows nodes and members the network has but the config does not', () => {
    expect(flowchart).toContain('node_filmmaker_nd_ZZZ[("<b>nd-ZZZ</b><br/>not in the config<br/>bc.t3.large · us-east-1c<br/>status: AVAILABLE")]');
    expect(flowchart).toContain('stranger_m_STRANGER["<b>stranger</b><br/>m-STRANGER<br/>status: AVAILABLE"]');
    expect(flowchart).toContain('network -.- stranger_m_STRANGER');
    expect(flowchart).toMatch(/^ {2}class .*node_filmmaker_nd_ZZZ.* unknown$/m);
  });
});

describe('matching nodes to peers', () => {
  const peers = sample().members.find((member) => member.name === 'filmmaker')!.peers;
  const node = (id: string, availabilityZone: string, createdAt: number, status = 'AVAILABLE', instanceType = 'bc.t3.medium'): NodeView => ({ id, status, instanceType, availabilityZone, creationDate: new Date(createdAt) });

  test('pairs each peer with the oldest node of its instance type and AZ, and reports the rest', () => {
    const result = matchNodesToPeers(peers, [node('nd-3', 'us-east-1a', 30), node('nd-2', 'us-east-1b', 20), node('nd-1', 'us-east-1a', 10)]);
    expect(result.peers).toEqual({ peer1: { id: 'nd-1', status: 'AVAILABLE' }, peer2: { id: 'nd-2', status: 'AVAILABLE' } });
    expect(result.extraNodes).toEqual([{ id: 'nd-3', status: 'AVAILABLE', instanceType: 'bc.t3.medium', availabilityZone: 'us-east-1a' }]);
  });

  test('prefers a node that still exists over an older deleted one, and does not report deleted leftovers', () => {
    const result = matchNodesToPeers(peers, [node('nd-old', 'us-east-1a', 1, 'DELETED'), node('nd-new', 'us-east-1a', 5)]);
    expect(result.peers.peer1).toEqual({ id: 'nd-new', status: 'AVAILABLE' });
    expect(result.peers.peer2).toBeUndefined();
    expect(result.extraNodes).toEqual([]);
  });

  test('does not pair a node of another instance type', () => {
    const result = matchNodesToPeers(peers, [node('nd-big', 'us-east-1a', 1, 'AVAILABLE', 'bc.m5.large')]);
    expect(result.peers).toEqual({});
    expect(result.extraNodes.map((extra) => extra.id)).toEqual(['nd-big']);
  });
});

describe('the command', () => {
  test('--stdout prints the document for the consortium in CONSORTIUM_DIR', () => {
    const result = diagram(['--stdout'], { CONSORTIUM_DIR: SAMPLE_DIR });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(renderDiagramDocument(sample()));
  });

  test('writes docs/consortium.md beside the members directory by default, and --out elsewhere', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'diagram-'));
    try {
      cpSync(SAMPLE_DIR, join(cwd, 'members'), { recursive: true });
      // Chaincode paths in consortium.yaml point beside the members directory.
      symlinkSync(join(SAMPLE_DIR, '..', 'chaincode'), join(cwd, 'chaincode'));
      expect(diagram([], { CONSORTIUM_DIR: join(cwd, 'members') }, tmpdir()).status).toBe(0);
      expect(readFileSync(join(cwd, 'docs', 'consortium.md'), 'utf8')).toBe(renderDiagramDocument(sample()));
      const result = diagram(['--out', 'out/net.md'], { CONSORTIUM_DIR: SAMPLE_DIR }, cwd);
      expect(result.status).toBe(0);
      expect(result.stderr).toContain('wrote out/net.md');
      expect(readFileSync(join(cwd, 'out', 'net.md'), 'utf8')).toBe(renderDiagramDocument(sample()));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  test('bad flags exit 2 with the usage and write nothing', () => {
    for (const args of [['--svg'], ['--out'], ['--out', 'x.md', '--stdout']]) {
      const result = diagram(args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/usage: npm run diagram -- \[--out FILE \| --stdout\] \[--live\]/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
    }
  });

  test('--live without a network id exits 1 and says how to get one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-network-'));
    try {
      generateConsortium(dir, { members: 1, peersPerMember: 1 });
      const path = join(dir, 'consortium.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^ {2}id: .*\n/m, ''));
      const result = diagram(['--live', '--stdout'], { CONSORTIUM_DIR: dir });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/network\.id is not set in .*consortium\.yaml.*deploy the founder's stack \(member-01\), record the id with npm run sync -- --member member-01/);
      expect(result.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--live exits 1 with what to check when the network cannot be reached', () => {
    const result = diagram(['--live', '--stdout'], {
      CONSORTIUM_DIR: SAMPLE_DIR,
      AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^GetNetwork on n-MWY63ZJZU5HGNCMBQER7IN6OIU: cannot reach http:\/\/127\.0\.0\.1:9 \(from AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN; is it running\?\): ECONNREFUSED.*; or drop --live for the diagram from the config alone$/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});

describe('--live against the AMB simulator', () => {
  const FOUNDER_ACCOUNT = '100000000001';
  const JOINER_ACCOUNT = '100000000002';
  const CREATION_MS = 60_000;
  let sim: RunningSimulator;
  let dir: string;
  const ids: Record<string, string> = {};

  /** The simulator takes a 12-digit access key id as the calling account. */
  const clientFor = (account: string) =>
    new ManagedBlockchainClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: { accessKeyId: account, secretAccessKey: 'simulated' } });
  const fabricMember = (name: string) => ({
    Name: name,
    FrameworkConfiguration: { Fabric: { AdminUsername: 'admin', AdminPassword: 'Simulated1Password' } },
  });
  /** The CLI in a child process, so the simulator in this one keeps serving. */
  const liveDiagram = (env: NodeJS.ProcessEnv) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [RUN_ENTRY, join(ROOT, 'scripts', 'diagram.ts'), '--live', '--stdout'], { cwd: ROOT, env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  beforeAll(async () => {
    sim = await startSimulator({ nodeCreationDelayMs: CREATION_MS });
    const founder = clientFor(FOUNDER_ACCOUNT);
    const created = await founder.send(
      new CreateNetworkCommand({
        Name: 'generated',
        Framework: 'HYPERLEDGER_FABRIC',
        FrameworkVersion: '2.2',
        FrameworkConfiguration: { Fabric: { Edition: 'STANDARD' } },
        VotingPolicy: { ApprovalThresholdPolicy: { ThresholdPercentage: 50, ProposalDurationInHours: 24, ThresholdComparator: 'GREATER_THAN' } },
        MemberConfiguration: fabricMember('member-01'),
      }),
    );
    ids.network = created.NetworkId!;
    ids.founder = created.MemberId!;
    sim.advanceClock(CREATION_MS);
    const node = (InstanceType: string, AvailabilityZone: string) =>
      founder.send(new CreateNodeCommand({ NetworkId: ids.network, MemberId: ids.founder, NodeConfiguration: { InstanceType, AvailabilityZone } }));
    ids.peer1 = (await node('bc.t3.small', 'us-east-1a')).NodeId!;
    sim.advanceClock(CREATION_MS);
    ids.peer2 = (await node('bc.t3.small', 'us-east-1b')).NodeId!;
    ids.extra = (await node('bc.t3.medium', 'us-east-1c')).NodeId!;

    const proposal = await founder.send(
      new CreateProposalCommand({ NetworkId: ids.network, MemberId: ids.founder, Actions: { Invitations: [{ Principal: JOINER_ACCOUNT }] } }),
    );
    await founder.send(new VoteOnProposalCommand({ NetworkId: ids.network, ProposalId: proposal.ProposalId!, VoterMemberId: ids.founder, Vote: 'YES' }));
    const joiner = clientFor(JOINER_ACCOUNT);
    const invitation = (await joiner.send(new ListInvitationsCommand({}))).Invitations!.find((candidate) => candidate.Status === 'PENDING')!;
    ids.joiner = (await joiner.send(new CreateMemberCommand({ NetworkId: ids.network, InvitationId: invitation.InvitationId!, MemberConfiguration: fabricMember('member-02') })))
      .MemberId!;

    dir = mkdtempSync(join(tmpdir(), 'live-'));
    generateConsortium(dir, { members: 3, peersPerMember: 2 });
    const consortiumFile = join(dir, 'consortium.yaml');
    writeFileSync(consortiumFile, readFileSync(consortiumFile, 'utf8').replace(/^ {2}id: .*$/m, `  id: ${ids.network}`));
  });

  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("annotates members and peers with the network's statuses, read with the founder's credentials", async () => {
    const result = await liveDiagram({
      CONSORTIUM_DIR: dir,
      AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: sim.endpoint,
      AWS_ACCESS_KEY_ID: FOUNDER_ACCOUNT,
      AWS_SECRET_ACCESS_KEY: 'simulated',
      AWS_REGION: '',
      AWS_PROFILE: '',
    });
    expect(result.stderr).not.toMatch(/failed/);
    expect(result.status).toBe(0);
    const flowchart = mermaidBlock(result.stdout);
    expect(await mermaidParse(flowchart)).toBe('flowchart-v2');
    expect(result.stdout).toContain('Generated by `npm run diagram -- --live`');

    expect(flowchart).toMatch(new RegExp(`network\\{\\{"<b>generated</b><br/>${ids.network}<br/>.*<br/>status: AVAILABLE"\\}\\}`));
    expect(flowchart).toContain(`<b>member-01</b><br/>founder<br/>member ${ids.founder}<br/>status: AVAILABLE"]`);
    expect(flowchart).toContain(`peer_member_01_peer1[("<b>peer1</b><br/>bc.t3.small · us-east-1a<br/>${ids.peer1} · AVAILABLE")]`);
    expect(flowchart).toContain(`peer_member_01_peer2[("<b>peer2</b><br/>bc.t3.small · us-east-1b<br/>${ids.peer2} · CREATING")]`);
    expect(flowchart).toMatch(/^ {2}class .*\bpeer_member_01_peer2\b.* changing$/m);
    expect(flowchart).toContain(`<b>${ids.extra}</b><br/>not in the config<br/>bc.t3.medium · us-east-1c<br/>status: CREATING`);

    expect(flowchart).toContain(`<b>member-02</b><br/>joined with i-GENERATED00000000000000002<br/>member ${ids.joiner}<br/>status: CREATING"]`);
    expect(flowchart).toContain('peer_member_02_peer1[("<b>peer1</b><br/>bc.t3.small · us-east-1a<br/>status not visible to these credentials")]');
    expect(flowchart).toContain('<b>member-03</b><br/>joined with i-GENERATED00000000000000003<br/>not in the network"]');
  });

  test('a network id the network does not know exits 1 with what to check', async () => {
    const consortiumFile = join(dir, 'consortium.yaml');
    const original = readFileSync(consortiumFile, 'utf8');
    try {
      writeFileSync(consortiumFile, original.replace(`id: ${ids.network}`, 'id: n-NOSUCHNETWORK'));
      const result = await liveDiagram({
        CONSORTIUM_DIR: dir,
        AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: sim.endpoint,
        AWS_ACCESS_KEY_ID: FOUNDER_ACCOUNT,
        AWS_SECRET_ACCESS_KEY: 'simulated',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^GetNetwork: network n-NOSUCHNETWORK was not found in us-east-1 \(.*\): check network\.id in consortium\.yaml/m);
      expect(result.stdout).toBe('');
    } finally {
      writeFileSync(consortiumFile, original);
    }
  });

  test('reads GetNetwork and ListMembers once, and ListNodes once for each configured member in the network', async () => {
    const before = sim.requestsByOperation();
    await liveDiagram({ CONSORTIUM_DIR: dir, AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN: sim.endpoint, AWS_ACCESS_KEY_ID: FOUNDER_ACCOUNT, AWS_SECRET_ACCESS_KEY: 'simulated' });
    const after = sim.requestsByOperation();
    const delta = (operation: string) => (after[operation] ?? 0) - (before[operation] ?? 0);
    expect([delta('GetNetwork'), delta('ListMembers'), delta('ListNodes')]).toEqual([1, 1, 2]);
  });
});

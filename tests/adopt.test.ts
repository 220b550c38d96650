/**
 * `npm run adopt` against the simulator: a network, its founder and the bank are created
 * straight through the API (as in the console), then adopted; the YAML is written exactly as
 * expected and a second run writes nothing; the refusals leave every file as it was.
 */
import type { ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAmbClient } from '../lib/amb-client';
import { exitCodeOf } from '../lib/cli';
import { loadConsortium, type Member } from '../lib/config';
import { capturingIo } from '../lib/output';
import { inviteInConsole, joinInConsole } from '../lib/rehearsal/console';
import { createNetworkAsFounder, createPeers } from '../lib/rehearsal/stand-in-deploy';
import { disposeWorkspace, prepareWorkspace } from '../lib/rehearsal/workspace';
import { startSimulator, type RunningSimulator } from '../sim';
import { executeAdopt, type AdoptResult } from '../scripts/adopt';
import { SAMPLE_DIR } from './helpers/consortium-fixture';

const DELAY_MS = 60_000;
let sim: RunningSimulator;
let workspace: string;
const clients: ManagedBlockchainClient[] = [];
let networkId: string;
let founderId: string;
let bankId: string;
let founderNodes: string[];
let bankNodes: string[];

const sample = loadConsortium(SAMPLE_DIR);
const sampleMember = (name: string): Member => sample.members.find((member) => member.name === name)!;
const clientOf = (accountId: string) => {
  const client = createAmbClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: { accessKeyId: accountId, secretAccessKey: 'test' }, retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 100 } });
  clients.push(client);
  return client;
};
const file = (name: string) => join(workspace, name);
const read = (name: string) => readFileSync(file(name), 'utf8');
const FILMMAKER_SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:filmmaker-ca-admin-AbCdEf';
const BANK_SECRET = 'arn:aws:secretsmanager:us-east-1:444455556666:secret:bank-ca-admin-Zy9Xw8';

async function adopt(member: string, extra: readonly string[] = []): Promise<{ result?: AdoptResult; error?: Error; exitCode: number; stdout: string; stderr: string }> {
  const io = capturingIo();
  try {
    const result = await executeAdopt(['--member', member, ...extra], { io, env: { CONSORTIUM_DIR: workspace }, client: clientOf(sampleMember(member).accountId) });
    return { result, exitCode: 0, stdout: io.out.join(''), stderr: io.err.join('') };
  } catch (error) {
    return { error: error as Error, exitCode: exitCodeOf(error), stdout: io.out.join(''), stderr: io.err.join('') };
  }
}

beforeAll(async () => {
  sim = await startSimulator({ nodeCreationDelayMs: DELAY_MS });
  workspace = prepareWorkspace(SAMPLE_DIR);
  // The repository knows the network's name and region, not yet its edition or voting policy.
  writeFileSync(file('consortium.yaml'), read('consortium.yaml').replace('  edition: STANDARD\n', '').replace(/  # Fixed at network creation[^\n]*\n  voting:\n(    .*\n){3}/, ''));
  rmSync(file('filmmaker.yaml'));

  const founderClient = clientOf('111122223333');
  ({ networkId, memberId: founderId } = await createNetworkAsFounder(founderClient, sample, sampleMember('filmmaker'), 'console'));
  sim.advanceClock(DELAY_MS);
  founderNodes = await createPeers(founderClient, networkId, founderId, sampleMember('filmmaker'));
  await inviteInConsole(networkId, [{ client: founderClient, memberId: founderId }], '444455556666');
  const bankClient = clientOf('444455556666');
  bankId = await joinInConsole(bankClient, networkId, sampleMember('bank'));
  sim.advanceClock(DELAY_MS);
  // One node as bank.yaml describes it, one more made by hand.
  bankNodes = await createPeers(bankClient, networkId, bankId, { ...sampleMember('bank'), peers: [...sampleMember('bank').peers, { name: 'extra', instanceType: 'bc.t3.small', availabilityZone: 'us-east-1a', adopted: false }] });
  sim.advanceClock(DELAY_MS);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await sim.stop();
  disposeWorkspace(workspace);
});

const snapshot = () => Object.fromEntries(['consortium.yaml', 'filmmaker.yaml', 'bank.yaml'].map((name) => [name, (() => { try { return read(name); } catch { return undefined; } })()]));

describe('before anything is adopted', () => {
  test('refuses to adopt without the admin secret, since no stack can generate a password a person chose', async () => {
    const run = await adopt('filmmaker');
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toMatch(/^adopt: filmmaker's Fabric CA admin password was chosen by a person, so the stack cannot generate it: name the secret .*--admin-secret-arn ARN.*--store-admin-password/);
  });

  test('a dry run reads everything and writes nothing', async () => {
    const before = snapshot();
    const run = await adopt('filmmaker', ['--admin-secret-arn', FILMMAKER_SECRET, '--dry-run', '--json']);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, memberId: founderId, files: [{ outcome: 'would-record' }, { outcome: 'would-create' }] });
    expect(snapshot()).toEqual(before);
  });
});

describe('adopting', () => {
  test("the founder: network settings and record into consortium.yaml, a new filmmaker.yaml, byte for byte; a second run writes nothing", async () => {
    const run = await adopt('filmmaker', ['--admin-secret-arn', FILMMAKER_SECRET]);
    expect(run.exitCode).toBe(0);
    expect(read('consortium.yaml')).toBe(`# yaml-language-server: $schema=../schema/consortium.schema.json
# The consortium: the shared AMB network, who founded it, channels, and where each
# member's Terraform state lives. Every member's pipeline reads this same file.
network:
  name: drm-royalties
  description: Film rights, OTT play reports and royalty payments
  # Recorded by \`npm run adopt\` from the network as AMB reports it.
  id: ${networkId}
  frameworkVersion: "2.2"
  edition: STANDARD
  region: us-east-1
  voting:
    thresholdPercentage: 50
    proposalDurationInHours: 24
    thresholdComparator: GREATER_THAN
founder: filmmaker
# One state object per member, in a bucket of the member's own account.
stateBackend:
  bucket: drm-royalties-tfstate-{account}
  keyPrefix: amb-consortium
  region: us-east-1
# Written by \`npm run adopt\`, kept by \`npm run sync\`: what the network was created with; AMB cannot change it. Do not edit.
ledger:
  networkId: ${networkId}
  name: drm-royalties
  description: Film rights, OTT play reports and royalty payments
  frameworkVersion: "2.2"
  edition: STANDARD
  voting:
    thresholdPercentage: 50
    proposalDurationInHours: 24
    thresholdComparator: GREATER_THAN
`);
    expect(read('filmmaker.yaml')).toBe(`# yaml-language-server: $schema=../schema/member.schema.json
# filmmaker: adopted from network ${networkId} by \`npm run adopt\`.
# Before its first deploy add deployRoleArn (the role Terraform assumes in this account) and
# vpc (vpcId + subnetIds of the VPC that holds its endpoint and client, or cidr for a new one);
# name an existing endpoint (endpoint.vpcEndpointId) and client (client.instanceId) to import them.
description: Filmmaker consortium (network founder)
accountId: "111122223333"
adminUsername: filmadmin
adminSecretArn: ${FILMMAKER_SECRET}
peers:
  - name: peer1
    instanceType: bc.t3.medium
    availabilityZone: us-east-1a
    adopted: true
  - name: peer2
    instanceType: bc.t3.medium
    availabilityZone: us-east-1b
    adopted: true
# Written by \`npm run adopt\`: the member and nodes that existed before this toolkit managed them. Do not edit.
ledger:
  memberId: ${founderId}
  name: filmmaker
  networkId: ${networkId}
  adopted: true
  peers:
    - name: peer1
      nodeId: ${founderNodes[0]}
      instanceType: bc.t3.medium
      availabilityZone: us-east-1a
      adopted: true
    - name: peer2
      nodeId: ${founderNodes[1]}
      instanceType: bc.t3.medium
      availabilityZone: us-east-1b
      adopted: true
`);
    expect(run.result?.remaining.map((line) => line.replace(workspace, 'members'))).toEqual([
      'members/filmmaker.yaml:6:1 deployRoleArn: is required but missing (allowed: arn:aws:iam::<account>:role/<name>)',
      'members/filmmaker.yaml:6:1 vpc: is required but missing (allowed: a mapping with cidr, availabilityZones, vpcId, subnetIds, flowLogs)',
    ]);

    const before = snapshot();
    const again = await adopt('filmmaker', ['--admin-secret-arn', FILMMAKER_SECRET]);
    expect(again.result?.files.map((entry) => entry.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(snapshot()).toEqual(before);
  });

  test('a joiner: its described peer is matched and marked adopted, its other node added, comments kept, byte for byte; a second run writes nothing', async () => {
    const run = await adopt('bank', ['--admin-secret-arn', BANK_SECRET]);
    expect(run.exitCode).toBe(0);
    expect(read('bank.yaml')).toBe(`# yaml-language-server: $schema=../schema/member.schema.json
# The bank: pays royalties; shares the royalties channel with the filmmaker.
description: Royalty-paying bank
accountId: "444455556666"
deployRoleArn: arn:aws:iam::444455556666:role/amb-consortium-deploy
planRoleArn: arn:aws:iam::444455556666:role/amb-consortium-plan
region: us-east-1
adminUsername: bankadmin
adminSecretArn: ${BANK_SECRET}
vpc:
  cidr: 10.40.0.0/16
  availabilityZones: [us-east-1a, us-east-1c]
peers:
  - instanceType: bc.t3.medium
    availabilityZone: us-east-1c
    adopted: true
  - name: peer2
    instanceType: bc.t3.small
    availabilityZone: us-east-1a
    adopted: true
client:
  instanceType: t3.small
  subnet: private
  fabricCaVersion: 1.5.21
  # Archives this member checked and copied into its own bucket, pinned by their SHA-256
  # (README: "Pinning the Fabric archives"). The client installs nothing unpinned.
  archives:
    fabric:
      url: s3://bank-fabric-archives-444455556666/fabric-2.2.15-linux-amd64.tar.xz
      sha256: fa31fb381071daa6ac183a4aaa4637e0a733da2ee0128a551e5c5875a28cc61b
    fabricCa:
      url: s3://bank-fabric-archives-444455556666/fabric-ca-1.5.21-linux-amd64.tar.xz
      sha256: 56c35edef5cd1e82c23e536e096f1b0e811f4e5bf7aae124c2db1b6656e64d4a
logging:
  ca: true
  peer: true
voting:
  otherwise: NO
tags:
  owner: bank-dlt-ops
  data-classification: confidential
identities:
  - name: royalty-payer
    attributes:
      - name: role
        value: payer
        ecert: true
identityRenewal:
  renewBeforeDays: 30
# Written by \`npm run adopt\`: the member and nodes that existed before this toolkit managed them. Do not edit.
ledger:
  memberId: ${bankId}
  name: bank
  networkId: ${networkId}
  adopted: true
  peers:
    - name: peer1
      nodeId: ${bankNodes[0]}
      instanceType: bc.t3.medium
      availabilityZone: us-east-1c
      adopted: true
    - name: peer2
      nodeId: ${bankNodes[1]}
      instanceType: bc.t3.small
      availabilityZone: us-east-1a
      adopted: true
`);
    expect(run.result?.peers.map((peer) => [peer.name, peer.how])).toEqual([
      ['peer1', 'matched'],
      ['peer2', 'added'],
    ]);
    const before = snapshot();
    const again = await adopt('bank', ['--admin-secret-arn', BANK_SECRET]);
    expect(again.result?.files.map((entry) => entry.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(snapshot()).toEqual(before);
  });
});

test('once the created file is completed, the adopted consortium loads, and the console-made network settings are frozen', () => {
  const original = read('filmmaker.yaml');
  try {
    writeFileSync(file('filmmaker.yaml'), `${original}deployRoleArn: arn:aws:iam::111122223333:role/amb-consortium-deploy\nvpc:\n  cidr: 10.10.0.0/16\n`);
    const consortium = loadConsortium(workspace);
    expect(consortium.members.filter((member) => member.adopted).map((member) => [member.name, member.memberId, member.peers.map((peer) => peer.nodeId)])).toEqual([
      ['bank', bankId, bankNodes],
      ['filmmaker', founderId, founderNodes],
    ]);
    const settings = read('consortium.yaml');
    try {
      writeFileSync(file('consortium.yaml'), settings.replace('    proposalDurationInHours: 24\n    thresholdComparator: GREATER_THAN\nfounder', '    proposalDurationInHours: 48\n    thresholdComparator: GREATER_THAN\nfounder'));
      expect(() => loadConsortium(workspace)).toThrow(/network\.voting\.proposalDurationInHours/);
    } finally {
      writeFileSync(file('consortium.yaml'), settings);
    }
  } finally {
    writeFileSync(file('filmmaker.yaml'), original);
  }
});

describe('refusals leave every file as it was', () => {
  async function refused(edit: () => void, member: string, extra: readonly string[]) {
    const original = snapshot();
    edit();
    const edited = snapshot();
    try {
      const run = await adopt(member, extra);
      expect(snapshot()).toEqual(edited);
      return run;
    } finally {
      for (const [name, text] of Object.entries(original)) if (text !== undefined) writeFileSync(file(name), text);
    }
  }

  test('a consortium.yaml that disagrees with the network: each differing field named with what AMB reports', async () => {
    const run = await refused(
      () => writeFileSync(file('consortium.yaml'), read('consortium.yaml').replace('  edition: STANDARD\n  region', '  edition: STARTER\n  region').replace('    thresholdPercentage: 50\n    proposalDurationInHours: 24\n    thresholdComparator: GREATER_THAN\nfounder', '    thresholdPercentage: 66\n    proposalDurationInHours: 24\n    thresholdComparator: GREATER_THAN\nfounder')),
      'bank',
      ['--admin-secret-arn', BANK_SECRET],
    );
    expect(run.exitCode).toBe(2);
    expect(run.error?.message.replaceAll(workspace, 'members').split('\n')).toEqual([
      `members/consortium.yaml:10:12 network.edition: "STARTER" differs from network ${networkId}, which AMB reports as "STANDARD"; a network's settings never change (allowed: "STANDARD")`,
      `members/consortium.yaml:13:26 network.voting.thresholdPercentage: 66 differs from network ${networkId}, which AMB reports as 50; a network's settings never change (allowed: 50)`,
    ]);
  });

  test('an account that owns no member of the network', async () => {
    const run = await refused(() => undefined, 'ott-vendor-1', ['--admin-secret-arn', 'arn:aws:secretsmanager:us-east-1:222233334444:secret:ott1-AbCdEf']);
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toBe(`the account of these credentials has no member in network ${networkId}: act with the credentials of ott-vendor-1 (account 222233334444), or accept the invitation and deploy first`);
  });

  test("a recorded node that is not the member's", async () => {
    const run = await refused(() => writeFileSync(file('bank.yaml'), read('bank.yaml').replace(`nodeId: ${bankNodes[0]}`, `nodeId: ${founderNodes[0]}`)), 'bank', []);
    expect(run.exitCode).toBe(2);
    expect(run.error?.message.replaceAll(workspace, 'members')).toBe(
      `members/bank.yaml:58:15 ledger.peers[0].nodeId: node ${founderNodes[0]} is not a node of member ${bankId} (bank) (allowed: one of ${bankNodes.join(', ')})`,
    );
  });
});

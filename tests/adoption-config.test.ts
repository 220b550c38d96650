/**
 * Config rules of adopted members: what holds an adoption together, and the refusals that
 * protect ledger data, which hold for adopted members as for any other.
 */
import { ADOPTED, adoptedFixture } from './helpers/adopted-fixture';

function errorsAfter(file: string, from: string | RegExp, to: string): string[] {
  const fixture = adoptedFixture().edit(file, from, to);
  try {
    return fixture.errors();
  } finally {
    fixture.dispose();
  }
}

test('the adopted sample loads: members adopted, peers adopted with their recorded node ids, imports named', () => {
  const fixture = adoptedFixture();
  try {
    const filmmaker = fixture.load().members.find((member) => member.name === 'filmmaker')!;
    expect(filmmaker).toMatchObject({ adopted: true, joined: true, isFounder: true, memberId: ADOPTED.filmmaker.memberId, existingEndpointId: ADOPTED.filmmaker.endpoint });
    expect(filmmaker.client.instanceId).toBe(ADOPTED.filmmaker.instance);
    expect(filmmaker.peers.map((peer) => [peer.name, peer.adopted, peer.nodeId])).toEqual([
      ['peer1', true, ADOPTED.filmmaker.peer1],
      ['peer2', false, undefined],
    ]);
  } finally {
    fixture.dispose();
  }
});

test('refuses a peer marked adopted that no recorded node backs', () => {
  expect(errorsAfter('bank.yaml', /(  - name: peer2\n.*\n.*\n)/, '$1    adopted: true\n')).toEqual([
    'members/bank.yaml:17:14 peers[1].adopted: peer peer2 is marked adopted, but no adopted node named peer2 is recorded in ledger.peers (allowed: remove adopted to create a new node, or record the existing one with npm run adopt -- --member bank)',
  ]);
});

test('refuses dropping adopted from a recorded adopted peer, which would declare a second node', () => {
  expect(errorsAfter('bank.yaml', '    availabilityZone: us-east-1c\n    adopted: true\n  - name: peer2', '    availabilityZone: us-east-1c\n  - name: peer2')).toEqual([
    'members/bank.yaml:10:5 peers[0]: peer peer1 is the adopted node nd-Q7RB2XKZ4DWH5MJN3TLA6PCE2Y; without adopted: true the stack would create a second node (allowed: adopted: true)',
  ]);
});

test('refuses changing the instance type of an adopted peer, as for any recorded peer', () => {
  expect(errorsAfter('bank.yaml', '    instanceType: bc.t3.small\n    availabilityZone: us-east-1c\n    adopted', '    instanceType: bc.t3.medium\n    availabilityZone: us-east-1c\n    adopted')).toEqual([
    'members/bank.yaml:11:19 peers[0].instanceType: peer peer1 (nd-Q7RB2XKZ4DWH5MJN3TLA6PCE2Y) was created with bc.t3.small; changing it would replace the node (allowed: bc.t3.small, or add a new peer under another name)',
  ]);
});

test('refuses an adopted member without its admin secret', () => {
  expect(errorsAfter('bank.yaml', /adminSecretArn: .*\n/, '')).toEqual([
    'members/bank.yaml:20:12 ledger.adopted: an adopted member needs adminSecretArn: its Fabric CA admin password was chosen by a person, and the client enrolls from that secret (allowed: npm run adopt -- --member bank --admin-secret-arn ARN, or npm run adopt -- --member bank --store-admin-password)',
  ]);
});

test("refuses an admin secret outside the member's account", () => {
  expect(errorsAfter('bank.yaml', 'us-east-1:444455556666:secret', 'us-east-1:111122223333:secret')).toEqual([
    "members/bank.yaml:6:17 adminSecretArn: the secret is in account 111122223333, not in the member's account (allowed: a secret in 444455556666)",
  ]);
});

test('refuses adminSecretArn on a member its stack creates', () => {
  const fixture = adoptedFixture().edit('ott-vendor-1.yaml', 'vpc:', 'adminSecretArn: arn:aws:secretsmanager:us-east-1:222233334444:secret:admin-AbCdEf\nvpc:');
  try {
    expect(fixture.errors()).toEqual([
      'members/ott-vendor-1.yaml:11:17 adminSecretArn: ott-vendor-1 is not adopted: its stack creates and owns its admin secret (allowed: remove adminSecretArn, or adopt the existing member (npm run adopt -- --member ott-vendor-1))',
    ]);
  } finally {
    fixture.dispose();
  }
});

test('refuses importing an existing endpoint into a new VPC', () => {
  expect(errorsAfter('bank.yaml', 'vpc:\n  cidr: 10.40.0.0/16\n', 'vpc:\n  cidr: 10.40.0.0/16\nendpoint:\n  vpcEndpointId: vpce-0a1b2c3d4e5f60718\n')).toEqual([
    'members/bank.yaml:10:18 endpoint.vpcEndpointId: vpce-0a1b2c3d4e5f60718 is an existing resource, but vpc.cidr creates a new VPC it cannot be in (allowed: vpc.vpcId and vpc.subnetIds of the VPC it is in)',
  ]);
});

test('an adopted member needs no recorded invitation, whichever member the file calls the founder', () => {
  const fixture = adoptedFixture().edit('consortium.yaml', 'founder: filmmaker', 'founder: bank');
  try {
    expect(fixture.load().members.filter((member) => member.adopted).map((member) => [member.name, member.isFounder, member.invitationId])).toEqual([
      ['bank', true, undefined],
      ['filmmaker', false, undefined],
    ]);
  } finally {
    fixture.dispose();
  }
});

import { ConsortiumFixture } from './consortium-fixture';

/** Recorded ids of the adopted sample members, as `npm run adopt` would write them. */
export const ADOPTED = {
  networkId: 'n-MWY63ZJZU5HGNCMBQER7IN6OIU',
  filmmaker: { memberId: 'm-J46DNSFRTVCCLONS6DRTU2EJFE', peer1: 'nd-6EAJ5VA43JGGNPXOUZP7Y47E4Y', endpoint: 'vpce-0a1b2c3d4e5f60718', instance: 'i-0a1b2c3d4e5f60718' },
  bank: { memberId: 'm-FN3QH2XV5CDRJ7KLAP4WTYBS6E', peer1: 'nd-Q7RB2XKZ4DWH5MJN3TLA6PCE2Y' },
} as const;

/**
 * The sample consortium after its network, founder and bank were created in the console and
 * adopted: the founder keeps its VPC endpoint and client (imported) and adds a second peer;
 * the bank adds a peer beside its adopted one.
 */
export function adoptedFixture(): ConsortiumFixture {
  const { filmmaker, bank } = ADOPTED;
  return new ConsortiumFixture()
    .write(
      'filmmaker.yaml',
      `# The filmmaker consortium: created the network in the console, adopted since.
description: Filmmaker consortium (network founder)
accountId: "111122223333"
deployRoleArn: arn:aws:iam::111122223333:role/amb-consortium-deploy
adminUsername: filmadmin
adminSecretArn: arn:aws:secretsmanager:us-east-1:111122223333:secret:amb/drm-royalties/filmmaker/admin-AbCdEf
vpc:
  vpcId: vpc-0a1b2c3d4e5f60718
  subnetIds: [subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788]
endpoint:
  vpcEndpointId: ${filmmaker.endpoint}
peers:
  - name: peer1
    instanceType: bc.t3.medium
    availabilityZone: us-east-1a
    adopted: true
  - name: peer2
    instanceType: bc.t3.medium
    availabilityZone: us-east-1b
client:
  instanceId: ${filmmaker.instance}
  instanceType: t3.small
ledger:
  memberId: ${filmmaker.memberId}
  name: filmmaker
  networkId: ${ADOPTED.networkId}
  adopted: true
  peers:
    - name: peer1
      nodeId: ${filmmaker.peer1}
      instanceType: bc.t3.medium
      availabilityZone: us-east-1a
      adopted: true
`,
    )
    .write(
      'bank.yaml',
      `# The bank: joined in the console, adopted since.
description: Royalty-paying bank
accountId: "444455556666"
deployRoleArn: arn:aws:iam::444455556666:role/amb-consortium-deploy
adminUsername: bankadmin
adminSecretArn: arn:aws:secretsmanager:us-east-1:444455556666:secret:amb/drm-royalties/bank/admin-Zy9Xw8
vpc:
  cidr: 10.40.0.0/16
peers:
  - name: peer1
    instanceType: bc.t3.small
    availabilityZone: us-east-1c
    adopted: true
  - name: peer2
    instanceType: bc.t3.small
    availabilityZone: us-east-1a
ledger:
  memberId: ${bank.memberId}
  name: bank
  networkId: ${ADOPTED.networkId}
  adopted: true
  peers:
    - name: peer1
      nodeId: ${bank.peer1}
      instanceType: bc.t3.small
      availabilityZone: us-east-1c
      adopted: true
`,
    );
}

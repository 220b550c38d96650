/**
 * Invalid configs: the sample consortium with one defect (a few with several), and the exact
 * lines the loader must report for it.
 */
import type { ConsortiumFixture } from './helpers/consortium-fixture';

export interface InvalidCase {
  readonly name: string;
  readonly apply: (fixture: ConsortiumFixture) => void;
  readonly expected: readonly string[];
}

const THIRD_PEER = `  - instanceType: bc.t3.small
    availabilityZone: us-east-1a
client:`;

const EXTRA_MEMBER = (account: string) => `accountId: "${account}"
deployRoleArn: arn:aws:iam::${account}:role/deploy
vpc:
  cidr: 10.90.0.0/16
`;

/** The consortium before its network exists: no network record freezes its settings yet. */
const planned = (f: ConsortiumFixture): ConsortiumFixture => f.edit('consortium.yaml', /# Written by `npm run sync`: what the network[^]*$/, '');

export const INVALID_CASES: readonly InvalidCase[] = [
  {
    name: 'refuses a network name that cannot be part of the AWS resource names derived from it',
    apply: (f) => planned(f).edit('consortium.yaml', 'name: drm-royalties', 'name: drm-${team}'),
    expected: [
      'members/consortium.yaml:5:9 network.name: "drm-${team}" is not valid (allowed: 1-64 letters, digits and single hyphens, starting with a letter, not ending with a hyphen (it is part of AWS resource names))',
    ],
  },
  {
    name: 'refuses a peer instance type AMB does not offer',
    apply: (f) => f.edit('bank.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.t3.tiny'),
    expected: [
      'members/bank.yaml:14:19 peers[0].instanceType: "bc.t3.tiny" is not one of the allowed values (allowed: bc.t3.small, bc.t3.medium, bc.t3.large, bc.t3.xlarge, bc.m5.large, bc.m5.xlarge, bc.m5.2xlarge, bc.m5.4xlarge, bc.c5.large, bc.c5.xlarge, bc.c5.2xlarge, bc.c5.4xlarge)',
    ],
  },
  {
    name: 'refuses a STANDARD-only instance type in a STARTER network',
    apply: (f) => planned(f).edit('consortium.yaml', 'edition: STANDARD', 'edition: STARTER').edit('bank.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.m5.large'),
    expected: [
      'members/bank.yaml:14:19 peers[0].instanceType: "bc.m5.large" is not available in the STARTER edition (allowed: bc.t3.small, bc.t3.medium)',
    ],
  },
  {
    name: 'refuses a STARTER network with 3 peers on one member',
    apply: (f) => planned(f).edit('consortium.yaml', 'edition: STANDARD', 'edition: STARTER').edit('filmmaker.yaml', 'client:', THIRD_PEER.replace('  - ', '  - name: peer3\n    ')),
    expected: [
      'members/filmmaker.yaml:13:3 peers: STARTER allows 2 peers per member but filmmaker has 3 (allowed: at most 2 peers)',
    ],
  },
  {
    name: 'refuses a STANDARD member with 4 peers',
    apply: (f) => f.edit('bank.yaml', 'client:', `${THIRD_PEER.replace('client:', '')}${THIRD_PEER.replace('client:', '')}${THIRD_PEER}`),
    expected: [
      'members/bank.yaml:14:3 peers: STANDARD allows 3 peers per member but bank has 4 (allowed: at most 3 peers)',
    ],
  },
  {
    name: 'refuses a sixth member in a STARTER network',
    apply: (f) => planned(f).edit('consortium.yaml', 'edition: STANDARD', 'edition: STARTER').write('studio-a.yaml', EXTRA_MEMBER('777788889999')).write('studio-b.yaml', EXTRA_MEMBER('888899990000')),
    expected: [
      'members/consortium.yaml:10:12 network.edition: STARTER allows 5 members but the consortium has 6 (allowed: STANDARD (14 members), or fewer member files)',
    ],
  },
  {
    name: 'refuses a member file name that is not an AMB member name',
    apply: (f) => f.write('2nd-bank.yaml', EXTRA_MEMBER('777788889999')),
    expected: [
      'members/2nd-bank.yaml:1:1 the file name "2nd-bank" is not a valid AMB member name (allowed: 1-64 letters, digits and single hyphens, starting with a letter, not ending with a hyphen)',
    ],
  },
  {
    name: 'refuses an admin username with an underscore',
    apply: (f) => f.edit('bank.yaml', 'adminUsername: bankadmin', 'adminUsername: bank_admin'),
    expected: [
      'members/bank.yaml:8:16 adminUsername: "bank_admin" is not valid (allowed: 1-16 letters and digits, starting with a letter)',
    ],
  },
  {
    name: 'refuses an admin username longer than 16 characters',
    apply: (f) => f.edit('bank.yaml', 'adminUsername: bankadmin', 'adminUsername: bankadministrator1'),
    expected: [
      'members/bank.yaml:8:16 adminUsername: "bankadministrator1" is not valid (allowed: 1-16 letters and digits, starting with a letter)',
    ],
  },
  {
    name: "refuses a peer AZ outside the member's region",
    apply: (f) => f.edit('bank.yaml', 'availabilityZone: us-east-1c', 'availabilityZone: eu-west-1a'),
    expected: [
      'members/bank.yaml:15:23 peers[0].availabilityZone: "eu-west-1a" is not in the member\'s region us-east-1 (allowed: us-east-1a, us-east-1b, ...)',
    ],
  },
  {
    name: 'refuses a network region without AMB Fabric',
    apply: (f) => f.edit('consortium.yaml', 'region: us-east-1\n  # Fixed', 'region: us-west-2\n  # Fixed'),
    expected: [
      'members/consortium.yaml:11:11 network.region: "us-west-2" is not one of the allowed values (allowed: us-east-1, ap-northeast-1, ap-northeast-2, ap-southeast-1, eu-west-1, eu-west-2)',
    ],
  },
  {
    name: "refuses a member region that differs from the network's",
    apply: (f) => f.edit('bank.yaml', 'region: us-east-1', 'region: eu-west-1'),
    expected: [
      'members/bank.yaml:7:9 region: "eu-west-1" differs from the network region; AMB networks are regional (allowed: us-east-1)',
    ],
  },
  {
    name: 'refuses a threshold above 100%',
    apply: (f) => f.edit('consortium.yaml', 'thresholdPercentage: 50', 'thresholdPercentage: 150'),
    expected: [
      'members/consortium.yaml:14:26 network.voting.thresholdPercentage: 150 is out of range (allowed: 0 to 100)',
    ],
  },
  {
    name: 'refuses a proposal duration over 168 hours',
    apply: (f) => f.edit('consortium.yaml', 'proposalDurationInHours: 24', 'proposalDurationInHours: 200'),
    expected: [
      'members/consortium.yaml:15:30 network.voting.proposalDurationInHours: 200 is out of range (allowed: 1 to 168)',
    ],
  },
  {
    name: 'refuses an unknown threshold comparator',
    apply: (f) => f.edit('consortium.yaml', 'thresholdComparator: GREATER_THAN', 'thresholdComparator: LESS_THAN'),
    expected: [
      'members/consortium.yaml:16:26 network.voting.thresholdComparator: "LESS_THAN" is not one of the allowed values (allowed: GREATER_THAN, GREATER_THAN_OR_EQUAL_TO)',
    ],
  },
  {
    name: 'refuses a threshold written as words',
    apply: (f) => f.edit('consortium.yaml', 'thresholdPercentage: 50', 'thresholdPercentage: fifty'),
    expected: [
      'members/consortium.yaml:14:26 network.voting.thresholdPercentage: "fifty" is not a whole number (allowed: 0 to 100)',
    ],
  },
  {
    name: 'refuses two members in one account',
    apply: (f) => f.edit('bank.yaml', /444455556666/g, '222233334444'),
    expected: [
      'members/ott-vendor-1.yaml:4:12 accountId: account 222233334444 is already used by bank (allowed: one member per account)',
    ],
  },
  {
    name: 'refuses a founder without a member file',
    apply: (f) => f.edit('consortium.yaml', 'founder: filmmaker', 'founder: studio'),
    expected: [
      'members/consortium.yaml:17:10 founder: "studio" has no members/studio.yaml (allowed: bank, filmmaker, ott-vendor-1, ott-vendor-2)',
      'members/consortium.yaml:17:10 founder: filmmaker founded network n-MWY63ZJZU5HGNCMBQER7IN6OIU (member m-J46DNSFRTVCCLONS6DRTU2EJFE); the founder cannot change once network.id is set (allowed: filmmaker)',
    ],
  },
  {
    name: 'refuses a channel member that is not in the consortium',
    apply: (f) => f.edit('consortium.yaml', 'members: [filmmaker, bank]', 'members: [filmmaker, bnak]'),
    expected: [
      'members/consortium.yaml:22:26 channels[0].members[1]: "bnak" is not a member of the consortium (allowed: bank, filmmaker, ott-vendor-1, ott-vendor-2)',
    ],
  },
  {
    name: 'refuses a member listed twice on a channel',
    apply: (f) => f.edit('consortium.yaml', 'members: [filmmaker, bank]', 'members: [filmmaker, bank, bank]'),
    expected: [
      'members/consortium.yaml:22:32 channels[0].members[2]: "bank" is listed twice (allowed: each member once)',
    ],
  },
  {
    name: 'refuses a 9th channel: AMB allows 8 per network',
    apply: (f) =>
      f.edit(
        'consortium.yaml',
        '# Chaincode each member',
        Array.from({ length: 7 }, (_, index) => `  - name: extra${index + 1}\n    members: [filmmaker]\n`).join('') + '# Chaincode each member',
      ),
    expected: ['members/consortium.yaml:21:3 channels: has 9 items (allowed: at most 8)'],
  },
  {
    name: 'refuses a channel member that has not joined the network',
    apply: (f) => f.edit('consortium.yaml', 'members: [filmmaker, ott-vendor-1]', 'members: [filmmaker, ott-vendor-1, ott-vendor-2]'),
    expected: [
      'members/consortium.yaml:26:40 channels[1].members[2]: "ott-vendor-2" has not joined the network yet (no invitationId in members/ott-vendor-2.yaml) (allowed: members that have joined; add it once npm run accept-invitation recorded its invitation)',
    ],
  },
  {
    name: 'refuses an anchor peer the member does not have, and a creator not on the channel',
    apply: (f) => f.edit('consortium.yaml', '    members: [filmmaker, bank]\n', '    members: [filmmaker, bank]\n    creator: ott-vendor-1\n    anchorPeers: {bank: peer7}\n'),
    expected: [
      'members/consortium.yaml:23:14 channels[0].creator: "ott-vendor-1" is not on the channel (allowed: filmmaker, bank)',
      'members/consortium.yaml:24:25 channels[0].anchorPeers.bank: bank has no peer "peer7" (allowed: peer1)',
    ],
  },
  {
    name: 'refuses a chaincode on a channel that is not declared',
    apply: (f) => f.edit('consortium.yaml', 'channel: royalties', 'channel: payments'),
    expected: ['members/consortium.yaml:30:14 chaincodes[0].channel: "payments" is not one of channels (allowed: royalties, plays)'],
  },
  {
    name: 'refuses a chaincode sequence below the committed one',
    apply: (f) => f.edit('consortium.yaml', '    endorsementPolicy: MAJORITY\n', '    endorsementPolicy: MAJORITY\n    ledger:\n      sequence: 2\n      version: "1.0"\n'),
    expected: [
      'members/consortium.yaml:32:15 chaincodes[0].sequence: 1 is below the committed sequence 2; a lifecycle sequence never shrinks (allowed: 2 (no change) or 3 (a new definition))',
    ],
  },
  {
    name: 'refuses a new chaincode version at the committed sequence',
    apply: (f) => f.edit('consortium.yaml', 'version: "1.0"', 'version: "1.1"').edit('consortium.yaml', '    endorsementPolicy: MAJORITY\n', '    endorsementPolicy: MAJORITY\n    ledger:\n      sequence: 1\n      version: "1.0"\n'),
    expected: [
      'members/consortium.yaml:31:14 chaincodes[0].version: "1.1" differs from the committed version "1.0" at the same sequence 1 (allowed: sequence 2 with the new version)',
    ],
  },
  {
    name: 'refuses a chaincode path without a package.json, and private data for a member off the channel',
    apply: (f) =>
      f
        .edit('consortium.yaml', 'path: chaincode/documents', 'path: chaincode/nothing-here')
        .edit('consortium.yaml', '    endorsementPolicy: MAJORITY\n', '    endorsementPolicy: MAJORITY\n    collections:\n      - name: payouts\n        members: [bank, ott-vendor-1]\n'),
    expected: [
      'members/consortium.yaml:34:11 chaincodes[0].path: chaincode/nothing-here has no package.json (allowed: a node chaincode directory relative to the folder that holds the members directory (.))',
      'members/consortium.yaml:38:25 chaincodes[0].collections[0].members[1]: "ott-vendor-1" is not on channel royalties (allowed: filmmaker, bank)',
    ],
  },
  {
    name: 'refuses an account id of 11 digits',
    apply: (f) => f.edit('bank.yaml', 'accountId: "444455556666"', 'accountId: "44445555666"'),
    expected: [
      'members/bank.yaml:4:12 accountId: "44445555666" is not valid (allowed: 12 digits)',
    ],
  },
  {
    name: "refuses a deploy role in another member's account",
    apply: (f) => f.edit('bank.yaml', 'arn:aws:iam::444455556666', 'arn:aws:iam::111122223333'),
    expected: [
      'members/bank.yaml:5:16 deployRoleArn: role is in account 111122223333, not in the member\'s account (allowed: a role in 444455556666)',
    ],
  },
  {
    name: "refuses a plan role in another member's account",
    apply: (f) => f.edit('bank.yaml', 'planRoleArn: arn:aws:iam::444455556666', 'planRoleArn: arn:aws:iam::111122223333'),
    expected: [
      'members/bank.yaml:6:14 planRoleArn: role is in account 111122223333, not in the member\'s account (allowed: a role in 444455556666)',
    ],
  },
  {
    name: 'refuses a plan role that is the deploy role',
    apply: (f) => f.edit('bank.yaml', 'role/amb-consortium-plan', 'role/amb-consortium-deploy'),
    expected: [
      'members/bank.yaml:6:14 planRoleArn: is the deploy role; a plan role exists to hold less (allowed: a read-only role, or leave planRoleArn out)',
    ],
  },
  {
    name: 'refuses a deploy role ARN that is not an IAM role',
    apply: (f) => f.edit('bank.yaml', ':role/amb-consortium-deploy', ':user/deployer'),
    expected: [
      'members/bank.yaml:5:16 deployRoleArn: "arn:aws:iam::444455556666:user/deployer" is not valid (allowed: arn:aws:iam::<account>:role/<name>)',
    ],
  },
  {
    name: 'refuses a VPC CIDR wider than /16',
    apply: (f) => f.edit('bank.yaml', 'cidr: 10.40.0.0/16', 'cidr: 10.0.0.0/8'),
    expected: [
      'members/bank.yaml:11:9 vpc.cidr: "10.0.0.0/8" has prefix /8 (allowed: an IPv4 CIDR from /16 to /24, e.g. 10.10.0.0/16)',
    ],
  },
  {
    name: 'refuses a VPC CIDR with host bits set',
    apply: (f) => f.edit('bank.yaml', 'cidr: 10.40.0.0/16', 'cidr: 10.40.1.0/16'),
    expected: [
      'members/bank.yaml:11:9 vpc.cidr: "10.40.1.0/16" has host bits set (allowed: an IPv4 CIDR from /16 to /24, e.g. 10.10.0.0/16)',
    ],
  },
  {
    name: 'refuses both a new VPC CIDR and an existing VPC id',
    apply: (f) => f.edit('bank.yaml', '  cidr: 10.40.0.0/16\n', '  cidr: 10.40.0.0/16\n  vpcId: vpc-0123456789abcdef0\n'),
    expected: [
      'members/bank.yaml:12:10 vpc.vpcId: both cidr and vpcId are set (allowed: either cidr (a new VPC) or vpcId with subnetIds (an existing VPC))',
    ],
  },
  {
    name: 'refuses an existing VPC without subnets',
    apply: (f) => f.edit('bank.yaml', '  cidr: 10.40.0.0/16\n  availabilityZones: [us-east-1a, us-east-1c]\n', '  vpcId: vpc-0123456789abcdef0\n'),
    expected: [
      'members/bank.yaml:11:3 vpc.subnetIds: is required with vpcId (allowed: existing subnet ids in that VPC)',
    ],
  },
  {
    name: 'refuses two subnets in the same AZ',
    apply: (f) => f.edit('bank.yaml', '[us-east-1a, us-east-1c]', '[us-east-1a, us-east-1a]'),
    expected: [
      'members/bank.yaml:12:35 vpc.availabilityZones[1]: both subnets are in the same AZ (allowed: two different AZs)',
    ],
  },
  {
    name: 'refuses SSH from the whole internet',
    apply: (f) => f.edit('bank.yaml', '  subnet: private\n', '  subnet: private\n  sshCidrs: [203.0.113.0/24, 0.0.0.0/0]\n'),
    expected: [
      'members/bank.yaml:19:30 client.sshCidrs[1]: "0.0.0.0/0" opens SSH to the whole internet (allowed: your office or bastion CIDRs; leave the list empty to use Session Manager)',
    ],
  },
  {
    name: 'refuses an unknown field and names the allowed ones',
    apply: (f) => f.edit('bank.yaml', 'peers:', 'peer:'),
    expected: [
      'members/bank.yaml:13:1 peer: unknown field "peer" (allowed: description, accountId, deployRoleArn, planRoleArn, region, adminUsername, invitationId, lapsedInvitation, adminSecretArn, ledger, vpc, endpoint, peers, client, logging, voting, alerts, tags, removed, stateBackend, offchain, archive, ethereumNodes, identities, identityRenewal)',
    ],
  },
  {
    name: 'refuses a member file without an account id',
    apply: (f) => f.edit('bank.yaml', 'accountId: "444455556666"\n', ''),
    expected: [
      'members/bank.yaml:3:1 accountId: is required but missing (allowed: 12 digits)',
    ],
  },
  {
    name: 'reports YAML syntax errors with their position',
    apply: (f) => f.edit('bank.yaml', 'logging:\n  ca: true', 'logging:\n  ca: true\n   peer: [true'),
    expected: [
      'members/bank.yaml:30:7 YAML: Nested mappings are not allowed in compact mappings',
      'members/bank.yaml:30:7 YAML: Implicit keys need to be on a single line',
      'members/bank.yaml:32:3 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  },
  {
    name: 'refuses an empty member file',
    apply: (f) => f.write('bank.yaml', '# nothing yet\n'),
    expected: [
      'members/bank.yaml:1:1 the file is empty (allowed: a mapping with accountId, deployRoleArn, vpc)',
    ],
  },
  {
    name: 'refuses peers given as a string',
    apply: (f) => f.edit('bank.yaml', /peers:\n  - instanceType: bc.t3.medium\n    availabilityZone: us-east-1c\n/, 'peers: bc.t3.medium\n'),
    expected: [
      'members/bank.yaml:13:8 peers: "bc.t3.medium" is not a list (allowed: a list, each item: a peer node)',
    ],
  },
  {
    name: 'refuses a tag key in the aws: namespace',
    apply: (f) => f.edit('bank.yaml', 'owner: bank-dlt-ops', 'aws:owner: bank-dlt-ops'),
    expected: [
      'members/bank.yaml:35:3 tags.aws:owner: key "aws:owner" is not allowed (allowed: 1-128 characters of letters, digits, spaces and _.:/=+-@, not starting with aws:)',
    ],
  },
  {
    name: 'refuses two peers with the same name',
    apply: (f) => f.edit('bank.yaml', 'client:', '  - name: peer1\n    instanceType: bc.t3.small\n    availabilityZone: us-east-1a\nclient:'),
    expected: [
      'members/bank.yaml:16:11 peers[1].name: "peer1" is used by peers[0] too (allowed: a unique name per node)',
    ],
  },
  {
    name: 'refuses an unknown framework version',
    apply: (f) => f.edit('consortium.yaml', 'frameworkVersion: "2.2"', 'frameworkVersion: 2.0'),
    expected: [
      'members/consortium.yaml:9:21 network.frameworkVersion: "2.0" is not one of the allowed values (allowed: 1.2, 1.4, 2.2)',
    ],
  },
  {
    name: 'refuses an off-chain reader that is not a member',
    apply: (f) => f.edit('bank.yaml', 'logging:', 'offchain:\n  readers: [filmmaker, auditor]\nlogging:'),
    expected: [
      'members/bank.yaml:30:24 offchain.readers[1]: "auditor" is not a member of the consortium (allowed: bank, filmmaker, ott-vendor-1, ott-vendor-2)',
    ],
  },
  {
    name: 'refuses an invitation id on the founder',
    apply: (f) => f.edit('filmmaker.yaml', 'adminUsername: filmadmin', 'adminUsername: filmadmin\ninvitationId: i-ABCDEF'),
    expected: [
      'members/filmmaker.yaml:9:15 invitationId: filmmaker is the founder: it creates the network and has no invitation (allowed: remove invitationId, or change founder in consortium.yaml)',
    ],
  },
  {
    name: 'refuses renaming a member that exists (it would be replaced)',
    apply: (f) => f.write('bank-eu.yaml', require('node:fs').readFileSync(`${f.dir}/bank.yaml`, 'utf8')).remove('bank.yaml').edit('consortium.yaml', '[filmmaker, bank]', '[filmmaker, bank-eu]'),
    expected: [
      'members/bank-eu.yaml:47:9 ledger.name: this file is named bank-eu, but member m-FN3QH2XV5CDRJ7KLAP4WTYBS6E was created as "bank"; renaming would replace the member and orphan its ledger (allowed: rename the file back to bank.yaml)',
    ],
  },
  {
    name: 'refuses changing the invitation of a member that joined',
    apply: (f) => f.edit('bank.yaml', 'invitationId: i-7XG4VPL2MCB6QJ3TZK5RHN2WDE\nvpc', 'invitationId: i-NEWINVITATION\nvpc'),
    expected: [
      'members/bank.yaml:9:15 invitationId: member m-FN3QH2XV5CDRJ7KLAP4WTYBS6E joined with i-7XG4VPL2MCB6QJ3TZK5RHN2WDE, but invitationId is now i-NEWINVITATION; the stack would replace the member (allowed: i-7XG4VPL2MCB6QJ3TZK5RHN2WDE: keep what the member was created with; to leave, mark it removed: true)',
    ],
  },
  {
    name: 'refuses changing the founder once the network exists',
    apply: (f) => f.edit('consortium.yaml', 'founder: filmmaker', 'founder: ott-vendor-1'),
    expected: [
      'members/consortium.yaml:17:10 founder: filmmaker founded network n-MWY63ZJZU5HGNCMBQER7IN6OIU (member m-J46DNSFRTVCCLONS6DRTU2EJFE); the founder cannot change once network.id is set (allowed: filmmaker)',
      'members/ott-vendor-1.yaml:10:15 invitationId: ott-vendor-1 is the founder: it creates the network and has no invitation (allowed: remove invitationId, or change founder in consortium.yaml)',
    ],
  },
  {
    name: 'refuses dropping the network id while members are recorded in it',
    apply: (f) => f.edit('consortium.yaml', '  id: n-MWY63ZJZU5HGNCMBQER7IN6OIU\n', ''),
    expected: [
      'members/bank.yaml:9:15 invitationId: an invitation needs an existing network, but network.id is not set in consortium.yaml (allowed: record network.id first (npm run sync))',
      'members/consortium.yaml:5:3 network.id: is missing, but bank is recorded as member m-FN3QH2XV5CDRJ7KLAP4WTYBS6E of n-MWY63ZJZU5HGNCMBQER7IN6OIU (allowed: n-MWY63ZJZU5HGNCMBQER7IN6OIU)',
      'members/consortium.yaml:5:3 network.id: is missing, but filmmaker is recorded as member m-J46DNSFRTVCCLONS6DRTU2EJFE of n-MWY63ZJZU5HGNCMBQER7IN6OIU (allowed: n-MWY63ZJZU5HGNCMBQER7IN6OIU)',
      'members/consortium.yaml:5:3 network.id: is missing, but ott-vendor-1 is recorded as member m-2QZLVGD3WJHBXKOIYTNBA6F7XM of n-MWY63ZJZU5HGNCMBQER7IN6OIU (allowed: n-MWY63ZJZU5HGNCMBQER7IN6OIU)',
      'members/ott-vendor-1.yaml:10:15 invitationId: an invitation needs an existing network, but network.id is not set in consortium.yaml (allowed: record network.id first (npm run sync))',
    ],
  },
  {
    name: 'refuses changing the instance type of a recorded peer',
    apply: (f) => f.edit('filmmaker.yaml', 'instanceType: bc.t3.medium', 'instanceType: bc.t3.large'),
    expected: [
      'members/filmmaker.yaml:14:19 peers[0].instanceType: peer peer1 (nd-6EAJ5VA43JGGNPXOUZP7Y47E4Y) was created with bc.t3.medium; changing it would replace the node (allowed: bc.t3.medium, or add a new peer under another name)',
    ],
  },
  {
    name: 'refuses dropping a recorded peer from the list',
    apply: (f) => f.edit('filmmaker.yaml', /  - name: peer2\n    instanceType: bc.t3.medium\n    availabilityZone: us-east-1b\n/, ''),
    expected: [
      'members/filmmaker.yaml:47:13 ledger.peers[1].name: peer peer2 (nd-3LCTMWXBFNG7JHOY4D2E5QXP6A) is recorded but no longer in peers; the deploy would orphan a running node (allowed: keep it in peers, or delete node nd-3LCTMWXBFNG7JHOY4D2E5QXP6A with the AMB API first and run npm run sync)',
    ],
  },
  {
    name: 'refuses an Arm instance type for the x86_64 Fabric client',
    apply: (f) => f.edit('bank.yaml', 'instanceType: t3.small', 'instanceType: t4g.small'),
    expected: [
      'members/bank.yaml:17:17 client.instanceType: "t4g.small" is an Arm (Graviton) type, but the Fabric client runs x86_64 Fabric binaries (allowed: an x86_64 type such as t3.small, t3.medium, m6i.large)',
    ],
  },
  {
    name: 'reports several defects of one file at once',
    apply: (f) => f.edit('ott-vendor-2.yaml', 'adminUsername: ott2admin', 'adminUsername: 2admin').edit('ott-vendor-2.yaml', 'cidr: 10.30.0.0/16', 'cidr: 10.30.0.0/30').edit('ott-vendor-2.yaml', 'bc.t3.small', 'bc.t2.small'),
    expected: [
      'members/ott-vendor-2.yaml:9:16 adminUsername: "2admin" is not valid (allowed: 1-16 letters and digits, starting with a letter)',
      'members/ott-vendor-2.yaml:11:9 vpc.cidr: "10.30.0.0/30" has prefix /30 (allowed: an IPv4 CIDR from /16 to /24, e.g. 10.10.0.0/16)',
      'members/ott-vendor-2.yaml:13:19 peers[0].instanceType: "bc.t2.small" is not one of the allowed values (allowed: bc.t3.small, bc.t3.medium, bc.t3.large, bc.t3.xlarge, bc.m5.large, bc.m5.xlarge, bc.m5.2xlarge, bc.m5.4xlarge, bc.c5.large, bc.c5.xlarge, bc.c5.2xlarge, bc.c5.4xlarge)',
    ],
  },
];

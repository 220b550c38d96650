/**
 * Stage 2: rules that relate fields to each other, to other files and to AMB's limits, and
 * the refusals that protect ledger data from a change that would replace it.
 */
import { EDITION_LIMITS, MEMBER_NAME_MAX, MEMBER_NAME_PATTERN, type Edition } from '../amb';
import { dirname, join } from 'node:path';
import { checkIdentities } from './identities';
import type { ConfigIssue } from './issues';
import { FROZEN_NETWORK_FIELDS, NETWORK_RECORD_KEY, recordedValue, type FrozenNetworkField, type NetworkRecord } from './network-record';
import type { RawConsortium, RawConsortiumFile, RawMemberFile } from './raw';
import { CONSORTIUM_SPEC, defaultOf } from './spec';
import { checkLedgerSections } from './ledger-rules';

export function checkRules(consortium: RawConsortiumFile, members: readonly RawMemberFile[]): ConfigIssue[] {
  return [...checkConsortium(consortium, members), ...checkLedgerSections(consortium, members), ...members.flatMap((member) => checkMember(member, consortium, members))];
}

function checkConsortium({ source, raw }: RawConsortiumFile, members: readonly RawMemberFile[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = members.map((member) => member.name);
  const allowedNames = names.join(', ') || 'none: add a <member>.yaml';
  const edition = raw.network?.edition as Edition | undefined;

  if (raw.founder !== undefined && !names.includes(raw.founder)) {
    issues.push(source.issueAt(['founder'], `"${raw.founder}" has no ${join(dirname(source.file), raw.founder + '.yaml')}`, allowedNames));
  }
  if (edition && members.length > EDITION_LIMITS[edition].maxMembers) {
    issues.push(
      source.issueAt(
        ['network', 'edition'],
        `${edition} allows ${EDITION_LIMITS[edition].maxMembers} members but the consortium has ${members.length}`,
        edition === 'STARTER' ? 'STANDARD (14 members), or fewer member files' : 'fewer member files',
      ),
    );
  }
  issues.push(...checkNetworkRecord(source, raw));
  const seenChannels = new Set<string>();
  (raw.channels ?? []).forEach((channel, index) => {
    if (!channel) return;
    if (channel.name !== undefined) {
      if (seenChannels.has(channel.name)) {
        issues.push(source.issueAt(['channels', index, 'name'], `channel "${channel.name}" is declared twice`, 'unique channel names'));
      }
      seenChannels.add(channel.name);
    }
    const seenMembers = new Set<string>();
    (channel.members ?? []).forEach((member, position) => {
      if (member === undefined) return;
      if (!names.includes(member)) {
        issues.push(source.issueAt(['channels', index, 'members', position], `"${member}" is not a member of the consortium`, allowedNames));
      } else if (seenMembers.has(member)) {
        issues.push(source.issueAt(['channels', index, 'members', position], `"${member}" is listed twice`, 'each member once'));
      }
      seenMembers.add(member);
    });
  });
  return issues;
}

/**
 * AMB has no UpdateNetwork: once the network record exists, every setting it holds must keep
 * its recorded value, or the founder's ledger stack would ask CloudFormation to replace the
 * network (refused by the stack policy, after a rollback).
 */
function checkNetworkRecord(source: RawConsortiumFile['source'], raw: RawConsortium): ConfigIssue[] {
  const record = raw.ledger as NetworkRecord | undefined;
  const network = raw.network;
  if (!record?.networkId || !record.voting || !network) return [];
  if (network.id !== undefined && network.id !== record.networkId) {
    return [
      source.issueAt(['network', 'id'], `is ${network.id}, but ${NETWORK_RECORD_KEY}: records network ${record.networkId}`, `${record.networkId}, or run npm run sync against ${network.id} to record it instead`),
    ];
  }
  const issues: ConfigIssue[] = [];
  for (const field of FROZEN_NETWORK_FIELDS) {
    const path = field.split('.');
    const current = configuredValue(network, field, source.document.hasIn(['network', ...path]));
    const created = recordedValue(record, field);
    if (current === undefined || current === created) continue;
    issues.push(
      source.issueAt(
        ['network', ...path],
        `network ${record.networkId} was created with ${JSON.stringify(created)} and AMB cannot change it (there is no UpdateNetwork); this change would make the founder's deploy fail and roll back`,
        `${JSON.stringify(created)}; a different ${field} needs a new network (a new consortium repository, then each member leaves the old one)`,
      ),
    );
  }
  return issues;
}

/**
 * A network setting as configured, or its default when the YAML leaves it out; undefined
 * when stage 1 refused the written value (already reported) or the name is missing.
 */
function configuredValue(network: NonNullable<RawConsortium['network']>, field: FrozenNetworkField, written: boolean): string | number | undefined {
  const [head, tail] = field.split('.');
  const container = (tail === undefined ? network : (network as Record<string, unknown>)[head]) as Record<string, string | number | undefined> | undefined;
  const value = container?.[tail ?? head];
  if (value !== undefined || written || field === 'name') return value;
  return defaultOf<string | number>(CONSORTIUM_SPEC, `network.${field}`);
}

function checkMember(file: RawMemberFile, consortium: RawConsortiumFile, all: readonly RawMemberFile[]): ConfigIssue[] {
  const { source, raw, name } = file;
  const issues: ConfigIssue[] = [];
  const network = consortium.raw.network ?? {};
  const region = network.region;
  const edition = network.edition as Edition | undefined;
  const isFounder = consortium.raw.founder === name;

  if (!MEMBER_NAME_PATTERN.test(name) || name.length > MEMBER_NAME_MAX) {
    issues.push(
      source.issueAt([], `the file name "${name}" is not a valid AMB member name`, '1-64 letters, digits and single hyphens, starting with a letter, not ending with a hyphen'),
    );
  }
  if (raw.region !== undefined && region !== undefined && raw.region !== region) {
    issues.push(source.issueAt(['region'], `"${raw.region}" differs from the network region; AMB networks are regional`, region));
  }
  if (raw.accountId !== undefined) {
    const first = all.find((other) => other.raw.accountId === raw.accountId);
    if (first && first !== file) {
      issues.push(source.issueAt(['accountId'], `account ${raw.accountId} is already used by ${first.name}`, 'one member per account'));
    }
    for (const field of ['deployRoleArn', 'planRoleArn'] as const) {
      const roleAccount = raw[field]?.split(':')[4];
      if (roleAccount !== undefined && roleAccount !== raw.accountId) {
        issues.push(source.issueAt([field], `role is in account ${roleAccount}, not in the member's account`, `a role in ${raw.accountId}`));
      }
    }
    if (raw.planRoleArn !== undefined && raw.planRoleArn === raw.deployRoleArn) {
      issues.push(source.issueAt(['planRoleArn'], 'is the deploy role; a plan role exists to hold less', "a read-only role, or leave planRoleArn out"));
    }
  }
  issues.push(...checkVpc(file, region));
  issues.push(...checkPeers(file, region, edition));
  (raw.client?.sshCidrs ?? []).forEach((cidr, index) => {
    if (cidr === undefined) return;
    const problem = cidrProblem(cidr, 0);
    if (problem) issues.push(source.issueAt(['client', 'sshCidrs', index], problem, 'a valid IPv4 CIDR'));
    else if (cidr.endsWith('/0')) {
      issues.push(source.issueAt(['client', 'sshCidrs', index], `"${cidr}" opens SSH to the whole internet`, 'your office or bastion CIDRs; leave the list empty to use Session Manager'));
    }
  });
  const clientType = raw.client?.instanceType;
  if (clientType !== undefined && /^(a1|[a-z]+\d+g[a-z]*)\./.test(clientType)) {
    issues.push(source.issueAt(['client', 'instanceType'], `"${clientType}" is an Arm (Graviton) type, but the Fabric client runs x86_64 Fabric binaries`, 'an x86_64 type such as t3.small, t3.medium, m6i.large'));
  }
  const topics = [
    [['alerts', 'topicArn'], raw.alerts?.topicArn],
    [['voting', 'alarmTopicArn'], raw.voting?.alarmTopicArn],
  ] as const;
  for (const [path, arn] of topics) {
    const topicRegion = arn?.split(':')[3];
    if (topicRegion !== undefined && region !== undefined && topicRegion !== region) {
      issues.push(source.issueAt([...path], `the topic is in ${topicRegion}, but CloudWatch alarms notify topics of their own region only`, `a topic in ${region}`));
    }
  }
  if (isFounder && raw.invitationId !== undefined) {
    issues.push(source.issueAt(['invitationId'], `${name} is the founder: it creates the network and has no invitation`, 'remove invitationId, or change founder in consortium.yaml'));
  }
  if (!isFounder && raw.invitationId !== undefined && network.id === undefined) {
    issues.push(source.issueAt(['invitationId'], 'an invitation needs an existing network, but network.id is not set in consortium.yaml', 'record network.id first (npm run sync)'));
  }
  (raw.offchain?.readers ?? []).forEach((reader, index) => {
    if (reader === undefined) return;
    if (reader === name) issues.push(source.issueAt(['offchain', 'readers', index], 'a member always reads its own bucket', 'other members'));
    else if (!all.some((other) => other.name === reader)) {
      issues.push(source.issueAt(['offchain', 'readers', index], `"${reader}" is not a member of the consortium`, all.map((m) => m.name).join(', ')));
    }
  });
  (raw.ethereumNodes ?? []).forEach((node, index) => {
    if (node?.availabilityZone !== undefined && region !== undefined && !node.availabilityZone.startsWith(region)) {
      issues.push(source.issueAt(['ethereumNodes', index, 'availabilityZone'], `"${node.availabilityZone}" is not in ${region}`, `${region}a, ${region}b, ...`));
    }
  });
  issues.push(...duplicateNames(file, 'ethereumNodes', (raw.ethereumNodes ?? []).map((node) => node?.name)));
  issues.push(...checkLedgerRecord(file, consortium));
  issues.push(...checkAdoption(file, region));
  issues.push(...checkIdentities(source, raw));
  return issues;
}

/**
 * What adopting needs to hold together: existing endpoint and client live in an existing
 * VPC, an adopted member names its admin secret, and every peer marked adopted is a node
 * recorded by npm run adopt (and the other way round), so no stack ever declares an
 * existing node a second time.
 */
function checkAdoption({ source, raw, name }: RawMemberFile, region: string | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const adopt = `npm run adopt -- --member ${name}`;
  const imports = [
    [['endpoint', 'vpcEndpointId'], raw.endpoint?.vpcEndpointId],
    [['client', 'instanceId'], raw.client?.instanceId],
  ] as const;
  for (const [path, id] of imports) {
    if (id !== undefined && raw.vpc?.cidr !== undefined) {
      issues.push(source.issueAt([...path], `${id} is an existing resource, but vpc.cidr creates a new VPC it cannot be in`, 'vpc.vpcId and vpc.subnetIds of the VPC it is in'));
    }
  }
  if (raw.adminSecretArn !== undefined) {
    const [, , , secretRegion, secretAccount] = raw.adminSecretArn.split(':');
    if (raw.ledger?.adopted !== true) {
      issues.push(source.issueAt(['adminSecretArn'], `${name} is not adopted: its stack creates and owns its admin secret`, `remove adminSecretArn, or adopt the existing member (${adopt})`));
    } else if (raw.accountId !== undefined && secretAccount !== raw.accountId) {
      issues.push(source.issueAt(['adminSecretArn'], `the secret is in account ${secretAccount}, not in the member's account`, `a secret in ${raw.accountId}`));
    } else if (region !== undefined && secretRegion !== region) {
      issues.push(source.issueAt(['adminSecretArn'], `the secret is in ${secretRegion}, not in the network region`, `a secret in ${region}`));
    }
  } else if (raw.ledger?.adopted === true) {
    issues.push(
      source.issueAt(['ledger', 'adopted'], 'an adopted member needs adminSecretArn: its Fabric CA admin password was chosen by a person, and the client enrolls from that secret', `${adopt} --admin-secret-arn ARN, or ${adopt} --store-admin-password`),
    );
  }
  const recorded = raw.ledger?.peers ?? [];
  (raw.peers ?? []).forEach((peer, index) => {
    const peerName = peer?.name ?? `peer${index + 1}`;
    if (peer?.adopted === true && !recorded.some((entry) => entry?.name === peerName && entry.adopted === true)) {
      issues.push(source.issueAt(['peers', index, 'adopted'], `peer ${peerName} is marked adopted, but no adopted node named ${peerName} is recorded in ledger.peers`, `remove adopted to create a new node, or record the existing one with ${adopt}`));
    }
  });
  recorded.forEach((entry) => {
    if (entry?.adopted !== true || entry.name === undefined) return;
    const position = (raw.peers ?? []).findIndex((peer, peerIndex) => (peer?.name ?? `peer${peerIndex + 1}`) === entry.name);
    if (position >= 0 && raw.peers?.[position]?.adopted !== true) {
      issues.push(source.issueAt(['peers', position], `peer ${entry.name} is the adopted node ${entry.nodeId}; without adopted: true the stack would create a second node`, 'adopted: true'));
    }
  });
  return issues;
}

function checkVpc({ source, raw }: RawMemberFile, region: string | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const vpc = raw.vpc;
  if (!vpc) return issues;
  const modes = 'either cidr (a new VPC) or vpcId with subnetIds (an existing VPC)';
  if (vpc.cidr !== undefined && vpc.vpcId !== undefined) {
    issues.push(source.issueAt(['vpc', 'vpcId'], 'both cidr and vpcId are set', modes));
  } else if (vpc.cidr === undefined && vpc.vpcId === undefined) {
    issues.push(source.issueAt(['vpc'], 'neither cidr nor vpcId is set', modes));
  }
  if (vpc.cidr !== undefined) {
    const problem = cidrProblem(vpc.cidr, 16, 24);
    if (problem) issues.push(source.issueAt(['vpc', 'cidr'], problem, 'an IPv4 CIDR from /16 to /24, e.g. 10.10.0.0/16'));
    if (vpc.subnetIds !== undefined) issues.push(source.issueAt(['vpc', 'subnetIds'], 'subnetIds belong to an existing VPC, but cidr creates a new one', modes));
  }
  if (vpc.vpcId !== undefined && vpc.cidr === undefined) {
    if (vpc.subnetIds === undefined) issues.push(source.issueAt(['vpc', 'subnetIds'], 'is required with vpcId', 'existing subnet ids in that VPC'));
    if (vpc.availabilityZones !== undefined) issues.push(source.issueAt(['vpc', 'availabilityZones'], 'only applies to a new VPC (cidr)', 'remove it; existing subnets have their AZs'));
    if (vpc.flowLogs !== undefined) issues.push(source.issueAt(['vpc', 'flowLogs'], "only applies to a new VPC (cidr); an existing VPC's flow logs are its owner's", 'remove it'));
  }
  const zones = vpc.availabilityZones ?? [];
  zones.forEach((zone, index) => {
    if (zone !== undefined && region !== undefined && !zone.startsWith(region)) {
      issues.push(source.issueAt(['vpc', 'availabilityZones', index], `"${zone}" is not in ${region}`, `${region}a, ${region}b, ...`));
    }
  });
  if (zones.length === 2 && zones[0] !== undefined && zones[0] === zones[1]) {
    issues.push(source.issueAt(['vpc', 'availabilityZones', 1], 'both subnets are in the same AZ', 'two different AZs'));
  }
  return issues;
}

function checkPeers(file: RawMemberFile, region: string | undefined, edition: Edition | undefined): ConfigIssue[] {
  const { source, raw } = file;
  const issues: ConfigIssue[] = [];
  const peers = raw.peers ?? [];
  if (edition && peers.length > EDITION_LIMITS[edition].maxPeersPerMember) {
    issues.push(
      source.issueAt(['peers'], `${edition} allows ${EDITION_LIMITS[edition].maxPeersPerMember} peers per member but ${file.name} has ${peers.length}`, `at most ${EDITION_LIMITS[edition].maxPeersPerMember} peers`),
    );
  }
  peers.forEach((peer, index) => {
    if (!peer) return;
    if (peer.instanceType !== undefined && edition && !(EDITION_LIMITS[edition].instanceTypes as readonly string[]).includes(peer.instanceType)) {
      issues.push(source.issueAt(['peers', index, 'instanceType'], `"${peer.instanceType}" is not available in the ${edition} edition`, EDITION_LIMITS[edition].instanceTypes.join(', ')));
    }
    if (peer.availabilityZone !== undefined && region !== undefined && !peer.availabilityZone.startsWith(region)) {
      issues.push(source.issueAt(['peers', index, 'availabilityZone'], `"${peer.availabilityZone}" is not in the member's region ${region}`, `${region}a, ${region}b, ...`));
    }
  });
  issues.push(...duplicateNames(file, 'peers', peers.map((peer, index) => peer?.name ?? `peer${index + 1}`)));
  return issues;
}

function duplicateNames({ source }: RawMemberFile, list: 'peers' | 'ethereumNodes', names: readonly (string | undefined)[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  names.forEach((name, index) => {
    if (name !== undefined && names.indexOf(name) !== index) {
      issues.push(source.issueAt([list, index, 'name'], `"${name}" is used by ${list}[${names.indexOf(name)}] too`, 'a unique name per node'));
    }
  });
  return issues;
}

/**
 * A member that exists is identified by the name, invitation and network it was created
 * with; CloudFormation would replace it (a new, empty member) if any of them changed.
 */
function checkLedgerRecord({ source, raw, name }: RawMemberFile, consortium: RawConsortiumFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const record = raw.ledger;
  if (!record?.memberId) return issues;
  const networkId = consortium.raw.network?.id;
  const founder = consortium.raw.founder;
  const keep = 'keep what the member was created with; to leave, mark it removed: true';
  if (record.name !== undefined && record.name !== name) {
    issues.push(
      source.issueAt(['ledger', 'name'], `this file is named ${name}, but member ${record.memberId} was created as "${record.name}"; renaming would replace the member and orphan its ledger`, `rename the file back to ${record.name}.yaml`),
    );
  }
  if (networkId === undefined) {
    issues.push(consortium.source.issueAt(['network', 'id'], `is missing, but ${name} is recorded as member ${record.memberId} of ${record.networkId}`, `${record.networkId}`));
  } else if (record.networkId !== undefined && record.networkId !== networkId) {
    issues.push(source.issueAt(['ledger', 'networkId'], `member ${record.memberId} belongs to ${record.networkId}, but network.id is ${networkId}; the stack would replace the member`, keep));
  }
  issues.push(...checkRecordedPeers({ source, raw, name }));
  // No stack declares an adopted member, so neither its invitation nor the founder can replace it.
  if (record.adopted === true) return issues;
  if (record.invitationId !== raw.invitationId && (record.invitationId !== undefined || name !== founder)) {
    const was = record.invitationId ?? 'no invitation (it founded the network)';
    const now = raw.invitationId ?? 'none';
    issues.push(source.issueAt(['invitationId'], `member ${record.memberId} joined with ${was}, but invitationId is now ${now}; the stack would replace the member`, `${record.invitationId ?? 'no invitationId'}: ${keep}`));
  }
  if (record.invitationId === undefined && founder !== undefined && founder !== name && networkId !== undefined) {
    issues.push(
      consortium.source.issueAt(['founder'], `${name} founded network ${networkId} (member ${record.memberId}); the founder cannot change once network.id is set`, name),
    );
  }
  return issues;
}

/**
 * A peer node's instance type and AZ cannot change in place: CloudFormation would create a
 * new node and leave the old one running outside the stack. Dropping a recorded peer from
 * the list would likewise orphan a running node.
 */
function checkRecordedPeers({ source, raw }: RawMemberFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const configured = (raw.peers ?? []).map((peer, index) => ({ ...peer, name: peer?.name ?? `peer${index + 1}`, index }));
  (raw.ledger?.peers ?? []).forEach((recorded, recordIndex) => {
    if (!recorded?.name) return;
    const peer = configured.find((candidate) => candidate.name === recorded.name);
    if (!peer) {
      issues.push(
        source.issueAt(['ledger', 'peers', recordIndex, 'name'], `peer ${recorded.name} (${recorded.nodeId}) is recorded but no longer in peers; the deploy would orphan a running node`, `keep it in peers, or delete node ${recorded.nodeId} with the AMB API first and run npm run sync`),
      );
      return;
    }
    for (const field of ['instanceType', 'availabilityZone'] as const) {
      if (peer[field] !== undefined && recorded[field] !== undefined && peer[field] !== recorded[field]) {
        issues.push(
          source.issueAt(['peers', peer.index, field], `peer ${recorded.name} (${recorded.nodeId}) was created with ${recorded[field]}; changing it would replace the node`, `${recorded[field]}, or add a new peer under another name`),
        );
      }
    }
  });
  return issues;
}

/** Why a CIDR is malformed or outside a prefix range, or undefined when it is fine. */
function cidrProblem(cidr: string, minPrefix: number, maxPrefix = 32): string | undefined {
  const [address, prefixText] = cidr.split('/');
  const octets = address.split('.').map(Number);
  const prefix = Number(prefixText);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet > 255)) return `"${cidr}" is not a valid IPv4 address`;
  if (!Number.isInteger(prefix) || prefix < minPrefix || prefix > maxPrefix) return `"${cidr}" has prefix /${prefixText}`;
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const hostBits = 32 - prefix;
  if (hostBits > 0 && value % 2 ** hostBits !== 0) return `"${cidr}" has host bits set`;
  return undefined;
}


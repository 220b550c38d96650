/**
 * Stage 3: checked raw values -> the typed `Consortium`, with every default filled in.
 * Only called when stages 1 and 2 found nothing, so required fields are present.
 */
import type { Edition, FrameworkVersion, InstanceType, ThresholdComparator } from '../amb';
import { normaliseIdentities } from './identities';
import { normaliseChaincodes, normaliseChannels } from './normalise-ledger';
import type { RawConsortium, RawMember, RawStateBackend } from './raw';
import { CONSORTIUM_SPEC, defaultOf, MEMBER_SPEC } from './spec';
import type { Consortium, Member, OtherwiseVote, StateBackend } from './types';

export function normalise(dir: string, consortium: RawConsortium, members: readonly { name: string; file: string; raw: RawMember }[]): Consortium {
  const network = consortium.network!;
  const region = network.region!;
  const voting = network.voting ?? {};
  const founder = consortium.founder!;
  const accountsByName = new Map(members.map((member) => [member.name, member.raw.accountId!]));
  return {
    dir,
    network: {
      name: network.name!,
      description: network.description ?? defaultOf(CONSORTIUM_SPEC, 'network.description'),
      id: network.id,
      frameworkVersion: (network.frameworkVersion ?? defaultOf(CONSORTIUM_SPEC, 'network.frameworkVersion')) as FrameworkVersion,
      edition: (network.edition ?? defaultOf(CONSORTIUM_SPEC, 'network.edition')) as Edition,
      region,
      voting: {
        thresholdPercentage: voting.thresholdPercentage ?? defaultOf(CONSORTIUM_SPEC, 'network.voting.thresholdPercentage'),
        proposalDurationInHours: voting.proposalDurationInHours ?? defaultOf(CONSORTIUM_SPEC, 'network.voting.proposalDurationInHours'),
        thresholdComparator: (voting.thresholdComparator ?? defaultOf(CONSORTIUM_SPEC, 'network.voting.thresholdComparator')) as ThresholdComparator,
      },
    },
    founder,
    channels: normaliseChannels(consortium.channels ?? [], members),
    chaincodes: normaliseChaincodes(consortium.chaincodes ?? []),
    members: members.map(({ name, file, raw }): Member => {
      const isFounder = name === founder;
      const client = raw.client ?? {};
      const logging = raw.logging ?? {};
      const votingRules = raw.voting ?? {};
      const vpc = raw.vpc!;
      const adopted = raw.ledger?.adopted ?? defaultOf<boolean>(MEMBER_SPEC, 'ledger.adopted');
      const recordedPeers = raw.ledger?.peers ?? [];
      return {
        name,
        file,
        description: raw.description ?? defaultOf(MEMBER_SPEC, 'description'),
        accountId: raw.accountId!,
        deployRoleArn: raw.deployRoleArn!,
        planRoleArn: raw.planRoleArn,
        region,
        adminUsername: raw.adminUsername ?? defaultOf(MEMBER_SPEC, 'adminUsername'),
        invitationId: raw.invitationId,
        lapsedInvitation: raw.lapsedInvitation && { invitationId: raw.lapsedInvitation.invitationId!, expiredAt: raw.lapsedInvitation.expiredAt! },
        memberId: raw.ledger?.memberId,
        isFounder,
        adopted,
        adminSecretArn: raw.adminSecretArn,
        joined: isFounder || adopted || raw.invitationId !== undefined,
        vpc:
          vpc.cidr !== undefined
            ? {
                kind: 'new',
                cidr: vpc.cidr,
                availabilityZones: (vpc.availabilityZones as [string, string] | undefined) ?? [`${region}a`, `${region}b`],
                flowLogs: vpc.flowLogs ?? defaultOf(MEMBER_SPEC, 'vpc.flowLogs'),
              }
            : { kind: 'existing', vpcId: vpc.vpcId!, subnetIds: vpc.subnetIds as string[] },
        endpointAllowedSecurityGroupIds: (raw.endpoint?.allowedSecurityGroupIds as string[] | undefined) ?? [],
        existingEndpointId: raw.endpoint?.vpcEndpointId,
        peers: (raw.peers ?? []).map((peer, index) => {
          const name = peer!.name ?? `peer${index + 1}`;
          return {
            name,
            instanceType: peer!.instanceType as InstanceType,
            availabilityZone: peer!.availabilityZone!,
            adopted: peer!.adopted ?? defaultOf<boolean>(MEMBER_SPEC, 'peers.adopted'),
            nodeId: recordedPeers.find((recorded) => recorded?.name === name)?.nodeId,
          };
        }),
        client: {
          instanceId: client.instanceId,
          instanceType: client.instanceType ?? defaultOf(MEMBER_SPEC, 'client.instanceType'),
          subnet: (client.subnet ?? defaultOf(MEMBER_SPEC, 'client.subnet')) as 'public' | 'private',
          sshCidrs: (client.sshCidrs as string[] | undefined) ?? [],
          fabricVersion: client.fabricVersion ?? defaultOf(MEMBER_SPEC, 'client.fabricVersion'),
          fabricCaVersion: client.fabricCaVersion ?? defaultOf(MEMBER_SPEC, 'client.fabricCaVersion'),
          rootVolumeGiB: client.rootVolumeGiB ?? defaultOf(MEMBER_SPEC, 'client.rootVolumeGiB'),
          archives: client.archives && {
            fabric: { url: client.archives.fabric!.url!, sha256: client.archives.fabric!.sha256! },
            fabricCa: { url: client.archives.fabricCa!.url!, sha256: client.archives.fabricCa!.sha256! },
          },
        },
        logging: {
          ca: logging.ca ?? defaultOf(MEMBER_SPEC, 'logging.ca'),
          peer: logging.peer ?? defaultOf(MEMBER_SPEC, 'logging.peer'),
          chaincode: logging.chaincode ?? defaultOf(MEMBER_SPEC, 'logging.chaincode'),
        },
        voting: {
          otherwise: (votingRules.otherwise ?? defaultOf(MEMBER_SPEC, 'voting.otherwise')) as OtherwiseVote,
          automated: votingRules.automated ?? defaultOf(MEMBER_SPEC, 'voting.automated'),
          schedule: votingRules.schedule ?? defaultOf(MEMBER_SPEC, 'voting.schedule'),
          alarmTopicArn: votingRules.alarmTopicArn,
        },
        alerts: {
          topicArn: raw.alerts?.topicArn ?? votingRules.alarmTopicArn,
          emails: (raw.alerts?.emails as string[] | undefined) ?? [],
        },
        tags: raw.tags ?? {},
        removed: raw.removed ?? defaultOf(MEMBER_SPEC, 'removed'),
        stateBackend: stateBackendFor(name, raw.accountId!, consortium.stateBackend!, raw.stateBackend, region),
        offchain: raw.offchain && {
          readerAccounts: (raw.offchain.readers ?? []).map((reader) => accountsByName.get(reader!)!),
          objectLockDays: raw.offchain.objectLockDays,
        },
        archive: {
          enabled: raw.archive?.enabled ?? defaultOf(MEMBER_SPEC, 'archive.enabled'),
          schedule: raw.archive?.schedule ?? defaultOf(MEMBER_SPEC, 'archive.schedule'),
          objectLockMode: (raw.archive?.objectLockMode ?? defaultOf(MEMBER_SPEC, 'archive.objectLockMode')) as 'GOVERNANCE' | 'COMPLIANCE',
          objectLockDays: raw.archive?.objectLockDays ?? defaultOf(MEMBER_SPEC, 'archive.objectLockDays'),
          auditorAccounts: (raw.archive?.auditorAccounts as string[] | undefined) ?? [],
        },
        ethereumNodes: (raw.ethereumNodes ?? []).map((node, index) => ({
          name: node!.name ?? `eth${index + 1}`,
          networkId: node!.networkId ?? defaultOf(MEMBER_SPEC, 'ethereumNodes.networkId'),
          instanceType: node!.instanceType!,
          availabilityZone: node!.availabilityZone!,
        })),
        ...normaliseIdentities(raw, name, {
          type: defaultOf(MEMBER_SPEC, 'identities.type'),
          ecert: defaultOf(MEMBER_SPEC, 'identities.attributes.ecert'),
          removed: defaultOf(MEMBER_SPEC, 'identities.removed'),
          renewBeforeDays: defaultOf(MEMBER_SPEC, 'identityRenewal.renewBeforeDays'),
          schedule: defaultOf(MEMBER_SPEC, 'identityRenewal.schedule'),
        }),
      };
    }),
  };
}

function stateBackendFor(member: string, account: string, shared: RawStateBackend, own: RawStateBackend | undefined, region: string): StateBackend {
  const bucket = (own?.bucket ?? shared.bucket!).replaceAll('{member}', member).replaceAll('{account}', account);
  const keyPrefix = own?.keyPrefix ?? shared.keyPrefix ?? defaultOf(CONSORTIUM_SPEC, 'stateBackend.keyPrefix');
  return { bucket, key: `${keyPrefix}/${member}.tfstate`, region: own?.region ?? shared.region ?? region };
}

/**
 * The configtx.yaml a channel's creator runs `configtxgen -outputCreateChannelTx` with, in
 * AMB's system-channel flow (AMB developer guide, "Create a channel"): one organisation per
 * member (Name = ID = member id, MSPDir holding its CA and admin certificates from
 * members/msp/), capabilities V2_0, no Orderer section, and a profile in the consortium
 * `AWSSystemConsortium`. Application policies come from the YAML (MAJORITY by default).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Channel, Consortium } from '../config';
import { UsageError } from '../errors';
import { implicitMeta } from './policies';
import { folderFiles } from './transport';

/** The consortium every AMB network's system channel defines. */
export const AMB_CONSORTIUM = 'AWSSystemConsortium';

/** Where a member's public MSP material lives in git: `<members dir>/msp/<member>/`. */
export function mspFolder(consortium: Consortium, member: string): string {
  return join(consortium.dir, 'msp', member);
}

/** configtx.yaml (profile `Channel`) for creating a channel; MSPDir paths relative to it. */
export function channelConfigtx(channel: Channel, mspIdOf: (member: string) => string): string {
  const implicit = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
  const organizations = channel.members.map((member) => organization(mspIdOf(member)));
  const v2 = { V2_0: true };
  return stringify({
    Organizations: organizations,
    Profiles: {
      Channel: {
        Consortium: AMB_CONSORTIUM,
        Capabilities: v2,
        Policies: { Readers: implicit('ANY Readers'), Writers: implicit('ANY Writers'), Admins: implicit(implicitMeta(channel.policies.admins, 'Admins')) },
        Application: {
          Organizations: organizations,
          Capabilities: v2,
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit(implicitMeta(channel.policies.admins, 'Admins')),
            LifecycleEndorsement: implicit(implicitMeta(channel.policies.lifecycleEndorsement, 'Endorsement')),
            Endorsement: implicit(implicitMeta(channel.policies.endorsement, 'Endorsement')),
          },
        },
      },
    },
  });
}

/**
 * A member's organisation in configtx.yaml (AMB style: Name = ID = member id, MSPDir with its
 * CA and admin certificates, no anchor peers: each member sets its own).
 */
function organization(id: string) {
  const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
  return {
    Name: id,
    ID: id,
    MSPDir: `msp/${id}`,
    Policies: {
      Readers: signature(`OR('${id}.member')`),
      Writers: signature(`OR('${id}.member')`),
      Admins: signature(`OR('${id}.admin')`),
      Endorsement: signature(`OR('${id}.member')`),
    },
  };
}

/** True when the member's MSP (cacerts, admincerts) is in git. */
export function mspPublished(consortium: Consortium, member: string): boolean {
  const folder = mspFolder(consortium, member);
  return existsSync(join(folder, 'cacerts')) && existsSync(join(folder, 'admincerts'));
}

/** The members' MSP folders as bundle entries `msp/<msp id>/...`; UsageError for one not in git. */
function mspBundle(consortium: Consortium, members: readonly string[], mspIdOf: (member: string) => string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const member of members) {
    const folder = mspFolder(consortium, member);
    if (!mspPublished(consortium, member)) {
      throw new UsageError(`${folder}: ${member}'s MSP (cacerts, admincerts) is not in git yet; ${member} runs npm run msp -- --member ${member} and commits what it writes`);
    }
    Object.assign(files, folderFiles(folder, `msp/${mspIdOf(member)}`));
  }
  return files;
}

/** The bundle of the channel-create step: configtx.yaml and every member's MSP folder. */
export function channelCreateFiles(consortium: Consortium, channel: Channel, mspIdOf: (member: string) => string): Record<string, Buffer | string> {
  return { 'configtx.yaml': channelConfigtx(channel, mspIdOf), ...mspBundle(consortium, channel.members, mspIdOf) };
}

/**
 * The bundle of the channel-update-compute step: a configtx.yaml whose Organizations are the
 * added members (for `configtxgen -printOrg`) and their MSP folders.
 */
export function orgDefinitionFiles(consortium: Consortium, members: readonly string[], mspIdOf: (member: string) => string): Record<string, Buffer | string> {
  return { 'configtx.yaml': stringify({ Organizations: members.map((member) => organization(mspIdOf(member))) }), ...mspBundle(consortium, members, mspIdOf) };
}

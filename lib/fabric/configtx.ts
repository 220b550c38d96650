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
  const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
  const implicit = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
  const organizations = channel.members.map((member) => {
    const id = mspIdOf(member);
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
  });
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

/** The bundle of the channel-create step: configtx.yaml and every member's MSP folder. */
export function channelCreateFiles(consortium: Consortium, channel: Channel, mspIdOf: (member: string) => string): Record<string, Buffer | string> {
  const files: Record<string, Buffer | string> = { 'configtx.yaml': channelConfigtx(channel, mspIdOf) };
  for (const member of channel.members) {
    const folder = mspFolder(consortium, member);
    if (!existsSync(join(folder, 'cacerts')) || !existsSync(join(folder, 'admincerts'))) {
      throw new UsageError(`${folder}: ${member}'s MSP (cacerts, admincerts) is not in git yet; ${member} runs npm run msp -- --member ${member} and commits what it writes`);
    }
    Object.assign(files, folderFiles(folder, `msp/${mspIdOf(member)}`));
  }
  return files;
}

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AMB_CONSORTIUM, memberOrganization, type FabricNetwork } from '../../sim/fabric/network';

/** Runs the peer CLI (or another Fabric tool on the network's PATH) with the given environment. */
export function fabricCli(env: Record<string, string>, command: string, args: string[]): string {
  return execFileSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Creates a channel by hand, as a member's operator would on AMB: a configtx.yaml naming the
 * members' organisations under `AWSSystemConsortium`, `configtxgen -outputCreateChannelTx`,
 * then `peer channel create` by the creator's admin. Returns the genesis block's path.
 */
export function createChannelByHand(fabric: FabricNetwork, creator: string, channel: string, memberIds: string[], work: string): string {
  mkdirSync(work, { recursive: true });
  const organizations = memberIds.map((memberId) => memberOrganization(memberId, fabric.member(memberId)!.adminMspDir));
  const implicit = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
  writeFileSync(
    join(work, 'configtx.yaml'),
    stringify({
      Profiles: {
        Channel: {
          Consortium: AMB_CONSORTIUM,
          Policies: { Readers: implicit('ANY Readers'), Writers: implicit('ANY Writers'), Admins: implicit('MAJORITY Admins') },
          Capabilities: { V2_0: true },
          Application: {
            Organizations: organizations,
            Capabilities: { V2_0: true },
            Policies: {
              Readers: implicit('ANY Readers'),
              Writers: implicit('ANY Writers'),
              Admins: implicit('MAJORITY Admins'),
              LifecycleEndorsement: implicit('MAJORITY Endorsement'),
              Endorsement: implicit('MAJORITY Endorsement'),
            },
          },
        },
      },
    }),
  );
  const env = fabric.peerCliEnv(creator);
  const tx = join(work, `${channel}.tx`);
  const block = join(work, `${channel}.block`);
  fabricCli(env, 'configtxgen', ['-configPath', work, '-profile', 'Channel', '-channelID', channel, '-outputCreateChannelTx', tx]);
  fabricCli(env, 'peer', ['channel', 'create', '-c', channel, '-f', tx, '--outputBlock', block, '-o', fabric.ordererEndpoint, '--tls', '--cafile', fabric.tlsCaCertFile]);
  return block;
}

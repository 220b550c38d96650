/**
 * Channel work by hand on a local Fabric network, as a member's operator does it on AMB:
 * the peer CLI with a member's environment, and a channel created from a configtx.yaml.
 * Used by tests and by benchmarks (`npm run bench:archive`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { AMB_CONSORTIUM, memberOrganization, type FabricNetwork } from './network';

/**
 * Runs the peer CLI (or another tool) with the given environment; resolves with stdout and
 * stderr together (the peer CLI logs its answers to stderr). Asynchronous, so that an
 * in-process simulator keeps serving while the tool runs.
 */
export function fabricCli(env: Record<string, string | undefined>, command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

/**
 * Creates a channel by hand, as a member's operator would on AMB: a configtx.yaml naming the
 * members' organisations under `AWSSystemConsortium`, `configtxgen -outputCreateChannelTx`,
 * then `peer channel create` by the creator's admin. Returns the genesis block's path.
 */
export async function createChannelByHand(fabric: FabricNetwork, creator: string, channel: string, memberIds: string[], work: string): Promise<string> {
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
  await fabricCli(env, 'configtxgen', ['-configPath', work, '-profile', 'Channel', '-channelID', channel, '-outputCreateChannelTx', tx]);
  await fabricCli(env, 'peer', ['channel', 'create', '-c', channel, '-f', tx, '--outputBlock', block, '-o', fabric.ordererEndpoint, '--tls', '--cafile', fabric.tlsCaCertFile]);
  return block;
}

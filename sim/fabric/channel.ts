/**
 * Channel work by hand on a local Fabric network, as a member's operator does it on AMB:
 * the peer CLI with a member's environment, and a channel created from a configtx.yaml.
 * Used by tests and by benchmarks (`npm run bench:archive`).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Chaincode } from '../../lib/config/types';
import { buildChaincodePackage } from '../../lib/fabric/package';
import { PROJECT_ROOT } from '../../lib/project-root';
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

/**
 * Deploys a Node.js chaincode of this repository on a channel whose only organisation is
 * `memberId`, by hand: the toolkit's reproducible package (`buildChaincodePackage`), then
 * `peer lifecycle chaincode install`, `approveformyorg` and `commit` (sequence 1, the
 * channel's default endorsement policy). The peer builds it with the local external builder
 * that stands in for AMB's Docker build. Returns the package id.
 */
export async function deployChaincodeByHand(fabric: FabricNetwork, memberId: string, channel: string, chaincode: { name: string; version: string; path: string }, work: string): Promise<string> {
  mkdirSync(work, { recursive: true });
  const definition: Chaincode = { ...chaincode, channel, sequence: 1, language: 'node', endorsementPolicy: 'MAJORITY', initRequired: false, collections: [] };
  const built = await buildChaincodePackage(definition, PROJECT_ROOT);
  const file = join(work, `${built.label}.tar.gz`);
  writeFileSync(file, built.bytes);
  const env = fabric.peerCliEnv(memberId);
  const orderer = ['-o', fabric.ordererEndpoint, '--tls', '--cafile', fabric.tlsCaCertFile];
  const define = ['-C', channel, '--name', chaincode.name, '--version', chaincode.version, '--sequence', '1'];
  await fabricCli(env, 'peer', ['lifecycle', 'chaincode', 'install', file]);
  await fabricCli(env, 'peer', ['lifecycle', 'chaincode', 'approveformyorg', ...define, '--package-id', built.packageId, '--waitForEvent', ...orderer]);
  await fabricCli(env, 'peer', ['lifecycle', 'chaincode', 'commit', ...define, '--peerAddresses', env.CORE_PEER_ADDRESS, '--tlsRootCertFiles', fabric.tlsCaCertFile, '--waitForEvent', ...orderer]);
  return built.packageId;
}

/**
 * Lambda entry point of the identity manager. Settings (identities, threshold, secret prefix)
 * are baked into the package at synth; ids and the admin secret come from the environment
 * the member's stack sets. The CA endpoint is read from AMB (GetMember) and the TLS chain
 * from AMB's public S3 object for the region, on every run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetMemberCommand } from '@aws-sdk/client-managedblockchain';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tlsChainObject } from '../../lib/amb';
import { createAmbClient } from '../../lib/amb-client';
import { FabricCa } from '../../lib/identities/fabric-ca';
import { SecretsManagerIdentityStore } from '../../lib/identities/secret-store';
import { runIdentityManager, SETTINGS_FILE, type IdentityManagerEvent, type IdentityManagerResult, type IdentityManagerSettings } from './handler';

const settings: IdentityManagerSettings = JSON.parse(readFileSync(join(__dirname, SETTINGS_FILE), 'utf8'));

export async function handler(event: IdentityManagerEvent): Promise<IdentityManagerResult> {
  const region = requiredEnv('AWS_REGION');
  const networkId = requiredEnv('NETWORK_ID');
  const memberId = requiredEnv('MEMBER_ID');
  const secrets = new SecretsManagerClient({ region });
  return runIdentityManager(
    settings,
    {
      connect: async () => {
        const [endpoint, tlsChain, admin] = await Promise.all([caEndpoint(region, networkId, memberId), ambTlsChain(region), adminCredentials(secrets, requiredEnv('ADMIN_SECRET_ARN'))]);
        return FabricCa.connect({ url: `https://${endpoint}`, tlsChain, mspId: memberId, adminUsername: admin.username, adminPassword: admin.password });
      },
      store: new SecretsManagerIdentityStore(secrets, settings.secretPrefix),
      mspId: memberId,
      now: () => new Date(),
    },
    event ?? {},
  );
}

/** `host:port` of the member's CA, from GetMember (AMB assigns the port). */
async function caEndpoint(region: string, networkId: string, memberId: string): Promise<string> {
  const client = createAmbClient({ region, retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 4_000 } });
  const { Member } = await client.send(new GetMemberCommand({ NetworkId: networkId, MemberId: memberId }));
  const endpoint = Member?.FrameworkAttributes?.Fabric?.CaEndpoint;
  if (!endpoint) throw new Error(`member ${memberId} has no CA endpoint yet (status ${Member?.Status ?? 'unknown'}); the next run retries`);
  return endpoint;
}

/** AMB's TLS chain for the region (AMB management guide, "Set up a client"). */
async function ambTlsChain(region: string): Promise<string> {
  const { bucket, key } = tlsChainObject(region);
  const { Body } = await new S3Client({ region }).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Body!.transformToString();
}

async function adminCredentials(client: SecretsManagerClient, secretArn: string): Promise<{ username: string; password: string }> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  return JSON.parse(SecretString ?? '{}');
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the identity manager must be deployed by its member stack`);
  return value;
}

/**
 * Lambda entry point of the voter. The settings (consortium config and member name) are baked
 * into the deployment package beside this bundle at synth; the network and member ids come
 * from the environment, set by the member's stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAmbClient } from '../../lib/amb-client';
import { SETTINGS_FILE, voteOnOpenProposals, type VoterEvent, type VoterSettings } from './handler';

const settings: VoterSettings = JSON.parse(readFileSync(join(__dirname, SETTINGS_FILE), 'utf8'));

export async function handler(event: VoterEvent): Promise<{ outcomes: unknown[] }> {
  const networkId = requiredEnv('NETWORK_ID');
  const memberId = requiredEnv('MEMBER_ID');
  const client = createAmbClient({ region: requiredEnv('AWS_REGION'), retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 4_000 } });
  const outcomes = await voteOnOpenProposals(settings, { client, networkId, memberId }, event);
  for (const outcome of outcomes) console.log(JSON.stringify({ member: settings.member, ...outcome }));
  return { outcomes };
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the voter must be deployed by its member stack`);
  return value;
}

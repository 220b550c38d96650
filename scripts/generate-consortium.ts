/**
 * Writes a synthetic, valid consortium of any size (tests and benchmarks use it):
 * `npx tsx scripts/generate-consortium.ts DIR [--members N] [--peers N] [--edition E]`.
 * Member 1 founds the network; the others have recorded invitations, so every stack is full.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EDITIONS, EDITION_LIMITS, type Edition } from '../lib/amb';
import { runMain } from '../lib/cli';
import { CONSORTIUM_FILE } from '../lib/config';
import { UsageError } from '../lib/errors';

export interface GenerateOptions {
  /** Number of members, founder included. */
  readonly members: number;
  /** Peer nodes per member. */
  readonly peersPerMember: number;
  /** @default 'STANDARD' */
  readonly edition?: Edition;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/** What was written: the directory and the member names in file order. */
export interface GeneratedConsortium {
  readonly dir: string;
  readonly members: readonly string[];
}

const NETWORK_ID = 'n-GENERATED0CONSORTIUM000000';

export function generatedMemberName(index: number): string {
  return `member-${String(index + 1).padStart(2, '0')}`;
}

export function generateConsortium(dir: string, options: GenerateOptions): GeneratedConsortium {
  const edition = options.edition ?? 'STANDARD';
  const region = options.region ?? 'us-east-1';
  const names = Array.from({ length: options.members }, (_, index) => generatedMemberName(index));
  mkdirSync(dir, { recursive: true });

  writeYaml(join(dir, CONSORTIUM_FILE), {
    network: {
      name: 'generated',
      description: `Generated ${edition} consortium of ${options.members} members`,
      id: NETWORK_ID,
      frameworkVersion: '2.2',
      edition,
      region,
      voting: { thresholdPercentage: 50, proposalDurationInHours: 24, thresholdComparator: 'GREATER_THAN' },
    },
    founder: names[0],
    channels: [
      { name: 'everyone', members: names },
      ...(names.length > 1 ? [{ name: 'pair', members: names.slice(0, 2) }] : []),
    ],
    stateBackend: { bucket: 'generated-tfstate-{account}', keyPrefix: 'amb-consortium', region },
  });

  const zones = ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
  const instanceType = EDITION_LIMITS[edition].instanceTypes[0];
  names.forEach((name, index) => {
    const accountId = String(100000000000 + index + 1);
    writeYaml(join(dir, `${name}.yaml`), {
      description: `Generated member ${index + 1}`,
      accountId,
      deployRoleArn: `arn:aws:iam::${accountId}:role/amb-consortium-deploy`,
      region,
      adminUsername: `admin${index + 1}`,
      ...(index === 0 ? {} : { invitationId: `i-GENERATED${String(index + 1).padStart(17, '0')}` }),
      vpc: { cidr: `10.${index + 1}.0.0/16`, availabilityZones: zones.slice(0, 2) },
      peers: Array.from({ length: options.peersPerMember }, (_, peer) => ({
        name: `peer${peer + 1}`,
        instanceType,
        availabilityZone: zones[peer % zones.length],
      })),
      tags: { owner: name },
    });
  });
  return { dir, members: names };
}

function writeYaml(path: string, value: unknown): void {
  writeFileSync(path, stringify(value, { lineWidth: 0 }));
}

const USAGE = `usage: npx tsx scripts/generate-consortium.ts DIR [--members N] [--peers N] [--edition ${EDITIONS.join('|')}]
Writes a valid synthetic consortium into DIR (defaults: 14 members, 3 peers each, STANDARD).`;

export function parseGenerateArgs(argv: readonly string[]): { dir: string; options: GenerateOptions } {
  let dir: string | undefined;
  let members = 14;
  let peersPerMember = 3;
  let edition: Edition = 'STANDARD';
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--members' || arg === '--peers') {
      const value = Number(argv[++index]);
      if (!Number.isInteger(value) || value < 1) throw new UsageError(`${arg} needs a whole number of at least 1\n${USAGE}`);
      if (arg === '--members') members = value;
      else peersPerMember = value;
    } else if (arg === '--edition') {
      const value = argv[++index];
      if (!(EDITIONS as readonly string[]).includes(value)) throw new UsageError(`--edition: "${value}" is not one of ${EDITIONS.join(', ')}\n${USAGE}`);
      edition = value as Edition;
    } else if (!arg.startsWith('-') && dir === undefined) dir = arg;
    else throw new UsageError(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (dir === undefined) throw new UsageError(`the target directory is missing\n${USAGE}`);
  return { dir, options: { members, peersPerMember, edition } };
}

if (require.main === module) {
  void runMain(() => {
    const { dir, options } = parseGenerateArgs(process.argv.slice(2));
    const generated = generateConsortium(dir, options);
    process.stderr.write(`wrote ${generated.members.length} members to ${dir} (CONSORTIUM_DIR=${dir} to use it)\n`);
  });
}

/**
 * `npm run adopt -- --member NAME`: takes a network, member and peer nodes created outside
 * this toolkit (console, CLI) under management, with that member's own credentials. Reads
 * GetNetwork, ListMembers (IsOwned), GetMember and ListNodes, and records what it found:
 * network settings and the network record in consortium.yaml, account, admin, admin secret,
 * adopted peers and the `ledger:` record in the member's file (created when there is none),
 * comments kept. Refuses, naming each field, where the YAML disagrees with the network.
 *
 * Unlike the other commands it runs before the member's file is complete (or exists), so it
 * checks only the structure of the two files it edits, and lists what is left to fill in.
 */
import { GetMemberCommand, type ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from 'yaml';
import { adminPasswordProblem, adminSecretName, readPasswordFromStdin, storeAdminSecret, type StoredSecret } from '../lib/admin-secret';
import { planAdoption, type AdoptedPeer, type AdoptionPlan, type OwnedMemberView } from '../lib/adoption';
import { MEMBER_NAME_PATTERN } from '../lib/amb';
import { createAmbClient } from '../lib/amb-client';
import { explainFailure } from '../lib/amb-errors';
import { parseArgs, usage, type CommandSpec, type ParsedArgs } from '../lib/args';
import { runMain } from '../lib/cli';
import { CONSORTIUM_FILE, ConfigError, consortiumDir, formatIssue, loadConsortium, type ConfigIssue } from '../lib/config';
import type { RawConsortium, RawMember } from '../lib/config/raw';
import { applyYamlEdits, recordInYamlFile, writeAtomically } from '../lib/config/record';
import { SourceFile } from '../lib/config/source';
import { CONSORTIUM_SPEC, MEMBER_SPEC, type ObjectSpec, type StringSpec } from '../lib/config/spec';
import { checkStructure } from '../lib/config/structure';
import { OperationalError, UsageError } from '../lib/errors';
import { maxAttemptsFromEnvironment, SDK_DEFAULT_MAX_ATTEMPTS } from '../lib/max-attempts';
import { isActiveMember } from '../lib/governance/snapshot';
import { findNetworksByName, listMembers, listNodes, readNetworkRecord } from '../lib/network-reader';
import { processIo, Reporter, type Io } from '../lib/output';

export const ADOPT: CommandSpec = {
  name: 'adopt',
  summary:
    "Take an existing network, member and peer nodes (created in the console or with the CLI) under management, with the member's own credentials: record the network's settings in consortium.yaml and the member, its admin secret and its nodes in members/NAME.yaml (created when missing). Stacks never declare what was adopted. Commit the result.",
  flags: {
    'admin-secret-arn': { type: 'string', placeholder: 'ARN', description: 'existing Secrets Manager secret {"username","password"} of the Fabric CA admin, in the member\'s account' },
    'store-admin-password': { type: 'boolean', description: 'read the Fabric CA admin password from stdin (no echo) and store it in a new secret of the member\'s account' },
    'network-id': { type: 'string', placeholder: 'ID', description: 'the network, when consortium.yaml has no network.id (default: the one named network.name)' },
  },
  examples: [
    'npm run adopt -- --member filmmaker --store-admin-password',
    'npm run adopt -- --member bank --admin-secret-arn arn:aws:secretsmanager:us-east-1:444455556666:secret:bank-ca-admin-AbCdEf',
    'npm run adopt -- --member bank --dry-run --json',
  ],
};

export interface AdoptEnvironment {
  /** @default the process's stdout and stderr */
  readonly io?: Io;
  /** Read for CONSORTIUM_DIR. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The member's AMB client. @default createAmbClient with the standard credential chain */
  readonly client?: ManagedBlockchainClient;
  /** The member's Secrets Manager client. @default the standard credential chain */
  readonly secrets?: SecretsManagerClient;
  /** Where --store-admin-password reads from. @default stdin, without echo on a terminal */
  readonly readPassword?: () => Promise<string>;
}

export type FileOutcome = 'created' | 'recorded' | 'unchanged' | 'would-create' | 'would-record';

export interface AdoptResult {
  readonly member: string;
  readonly memberId: string;
  readonly accountId: string;
  readonly networkId: string;
  readonly dryRun: boolean;
  readonly files: readonly { readonly file: string; readonly outcome: FileOutcome }[];
  readonly peers: readonly AdoptedPeer[];
  /** peers entries no node matches: the next deploy creates them. */
  readonly newPeers: readonly string[];
  readonly adminSecret: { readonly arn?: string; readonly outcome: 'recorded' | 'stored' | 'existed' | 'kept' | 'would-store' };
  /** What the YAML still lacks before the member can deploy (the loader's messages). */
  readonly remaining: readonly string[];
}

/** Runs adopt and returns its result; undefined for --help. Throws what runMain maps to exit codes. */
export async function executeAdopt(argv: readonly string[], environment: AdoptEnvironment = {}): Promise<AdoptResult | undefined> {
  const io = environment.io ?? processIo();
  const args = parseArgs(ADOPT, argv);
  if (args.help) {
    io.stdout(`${usage(ADOPT)}\n`);
    return undefined;
  }
  const out = new Reporter(io, args.json);
  const name = args.member!;
  if (!MEMBER_NAME_PATTERN.test(name)) throw new UsageError(`adopt: --member "${name}" is not an AMB member name (letters, digits and single hyphens, starting with a letter); the file name is the member name`);
  const dir = consortiumDir(environment.env);
  const consortiumFile = join(dir, CONSORTIUM_FILE);
  if (!existsSync(consortiumFile)) throw new UsageError(`${consortiumFile}: not found; write network.name, network.region, founder and stateBackend first (see the README, "Bring an existing consortium")`);
  const consortium = readChecked(consortiumFile, CONSORTIUM_SPEC);
  const memberFile = [`${name}.yaml`, `${name}.yml`].map((file) => join(dir, file)).find(existsSync) ?? join(dir, `${name}.yaml`);
  const member = existsSync(memberFile) ? readChecked(memberFile, MEMBER_SPEC) : undefined;
  const rawConsortium = consortium.value as RawConsortium;
  const rawMember = member?.value as RawMember | undefined;
  const region = rawConsortium.network?.region;
  if (region === undefined) throw new ConfigError([consortium.source.issueAt(['network', 'region'], 'is required to find the network', (CONSORTIUM_SPEC.properties.network as ObjectSpec).properties.region.description)]);
  const secretFlags = secretFlagsOf(args, rawMember, name);

  const client = environment.client ?? createAmbClient({ region });
  try {
    const networkId = await chooseNetwork(client, args, rawConsortium, consortiumFile);
    const network = await out.during(`reading network ${networkId}`, () => readNetworkRecord(client, networkId).catch((error: unknown) => {
      throw (error as Error).cause instanceof Error && (error as Error & { cause: Error }).cause.name === 'AccessDeniedException'
        ? new OperationalError(`the account of these credentials has no member in network ${networkId}: act with the credentials of ${name} (account ${rawMember?.accountId ?? 'of the member'}), or accept the invitation and deploy first`, { cause: error })
        : error;
    }));
    const owned = await out.during(`finding the member these credentials own in ${networkId}`, () => ownedMember(client, networkId, name));
    const nodes = await out.during(`listing the nodes of ${owned.id}`, () => listNodes(client, networkId, owned.id));
    const input = { network, member: owned, nodes, consortiumSource: consortium.source, consortium: rawConsortium, memberSource: member?.source, memberRaw: rawMember };
    const plan = planAdoption({ ...input, adminSecretArn: secretFlags.arn });
    if (plan.conflicts.length > 0) throw new ConfigError(plan.conflicts);

    let adminSecret: AdoptResult['adminSecret'] = secretFlags.arn !== undefined ? { arn: secretFlags.arn, outcome: 'recorded' } : { arn: rawMember?.adminSecretArn, outcome: 'kept' };
    let final: AdoptionPlan = plan;
    if (secretFlags.store) {
      if (args.dryRun) adminSecret = { outcome: 'would-store' };
      else {
        const stored = await storeSecret(environment, out, { region, networkName: network.name, member: owned });
        adminSecret = { arn: stored.arn, outcome: stored.outcome };
        if (stored.outcome === 'existed') out.warn(`secret ${stored.arn} exists already and was left unchanged; the password just typed was not stored (to change it: aws secretsmanager put-secret-value)`);
        final = planAdoption({ ...input, adminSecretArn: stored.arn });
      }
    }

    const files = [
      { file: consortiumFile, outcome: record(consortiumFile, final.consortiumEdits, args.dryRun, out) },
      { file: memberFile, outcome: member ? record(memberFile, final.memberEdits, args.dryRun, out) : create(memberFile, owned, networkId, final, args.dryRun) },
    ];
    return finish(out, args, {
      member: name,
      memberId: owned.id,
      accountId: owned.accountId,
      networkId,
      dryRun: args.dryRun,
      files,
      peers: final.peers,
      newPeers: final.newPeers,
      adminSecret,
      remaining: args.dryRun ? [] : remainingProblems(dir),
    });
  } catch (error) {
    throw explainFailure(error, { member: { name, accountId: rawMember?.accountId ?? 'of the member' }, region, env: environment.env });
  } finally {
    if (!environment.client) client.destroy();
  }
}

function finish(out: Reporter, args: ParsedArgs, result: AdoptResult): AdoptResult {
  if (args.json) out.result(result);
  else render(result, out);
  return result;
}

/** A file checked for syntax and structure; a missing required field is left for the user to add after adopt. */
function readChecked(file: string, spec: ObjectSpec): { source: SourceFile; value: Record<string, unknown> } {
  const source = new SourceFile(file, readFileSync(file, 'utf8'));
  if (source.syntaxIssues.length > 0) throw new ConfigError(source.syntaxIssues);
  const { value, issues } = checkStructure(source, spec);
  const fatal = issues.filter((issue) => issue.problem !== 'is required but missing' && issue.problem !== 'the file is empty');
  if (fatal.length > 0) throw new ConfigError(fatal);
  return { source, value };
}

function secretFlagsOf(args: ParsedArgs, rawMember: RawMember | undefined, name: string): { arn?: string; store: boolean } {
  const arn = args.flags['admin-secret-arn'] as string | undefined;
  const store = args.flags['store-admin-password'] === true;
  if (arn !== undefined && store) throw new UsageError('adopt: give either --admin-secret-arn or --store-admin-password, not both');
  const pattern = (MEMBER_SPEC.properties.adminSecretArn as StringSpec).pattern!;
  if (arn !== undefined && !pattern.test(arn)) throw new UsageError(`adopt: --admin-secret-arn "${arn}" is not a Secrets Manager secret ARN (allowed: arn:aws:secretsmanager:<region>:<account>:secret:<name>)`);
  if (arn === undefined && !store && rawMember?.adminSecretArn === undefined) {
    throw new UsageError(
      `adopt: ${name}'s Fabric CA admin password was chosen by a person, so the stack cannot generate it: name the secret that holds it (--admin-secret-arn ARN, a secret {"username","password"} in the member's account) or type it once (--store-admin-password)`,
    );
  }
  return { arn, store };
}

async function chooseNetwork(client: ManagedBlockchainClient, args: ParsedArgs, raw: RawConsortium, consortiumFile: string): Promise<string> {
  const given = args.flags['network-id'] as string | undefined;
  const recorded = raw.network?.id;
  if (given !== undefined && recorded !== undefined && given !== recorded) {
    throw new UsageError(`adopt: --network-id ${given} differs from network.id ${recorded} in ${consortiumFile}; a consortium is one network`);
  }
  if (given ?? recorded) return (given ?? recorded)!;
  const name = raw.network?.name;
  if (name === undefined) throw new UsageError(`${consortiumFile}: neither network.id nor network.name is set; give --network-id`);
  const found = await findNetworksByName(client, name);
  if (found.length === 1) return found[0].id;
  throw new OperationalError(
    found.length === 0
      ? `no network named "${name}" is visible to these credentials: check network.name and network.region in ${consortiumFile}, or give --network-id`
      : `${found.length} networks are named "${name}" (${found.map((network) => network.id).join(', ')}): give --network-id`,
  );
}

/** The active member of that name that the credentials' account owns, with its admin user name. */
async function ownedMember(client: ManagedBlockchainClient, networkId: string, name: string): Promise<OwnedMemberView> {
  const members = (await listMembers(client, networkId)).filter(isActiveMember);
  const owned = members.filter((member) => member.isOwned);
  const mine = owned.find((member) => member.name === name);
  if (!mine) {
    if (owned.length === 0) {
      const others = members.find((member) => member.name === name);
      throw new OperationalError(
        `the account of these credentials owns no member of network ${networkId}${others ? `; member ${name} (${others.id}) belongs to account ${others.accountId}: use that account's credentials` : ''}`,
      );
    }
    throw new OperationalError(
      `these credentials own ${owned.map((member) => `${member.name} (${member.id})`).join(', ')} in ${networkId}, not a member named ${name}: the file name is the AMB member name, so run adopt -- --member ${owned[0].name}`,
    );
  }
  if (mine.status !== 'AVAILABLE') throw new OperationalError(`member ${mine.id} is ${mine.status}, not AVAILABLE: wait until it is (AMB takes about 10 minutes) and re-run`);
  const { Member } = await client.send(new GetMemberCommand({ NetworkId: networkId, MemberId: mine.id }));
  const adminUsername = Member?.FrameworkAttributes?.Fabric?.AdminUsername;
  if (!adminUsername) throw new OperationalError(`GetMember returned no Fabric admin user name for ${mine.id}: is ${networkId} a Hyperledger Fabric network?`);
  return { id: mine.id, name: mine.name, description: Member?.Description ?? '', accountId: mine.accountId, adminUsername };
}

async function storeSecret(environment: AdoptEnvironment, out: Reporter, options: { region: string; networkName: string; member: OwnedMemberView }): Promise<StoredSecret> {
  const { member } = options;
  const password = await (environment.readPassword ?? (() => readPasswordFromStdin(`Fabric CA admin password of ${member.adminUsername} (${member.name}; not echoed): `)))();
  const problem = adminPasswordProblem(password);
  if (problem) throw new UsageError(`adopt: ${problem}; nothing was stored`);
  const secrets = environment.secrets ?? new SecretsManagerClient({ region: options.region, maxAttempts: maxAttemptsFromEnvironment(SDK_DEFAULT_MAX_ATTEMPTS, environment.env, 'Secrets Manager') });
  const name = adminSecretName(options.networkName, member.name);
  try {
    return await out.during('storing the admin password in Secrets Manager', () =>
      storeAdminSecret(secrets, {
        name,
        username: member.adminUsername,
        password,
        memberId: member.id,
        description: `Fabric CA admin of AMB member ${member.name} (${member.id}), stored by npm run adopt`,
      }),
    );
  } catch (error) {
    throw explainFailure(error, {
      member: { name: member.name, accountId: member.accountId },
      region: options.region,
      env: environment.env,
      service: { name: 'Secrets Manager', endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER', permission: `secretsmanager:CreateSecret and secretsmanager:DescribeSecret on ${name}` },
    });
  } finally {
    if (!environment.secrets) secrets.destroy();
  }
}

function record(file: string, edits: AdoptionPlan['memberEdits'], dryRun: boolean, out: Reporter): FileOutcome {
  const result = recordInYamlFile(file, edits, { dryRun });
  if (result.reformatted) out.warn(`${file}: the YAML writer re-spaced lines it did not edit; review the diff before committing`);
  return !result.changed ? 'unchanged' : dryRun ? 'would-record' : 'recorded';
}

/** A new member file: what adopt knows, and a header that says what the member still adds. */
function create(file: string, member: OwnedMemberView, networkId: string, plan: AdoptionPlan, dryRun: boolean): FileOutcome {
  const header = [
    '# yaml-language-server: $schema=../schema/member.schema.json',
    `# ${member.name}: adopted from network ${networkId} by \`npm run adopt\`.`,
    '# Before its first deploy add deployRoleArn (the role Terraform assumes in this account) and',
    '# vpc (vpcId + subnetIds of the VPC that holds its endpoint and client, or cidr for a new one);',
    '# name an existing endpoint (endpoint.vpcEndpointId) and client (client.instanceId) to import them.',
    '',
  ].join('\n');
  // Seeded with the leading fields so the file opens with them, as the sample files do.
  const seed = new Document({ ...(member.description ? { description: member.description } : {}), accountId: member.accountId }).toString({ lineWidth: 0 });
  const { text } = applyYamlEdits(file, `${header}${seed}`, plan.memberEdits);
  if (!dryRun) writeAtomically(file, text);
  return dryRun ? 'would-create' : 'created';
}

/** The loader's problems once adopt has written: usually deployRoleArn and vpc of a new file. */
function remainingProblems(dir: string): string[] {
  try {
    loadConsortium(dir);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue: ConfigIssue) => formatIssue(issue));
    throw error;
  }
}

function render(result: AdoptResult, out: Reporter): void {
  out.table(
    `Adopted ${result.member} (member ${result.memberId}, account ${result.accountId}) in ${result.networkId}${result.dryRun ? ' (dry run: nothing written)' : ''}`,
    [
      { title: 'FILE', value: (file: AdoptResult['files'][number]) => file.file },
      { title: 'OUTCOME', value: (file: AdoptResult['files'][number]) => file.outcome },
    ],
    result.files,
  );
  out.table(
    'Existing peer nodes (never declared in a stack)',
    [
      { title: 'PEER', value: (peer: AdoptedPeer) => peer.name },
      { title: 'NODE', value: (peer: AdoptedPeer) => peer.nodeId },
      { title: 'TYPE', value: (peer: AdoptedPeer) => peer.instanceType },
      { title: 'AZ', value: (peer: AdoptedPeer) => peer.availabilityZone },
      { title: 'HOW', value: (peer: AdoptedPeer) => peer.how },
    ],
    result.peers,
  );
  out.print(`Admin secret: ${result.adminSecret.arn ?? '(a new secret)'} (${result.adminSecret.outcome})`);
  if (result.newPeers.length > 0) out.print(`New peers the next deploy creates: ${result.newPeers.join(', ')}`);
  if (result.remaining.length > 0) out.print(`The consortium does not load yet; before the next plan, fix:\n${result.remaining.map((line) => `  ${line}`).join('\n')}`);
  if (result.files.some((file) => file.outcome === 'created' || file.outcome === 'recorded')) out.print('Review and commit the changed files, then run the plan (cdktf plan ' + result.member + ').');
}

if (require.main === module) void runMain(async () => void (await executeAdopt(process.argv.slice(2))));

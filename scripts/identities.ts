/**
 * `npm run identities -- --member NAME [--dry-run] [--json]`: runs the member's identity
 * manager and shows each identity of its `identities:`: registration at the CA, the stored
 * certificate's expiry, what was (or, with --dry-run, would be) done, and the secret that
 * holds its key. Never prints a key or a certificate body.
 *
 * Where it runs: the member's CA is reachable only inside its VPC, so the command invokes the
 * member's identity-manager Lambda (`<network>-<member>-identities`) and prints its result.
 * With FABRIC_CA_URL set it runs the same manager here instead, against that CA (a local
 * Fabric CA in rehearsals and tests, or a CA reachable through a tunnel):
 *   FABRIC_CA_URL            https://host:port of the member's CA
 *   FABRIC_CA_TLS_CHAIN_FILE PEM file the CA's TLS certificate must chain to (AMB's chain)
 *   FABRIC_CA_ADMIN_SECRET   Secrets Manager secret holding {"username","password"} of the CA admin
 *   FABRIC_MSP_ID            MSP id (default: the member id recorded in its YAML)
 */
import { readFileSync } from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Command, runCommand } from '../lib/command';
import type { Consortium, Member } from '../lib/config';
import { explainFailure } from '../lib/amb-errors';
import { OperationalError, UsageError } from '../lib/errors';
import { maxAttemptsFromEnvironment, SDK_DEFAULT_MAX_ATTEMPTS } from '../lib/max-attempts';
import { deployCommand } from '../lib/members';
import { FabricCa } from '../lib/identities/fabric-ca';
import { identityManagerFunctionName } from '../lib/identities/names';
import { failuresOf, type IdentityReport } from '../lib/identities/manager';
import { SecretsManagerIdentityStore } from '../lib/identities/secret-store';
import type { Reporter } from '../lib/output';
import { identityManagerSettings } from '../stacks/identity-manager/bundle';
import { IdentityRunError, runIdentityManager, type IdentityManagerResult } from '../stacks/identity-manager/handler';

export interface IdentitiesResult extends IdentityManagerResult {
  /** `lambda <function name>` or `direct <CA url>`. */
  readonly ranBy: string;
}

export const identities: Command<IdentitiesResult> = {
  spec: {
    name: 'identities',
    summary: "Register, enroll and renew the member's Fabric identities (identities: in its YAML) through its identity manager, and show each one's registration, certificate expiry and secret.",
    examples: ['npm run identities -- --member ott-vendor-1 --dry-run', 'npm run identities -- --member ott-vendor-1', 'npm run identities -- --member bank --json'],
  },

  async run({ consortium, member, args, out }) {
    if (!member.joined) throw new UsageError(`${member.file}: ${member.name} has not joined the network, so it has no CA yet; accept its invitation first`);
    if (member.identities.length === 0) return { member: member.name, dryRun: args.dryRun, identities: [], ranBy: 'nothing to do' };
    const env = process.env;
    return env.FABRIC_CA_URL ? runDirect(consortium, member, args.dryRun, env, out) : invokeLambda(consortium, member, args.dryRun, env, out);
  },

  render(result, out) {
    const when = (report: IdentityReport) => report.expires?.slice(0, 10) ?? '-';
    out.table(
      `Fabric identities of ${result.member}${result.dryRun ? ' (dry run: nothing changed)' : ''}`,
      [
        { title: 'IDENTITY', value: (report: IdentityReport) => report.name },
        { title: 'TYPE', value: (report: IdentityReport) => report.type },
        { title: 'REGISTERED', value: (report: IdentityReport) => (report.registered ? 'yes' : 'no') },
        { title: 'EXPIRES', value: when },
        { title: 'ACTIONS', value: (report: IdentityReport) => report.actions.join(', ') || '-' },
        { title: 'OUTCOME', value: (report: IdentityReport) => report.outcome },
        { title: 'WHY', value: (report: IdentityReport) => report.error ?? (report.reasons.join('; ') || '-') },
        { title: 'SECRET', value: (report: IdentityReport) => report.secret },
      ],
      result.identities,
    );
    out.print(`Run by: ${result.ranBy}`);
  },

  failures(result) {
    return failuresOf(result.identities).map((line) => `${line} (re-run once fixed; the manager is idempotent)`);
  },
};

async function runDirect(consortium: Consortium, member: Member, dryRun: boolean, env: NodeJS.ProcessEnv, out: Reporter): Promise<IdentitiesResult> {
  const url = env.FABRIC_CA_URL!;
  const chainFile = required(env, 'FABRIC_CA_TLS_CHAIN_FILE', 'the PEM file of the TLS chain the CA must chain to');
  const adminSecret = required(env, 'FABRIC_CA_ADMIN_SECRET', 'the Secrets Manager secret of the CA admin');
  const mspId = env.FABRIC_MSP_ID ?? member.memberId;
  if (!mspId) throw new UsageError(`identities: ${member.name} has no ledger.memberId recorded; run npm run sync, or set FABRIC_MSP_ID`);
  const secrets = new SecretsManagerClient({ region: consortium.network.region, maxAttempts: maxAttemptsFromEnvironment(SDK_DEFAULT_MAX_ATTEMPTS, env, 'Secrets Manager') });
  const settings = identityManagerSettings(consortium, member);
  try {
    const result = await runIdentityManager(
      settings,
      {
        connect: async () => {
          const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: adminSecret }));
          const admin = JSON.parse(SecretString ?? '{}') as { username?: string; password?: string };
          return FabricCa.connect({ url, tlsChain: readFileSync(chainFile, 'utf8'), mspId, adminUsername: admin.username ?? member.adminUsername, adminPassword: admin.password ?? '' });
        },
        store: new SecretsManagerIdentityStore(secrets, settings.secretPrefix),
        mspId,
        now: () => new Date(),
        log: (line) => out.progress(line),
      },
      { dryRun },
    );
    return { ...result, ranBy: `direct ${url}` };
  } catch (error) {
    if (error instanceof IdentityRunError) return { ...error.result, ranBy: `direct ${url}` };
    const explained = explainFailure(error, {
      member,
      region: consortium.network.region,
      env,
      service: { name: 'Secrets Manager', endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER', permission: `secretsmanager:GetSecretValue on ${adminSecret}, and GetSecretValue and PutSecretValue on the identity secrets under ${settings.secretPrefix}` },
    });
    throw explained instanceof OperationalError ? explained : new OperationalError((error as Error).message, { cause: error });
  } finally {
    secrets.destroy();
  }
}

async function invokeLambda(consortium: Consortium, member: Member, dryRun: boolean, env: NodeJS.ProcessEnv, out: Reporter): Promise<IdentitiesResult> {
  const functionName = identityManagerFunctionName(consortium, member);
  const client = new LambdaClient({ region: consortium.network.region, maxAttempts: maxAttemptsFromEnvironment(SDK_DEFAULT_MAX_ATTEMPTS, env, 'Lambda') });
  try {
    const response = await out.during(`running ${functionName}`, () =>
      client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify({ dryRun })) })),
    );
    const payload = JSON.parse(Buffer.from(response.Payload ?? []).toString('utf8') || '{}');
    if (response.FunctionError) {
      throw new OperationalError(`${functionName} failed: ${payload.errorMessage ?? response.FunctionError}; its log group /aws/lambda/${functionName} has the details, and the alarm ${functionName}-errors has fired`);
    }
    return { ...(payload as IdentityManagerResult), ranBy: `lambda ${functionName}` };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new OperationalError(`${functionName} does not exist: deploy ${member.name}'s stack (${deployCommand(member.name)}), which creates it for the identities in ${member.file}`);
    }
    throw explainFailure(error, {
      member,
      region: consortium.network.region,
      env,
      service: { name: 'Lambda', endpointVariable: 'AWS_ENDPOINT_URL_LAMBDA', permission: `lambda:InvokeFunction on ${functionName}` },
    });
  } finally {
    client.destroy();
  }
}

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value) throw new UsageError(`identities: FABRIC_CA_URL is set, so ${name} must name ${what}`);
  return value;
}

if (require.main === module) void runCommand(identities);

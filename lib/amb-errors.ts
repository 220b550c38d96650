/**
 * Turns what the SDK throws into an OperationalError (exit 1) whose message says what to do:
 * missing credentials, the wrong account, a network that is not there, throttling or
 * service errors that outlasted the retries, an endpoint that cannot be reached.
 */
import { OperationalError, UsageError } from './errors';

export interface FailureContext {
  /** The member acting, for messages. */
  readonly member?: { readonly name: string; readonly accountId: string };
  readonly region?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The configured network, to name the file and the founder in messages. */
  readonly network?: { readonly id?: string; readonly file: string; readonly founder: string };
  /** The service called when it is not AMB (the identities command's Lambda and Secrets Manager calls). */
  readonly service?: OtherService;
}

/** An AWS service other than AMB, as failure messages name it. */
export interface OtherService {
  /** Its name in messages, e.g. 'Lambda'. */
  readonly name: string;
  /** The variable that overrides its endpoint, e.g. 'AWS_ENDPOINT_URL_LAMBDA' (AWS SDKs and Tools Reference Guide, "Service-specific endpoints"). */
  readonly endpointVariable: string;
  /** What the credentials need for the call, e.g. 'lambda:InvokeFunction on bank-identities'. */
  readonly permission: string;
}

const SAFE = 'the command is safe to re-run';
const NETWORK_ERROR_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

interface SdkError extends Error {
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

export function explainFailure(error: unknown, context: FailureContext = {}): unknown {
  if (!(error instanceof Error) || error instanceof OperationalError || error instanceof UsageError) return error;
  const sdk = error as SdkError;
  const who = context.member ? `${context.member.name} (account ${context.member.accountId})` : 'the member';
  const attempts = sdk.$metadata?.attempts;
  const tried = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  const service = context.service;
  const called = service?.name ?? 'AMB';

  if (sdk.name === 'CredentialsProviderError' || /could not load credentials/i.test(sdk.message)) {
    return new OperationalError(
      `no AWS credentials found to act as ${who}: provide that account's credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or the member's pipeline role) and re-run`,
      { cause: error },
    );
  }
  if (service && (sdk.name === 'AccessDeniedException' || sdk.$metadata?.httpStatusCode === 403)) {
    return new OperationalError(`${called} refused the call (${sdk.name}: ${sdk.message}): the credentials of ${who} need ${service.permission}; re-run with credentials that have it`, { cause: error });
  }
  if (sdk.name === 'AccessDeniedException' || sdk.$metadata?.httpStatusCode === 403) {
    const status = context.member ? `npm run status -- --member ${context.member.name}` : 'npm run status';
    return new OperationalError(
      `AMB refused the call (${sdk.name}: ${sdk.message}): the account of these credentials may not do this. If they are ${context.member ? `${context.member.name}'s (account ${context.member.accountId})` : "the member's"}, that member is not (or no longer) allowed to: ${status} shows where it stands; otherwise use credentials of account ${context.member?.accountId ?? 'the member'} with managedblockchain permissions`,
      { cause: error },
    );
  }
  if (sdk.name === 'ThrottlingException' || (sdk.$metadata?.httpStatusCode === 429 && !Object.hasOwn(AMB_ERROR_ADVICE, sdk.name))) {
    return new OperationalError(`${called} kept throttling${tried} (${sdk.message}); wait a minute and re-run (${SAFE})`, { cause: error });
  }
  if ((sdk.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new OperationalError(`${called} failed${tried} (${sdk.name}: ${sdk.message}); re-run later (${SAFE})`, { cause: error });
  }
  const code = sdk.code ?? (error.cause as { code?: string } | undefined)?.code;
  if (code !== undefined && NETWORK_ERROR_CODES.includes(code)) {
    const env = context.env ?? process.env;
    const ownVariable = service?.endpointVariable ?? 'AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN';
    const endpoint = env[ownVariable] ?? env.AWS_ENDPOINT_URL;
    const where = endpoint ? `${endpoint} (from ${env[ownVariable] ? ownVariable : 'AWS_ENDPOINT_URL'}; is it running?)` : `the ${called} endpoint of ${context.region ?? 'the region'}`;
    return new OperationalError(`cannot reach ${where}: ${code}${tried}; check the network and re-run (${SAFE})`, { cause: error });
  }
  if (sdk.$metadata !== undefined && service) {
    return new OperationalError(`${called}: ${sdk.name}: ${sdk.message} -> re-run once the cause is fixed`, { cause: error });
  }
  if (sdk.$metadata !== undefined) {
    const advice = AMB_ERROR_ADVICE[sdk.name]?.(sdk, context) ?? `npm run status${context.member ? ` -- --member ${context.member.name}` : ''} shows the network's state; re-run once the cause is fixed`;
    return new OperationalError(`AMB: ${sdk.name}: ${sdk.message} -> ${advice}`, { cause: error });
  }
  return error;
}

/**
 * What to do about each error of AMB's API (the errors of the service model,
 * `managedblockchain/2018-09-24`) that no rule above covers. Keyed by the SDK's error name.
 */
export const AMB_ERROR_ADVICE: Readonly<Record<string, (error: SdkError, context: FailureContext) => string>> = {
  ResourceNotFoundException: (error, context) => {
    const network = context.network;
    if (network && /network/i.test(error.message) && network.id !== undefined && error.message.includes(network.id)) {
      return `network ${network.id} (network.id in ${network.file}) does not exist in ${context.region ?? 'this region'}: check the id and network.region; remove network.id and run npm run sync -- --member ${network.founder} to find the network by name, or run the founder's deploy first`;
    }
    return `an id recorded in members/ (network.id, invitationId, a ledger record) names something AMB does not have in ${context.region ?? 'this region'}: check it against npm run status${memberFlag(context)}, and that the credentials and region are the member's`;
  },
  InvalidRequestException: () => 'AMB refused a value as invalid: fix the field or flag the message names (npm run validate checks members/ offline) and re-run',
  IllegalActionException: (_error, context) => `AMB does not allow this in the resource's current state (a vote on a closed proposal, a second vote, a member acting before it is AVAILABLE): npm run status${memberFlag(context)} shows the state; re-run when it allows it (${SAFE})`,
  ResourceAlreadyExistsException: (_error, context) => `it exists already, most likely from an earlier run: record it with npm run sync${memberFlag(context)} (${SAFE})`,
  ResourceNotReadyException: (_error, context) => `the resource is still being created or updated: wait with npm run status${memberFlag(context)} --wait, then re-run (${SAFE})`,
  TooManyTagsException: () => 'a resource would carry more tags than AMB allows (50): remove some from tags in the member file',
  ResourceLimitExceededException: () => "an AMB limit is reached (the edition's members or peers per member, or an account quota): remove what is no longer needed, move to STANDARD for a new network, or ask for more in Service Quotas",
};

function memberFlag(context: FailureContext): string {
  return context.member ? ` -- --member ${context.member.name}` : '';
}

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

  if (sdk.name === 'CredentialsProviderError' || /could not load credentials/i.test(sdk.message)) {
    return new OperationalError(
      `no AWS credentials found to act as ${who}: provide that account's credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or the member's pipeline role) and re-run`,
      { cause: error },
    );
  }
  if (sdk.name === 'AccessDeniedException' || sdk.$metadata?.httpStatusCode === 403) {
    const status = context.member ? `npm run status -- --member ${context.member.name}` : 'npm run status';
    return new OperationalError(
      `AMB refused the call (${sdk.name}: ${sdk.message}): the account of these credentials may not do this. If they are ${context.member ? `${context.member.name}'s (account ${context.member.accountId})` : "the member's"}, that member is not (or no longer) allowed to: ${status} shows where it stands; otherwise use credentials of account ${context.member?.accountId ?? 'the member'} with managedblockchain permissions`,
      { cause: error },
    );
  }
  if (sdk.name === 'ThrottlingException' || sdk.$metadata?.httpStatusCode === 429) {
    return new OperationalError(`AMB kept throttling${tried} (${sdk.message}); wait a minute and re-run (${SAFE})`, { cause: error });
  }
  if ((sdk.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new OperationalError(`AMB failed${tried} (${sdk.name}: ${sdk.message}); re-run later (${SAFE})`, { cause: error });
  }
  const code = sdk.code ?? (error.cause as { code?: string } | undefined)?.code;
  if (code !== undefined && NETWORK_ERROR_CODES.includes(code)) {
    const env = context.env ?? process.env;
    const endpoint = env.AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN ?? env.AWS_ENDPOINT_URL;
    const where = endpoint ? `${endpoint} (from AWS_ENDPOINT_URL${env.AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN ? '_MANAGEDBLOCKCHAIN' : ''}; is it running?)` : `the AMB endpoint of ${context.region ?? 'the region'}`;
    return new OperationalError(`cannot reach ${where}: ${code}${tried}; check the network and re-run (${SAFE})`, { cause: error });
  }
  if (sdk.$metadata !== undefined) {
    return new OperationalError(`AMB: ${sdk.name}: ${sdk.message}`, { cause: error });
  }
  return error;
}

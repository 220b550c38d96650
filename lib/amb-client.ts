/**
 * The one way commands get an AMB client: the consortium's region, the standard credential
 * chain (or credentials given), and the SDK's standard retry strategy with a bounded number
 * of attempts and capped exponential backoff with full jitter, so throttling and 5xx are
 * retried a few times and then reported, never retried forever.
 *
 * The endpoint is the SDK's own business: it honours AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN,
 * then AWS_ENDPOINT_URL (and `endpoint_url` in the shared config file), which is how the
 * commands are pointed at the simulator. tests/governance-client.test.ts checks that.
 */
import { ManagedBlockchainClient } from '@aws-sdk/client-managedblockchain';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsCredentialIdentity } from '@smithy/types';
import { maxAttemptsFromEnvironment } from './max-attempts';

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the first retry, doubled for each further one (jittered). */
  readonly baseDelayMs: number;
  /** Cap of a single backoff. */
  readonly maxDelayMs: number;
}

/** For AWS: a throttled call waits 0.2 s, 0.4 s, ... up to 8 s, six attempts in all. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 8_000 };

/**
 * DEFAULT_RETRY, with its attempts from `AWS_MAX_ATTEMPTS` when that is set.
 * @throws UsageError when AWS_MAX_ATTEMPTS is invalid (see maxAttemptsFromEnvironment).
 */
export function retryPolicyFromEnvironment(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  return { ...DEFAULT_RETRY, maxAttempts: maxAttemptsFromEnvironment(DEFAULT_RETRY.maxAttempts, env) };
}

export interface AmbClientOptions {
  readonly region: string;
  /** Explicit credentials; default: the SDK's standard provider chain. */
  readonly credentials?: AwsCredentialIdentity;
  /** Explicit endpoint; default: the SDK's (AWS_ENDPOINT_URL_MANAGEDBLOCKCHAIN, AWS_ENDPOINT_URL, or AWS). */
  readonly endpoint?: string;
  /** @default retryPolicyFromEnvironment(): DEFAULT_RETRY, its attempts from AWS_MAX_ATTEMPTS when set */
  readonly retry?: RetryPolicy;
}

/** @throws UsageError when no `retry` is given and AWS_MAX_ATTEMPTS is invalid. */
export function createAmbClient(options: AmbClientOptions): ManagedBlockchainClient {
  return new ManagedBlockchainClient({
    region: options.region,
    credentials: options.credentials,
    endpoint: options.endpoint,
    ...retryOptions(options.retry ?? retryPolicyFromEnvironment()),
  });
}

/** The client options (`maxAttempts`, `retryStrategy`) of any AWS SDK client that retries by `policy`. */
export function retryOptions(policy: RetryPolicy): { maxAttempts: number; retryStrategy: ConfiguredRetryStrategy } {
  return { maxAttempts: policy.maxAttempts, retryStrategy: new ConfiguredRetryStrategy(policy.maxAttempts, (attempt) => backoffDelay(policy, attempt)) };
}

/** Full jitter: uniformly up to base * 2^(attempt-1), capped. */
export function backoffDelay(retry: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1)));
}

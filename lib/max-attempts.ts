/**
 * `AWS_MAX_ATTEMPTS`: how many attempts per call the commands' AWS clients make. Kept apart
 * from the clients so that reading it loads no SDK.
 */
import { UsageError } from './errors';

/**
 * Attempts per call of the clients that keep the SDK's own retry (the Lambda and Secrets Manager
 * clients of `identities` and `adopt`): the standard retry mode's default (AWS SDKs and Tools
 * Reference Guide, "Retry behavior").
 */
export const SDK_DEFAULT_MAX_ATTEMPTS = 3;

/** The largest `AWS_MAX_ATTEMPTS` taken: with the 8 s cap, 20 attempts wait at most about 2.5 minutes per call. */
export const MAX_ATTEMPTS_LIMIT = 20;

/**
 * Attempts per call (the first included) from `AWS_MAX_ATTEMPTS`, the variable every AWS SDK
 * and the AWS CLI read for it (AWS SDKs and Tools Reference Guide, "Retry behavior"), or
 * `fallback` when it is unset or empty. `max_attempts` in the shared config file is not read.
 * @param calls the calls `fallback` is for, as the error names them (`AMB or SSM`, `S3`, ...)
 *
 * @throws UsageError (exit 2) when it is set to anything but a whole number from 1 to
 *   MAX_ATTEMPTS_LIMIT.
 */
export function maxAttemptsFromEnvironment(fallback: number, env: NodeJS.ProcessEnv = process.env, calls = 'AMB or SSM'): number {
  const value = env.AWS_MAX_ATTEMPTS?.trim();
  if (!value) return fallback;
  const attempts = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(attempts >= 1 && attempts <= MAX_ATTEMPTS_LIMIT)) {
    throw new UsageError(`AWS_MAX_ATTEMPTS is ${JSON.stringify(env.AWS_MAX_ATTEMPTS)}: it must be a whole number of attempts per call, from 1 (no retry) to ${MAX_ATTEMPTS_LIMIT}; unset it for the default of ${fallback} attempts per ${calls} call`);
  }
  return attempts;
}

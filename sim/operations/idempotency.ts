/**
 * ClientRequestToken handling for the Create* operations: a second call with the same token
 * from the same account returns the first call's result and creates nothing, which is what
 * makes a retry after a lost response safe.
 */
import type { InputReader } from '../input';
import type { OperationContext } from './context';

export function idempotent<T extends object>(
  context: OperationContext,
  operation: string,
  input: InputReader,
  create: () => T,
): T {
  const token = input.optionalString('ClientRequestToken', { min: 1, max: 64 });
  if (token === undefined) return create();
  const key = `${context.caller.account} ${operation} ${token}`;
  const earlier = context.state.idempotency[key];
  if (earlier !== undefined) return earlier as T;
  const result = create();
  context.state.idempotency[key] = result;
  return result;
}

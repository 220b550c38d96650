/**
 * MaxResults / NextToken paging with each operation's real page maximum. A token is an
 * opaque offset bound to the operation that issued it, so a token from one list is refused
 * by another instead of silently skipping items.
 */
import { invalidRequest } from './errors';
import type { InputReader } from './input';

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export function paginate<T>(items: readonly T[], input: InputReader, operation: string, pageMax: number): Page<T> {
  const pageSize = input.optionalInteger('MaxResults', { min: 1, max: pageMax }) ?? pageMax;
  const token = input.optionalString('NextToken', { max: 128 });
  const start = token === undefined ? 0 : decodeToken(token, operation);
  const end = start + pageSize;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? encodeToken(end, operation) : undefined,
  };
}

function encodeToken(offset: number, operation: string): string {
  return Buffer.from(`${operation}:${offset}`).toString('base64url');
}

function decodeToken(token: string, operation: string): number {
  const [tokenOperation, offsetText] = Buffer.from(token, 'base64url').toString().split(':');
  const offset = Number(offsetText);
  if (tokenOperation !== operation || !Number.isInteger(offset) || offset < 0) {
    throw invalidRequest(`NextToken is not a token this ${operation} call returned`);
  }
  return offset;
}

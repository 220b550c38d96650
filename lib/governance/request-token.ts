/**
 * ClientRequestTokens derived from the intended action rather than drawn at random, so a
 * request repeated after a lost response, a crash or a kill cannot create a second resource.
 */
import { createHash } from 'node:crypto';

/** sha256 of the parts: 64 hex characters, the longest token AMB accepts. */
export function requestToken(parts: readonly (string | number)[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

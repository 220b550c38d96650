/** Resource ids shaped like AMB's: a type prefix and 26 upper-case letters and digits. */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_LENGTH = 26;

const ID_PREFIX = {
  network: 'n-',
  member: 'm-',
  node: 'nd-',
  proposal: 'p-',
  invitation: 'i-',
} as const;

type ResourceKind = keyof typeof ID_PREFIX;

export function newId(kind: ResourceKind): string {
  const bytes = randomBytes(ID_LENGTH);
  let suffix = '';
  for (const byte of bytes) suffix += ALPHABET[byte % ALPHABET.length];
  return ID_PREFIX[kind] + suffix;
}

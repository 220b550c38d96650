/**
 * Fabric policies from the YAML's ANY / MAJORITY / ALL rules.
 * - Channel policies are ImplicitMeta (`MAJORITY Admins`): Fabric counts the sub-policies of
 *   the channel's member organisations (Fabric docs, "Policies").
 * - A chaincode's endorsement policy is written out as a signature policy over the MSP ids of
 *   the channel's members, so the definition says exactly whose peers must endorse
 *   (Fabric docs, "Endorsement policies": `OutOf(n, 'Org1.member', ...)`). The `member` role
 *   is used because AMB's member MSPs define no peer node OU.
 */
import type { PolicyRule } from '../config';

/** `MAJORITY Admins`: an ImplicitMeta rule over the member organisations' `sub` policies. */
export function implicitMeta(rule: PolicyRule, sub: 'Admins' | 'Endorsement' | 'Readers' | 'Writers'): string {
  return `${rule} ${sub}`;
}

/** How many of n organisations a rule needs: ANY 1, MAJORITY more than half, ALL n. */
export function required(rule: PolicyRule, n: number): number {
  if (rule === 'ANY') return Math.min(1, n);
  if (rule === 'ALL') return n;
  return Math.floor(n / 2) + 1;
}

/** The signature policy of a rule over MSP ids (sorted, so every member writes the same text). */
export function signaturePolicy(rule: PolicyRule, mspIds: readonly string[]): string {
  const principals = [...mspIds].sort().map((id) => `'${id}.member'`);
  return `OutOf(${required(rule, principals.length)}, ${principals.join(', ')})`;
}

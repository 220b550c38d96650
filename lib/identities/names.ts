/**
 * Names of a member's identity secrets and of its identity manager function, apart from the
 * Secrets Manager client and cdktf: the member stack names them at synth without loading the
 * AWS SDK, and the identities command without loading cdktf and the provider (about 1.7 MB).
 */
import type { Consortium, Member } from '../config/types';

/** Name of a member's identity manager function: `<network>-<member>-identities`, at most 64 characters (Lambda's limit). */
export function identityManagerFunctionName(consortium: Consortium, member: Member): string {
  return `${consortium.network.name}-${member.name}-identities`.slice(0, 64);
}

/** Name of an identity's secret: `amb/<network>/<member>/identities/<identity>`. */
export function identitySecretName(networkName: string, memberName: string, identity: string): string {
  return `${identitySecretPrefix(networkName, memberName)}${identity}`;
}

/** The prefix all of a member's identity secrets share (IAM policies are scoped to it). */
export function identitySecretPrefix(networkName: string, memberName: string): string {
  return `amb/${networkName}/${memberName}/identities/`;
}

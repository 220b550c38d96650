/**
 * Names of the identity secrets, apart from the Secrets Manager client: the member stack names
 * them at synth without loading the AWS SDK.
 */

/** Name of an identity's secret: `amb/<network>/<member>/identities/<identity>`. */
export function identitySecretName(networkName: string, memberName: string, identity: string): string {
  return `${identitySecretPrefix(networkName, memberName)}${identity}`;
}

/** The prefix all of a member's identity secrets share (IAM policies are scoped to it). */
export function identitySecretPrefix(networkName: string, memberName: string): string {
  return `amb/${networkName}/${memberName}/identities/`;
}

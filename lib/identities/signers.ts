/**
 * Which of a member's identities sign for it on the ledger instead of its admin. Free of the
 * AWS SDK: the member stack grants its Fabric client these identities' secrets at synth, and
 * `offchain anchor` picks the same one at run time.
 */
import type { Chaincode, Consortium, Identity, Member } from '../config';

/**
 * The member's first identity (not removed) whose enrollment certificate carries `required`
 * (registered with `ecert: true`; Fabric CA puts only those attributes in the certificate), or
 * undefined. A chaincode with `requiredAttribute` refuses every other certificate, the admin's
 * included (AMB's admin certificate carries none of the consortium's attributes).
 */
export function firstHolderOf(member: Member, required: NonNullable<Chaincode['requiredAttribute']>): Identity | undefined {
  return member.identities.find(
    (identity) => !identity.removed && identity.attributes.some((attribute) => attribute.ecert && attribute.name === required.name && attribute.value === required.value),
  );
}

/**
 * The identities that sign for `member` on a chaincode of one of its channels: for each
 * chaincode with `requiredAttribute`, its first holder (deduplicated, in YAML order of the
 * chaincodes). The member's Fabric client may read exactly these identities' secrets.
 */
export function signingIdentities(consortium: Consortium, member: Member): Identity[] {
  const onItsChannels = consortium.chaincodes.filter(
    (chaincode) => chaincode.requiredAttribute && consortium.channels.some((channel) => channel.name === chaincode.channel && channel.members.includes(member.name)),
  );
  const holders = onItsChannels.map((chaincode) => firstHolderOf(member, chaincode.requiredAttribute!)).filter((identity): identity is Identity => identity !== undefined);
  return [...new Set(holders)];
}

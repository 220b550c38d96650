/**
 * The off-chain bucket's name and S3's limits, apart from the S3 client: the member stack
 * names the bucket at synth without loading the AWS SDK.
 */
import { createHash } from 'node:crypto';

export const MiB = 1024 * 1024;

/** S3's multipart limits: at most 10,000 parts, each 5 MiB to 5 GiB except the last. */
export const S3_LIMITS = {
  maxParts: 10_000,
  minPartSize: 5 * MiB,
  maxPartSize: 5 * 1024 * MiB,
  maxObjectSize: 5 * 1024 * 1024 * MiB,
  maxKeyBytes: 1024,
  maxBucketName: 63,
} as const;

/**
 * Deterministic, globally unique bucket name `<network>-<member>-<purpose>-<account>`, lower
 * case and at most 63 characters; a long network/member pair is shortened and keeps a hash
 * of the full pair so two long names never meet.
 */
export function memberBucketNameOf(purpose: string, networkName: string, memberName: string, accountId: string): string {
  const suffix = `-${purpose}-${accountId}`;
  const slug = `${networkName}-${memberName}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = S3_LIMITS.maxBucketName - suffix.length;
  if (slug.length <= room) return `${slug}${suffix}`;
  const digest = createHash('sha256').update(`${networkName}\n${memberName}`).digest('hex').slice(0, 8);
  return `${slug.slice(0, room - digest.length - 1).replace(/-+$/, '')}-${digest}${suffix}`;
}

/** The off-chain document bucket's name, `<network>-<member>-offchain-<account>`. */
export function offchainBucketNameOf(networkName: string, memberName: string, accountId: string): string {
  return memberBucketNameOf('offchain', networkName, memberName, accountId);
}

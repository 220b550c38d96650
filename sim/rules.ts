/**
 * AMB's rules for the things callers name and configure: member names, admin credentials,
 * logging switches and tags. The limits come from lib/amb.ts; this module only applies them
 * to request input.
 */
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME_PATTERN,
  MEMBER_NAME_MAX,
  MEMBER_NAME_PATTERN,
} from '../lib/amb';
import { AmbError, invalidRequest } from './errors';
import type { InputReader } from './input';
import type { Tags } from './state';

/** AMB's resource tag limit; TagResource checks it against the merged set. */
const MAX_TAGS_PER_RESOURCE = 50;
const DESCRIPTION_MAX = 128;
const ARN_SHAPE = /^arn:.+:.+:.+:.+:.+/;
/** What GetMember and GetNode report when the caller chose no customer managed key. */
const AWS_OWNED_KMS_KEY = 'AWS Owned KMS Key';

export interface MemberSettings {
  readonly name: string;
  readonly description?: string;
  readonly adminUsername: string;
  /** Handed to the member's real CA when Fabric backs the simulator; never stored in the state. */
  readonly adminPassword: string;
  readonly logPublishing?: unknown;
  readonly kmsKeyArn: string;
  readonly tags: Tags;
}

/** MemberConfiguration of CreateNetwork and CreateMember. The password is checked, never kept. */
export function readMemberConfiguration(input: InputReader): MemberSettings {
  const config = input.object('MemberConfiguration');
  const name = config.string('Name', {
    min: 1,
    max: MEMBER_NAME_MAX,
    pattern: MEMBER_NAME_PATTERN,
    patternHint: 'use letters, digits and hyphens, start with a letter, no trailing hyphen and no "--"',
  });
  const description = readDescription(config);
  const fabric = config.object('FrameworkConfiguration').object('Fabric');
  const adminUsername = fabric.string('AdminUsername', {
    pattern: ADMIN_USERNAME_PATTERN,
    patternHint: '1-16 letters and digits, starting with a letter',
  });
  const adminPassword = fabric.string('AdminPassword');
  checkAdminPassword(fabric.path('AdminPassword'), adminPassword);
  const logPublishing = readLogPublishing(config, 'LogPublishingConfiguration', ['CaLogs']);
  const kmsKeyArn =
    config.optionalString('KmsKeyArn', { max: 1011, pattern: ARN_SHAPE, patternHint: 'must be a KMS key ARN' }) ??
    AWS_OWNED_KMS_KEY;
  return { name, description, adminUsername, adminPassword, logPublishing, kmsKeyArn, tags: readTags(config, 'Tags') };
}

export function readDescription(input: InputReader): string | undefined {
  return input.optionalString('Description', { max: DESCRIPTION_MAX });
}

function checkAdminPassword(field: string, password: string): void {
  const problems: string[] = [];
  if (password.length < ADMIN_PASSWORD.minLength || password.length > ADMIN_PASSWORD.maxLength) {
    problems.push(`be ${ADMIN_PASSWORD.minLength}-${ADMIN_PASSWORD.maxLength} characters long`);
  }
  if (!/[a-z]/.test(password)) problems.push('contain a lower-case letter');
  if (!/[A-Z]/.test(password)) problems.push('contain an upper-case letter');
  if (!/[0-9]/.test(password)) problems.push('contain a digit');
  const refused = [...new Set(password)].filter((char) => ADMIN_PASSWORD.excludeCharacters.includes(char));
  if (refused.length > 0) problems.push(`not contain ${refused.map((char) => JSON.stringify(char)).join(' ')}`);
  if (/\s/.test(password)) problems.push('not contain white space');
  if (problems.length > 0) throw invalidRequest(`${field} must ${problems.join(', ')}`);
}

/**
 * LogPublishingConfiguration: {Fabric: {<kind>: {Cloudwatch: {Enabled}}}} for the given log
 * kinds (CaLogs for members; ChaincodeLogs and PeerLogs for nodes). Returned as a clean copy.
 */
export function readLogPublishing(input: InputReader, name: string, kinds: readonly string[]): unknown {
  const config = input.optionalObject(name);
  if (!config) return undefined;
  const fabric = config.optionalObject('Fabric');
  if (!fabric) return {};
  const result: Record<string, unknown> = {};
  for (const kind of kinds) {
    const logs = fabric.optionalObject(kind);
    if (!logs) continue;
    const cloudwatch = logs.optionalObject('Cloudwatch');
    const enabled = cloudwatch?.optionalBoolean('Enabled');
    result[kind] = cloudwatch ? { Cloudwatch: enabled === undefined ? {} : { Enabled: enabled } } : {};
  }
  return { Fabric: result };
}

/** A Tags map as given on create; more than the limit is TooManyTagsException, as on AWS. */
export function readTags(input: InputReader, name: string, resourceArn?: string): Tags {
  const tags = input.optionalStringMap(name) ?? {};
  checkTags(tags, input.path(name), resourceArn);
  return { ...tags };
}

export function checkTags(tags: Tags, field: string, resourceArn?: string): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) throw invalidRequest(`${field}: tag key "${key}" must be 1-128 characters`);
    if (key.toLowerCase().startsWith('aws:')) throw invalidRequest(`${field}: tag key "${key}" uses the reserved prefix aws:`);
    if (value.length > 256) throw invalidRequest(`${field}: the value of tag "${key}" must be at most 256 characters`);
  }
  if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) {
    throw new AmbError(
      'TooManyTagsException',
      `${field}: a resource can have at most ${MAX_TAGS_PER_RESOURCE} tags`,
      resourceArn,
    );
  }
}

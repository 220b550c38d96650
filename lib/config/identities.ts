/**
 * `identities:` and `identityRenewal:` of a member file: the application identities its
 * identity manager registers with the member's Fabric CA, enrolls and keeps renewed. Spec,
 * raw shape, rules and normalisation live here together so the rest of lib/config only
 * wires them in.
 */
import type { ConfigIssue } from './issues';
import type { SourceFile } from './source';
import type { ArraySpec, ObjectSpec } from './spec';

/**
 * Fabric CA enrollment ids: the CA accepts most characters, but the id also names a Secrets
 * Manager secret and appears in certificate subjects, so keep to a safe set.
 */
export const IDENTITY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Fabric CA affiliations are dot-separated paths (fabric-ca docs, "Registering a new identity"). */
export const AFFILIATION_PATTERN = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/;

/** Attribute names; `hf.` is Fabric CA's reserved prefix, refused by the rules. */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

export const IDENTITY_TYPES = ['client', 'admin'] as const;

const SCHEDULE_PATTERN = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/;

export const IDENTITIES_SPEC: ArraySpec = {
  type: 'array',
  description: "Application identities registered with this member's Fabric CA, enrolled and renewed by its identity manager; key and certificate go to one Secrets Manager secret each.",
  maxItems: 50,
  items: {
    type: 'object',
    description: 'An application identity of the member.',
    properties: {
      name: {
        type: 'string',
        description: 'Enrollment id at the Fabric CA (also names its secret).',
        pattern: IDENTITY_NAME_PATTERN,
        patternHint: '1-64 letters, digits and . _ @ -, starting with a letter or digit',
      },
      type: {
        type: 'string',
        description: 'Fabric CA identity type: client (applications) or admin (carries hf.Admin=true, as AMB registers admins).',
        enum: IDENTITY_TYPES,
        default: 'client',
      },
      affiliation: {
        type: 'string',
        description: "Fabric CA affiliation (default: the member's name, the affiliation AMB gives its members).",
        pattern: AFFILIATION_PATTERN,
        patternHint: 'dot-separated names of letters, digits, _ and -, e.g. bank.payments',
      },
      attributes: {
        type: 'array',
        description: 'Attributes of the identity, for attribute-based access control in chaincode.',
        maxItems: 20,
        items: {
          type: 'object',
          description: 'An attribute.',
          properties: {
            name: {
              type: 'string',
              description: 'Attribute name (not hf.*, which Fabric CA reserves).',
              pattern: ATTRIBUTE_NAME_PATTERN,
              patternHint: '1-64 letters, digits and . _ -, starting with a letter',
            },
            value: { type: 'string', description: 'Attribute value.', patternHint: 'a string of 1-256 characters', minLength: 1, maxLength: 256 },
            ecert: {
              type: 'boolean',
              description: 'Put the attribute in the enrollment certificate by default, where chaincode reads it (cid.GetAttributeValue).',
              default: false,
            },
          },
          required: ['name', 'value'],
        },
      },
      removed: {
        type: 'boolean',
        description: 'Stop renewing this identity; its secret is kept. AMB cannot revoke certificates, so the last certificate stays valid until it expires.',
        default: false,
      },
    },
    required: ['name'],
  },
};

export const IDENTITY_RENEWAL_SPEC: ObjectSpec = {
  type: 'object',
  description: 'When the identity manager renews certificates.',
  properties: {
    renewBeforeDays: {
      type: 'integer',
      description: 'Re-enroll an identity when its certificate expires within this many days.',
      minimum: 1,
      maximum: 180,
      default: 30,
    },
    schedule: {
      type: 'string',
      description: 'EventBridge schedule of the identity manager (it also runs on every deploy that changes identities).',
      pattern: SCHEDULE_PATTERN,
      patternHint: 'rate(N minutes|hours|days) or cron(...)',
      default: 'rate(1 day)',
    },
  },
};

export interface RawIdentity {
  name?: string;
  type?: string;
  affiliation?: string;
  attributes?: ({ name?: string; value?: string; ecert?: boolean } | undefined)[];
  removed?: boolean;
}

export interface RawIdentityFields {
  identities?: (RawIdentity | undefined)[];
  identityRenewal?: { renewBeforeDays?: number; schedule?: string };
}

export type IdentityType = (typeof IDENTITY_TYPES)[number];

/** An attribute registered with the identity at the Fabric CA. */
export interface IdentityAttribute {
  readonly name: string;
  readonly value: string;
  /** In the enrollment certificate by default (Fabric CA's `ecert`). */
  readonly ecert: boolean;
}

/** An application identity of the member's Fabric CA, as the YAML asks for it. */
export interface Identity {
  /** Enrollment id at the member's CA. */
  readonly name: string;
  readonly type: IdentityType;
  readonly affiliation: string;
  readonly attributes: readonly IdentityAttribute[];
  /** No longer renewed; the secret and the last certificate remain. */
  readonly removed: boolean;
}

export interface IdentityRenewal {
  /** Re-enroll when the certificate expires within this many days. */
  readonly renewBeforeDays: number;
  /** EventBridge schedule expression of the identity manager. */
  readonly schedule: string;
}

/** Stage 2 rules: unique names, not the AMB admin, no reserved or repeated attributes. */
export function checkIdentities(source: SourceFile, raw: RawIdentityFields & { adminUsername?: string }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const identities = raw.identities ?? [];
  const names = identities.map((identity) => identity?.name);
  const admin = raw.adminUsername ?? 'admin';
  identities.forEach((identity, index) => {
    if (!identity) return;
    const at = (...path: (string | number)[]) => ['identities', index, ...path];
    if (identity.name !== undefined && names.indexOf(identity.name) !== index) {
      issues.push(source.issueAt(at('name'), `"${identity.name}" is used by identities[${names.indexOf(identity.name)}] too`, 'a unique name per identity'));
    }
    if (identity.name !== undefined && identity.name === admin) {
      issues.push(source.issueAt(at('name'), `"${identity.name}" is the member's CA admin, which AMB registers and the stack's admin secret holds`, 'another name'));
    }
    const attributeNames = (identity.attributes ?? []).map((attribute) => attribute?.name);
    attributeNames.forEach((name, position) => {
      if (name === undefined) return;
      if (name.startsWith('hf.')) {
        issues.push(source.issueAt(at('attributes', position, 'name'), `"${name}" is reserved by Fabric CA (hf.*)`, "an application attribute name; type: admin sets hf.Admin itself"));
      } else if (attributeNames.indexOf(name) !== position) {
        issues.push(source.issueAt(at('attributes', position, 'name'), `"${name}" is listed twice`, 'each attribute once'));
      }
    });
  });
  return issues;
}

/** Stage 3: defaults filled; the affiliation defaults to the member's name. */
export function normaliseIdentities(
  raw: RawIdentityFields,
  memberName: string,
  defaults: { type: string; ecert: boolean; removed: boolean; renewBeforeDays: number; schedule: string },
): { identities: Identity[]; identityRenewal: IdentityRenewal } {
  return {
    identities: (raw.identities ?? []).map((identity) => ({
      name: identity!.name!,
      type: (identity!.type ?? defaults.type) as IdentityType,
      affiliation: identity!.affiliation ?? memberName,
      attributes: (identity!.attributes ?? []).map((attribute) => ({ name: attribute!.name!, value: attribute!.value!, ecert: attribute!.ecert ?? defaults.ecert })),
      removed: identity!.removed ?? defaults.removed,
    })),
    identityRenewal: {
      renewBeforeDays: raw.identityRenewal?.renewBeforeDays ?? defaults.renewBeforeDays,
      schedule: raw.identityRenewal?.schedule ?? defaults.schedule,
    },
  };
}

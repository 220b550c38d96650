/**
 * The identity manager's decisions, as pure functions: compare an identity the YAML asks for
 * with what the member's Fabric CA has registered and what its secret holds, and say what to
 * do. Fabric CA facts used: an update changes type, affiliation and attributes of a registered
 * identity, and an attribute given with an empty value is removed (fabric-ca docs,
 * "Dynamically updating an identity"); an enrollment certificate carries the identity's
 * `ecert` attributes as they were when it was issued, so a certificate must be re-issued for
 * an attribute change to reach chaincode.
 */
import type { Identity, IdentityAttribute } from '../config';
import type { CertificateFacts } from './certificate';
import { daysUntil } from './certificate';

/** AMB marks identities registered as admins with this attribute (AMB management guide). */
export const ADMIN_ATTRIBUTE: IdentityAttribute = { name: 'hf.Admin', value: 'true', ecert: true };

/** An identity as the Fabric CA's identity API returns it. */
export interface RegisteredIdentity {
  readonly type: string;
  readonly affiliation: string;
  readonly attributes: readonly IdentityAttribute[];
}

/** What the identity's registration should be. */
export interface Registration {
  readonly type: string;
  readonly affiliation: string;
  readonly attributes: readonly IdentityAttribute[];
}

/**
 * What to do for one identity, in order: register it, or update its registration (attributes
 * with an empty value are removed), then issue a certificate by enrolling (no usable
 * certificate is stored: the CA secret is reset first) or by re-enrolling with the stored one.
 */
export interface IdentityStep {
  readonly name: string;
  readonly register?: Registration;
  readonly update?: Registration;
  readonly issue?: 'enroll' | 'reenroll';
  /** Why, in words for the operator; empty when nothing is to be done. */
  readonly reasons: readonly string[];
}

/** The registration the YAML asks for; admins carry hf.Admin=true as AMB registers them. */
export function desiredRegistration(identity: Identity): Registration {
  const attributes = [...identity.attributes];
  if (identity.type === 'admin') attributes.push(ADMIN_ATTRIBUTE);
  return { type: identity.type, affiliation: identity.affiliation, attributes };
}

/**
 * Attributes the toolkit manages: everything except Fabric CA's own hf.* attributes, which
 * the CA sets (hf.EnrollmentID, hf.Type, hf.Affiliation) or which only a registrar holds;
 * hf.Admin is the one hf.* attribute an identity of type admin is given here.
 */
export function managedAttributes(attributes: readonly IdentityAttribute[]): IdentityAttribute[] {
  return attributes.filter((attribute) => !attribute.name.startsWith('hf.') || attribute.name === ADMIN_ATTRIBUTE.name);
}

/** The update that turns `registered` into `desired`, or undefined when they agree. */
export function registrationUpdate(desired: Registration, registered: RegisteredIdentity): { update: Registration; reasons: string[] } | undefined {
  const reasons: string[] = [];
  if (desired.type !== registered.type) reasons.push(`type ${registered.type} -> ${desired.type}`);
  if (desired.affiliation !== registered.affiliation) reasons.push(`affiliation ${registered.affiliation || '(none)'} -> ${desired.affiliation}`);
  const current = new Map(managedAttributes(registered.attributes).map((attribute) => [attribute.name, attribute]));
  const attributes: IdentityAttribute[] = [];
  for (const attribute of desired.attributes) {
    const before = current.get(attribute.name);
    if (!before) reasons.push(`attribute ${attribute.name} added`);
    else if (before.value !== attribute.value) reasons.push(`attribute ${attribute.name} changed`);
    else if (before.ecert !== attribute.ecert) reasons.push(`attribute ${attribute.name} ${attribute.ecert ? 'now' : 'no longer'} in the certificate`);
    attributes.push(attribute);
  }
  for (const name of current.keys()) {
    if (!desired.attributes.some((attribute) => attribute.name === name)) {
      reasons.push(`attribute ${name} removed`);
      attributes.push({ name, value: '', ecert: false });
    }
  }
  return reasons.length === 0 ? undefined : { update: { ...desired, attributes }, reasons };
}

/** Why a stored certificate no longer serves the desired registration, or undefined. */
export function certificateProblem(name: string, desired: Registration, certificate: CertificateFacts, now: Date, renewBeforeDays: number): string | undefined {
  if (certificate.enrollmentId !== name) return `the stored certificate is for ${certificate.enrollmentId}`;
  const inCertificate = managedAttributes(Object.entries(certificate.attributes).map(([attribute, value]) => ({ name: attribute, value, ecert: true })));
  const wanted = desired.attributes.filter((attribute) => attribute.ecert);
  const differs =
    inCertificate.length !== wanted.length || wanted.some((attribute) => certificate.attributes[attribute.name] !== attribute.value);
  if (differs) return 'the certificate does not carry the configured attributes';
  const days = daysUntil(certificate.notAfter, now);
  if (days < 0) return `the certificate expired on ${certificate.notAfter.toISOString().slice(0, 10)}`;
  if (days < renewBeforeDays) return `the certificate expires in ${days} day${days === 1 ? '' : 's'} (renewal ${renewBeforeDays} days before)`;
  return undefined;
}

/**
 * The step for one identity. A removed identity is left alone: it is neither renewed nor
 * revoked (AMB cannot revoke certificates).
 * @param registered undefined when the CA does not know the identity
 * @param stored the certificate in the identity's secret; undefined when the secret holds none
 */
export function planIdentity(
  identity: Identity,
  registered: RegisteredIdentity | undefined,
  stored: CertificateFacts | undefined,
  now: Date,
  renewBeforeDays: number,
): IdentityStep {
  const { name } = identity;
  if (identity.removed) return { name, reasons: [] };
  const desired = desiredRegistration(identity);
  if (!registered) return { name, register: desired, issue: 'enroll', reasons: ['not registered with the CA'] };
  const change = registrationUpdate(desired, registered);
  if (!stored) return { name, update: change?.update, issue: 'enroll', reasons: [...(change?.reasons ?? []), 'no certificate stored'] };
  if (change) return { name, update: change.update, issue: 'reenroll', reasons: change.reasons };
  const problem = certificateProblem(name, desired, stored, now, renewBeforeDays);
  if (problem) return { name, issue: stored.enrollmentId === name ? 'reenroll' : 'enroll', reasons: [problem] };
  return { name, reasons: [] };
}

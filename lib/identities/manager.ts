/**
 * The identity manager: for each identity in a member's `identities:`, read what its secret
 * holds and what the CA has registered, plan (plan.ts), and carry the step out: register,
 * update, enroll or re-enroll, then store the new key and certificate. One identity failing
 * does not stop the others; the run reports every failure. The same function runs in the
 * member's Lambda and in `npm run identities` against a local CA. Reports carry names,
 * dates and secret names only: never a key, a certificate body or an enrollment secret.
 */
import type { Identity } from '../config';
import { readCertificate, type CertificateFacts } from './certificate';
import type { FabricCa } from './fabric-ca';
import { planIdentity, type IdentityStep } from './plan';
import type { IdentitySecretStore, IdentitySecretValue } from './secret-store';

/** The CA operations the manager uses (FabricCa implements them). */
export type CertificateAuthority = Pick<FabricCa, 'identity' | 'ensureAffiliation' | 'register' | 'update' | 'resetSecret' | 'enroll' | 'reenroll'>;

export interface IdentityRun {
  readonly identities: readonly Identity[];
  readonly renewBeforeDays: number;
  /** MSP id written beside each key (the AMB member id). */
  readonly mspId: string;
  readonly ca: CertificateAuthority;
  readonly store: IdentitySecretStore;
  readonly now: () => Date;
  /** Plan only: read the CA and the secrets, change nothing. */
  readonly dryRun: boolean;
  /** Progress lines (names and actions only). */
  readonly progress?: (message: string) => void;
}

export type IdentityOutcome = 'unchanged' | 'changed' | 'would-change' | 'retired' | 'failed';

/** One identity after a run: safe to print, log and keep in Terraform state. */
export interface IdentityReport {
  readonly name: string;
  readonly type: string;
  readonly affiliation: string;
  /** Registered with the CA (after the run; before it for a dry run). */
  readonly registered: boolean;
  /** What was done (or would be, in a dry run), in order: register, update, enroll, reenroll. */
  readonly actions: readonly string[];
  readonly reasons: readonly string[];
  readonly outcome: IdentityOutcome;
  /** ISO date-time the stored certificate expires; absent while none is stored. */
  readonly expires?: string;
  /** Serial number of the stored certificate, hex. */
  readonly serial?: string;
  /** Name of the Secrets Manager secret that holds key and certificate. */
  readonly secret: string;
  /** Why the identity failed, when it did. */
  readonly error?: string;
}

/** Reconciles every identity; resolves with one report each, failures included. */
export async function reconcileIdentities(run: IdentityRun): Promise<IdentityReport[]> {
  const reports: IdentityReport[] = [];
  for (const identity of run.identities) {
    const base = { name: identity.name, type: identity.type, affiliation: identity.affiliation, secret: run.store.locate(identity.name) };
    try {
      reports.push({ ...base, ...(await reconcileOne(identity, run)) });
    } catch (error) {
      reports.push({ ...base, registered: false, actions: [], reasons: [], outcome: 'failed', error: (error as Error).message });
    }
  }
  return reports;
}

async function reconcileOne(identity: Identity, run: IdentityRun): Promise<Omit<IdentityReport, 'name' | 'type' | 'affiliation' | 'secret'>> {
  const read = await run.store.read(identity.name);
  // A value that holds no readable certificate is treated as none: the next enrollment overwrites it.
  const storedCertificate = read ? certificateOf(read) : undefined;
  const stored = storedCertificate ? read : undefined;
  const registered = await run.ca.identity(identity.name);
  const step = planIdentity(identity, registered, storedCertificate, run.now(), run.renewBeforeDays);
  const actions = actionsOf(step);
  const expiry = (certificate?: CertificateFacts) => (certificate ? { expires: certificate.notAfter.toISOString(), serial: certificate.serial } : {});
  if (identity.removed) return { registered: registered !== undefined, actions, reasons: ['removed: not renewed (AMB cannot revoke certificates)'], outcome: 'retired', ...expiry(storedCertificate) };
  if (actions.length === 0) return { registered: true, actions, reasons: step.reasons, outcome: 'unchanged', ...expiry(storedCertificate) };
  if (run.dryRun) return { registered: registered !== undefined, actions, reasons: step.reasons, outcome: 'would-change', ...expiry(storedCertificate) };

  run.progress?.(`${identity.name}: ${actions.join(', ')} (${step.reasons.join('; ')})`);
  const issued = await carryOut(step, stored, run);
  await run.store.write(identity.name, { enrollmentId: identity.name, mspId: run.mspId, ...issued });
  return { registered: true, actions, reasons: step.reasons, outcome: 'changed', ...expiry(readCertificate(issued.certificate)) };
}

async function carryOut(step: IdentityStep, stored: IdentitySecretValue | undefined, run: IdentityRun): Promise<{ certificate: string; privateKey: string }> {
  const { ca } = run;
  let secret: string | undefined;
  if (step.register) {
    await ca.ensureAffiliation(step.register.affiliation);
    secret = await ca.register(step.name, step.register);
  } else if (step.update) {
    await ca.ensureAffiliation(step.update.affiliation);
    await ca.update(step.name, step.update);
  }
  if (step.issue === 'reenroll' && stored) return ca.reenroll(step.name, stored);
  return ca.enroll(step.name, secret ?? (await ca.resetSecret(step.name)));
}

function actionsOf(step: IdentityStep): string[] {
  return [step.register && 'register', step.update && 'update', step.issue].filter((action): action is string => Boolean(action));
}

function certificateOf(stored: IdentitySecretValue): CertificateFacts | undefined {
  try {
    return readCertificate(stored.certificate);
  } catch {
    return undefined;
  }
}

/** The failures of a run as lines for an error message or alarm; empty when none failed. */
export function failuresOf(reports: readonly IdentityReport[]): string[] {
  return reports.filter((report) => report.outcome === 'failed').map((report) => `${report.name}: ${report.error}`);
}

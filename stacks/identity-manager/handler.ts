/**
 * The identity manager's run, as the Lambda and `npm run identities` perform it: reconcile the
 * member's identities, log one line per identity (names, actions, expiry: never a key), and
 * fail the run when any identity failed, so that Lambda counts an error and the alarm fires.
 */
import type { Identity } from '../../lib/config/types';
import { failuresOf, reconcileIdentities, type CertificateAuthority, type IdentityReport } from '../../lib/identities/manager';
import type { IdentitySecretStore } from '../../lib/identities/secret-store';

export { SETTINGS_FILE } from './settings-file';

/** What the manager is baked with at synth: the member's identities and renewal threshold. */
export interface IdentityManagerSettings {
  readonly member: string;
  readonly identities: readonly Identity[];
  readonly renewBeforeDays: number;
  /** Prefix of the identity secrets' names. */
  readonly secretPrefix: string;
}

/** The invocation: a schedule or deploy tick (`{}` or an EventBridge event), or `{ dryRun: true }` from `npm run identities -- --dry-run`. */
export interface IdentityManagerEvent {
  readonly dryRun?: boolean;
}

export interface IdentityManagerResult {
  readonly member: string;
  readonly dryRun: boolean;
  readonly identities: readonly IdentityReport[];
}

export interface IdentityManagerRuntime {
  /** Connects to the member's CA as its admin (TLS verified); may fail for the whole run. */
  readonly connect: () => Promise<CertificateAuthority>;
  readonly store: IdentitySecretStore;
  /** MSP id stored with each key: the AMB member id. */
  readonly mspId: string;
  readonly now: () => Date;
  /** Where the per-identity lines go. @default console.log */
  readonly log?: (line: string) => void;
}

/** Thrown when any identity failed; the message lists them (names and CA errors only). */
export class IdentityRunError extends Error {
  constructor(
    message: string,
    readonly result: IdentityManagerResult,
  ) {
    super(message);
    this.name = 'IdentityRunError';
  }
}

export async function runIdentityManager(settings: IdentityManagerSettings, runtime: IdentityManagerRuntime, event: IdentityManagerEvent = {}): Promise<IdentityManagerResult> {
  const dryRun = event.dryRun === true;
  const log = runtime.log ?? ((line: string) => console.log(line));
  const ca = await runtime.connect();
  const identities = await reconcileIdentities({
    identities: settings.identities,
    renewBeforeDays: settings.renewBeforeDays,
    mspId: runtime.mspId,
    ca,
    store: runtime.store,
    now: runtime.now,
    dryRun,
  });
  for (const report of identities) log(JSON.stringify({ member: settings.member, dryRun, ...report }));
  const result = { member: settings.member, dryRun, identities };
  const failures = failuresOf(identities);
  if (failures.length > 0) {
    throw new IdentityRunError(`identity manager of ${settings.member} failed for ${failures.length} of ${identities.length} identit${identities.length === 1 ? 'y' : 'ies'}: ${failures.join('; ')}`, result);
  }
  return result;
}

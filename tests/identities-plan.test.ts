import type { Identity } from '../lib/config';
import type { CertificateFacts } from '../lib/identities/certificate';
import { planIdentity, registrationUpdate, type RegisteredIdentity } from '../lib/identities/plan';

const NOW = new Date('2027-01-01T00:00:00Z');
const DAY = 86_400_000;
const reporter: Identity = { name: 'play-reporter', type: 'client', affiliation: 'ott-vendor-1', attributes: [{ name: 'role', value: 'reporter', ecert: true }], removed: false };
const registered: RegisteredIdentity = {
  type: 'client',
  affiliation: 'ott-vendor-1',
  attributes: [
    { name: 'role', value: 'reporter', ecert: true },
    { name: 'hf.EnrollmentID', value: 'play-reporter', ecert: true },
    { name: 'hf.Type', value: 'client', ecert: true },
  ],
};
const certificate = (days: number, attributes: Record<string, string> = { role: 'reporter', 'hf.Type': 'client' }): CertificateFacts => ({
  enrollmentId: 'play-reporter',
  notAfter: new Date(NOW.getTime() + days * DAY),
  serial: '01',
  attributes,
});

describe('planIdentity', () => {
  test('registers and enrolls an identity the CA does not know', () => {
    expect(planIdentity(reporter, undefined, undefined, NOW, 30)).toEqual({
      name: 'play-reporter',
      register: { type: 'client', affiliation: 'ott-vendor-1', attributes: reporter.attributes },
      issue: 'enroll',
      reasons: ['not registered with the CA'],
    });
  });

  test("does nothing when registration and certificate match and expiry is beyond the threshold; Fabric CA's own hf.* attributes are ignored", () => {
    expect(planIdentity(reporter, registered, certificate(31), NOW, 30)).toEqual({ name: 'play-reporter', reasons: [] });
  });

  test('re-enrolls a certificate that expires within the threshold, or has expired', () => {
    expect(planIdentity(reporter, registered, certificate(29), NOW, 30)).toMatchObject({ issue: 'reenroll', reasons: ['the certificate expires in 29 days (renewal 30 days before)'] });
    expect(planIdentity(reporter, registered, certificate(-1), NOW, 30)).toMatchObject({ issue: 'reenroll', reasons: ['the certificate expired on 2026-12-31'] });
  });

  test('enrolls anew, after resetting the secret, when no certificate is stored', () => {
    expect(planIdentity(reporter, registered, undefined, NOW, 30)).toEqual({ name: 'play-reporter', issue: 'enroll', reasons: ['no certificate stored'] });
  });

  test('re-issues a certificate that lacks a configured ecert attribute (an earlier run updated the CA but failed before storing)', () => {
    expect(planIdentity(reporter, registered, certificate(300, { 'hf.Type': 'client' }), NOW, 30)).toMatchObject({ issue: 'reenroll', reasons: ['the certificate does not carry the configured attributes'] });
  });

  test('leaves a removed identity alone: no registration, no renewal, no revocation', () => {
    expect(planIdentity({ ...reporter, removed: true }, undefined, undefined, NOW, 30)).toEqual({ name: 'play-reporter', reasons: [] });
    expect(planIdentity({ ...reporter, removed: true }, registered, certificate(1), NOW, 30)).toEqual({ name: 'play-reporter', reasons: [] });
  });

  test('an admin is registered with type admin and hf.Admin=true, as AMB registers admins', () => {
    expect(planIdentity({ ...reporter, type: 'admin', attributes: [] }, undefined, undefined, NOW, 30).register).toEqual({
      type: 'admin',
      affiliation: 'ott-vendor-1',
      attributes: [{ name: 'hf.Admin', value: 'true', ecert: true }],
    });
  });
});

describe('registrationUpdate', () => {
  test('names every difference and removes a dropped attribute with an empty value', () => {
    const desired = { type: 'admin', affiliation: 'ott-vendor-1.ops', attributes: [{ name: 'team', value: 'ops', ecert: false }] };
    expect(registrationUpdate(desired, registered)).toEqual({
      update: { ...desired, attributes: [{ name: 'team', value: 'ops', ecert: false }, { name: 'role', value: '', ecert: false }] },
      reasons: ['type client -> admin', 'affiliation ott-vendor-1 -> ott-vendor-1.ops', 'attribute team added', 'attribute role removed'],
    });
  });

  test('notices an attribute moving into or out of the certificate', () => {
    const desired = { type: 'client', affiliation: 'ott-vendor-1', attributes: [{ name: 'role', value: 'reporter', ecert: false }] };
    expect(registrationUpdate(desired, registered)?.reasons).toEqual(['attribute role no longer in the certificate']);
  });
});

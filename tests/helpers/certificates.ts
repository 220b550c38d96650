import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A self-signed P-256 certificate made by openssl: `<dir>/<name>.pem` (returned) and its key `<dir>/<name>.key`. */
export function selfSignedCertificate(dir: string, name: string): string {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '1', '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return readFileSync(join(dir, `${name}.pem`), 'utf8');
}

/**
 * An admin MSP folder `<dir>/msp` as the Fabric client holds it (cacerts, signcerts, tlscacerts,
 * keystore), with fresh certificates; `caChain` maps the CA certificate to what cacerts/ca.pem
 * holds (e.g. a long chain). The admin certificate is also at `<dir>/admin.pem`.
 */
export function writeAdminMsp(dir: string, caChain: (ca: string) => string = (ca) => ca): string {
  const msp = join(dir, 'msp');
  for (const folder of ['cacerts', 'signcerts', 'tlscacerts', 'keystore']) mkdirSync(join(msp, folder), { recursive: true });
  writeFileSync(join(msp, 'cacerts', 'ca.pem'), caChain(selfSignedCertificate(dir, 'ca')));
  writeFileSync(join(msp, 'signcerts', 'cert.pem'), selfSignedCertificate(dir, 'admin'));
  writeFileSync(join(msp, 'tlscacerts', 'tls.pem'), selfSignedCertificate(dir, 'tls'));
  writeFileSync(join(msp, 'keystore', 'key_sk'), readFileSync(join(dir, 'admin.key')));
  return msp;
}

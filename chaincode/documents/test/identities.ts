/**
 * Real X.509 identities for the contract's tests, made with openssl: an EC P-256 key and a
 * self-signed certificate, optionally with Fabric CA's attribute extension
 * (OID 1.2.3.4.5.6.7.8.1, the JSON `{"attrs":{...}}` as raw bytes), as fabric-ca-server issues.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export function certificate(commonName: string, attrs?: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'documents-id-'));
  try {
    const extension = attrs ? ['-addext', `1.2.3.4.5.6.7.8.1=DER:${Buffer.from(JSON.stringify({ attrs })).toString('hex')}`] : [];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', `/O=test/OU=client/CN=${commonName}`, ...extension], { stdio: 'ignore' });
    return readFileSync(join(dir, 'cert.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

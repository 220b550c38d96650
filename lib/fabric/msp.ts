/**
 * A member's public MSP material in git, `<members dir>/msp/<member>/`: what a channel's
 * configtx.yaml names as the member's MSPDir (AMB developer guide, "Create a channel": the
 * member's CA certificate in `cacerts`, its admin certificate in `admincerts`) plus the TLS CA
 * chain in `tlscacerts`. Only certificates: anything that looks like a key is refused.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeAtomically } from '../config/record';
import { OperationalError } from '../errors';

export interface MspMaterial {
  /** PEM of the member's CA certificate. */
  readonly caCert: string;
  /** PEM of the member admin's certificate. */
  readonly adminCert: string;
  /** PEM of the TLS CA chain (on AMB, the region's managedblockchain-tls-chain.pem). */
  readonly tlsCaCert: string;
}

/** The files under the member's MSP folder, by relative path. */
export function mspFiles(material: MspMaterial): Record<string, string> {
  for (const [name, pem] of Object.entries(material)) {
    if (/PRIVATE KEY/.test(pem)) throw new OperationalError(`refusing to write ${name}: it holds a private key; only certificates belong in git`);
    if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw new OperationalError(`${name} is not a PEM certificate`);
  }
  return { 'cacerts/ca.pem': material.caCert, 'admincerts/admin.pem': material.adminCert, 'tlscacerts/tlsca.pem': material.tlsCaCert };
}

/** Writes the files that differ; returns the relative paths written (none: already up to date). */
export function writeMsp(folder: string, material: MspMaterial, options: { readonly dryRun?: boolean } = {}): string[] {
  const changed: string[] = [];
  for (const [path, text] of Object.entries(mspFiles(material))) {
    const file = join(folder, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    changed.push(path);
    if (options.dryRun) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeAtomically(file, text);
  }
  return changed;
}

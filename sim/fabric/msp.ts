/**
 * Fabric MSP folders as the simulator lays them out: `cacerts/ca.pem` (the signing CA),
 * `tlscacerts/ca.pem` (the simulator's TLS CA), and a `config.yaml` that enables node OUs, so
 * a certificate's OU (`admin`, `peer`, `client`, `orderer`, what fabric-ca writes from the
 * identity type) says its role. Layout from the Fabric docs, "Membership Service Providers".
 */
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const CA_FILE = 'ca.pem';

/** Writes the MSP's `config.yaml` enabling node OUs against `cacerts/ca.pem`. */
function writeNodeOus(mspDir: string): void {
  const ou = (identifier: string) => ({ Certificate: `cacerts/${CA_FILE}`, OrganizationalUnitIdentifier: identifier });
  writeFileSync(
    join(mspDir, 'config.yaml'),
    stringify({
      NodeOUs: { Enable: true, ClientOUIdentifier: ou('client'), PeerOUIdentifier: ou('peer'), AdminOUIdentifier: ou('admin'), OrdererOUIdentifier: ou('orderer') },
    }),
  );
}

/**
 * Writes an organisation's MSP definition (no signing identity): what configtxgen reads to
 * describe the organisation in a channel or consortium.
 */
export function writeOrgMsp(mspDir: string, caCertPem: string, tlsCaCertPem: string): void {
  for (const sub of ['cacerts', 'tlscacerts']) mkdirSync(join(mspDir, sub), { recursive: true });
  writeFileSync(join(mspDir, 'cacerts', CA_FILE), caCertPem);
  writeFileSync(join(mspDir, 'tlscacerts', CA_FILE), tlsCaCertPem);
  writeNodeOus(mspDir);
}

/** Writes a local MSP with a signing identity (`signcerts/cert.pem`, `keystore/key.pem`). */
export function writeLocalMsp(mspDir: string, caCertPem: string, tlsCaCertPem: string, identity: { certPem: string; keyPem: string }): void {
  writeOrgMsp(mspDir, caCertPem, tlsCaCertPem);
  for (const sub of ['signcerts', 'keystore']) mkdirSync(join(mspDir, sub), { recursive: true });
  writeFileSync(join(mspDir, 'signcerts', 'cert.pem'), identity.certPem);
  writeFileSync(join(mspDir, 'keystore', 'key.pem'), identity.keyPem, { mode: 0o600 });
}

/**
 * Completes an MSP that `fabric-ca-client enroll` wrote: its CA certificate renamed to
 * `cacerts/ca.pem`, the TLS CA added, node OUs enabled; with `admincerts`, the signing
 * certificate copied to `admincerts/` too, as the AMB Fabric client does for its admin.
 */
export function completeEnrolledMsp(mspDir: string, tlsCaCertPem: string, options: { admincerts?: boolean } = {}): void {
  const cacerts = join(mspDir, 'cacerts');
  for (const file of readdirSync(cacerts)) if (file !== CA_FILE) renameSync(join(cacerts, file), join(cacerts, CA_FILE));
  rmSync(join(mspDir, 'intermediatecerts'), { recursive: true, force: true });
  mkdirSync(join(mspDir, 'tlscacerts'), { recursive: true });
  writeFileSync(join(mspDir, 'tlscacerts', CA_FILE), tlsCaCertPem);
  writeNodeOus(mspDir);
  if (options.admincerts) {
    mkdirSync(join(mspDir, 'admincerts'), { recursive: true });
    copyFileSync(join(mspDir, 'signcerts', 'cert.pem'), join(mspDir, 'admincerts', 'cert.pem'));
  }
}

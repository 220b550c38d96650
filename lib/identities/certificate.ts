/**
 * What the identity manager reads from an enrollment certificate: its subject's enrollment id,
 * its expiry and the attributes Fabric CA put in it. Fabric CA writes attributes as JSON
 * (`{"attrs":{"role":"reporter",...}}`) into the extension 1.2.3.4.5.6.7.8.1, which chaincode
 * reads through the client identity library (fabric-chaincode-node `ClientIdentity`,
 * fabric-ca docs "Attribute-Based Access Control").
 */
import { X509Certificate } from 'node:crypto';
// jsrsasign ships no types; it is the X.509 parser Fabric's own Node SDK uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { X509, ASN1HEX, hextoutf8 } = require('jsrsasign') as {
  X509: new () => { readCertPEM(pem: string): void; hex: string; getExtInfo(oid: string): { vidx: number } | undefined };
  ASN1HEX: { getV(hex: string, index: number): string; getVidx(hex: string, index: number): number };
  hextoutf8(hex: string): string;
};

/** OID of the Fabric CA attribute extension. */
export const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';

export interface CertificateFacts {
  /** The subject's common name: the enrollment id. */
  readonly enrollmentId: string;
  readonly notAfter: Date;
  /** Serial number in hex, as Fabric CA lists it. */
  readonly serial: string;
  /** Attributes in the certificate, by name (including Fabric CA's own hf.* ones). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Reads a PEM certificate; throws `Error` when it is not one. */
export function readCertificate(pem: string): CertificateFacts {
  const certificate = new X509Certificate(pem);
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? '';
  return {
    enrollmentId: commonName,
    notAfter: new Date(certificate.validTo),
    serial: certificate.serialNumber.toLowerCase(),
    attributes: attributesOf(pem),
  };
}

function attributesOf(pem: string): Record<string, string> {
  const parsed = new X509();
  parsed.readCertPEM(pem);
  const extension = parsed.getExtInfo(FABRIC_ATTRIBUTES_OID);
  if (!extension) return {};
  // getExtInfo points at the content of the extension's OCTET STRING; step back to its tag.
  const start = [4, 6, 8, 10].map((back) => extension.vidx - back).find((index) => parsed.hex.slice(index, index + 2) === '04' && ASN1HEX.getVidx(parsed.hex, index) === extension.vidx);
  if (start === undefined) throw new Error(`certificate extension ${FABRIC_ATTRIBUTES_OID} is not an OCTET STRING`);
  const json = hextoutf8(ASN1HEX.getV(parsed.hex, start));
  const attrs = (JSON.parse(json) as { attrs?: Record<string, unknown> }).attrs ?? {};
  return Object.fromEntries(Object.entries(attrs).map(([name, value]) => [name, String(value)]));
}

/** Whole days from `now` until the certificate expires (negative once expired). */
export function daysUntil(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
}

/**
 * The certificates the simulator issues itself: one TLS certificate authority for every
 * Fabric endpoint (served to clients as the region's `managedblockchain-tls-chain.pem`, as
 * AMB does), and the ordering service organisation's signing CA with its orderer and admin
 * identities. Member identities come from each member's own fabric-ca-server instead.
 * ECDSA P-256 with SHA-256, what Fabric's default crypto provider (SW, SHA2-256) signs with.
 */
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @peculiar/x509 resolves its ASN.1 parsers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
/** Node's Web Crypto, typed as the crypto provider @peculiar/x509 takes. */
const crypto = webcrypto as unknown as NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const VALIDITY_MS = 365 * 24 * 3600 * 1000;

/** A certificate and its private key, both PEM. */
export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which Fabric and fabric-ca read. */
  readonly keyPem: string;
}

/** A certificate authority that issues leaf certificates in memory. */
export class CertificateAuthority {
  private constructor(
    private readonly cert: x509.X509Certificate,
    private readonly keys: CryptoKeyPair,
    /** The CA certificate, PEM. */
    readonly certPem: string,
  ) {}

  /** A self-signed CA named `CN=<commonName>,O=<organization>`, valid for a year. */
  static async create(commonName: string, organization: string): Promise<CertificateAuthority> {
    const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: distinguishedName(commonName, organization),
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + VALIDITY_MS),
        signingAlgorithm: ALGORITHM,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
          // Fabric's MSP requires a Subject Key Identifier on CA certificates.
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    return new CertificateAuthority(cert, keys, cert.toString('pem'));
  }

  /**
   * Issues a leaf certificate. `hosts` (IP addresses or DNS names) go into the Subject
   * Alternative Names and make it a TLS server and client certificate; `organizationalUnit`
   * is the Fabric node OU (`orderer`, `admin`, `peer`, `client`) for a signing identity.
   */
  async issue(options: { commonName: string; organization: string; organizationalUnit?: string; hosts?: readonly string[] }): Promise<IssuedCertificate> {
    const keys = (await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const hosts = options.hosts ?? [];
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      await x509.AuthorityKeyIdentifierExtension.create(this.cert, false, crypto),
    ];
    if (hosts.length > 0) {
      extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]));
      extensions.push(new x509.SubjectAlternativeNameExtension(hosts.map((host) => ({ type: /^[\d.]+$/.test(host) ? 'ip' : 'dns', value: host }))));
    }
    const cert = await x509.X509CertificateGenerator.create(
      {
        subject: distinguishedName(options.commonName, options.organization, options.organizationalUnit),
        issuer: this.cert.subject,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + VALIDITY_MS),
        signingAlgorithm: ALGORITHM,
        publicKey: keys.publicKey,
        signingKey: this.keys.privateKey,
        extensions,
      },
      crypto,
    );
    return { certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
  }
}

/** The hosts every simulator endpoint's TLS certificate names: loopback only. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'] as const;

/** Writes a TLS certificate and key as `<dir>/server.crt` and `<dir>/server.key`; returns their paths. */
export function writeTlsPair(dir: string, pair: IssuedCertificate): { certFile: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  writeFileSync(certFile, pair.certPem);
  writeFileSync(keyFile, pair.keyPem, { mode: 0o600 });
  return { certFile, keyFile };
}

function distinguishedName(commonName: string, organization: string, organizationalUnit?: string): string {
  const escape = (value: string) => value.replace(/([,+"\\<>;=])/g, '\\$1');
  return [`CN=${escape(commonName)}`, ...(organizationalUnit ? [`OU=${escape(organizationalUnit)}`] : []), `O=${escape(organization)}`].join(', ');
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

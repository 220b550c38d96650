/**
 * The member's Fabric CA, through `fabric-ca-client` (the Fabric 2.2 Node SDK's CA client,
 * which implements the CA's REST API: enroll with HTTP Basic and a PKCS#10 request whose key
 * it makes in-process, identity and affiliation calls signed with the admin's key).
 * TLS is always verified against the chain given (AMB's TLS chain); there is no way to turn
 * verification off here. Keys live in memory only.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type FabricCAServices from 'fabric-ca-client';
import type { ICryptoKey, ICryptoSuite, User } from 'fabric-common';
import type { IdentityAttribute } from '../config';
import type { Registration, RegisteredIdentity } from './plan';

/**
 * fabric-ca-client and fabric-common, loaded by the first `FabricCa.connect` rather than with
 * the module: with the Fabric protobufs fabric-common compiles as it loads they take about
 * 0.25 s at start, which `identities --help`, a usage error or a command that stops before the
 * CA does not need.
 */
function fabricSdk(): { FabricCAServices: typeof FabricCAServices; User: typeof User; Utils: typeof import('fabric-common').Utils } {
  const { User, Utils } = require('fabric-common') as typeof import('fabric-common');
  return { FabricCAServices: require('fabric-ca-client') as typeof FabricCAServices, User, Utils };
}

/** A private key and the certificate issued for it, both PEM. */
export interface Enrollment {
  readonly certificate: string;
  readonly privateKey: string;
}

export interface FabricCaConnection {
  /** `https://host:port` of the CA (on AMB: GetMember's CaEndpoint, reached through the VPC endpoint). */
  readonly url: string;
  /** PEM bundle the CA's TLS certificate must chain to. */
  readonly tlsChain: string;
  /** MSP id the signing identities belong to (on AMB: the member id). */
  readonly mspId: string;
  readonly adminUsername: string;
  readonly adminPassword: string;
}

/** Fabric CA error codes (fabric-ca lib/caerrors). */
const CA_ERRORS = { authentication: 20, notFound: 63 } as const;

/** A failed CA call, with what to do about it; never carries a secret or key. */
export class FabricCaError extends Error {
  constructor(
    message: string,
    readonly kind: 'tls' | 'admin-credentials' | 'unreachable' | 'refused',
  ) {
    super(message);
    this.name = 'FabricCaError';
  }
}

/** The CA as its admin sees it; create with `FabricCa.connect`. */
export class FabricCa {
  private constructor(
    private readonly services: FabricCAServices,
    private readonly admin: User,
    private readonly connection: FabricCaConnection,
  ) {}

  /** Verifies TLS against the chain and enrolls the admin (a certificate kept in memory for signing requests). */
  static async connect(connection: FabricCaConnection): Promise<FabricCa> {
    if (!connection.tlsChain.includes('-----BEGIN CERTIFICATE-----')) {
      throw new FabricCaError(`the TLS chain for ${connection.url} holds no PEM certificate`, 'tls');
    }
    // The default CA of the server: AMB's CA has no name to pass.
    const { FabricCAServices, User } = fabricSdk();
    const services = new FabricCAServices(connection.url, { trustedRoots: [connection.tlsChain], verify: true }, '', nativeKeySuite());
    const enrollment = await call(connection, `enroll the CA admin ${connection.adminUsername}`, () =>
      services.enroll({ enrollmentID: connection.adminUsername, enrollmentSecret: connection.adminPassword }),
    );
    const admin = User.createUser(connection.adminUsername, '', connection.mspId, enrollment.certificate, enrollment.key!.toBytes());
    return new FabricCa(services, admin, connection);
  }

  /** The registered identity, or undefined when the CA does not know it. */
  async identity(name: string): Promise<RegisteredIdentity | undefined> {
    const response = await this.optional(`read identity ${name}`, () => this.services.newIdentityService().getOne(name, this.admin));
    if (!response) return undefined;
    const result = response.result as { type: string; affiliation: string; attrs?: { name: string; value: string; ecert?: boolean }[] };
    return { type: result.type, affiliation: result.affiliation, attributes: (result.attrs ?? []).map(toAttribute) };
  }

  /** Creates the affiliation (and its parents) unless it exists; AMB's CA has the member's already. */
  async ensureAffiliation(affiliation: string): Promise<boolean> {
    const service = this.services.newAffiliationService();
    if (await this.optional(`read affiliation ${affiliation}`, () => service.getOne(affiliation, this.admin))) return false;
    await call(this.connection, `create affiliation ${affiliation}`, () => service.create({ name: affiliation, force: true }, this.admin));
    return true;
  }

  /** Registers the identity with a one-time secret made here and returns that secret for the enrollment that follows. */
  async register(name: string, registration: Registration): Promise<string> {
    const secret = newEnrollmentSecret();
    await call(this.connection, `register ${name}`, () =>
      this.services.register(
        // maxEnrollments 0: the CA's own limit (fabric-ca "registry.maxenrollments").
        { enrollmentID: name, enrollmentSecret: secret, role: registration.type, affiliation: registration.affiliation, maxEnrollments: 0, attrs: [...registration.attributes] },
        this.admin,
      ),
    );
    return secret;
  }

  /** Updates type, affiliation and attributes (an empty value removes an attribute). */
  async update(name: string, registration: Registration): Promise<void> {
    await call(this.connection, `update ${name}`, () =>
      this.services.newIdentityService().update(name, { enrollmentID: name, type: registration.type, affiliation: registration.affiliation, attrs: [...registration.attributes] }, this.admin),
    );
  }

  /** Gives a registered identity a new one-time secret (its old one is unknown by design) and returns it. */
  async resetSecret(name: string): Promise<string> {
    const secret = newEnrollmentSecret();
    // The response echoes the secret: it is dropped here, never logged.
    await call(this.connection, `reset the enrollment secret of ${name}`, () => this.services.newIdentityService().update(name, { enrollmentID: name, affiliation: undefined as never, enrollmentSecret: secret }, this.admin));
    return secret;
  }

  /** Enrolls with a key made in this process; the certificate carries the identity's ecert attributes. */
  async enroll(name: string, secret: string): Promise<Enrollment> {
    const response = await call(this.connection, `enroll ${name}`, () => this.services.enroll({ enrollmentID: name, enrollmentSecret: secret }));
    return { certificate: response.certificate, privateKey: response.key!.toBytes() };
  }

  /** Re-enrolls with the current certificate and key: a new key, a certificate with the identity's current ecert attributes. */
  async reenroll(name: string, current: Enrollment): Promise<Enrollment> {
    const user = fabricSdk().User.createUser(name, '', this.connection.mspId, current.certificate, current.privateKey);
    // No attribute requests: the CA then includes every attribute registered with ecert=true.
    const response = await call(this.connection, `re-enroll ${name}`, () => this.services.reenroll(user, undefined as never));
    return { certificate: response.certificate, privateKey: response.key!.toBytes() };
  }

  private async optional<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call(this.connection, what, request);
    } catch (error) {
      if (error instanceof FabricCaError && error.kind === 'refused' && new RegExp(`code: ${CA_ERRORS.notFound}\\b`).test(error.message)) return undefined;
      throw error;
    }
  }
}

/**
 * The SDK's ECDSA P-256 crypto suite without a key store (keys stay in memory), whose new keys
 * come from Node's native crypto: the SDK's own pure-JavaScript key generation takes seconds
 * on a busy machine. CSRs and request signatures are still the SDK's.
 */
function nativeKeySuite(): ICryptoSuite {
  const suite = fabricSdk().Utils.newCryptoSuite({ software: true, keysize: 256, hash: 'SHA2' });
  const newKey = (): ICryptoKey => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return suite.createKeyFromRaw(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  };
  return Object.assign(suite, { generateEphemeralKey: newKey, generateKey: async () => newKey() });
}

function toAttribute(attribute: { name: string; value: string; ecert?: boolean }): IdentityAttribute {
  return { name: attribute.name, value: attribute.value, ecert: attribute.ecert === true };
}

function newEnrollmentSecret(): string {
  return randomBytes(24).toString('base64url');
}

const TLS_ERROR = /certificate|self[- ]signed|unable to verify|altnames|UNABLE_TO|CERT_|SSL|TLS/i;

/** Runs one CA request and turns its failure into a FabricCaError that says what to do. */
async function call<T>(connection: FabricCaConnection, what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const detail = flatten((error as Error).message ?? String(error));
    if (new RegExp(`code: ${CA_ERRORS.authentication}\\b`).test(detail) && what.startsWith('enroll the CA admin')) {
      throw new FabricCaError(
        `Fabric CA ${connection.url} refused the admin ${connection.adminUsername} (${detail}): the password in the member's admin secret does not match the CA; restore the secret's password or reset it with AMB before the next run`,
        'admin-credentials',
      );
    }
    if (/Calling \S+ endpoint failed/.test(detail) && TLS_ERROR.test(detail)) {
      throw new FabricCaError(
        `could not ${what}: the TLS certificate of ${connection.url} does not verify against the configured chain (${detail}); check that the chain is AMB's current TLS chain for the region (verification is never turned off)`,
        'tls',
      );
    }
    if (/Calling \S+ endpoint failed/.test(detail)) {
      throw new FabricCaError(`could not ${what}: ${connection.url} did not answer (${detail}); check the VPC endpoint, its security group and that the member is AVAILABLE`, 'unreachable');
    }
    throw new FabricCaError(`could not ${what}: ${detail}`, 'refused');
  }
}

function flatten(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

/**
 * Where each identity's key and certificate live: one Secrets Manager secret per identity,
 * created by the member's stack with its customer-managed KMS key (so the stack, not this
 * code, decides encryption and access), written here with PutSecretValue.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { OperationalError } from '../errors';
import type { Enrollment } from './fabric-ca';

/** The JSON an identity's secret holds. Applications read `certificate` and `privateKey` (PEM). */
export interface IdentitySecretValue extends Enrollment {
  readonly enrollmentId: string;
  /** MSP id to present the identity under (the AMB member id). */
  readonly mspId: string;
}

export { identitySecretName, identitySecretPrefix } from './names';

export interface IdentitySecretStore {
  /** The stored enrollment; undefined while the secret has no value yet. */
  read(identity: string): Promise<IdentitySecretValue | undefined>;
  write(identity: string, value: IdentitySecretValue): Promise<void>;
  /** The secret's name, for reports. */
  locate(identity: string): string;
}

/** The identity secrets of one member in Secrets Manager. */
export class SecretsManagerIdentityStore implements IdentitySecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
  ) {}

  locate(identity: string): string {
    return `${this.prefix}${identity}`;
  }

  async read(identity: string): Promise<IdentitySecretValue | undefined> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.locate(identity) }));
      return SecretString ? (JSON.parse(SecretString) as IdentitySecretValue) : undefined;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException) && (error as Error).name !== 'ResourceNotFoundException') throw error;
      // A secret that exists without a value yet: "can't find the specified secret value".
      if (/secret value/i.test((error as Error).message)) return undefined;
      throw new OperationalError(`secret ${this.locate(identity)} does not exist: deploy the member's stack, which creates one secret per identity in identities:`);
    }
  }

  async write(identity: string, value: IdentitySecretValue): Promise<void> {
    await this.client.send(new PutSecretValueCommand({ SecretId: this.locate(identity), SecretString: JSON.stringify(value) }));
  }
}

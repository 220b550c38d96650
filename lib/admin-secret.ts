/**
 * The Fabric CA admin secret of an adopted member, whose password a person chose in the
 * console: read from stdin without echo and kept in a Secrets Manager secret of the member's
 * account as `{"username","password"}` (the shape the Fabric client enrolls from). The
 * password is never printed, written to a file or passed to Terraform.
 */
import { CreateSecretCommand, DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ADMIN_PASSWORD } from './amb';
import { UsageError } from './errors';
import { requestToken } from './governance/request-token';

/** Name of the secret adopt stores: `amb/<network name>/<member>/admin`. */
export function adminSecretName(networkName: string, member: string): string {
  return `amb/${networkName}/${member}/admin`;
}

/**
 * Why AMB would refuse a password, or undefined when it is acceptable. The password itself
 * never appears in the message. Rules: AMB API reference, MemberFabricConfiguration.AdminPassword.
 */
export function adminPasswordProblem(password: string): string | undefined {
  if (password.length < ADMIN_PASSWORD.minLength || password.length > ADMIN_PASSWORD.maxLength) {
    return `the password has ${password.length} characters; AMB admin passwords have ${ADMIN_PASSWORD.minLength}-${ADMIN_PASSWORD.maxLength}`;
  }
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password)) return 'the password needs a lower-case letter, an upper-case letter and a digit, as AMB requires';
  const refused = [...ADMIN_PASSWORD.excludeCharacters].filter((char) => password.includes(char));
  if (refused.length > 0) return `the password contains ${refused.map((char) => (char === ' ' ? 'a space' : `'${char}'`)).join(', ')}, which AMB refuses`;
  return undefined;
}

export interface StoredSecret {
  readonly arn: string;
  /** `stored`: created now; `existed`: a secret of that name was there and is left unchanged. */
  readonly outcome: 'stored' | 'existed';
}

/**
 * Creates the secret, or returns the one of that name that exists (left unchanged: its value
 * may be the right password already). The request token derives from the member, so a retry
 * after a lost answer does not create a second version.
 */
export async function storeAdminSecret(
  client: SecretsManagerClient,
  options: { readonly name: string; readonly username: string; readonly password: string; readonly memberId: string; readonly description: string },
): Promise<StoredSecret> {
  try {
    const created = await client.send(
      new CreateSecretCommand({
        Name: options.name,
        Description: options.description,
        SecretString: JSON.stringify({ username: options.username, password: options.password }),
        ClientRequestToken: requestToken(['admin-secret', options.memberId, options.name]).slice(0, 64),
      }),
    );
    return { arn: created.ARN!, outcome: 'stored' };
  } catch (error) {
    if ((error as Error).name !== 'ResourceExistsException') throw error;
    const existing = await client.send(new DescribeSecretCommand({ SecretId: options.name }));
    return { arn: existing.ARN!, outcome: 'existed' };
  }
}

/**
 * Reads one line from stdin. On a terminal nothing is echoed (raw mode) and the prompt goes to
 * stderr; from a pipe the first line is taken.
 */
export async function readPasswordFromStdin(prompt: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      stdin.on('data', (data: Buffer) => {
        for (const char of data.toString('utf8')) {
          if (char === '\r' || char === '\n') return resolve(typed);
          if (char === '\u0003') return reject(new UsageError('adopt: cancelled; nothing was stored'));
          typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
        }
      });
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    stderr.write('\n');
  }
}

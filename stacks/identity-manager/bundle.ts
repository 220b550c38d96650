/**
 * The identity manager's deployment package, built at synth: one esbuild bundle of
 * stacks/identity-manager/index.ts (fabric-ca-client, the AWS SDK clients and lib/identities
 * included), the .proto files the Fabric SDK's fabric-protos loads beside it at run time
 * (the SDK's common module requires them even for CA calls), and the member's settings,
 * zipped reproducibly: the same config gives the same bytes and plans no change.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Consortium, Member } from '../../lib/config/types';
import { identitySecretPrefix } from '../../lib/identities/names';
import { contentAddressedFile, nodeBundle } from '../node-bundle';
import { zip, type ZipEntry } from '../voter/zip';
import type { IdentityManagerSettings } from './handler';
import { SETTINGS_FILE } from './settings-file';
import { PROJECT_ROOT } from '../../lib/project-root';

const ROOT = PROJECT_ROOT;
let shared: ZipEntry[] | undefined;

/** The bundle and the proto files, built once per process: every member's package shares them. */
function sharedEntries(): ZipEntry[] {
  if (shared === undefined) {
    const protos = dirname(require.resolve('fabric-protos/fabric.proto', { paths: [ROOT] }));
    const protoFiles = ['fabric.proto', ...filesUnder(protos, 'google-protos'), ...filesUnder(protos, 'protos')];
    shared = [
      { name: 'index.js', data: nodeBundle('stacks/identity-manager/index.ts', 'identity-manager') },
      ...protoFiles.map((name) => ({ name, data: readFileSync(join(protos, name)) })),
    ];
  }
  return shared;
}

function filesUnder(root: string, folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true })
    .map((entry) => join(folder, String(entry)))
    .filter((path) => statSync(join(root, path)).isFile() && path.endsWith('.proto'))
    .map((path) => relative('.', path).split('\\').join('/'))
    .sort();
}

/** The settings baked for one member: its identities, threshold and secret prefix. */
export function identityManagerSettings(consortium: Consortium, member: Member): IdentityManagerSettings {
  return {
    member: member.name,
    identities: member.identities,
    renewBeforeDays: member.identityRenewal.renewBeforeDays,
    secretPrefix: identitySecretPrefix(consortium.network.name, member.name),
  };
}

/** The member's deployment package as a zip file named by the hash of its content. */
export function identityManagerPackage(settings: IdentityManagerSettings): string {
  const archive = zip([...sharedEntries(), { name: SETTINGS_FILE, data: Buffer.from(`${JSON.stringify(settings, null, 2)}\n`) }]);
  return contentAddressedFile('identities', '.zip', archive);
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fabricBinaries, type FabricBinaries } from '../../sim/fabric/binaries';
import { installFabric } from '../../sim/fabric/install';

/**
 * The folder of Fabric archives tests install from: FABRIC_ARCHIVES, else `../shared/fabric`
 * beside the repository (where CI keeps them), else none (an existing install must do).
 */
export function fabricArchives(): string | undefined {
  if (process.env.FABRIC_ARCHIVES) return resolve(process.env.FABRIC_ARCHIVES);
  const sibling = resolve(__dirname, '..', '..', '..', 'shared', 'fabric');
  return existsSync(sibling) ? sibling : undefined;
}

/**
 * Installs Fabric from the archives when given (a no-op once unpacked) and returns the
 * binaries; fails (never skips) with the install command when Fabric is missing.
 */
export async function requireFabric(): Promise<FabricBinaries> {
  const archives = fabricArchives();
  if (archives) await installFabric({ archives });
  return fabricBinaries({ checkRuns: true });
}

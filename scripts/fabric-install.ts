/**
 * `npm run fabric:install`: unpacks the pinned Hyperledger Fabric releases into `.fabric/`
 * (or FABRIC_HOME), once. `FABRIC_ARCHIVES=DIR` takes the archives from DIR, checked against
 * DIR/SHA256SUMS; without it, Hyperledger's release archives are downloaded and their SHA-256
 * printed for comparison with the release page.
 */
import { runMain } from '../lib/cli';
import { UsageError } from '../lib/errors';
import { fabricBinaries } from '../sim/fabric/binaries';
import { installFabric } from '../sim/fabric/install';
import { FABRIC_AMB, FABRIC_CA, FABRIC_LTS } from '../sim/fabric/versions';

const USAGE = `usage: [FABRIC_ARCHIVES=DIR] [FABRIC_HOME=DIR] npm run fabric:install

Unpacks Fabric ${FABRIC_AMB.version} (AMB's line), ${FABRIC_LTS.version} and Fabric CA ${FABRIC_CA.version} into .fabric/ (FABRIC_HOME), once.
  FABRIC_ARCHIVES=DIR  take the archives from DIR, each checked against DIR/SHA256SUMS
  (unset)              download Hyperledger's official release archives and print their SHA-256`;

void runMain(async () => {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args[0])}\n${USAGE}`);
  await installFabric({ archives: process.env.FABRIC_ARCHIVES || undefined, progress: (line) => process.stdout.write(`${line}\n`) });
  const binaries = fabricBinaries({ checkRuns: true });
  process.stdout.write(`Fabric ready in ${binaries.home}\n`);
});

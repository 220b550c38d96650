/**
 * The order in which jest hands test files to its workers: longest first, so that no long file
 * starts last and runs alone while the other worker idles.
 *
 * Jest's own sequencer orders by the durations it cached from earlier runs, and by file size
 * when it has none: on a fresh clone (as in CI) that puts `rehearse-fabric`, a small file that
 * runs for two minutes, near the end. Here a file without a cached duration takes its duration
 * from ESTIMATED_SECONDS (measured in a whole `npm test` on a quiet 2-core machine), and any
 * other file counts as one second. Durations only order files; nothing is timed or asserted.
 */
const DefaultSequencer = require('@jest/test-sequencer').default;
const { relative } = require('node:path');

/**
 * Seconds a file took within a whole `npm test` on a quiet 2-core machine, for every file that
 * takes about 3 s or more: on a fresh clone, a 10-second file left among the 1-second ones
 * would start near the end and run alone while the other worker idles.
 */
const ESTIMATED_SECONDS = {
  'tests/rehearse-fabric.test.ts': 86,
  'tests/offchain-ledger.test.ts': 52,
  'tests/archive-fabric.test.ts': 49,
  'tests/fabric-channel-members.test.ts': 35,
  'tests/fabric-client-boot.test.ts': 19,
  'tests/sim/aws-cli.test.ts': 17,
  'tests/archive-moto.test.ts': 17,
  'tests/offline-validation.test.ts': 17,
  'tests/offchain-moto.test.ts': 16,
  'tests/adoption-stacks.test.ts': 16,
  'tests/diagram.test.ts': 12,
  'tests/fabric-ssm-transport.test.ts': 12,
  'tests/fabric-client.test.ts': 11,
  'tests/sim/fabric.test.ts': 11,
  'tests/ledger-ssm-command.test.ts': 11,
  'tests/governance-commands.test.ts': 10,
  'tests/synth-cli.test.ts': 10,
  'tests/fabric-network.test.ts': 8,
  'tests/terraform-literal.test.ts': 7.5,
  'tests/ledger-steps-stack.test.ts': 6.5,
  'tests/identities-ca.test.ts': 6,
  'tests/sim/moto.test.ts': 6,
  'tests/offchain-store.test.ts': 5.5,
  'tests/governance-e2e.test.ts': 5,
  'tests/voter-bundle-cache.test.ts': 5,
  'tests/rehearse-adopt.test.ts': 5,
  'tests/ledger-regions.test.ts': 5,
  'tests/voter.test.ts': 4.5,
  'tests/fabric-package.test.ts': 4.4,
  'tests/members.test.ts': 4.3,
  'tests/fabric-plans.test.ts': 4.2,
  'tests/workflows.test.ts': 3.9,
  'tests/invariants.test.ts': 3.5,
  'tests/sim/cli.test.ts': 3.3,
  'tests/launcher.test.ts': 3.3,
  'tests/stacks.test.ts': 3.2,
};

class LongestFirstSequencer extends DefaultSequencer {
  time(test) {
    const cached = super.time(test);
    if (cached !== undefined) return cached;
    const path = relative(test.context.config.rootDir, test.path).split('\\').join('/');
    return (ESTIMATED_SECONDS[path] ?? 1) * 1000;
  }
}

module.exports = LongestFirstSequencer;

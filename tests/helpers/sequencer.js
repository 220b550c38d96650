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

/** Seconds a file took within a whole `npm test`, for files that take 15 s or more. */
const ESTIMATED_SECONDS = {
  'tests/rehearse-fabric.test.ts': 140,
  'tests/offchain-ledger.test.ts': 85,
  'tests/offline-validation.test.ts': 73,
  'tests/fabric-ledger.test.ts': 69,
  'tests/archive-fabric.test.ts': 68,
  'tests/fabric-channel-members.test.ts': 42,
  'tests/sim/aws-cli.test.ts': 34,
  'tests/fabric-client-boot.test.ts': 34,
  'tests/identities-ca.test.ts': 32,
  'tests/adoption-stacks.test.ts': 32,
  'tests/archive-moto.test.ts': 29,
  'tests/fabric-ssm-transport.test.ts': 27,
  'tests/fabric-client.test.ts': 27,
  'tests/offchain-moto.test.ts': 24,
  'tests/ledger-ssm-command.test.ts': 22,
  'tests/sim/fabric.test.ts': 22,
  'tests/diagram.test.ts': 16,
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

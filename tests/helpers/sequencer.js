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

/** Seconds a file took within a whole `npm test` on a fresh clone (CI), for the files that take about 15 s or more. */
const ESTIMATED_SECONDS = {
  'tests/rehearse-fabric.test.ts': 114,
  'tests/archive-fabric.test.ts': 65,
  'tests/offchain-ledger.test.ts': 80,
  'tests/offline-validation.test.ts': 25,
  'tests/fabric-channel-members.test.ts': 37,
  'tests/sim/aws-cli.test.ts': 26,
  'tests/fabric-client-boot.test.ts': 25,
  'tests/adoption-stacks.test.ts': 14,
  'tests/archive-moto.test.ts': 20,
  'tests/fabric-ssm-transport.test.ts': 18,
  'tests/offchain-moto.test.ts': 17,
  'tests/sim/fabric.test.ts': 16,
  'tests/fabric-client.test.ts': 15,
  'tests/ledger-ssm-command.test.ts': 15,
  'tests/diagram.test.ts': 14,
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

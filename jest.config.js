const { availableParallelism } = require('node:os');

/**
 * Pure-JavaScript big-number code that runs 25-90 times slower inside jest's vm context: bn.js
 * (under elliptic, the Fabric SDK's ECDSA) and jsrsasign (fabric-ca-client's CSRs). Loaded by
 * Node itself through tests/helpers/host-transform.js, whatever copy or version resolves.
 */
const HOST_LOADED_FILES = '(bn\\.js/lib/bn|jsrsasign/lib/jsrsasign)\\.js$';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/tests/helpers/environment.js',
  roots: ['<rootDir>/tests', '<rootDir>/chaincode'],
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    [`/node_modules/${HOST_LOADED_FILES}`]: '<rootDir>/tests/helpers/host-transform.js',
  },
  // node_modules stays untransformed, but for the files loaded outside jest's vm context.
  transformIgnorePatterns: [`/node_modules/(?!(.*/node_modules/)?${HOST_LOADED_FILES})`],
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.js',
  // Longest files first, also on a fresh clone where jest has no durations cached.
  testSequencer: '<rootDir>/tests/helpers/sequencer.js',
  // Files run in parallel even on two cores: many wait on terraform, moto_server, cfn-lint or
  // the aws CLI. No two files share a port (each picks free ones) or a fixed path.
  maxWorkers: Math.max(2, availableParallelism()),
  // A worker leaves when its event loop is empty. On a busy machine that takes more than jest's
  // default 500 ms even after a file of two trivial tests, and jest then kills it with a warning
  // about leaked handles that are not there; a worker that really leaks still gets killed.
  workerGracefulExitTimeout: 10000,
  // Generous for a shared machine whose load is 8: a few tests take 30 s on a quiet one.
  testTimeout: 300000,
};

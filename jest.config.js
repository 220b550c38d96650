const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests', '<rootDir>/chaincode'],
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
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

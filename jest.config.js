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
  // Generous for a shared machine whose load is 8: a few tests take 30 s on a quiet one.
  testTimeout: 300000,
};

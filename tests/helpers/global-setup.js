/**
 * Jest's global setup: compiles the npm scripts' entry points once (bin/build.js) before the
 * workers start, so test files that run commands as child processes through bin/run.js do not
 * each compile at the same time.
 */
const { buildScriptEntries } = require('../../bin/build');

module.exports = async () => {
  await buildScriptEntries();
};

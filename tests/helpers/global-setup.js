/**
 * Jest's global setup:
 * - compiles the npm scripts' entry points once (bin/build.js) before the workers start, so
 *   test files that run commands as child processes through bin/run.js do not each compile at
 *   the same time;
 * - makes the run's folder, `AMB_TEST_PROCESS_DIR`, where the workers record the servers they
 *   share between files (worker-moto.ts), and whose `tmp/` is the run's temporary folder
 *   (`TMPDIR`, so `os.tmpdir()` in tests and in every process they start): what a test or a
 *   library leaves there (cdktf's `Testing.app()` makes an output folder per app and never
 *   removes it) goes with the run. global-teardown.js stops the servers and removes the folder;
 * - when the Python tools (aws, moto_server, cfn-lint) are pyenv shims, puts the folder of the
 *   Python that pyenv selects first on PATH: each shim runs several bash processes before
 *   Python starts, about 0.3 s of CPU per call, and the tests call them about sixty times.
 *   The tools run are the same ones.
 * The workers start after this and inherit the environment.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync } = require('node:fs');
const { delimiter, join } = require('node:path');
const { tmpdir } = require('node:os');
const { buildScriptEntries } = require('../../bin/build');

/**
 * `<pyenv prefix>/bin` when pyenv is installed, selects one of its own Pythons (not the
 * system's) and that Python has one of the tools; else undefined.
 */
function pyenvBin() {
  const pyenv = (...args) => execFileSync('pyenv', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const bin = join(pyenv('prefix'), 'bin');
    const own = bin.startsWith(join(pyenv('root'), 'versions'));
    return own && ['aws', 'moto_server', 'cfn-lint'].some((tool) => existsSync(join(bin, tool))) ? bin : undefined;
  } catch {
    return undefined;
  }
}

module.exports = async () => {
  const run = mkdtempSync(join(tmpdir(), 'amb-test-run-'));
  mkdirSync(join(run, 'tmp'));
  process.env.AMB_TEST_PROCESS_DIR = run;
  process.env.TMPDIR = join(run, 'tmp');
  const python = pyenvBin();
  if (python) process.env.PATH = `${python}${delimiter}${process.env.PATH}`;
  await buildScriptEntries();
};

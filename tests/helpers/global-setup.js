/**
 * Jest's global setup:
 * - compiles the npm scripts' entry points once (bin/build.js) before the workers start, so
 *   test files that run commands as child processes through bin/run.js do not each compile at
 *   the same time;
 * - makes the run's folder, `AMB_TEST_PROCESS_DIR`, where the workers record the servers they
 *   share between files (worker-moto.ts), and whose `tmp/` is the run's temporary folder
 *   (`TMPDIR`, so `os.tmpdir()` in tests and in every process they start): what a test or a
 *   library leaves there (cdktf's `Testing.app()` makes an output folder per app and never
 *   removes it) goes with the run. global-teardown.js stops the servers and removes the folder.
 *   The folder is made in memory (`/dev/shm`) when that is a tmpfs with room to spare (see
 *   runBase), else in `os.tmpdir()`;
 * - when the Python tools (aws, moto_server, cfn-lint) are pyenv shims, puts the folder of the
 *   Python that pyenv selects first on PATH: each shim runs several bash processes before
 *   Python starts, about 0.3 s of CPU per call, and the tests call them about sixty times.
 *   The tools run are the same ones.
 * The workers start after this and inherit the environment.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } = require('node:fs');
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

/** Linux's magic number for a tmpfs file system (statfs(2)). */
const TMPFS_MAGIC = 0x01021994;

/**
 * Bytes a tmpfs must have free to hold a run: a whole `npm test` peaks at about 760 MB in its
 * temporary folder (Fabric ledgers, chaincode packages unpacked by each peer, cdktf outputs).
 */
const TMPFS_FREE_BYTES = 4 * 1024 ** 3;

/**
 * Where the run's folder is made: `env.AMB_TEST_TMP_BASE` when set; else `/dev/shm` when
 * `statfs` finds a tmpfs there with TMPFS_FREE_BYTES free for an unprivileged user, and a
 * folder can be made in it; else `os.tmpdir()`.
 *
 * Memory, because the suite writes many small files: each peer unpacks and copies a Node.js
 * chaincode package of 2,500 files on every install, and peers and orderers sync their ledgers
 * on every block. On an ext4 disk, unpacking that package costs about 1 s of system CPU; on
 * tmpfs 0.1 s (`tar xzf`, measured on a 2-core virtual machine).
 */
function runBase(env = process.env, statfs = statfsSync) {
  if (env.AMB_TEST_TMP_BASE) return env.AMB_TEST_TMP_BASE;
  try {
    const shm = statfs('/dev/shm');
    if (shm.type === TMPFS_MAGIC && shm.bavail * shm.bsize >= TMPFS_FREE_BYTES) {
      const probe = mkdtempSync('/dev/shm/amb-test-probe-');
      rmSync(probe, { recursive: true });
      return '/dev/shm';
    }
  } catch {
    // No /dev/shm, or not writable: the disk it is.
  }
  return tmpdir();
}

/** True while a process with this pid exists. */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Removes the folders of earlier runs under `base` whose jest process is gone (a run killed
 * before its teardown): in memory, they would hold RAM until the machine restarts.
 */
function removeAbandonedRuns(base) {
  for (const name of readdirSync(base)) {
    if (!name.startsWith('amb-test-run-')) continue;
    const folder = join(base, name);
    let owner;
    try {
      owner = Number(readFileSync(join(folder, 'owner-pid.txt'), 'utf8'));
    } catch {
      continue; // Not one this setup wrote, or not readable: leave it.
    }
    if (owner > 1 && !alive(owner)) rmSync(folder, { recursive: true, force: true });
  }
}

module.exports = async () => {
  const base = runBase();
  removeAbandonedRuns(base);
  const run = mkdtempSync(join(base, 'amb-test-run-'));
  writeFileSync(join(run, 'owner-pid.txt'), String(process.pid));
  mkdirSync(join(run, 'tmp'));
  process.env.AMB_TEST_PROCESS_DIR = run;
  process.env.TMPDIR = join(run, 'tmp');
  const python = pyenvBin();
  if (python) process.env.PATH = `${python}${delimiter}${process.env.PATH}`;
  await buildScriptEntries();
};
module.exports.runBase = runBase;
module.exports.removeAbandonedRuns = removeAbandonedRuns;
module.exports.TMPFS_FREE_BYTES = TMPFS_FREE_BYTES;

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
 *   The folder is made in memory (`/dev/shm`) when that is a usable tmpfs with room to spare
 *   (runBase), else in `os.tmpdir()`; folders that killed runs left behind are removed first
 *   (removeAbandonedRuns);
 * - when the Python tools (aws, moto_server, cfn-lint) are pyenv shims, puts the folder of the
 *   Python that pyenv selects first on PATH: each shim runs several bash processes before
 *   Python starts, about 0.3 s of CPU per call, and the tests call them about sixty times.
 *   The tools run are the same ones.
 * The workers start after this and inherit the environment.
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statfsSync, statSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { delimiter, join, resolve } = require('node:path');
const { tmpdir } = os;
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
 * Bytes of memory the machine must have available (`os.freemem()`, MemAvailable on Linux) for
 * the folder to go in memory: the folder's TMPFS_FREE_BYTES, and as much again for the
 * processes of the run (Fabric networks, moto_server, jest workers), as there may be no swap.
 */
const MEMORY_FREE_BYTES = 2 * TMPFS_FREE_BYTES;

/** The name of the file in a run's folder that says which process owns it. */
const OWNER_FILE = 'owner.json';

/**
 * True when a program in `folder` can run: a tmpfs mounted `noexec` (Docker's /dev/shm, and
 * hardened hosts') takes files but refuses to run them, and the tests run stubs from TMPDIR.
 */
function canRunProgramsIn(folder) {
  const probe = join(folder, 'probe.sh');
  writeFileSync(probe, '#!/bin/sh\nexit 0\n', { mode: 0o700 });
  try {
    execFileSync(probe, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the run's folder is made, as an absolute path, and why.
 * - `env.AMB_TEST_TMP_BASE` when set (made absolute); it must be an existing folder, else this
 *   throws an error that names the variable.
 * - Else `/dev/shm` when `statfs` finds a tmpfs there with TMPFS_FREE_BYTES free for an
 *   unprivileged user, the machine has MEMORY_FREE_BYTES available (`freemem`), and a program
 *   can be made and run in a folder there.
 * - Else `os.tmpdir()`.
 *
 * Memory, because the suite writes many small files: each peer unpacks and copies a Node.js
 * chaincode package of 2,500 files on every install, and peers and orderers sync their ledgers
 * on every block. On an ext4 disk, unpacking that package costs about 1 s of system CPU; on
 * tmpfs 0.1 s (`tar xzf`, measured on a 2-core virtual machine).
 * @returns {{ base: string, reason: string }}
 */
function runBase(env = process.env, statfs = statfsSync, freemem = os.freemem) {
  if (env.AMB_TEST_TMP_BASE) {
    const base = resolve(env.AMB_TEST_TMP_BASE);
    if (!statSync(base, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`AMB_TEST_TMP_BASE=${env.AMB_TEST_TMP_BASE} is not an existing folder: make it, or unset AMB_TEST_TMP_BASE to let the tests choose`);
    }
    return { base, reason: 'AMB_TEST_TMP_BASE' };
  }
  try {
    const shm = statfs('/dev/shm');
    if (shm.type === TMPFS_MAGIC && shm.bavail * shm.bsize >= TMPFS_FREE_BYTES && freemem() >= MEMORY_FREE_BYTES) {
      const probe = mkdtempSync('/dev/shm/amb-test-probe-');
      try {
        if (canRunProgramsIn(probe)) return { base: '/dev/shm', reason: 'in memory' };
      } finally {
        rmSync(probe, { recursive: true, force: true });
      }
    }
  } catch {
    // No /dev/shm, or not writable: the disk it is.
  }
  return { base: tmpdir(), reason: 'on disk' };
}

/**
 * When process `pid` started, in clock ticks since boot (/proc/<pid>/stat field 22, counted
 * after the command name, which may hold spaces), or undefined when there is no such process.
 */
function startTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Who process `pid` is, in the terms a later run compares: the machine's boot, this pid
 * namespace, the pid and its start time, so neither a restart, another container nor a reused
 * pid passes for that run. Undefined where /proc does not say.
 */
function processIdentity(pid) {
  try {
    const started = startTime(pid);
    if (started === undefined) return undefined;
    return {
      bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      pidNamespace: readlinkSync('/proc/self/ns/pid'),
      pid,
      startTime: started,
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether the run that wrote `owner` (an OWNER_FILE's content) has ended: true when the
 * machine has restarted since, or when, in this pid namespace, its pid is gone or now belongs
 * to a process started at another time. A run in another pid namespace (another container
 * sharing the folder) cannot be judged, so it counts as running. `self` is this process's
 * identity, read once by the caller.
 */
function ownerEnded(owner, self = processIdentity(process.pid)) {
  if (!self || !owner || typeof owner.bootId !== 'string' || !Number.isInteger(owner.pid) || owner.pid <= 1) return false;
  if (owner.bootId !== self.bootId) return true;
  if (owner.pidNamespace !== self.pidNamespace) return false;
  return startTime(owner.pid) !== owner.startTime;
}

/**
 * Removes the folders of earlier runs under each of `bases` whose jest process has ended (a
 * run killed before its teardown): in memory, they would hold RAM until the machine restarts.
 * A folder without a readable OWNER_FILE is left alone; one that cannot be removed is named
 * in a warning and left.
 */
function removeAbandonedRuns(bases, warn = (text) => process.stderr.write(`${text}\n`), remove = (folder) => rmSync(folder, { recursive: true, force: true })) {
  const self = processIdentity(process.pid);
  for (const base of new Set(bases)) {
    let names;
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith('amb-test-run-')) continue;
      const folder = join(base, name);
      let owner;
      try {
        owner = JSON.parse(readFileSync(join(folder, OWNER_FILE), 'utf8'));
      } catch {
        continue; // Not one this setup wrote, not readable, or half written: leave it.
      }
      if (!ownerEnded(owner, self)) continue;
      try {
        remove(folder);
      } catch (error) {
        warn(`tests: could not remove ${folder}, left by a run that has ended (${error.message}); remove it by hand`);
      }
    }
  }
}

module.exports = async () => {
  const { base, reason } = runBase();
  removeAbandonedRuns(['/dev/shm', tmpdir(), base]);
  const run = mkdtempSync(join(base, 'amb-test-run-'));
  writeFileSync(join(run, OWNER_FILE), JSON.stringify(processIdentity(process.pid) ?? {}));
  mkdirSync(join(run, 'tmp'));
  process.stderr.write(`tests: temporary folder ${join(run, 'tmp')} (${reason})\n`);
  process.env.AMB_TEST_PROCESS_DIR = run;
  process.env.TMPDIR = join(run, 'tmp');
  const python = pyenvBin();
  if (python) process.env.PATH = `${python}${delimiter}${process.env.PATH}`;
  await buildScriptEntries();
};
module.exports.runBase = runBase;
module.exports.removeAbandonedRuns = removeAbandonedRuns;
module.exports.processIdentity = processIdentity;
module.exports.ownerEnded = ownerEnded;
module.exports.TMPFS_FREE_BYTES = TMPFS_FREE_BYTES;
module.exports.MEMORY_FREE_BYTES = MEMORY_FREE_BYTES;
module.exports.OWNER_FILE = OWNER_FILE;

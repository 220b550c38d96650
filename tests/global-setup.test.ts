/**
 * Where jest's global setup (tests/helpers/global-setup.js) makes the run's temporary folder,
 * and which folders of earlier runs it removes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, type StatsFs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Identity {
  bootId: string;
  pidNamespace: string;
  pid: number;
  startTime: string;
}
interface GlobalSetup {
  runBase(
    env: NodeJS.ProcessEnv,
    statfs?: (path: string) => Pick<StatsFs, 'type' | 'bavail' | 'bsize'>,
    freemem?: () => number,
  ): { base: string; reason: string };
  removeAbandonedRuns(bases: string[], warn?: (text: string) => void, remove?: (folder: string) => void): void;
  processIdentity(pid: number): Identity | undefined;
  ownerEnded(owner: unknown, self?: Identity): boolean;
  TMPFS_FREE_BYTES: number;
  MEMORY_FREE_BYTES: number;
  OWNER_FILE: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const setup: GlobalSetup = require('./helpers/global-setup');

const TMPFS = 0x01021994;
const EXT4 = 0xef53;
const fileSystem = (type: number, freeBytes: number) => () => ({ type, bavail: freeBytes / 4096, bsize: 4096 });
const plenty = () => 4 * setup.MEMORY_FREE_BYTES;

/** The pid of a process that has exited. */
function deadPid(): number {
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(gone.stdout);
  expect(pid).toBeGreaterThan(1);
  return pid;
}

describe('runBase: the folder that holds the run folder', () => {
  test('AMB_TEST_TMP_BASE wins over everything, made absolute', () => {
    const base = mkdtempSync(join(tmpdir(), 'override-'));
    try {
      expect(setup.runBase({ AMB_TEST_TMP_BASE: base }, fileSystem(TMPFS, 2 * setup.TMPFS_FREE_BYTES), plenty)).toEqual({ base, reason: 'AMB_TEST_TMP_BASE' });
      const relative = join('.', 'tests');
      expect(setup.runBase({ AMB_TEST_TMP_BASE: relative }).base).toBe(resolve(relative));
    } finally {
      rmSync(base, { recursive: true });
    }
  });

  test('an AMB_TEST_TMP_BASE that is not an existing folder is refused, naming the variable', () => {
    expect(() => setup.runBase({ AMB_TEST_TMP_BASE: '/nonexistent/base' })).toThrow(
      'AMB_TEST_TMP_BASE=/nonexistent/base is not an existing folder: make it, or unset AMB_TEST_TMP_BASE to let the tests choose',
    );
  });

  test('/dev/shm when it is a tmpfs with room for a run, enough memory, and programs run there', () => {
    // Makes, runs and removes a probe in /dev/shm: only where this machine has a usable one.
    const expected = existsSync('/dev/shm') ? { base: '/dev/shm', reason: 'in memory' } : { base: tmpdir(), reason: 'on disk' };
    expect(setup.runBase({}, fileSystem(TMPFS, setup.TMPFS_FREE_BYTES), plenty)).toEqual(expected);
  });

  test('the disk when /dev/shm is a small tmpfs (a container\'s 64 MB), not a tmpfs, missing, or memory is short', () => {
    const disk = { base: tmpdir(), reason: 'on disk' };
    expect(setup.runBase({}, fileSystem(TMPFS, 64 * 1024 ** 2), plenty)).toEqual(disk);
    expect(setup.runBase({}, fileSystem(TMPFS, setup.TMPFS_FREE_BYTES - 4096), plenty)).toEqual(disk);
    expect(setup.runBase({}, fileSystem(EXT4, 100 * setup.TMPFS_FREE_BYTES), plenty)).toEqual(disk);
    expect(setup.runBase({}, fileSystem(TMPFS, 100 * setup.TMPFS_FREE_BYTES), () => setup.MEMORY_FREE_BYTES - 1)).toEqual(disk);
    const missing = () => {
      throw Object.assign(new Error("ENOENT: no such file or directory, statfs '/dev/shm'"), { code: 'ENOENT' });
    };
    expect(setup.runBase({}, missing, plenty)).toEqual(disk);
  });
});

describe('ownerEnded: whether the run that wrote an owner file is over', () => {
  const self = setup.processIdentity(process.pid)!;

  test('this process reads its own identity from /proc', () => {
    expect(self).toEqual({ bootId: expect.stringMatching(/^[0-9a-f-]{36}$/), pidNamespace: expect.stringMatching(/^pid:\[\d+\]$/), pid: process.pid, startTime: expect.stringMatching(/^\d+$/) });
  });

  test('a running owner has not ended; one whose pid is gone, or reused by a later process, has', () => {
    expect(setup.ownerEnded(self)).toBe(false);
    expect(setup.ownerEnded({ ...self, pid: deadPid() })).toBe(true);
    expect(setup.ownerEnded({ ...self, startTime: String(Number(self.startTime) - 1) })).toBe(true);
  });

  test('an owner from before the machine restarted has ended; one in another pid namespace cannot be judged and counts as running', () => {
    expect(setup.ownerEnded({ ...self, bootId: '00000000-0000-0000-0000-000000000000', pid: deadPid() })).toBe(true);
    expect(setup.ownerEnded({ ...self, pidNamespace: 'pid:[1]', pid: deadPid() })).toBe(false);
  });

  test('an owner file that is not what the setup writes never counts as ended', () => {
    for (const owner of [null, 42, {}, { ...self, pid: 1 }, { ...self, pid: 'x' }, { ...self, bootId: undefined }]) expect(setup.ownerEnded(owner)).toBe(false);
  });
});

describe('removeAbandonedRuns', () => {
  let disk: string;
  let memory: string;
  beforeEach(() => {
    disk = mkdtempSync(join(tmpdir(), 'abandoned-runs-'));
    memory = mkdtempSync(join(tmpdir(), 'abandoned-runs-memory-'));
  });
  afterEach(() => {
    rmSync(disk, { recursive: true, force: true });
    rmSync(memory, { recursive: true, force: true });
  });

  const runFolder = (base: string, name: string, owner?: unknown) => {
    const folder = join(base, name);
    mkdirSync(join(folder, 'tmp'), { recursive: true });
    writeFileSync(join(folder, 'tmp', 'ledger.bin'), 'x');
    if (owner !== undefined) writeFileSync(join(folder, setup.OWNER_FILE), typeof owner === 'string' ? owner : JSON.stringify(owner));
    return folder;
  };

  test('removes, in every base it is given, the run folders whose jest process has ended, and only those', async () => {
    const self = setup.processIdentity(process.pid)!;
    // A live process other than this one, stopped at the end of the test.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolveSpawn) => other.once('spawn', resolveSpawn));
      const living = setup.processIdentity(other.pid!)!;
      const ended = { ...self, pid: deadPid() };

      const abandonedOnDisk = runFolder(disk, 'amb-test-run-dead', ended);
      const abandonedInMemory = runFolder(memory, 'amb-test-run-dead', ended);
      const running = runFolder(disk, 'amb-test-run-live', living);
      const otherContainer = runFolder(memory, 'amb-test-run-elsewhere', { ...ended, pidNamespace: 'pid:[1]' });
      const noOwner = runFolder(disk, 'amb-test-run-noowner');
      const halfWritten = runFolder(disk, 'amb-test-run-half', '{"bootId": "');
      const someoneElses = runFolder(disk, 'other-folder', ended);

      const warnings: string[] = [];
      setup.removeAbandonedRuns([disk, memory, disk, join(disk, 'missing')], (text) => warnings.push(text));

      expect(existsSync(abandonedOnDisk)).toBe(false);
      expect(existsSync(abandonedInMemory)).toBe(false);
      for (const kept of [running, otherContainer, noOwner, halfWritten, someoneElses]) expect(existsSync(kept)).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      other.kill();
    }
  });

  test('a folder it cannot remove is named in a warning, and the others are still removed', () => {
    const ended = { ...setup.processIdentity(process.pid)!, pid: deadPid() };
    const stuck = runFolder(disk, 'amb-test-run-stuck', ended);
    const removable = runFolder(disk, 'amb-test-run-removable', ended);
    const warnings: string[] = [];
    setup.removeAbandonedRuns(
      [disk],
      (text) => warnings.push(text),
      (folder) => {
        if (folder === stuck) throw new Error(`EACCES: permission denied, unlink '${folder}/tmp/ledger.bin'`);
        rmSync(folder, { recursive: true, force: true });
      },
    );
    expect(existsSync(removable)).toBe(false);
    expect(warnings).toEqual([`tests: could not remove ${stuck}, left by a run that has ended (EACCES: permission denied, unlink '${stuck}/tmp/ledger.bin'); remove it by hand`]);
  });
});

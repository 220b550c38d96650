/**
 * Where jest's global setup (tests/helpers/global-setup.js) makes the run's temporary folder,
 * and which folders of earlier runs it removes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, type StatsFs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface GlobalSetup {
  runBase(env: NodeJS.ProcessEnv, statfs: (path: string) => Pick<StatsFs, 'type' | 'bavail' | 'bsize'>): string;
  removeAbandonedRuns(base: string): void;
  TMPFS_FREE_BYTES: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const setup: GlobalSetup = require('./helpers/global-setup');

const TMPFS = 0x01021994;
const EXT4 = 0xef53;
const fileSystem = (type: number, freeBytes: number) => () => ({ type, bavail: freeBytes / 4096, bsize: 4096 });

describe('runBase: the folder that holds the run folder', () => {
  test('AMB_TEST_TMP_BASE wins over everything', () => {
    expect(setup.runBase({ AMB_TEST_TMP_BASE: '/somewhere/else' }, fileSystem(TMPFS, 2 * setup.TMPFS_FREE_BYTES))).toBe('/somewhere/else');
  });

  test('/dev/shm when it is a tmpfs with room for a run', () => {
    // Makes and removes a probe folder in /dev/shm: only where this machine has one.
    const expected = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    expect(setup.runBase({}, fileSystem(TMPFS, setup.TMPFS_FREE_BYTES))).toBe(expected);
  });

  test('the disk when /dev/shm is a small tmpfs (a container\'s 64 MB), not a tmpfs, or missing', () => {
    expect(setup.runBase({}, fileSystem(TMPFS, 64 * 1024 ** 2))).toBe(tmpdir());
    expect(setup.runBase({}, fileSystem(TMPFS, setup.TMPFS_FREE_BYTES - 4096))).toBe(tmpdir());
    expect(setup.runBase({}, fileSystem(EXT4, 100 * setup.TMPFS_FREE_BYTES))).toBe(tmpdir());
    const missing = () => {
      throw Object.assign(new Error("ENOENT: no such file or directory, statfs '/dev/shm'"), { code: 'ENOENT' });
    };
    expect(setup.runBase({}, missing)).toBe(tmpdir());
  });
});

describe('removeAbandonedRuns', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'abandoned-runs-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const runFolder = (name: string, owner?: number) => {
    const folder = join(base, name);
    mkdirSync(join(folder, 'tmp'), { recursive: true });
    writeFileSync(join(folder, 'tmp', 'ledger.bin'), 'x');
    if (owner !== undefined) writeFileSync(join(folder, 'owner-pid.txt'), String(owner));
    return folder;
  };

  test('removes the run folders whose jest process is gone, and only those', () => {
    // A pid that existed and has exited: the run that owned it was killed before its teardown.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(1);

    const abandoned = runFolder('amb-test-run-dead', deadPid);
    const running = runFolder('amb-test-run-live', process.pid);
    const unknownOwner = runFolder('amb-test-run-noowner');
    const someoneElses = runFolder('other-folder', deadPid);

    setup.removeAbandonedRuns(base);

    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(unknownOwner)).toBe(true);
    expect(existsSync(someoneElses)).toBe(true);
  });
});

/**
 * Jest's global teardown: stops every server the workers shared between test files
 * (worker-moto.ts records each as `<name>-<worker pid>-<port>.pid` in `AMB_TEST_PROCESS_DIR`,
 * holding the pid of the process group it leads), waits until each group is gone (SIGTERM,
 * then SIGKILL after 10 s), and removes the folder with the run's temporary folder in it.
 */
const { readFileSync, readdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

/** How long a server has to exit after SIGTERM before it is killed, in ms. */
const STOP_GRACE_MS = 10_000;

const alive = (group) => {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
};

async function stopGroup(group) {
  if (!alive(group)) return;
  process.kill(-group, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (alive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (alive(group)) process.kill(-group, 'SIGKILL');
}

module.exports = async () => {
  const folder = process.env.AMB_TEST_PROCESS_DIR;
  if (!folder) return;
  const groups = readdirSync(folder)
    .filter((name) => name.endsWith('.pid'))
    .map((name) => Number(readFileSync(join(folder, name), 'utf8')));
  await Promise.all(groups.filter((group) => group > 1).map(stopGroup));
  rmSync(folder, { recursive: true, force: true });
};

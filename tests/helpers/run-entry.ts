import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * bin/run.js, which `npm run <script>` uses: `spawn(process.execPath, [RUN_ENTRY, 'scripts/x.ts', ...args])`
 * runs an entry point as an operator runs it, from the compiled JavaScript (jest's global setup
 * compiles it once, so parallel test files do not each compile).
 */
export const RUN_ENTRY = join(__dirname, '..', '..', 'bin', 'run.js');

/** What a child started with stdout and stderr piped printed, and its exit status, once it has closed. */
export function outputOf(child: ChildProcess): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

import { join } from 'node:path';

/**
 * bin/run.js, which `npm run <script>` uses: `spawn(process.execPath, [RUN_ENTRY, 'scripts/x.ts', ...args])`
 * runs an entry point as an operator runs it, from the compiled JavaScript (jest's global setup
 * compiles it once, so parallel test files do not each compile).
 */
export const RUN_ENTRY = join(__dirname, '..', '..', 'bin', 'run.js');

/**
 * Runs one TypeScript entry point of the project from its compiled JavaScript:
 * `node bin/run.js scripts/propose.ts --member bank` behaves as `tsx scripts/propose.ts
 * --member bank`, without compiling TypeScript at every start. When a source (or an installed
 * package) changed since the last build, it compiles first (bin/build.js), so an edit is never
 * run stale. The script sees itself as the main module and gets the arguments after its path.
 */
'use strict';
const { existsSync } = require('node:fs');
const Module = require('node:module');
const { join, relative, resolve } = require('node:path');
const { compiledEntry } = require('./build');

const ROOT = join(__dirname, '..');
const [entry] = process.argv.splice(2, 1);
const source = entry === undefined ? '' : relative(ROOT, resolve(entry));
if (!/^(lib|stacks|scripts|sim)\/.+\.ts$/.test(source)) {
  process.stderr.write(`usage: node bin/run.js <lib|stacks|scripts|sim>/<name>.ts [args...] (got ${entry ?? 'nothing'})\n`);
  process.exit(2);
}
if (!existsSync(join(ROOT, source))) {
  process.stderr.write(`node bin/run.js: ${source} does not exist\n`);
  process.exit(2);
}
compiledEntry(source).then(
  (compiled) => {
    process.argv[1] = compiled;
    Module.runMain();
  },
  (error) => {
    process.stderr.write(`node bin/run.js: could not compile ${source}: ${error.message}\n`);
    process.exit(1);
  },
);

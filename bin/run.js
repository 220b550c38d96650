/**
 * Runs one TypeScript entry point of the project from its compiled JavaScript:
 * `node bin/run.js scripts/propose.ts --member bank` behaves as `tsx scripts/propose.ts
 * --member bank`, without compiling TypeScript at every start. When a source (or an installed
 * package) changed since the last build, it compiles first (bin/build.js), so an edit is never
 * run stale. The script sees itself as the main module and gets the arguments after its path.
 *
 * V8's code cache of the compiled file is kept beside it (`<file>.v8cache`), written at the
 * end of the first run of each build: later runs skip parsing and compiling the functions that
 * run used (a bundle is 1.5-4 MB; about 50-150 ms of CPU per start). V8 checks the cache
 * against the source, its own version and flags, and compiles afresh when it does not fit.
 */
'use strict';
const { existsSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join, relative, resolve } = require('node:path');
const vm = require('node:vm');
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
/** Writes the cache of what this run compiled; another process may write the same file at once. */
function writeCodeCache(script, cacheFile) {
  const scratch = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(scratch, script.createCachedData());
    renameSync(scratch, cacheFile);
  } catch {
    // A read-only or removed build directory: the next run compiles again, nothing else changes.
    rmSync(scratch, { force: true });
  }
}

/**
 * Runs `compiled` as the main module, as Module.runMain does, compiling it with its code cache.
 * Without vm's default loader for dynamic import() (Node.js < 20.12), plainly Module.runMain.
 */
function runMain(compiled) {
  const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (importModuleDynamically === undefined) return Module.runMain();
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (filename !== compiled) return compile.call(this, content, filename);
    Module.prototype._compile = compile;
    const cacheFile = `${compiled}.v8cache`;
    let cachedData;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically });
    if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => writeCodeCache(script, cacheFile));
    const mod = this;
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
  };
  return Module.runMain();
}

compiledEntry(source).then(
  (compiled) => {
    process.argv[1] = compiled;
    runMain(compiled);
  },
  (error) => {
    process.stderr.write(`node bin/run.js: could not compile ${source}: ${error.message}\n`);
    process.exit(1);
  },
);

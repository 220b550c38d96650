/**
 * Compiles the project's TypeScript (lib/, stacks/, scripts/, sim/) to CommonJS under
 * dist/<fingerprint>/, one .js per .ts, with esbuild: the same per-file transform tsx applies at
 * run time, done once instead of at every start. No type check (`npm run typecheck` does that).
 *
 * The fingerprint is a hash of every source file's path, size and modification time, of
 * tsconfig.json, of this file and of esbuild's version: any edit, added or deleted file gives a
 * new directory, so compiled code is never older than its sources. `node bin/build.js` (the
 * `prepare` step of `npm ci` / `npm install`) builds when needed; bin/run.js calls
 * `compiledDir()` before every run.
 */
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readdirSync, renameSync, rmSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const SOURCE_DIRS = ['lib', 'stacks', 'scripts', 'sim'];
const DIST = join(ROOT, 'dist');
/** Builds kept besides the newest, so a long-running command started before an edit keeps its files. */
const KEEP_OLD_BUILDS = 3;

function sourceFiles(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, found);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** The sources and their fingerprint: 16 hex digits, same sources (path, size, mtime) same value. */
function fingerprint() {
  const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).sort();
  const hash = createHash('sha256');
  for (const path of [...files, join(ROOT, 'tsconfig.json'), __filename]) {
    const stat = statSync(path);
    hash.update(`${relative(ROOT, path)}\t${stat.size}\t${stat.mtimeMs}\n`);
  }
  hash.update(`esbuild ${require('esbuild/package.json').version}\n`);
  return { files, id: hash.digest('hex').slice(0, 16) };
}

function compile(files, outdir) {
  require('esbuild').buildSync({
    absWorkingDir: ROOT,
    entryPoints: files,
    outdir,
    outbase: ROOT,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    sourcemap: false,
    logLevel: 'error',
  });
}

function pruneOldBuilds(current) {
  const builds = readdirSync(DIST, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== current)
    .map((entry) => ({ path: join(DIST, entry.name), mtimeMs: statSync(join(DIST, entry.name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const build of builds.slice(KEEP_OLD_BUILDS)) rmSync(build.path, { recursive: true, force: true });
}

/**
 * The directory holding the compiled JavaScript of the current sources, compiling first when
 * no build of exactly these sources exists. Safe when several processes start at once: each
 * compiles into its own directory and renames it into place; the first rename wins.
 * @returns absolute path of dist/<fingerprint>, whose layout mirrors the project's (scripts/x.js)
 */
function compiledDir() {
  const { files, id } = fingerprint();
  const dir = join(DIST, id);
  try {
    statSync(dir);
    return dir;
  } catch {
    // not built yet
  }
  const scratch = join(DIST, `.building-${process.pid}-${Date.now()}`);
  mkdirSync(scratch, { recursive: true });
  try {
    compile(files, scratch);
    try {
      renameSync(scratch, dir);
    } catch (error) {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  pruneOldBuilds(id);
  return dir;
}

module.exports = { compiledDir };

if (require.main === module) process.stdout.write(`compiled to ${relative(ROOT, compiledDir())}\n`);

/**
 * Compiles the project's TypeScript entry points (any .ts under lib/, stacks/, scripts/, sim/)
 * to JavaScript under dist/<fingerprint>/, one esbuild bundle per entry point with the
 * packages it uses, so a command starts without compiling TypeScript and without resolving and
 * reading hundreds of module files. No type check (`npm run typecheck` does that).
 *
 * The fingerprint hashes the path, size and modification time of every file under those
 * directories (a bundle may inline JSON or text they hold), tsconfig.json,
 * the installed packages (package-lock.json and node_modules/.package-lock.json), this file and
 * esbuild's version: any edit, added or deleted file, or `npm install` gives a new directory,
 * so compiled code is never older than what it was built from.
 *
 * An entry point's `if (require.main === module)` block runs only when it is the entry: in the
 * bundles of other entry points (rehearse imports propose, vote, ...) it is compiled as
 * `if (false)`.
 *
 * `node bin/build.js` (npm's `prepare` step of `npm ci` / `npm install`) builds every entry
 * point an npm script runs; bin/run.js builds any other on its first run.
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const SOURCE_DIRS = ['lib', 'stacks', 'scripts', 'sim'];
const DIST = join(ROOT, 'dist');
const INPUTS = ['tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json'];
/** Builds kept besides the newest, so a long-running command started before an edit keeps its files. */
const KEEP_OLD_BUILDS = 3;
/**
 * Packages loaded from node_modules rather than bundled, as they read their own files at run
 * time: esbuild runs its native binary, zx reads its package.json, fabric-common (through
 * fabric-protos) loads .proto files that sit beside its sources.
 */
const EXTERNAL = ['esbuild', 'zx', 'fabric-common'];
const ENTRY_GUARD = 'require.main === module';

function sourceFiles(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, found);
    else found.push(path);
  }
  return found;
}

/** dist/<16 hex digits>: same sources, packages and build settings, same directory. */
function buildDir() {
  const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).sort();
  const hash = createHash('sha256');
  for (const path of [...files, ...INPUTS.map((input) => join(ROOT, input)), __filename]) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    hash.update(`${relative(ROOT, path)}\t${stat.size}\t${stat.mtimeMs}\n`);
  }
  hash.update(`esbuild ${require('esbuild/package.json').version}\n`);
  return join(DIST, hash.digest('hex').slice(0, 16));
}

/** Turns `require.main === module` into `false` in every project file but the entry point. */
function entryGuardPlugin(entryPath) {
  return {
    name: 'entry-guard',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (args.path === entryPath || !source.includes('require.main')) return undefined;
        const contents = source.split(ENTRY_GUARD).join('false');
        if (contents.includes('require.main')) {
          throw new Error(`${relative(ROOT, args.path)}: write the entry-point check as \`if (${ENTRY_GUARD})\`, the form bin/build.js compiles away in other entry points' bundles`);
        }
        return { contents, loader: 'ts' };
      });
    },
  };
}

async function bundle(source, outfile) {
  const entryPath = join(ROOT, source);
  await require('esbuild').build({
    absWorkingDir: ROOT,
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    external: EXTERNAL,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: false,
    logLevel: 'error',
    plugins: [entryGuardPlugin(entryPath)],
  });
}

function pruneOldBuilds(current) {
  const builds = readdirSync(DIST, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && join(DIST, entry.name) !== current)
    .map((entry) => ({ path: join(DIST, entry.name), mtimeMs: statSync(join(DIST, entry.name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const build of builds.slice(KEEP_OLD_BUILDS)) rmSync(build.path, { recursive: true, force: true });
}

/**
 * The compiled JavaScript of one entry point, built first if the current sources have no build
 * of it. Safe when several processes start at once: each writes its own file and renames it
 * into place.
 * @param source path of the entry point relative to the project root, e.g. 'scripts/propose.ts'
 * @returns absolute path of dist/<fingerprint>/<source with .js>
 */
async function compiledEntry(source) {
  const dir = buildDir();
  const outfile = join(dir, source.replace(/\.ts$/, '.js'));
  if (existsSync(outfile)) return outfile;
  const isNewBuild = !existsSync(dir);
  const scratch = `${outfile}.${process.pid}.tmp`;
  mkdirSync(dirname(outfile), { recursive: true });
  try {
    await bundle(source, scratch);
    renameSync(scratch, outfile);
  } finally {
    rmSync(scratch, { force: true });
  }
  if (isNewBuild) pruneOldBuilds(dir);
  return outfile;
}

/** The entry points the npm scripts run: every `node bin/run.js <entry>` in package.json. */
function scriptEntries() {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const entries = Object.values(scripts).flatMap((command) => [...command.matchAll(/node bin\/run\.js (\S+\.ts)/g)].map((match) => match[1]));
  return [...new Set(entries)].filter((entry) => existsSync(join(ROOT, entry)));
}

/** Builds every npm script's entry point, esbuild running them in parallel. */
async function buildScriptEntries() {
  const entries = scriptEntries();
  await Promise.all(entries.map(compiledEntry));
  return entries;
}

/** Bundles `source` into `outfile` whatever exists: the benchmark measures a rebuild with it. */
function rebuildInto(source, outfile) {
  return bundle(source, outfile);
}

module.exports = { buildScriptEntries, compiledEntry, rebuildInto };

if (require.main === module) {
  buildScriptEntries().then(
    (entries) => process.stdout.write(`compiled ${entries.length} entry points to ${relative(ROOT, buildDir())}\n`),
    (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    },
  );
}

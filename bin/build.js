/**
 * Compiles the project's TypeScript entry points (any .ts under lib/, stacks/, scripts/, sim/)
 * to JavaScript under dist/<fingerprint>/, one esbuild bundle per entry point with the
 * packages it uses, so a command starts without compiling TypeScript and without resolving and
 * reading hundreds of module files. No type check (`npm run typecheck` does that).
 *
 * The fingerprint hashes the path, size and modification time of every file under those
 * directories and tests/helpers/ (a bundle may inline JSON or text they hold), tsconfig.json,
 * the installed packages (package-lock.json and node_modules/.package-lock.json), this file and
 * esbuild's version: any edit, added or deleted file, or `npm install` gives a new directory,
 * so compiled code is never older than what it was built from.
 *
 * An entry point's `if (require.main === module)` block runs only when it is the entry: it is
 * compiled as `if (require.main === module && module.filename.endsWith('/scripts/propose.js'))`,
 * so in the bundles of other entry points (rehearse imports propose, vote, ...) it is false.
 * The check does not depend on which bundle a file lands in, so one esbuild run builds every
 * entry point, reading and parsing each source and package file once for all of them.
 *
 * `node bin/build.js` (npm's `prepare` step of `npm ci` / `npm install`, and jest's global
 * setup) builds every entry point an npm script runs in one esbuild run; bin/run.js builds any
 * other on its first run.
 */
'use strict';
const { createHash } = require('node:crypto');
const { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const SOURCE_DIRS = ['lib', 'stacks', 'scripts', 'sim'];
/** What the fingerprint walks: the sources, and the test helpers two benchmarks compile in (bench-offchain, bench-archive). */
const FINGERPRINT_DIRS = [...SOURCE_DIRS, 'tests/helpers'];
/**
 * The last line of every compiled file. A file that does not end with it (cut short by a full
 * disk or a crash, or written to since) is compiled again before it runs.
 */
const COMPLETE_MARKER = '//# built whole by bin/build.js';
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
/**
 * Large packages a command may not need on a given run (the Fabric protobufs and gRPC, the S3,
 * SSM, Lambda and Secrets Manager clients: about 3 MB of the 5 MB channel bundle). Where a
 * project file imports one, the bundle gets a stand-in with the same export names that
 * evaluates the package on the first use of any of them, so `channel --help`, a usage error or
 * a run that stops before talking to the ledger never evaluates it. Each is a plain object of
 * exports whose evaluation has no effect a project file relies on; a package imported from
 * node_modules is bundled as usual.
 */
const DEFERRED = [
  '@hyperledger/fabric-protos',
  '@grpc/grpc-js',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-ssm',
  '@aws-sdk/lib-storage',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-secrets-manager',
];

/** Every file under `dir` (a path from the project root), as paths from the project root. */
function sourceFiles(dir, found = []) {
  let entries;
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return found; // tests/helpers in a copy without tests
    throw error;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) sourceFiles(path, found);
    else found.push(path);
  }
  return found;
}

/**
 * dist/<16 hex digits>: same sources, packages and build settings, same directory.
 * Runs at every start of a command, so it stats each file once and keeps paths relative to the
 * project root rather than joining and relativizing them: the walk and stats of 213 files take
 * about 9 ms on a 2-core virtual machine, where a stat costs about 30 microseconds.
 */
function buildDir() {
  const files = FINGERPRINT_DIRS.flatMap((dir) => sourceFiles(dir)).sort();
  const lines = [];
  for (const path of [...files, ...INPUTS, relative(ROOT, __filename)]) {
    const stat = statSync(join(ROOT, path), { throwIfNoEntry: false });
    if (stat) lines.push(`${path}\t${stat.size}\t${stat.mtimeMs}\n`);
  }
  lines.push(`esbuild ${require('esbuild/package.json').version}\n`);
  return join(DIST, createHash('sha256').update(lines.join('')).digest('hex').slice(0, 16));
}

/**
 * Whether `outfile` exists and ends with COMPLETE_MARKER (and its newline): reads only its last
 * bytes, as this runs at every start.
 */
function isComplete(outfile) {
  const tail = Buffer.from(`${COMPLETE_MARKER}\n`);
  let fd;
  try {
    fd = openSync(outfile, 'r');
    const { size } = fstatSync(fd);
    if (size < tail.length) return false;
    const end = Buffer.alloc(tail.length);
    return readSync(fd, end, 0, tail.length, size - tail.length) === tail.length && end.equals(tail);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The compiled path of a project file relative to the build directory, e.g. 'scripts/propose.js'. */
function compiledPath(source) {
  return source.replace(/\.ts$/, '.js');
}

/**
 * Turns `require.main === module` in every project file into a check that holds only in that
 * file's own bundle run as the main module.
 */
const entryGuardPlugin = {
  name: 'entry-guard',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('require.main')) return undefined;
      const ownBundle = JSON.stringify(`/${compiledPath(relative(ROOT, args.path))}`);
      const contents = source.split(ENTRY_GUARD).join(`${ENTRY_GUARD} && module.filename.endsWith(${ownBundle})`);
      if (contents.split(ENTRY_GUARD).length !== source.split('require.main').length) {
        throw new Error(`${relative(ROOT, args.path)}: write the entry-point check as \`if (${ENTRY_GUARD})\`, the form bin/build.js compiles for every bundle`);
      }
      return { contents, loader: 'ts' };
    });
  },
};

/** The child's program: the export names of each package named in its argument, as JSON on stdout. */
const EXPORTS_PROBE = `const out = {};
for (const name of JSON.parse(process.argv[1])) {
  const exported = require(name);
  if (exported === null || typeof exported !== 'object') throw new Error(name + ' does not export an object');
  out[name] = { names: Object.getOwnPropertyNames(exported).filter((key) => key !== '__esModule'), esModule: exported.__esModule === true };
}
process.stdout.write(JSON.stringify(out));`;

/**
 * The own property names of each DEFERRED package's exports (without __esModule) and whether it
 * is marked __esModule, read in a child process so that the packages are not evaluated in this
 * one (bin/run.js builds inside the command it runs). The child takes about 0.5 s of CPU, so its
 * answer is kept in dist/deferred-exports-<fingerprint>.json until the installed packages change
 * (package-lock.json, node_modules/.package-lock.json).
 * @returns a promise of { [package]: { names: string[], esModule: boolean } }; it rejects when a
 *   package cannot be loaded or its exports are not an object
 */
function deferredExports() {
  const fingerprint = createHash('sha256').update(`${JSON.stringify(DEFERRED)}\n${EXPORTS_PROBE}\n`);
  for (const path of INPUTS.slice(1)) {
    const stat = statSync(join(ROOT, path), { throwIfNoEntry: false });
    if (stat) fingerprint.update(`${path}\t${stat.size}\t${stat.mtimeMs}\n`);
  }
  const name = `deferred-exports-${fingerprint.digest('hex').slice(0, 16)}.json`;
  const remembered = join(DIST, name);
  try {
    const found = JSON.parse(readFileSync(remembered, 'utf8'));
    if (isDeferredExports(found)) return Promise.resolve(found);
  } catch {
    // Not kept yet, or unreadable: probe below.
  }
  return probeDeferredExports().then((found) => {
    // Kept for the next build if it can be: a failure here costs that build a probe, no more.
    const scratch = `${remembered}.${process.pid}.tmp`;
    try {
      mkdirSync(DIST, { recursive: true });
      writeFileSync(scratch, JSON.stringify(found));
      renameSync(scratch, remembered);
      for (const stale of readdirSync(DIST).filter((entry) => /^deferred-exports-[0-9a-f]{16}\.json$/.test(entry) && entry !== name)) rmSync(join(DIST, stale), { force: true });
    } catch {
      rmSync(scratch, { force: true });
    }
    return found;
  });
}

/** Whether `found` has the shape deferredExports promises, for every DEFERRED package (a damaged file does not). */
function isDeferredExports(found) {
  return DEFERRED.every((name) => {
    const entry = found?.[name];
    return Array.isArray(entry?.names) && entry.names.every((key) => typeof key === 'string') && typeof entry.esModule === 'boolean';
  });
}

/** deferredExports without the file that keeps its answer for the installed packages. */
function probeDeferredExports() {
  return new Promise((resolvePromise, reject) => {
    require('node:child_process').execFile(process.execPath, ['-e', EXPORTS_PROBE, JSON.stringify(DEFERRED)], { cwd: ROOT, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      try {
        if (error) throw new Error(stderr.trim() || error.message);
        resolvePromise(JSON.parse(stdout));
      } catch (failure) {
        reject(new Error(`bin/build.js: cannot read the exports of ${DEFERRED.join(', ')} (is npm ci done?): ${failure.message}`));
      }
    });
  });
}

/**
 * Gives a project file's import of a DEFERRED package a stand-in module: getters for the
 * package's export names that evaluate it on first use (see DEFERRED).
 */
function deferredPackagesPlugin() {
  let exportsOf;
  return {
    name: 'deferred-packages',
    setup(build) {
      // Only these exact paths cross to JavaScript: a broad filter costs about a second per build.
      const filter = new RegExp(`^(${DEFERRED.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter }, (args) => {
        if (args.pluginData?.real || args.importer.includes('/node_modules/')) return undefined;
        return { path: args.path, namespace: 'deferred' };
      });
      build.onLoad({ filter: /.*/, namespace: 'deferred' }, async (args) => {
        exportsOf ??= deferredExports();
        const { names, esModule } = (await exportsOf)[args.path];
        const contents = `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
${esModule ? "Object.defineProperty(exports, '__esModule', { value: true });\n" : ''}for (const name of ${JSON.stringify(names)}) {
  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });
}
`;
        return { contents, loader: 'js', resolveDir: ROOT, pluginData: { real: true } };
      });
    },
  };
}

/**
 * Package files with non-ASCII characters in comments that esbuild keeps in a bundle: one `’`
 * in fabric-protos' generated gRPC service files. esbuild escapes such characters in strings
 * and identifiers but not in the comments it keeps (nor in regular expressions or raw template
 * text), and one such character makes Node.js read the whole 5 MB bundle as a two-byte string:
 * twice the memory and about 17 ms more at every start. tests/launcher.test.ts fails when an
 * npm script's bundle other than identities' (a regular expression of jsrsasign) is not ASCII,
 * so a package update that brings another such file shows there.
 */
const ESCAPED_COMMENT_FILES = /[\\/]node_modules[\\/]@hyperledger[\\/]fabric-protos[\\/].*_grpc_pb\.js$/;

/**
 * Writes the non-ASCII characters of ESCAPED_COMMENT_FILES' line comments as \u escapes as
 * esbuild loads them. Only a file without template literals and without a backslash at the end
 * of a line is changed, so a line whose first non-blank characters are `//` is a comment there
 * (or inside a block comment), never program text.
 */
const asciiCommentsPlugin = {
  name: 'ascii-comments',
  setup(build) {
    build.onLoad({ filter: ESCAPED_COMMENT_FILES }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!/[^\x00-\x7f]/.test(source) || source.includes('`') || /\\\r?\n/.test(source)) return undefined;
      const contents = source.replace(/^[ \t]*\/\/.*$/gm, (line) => line.replace(/[^\x00-\x7f]/gu, escapeChar));
      return { contents, loader: 'js' };
    });
  },
};

/** `\uXXXX` (a surrogate pair for characters beyond the BMP) for one character. */
function escapeChar(char) {
  return Array.from({ length: char.length }, (_, index) => `\\u${char.charCodeAt(index).toString(16).padStart(4, '0')}`).join('');
}

/** Bundles each of `sources` (paths from the project root) to `<outdir>/<source with .js>`, in one esbuild run. */
async function bundle(sources, outdir) {
  await require('esbuild').build({
    absWorkingDir: ROOT,
    entryPoints: sources.map((source) => join(ROOT, source)),
    outdir,
    outbase: ROOT,
    bundle: true,
    external: EXTERNAL,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: false,
    logLevel: 'error',
    footer: { js: COMPLETE_MARKER },
    plugins: [entryGuardPlugin, deferredPackagesPlugin(), asciiCommentsPlugin],
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
 * The compiled JavaScript of entry points, built first where the current sources have no build
 * of them (all missing ones in one esbuild run). Safe when several processes start at once:
 * each builds into its own scratch directory and renames whole files into place.
 * @param sources paths of entry points relative to the project root, e.g. ['scripts/propose.ts']
 * @returns absolute paths of dist/<fingerprint>/<source with .js>, in the same order
 */
async function compiledEntries(sources) {
  const dir = buildDir();
  const outfiles = sources.map((source) => join(dir, compiledPath(source)));
  const missing = [];
  const damaged = [];
  sources.forEach((source, index) => {
    if (isComplete(outfiles[index])) return;
    missing.push(source);
    if (existsSync(outfiles[index])) damaged.push(outfiles[index]);
  });
  if (missing.length === 0) return outfiles;
  for (const outfile of damaged) {
    // Under `npx cdktf synth` (CDKTF_CONTEXT_JSON set), stderr reads as an error: a notice goes to stdout there, as synth's own do.
    const notices = process.env.CDKTF_CONTEXT_JSON === undefined ? process.stderr : process.stdout;
    notices.write(`bin/build.js: ${relative(ROOT, outfile)} does not end as bin/build.js writes it (cut short or changed since); compiling it again\n`);
    try {
      rmSync(`${outfile}.v8cache`, { force: true });
    } catch {
      // A read-only build directory: the build below says so.
    }
  }
  const isNewBuild = !existsSync(dir);
  const scratch = join(dir, `.build-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    await bundle(missing, scratch);
    for (const source of missing) {
      const outfile = join(dir, compiledPath(source));
      mkdirSync(dirname(outfile), { recursive: true });
      renameSync(join(scratch, compiledPath(source)), outfile);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (isNewBuild) pruneOldBuilds(dir);
  return outfiles;
}

/** The compiled JavaScript of one entry point; see compiledEntries. */
async function compiledEntry(source) {
  const [outfile] = await compiledEntries([source]);
  return outfile;
}

/** The entry points the npm scripts run: every `node bin/run.js <entry>` in package.json. */
function scriptEntries() {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const entries = Object.values(scripts).flatMap((command) => [...command.matchAll(/node bin\/run\.js (\S+\.ts)/g)].map((match) => match[1]));
  return [...new Set(entries)].filter((entry) => existsSync(join(ROOT, entry)));
}

/** Builds every npm script's entry point, in one esbuild run. */
async function buildScriptEntries() {
  const entries = scriptEntries();
  await compiledEntries(entries);
  return entries;
}

/**
 * Bundles `sources` into `outdir` whatever exists: the benchmark measures a rebuild with it.
 * @returns the compiled paths
 */
async function rebuildInto(sources, outdir) {
  await bundle(sources, outdir);
  return sources.map((source) => join(outdir, compiledPath(source)));
}

module.exports = { buildScriptEntries, compiledEntry, compiledEntries, rebuildInto, scriptEntries };

if (require.main === module) {
  buildScriptEntries().then(
    (entries) => process.stdout.write(`compiled ${entries.length} entry points to ${relative(ROOT, buildDir())}\n`),
    (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    },
  );
}

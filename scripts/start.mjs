// `npm start`: build what changed, then start the app from the built server (plain JavaScript, no TypeScript
// compiler at run time). Plain JS itself, so `node` runs it without a loader.
//
// - The web app (web/, vite.config.ts, package-lock.json) is built by Vite into dist/web when its sources
//   changed since the last build; the fingerprint is stored in dist/web/.build-hash.
// - The server (api/, geodata/, contract/) is transpiled file by file by esbuild into dist/server (same tree,
//   with the non-TypeScript files beside: SQL migrations, JSON tables, glyphs, the PGlite worker), so paths
//   relative to a module still resolve; fingerprint in dist/server/.build-hash. Not bundled: packages load
//   from node_modules as they do under tsx. Measured (issue 16): importing the app took 2.3–2.5 CPU s under
//   tsx with its cache warm, 1.1–1.2 CPU s built (docs/BENCHMARKS.md, "Built server").
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HASH_FILE = path.join(ROOT, 'dist/web/.build-hash');
const SERVER_DIRS = ['api', 'geodata', 'contract'];

/** @param {string} dir @returns {string[]} every file under dir (none when it does not exist) */
function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** @param {string} root @param {string[]} files @returns {string} a hash of the files' paths and bytes */
function hashFiles(root, files) {
  const h = crypto.createHash('sha256');
  for (const f of files.filter((x) => fs.existsSync(x)).sort()) {
    h.update(path.relative(root, f));
    h.update('\0');
    h.update(fs.readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** A hash of everything the web build reads: web/ (sources, index.html), the Vite config, the lock file. */
export function webSourceHash(root = ROOT) {
  return hashFiles(root, [
    ...filesUnder(path.join(root, 'web')),
    path.join(root, 'vite.config.ts'),
    path.join(root, 'package-lock.json'),
  ]);
}

/** A hash of everything the server build reads: api/, geodata/, contract/, the lock file and this script. */
export function serverSourceHash(root = ROOT) {
  return hashFiles(root, [
    ...SERVER_DIRS.flatMap((d) => filesUnder(path.join(root, d))),
    path.join(root, 'package-lock.json'),
    path.join(root, 'scripts/start.mjs'),
  ]);
}

/**
 * Why a build is needed, or null when `out` holds a build of the current sources.
 * @param {string} out the build folder  @param {string} entry a file every build has  @param {string} hash
 * @param {string} what which sources (web, server), for the message
 */
function reasonFor(out, entry, hash, what) {
  const file = path.join(out, '.build-hash');
  if (!fs.existsSync(path.join(out, entry))) return 'no build yet';
  if (!fs.existsSync(file)) return 'the build has no fingerprint';
  return fs.readFileSync(file, 'utf8').trim() === hash ? null : `${what} sources changed since the last build`;
}

/** Why the web app needs building, or null when dist/web is a build of the current sources. */
export function buildReason(root = ROOT, hash = webSourceHash(root)) {
  return reasonFor(path.join(root, 'dist/web'), 'index.html', hash, 'web');
}

/** Why the server needs building, or null when dist/server is a build of the current sources. */
export function serverBuildReason(root = ROOT, hash = serverSourceHash(root)) {
  return reasonFor(path.join(root, 'dist/server'), 'api/main.js', hash, 'server');
}

/** Transpiles api/, geodata/, contract/ into `out` (emptied first), copying every other file beside. */
export async function buildServer(root = ROOT, out = path.join(root, 'dist/server')) {
  const { build } = await import('esbuild');
  const files = SERVER_DIRS.flatMap((d) => filesUnder(path.join(root, d)));
  fs.rmSync(out, { recursive: true, force: true });
  const ts = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  await build({
    entryPoints: ts,
    outdir: out,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'warning',
  });
  for (const f of files.filter((x) => !x.endsWith('.ts'))) {
    const to = path.join(out, path.relative(root, f));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(f, to);
  }
  return ts.length;
}

/** Builds dist/server and records the fingerprint `hash` (taken before the build) beside it. */
async function buildServerStamped(hash) {
  const n = await buildServer();
  fs.writeFileSync(path.join(ROOT, 'dist/server/.build-hash'), `${hash}\n`);
  return n;
}

async function main() {
  const hash = webSourceHash();
  const reason = buildReason(ROOT, hash);
  if (reason) {
    console.log(`Building the web app (${reason}) ...`);
    const t = Date.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      console.error('Saferplaces failed to start: the web app did not build (see above).');
      process.exit(1);
    }
    fs.writeFileSync(HASH_FILE, `${hash}\n`);
    console.log(`Web app built in ${((Date.now() - t) / 1000).toFixed(0)} s.`);
  } else {
    console.log('Web app unchanged since the last build (dist/web); not rebuilding.');
  }
  const serverHash = serverSourceHash();
  const serverReason = serverBuildReason(ROOT, serverHash);
  if (serverReason) {
    const t = Date.now();
    const n = await buildServerStamped(serverHash);
    console.log(`Server built (${serverReason}): ${n} files in ${((Date.now() - t) / 1000).toFixed(1)} s.`);
  }
  console.log('Starting the app ...');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv.includes('--stamp')) {
    // `npm run build` just built dist/web: record its fingerprint, and build the server.
    fs.writeFileSync(HASH_FILE, `${webSourceHash()}\n`);
    await buildServerStamped(serverSourceHash());
  } else {
    await main();
    await import(pathToFileURL(path.join(ROOT, 'dist/server/api/main.js')).href);
  }
}

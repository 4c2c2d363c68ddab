// `npm start`: build the web app only when its sources changed since the last build, then start the app.
// The build's fingerprint (a hash of web/, vite.config.ts and package-lock.json) is stored beside it in
// dist/web/.build-hash; saying what it does at each step, since a first start can take a while.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HASH_FILE = path.join(ROOT, 'dist/web/.build-hash');

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** A hash of everything the web build reads: web/ (sources, index.html), the Vite config, the lock file. */
export function webSourceHash(root = ROOT): string {
  const h = crypto.createHash('sha256');
  const files = [...filesUnder(path.join(root, 'web')), path.join(root, 'vite.config.ts'), path.join(root, 'package-lock.json')]
    .filter((f) => fs.existsSync(f))
    .sort();
  for (const f of files) {
    h.update(path.relative(root, f));
    h.update('\0');
    h.update(fs.readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** Why the web app needs building, or null when dist/web is a build of the current sources. */
export function buildReason(root = ROOT, hash = webSourceHash(root)): string | null {
  const file = path.join(root, 'dist/web/.build-hash');
  if (!fs.existsSync(path.join(root, 'dist/web/index.html'))) return 'no build yet';
  if (!fs.existsSync(file)) return 'the build has no fingerprint';
  return fs.readFileSync(file, 'utf8').trim() === hash ? null : 'web sources changed since the last build';
}

function main() {
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
  console.log('Starting the app ...');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  if (process.argv.includes('--stamp')) {
    // `npm run build` just built dist/web: record its fingerprint so the next start does not build again.
    fs.writeFileSync(HASH_FILE, `${webSourceHash()}\n`);
  } else {
    main();
    await import('../api/main.js');
  }
}

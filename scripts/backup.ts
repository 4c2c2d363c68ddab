// `npm run backup -- <file>` / `npm run restore -- <file> [--force]` for either driver.
// Embedded (no DATABASE_URL): the backup is a snapshot of DATA_DIR/pgdata (gzipped tar), taken by the
// running app through its local endpoint (secret from DATA_DIR/lock.json) or, with the app stopped, by
// this command holding the lock. Restore needs the app stopped and an empty (or, with --force, moved
// aside) DATA_DIR/pgdata. Server (DATABASE_URL): pg_dump -Fc / pg_restore into that database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configOrExit } from '../api/config.js';
import { openConfiguredDb } from '../api/db/index.js';
import { acquireLockOrExit, readLock, releaseLock } from '../api/lock.js';
import { LOCAL_HEADER } from '../api/auth/admin.js';
import { dumpServer, restoreServer, restoreSnapshot, writeSnapshot } from '../api/backup.js';

const HELP = `Usage: npm run backup -- <file>
       npm run restore -- <file> [--force]

Embedded database (DATA_DIR): a consistent snapshot of the data directory, taken by the running app
(or by this command when the app is stopped); restore with the app stopped, into an empty DATA_DIR
(--force moves the current database aside first, to pgdata.before-restore-<time>).
Server (DATABASE_URL): pg_dump -Fc, and pg_restore into that database (best a new, empty one;
--force drops what the dump holds first).`;

function fail(msg: string, code = 2): never {
  console.error(msg);
  process.exit(code);
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return console.log(HELP);
  if ((mode !== 'backup' && mode !== 'restore') || positionals.length !== 1) fail(HELP);
  const file = path.resolve(positionals[0]);
  const config = configOrExit();
  const actor = `cli:${os.userInfo().username}`;

  if (config.DATABASE_URL) {
    if (mode === 'backup') await dumpServer(config.DATABASE_URL, file);
    else await restoreServer(config.DATABASE_URL, file, values.force);
    console.log(
      mode === 'backup'
        ? `Backed up the server database to ${file} (pg_dump custom format).`
        : `Restored ${file} into the server database.`,
    );
    return;
  }

  if (mode === 'backup') {
    const held = readLock(config.dataDir);
    if (held?.owner === 'app' && held.port) {
      const host = held.host === '0.0.0.0' || !held.host ? '127.0.0.1' : held.host;
      const res = await fetch(`http://${host}:${held.port}/api/local/backup`, {
        headers: { [LOCAL_HEADER]: held.secret, 'x-saferplaces-actor': actor },
      });
      if (!res.ok) fail(`Backup failed: ${res.status} ${await res.text()}`, 1);
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()), { mode: 0o600 });
      console.log(`Backed up the embedded database (through the running app, pid ${held.pid}) to ${file}.`);
      return;
    }
    const lock = acquireLockOrExit(config.dataDir, 'cli');
    try {
      const db = await openConfiguredDb(config);
      try {
        const bytes = await writeSnapshot(db, file);
        console.log(`Backed up the embedded database to ${file} (${Math.round(bytes / 1048576)} MB).`);
      } finally {
        await db.close();
      }
    } finally {
      releaseLock(lock);
    }
    return;
  }

  if (!fs.existsSync(file)) fail(`No such file: ${file}`);
  const lock = acquireLockOrExit(config.dataDir, 'cli'); // refuses while the app runs
  try {
    const { movedAside } = await restoreSnapshot(file, path.join(config.dataDir, 'pgdata'), values.force);
    if (movedAside) console.log(`The database that was there is kept in ${movedAside}.`);
    console.log(`Restored ${file} into ${config.dataDir}.`);
  } finally {
    releaseLock(lock);
  }
}

main().catch((e) => {
  console.error(`Failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});

// Backup and restore, one command each for both drivers (`npm run backup -- <file>`,
// `npm run restore -- <file>`; scripts/backup.ts). Embedded: a snapshot of the PGlite data directory
// taken by the process that holds it (the running app, through its local endpoint, or the CLI itself
// with the app stopped); copying the live directory is unsafe. Server: pg_dump -Fc / pg_restore.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDb, type Db } from './db/index.js';

const run = promisify(execFile);

/** Embedded: write a snapshot of `db` (a PGlite Db) to `dest`. Returns its size in bytes. */
export async function writeSnapshot(db: Db, dest: string): Promise<number> {
  if (!db.snapshot) throw new Error('This database has no snapshot (a server database is backed up with pg_dump).');
  const blob = await db.snapshot();
  const buf = Buffer.from(await blob.arrayBuffer());
  fs.writeFileSync(dest, buf, { mode: 0o600 });
  return buf.length;
}

/**
 * Embedded: create `pgdata` from the snapshot `src`. Refuses a non-empty `pgdata` unless `force`, which
 * first moves it aside (kept as pgdata.before-restore-<time>). The caller holds the data directory's lock.
 */
export async function restoreSnapshot(src: string, pgdata: string, force = false): Promise<{ movedAside?: string }> {
  let movedAside: string | undefined;
  if (fs.existsSync(pgdata) && fs.readdirSync(pgdata).length > 0) {
    if (!force)
      throw new Error(`${pgdata} is not empty: restore into a new DATA_DIR, or give --force to move the current database aside.`);
    movedAside = `${pgdata}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(pgdata, movedAside);
  }
  const db = await openDb({ dataDir: pgdata, restoreFrom: new Blob([fs.readFileSync(src)]) });
  await db.close();
  return { movedAside };
}

/** Server: `pg_dump -Fc` of the database at `url` to `dest`. */
export async function dumpServer(url: string, dest: string) {
  await run('pg_dump', ['-Fc', '--no-owner', '-f', dest, '-d', url], { maxBuffer: 16 << 20 });
}

/** Server: `pg_restore` of `src` into the database at `url` (it should be new and empty; `clean` drops what the dump holds first). */
export async function restoreServer(url: string, src: string, clean = false) {
  if (!fs.existsSync(src)) throw new Error(`No such file: ${path.resolve(src)}`);
  await run(
    'pg_restore',
    ['--no-owner', '--exit-on-error', '--single-transaction', ...(clean ? ['--clean', '--if-exists'] : []), '-d', url, src],
    { maxBuffer: 16 << 20 },
  );
}

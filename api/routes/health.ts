import fs from 'node:fs';
import path from 'node:path';
import * as contract from '../../contract/health.js';
import type { Deps } from '../deps.js';
import { contractRouter, register } from '../routing.js';

// Public (no sign-in): says only that the service and its database are up (503 database_unavailable
// when the database is not). Admins and analysts also get the disk use: the data directory on the
// embedded database (PGlite has no autovacuum and keeps what failed imports wrote until VACUUM),
// the database's size on a server.

/** Bytes in a directory tree (files only; missing = 0). */
export function directoryBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += directoryBytes(p);
    else if (e.isFile()) total += fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}

/** Walking a large data directory on every request would cost; its size is measured at most this often. */
export const DISK_CACHE_MS = 60_000;

/**
 * Embedded database in its worker thread: how long health waits for its probe before answering "up, busy"
 * (an import's transaction or a long query holds the one connection; the probe would queue behind it).
 */
export const BUSY_WAIT_MS = 250;

export function healthRoutes({ db, config }: Deps) {
  const r = contractRouter();
  type Disk = NonNullable<contract.Health['disk']>;
  let cached: { at: number; disk: Disk } | undefined;
  const diskUse = async () => {
    if (cached && Date.now() - cached.at < DISK_CACHE_MS) return cached.disk;
    const uploads = directoryBytes(path.join(config.dataDir, 'uploads'));
    let disk: Disk;
    if (db.driver === 'pglite') {
      const pgdata = directoryBytes(path.join(config.dataDir, 'pgdata'));
      disk = {
        data_dir: config.dataDir,
        data_dir_bytes: directoryBytes(config.dataDir),
        pgdata_bytes: pgdata,
        uploads_bytes: uploads,
      };
    } else {
      const [row] = await db.query<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes');
      disk = { database_bytes: row.bytes, uploads_bytes: uploads };
    }
    cached = { at: Date.now(), disk };
    return disk;
  };
  let postgis: string | undefined;
  const probe = async () => {
    const [row] = await db.query<{ v: string }>('SELECT postgis_lib_version() AS v');
    postgis = row.v;
    return row.v;
  };
  // Known from the start, so that health can answer "busy" even when nobody asked before an import began.
  if (db.busy) probe().catch(() => undefined);
  /** The probe's answer, or (embedded database busy past BUSY_WAIT_MS, version known) the busy state. */
  const database = async (): Promise<contract.Health['database']> => {
    const q = probe();
    if (!db.busy || postgis === undefined) return { driver: db.driver, postgis: await q };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), BUSY_WAIT_MS);
    });
    try {
      const v = await Promise.race([q, late]);
      if (v !== undefined) return { driver: db.driver, postgis: v };
      const busy = db.busy();
      if (!busy) return { driver: db.driver, postgis: await q };
      q.catch(() => undefined); // answered later, when the database is free
      return {
        driver: db.driver,
        postgis,
        busy: { ...busy, note: 'the embedded database is working on an import or a long query; other reads wait for it' },
      };
    } finally {
      clearTimeout(timer);
    }
  };
  register(r, db, contract.getHealth, async (c) => {
    const dbState = await database();
    const role = c.get('principal')?.user.role;
    const disk = role === 'admin' || role === 'analyst' ? { disk: await diskUse() } : {};
    return c.json({ ok: true as const, database: dbState, ...disk }, 200);
  });
  return r;
}

// What the app does about imports that did not finish: at start, fail the batches whose owner is gone,
// delete upload files no import will read, and (embedded) give back the space a killed import used;
// on a server, the same batch sweep every SWEEP_MS (a CLI import killed there has no app restart to
// wait for).
import fs from 'node:fs';
import path from 'node:path';
import { isDatabaseUnavailable, removeOrphanRelationFiles, type Db } from '../db/index.js';
import { failAbandonedBatches, reclaimSpace, SWEEP_MS } from './batches.js';

/** Uploads older than this are nobody's on a server (an upload is imported, then deleted, within one process's run). */
export const STALE_UPLOAD_MS = 24 * 3600_000;

/**
 * Delete `DATA_DIR/uploads/*.upload` left by a process that died mid-import. Embedded: the app holds
 * the data directory alone, so every one at start is abandoned; server: only those older than a day
 * (another app process may share the directory). Returns the names deleted.
 */
export function removeAbandonedUploads(dataDir: string, all: boolean, now = Date.now()): string[] {
  const dir = path.join(dataDir, 'uploads');
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.upload'));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const p = path.join(dir, n);
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st || (!all && now - st.mtimeMs < STALE_UPLOAD_MS)) continue;
    fs.rmSync(p, { force: true });
    removed.push(n);
  }
  return removed;
}

async function sweep(db: Db): Promise<number[]> {
  try {
    return await failAbandonedBatches(db);
  } catch (e) {
    if (!isDatabaseUnavailable(e)) console.error('import sweep failed:', e);
    return [];
  }
}

/** At start-up; on a server also every SWEEP_MS until `stop`. */
export async function startImportHousekeeping(db: Db, dataDir: string, log: (msg: string) => void = console.log) {
  const embedded = db.driver === 'pglite';
  const failed = await failAbandonedBatches(db);
  if (failed.length)
    log(`Imports ${failed.join(', ')} did not finish (their process stopped): marked failed, nothing from them kept.`);
  const removed = removeAbandonedUploads(dataDir, embedded);
  if (removed.length) log(`Removed ${removed.length} upload file(s) left by imports that did not finish.`);
  if (embedded && failed.length) {
    const orphaned = await removeOrphanRelationFiles(db, path.join(dataDir, 'pgdata'));
    if (orphaned) log(`Removed ${(orphaned / 1e6).toFixed(1)} MB of files of tables made by imports that did not finish.`);
    await reclaimSpace(db);
  }
  let timer: NodeJS.Timeout | undefined;
  if (!embedded) {
    timer = setInterval(() => {
      void sweep(db).then(
        (ids) => ids.length && log(`Imports ${ids.join(', ')} lost their process: marked failed, nothing from them kept.`),
      );
    }, SWEEP_MS);
    timer.unref();
  }
  return { stop: () => timer && clearInterval(timer) };
}

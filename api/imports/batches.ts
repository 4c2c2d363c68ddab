// Import batch bookkeeping: one row per file, plus its rejected rows.
import type { Db, Driver, Queryable } from '../db/index.js';
import type { ImportKind } from '../../contract/imports.js';

export const MAX_STORED_REJECTS = 10_000;

export interface Reject {
  line: number;
  code: string;
  reason: string;
  raw?: string;
}

export interface ImportSummary {
  batchId: number;
  kind: ImportKind;
  fileName: string;
  status: 'committed' | 'failed';
  rowsRead: number;
  imported: number;
  duplicates: number;
  rejected: number;
  outsideStudyArea: number;
  /** Kind-specific details (reasons for rejects, repeated ids, areas replaced, ...). */
  details: Record<string, unknown>;
  rejects: Reject[];
  error?: { code: string; message: string; line?: number; details?: Record<string, unknown> };
}

// ---------- ownership ----------
// A batch 'queued' or 'running' belongs to the process that created it. On a server database that
// ownership is real: the owner holds a shared advisory lock (BATCH_LOCK, id) on its own session
// connection from before the row exists until the batch ends (`db.hold`), and the import's transaction
// holds one too (`ownBatch`), so the lock disappears exactly when the owner (or its transaction) does.
// `failAbandonedBatches` fails only batches whose lock it can take: no live owner. PGlite is one
// process, so there every queued/running batch at start-up was left by a process that is gone.

export const BATCH_LOCK = 70001;
/** How often the app fails batches whose owner is gone (server mode): a killed CLI import, a crashed second app. */
export const SWEEP_MS = 60_000;

/** Create a batch row owned by this process (release it with `releaseBatch` when the batch ends). */
export async function createBatch(
  db: Db,
  v: { kind: ImportKind; fileName: string; createdBy: string; dataset?: string; status?: 'queued' | 'running' },
) {
  // The id first, then the lock, then the row: no moment when the row exists unowned.
  const [{ id }] = await db.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('import_batches', 'id'))::int AS id`);
  await db.hold?.(BATCH_LOCK, id);
  try {
    await db.query(
      `INSERT INTO import_batches (id, kind, file_name, created_by, dataset, status) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, v.kind, v.fileName.slice(0, 255), v.createdBy, v.dataset ?? null, v.status ?? 'running'],
    );
  } catch (e) {
    await releaseBatch(db, id);
    throw e;
  }
  return id;
}

/** This process no longer owns the batch (it ended, or its import gave up). */
export async function releaseBatch(db: Db, id: number) {
  await db.release?.(BATCH_LOCK, id);
}

/**
 * Inside an import's transaction: the batch stays owned while the transaction lives, whatever happens to the
 * session connection. On a server the transaction also ends soon after its process does: PostgreSQL checks
 * every CLIENT_CHECK whether the client is still there while a statement runs (by default it would notice only
 * when the statement ends). Measured (issue 15): an app killed during the move of 150,000 rows left its backend
 * moving them for nobody for 31 s, longer than a whole move (24 s), holding the batch's lock, so the restarted
 * app failed the batch only at its next sweep, 65 s after the kill.
 */
export async function ownBatch(tx: Queryable, id: number, driver: Driver) {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [BATCH_LOCK, id]);
  if (driver === 'postgres') await tx.query(`SELECT set_config('client_connection_check_interval', $1, true)`, [CLIENT_CHECK]);
}

/** How often a server checks, during an import's statements, that the importing process is still connected. */
export const CLIENT_CHECK = '1s';

const ABANDONED = JSON.stringify({
  code: 'abandoned',
  message: 'The process running this import stopped (or lost the database) before it finished; nothing from it was kept.',
});

/**
 * Mark batches left 'queued'/'running' by a process that is gone as failed (at start-up, and every
 * SWEEP_MS on a server). Server: only batches whose owner lock is free; PGlite: all of them. Returns
 * the ids failed.
 */
export async function failAbandonedBatches(db: Db): Promise<number[]> {
  const rows =
    db.driver === 'pglite'
      ? await db.query<{ id: number }>(
          `UPDATE import_batches SET status = 'failed', finished_at = now(), error = $1 WHERE status IN ('queued', 'running') RETURNING id`,
          [ABANDONED],
        )
      : // The exclusive try-lock succeeds only when no session holds the batch's shared lock; it is
        // released when this statement's transaction ends.
        await db.query<{ id: number }>(
          `UPDATE import_batches SET status = 'failed', finished_at = now(), error = $1
        WHERE status IN ('queued', 'running') AND pg_try_advisory_xact_lock($2, id) RETURNING id`,
          [ABANDONED, BATCH_LOCK],
        );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * After a failed import on the embedded database: make the space of the rows it wrote and rolled back
 * reusable, and give back trailing empty pages (PGlite has no autovacuum). A server has autovacuum.
 */
export async function reclaimSpace(db: Db) {
  if (db.driver !== 'pglite') return;
  await db.exec('VACUUM');
}

export async function finishBatch(db: Db, s: ImportSummary, sha256: string | null) {
  await db.query(
    `UPDATE import_batches SET status = $2, finished_at = now(), rows_read = $3, imported = $4, duplicates = $5,
       rejected = $6, outside_study_area = $7, summary = $8::jsonb, error = $9, file_sha256 = $10, kind = $11, source = $12
     WHERE id = $1`,
    [
      s.batchId,
      s.status,
      s.rowsRead,
      s.imported,
      s.duplicates,
      s.rejected,
      s.outsideStudyArea,
      JSON.stringify(s.details),
      s.error ? JSON.stringify(s.error) : null,
      sha256,
      s.kind,
      // Provenance (for the attribution): the source stated at import or inferred by the importer.
      typeof s.details.source === 'string' ? s.details.source.slice(0, 200) : null,
    ],
  );
  // Rejects are kept even when the import itself failed, so the user can see why.
  const keep = s.rejects.slice(0, MAX_STORED_REJECTS);
  for (let i = 0; i < keep.length; i += 1000) {
    const part = keep.slice(i, i + 1000);
    await db.query(
      `INSERT INTO import_rejects (batch_id, line, reason, raw)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[])`,
      [s.batchId, part.map((r) => r.line), part.map((r) => r.reason), part.map((r) => r.raw?.slice(0, 1000) ?? null)],
    );
  }
}

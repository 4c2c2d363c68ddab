// Import batch bookkeeping: one row per file, plus its rejected rows.
import type { Db, Queryable } from '../db/index.js';
import type { ImportKind } from './sniff.js';

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

export async function createBatch(db: Queryable, v: { kind: ImportKind; fileName: string; createdBy: string; dataset?: string; status?: 'queued' | 'running' }) {
  const [r] = await db.query<{ id: number }>(
    `INSERT INTO import_batches (kind, file_name, created_by, dataset, status) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [v.kind, v.fileName.slice(0, 255), v.createdBy, v.dataset ?? null, v.status ?? 'running'],
  );
  return r.id;
}

export async function finishBatch(db: Db, s: ImportSummary, sha256: string | null) {
  await db.query(
    `UPDATE import_batches SET status = $2, finished_at = now(), rows_read = $3, imported = $4, duplicates = $5,
       rejected = $6, outside_study_area = $7, summary = $8::jsonb, error = $9, file_sha256 = $10, kind = $11, source = $12
     WHERE id = $1`,
    [s.batchId, s.status, s.rowsRead, s.imported, s.duplicates, s.rejected, s.outsideStudyArea,
      JSON.stringify(s.details), s.error ? JSON.stringify(s.error) : null, sha256, s.kind,
      // Provenance (for the attribution): the source stated at import or inferred by the importer.
      typeof s.details.source === 'string' ? s.details.source.slice(0, 200) : null],
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

/** Mark batches left 'running'/'queued' by a crashed process as failed (called at start-up). */
export async function failAbandonedBatches(db: Db) {
  await db.query(
    `UPDATE import_batches SET status = 'failed', finished_at = now(),
       error = '{"code":"abandoned","message":"The app stopped before this import finished; nothing from it was kept."}'
     WHERE status IN ('queued', 'running')`,
  );
}

// Import API. POST /api/imports takes the raw file as the request body (streamed to disk, never
// held in memory), checks it at once (empty, binary, unreadable header → 400), then imports it in
// the background; GET /api/imports/:id reports progress and the outcome.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as contract from '../../contract/imports.js';
import type { Deps } from '../deps.js';
import { ApiError, errorBody } from '../errors.js';
import { audit } from '../auth/audit.js';
import { contractRouter, principal, register } from '../routing.js';
import { MAX_STORED_REJECTS } from './batches.js';
import { ImportError, importFile, saveMapping } from './index.js';
import { ImportJobs } from './jobs.js';
import { sniff } from './sniff.js';

const UPLOAD_TYPES = new Set<string>(contract.UPLOAD_TYPES);

/** A row of import_batches as the routes read it (timestamps come out as ISO strings in JSON). */
interface BatchRow {
  id: number;
  kind: string | null;
  file_name: string | null;
  dataset: string | null;
  created_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  status: contract.ImportStatus;
  rows_read: number | null;
  imported: number | null;
  duplicates: number | null;
  rejected: number | null;
  outside_study_area: number | null;
  summary: unknown;
  error: string | null;
}

const BATCH_COLUMNS = `id, kind, file_name, dataset, created_by, started_at, finished_at, status, rows_read, imported,
  duplicates, rejected, outside_study_area, summary, error`;

export function importRoutes({ db, config }: Deps) {
  const r = contractRouter();
  const jobs = new ImportJobs(db);
  const uploads = path.join(config.dataDir, 'uploads');
  const maxBytes = config.MAX_UPLOAD_MB * 1024 * 1024;

  const present = (row: BatchRow): contract.ImportJob => {
    const live = jobs.progress(row.id);
    return {
      ...row,
      error: typeof row.error === 'string' ? JSON.parse(row.error) : row.error,
      status: live?.status ?? row.status,
      phase: live?.phase ?? null,
      bytes_read: live?.bytesRead ?? null,
      bytes_total: live?.bytesTotal ?? null,
      rows_read: live ? live.rowsRead : row.rows_read,
      pieces_done: live?.piecesDone ?? null,
      pieces_total: live?.piecesTotal ?? null,
      rows_moved: live?.rowsMoved ?? null,
    };
  };

  register(r, db, contract.startImport, async (c) => {
    const p = principal(c);
    const q = c.req.valid('query');
    const type = (c.req.header('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
    if (!UPLOAD_TYPES.has(type)) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        `Send the file itself as the body (got ${type.slice(0, 60)}; expected one of ${[...UPLOAD_TYPES].join(', ')}).`,
      );
    }
    const body = c.req.raw.body;
    if (!body) throw new ApiError(400, 'empty_file', 'The request has no file in its body.');
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > maxBytes) throw new ApiError(413, 'too_large', `Files are limited to ${config.MAX_UPLOAD_MB} MB.`);
    fs.mkdirSync(uploads, { recursive: true });
    const tmp = path.join(uploads, `${crypto.randomUUID()}.upload`);
    let seen = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        cb(seen > maxBytes ? new ApiError(413, 'too_large', `Files are limited to ${config.MAX_UPLOAD_MB} MB.`) : null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(body as import('node:stream/web').ReadableStream),
        limit,
        fs.createWriteStream(tmp, { mode: 0o600 }),
      );
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      if (e instanceof ApiError) throw e;
      throw new ApiError(400, 'upload_failed', 'The upload was interrupted.');
    }
    const fileName = path.basename(q.filename ?? 'upload');
    const opts = {
      kind: q.kind,
      level: q.level,
      codeField: q.code_field,
      nameField: q.name_field,
      valueField: q.value_field,
      crs: q.crs,
      object: q.object,
      mapping: q.mapping,
      saveMapping: q.save_mapping,
      dataset: q.dataset,
      fileName,
      createdBy: p.user.email,
      replace: q.replace === 'true',
      source: q.source,
    };
    const logImport = (id: number, outcome: string, recordCount: number | null = null) =>
      audit(db, p, c.get('ip'), {
        action: 'import',
        resource: `imports/${id}`,
        query: { file: fileName, kind: q.kind ?? null, level: q.level ?? null, replace: q.replace === 'true' },
        outcome,
        recordCount,
      });
    // Problems visible from the first bytes are answered at once (and recorded as a failed import).
    try {
      await sniff(tmp);
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      const s = await importFile(db, tmp, opts);
      fs.rmSync(tmp, { force: true });
      await logImport(s.batchId, e.code);
      return c.json(errorBody(e.code, e.message, { id: s.batchId }), 400);
    }
    const { id, done } = await jobs.enqueue(tmp, opts);
    await logImport(id, 'queued');
    // A second row when the import ends: its outcome and the number of records it stored.
    void done
      .then(
        (s) => logImport(id, s.status, s.imported),
        () => logImport(id, 'failed'),
      )
      .catch((e) => console.error(`audit of import ${id} failed:`, e));
    return c.json({ id }, 202);
  });

  register(r, db, contract.listImports, async (c) => {
    const q = c.req.valid('query');
    const rows = await db.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM import_batches ORDER BY id DESC LIMIT $1 OFFSET $2`, [
      q.limit,
      q.offset,
    ]);
    return c.json({ imports: rows.map(present) }, 200);
  });

  register(r, db, contract.getImport, async (c) => {
    const { id } = c.req.valid('param');
    const [row] = await db.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM import_batches WHERE id = $1`, [id]);
    if (!row) throw new ApiError(404, 'not_found', `No import ${id}.`);
    return c.json(present(row), 200);
  });

  // Rejected rows are raw record-level data: audited.
  register(r, db, contract.getRejects, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const [b] = await db.query<{ rejected: number }>('SELECT rejected FROM import_batches WHERE id = $1', [id]);
    if (!b) throw new ApiError(404, 'not_found', `No import ${id}.`);
    const rows = await db.query<contract.ImportReject>(
      'SELECT line, reason, raw FROM import_rejects WHERE batch_id = $1 ORDER BY line LIMIT $2 OFFSET $3',
      [id, q.limit, q.offset],
    );
    await audit(db, principal(c), c.get('ip'), {
      action: 'view_records',
      resource: `imports/${id}/rejects`,
      query: q,
      recordCount: rows.length,
    });
    return c.json({ total: b.rejected, stored: Math.min(b.rejected, MAX_STORED_REJECTS), rejects: rows }, 200);
  });

  register(r, db, contract.listMappings, async (c) =>
    c.json(
      {
        mappings: await db.query<{ name: string; mapping: Record<string, unknown>; updated_at: string }>(
          'SELECT name, mapping, updated_at FROM column_mappings ORDER BY name',
        ),
      },
      200,
    ),
  );

  register(r, db, contract.putMapping, async (c) => {
    const { name } = c.req.valid('param');
    try {
      const mapping = await saveMapping(db, name, c.req.valid('json'));
      await audit(db, principal(c), c.get('ip'), { action: 'change', resource: `mappings/${name}`, query: mapping });
      return c.json({ name, mapping }, 200);
    } catch (e) {
      if (e instanceof ImportError) throw new ApiError(400, e.code, e.message);
      throw e;
    }
  });

  return r;
}

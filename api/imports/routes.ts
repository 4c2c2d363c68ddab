// Import API. POST /api/imports takes the raw file as the request body (streamed to disk, never
// held in memory), checks it at once (empty, binary, unreadable header → 400), then imports it in
// the background; GET /api/imports/:id reports progress and the outcome.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../app.js';
import { ApiError, errorBody } from '../errors.js';
import { parseQuery } from '../validate.js';
import { audit } from '../auth/audit.js';
import { allow, principal, type AppEnv } from '../auth/middleware.js';
import { levelParam } from '../aggregates/params.js';
import { MAX_STORED_REJECTS } from './batches.js';
import { IMPORT_KINDS, ImportError, importFile, saveMapping } from './index.js';
import { ImportJobs } from './jobs.js';
import { sniff } from './sniff.js';

const field = z.string().min(1).max(200).optional();
const startQuery = z.strictObject({
  kind: z.enum(IMPORT_KINDS as [string, ...string[]]).optional(),
  level: levelParam.optional(),
  code_field: field,
  name_field: field,
  value_field: field,
  crs: z.string().max(80).optional(),
  object: field,
  mapping: z.string().max(2000).optional(),
  save_mapping: z.string().regex(/^[A-Za-z0-9 _.-]{1,80}$/).optional(),
  dataset: z.string().min(1).max(120).optional(),
  filename: z.string().min(1).max(255).optional(),
  /** Boundaries: confirm replacing a loaded level whose codes the file does not all have (issue 13). */
  replace: z.enum(['true', 'false']).optional(),
  /** Boundaries/population: where the data come from, for the attribution. */
  source: z.string().trim().min(1).max(200).optional(),
});
const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
/** Upload bodies: the file's bytes (the content itself is checked by sniff). Forms and other types are refused. */
const UPLOAD_TYPES = new Set(['application/octet-stream', 'text/csv', 'text/plain', 'application/json', 'application/geo+json', 'application/vnd.ms-excel']);
const idParam = z.coerce.number().int().min(1).max(2 ** 31 - 1);
/** The :id of an import (400 unless a positive integer). */
function importId(raw: string): number {
  const id = idParam.safeParse(raw);
  if (!id.success) throw new ApiError(400, 'invalid_parameter', 'import id must be a positive integer');
  return id.data;
}

const BATCH_COLUMNS = `id, kind, file_name, dataset, created_by, started_at, finished_at, status, rows_read, imported,
  duplicates, rejected, outside_study_area, summary, error`;

export function importRoutes({ db, config }: Deps) {
  const r = new Hono<AppEnv>();
  // Imports and mappings: analysts (API tokens need the `import` scope to send files, `read` to poll).
  const analyst = allow(['analyst']);
  const importer = allow(['analyst'], { scope: 'import' });
  const jobs = new ImportJobs(db);
  const uploads = path.join(config.dataDir, 'uploads');
  const maxBytes = config.MAX_UPLOAD_MB * 1024 * 1024;

  const present = (row: Record<string, unknown>) => {
    const live = jobs.progress(row.id as number);
    return {
      ...row,
      error: typeof row.error === 'string' ? JSON.parse(row.error) : row.error,
      status: live?.status ?? row.status,
      phase: live?.phase ?? null,
      bytes_read: live?.bytesRead ?? null,
      bytes_total: live?.bytesTotal ?? null,
      rows_read: live ? live.rowsRead : row.rows_read,
    };
  };

  r.post('/imports', importer, async (c) => {
    const p = principal(c);
    const q = parseQuery(c, startQuery);
    const type = (c.req.header('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
    if (!UPLOAD_TYPES.has(type)) {
      throw new ApiError(415, 'unsupported_media_type', `Send the file itself as the body (got ${type.slice(0, 60)}; expected one of ${[...UPLOAD_TYPES].join(', ')}).`);
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
      await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), limit, fs.createWriteStream(tmp, { mode: 0o600 }));
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      if (e instanceof ApiError) throw e;
      throw new ApiError(400, 'upload_failed', 'The upload was interrupted.');
    }
    const fileName = path.basename(q.filename ?? 'upload');
    const opts = {
      kind: q.kind as (typeof IMPORT_KINDS)[number] | undefined, level: q.level, codeField: q.code_field, nameField: q.name_field,
      valueField: q.value_field, crs: q.crs, object: q.object, mapping: q.mapping, saveMapping: q.save_mapping,
      dataset: q.dataset, fileName, createdBy: p.user.email, replace: q.replace === 'true', source: q.source,
    };
    const logImport = (id: number, outcome: string, recordCount: number | null = null) =>
      audit(db, p, c.get('ip'), { action: 'import', resource: `imports/${id}`, query: { file: fileName, kind: q.kind ?? null, level: q.level ?? null, replace: q.replace === 'true' }, outcome, recordCount });
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
    void done.then(
      (s) => logImport(id, s.status, s.imported),
      () => logImport(id, 'failed'),
    ).catch((e) => console.error(`audit of import ${id} failed:`, e));
    return c.json({ id }, 202);
  });

  r.get('/imports', analyst, async (c) => {
    const q = parseQuery(c, pageQuery);
    const rows = await db.query<Record<string, unknown>>(`SELECT ${BATCH_COLUMNS} FROM import_batches ORDER BY id DESC LIMIT $1 OFFSET $2`, [q.limit, q.offset]);
    return c.json({ imports: rows.map(present) });
  });

  r.get('/imports/:id', analyst, async (c) => {
    const id = importId(c.req.param('id'));
    const [row] = await db.query<Record<string, unknown>>(`SELECT ${BATCH_COLUMNS} FROM import_batches WHERE id = $1`, [id]);
    if (!row) throw new ApiError(404, 'not_found', `No import ${id}.`);
    return c.json(present(row));
  });

  // Rejected rows are raw record-level data: audited.
  r.get('/imports/:id/rejects', analyst, async (c) => {
    const id = importId(c.req.param('id'));
    const q = parseQuery(c, pageQuery);
    const [b] = await db.query<{ rejected: number }>('SELECT rejected FROM import_batches WHERE id = $1', [id]);
    if (!b) throw new ApiError(404, 'not_found', `No import ${id}.`);
    const rows = await db.query('SELECT line, reason, raw FROM import_rejects WHERE batch_id = $1 ORDER BY line LIMIT $2 OFFSET $3', [id, q.limit, q.offset]);
    await audit(db, principal(c), c.get('ip'), { action: 'view_records', resource: `imports/${id}/rejects`, query: q, recordCount: rows.length });
    return c.json({ total: b.rejected, stored: Math.min(b.rejected, MAX_STORED_REJECTS), rejects: rows });
  });

  r.get('/mappings', analyst, async (c) => {
    parseQuery(c, z.strictObject({}));
    return c.json({ mappings: await db.query('SELECT name, mapping, updated_at FROM column_mappings ORDER BY name') });
  });

  r.put('/mappings/:name', importer, async (c) => {
    const name = c.req.param('name');
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) throw new ApiError(415, 'unsupported_media_type', 'Send the mapping as application/json.');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, 'bad_json', 'The body must be a JSON mapping object.');
    }
    try {
      const mapping = await saveMapping(db, name, body);
      await audit(db, principal(c), c.get('ip'), { action: 'change', resource: `mappings/${name}`, query: mapping });
      return c.json({ name, mapping });
    } catch (e) {
      if (e instanceof ImportError) throw new ApiError(400, e.code, e.message);
      throw e;
    }
  });

  return r;
}

// POST /api/incidents: a force system pushes incidents as they are recorded. Each request is one
// import batch (kind 'api') written by the importer itself: the incidents are checked here with the
// importer's row function (geodata/incident-rows.ts toIncident: dates and precision, categories,
// BNG → WGS84, H3 cells), then written as a CSV to a temporary file and imported by
// importIncidentCsv — the same staging, ward/LSOA assignment, dedup keys and transaction as a file
// import, so a pushed incident and the same incident in a file are normalised identically, and
// pushing the same incident again adds nothing. All or nothing: one bad incident refuses the request.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { isDatabaseUnavailable, type Db } from '../db/index.js';
import { ApiError } from '../errors.js';
import { resolveMapping, toIncident, type IncidentMapping, type ResolvedMapping } from '../../geodata/incident-rows.js';
import { createBatch, finishBatch, releaseBatch, type ImportSummary } from '../imports/batches.js';
import { importIncidentCsv } from '../imports/incidents.js';
import type { ImportKind } from '../imports/sniff.js';

export { MAX_INGEST, incidentSchema, ingestBody, type IncidentIn, type IngestResult } from '../../contract/live.js';
import { incidentSchema, type IncidentIn, type IngestResult } from '../../contract/live.js';
export const DEFAULT_DATASET = 'API ingest';
/** Stored in import_batches.kind (not an uploadable file kind, so not one of IMPORT_KINDS). */
const API_KIND = 'api' as ImportKind;

// Row layout of the CSV handed to the importer, and its mappings (one per coordinate system).
const COLUMNS = ['id', 'date', 'category', 'x', 'y', 'age_band', 'outcome', 'location', 'offence_code', 'location_type'];
const common = {
  id: 'id',
  date: 'date',
  category: 'category',
  ageBand: 'age_band',
  outcome: 'outcome',
  location: 'location',
  offenceCode: 'offence_code',
  locationType: 'location_type',
  locationPrecision: 'exact' as const,
};
const WGS84: IncidentMapping = { ...common, lon: 'x', lat: 'y' };
const BNG: IncidentMapping = { ...common, easting: 'x', northing: 'y' };
const resolved = (m: IncidentMapping) => resolveMapping(m, COLUMNS) as ResolvedMapping;
const fieldsOf = (r: IncidentIn) => [
  r.id,
  r.occurred_at,
  r.category,
  String(r.lon ?? r.easting),
  String(r.lat ?? r.northing),
  r.age_band ?? '',
  r.outcome ?? '',
  r.location ?? '',
  r.offence_code ?? '',
  r.location_type ?? '',
];

export interface Rejected {
  index: number;
  reason: string;
}

/** Check every incident; the rows to import (as WGS84 CSV fields) or the rejected ones. */
export function checkIncidents(items: unknown[], knownCategories: Set<string>): { rows: string[][]; rejected: Rejected[] } {
  const [wgs, bng] = [resolved(WGS84), resolved(BNG)];
  const rows: string[][] = [];
  const rejected: Rejected[] = [];
  items.forEach((item, index) => {
    const r = incidentSchema.safeParse(item);
    if (!r.success) {
      rejected.push({
        index,
        reason: r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
      });
      return;
    }
    if (!knownCategories.has(r.data.category)) {
      rejected.push({ index, reason: `category: unknown category "${r.data.category}" (see GET /api/categories)` });
      return;
    }
    const fields = fieldsOf(r.data);
    const rec = toIncident(fields, r.data.lon !== undefined ? wgs : bng);
    if (!rec.ok) {
      rejected.push({ index, reason: rec.reason });
      return;
    }
    // The importer reads WGS84 (as toIncident computed it), so both coordinate systems take one path.
    rows.push([fields[0], fields[1], fields[2], String(rec.rec.lon), String(rec.rec.lat), ...fields.slice(5)]);
  });
  return { rows, rejected };
}

/** Import checked rows as one batch; throws ApiError 400 (nothing written) if any incident is bad. */
export async function ingest(db: Db, items: unknown[], opts: { dataset?: string; createdBy: string }): Promise<IngestResult> {
  const known = new Set((await db.query<{ slug: string }>('SELECT slug FROM categories')).map((r) => r.slug));
  const { rows, rejected } = checkIncidents(items, known);
  if (rejected.length) {
    throw new ApiError(
      400,
      'invalid_incidents',
      `${rejected.length} of ${items.length} incidents are invalid; nothing was imported. First: #${rejected[0].index}: ${rejected[0].reason}`,
      { rejected },
    );
  }
  const dataset = opts.dataset ?? DEFAULT_DATASET;
  const fileName = `POST /api/incidents (${rows.length})`;
  const batchId = await createBatch(db, { kind: API_KIND, fileName, createdBy: opts.createdBy, dataset });
  try {
    return await ingestBatch(db, rows, batchId, fileName, dataset);
  } finally {
    await releaseBatch(db, batchId);
  }
}

async function ingestBatch(db: Db, rows: string[][], batchId: number, fileName: string, dataset: string): Promise<IngestResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-ingest-'));
  const file = path.join(dir, `${crypto.randomUUID()}.csv`);
  let summary: ImportSummary;
  let lost: unknown;
  try {
    fs.writeFileSync(file, stringify(rows, { header: true, columns: COLUMNS }));
    summary = await importIncidentCsv(db, file, {
      batchId,
      kind: API_KIND,
      fileName,
      dataset,
      keyNamespace: `api:${dataset}`,
      mapping: WGS84,
    });
  } catch (e) {
    console.error(`ingest batch ${batchId} failed:`, e);
    lost = isDatabaseUnavailable(e) ? e : undefined;
    summary = {
      batchId,
      kind: API_KIND,
      fileName,
      status: 'failed',
      rowsRead: rows.length,
      imported: 0,
      duplicates: 0,
      rejected: 0,
      outsideStudyArea: 0,
      details: {},
      rejects: [],
      error: { code: 'internal', message: 'The ingest failed inside the database; nothing was kept.' },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await finishBatch(db, summary, (summary.details.sha256 as string) ?? null);
  if (lost) throw lost; // 503: the database went away mid-way
  if (summary.status !== 'committed')
    throw new ApiError(500, 'internal', 'The ingest failed inside the database; nothing was kept.');
  return {
    batch_id: batchId,
    imported: summary.imported,
    duplicates: summary.duplicates,
    outside_study_area: summary.outsideStudyArea,
    rejected: [],
  };
}

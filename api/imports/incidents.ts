// Incident CSV import (police.uk street files and any CSV with a column mapping).
// Streams the file: rows are parsed (fast-records.ts) and checked in JS (dates, coordinates,
// reprojection, H3 cells), COPYed in chunks into a temporary staging table (hash-partitioned by natural key
// into pieces), wards/LSOAs are looked up once per distinct point of the file (subdivided polygons, GiST), then
// the rows are moved into `incidents` piece by piece, each piece one INSERT ... SELECT that skips rows already
// imported (ON CONFLICT on the dedup key in incident_keys). All of it runs in one transaction.
import type { ImportPhase } from '../../contract/imports.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Db, Queryable } from '../db/index.js';
import {
  latestDates,
  resolveMapping,
  toIncident,
  type IncidentMapping,
  type IncidentRecord,
} from '../../geodata/incident-rows.js';
import { MAX_STORED_REJECTS, ownBatch, type ImportSummary, type Reject } from './batches.js';
import { CsvFileError, fastRecords } from './fast-records.js';
import { describeHeaderDifference } from '../../geodata/csv-header.js';
import { ImportError } from './errors.js';
import type { ImportKind } from '../../contract/imports.js';
import { CoverageTracker } from '../coverage/record.js';
import { onsCodeRows } from '../../geodata/harm/schemes.js';
import { ONS_CSS_EDITION } from '../../geodata/harm/ons-table.js';
import { studyAreaLevel } from './study-area.js';

export interface Progress {
  phase: ImportPhase;
  bytesRead: number;
  bytesTotal: number;
  rowsRead: number;
  /** Phase 'assigning': pieces of the move done and in all, and staged rows moved so far (new or duplicate). */
  piecesDone?: number;
  piecesTotal?: number;
  rowsMoved?: number;
}

/** The parameters of a move statement: batch id, dataset, LSOA polygons loaded, study-area level. */
export type MoveParams = [number, string, boolean, string | null];

export interface IncidentImportOptions {
  batchId: number;
  kind: ImportKind;
  fileName: string;
  /** Label stored with each incident (e.g. "police.uk street CSV"). */
  dataset: string;
  /** Namespace of the dedup keys: rows are the same incident only within one namespace. */
  keyNamespace: string;
  mapping: IncidentMapping;
  /** The area the source was published for, as the user states it (police.uk files say it in "Falls within"). */
  publishedFor?: string;
  /** When set, the header must equal this exactly (police.uk files). */
  exactHeader?: string[];
  onProgress?: (p: Progress) => void;
  /** Staged rows per piece of the move, about (default PIECE_ROWS; tests set it low to make many pieces). */
  rowsPerPiece?: number;
  /**
   * Replaces the piecewise move (tests only: to compare it with the one-statement move it replaced, which
   * reads the whole stage `import_stage`).
   */
  move?: (tx: Queryable, params: MoveParams) => Promise<{ imported: number; outside: number }>;
}

const CHUNK_ROWS = 20_000;
/**
 * Staged rows per piece of the move, about. A piece's sort (ordinals), hash joins and index writes fit in the
 * work_mem set for the move (MOVE_WORK_MEM), so they do not spill; one statement over a 5M-row file wrote
 * 4.4 GB of temporary files (issue 16, docs/BENCHMARKS.md).
 */
export const PIECE_ROWS = 100_000;
/** Bytes a staged row takes in a file, about (police.uk street rows: 188), to choose the pieces before reading. */
const BYTES_PER_ROW = 150;
const MAX_PIECES = 512;
/** work_mem for the move's statements (SET LOCAL: this transaction only); a piece is bounded, so is this. */
const MOVE_WORK_MEM = '32MB';
/** Progress is reported at least every this many rows. */
const PROGRESS_ROWS = 2_000;
/**
 * The import's JS (parsing, checks, H3, staging lines) gives the event loop a turn at least every this many
 * rows: a file stream with data buffered and a COPY already answered never yield otherwise, and a 20,000-row
 * chunk of JS held health and the change feed for seconds (issue 16; `scripts/bench/import-health.ts`).
 */
const YIELD_ROWS = 1_000;
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));
/** Columns of the staging table, in the order stageLine writes them. */
export const STAGE_COLUMNS = [
  'line',
  'nk',
  'source_id',
  'category',
  'occurred_at',
  'time_precision',
  'lon',
  'lat',
  'location_precision',
  'location_text',
  'age_band',
  'outcome',
  'lsoa_given',
  'offence_code',
  'location_type',
  'h3_7',
  'h3_8',
  'h3_9',
  'h3_10',
];

const q = (s: string | null) => (s === null ? '' : `"${s.replace(/"/g, '""')}"`);

/** One staged row as a CSV line for COPY. */
export function stageLine(line: number, nk: string, r: IncidentRecord): string {
  return [
    line,
    nk,
    q(r.sourceId),
    q(r.category.slug),
    r.occurredAt,
    r.precision,
    r.lon,
    r.lat,
    r.locationPrecision,
    q(r.locationText),
    q(r.ageBand),
    q(r.outcome),
    q(r.lsoaGiven),
    q(r.offenceCode),
    q(r.locationType),
    r.h3[0],
    r.h3[1],
    r.h3[2],
    r.h3[3],
  ].join(',');
}

/** The columns both moves fill, and the staged H3 cells (hex text) as the bigints stored. */
const INSERT_INCIDENTS = `INSERT INTO incidents (batch_id, dataset, source_id, dedup_key, category, occurred_at, time_precision, lon, lat,
                         location_precision, location_text, age_band, outcome, offence_code, location_type, ward_code, lsoa_code, study_code,
                         h3_7, h3_8, h3_9, h3_10, record_key)`;
const H3_BIGINTS = ['h3_7', 'h3_8', 'h3_9', 'h3_10'].map((c) => `('x' || lpad(k.${c}, 16, '0'))::bit(64)::bigint`).join(', ');

// The move as it was until issue 16 (one statement over the whole stage), kept as the reference the
// piecewise move is tested against (test/import-pieces.test.ts).
// Move staged rows into incidents. Identical natural keys within one file get ordinals 1, 2, ...
// so that two letter-identical rows (police.uk ASB rows have no id) stay two incidents, while
// re-importing the same file reproduces the same keys and adds nothing.
// Ward/LSOA: looked up once per distinct (lon, lat) and hash-joined back: police.uk street points are
// snapped to map points, so a file has far fewer distinct points than rows (1M rows: ~20k points;
// the lookup per row took ~10x longer). `MATERIALIZED` is required: inlined, the planner may evaluate
// the lookups per joined row, or rescan pts per row. (Tried and dropped: a NOT EXISTS pre-filter
// against incidents for re-imports: with a small or empty incidents table the planner picks a
// nested-loop anti join over a seq scan of the table this INSERT fills, which is quadratic.)
export const MOVE_SQL = `
WITH keyed AS (
  -- dedup key = md5(natural key hash # ordinal among identical keys in this file)
  SELECT s.*, md5(s.nk || '#' || row_number() OVER (PARTITION BY s.nk ORDER BY s.line))::uuid AS dedup_key
  FROM import_stage s
), fresh AS (
  -- keys not yet held, in any month (migration 021: the keys of all partitions live in incident_keys)
  INSERT INTO incident_keys (dedup_key) SELECT dedup_key FROM keyed ON CONFLICT DO NOTHING RETURNING dedup_key
), pts AS MATERIALIZED (
  -- each distinct point once: the subdivided part containing it (boundary ties: lowest code)
  SELECT d.lon, d.lat,
         (SELECT p.code FROM area_parts p WHERE p.level = 'ward'
            AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) AS ward_code,
         -- LSOA polygons only when loaded ($3)
         CASE WHEN $3 THEN (SELECT p.code FROM area_parts p WHERE p.level = 'lsoa'
            AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) END AS lsoa_code,
         -- the study-area unit ($4: its level; wards reuse ward_code below)
         CASE WHEN $4::text IS NOT NULL AND $4::text <> 'ward' THEN (SELECT p.code FROM area_parts p WHERE p.level = $4::text
            AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) END AS study_code
  FROM (SELECT DISTINCT lon, lat FROM import_stage) d
), ins AS (
  ${INSERT_INCIDENTS}
  SELECT $1, $2, k.source_id, k.dedup_key, k.category, k.occurred_at, k.time_precision, k.lon, k.lat,
         k.location_precision, k.location_text, k.age_band, k.outcome, k.offence_code, k.location_type,
         pt.ward_code,
         -- LSOA: from LSOA polygons when loaded, else the code the file gives
         CASE WHEN $3 THEN pt.lsoa_code ELSE k.lsoa_given END,
         CASE WHEN $4::text = 'ward' THEN pt.ward_code ELSE pt.study_code END,
         ${H3_BIGINTS},
         -- record key (ONS cell key method, migration 017): a fixed strong-random 0..255 per incident, drawn here
         get_byte(uuid_send(gen_random_uuid()), 0)
  FROM keyed k JOIN fresh f ON f.dedup_key = k.dedup_key JOIN pts pt ON pt.lon = k.lon AND pt.lat = k.lat
  RETURNING study_code
)
SELECT count(*)::int AS imported, count(*) FILTER (WHERE study_code IS NULL)::int AS outside FROM ins`;

/**
 * Each distinct point of the file once, with its ward, LSOA and study-area codes (as MOVE_SQL's `pts`), kept
 * for the whole move: a point appears in nearly every piece (pieces are hashes of natural keys, not places),
 * so looking it up per piece would repeat each lookup about once per piece. Parameters: $1 LSOA polygons
 * loaded, $2 the study-area level.
 */
export const POINTS_SQL = `
INSERT INTO import_points (lon, lat, ward_code, lsoa_code, study_code)
SELECT d.lon, d.lat, w.code,
       -- LSOA polygons only when loaded ($1)
       CASE WHEN $1 THEN (SELECT p.code FROM area_parts p WHERE p.level = 'lsoa'
          AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) END,
       -- the study-area unit ($2: its level; wards reuse the ward code)
       CASE WHEN $2::text = 'ward' THEN w.code
            WHEN $2::text IS NOT NULL THEN (SELECT p.code FROM area_parts p WHERE p.level = $2::text
          AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) END
FROM (SELECT DISTINCT lon, lat FROM import_stage) d,
     -- the subdivided part containing it (boundary ties: lowest code)
     LATERAL (SELECT (SELECT p.code FROM area_parts p WHERE p.level = 'ward'
          AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) AS code) w`;

/**
 * One piece of the move: MOVE_SQL over one partition of the stage, the points' codes read from
 * import_points. Every row of a natural key is in the same piece (the stage is partitioned by a hash of nk),
 * so the ordinals among identical keys, and hence the dedup keys, are those of the whole file.
 * Parameters: $1 batch id, $2 dataset, $3 LSOA polygons loaded.
 */
export const pieceSql = (piece: string) => `
WITH keyed AS (
  SELECT s.*, md5(s.nk || '#' || row_number() OVER (PARTITION BY s.nk ORDER BY s.line))::uuid AS dedup_key
  FROM ${piece} s
), fresh AS (
  INSERT INTO incident_keys (dedup_key) SELECT dedup_key FROM keyed ON CONFLICT DO NOTHING RETURNING dedup_key
), ins AS (
  ${INSERT_INCIDENTS}
  SELECT $1, $2, k.source_id, k.dedup_key, k.category, k.occurred_at, k.time_precision, k.lon, k.lat,
         k.location_precision, k.location_text, k.age_band, k.outcome, k.offence_code, k.location_type,
         pt.ward_code, CASE WHEN $3 THEN pt.lsoa_code ELSE k.lsoa_given END, pt.study_code,
         ${H3_BIGINTS},
         get_byte(uuid_send(gen_random_uuid()), 0)
  FROM keyed k JOIN fresh f ON f.dedup_key = k.dedup_key JOIN import_points pt ON pt.lon = k.lon AND pt.lat = k.lat
  RETURNING study_code
)
SELECT (SELECT count(*)::int FROM keyed) AS staged, count(*)::int AS imported,
       count(*) FILTER (WHERE study_code IS NULL)::int AS outside FROM ins`;

/** Pieces for a file of this size: about rowsPerPiece staged rows each. */
export function pieceCount(bytesTotal: number, rowsPerPiece = PIECE_ROWS): number {
  return Math.min(MAX_PIECES, Math.max(1, Math.ceil(bytesTotal / BYTES_PER_ROW / rowsPerPiece)));
}

/**
 * The move in pieces (issue 16): the sort that numbers identical keys, the hash joins and the rollup
 * triggers' work are per piece, so the temporary files and memory are bounded by a piece, not by the file.
 * Still inside the import's one transaction: all or nothing as before.
 */
async function movePieces(
  tx: Queryable,
  pieces: number,
  [batchId, dataset, hasLsoa, studyLevel]: MoveParams,
  report: (done: number, moved: number) => void,
) {
  await tx.exec(`SET LOCAL work_mem = '${MOVE_WORK_MEM}'`);
  await tx.exec(`CREATE TEMP TABLE import_points (
    lon double precision NOT NULL, lat double precision NOT NULL, ward_code text, lsoa_code text, study_code text
  ) ON COMMIT DROP`);
  await tx.query(POINTS_SQL, [hasLsoa, studyLevel]);
  await tx.exec('ANALYZE import_points');
  let imported = 0;
  let outside = 0;
  let moved = 0;
  report(0, 0);
  for (let i = 0; i < pieces; i++) {
    const [r] = await tx.query<{ staged: number; imported: number; outside: number }>(
      pieceSql(pieces === 1 ? 'import_stage' : `import_stage_${i}`),
      [batchId, dataset, hasLsoa],
    );
    imported += r.imported;
    outside += r.outside;
    moved += r.staged;
    report(i + 1, moved);
    // A turn for the event loop between pieces (health, the change feed).
    await yieldToEventLoop();
  }
  return { imported, outside };
}

/**
 * The monthly partitions of the months the staged rows fall in (migration 021), made before the move. On a
 * server in a short transaction of its own, committed at once: made inside the import's transaction, the
 * ATTACH's lock on the default partition would be held until the import commits and stop every read that
 * scans it. The import's transaction holds no lock on incidents yet; the lock timeout turns any wait that
 * could not end into an error. PGlite has one connection (nothing else reads meanwhile): in the transaction.
 */
export async function ensureMonthPartitions(db: Db, tx: Queryable): Promise<number> {
  const months = (await tx.query<{ m: string }>(`SELECT DISTINCT to_char(occurred_at, 'YYYY-MM-01') AS m FROM import_stage`)).map(
    (r) => r.m,
  );
  const ensure = async (q: Queryable) =>
    (await q.query<{ n: number }>('SELECT ensure_incident_partitions($1::date[]) AS n', [months]))[0].n;
  if (db.driver === 'pglite') return ensure(tx);
  return db.transaction(async (own) => {
    await own.query(`SET LOCAL lock_timeout = '30s'`);
    return ensure(own);
  });
}

/**
 * The staging table; with more than one piece, hash-partitioned by nk into `import_stage_0` ... (made before
 * the first COPY, so each row is written once, into its piece, and a piece reads only its own rows).
 * Why a hash of nk and not the month: the ordinal among rows of the same natural key counts them across the
 * whole file, so all rows of one nk must fall in one piece. A row without a source id has the whole row as
 * its key (its month included), but a row with one is keyed by the id alone, and nothing stops a source from
 * giving one id to rows of several months (police.uk: one crime reference, several offences).
 */
async function createStage(tx: Queryable, pieces: number) {
  await tx.exec(`CREATE TEMP TABLE import_stage (
    line integer NOT NULL, nk text NOT NULL, source_id text, category text NOT NULL, occurred_at timestamp NOT NULL,
    time_precision text NOT NULL, lon double precision NOT NULL, lat double precision NOT NULL,
    location_precision text NOT NULL, location_text text, age_band text, outcome text, lsoa_given text,
    offence_code text, location_type text, h3_7 text NOT NULL, h3_8 text NOT NULL, h3_9 text NOT NULL, h3_10 text NOT NULL
  ) ${pieces > 1 ? 'PARTITION BY HASH (nk) ' : ''}ON COMMIT DROP`);
  for (let i = 0; pieces > 1 && i < pieces; i++) {
    await tx.exec(
      `CREATE TEMP TABLE import_stage_${i} PARTITION OF import_stage FOR VALUES WITH (MODULUS ${pieces}, REMAINDER ${i})`,
    );
  }
}

/**
 * Easting and northing swapped in a whole file (a mapping error): both orders are usually inside the
 * British National Grid, so no single row can tell. With a study area loaded, a sample of the file's
 * distinct points tells: if at most 10% fall inside it as given and at least half would fall inside with
 * the two columns exchanged, the file is refused (nothing imported) with both counts.
 */
export const SWAPPED_GRID_SQL = `
WITH s AS (SELECT DISTINCT lon, lat FROM import_stage LIMIT 2000),
g AS (SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS given,
             ST_Transform(ST_SetSRID(ST_MakePoint(ST_Y(b), ST_X(b)), 27700), 4326) AS swapped
      FROM s, LATERAL (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 27700) AS b) t)
SELECT count(*)::int AS n,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM area_parts p WHERE p.level = $1 AND ST_Intersects(p.geom, g.given)))::int AS inside,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM area_parts p WHERE p.level = $1 AND ST_Intersects(p.geom, g.swapped)))::int AS inside_swapped
FROM g`;

async function refuseSwappedGrid(tx: Queryable, level: string) {
  const [r] = await tx.query<{ n: number; inside: number; inside_swapped: number }>(SWAPPED_GRID_SQL, [level]);
  if (r.n > 0 && r.inside <= r.n * 0.1 && r.inside_swapped >= r.n * 0.5) {
    throw new ImportError(
      'swapped_coordinates',
      `Easting and northing look swapped: of ${r.n} distinct points, ${r.inside} fall inside the study area as given and ${r.inside_swapped} would with the two columns exchanged. Check the mapping (easting is the smaller number in southern England: 537500, 174500 is Lewisham).`,
    );
  }
}

/**
 * The checks of the foreign keys incidents had until migration 003, once per file instead of once per
 * row: the batch and every category of the staged rows exist, locked FOR KEY SHARE (as the foreign
 * keys locked them) until the import's transaction ends.
 */
async function checkReferences(tx: Queryable, batchId: number, categories: string[]) {
  const batch = await tx.query(`SELECT id FROM import_batches WHERE id = $1 FOR KEY SHARE`, [batchId]);
  if (batch.length !== 1) throw new Error(`import batch ${batchId} does not exist`);
  const found = await tx.query<{ slug: string }>(`SELECT slug FROM categories WHERE slug = ANY($1::text[]) FOR KEY SHARE`, [
    categories,
  ]);
  if (found.length !== categories.length) {
    const have = new Set(found.map((r) => r.slug));
    throw new Error(`categories missing: ${categories.filter((c) => !have.has(c)).join(', ')}`);
  }
}

async function lastByte(file: string): Promise<number | undefined> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (!size) return undefined;
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, size - 1);
    return b[0];
  } finally {
    await fh.close();
  }
}

export async function importIncidentCsv(db: Db, file: string, o: IncidentImportOptions): Promise<ImportSummary> {
  const bytesTotal = (await fs.promises.stat(file)).size;
  const pieces = o.move ? 1 : pieceCount(bytesTotal, o.rowsPerPiece);
  const endsWithNewline = (await lastByte(file)) === 0x0a;
  const hash = crypto.createHash('sha256');
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  async function* hashed() {
    for await (const b of input) {
      hash.update(b as Buffer);
      yield b as Buffer;
    }
  }
  const rejects: Reject[] = [];
  const rejectsByCode: Record<string, number> = {};
  let rejected = 0;
  const addReject = (r: Reject) => {
    rejected++;
    rejectsByCode[r.code] = (rejectsByCode[r.code] ?? 0) + 1;
    if (rejects.length < MAX_STORED_REJECTS) rejects.push(r);
  };
  const categoriesSeen = new Map<string, { label: string; custom: boolean }>();
  // Offence codes (issue 18): rows per code, to report the codes the ONS reference table does not list.
  const codesSeen = new Map<string, { rows: number; firstLine: number }>();
  let rowsRead = 0;
  let staged = 0;
  const truncatedFields = { rows: 0, firstLine: undefined as number | undefined, fields: new Set<string>() };
  const latest = latestDates();
  // Malformed records (e.g. an unclosed quote where the file was cut off) are rejected, not fatal.
  const parser = fastRecords(hashed(), (e) => {
    rowsRead++;
    const truncated = e.code === 'CSV_QUOTE_NOT_CLOSED';
    const own = e.code === 'unclosed_quote' || e.code === 'record_too_long' || e.code === 'bad_encoding';
    addReject({
      line: e.lines ?? 0,
      code: truncated ? 'truncated' : own ? e.code! : 'bad_csv_row',
      reason: truncated
        ? 'truncated last line (an unclosed quote at the end of the file)'
        : own
          ? e.message
          : `unreadable CSV record: ${e.message}`,
    });
  });
  const coverage = new CoverageTracker();
  if (o.publishedFor) coverage.publishedFor(o.publishedFor);
  let fallsWithin = -1;
  let header: string[] | undefined;
  let rm: ReturnType<typeof resolveMapping> | undefined;
  const fail = (code: string, message: string, line?: number): never => {
    throw new ImportError(code, message, line);
  };

  const result = await db.transaction(async (tx) => {
    await ownBatch(tx, o.batchId, db.driver);
    await createStage(tx, pieces);
    let chunk: string[] = [];
    // One COPY in flight while the next chunk is parsed: on the server the backend stores chunk N
    // while this process reads chunk N+1 (PGlite runs in this thread, so there it is serial anyway).
    let copying: Promise<void> | undefined;
    const flush = async () => {
      if (!chunk.length) return;
      if (copying) await copying;
      const text = chunk.join('\n') + '\n';
      staged += chunk.length;
      chunk = [];
      copying = tx.copyCsv('import_stage', STAGE_COLUMNS, text);
      copying.catch(() => undefined); // awaited by the next flush, or below
      o.onProgress?.({ phase: 'reading', bytesRead: input.bytesRead, bytesTotal, rowsRead });
    };
    // Whatever happens while reading, no COPY may still be running when the transaction ends.
    let readError: { e: unknown } | undefined;
    try {
      await readRows();
    } catch (e) {
      readError = { e };
    }
    try {
      await copying;
    } catch (e) {
      if (!readError) throw e;
    }
    if (readError) throw readError.e;
    if (rowsRead === 0) fail('empty_file', 'The file has a header but no data rows.');

    async function readRows() {
      let pendingLast: { fields: string[]; line: number } | undefined;
      try {
        for await (const { record, info } of parser) {
          const line = info.lines;
          if (!header) {
            header = record.map((h) => h.trim());
            if (o.exactHeader && (header.length !== o.exactHeader.length || header.some((h, i) => h !== o.exactHeader![i]))) {
              fail('bad_header', `This is not a police.uk street CSV: ${describeHeaderDifference(header, o.exactHeader)}`, 1);
            }
            rm = resolveMapping(o.mapping, header);
            if (!o.publishedFor) fallsWithin = header.indexOf('Falls within');
            if (typeof rm === 'string') fail('bad_mapping', rm, 1);
            continue;
          }
          if (pendingLast) await handle(pendingLast.fields, pendingLast.line);
          pendingLast = { fields: record, line };
        }
      } catch (e) {
        if (e instanceof ImportError) throw e;
        if (e instanceof CsvFileError) fail(e.code, e.message, e.lines);
        fail('bad_csv', `The CSV could not be read: ${(e as Error).message}`, (e as { lines?: number }).lines);
      }
      if (!header) fail('empty_file', 'The file has no rows.');
      if (pendingLast) await handle(pendingLast.fields, pendingLast.line, !endsWithNewline);
      await flush();
    }

    async function handle(fields: string[], line: number, last = false) {
      rowsRead++;
      const n = header!.length;
      if (o.exactHeader) {
        // police.uk files have no line breaks inside fields: a record spanning lines is two rows joined by
        // stray quotes (issue 15), not one incident.
        const breaks = fields.reduce((a, f) => a + (f.includes('\n') ? f.split('\n').length - 1 : 0), 0);
        if (breaks) {
          addReject({
            line: line - breaks,
            code: 'quoted_newline',
            reason: `lines ${line - breaks}–${line} were read as one record: a quote opened on line ${line - breaks} closes on line ${line} (police.uk files have no line breaks inside fields; a stray quote?)`,
            raw: fields.join(','),
          });
          return;
        }
      }
      if (fields.length !== n) {
        const truncated = last && fields.length < n;
        addReject({
          line,
          code: truncated ? 'truncated' : 'wrong_field_count',
          reason: truncated
            ? `truncated last line (${fields.length} of ${n} fields, no final newline)`
            : `${fields.length} fields, expected ${n}`,
          raw: fields.join(','),
        });
        return;
      }
      const r = toIncident(fields, rm as Exclude<typeof rm, string | undefined>, latest);
      if (!r.ok) {
        addReject({ line, code: r.code, reason: r.reason, raw: fields.join(',') });
        return;
      }
      const rec = r.rec;
      if (rec.truncated) {
        truncatedFields.rows++;
        truncatedFields.firstLine ??= line;
        for (const f of rec.truncated) truncatedFields.fields.add(f);
      }
      coverage.add(rec.occurredAt, rec.precision, rec.category.slug);
      if (fallsWithin >= 0) coverage.publishedFor(fields[fallsWithin]);
      if (!categoriesSeen.has(rec.category.slug)) {
        if (categoriesSeen.size > 1000)
          fail('too_many_categories', 'More than 1,000 distinct categories: check the category column of the mapping.', line);
        categoriesSeen.set(rec.category.slug, { label: rec.category.label, custom: rec.category.custom });
      }
      if (rec.offenceCode !== null) {
        const seen = codesSeen.get(rec.offenceCode);
        if (seen) seen.rows++;
        else if (codesSeen.size > 2000)
          fail(
            'too_many_offence_codes',
            'More than 2,000 distinct offence codes: check the offenceCode column of the mapping.',
            line,
          );
        else codesSeen.set(rec.offenceCode, { rows: 1, firstLine: line });
      }
      const nk = crypto.hash('md5', `${o.keyNamespace}\u001e${rec.naturalKey}`);
      chunk.push(stageLine(line, nk, rec));
      if (chunk.length % YIELD_ROWS === 0) await yieldToEventLoop();
      if (chunk.length >= CHUNK_ROWS) await flush();
      // Rows read so far, between chunks too (a chunk can be a whole small file).
      else if (chunk.length % PROGRESS_ROWS === 0)
        o.onProgress?.({ phase: 'reading', bytesRead: input.bytesRead, bytesTotal, rowsRead });
    }

    o.onProgress?.({ phase: 'assigning', bytesRead: bytesTotal, bytesTotal, rowsRead });
    // Categories a CSV brings must exist before the rows that refer to them are moved.
    const custom = [...categoriesSeen].filter(([, c]) => c.custom);
    if (custom.length) {
      await tx.query(
        `INSERT INTO categories (slug, label, origin) SELECT * , 'custom' FROM unnest($1::text[], $2::text[]) ON CONFLICT (slug) DO NOTHING`,
        [custom.map(([s]) => s), custom.map(([, c]) => c.label)],
      );
    }
    await checkReferences(tx, o.batchId, [...categoriesSeen.keys()]);
    const [hasLsoa] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM area_parts WHERE level = 'lsoa'`);
    const studyLevel = await studyAreaLevel(tx);
    if (studyLevel && o.mapping.easting) await refuseSwappedGrid(tx, studyLevel);
    await ensureMonthPartitions(db, tx);
    const params: MoveParams = [o.batchId, o.dataset, hasLsoa.n > 0, studyLevel];
    const moved = o.move
      ? await o.move(tx, params)
      : await movePieces(tx, pieces, params, (piecesDone, rowsMoved) =>
          o.onProgress?.({
            phase: 'assigning',
            bytesRead: bytesTotal,
            bytesTotal,
            rowsRead,
            piecesDone,
            piecesTotal: pieces,
            rowsMoved,
          }),
        );
    await coverage.save(tx, o.batchId, o.dataset);
    const [wards] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = 'ward'`);
    // The same source id on several rows (police.uk: one crime reference, several offences).
    const [rep] = await tx.query<{ ids: number; rows: number }>(
      `SELECT count(*)::int AS ids, coalesce(sum(c), 0)::int AS rows
       FROM (SELECT count(*) AS c FROM import_stage WHERE source_id IS NOT NULL GROUP BY source_id HAVING count(*) > 1) r`,
    );
    return { ...moved, wardsLoaded: wards.n > 0, studyLevel, rep };
  });

  return {
    batchId: o.batchId,
    kind: o.kind,
    fileName: o.fileName,
    status: 'committed',
    rowsRead,
    imported: result.imported,
    duplicates: staged - result.imported,
    rejected,
    outsideStudyArea: result.studyLevel ? result.outside : 0,
    details: {
      dataset: o.dataset,
      sha256: hash.digest('hex'),
      rejectsByReason: rejectsByCode,
      // Texts longer than stored are cut (a warning, not a reject): which columns, how many rows, the first line.
      ...(truncatedFields.rows
        ? {
            truncatedFields: {
              rows: truncatedFields.rows,
              first_line: truncatedFields.firstLine,
              columns: [...truncatedFields.fields].sort(),
              note: 'texts longer than stored (location, outcome 200 characters; id 120; age band 40; LSOA 20) were cut',
            },
          }
        : {}),
      repeatedSourceIds: { ids: result.rep.ids, rows: result.rep.rows, counted: 'each row is counted as a separate offence' },
      categories: [...categoriesSeen.keys()].sort(),
      ...(o.mapping.offenceCode ? { offenceCodes: offenceCodeSummary(codesSeen) } : {}),
      // What the file covers (issue 11): months with at least one row; every category present is covered
      // in each of them (with zero where it has no row). Months between them with no row are not covered.
      coverage: coverageSummary(coverage.monthList(), [...categoriesSeen.keys()].sort(), coverage.publishedLabel),
      wardsLoaded: result.wardsLoaded,
      studyAreaLevel: result.studyLevel,
      ...(result.studyLevel ? {} : { note: 'No boundaries are loaded yet: incidents will be assigned to areas when they are.' }),
    },
    rejects: rejects.sort((a, b) => a.line - b.line),
  };
}

/** The import summary's offence codes: how many rows carry one, and the codes the ONS table does not list. */
export function offenceCodeSummary(seen: Map<string, { rows: number; firstLine: number }>) {
  const known = new Set(onsCodeRows().map((r) => r.code));
  const unknown = [...seen]
    .filter(([c]) => !known.has(c))
    .map(([code, s]) => ({ code, rows: s.rows, first_line: s.firstLine }))
    .sort((a, b) => b.rows - a.rows || (a.code < b.code ? -1 : 1));
  return {
    rows_with_code: [...seen.values()].reduce((a, s) => a + s.rows, 0),
    distinct: seen.size,
    unknown,
    rule: `codes normalised as the ONS List of weights writes them (008N = 8N); a code the table (${ONS_CSS_EDITION}) does not list weighs by the incident's category in the ONS scheme`,
  };
}

/** The import summary's statement of what a file covers: its months, and the gaps between its first and last. */
export function coverageSummary(months: string[], categories: string[], publishedFor: string | null) {
  const gaps: string[] = [];
  for (let i = 1; i < months.length; i++) {
    for (let m = nextMonth(months[i - 1]); m < months[i]; m = nextMonth(m)) gaps.push(m);
  }
  return {
    months_added: months,
    first_month: months[0] ?? null,
    last_month: months.at(-1) ?? null,
    months_without_rows: gaps,
    categories,
    published_for: publishedFor,
    rule: 'a month in which the file has at least one row is covered for every category the file holds (zero where none); a month with no row at all is not covered',
  };
}

function nextMonth(m: string) {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

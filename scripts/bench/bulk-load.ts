// Bench-only bulk loader (issue 16, read benchmark at 5M+ rows): importing millions of rows through the importer
// takes far too long on this machine, and the read benchmark measures reads, not the import. So the generated
// police.uk file (scripts/bench/generate.ts) is read here, each row's category, month, ward/study code (one
// PostGIS point-in-polygon per distinct snapped point, as the importer does), LSOA code (as given by the file:
// no LSOA polygons are loaded) and H3 cells (h3-js, res 7–10) computed, and the rows COPYed straight into
// incidents with the aggregate triggers disabled; then refresh_incident_aggregates() (migration 022) rebuilds
// the cube, the monthly totals and the rollups in one statement each, and the coverage of the months is recorded
// as the importer would. Not a substitute for the importer: no dedup keys in incident_keys, no rejects table,
// no live notifications. Server only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../api/db/index.js';
import { CoverageTracker } from '../../api/coverage/record.js';
import { matchCategory } from '../../geodata/categories.js';
import { computeCells } from '../../geodata/h3.js';

/** Triggers a bulk COPY bypasses (the aggregates are rebuilt after it; the live feed would carry every row). */
const BYPASSED = ['incidents_cube_insert', 'incidents_changed'];

function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}

/** COPY text format: backslash, tab and newlines escaped; NULL as \N. */
const t = (v: string | null) =>
  v === null || v === ''
    ? '\\N'
    : v.replace(/[\\\t\n\r]/g, (c) => `\\${c === '\t' ? 't' : c === '\n' ? 'n' : c === '\r' ? 'r' : '\\'}`);

async function* lines(file: string) {
  const rl = readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    if (first) {
      first = false;
      continue;
    }
    if (line) yield line;
  }
}

export interface BulkLoadResult {
  rows: number;
  skipped: number;
  seconds: { points: number; copy: number; refresh: number; total: number };
}

/**
 * Load the generated police.uk CSV `file` into incidents (dataset `dataset`) on the server `databaseUrl`; the
 * ward boundaries must already be loaded (study area: wards).
 */
export async function bulkLoad(db: Db, databaseUrl: string, file: string, dataset: string): Promise<BulkLoadResult> {
  const t0 = performance.now();
  // 1. Distinct points and months (police.uk points are snapped: ~20k points for millions of rows).
  const points = new Map<string, { ward: string | null; cells: string[] }>();
  const months = new Set<string>();
  for await (const line of lines(file)) {
    const f = splitCsv(line);
    if (!f[4] || !f[5]) continue;
    months.add(f[1]);
    const key = `${f[4]},${f[5]}`;
    if (!points.has(key)) {
      const cells = computeCells(Number(f[5]), Number(f[4])).map((h) => BigInt(`0x${h}`).toString());
      points.set(key, { ward: null, cells });
    }
  }
  const keys = [...points.keys()];
  const wards = await db.query<{ k: string; code: string | null }>(
    `SELECT d.k, (SELECT p.code FROM area_parts p WHERE p.level = 'ward'
               AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) AS code
     FROM unnest($1::text[], $2::float8[], $3::float8[]) AS d(k, lon, lat)`,
    [keys, keys.map((k) => Number(k.split(',')[0])), keys.map((k) => Number(k.split(',')[1]))],
  );
  for (const w of wards) points.get(w.k)!.ward = w.code;
  const tPoints = performance.now();

  // 2. A batch, the month partitions, and the COPY with the aggregate triggers bypassed.
  const [{ id: batchId }] = await db.query<{ id: number }>(
    `INSERT INTO import_batches (kind, file_name, dataset, created_by, status) VALUES ('police_uk_street', $1, $2, 'bench bulk load', 'running') RETURNING id`,
    [file.split('/').pop(), dataset],
  );
  await db.query('SELECT ensure_incident_partitions($1::date[])', [[...months].map((m) => `${m}-01`)]);
  const coverage = new CoverageTracker();
  let rows = 0;
  let skipped = 0;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const tr of BYPASSED) await client.query(`ALTER TABLE incidents DISABLE TRIGGER ${tr}`);
    const copy = client.query(
      copyFrom(`COPY incidents (batch_id, dataset, source_id, dedup_key, category, occurred_at, time_precision, lon, lat,
        location_precision, location_text, outcome, ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9, h3_10) FROM STDIN`),
    );
    const ds = t(dataset);
    async function* copyLines() {
      let buf: string[] = [];
      for await (const line of lines(file)) {
        const f = splitCsv(line);
        const cat = matchCategory(f[9]);
        if (!f[4] || !f[5] || !cat) {
          skipped++;
          continue;
        }
        const p = points.get(`${f[4]},${f[5]}`)!;
        const ward = t(p.ward);
        coverage.add(`${f[1]}-01`, 'month', cat.slug);
        buf.push(
          [
            batchId,
            ds,
            t(f[0]),
            crypto.randomUUID(),
            cat.slug,
            `${f[1]}-01 00:00:00`,
            'month',
            f[4],
            f[5],
            'snapped',
            t(f[6]),
            t(f[10]),
            ward,
            t(f[7]),
            ward,
            ...p.cells,
          ].join('\t'),
        );
        rows++;
        if (buf.length >= 5000) {
          yield `${buf.join('\n')}\n`;
          buf = [];
        }
      }
      if (buf.length) yield `${buf.join('\n')}\n`;
    }
    await pipeline(Readable.from(copyLines()), copy);
    for (const tr of BYPASSED) await client.query(`ALTER TABLE incidents ENABLE TRIGGER ${tr}`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
  const tCopy = performance.now();
  await db.transaction(async (tx) => {
    await coverage.save(tx, batchId, dataset);
    await tx.query(
      `UPDATE import_batches SET status = 'committed', finished_at = now(), rows_read = $2, imported = $3 WHERE id = $1`,
      [batchId, rows + skipped, rows],
    );
  });
  await db.exec('SELECT refresh_incident_aggregates()');
  const tRefresh = performance.now();
  const s = (a: number, b: number) => Math.round((b - a) / 10) / 100;
  return {
    rows,
    skipped,
    seconds: { points: s(t0, tPoints), copy: s(tPoints, tCopy), refresh: s(tCopy, tRefresh), total: s(t0, tRefresh) },
  };
}

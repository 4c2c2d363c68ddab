// One driver's measurements: plain COPY baseline, full import, re-import, query baselines.
import fs from 'node:fs';
import path from 'node:path';
import { openDb, type Db } from '../../api/db/index.js';
import { importFile, type ImportSummary } from '../../api/imports/index.js';
import { cpuMeter, type CpuSeconds } from './cpu.js';
import { benchDir } from './generate.js';
import { instrument, PhaseTimer, type PhaseName } from './instrument.js';
import type { RssSampler } from './rss.js';
import { median, medianRecord, round } from './stats.js';

export type DriverName = 'postgres' | 'pglite';

/** Rows per COPY call of the baseline: the importer's CHUNK_ROWS. */
const COPY_CHUNK_ROWS = 20_000;
const RAW_COLUMNS = [
  'crime_id',
  'month',
  'reported_by',
  'falls_within',
  'longitude',
  'latitude',
  'location',
  'lsoa_code',
  'lsoa_name',
  'crime_type',
  'last_outcome',
  'context',
];

export interface DriverOptions {
  driver: DriverName;
  databaseUrl?: string;
  pgliteMemory: boolean;
  csvPath: string;
  rows: number;
  wardsPath: string;
  repeat: number;
  rss: RssSampler;
  log: (msg: string) => void;
  /** Secondary indexes of incidents to drop for the measurement (recreated afterwards): the index lever. */
  withoutIndexes?: string[];
}

export interface Measured {
  rows: number;
  seconds: number;
  rowsPerSec: number;
  /** CPU seconds of this process and of the server's backends over the measurement. */
  cpu: CpuSeconds;
}

export interface ImportRun extends Measured {
  imported: number;
  duplicates: number;
  rejected: number;
  outsideStudyArea: number;
  /** Seconds per phase; js = wall - time with a database call in flight. */
  phases: Record<PhaseName | 'js', number>;
  peakRssMB: number;
}

export interface DriverResult {
  driver: DriverName;
  storage: string;
  server: string;
  openSeconds: number;
  wards: { areas: number; parts: number; maxPartPoints: number; loadSeconds: number };
  copy: Measured & { table: string; columns: string; chunkRows: number; peakRssMB: number; runs: number[] };
  import: ImportRun & { runs: number[] };
  /** import rows/s ÷ COPY rows/s (medians); the issue asks for >= 0.5. */
  ratio: number;
  reimport: ImportRun & { runs: number[] };
  queries: Record<string, { ms: number; rows: number; runs: number[] }>;
  sizes: { incidentsMB: number; incidentsHeapMB: number };
  peakRssMB: number;
  /** Indexes of incidents dropped for this measurement (their definitions), if any. */
  withoutIndexes: string[];
}

/**
 * Drop the named secondary indexes of incidents (a dedicated bench database only); resolves to their
 * definitions, to recreate them afterwards.
 */
async function dropIndexes(db: Db, names: string[]): Promise<string[]> {
  const defs: string[] = [];
  for (const name of names) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`--without-indexes: bad index name ${name}`);
    const [ix] = await db.query<{ def: string }>(
      `SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'incidents' AND indexname = $1`,
      [name],
    );
    if (!ix) throw new Error(`--without-indexes: incidents has no index ${name}`);
    if (/UNIQUE/i.test(ix.def)) throw new Error(`--without-indexes: ${name} is unique (the importer's dedup needs it)`);
    defs.push(ix.def);
    await db.exec(`DROP INDEX ${name}`);
  }
  return defs;
}

/** Line-aligned chunks of the CSV (header skipped). The generator writes no quoted newlines. */
async function* csvChunks(file: string, rowsPerChunk: number): AsyncGenerator<{ text: string; rows: number }> {
  let pending = '';
  let scan = 0;
  let count = 0;
  let header = true;
  for await (const data of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    pending += data as string;
    if (header) {
      const nl = pending.indexOf('\n');
      if (nl < 0) continue;
      pending = pending.slice(nl + 1);
      header = false;
    }
    let i: number;
    while ((i = pending.indexOf('\n', scan)) >= 0) {
      count++;
      scan = i + 1;
      if (count === rowsPerChunk) {
        yield { text: pending.slice(0, scan), rows: count };
        pending = pending.slice(scan);
        scan = 0;
        count = 0;
      }
    }
  }
  if (pending.length > scan) {
    pending += '\n';
    count++;
  }
  if (count) yield { text: pending, rows: count };
}

const sec = (t0: number) => (performance.now() - t0) / 1000;

async function tryExec(db: Db, sql: string) {
  try {
    await db.exec(sql);
  } catch {
    /* e.g. CHECKPOINT without superuser: only a noise reducer */
  }
}

async function resetIncidents(db: Db) {
  await db.exec(`DROP TABLE IF EXISTS bench_copy_raw`);
  await db.exec(`TRUNCATE incidents, import_rejects RESTART IDENTITY`);
  // Keep the batches that the ward polygons (and any population) refer to.
  await db.exec(`DELETE FROM import_batches b WHERE NOT EXISTS (SELECT 1 FROM area_sets s WHERE s.batch_id = b.id)
                   AND NOT EXISTS (SELECT 1 FROM area_population p WHERE p.batch_id = b.id)`);
  await tryExec(db, 'CHECKPOINT');
}

async function plainCopy(db: Db, file: string): Promise<Measured> {
  await db.exec(`DROP TABLE IF EXISTS bench_copy_raw`);
  await db.exec(`CREATE TABLE bench_copy_raw (${RAW_COLUMNS.map((c) => `${c} text`).join(', ')})`);
  await tryExec(db, 'CHECKPOINT');
  const cpu = await cpuMeter(db);
  const t0 = performance.now();
  let rows = 0;
  await db.transaction(async (tx) => {
    for await (const c of csvChunks(file, COPY_CHUNK_ROWS)) {
      await tx.copyCsv('bench_copy_raw', RAW_COLUMNS, c.text);
      rows += c.rows;
    }
  });
  const seconds = sec(t0);
  const cpuUsed = await cpu();
  const [n] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_copy_raw`);
  if (n.n !== rows) throw new Error(`baseline COPY: ${n.n} rows in the table, ${rows} sent`);
  await db.exec(`DROP TABLE bench_copy_raw`);
  await tryExec(db, 'CHECKPOINT');
  return { rows, seconds, rowsPerSec: rows / seconds, cpu: cpuUsed };
}

async function timedImport(db: Db, file: string, rss: RssSampler): Promise<ImportRun> {
  const timer = new PhaseTimer();
  rss.phaseStart();
  const cpu = await cpuMeter(db);
  const t0 = performance.now();
  const s: ImportSummary = await importFile(instrument(db, timer), file, { fileName: path.basename(file) });
  const seconds = sec(t0);
  const cpuUsed = await cpu();
  if (s.status !== 'committed') throw new Error(`import failed: ${JSON.stringify(s.error)}`);
  const p = timer.ms;
  return {
    rows: s.rowsRead,
    seconds,
    rowsPerSec: s.rowsRead / seconds,
    cpu: cpuUsed,
    imported: s.imported,
    duplicates: s.duplicates,
    rejected: s.rejected,
    outsideStudyArea: s.outsideStudyArea,
    phases: {
      js: (seconds * 1000 - timer.dbMs()) / 1000,
      stageCopy: p.stageCopy / 1000,
      move: p.move / 1000,
      repeatedIds: p.repeatedIds / 1000,
      commit: p.commit / 1000,
      otherSql: p.otherSql / 1000,
    },
    peakRssMB: rss.phaseEnd(),
  };
}

const QUERIES: Record<string, string> = {
  // ANALYZE first: the import does not analyse, and these are baselines for later features.
  analyze: `ANALYZE incidents`,
  h3_9: `SELECT h3_9, count(*) FROM incidents GROUP BY h3_9`,
  perWard: `SELECT ward_code, count(*) FROM incidents GROUP BY ward_code`,
  // Ward assignment alone: the importer's ward subquery over every imported point.
  wardLookup: `SELECT count(*)::int AS n, count(w)::int AS inside FROM (
    SELECT (SELECT p.code FROM area_parts p WHERE p.level = 'ward' AND ST_Intersects(p.geom, i.geom) ORDER BY p.code LIMIT 1) AS w
    FROM incidents i) s`,
  // The same rule evaluated once per distinct point (police.uk points are snapped to map points).
  wardLookupDistinct: `WITH pts AS (
    SELECT lon, lat, (SELECT p.code FROM area_parts p WHERE p.level = 'ward'
                        AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) AS w
    FROM (SELECT DISTINCT lon, lat FROM incidents) d)
    SELECT count(*)::int AS n, count(p.w)::int AS inside FROM incidents i LEFT JOIN pts p USING (lon, lat)`,
};

function medianCpu(xs: CpuSeconds[]): CpuSeconds {
  const server = xs.map((x) => x.server);
  return {
    process: median(xs.map((x) => x.process)),
    server: server.every((v) => v !== null) ? median(server as number[]) : null,
  };
}

function medianImport(runs: ImportRun[]): ImportRun & { runs: number[] } {
  const secs = runs.map((r) => r.seconds);
  const seconds = median(secs);
  const rows = runs[0].rows;
  return {
    ...runs[0],
    seconds,
    rowsPerSec: rows / seconds,
    cpu: medianCpu(runs.map((r) => r.cpu)),
    phases: medianRecord(runs.map((r) => r.phases)),
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
    runs: secs.map((s) => round(s)),
  };
}

export async function runDriver(o: DriverOptions): Promise<DriverResult> {
  const { log, rss } = o;
  let dataDir: string | undefined;
  let storage: string;
  if (o.driver === 'postgres') {
    storage = `server (${o.databaseUrl!.replace(/\/\/[^@/]*@/, '//')})`;
  } else if (o.pgliteMemory) {
    storage = 'PGlite in memory';
  } else {
    dataDir = path.join(benchDir(), `pglite-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    storage = `PGlite temp dataDir ${dataDir} (removed afterwards)`;
  }
  log(`[${o.driver}] opening (${storage})`);
  let t0 = performance.now();
  const db = await openDb(o.driver === 'postgres' ? { databaseUrl: o.databaseUrl } : { dataDir });
  const openSeconds = sec(t0);
  let dropped: string[] = [];
  try {
    const [v] = await db.query<{ v: string; g: string }>(
      `SELECT split_part(version(), ' on ', 1) AS v, postgis_lib_version() AS g`,
    );
    const server = `${v.v}, PostGIS ${v.g}`;
    log(`[${o.driver}] ${server}; opened in ${openSeconds.toFixed(1)} s`);

    await resetIncidents(db);
    dropped = await dropIndexes(db, o.withoutIndexes ?? []);
    if (dropped.length) log(`[${o.driver}] measuring WITHOUT ${dropped.length} index(es): ${dropped.join('; ')}`);
    t0 = performance.now();
    const w = await importFile(db, o.wardsPath, { kind: 'boundaries', level: 'ward' });
    if (w.status !== 'committed') throw new Error(`ward import failed: ${JSON.stringify(w.error)}`);
    const wardLoad = sec(t0);
    const [wards] = await db.query<{ areas: number; parts: number; maxpts: number }>(
      `SELECT (SELECT count(*)::int FROM areas WHERE level = 'ward') AS areas, count(*)::int AS parts,
              max(ST_NPoints(geom))::int AS maxpts FROM area_parts WHERE level = 'ward'`,
    );
    log(
      `[${o.driver}] wards: ${wards.areas} areas, ${wards.parts} subdivided parts (<= ${wards.maxpts} points each), ${wardLoad.toFixed(1)} s`,
    );

    const copies: Measured[] = [];
    const copyRss: number[] = [];
    const imports: ImportRun[] = [];
    const reimports: ImportRun[] = [];
    const qruns: Record<string, { ms: number[]; rows: number }> = {};
    let sizes = { incidentsMB: 0, incidentsHeapMB: 0 };
    for (let r = 0; r < o.repeat; r++) {
      const tag = o.repeat > 1 ? ` (run ${r + 1}/${o.repeat})` : '';
      await resetIncidents(db);
      rss.phaseStart();
      const c = await plainCopy(db, o.csvPath);
      copyRss.push(rss.phaseEnd());
      copies.push(c);
      log(`[${o.driver}] plain COPY${tag}: ${c.rows} rows in ${c.seconds.toFixed(2)} s = ${Math.round(c.rowsPerSec)} rows/s`);

      const im = await timedImport(db, o.csvPath, rss);
      imports.push(im);
      log(
        `[${o.driver}] import${tag}: ${im.rows} rows in ${im.seconds.toFixed(2)} s = ${Math.round(im.rowsPerSec)} rows/s ` +
          `(imported ${im.imported}, duplicates ${im.duplicates}, rejected ${im.rejected}, outside wards ${im.outsideStudyArea}); ratio ${(im.rowsPerSec / c.rowsPerSec).toFixed(2)}`,
      );

      const [sz] = await db.query<{ total: number; heap: number }>(
        `SELECT pg_total_relation_size('incidents')::float8 AS total, pg_relation_size('incidents')::float8 AS heap`,
      );
      sizes = { incidentsMB: Math.round(sz.total / 1048576), incidentsHeapMB: Math.round(sz.heap / 1048576) };

      for (const [name, sql] of Object.entries(QUERIES)) {
        t0 = performance.now();
        const rows = await db.query(sql);
        const ms = performance.now() - t0;
        (qruns[name] ??= { ms: [], rows: 0 }).ms.push(ms);
        qruns[name].rows = name.startsWith('wardLookup') ? Number((rows[0] as { inside: number }).inside) : rows.length;
        log(
          `[${o.driver}] query ${name}${tag}: ${Math.round(ms)} ms (${qruns[name].rows} ${name.startsWith('wardLookup') ? 'points inside a ward' : 'rows'})`,
        );
      }

      await tryExec(db, 'CHECKPOINT');
      const re = await timedImport(db, o.csvPath, rss);
      reimports.push(re);
      log(
        `[${o.driver}] re-import${tag}: ${re.seconds.toFixed(2)} s = ${Math.round(re.rowsPerSec)} rows/s (imported ${re.imported}, duplicates ${re.duplicates})`,
      );
      if (re.imported !== 0) throw new Error(`re-import added ${re.imported} rows; expected 0`);
    }

    const copySecs = copies.map((c) => c.seconds);
    const copy = {
      rows: copies[0].rows,
      seconds: median(copySecs),
      rowsPerSec: copies[0].rows / median(copySecs),
      cpu: medianCpu(copies.map((c) => c.cpu)),
      table: 'bench_copy_raw: 12 text columns, no indexes or constraints, WAL-logged (a regular table)',
      columns: 'the CSV as is: all 12 police.uk columns as text',
      chunkRows: COPY_CHUNK_ROWS,
      peakRssMB: Math.max(...copyRss),
      runs: copySecs.map((s) => round(s)),
    };
    const imp = medianImport(imports);
    const queries: DriverResult['queries'] = {};
    for (const [k, v] of Object.entries(qruns))
      queries[k] = { ms: Math.round(median(v.ms)), rows: v.rows, runs: v.ms.map((x) => Math.round(x)) };
    return {
      driver: o.driver,
      storage,
      server,
      openSeconds,
      wards: { areas: wards.areas, parts: wards.parts, maxPartPoints: wards.maxpts, loadSeconds: wardLoad },
      copy,
      import: imp,
      ratio: imp.rowsPerSec / copy.rowsPerSec,
      reimport: medianImport(reimports),
      queries,
      sizes,
      peakRssMB: rss.peakMB(),
      withoutIndexes: dropped,
    };
  } finally {
    if (dropped.length) {
      await resetIncidents(db);
      for (const d of dropped) await db.exec(d);
    }
    await db.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

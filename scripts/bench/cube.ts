// The aggregate cube (migration 018, issue 16) on the PostGIS server: what keeping it costs an import and
// what it saves the aggregate reads. `npm run bench -- --only-cube` (or as a section of a full run).
//
// 1. Import cost: the generated police.uk file (scripts/bench/generate.ts, N rows over the real Lewisham
//    wards) imported through importFile with the cube's triggers enabled, then (incidents emptied) with them
//    disabled; wall and CPU seconds (this process + the server backends), and the ratio.
// 2. Reads, on the imported rows: summary, categories, stats/areas (wards, 12 months), hexes (res 9, no
//    bounding box), Gi* (res 9, count scheme, FDR) — each through its handler as the API calls it, read as the
//    rule decides (the cube) and forced onto the incidents (readingIncidents), alternately in one run; medians
//    of `repeat` runs, wall ms and CPU seconds of the runs together, ratio cube / incidents.
// 3. benchCubeReads (`npm run bench -- --only-cube-reads --cube-rows 1000000,5000000`): the reads alone at
//    several sizes, the rows loaded by the bench-only bulk loader (scripts/bench/bulk-load.ts: COPY straight
//    into incidents, then refresh_incident_aggregates()), with the sizes of every table (rows, MB) per size.
import fs from 'node:fs';
import { readingIncidents } from '../../api/aggregates/source.js';
import * as agg from '../../api/aggregates/handlers.js';
import * as hot from '../../api/hotspots/handlers.js';
import { openDb, type Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { cpuMeter, type CpuSeconds } from './cpu.js';
import { bulkLoad, type BulkLoadResult } from './bulk-load.js';
import { loadWards, policeUkCsv } from './generate.js';
import { median, round } from './stats.js';

export interface CubeBench {
  rows: number;
  cubeRows: number;
  monthRows: number;
  import: {
    withCube: { seconds: number; cpu: CpuSeconds; imported: number };
    withoutCube: { seconds: number; cpu: CpuSeconds; imported: number };
    ratio: number;
  };
  reads: Record<
    string,
    { cubeMs: number; incidentsMs: number; ratio: number; cubeCpu: CpuSeconds; incidentsCpu: CpuSeconds; source: string }
  >;
  repeat: number;
}

const TRIGGERS = ['incidents_cube_insert', 'incidents_cube_delete', 'incidents_cube_update'];

async function timedImport(db: Db, file: string) {
  const cpu = await cpuMeter(db);
  const t0 = performance.now();
  const r = await importFile(db, file, { dataset: 'bench' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 'committed') throw new Error(`bench import failed: ${r.error?.message}`);
  return { seconds: round(seconds, 2), cpu: await cpu(), imported: r.imported };
}

async function timed(fn: () => Promise<unknown>, repeat: number) {
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function benchCube(
  databaseUrl: string,
  opts: { rows: number; seed: number; repeat: number; wardsPath: string; log: (m: string) => void },
): Promise<CubeBench> {
  const { log, repeat } = opts;
  const db = await openDb({ databaseUrl });
  try {
    await db.exec(`TRUNCATE incidents, import_rejects, area_parts, areas, area_sets, area_population RESTART IDENTITY CASCADE`);
    const wards = await importFile(db, opts.wardsPath, { kind: 'boundaries', level: 'ward' });
    if (wards.status !== 'committed') throw new Error(`bench wards import failed: ${wards.error?.message}`);
    const gen = await policeUkCsv(opts.rows, opts.seed, loadWards(opts.wardsPath));
    log(`cube: ${gen.cached ? 'cached' : 'generated'} ${gen.path}`);

    // Import without the cube first (then the kept state is the one with the cube).
    for (const t of TRIGGERS) await db.exec(`ALTER TABLE incidents DISABLE TRIGGER ${t}`);
    let withoutCube: CubeBench['import']['withoutCube'];
    try {
      withoutCube = await timedImport(db, gen.path);
    } finally {
      for (const t of TRIGGERS) await db.exec(`ALTER TABLE incidents ENABLE TRIGGER ${t}`);
    }
    log(`cube: import without the cube ${withoutCube.seconds} s`);
    await db.exec('TRUNCATE incidents'); // empties the cube too (its TRUNCATE trigger)
    await db.exec('VACUUM ANALYZE incidents');
    const withCube = await timedImport(db, gen.path);
    log(`cube: import with the cube ${withCube.seconds} s`);
    await db.exec('VACUUM ANALYZE incidents, incident_cube, incident_months');
    const [{ cube_rows, month_rows }] = await db.query<{ cube_rows: number; month_rows: number }>(
      `SELECT (SELECT count(*)::int FROM incident_cube) AS cube_rows, (SELECT count(*)::int FROM incident_months) AS month_rows`,
    );

    const { last_month } = (
      await db.query<{ last_month: string }>(`SELECT to_char(max(occurred_at), 'YYYY-MM') AS last_month FROM incidents`)
    )[0];
    const to = `${last_month}-01`;
    const y = Number(to.slice(0, 4)) - 1;
    const w = { from: `${y}${to.slice(4)}`, to };
    const calls: Record<string, () => Promise<{ source?: { kind: string } } | { meta: { source?: { kind: string } } }>> = {
      summary: () => agg.summary(db),
      categories: () => agg.categories(db),
      'stats/areas (ward, 12 months)': () => agg.areaStats(db, { ...w, level: 'ward' }),
      'hexes (res 9, 12 months)': () => agg.hexes(db, { ...w, res: 9 }),
      'Gi* (res 9, count, FDR, 12 months)': () => hot.hotspots(db, { ...w, res: 9, weights: 'count', k: 1, correction: 'fdr' }),
    };
    const reads: CubeBench['reads'] = {};
    for (const [name, fn] of Object.entries(calls)) {
      const first = await fn(); // warm caches (unit grids, plans) for both paths
      await readingIncidents('bench', fn);
      const source = ('meta' in first ? first.meta.source : first.source)?.kind ?? '?';
      const cpuCube = await cpuMeter(db);
      const cubeMs = await timed(fn, repeat);
      const cubeCpu = await cpuCube();
      const cpuInc = await cpuMeter(db);
      const incidentsMs = await timed(() => readingIncidents('bench', fn), repeat);
      const incidentsCpu = await cpuInc();
      reads[name] = {
        cubeMs: round(cubeMs, 1),
        incidentsMs: round(incidentsMs, 1),
        ratio: round(cubeMs / incidentsMs, 3),
        cubeCpu,
        incidentsCpu,
        source,
      };
      log(`cube: ${name}: ${source} ${round(cubeMs, 1)} ms, incidents ${round(incidentsMs, 1)} ms`);
    }
    return {
      rows: opts.rows,
      cubeRows: cube_rows,
      monthRows: month_rows,
      import: { withCube, withoutCube, ratio: round(withCube.seconds / withoutCube.seconds, 3) },
      reads,
      repeat,
    };
  } finally {
    await db.close();
  }
}

/** The reads of the cube benchmark over the last 12 months of the data, each with its name. */
async function readCalls(db: Db) {
  const { last_month } = (
    await db.query<{ last_month: string }>(`SELECT to_char(max(occurred_at), 'YYYY-MM') AS last_month FROM incidents`)
  )[0];
  const [yy, mm] = last_month.split('-').map(Number);
  // the window ends after the last month (12 whole months of data)
  const to = mm === 12 ? `${yy + 1}-01-01` : `${yy}-${String(mm + 1).padStart(2, '0')}-01`;
  const w = { from: `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`, to };
  type Answer = { source?: { kind: string; reason: string } } | { meta: { source?: { kind: string; reason: string } } };
  const calls: Record<string, () => Promise<Answer>> = {
    summary: () => agg.summary(db),
    categories: () => agg.categories(db),
    'stats/areas (ward, 12 months)': () => agg.areaStats(db, { ...w, level: 'ward' }),
    'hexes (res 8, 12 months)': () => agg.hexes(db, { ...w, res: 8 }),
    'hexes (res 9, 12 months)': () => agg.hexes(db, { ...w, res: 9 }),
    'Gi* (res 9, count, FDR, 12 months)': () => hot.hotspots(db, { ...w, res: 9, weights: 'count', k: 1, correction: 'fdr' }),
    'Gi* (ward, ons-css, FDR, 12 months)': () =>
      hot.hotspots(db, { ...w, level: 'ward', weights: 'ons-css', k: 1, correction: 'fdr' }),
  };
  return { calls, window: w };
}

const TABLES = [
  'incidents',
  'incident_cube',
  'incident_months',
  'incident_rollup_ward',
  'incident_rollup_lsoa',
  'incident_rollup_h3_7',
  'incident_rollup_h3_8',
  'incident_rollup_h3_9',
];

export interface CubeReadsAt {
  rows: number;
  load: BulkLoadResult;
  tables: Record<string, { rows: number; mb: number }>;
  reads: Record<
    string,
    {
      aggregateMs: number;
      incidentsMs: number;
      ratio: number;
      aggregateCpu: CpuSeconds;
      incidentsCpu: CpuSeconds;
      table: string;
    }
  >;
  loadavg: string;
}

/** The reads at each size in `sizes`, loaded by the bulk loader (server only). */
export async function benchCubeReads(
  databaseUrl: string,
  opts: { sizes: number[]; seed: number; repeat: number; incidentsRepeat: number; wardsPath: string; log: (m: string) => void },
): Promise<CubeReadsAt[]> {
  const { log } = opts;
  const db = await openDb({ databaseUrl });
  const out: CubeReadsAt[] = [];
  try {
    for (const rows of opts.sizes) {
      await db.exec(
        `TRUNCATE incidents, import_rejects, coverage, area_parts, areas, area_sets, area_population RESTART IDENTITY CASCADE`,
      );
      const wards = await importFile(db, opts.wardsPath, { kind: 'boundaries', level: 'ward' });
      if (wards.status !== 'committed') throw new Error(`bench wards import failed: ${wards.error?.message}`);
      const gen = await policeUkCsv(rows, opts.seed, loadWards(opts.wardsPath));
      log(`cube reads: ${gen.cached ? 'cached' : `generated in ${gen.seconds.toFixed(0)} s`} ${gen.path}`);
      const load = await bulkLoad(db, databaseUrl, gen.path, 'bench');
      log(`cube reads: bulk-loaded ${load.rows} rows: ${JSON.stringify(load.seconds)} s`);
      await db.exec(`VACUUM ANALYZE ${TABLES.join(', ')}`);
      const tables: CubeReadsAt['tables'] = {};
      for (const t of TABLES) {
        const [r] = await db.query<{ n: number; mb: number }>(
          `SELECT (SELECT count(*)::int FROM ${t}) AS n,
                  round((SELECT sum(pg_total_relation_size(c)) FROM (SELECT $1::regclass AS c UNION ALL
                    SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = $1::regclass) x) / 1048576.0, 1)::float8 AS mb`,
          [t],
        );
        tables[t] = { rows: r.n, mb: r.mb };
      }
      log(`cube reads: tables ${JSON.stringify(tables)}`);
      const { calls } = await readCalls(db);
      const reads: CubeReadsAt['reads'] = {};
      for (const [name, fn] of Object.entries(calls)) {
        const first = await fn(); // warm caches (unit grids, plans) for both paths
        await readingIncidents('bench', fn);
        const src = 'meta' in first ? first.meta.source : first.source;
        const table = src?.kind === 'cube' ? (/\((incident_[a-z0-9_]+)\)/.exec(src.reason)?.[1] ?? 'incident_cube') : 'incidents';
        const cpuA = await cpuMeter(db);
        const aggregateMs = await timed(fn, opts.repeat);
        const aggregateCpu = await cpuA();
        const cpuI = await cpuMeter(db);
        const incidentsMs = await timed(() => readingIncidents('bench', fn), opts.incidentsRepeat);
        const incidentsCpu = await cpuI();
        reads[name] = {
          aggregateMs: round(aggregateMs, 1),
          incidentsMs: round(incidentsMs, 1),
          ratio: round(aggregateMs / incidentsMs, 4),
          aggregateCpu,
          incidentsCpu,
          table,
        };
        log(`cube reads ${rows}: ${name}: ${table} ${round(aggregateMs, 1)} ms, incidents ${round(incidentsMs, 1)} ms`);
      }
      out.push({ rows, load, tables, reads, loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim() });
    }
    return out;
  } finally {
    await db.close();
  }
}

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
import { readingIncidents } from '../../api/aggregates/source.js';
import * as agg from '../../api/aggregates/handlers.js';
import * as hot from '../../api/hotspots/handlers.js';
import { openDb, type Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { cpuMeter, type CpuSeconds } from './cpu.js';
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

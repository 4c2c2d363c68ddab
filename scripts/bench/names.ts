// `npx tsx scripts/bench/names.ts [--repeat N] [--crimes FILE]`: the cost of naming a whole res-10 map
// (api/places/names.ts, issue 14): every res-10 cell holding an incident of the shared Lewisham data,
// named in one call, on embedded PGlite (in memory) and on the server (DATABASE_URL, migrated, its data
// TRUNCATEd: use a dedicated database). Reports per driver the first call (cold) and the median of the next
// calls, wall and CPU seconds, and the same for the hexes query of the same cells as the baseline measured in
// the same run. Writes bench-results/names-<timestamp>.json (gitignored). See docs/BENCHMARKS.md.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cellToLatLng } from 'h3-js';
import { openDb, type Db, type Driver } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { placeNames } from '../../api/places/names.js';
import { SHARED } from '../../test/helpers/shared.js';
import { cpuMeter, type CpuSeconds } from './cpu.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    repeat: { type: 'string', default: '5' },
    crimes: { type: 'string', default: path.join(SHARED, 'lewisham_street_all_api_2016-01_2018-06.csv') },
  },
});
const REPEAT = Math.max(1, Number(args.repeat));

interface Timing {
  wall_s: number;
  cpu: CpuSeconds;
}

async function timed(db: Db, f: () => Promise<unknown>): Promise<Timing> {
  const meter = await cpuMeter(db);
  const t0 = performance.now();
  await f();
  return { wall_s: Math.round(performance.now() - t0) / 1000, cpu: await meter() };
}

const med = (ts: Timing[]) => ({
  wall_s: median(ts.map((t) => t.wall_s)),
  cpu_process_s: median(ts.map((t) => t.cpu.process)),
  cpu_server_s: ts[0].cpu.server === null ? null : median(ts.map((t) => t.cpu.server ?? 0)),
});

async function run(driver: Driver) {
  const db = await openDb(driver === 'postgres' ? { databaseUrl: process.env.DATABASE_URL } : {});
  try {
    await db.exec(`TRUNCATE incidents, import_rejects, area_parts, areas, area_sets, area_population, area_population_resolved,
      population_lookup, population_lookup_sets, lsoa_centroids, column_mappings, import_batches RESTART IDENTITY CASCADE`);
    for (const [file, opts] of [
      [path.join(SHARED, 'lewisham_wards_2022.geojson'), { kind: 'boundaries' as const, level: 'ward' }],
      [args.crimes!, {}],
    ] as const) {
      const r = await importFile(db, file, opts);
      if (r.status !== 'committed') throw new Error(`${file}: ${r.error?.message}`);
    }
    const cells = (
      await db.query<{ h: string }>(
        `SELECT lpad(to_hex(h3_10), 15, '0') AS h FROM incidents WHERE h3_10 IS NOT NULL GROUP BY 1 ORDER BY 1`,
      )
    ).map((r) => r.h);
    const centres = cells.map((h) => {
      const [lat, lon] = cellToLatLng(h);
      return [lon, lat] as const;
    });
    const units = { kind: 'h3' as const, res: 10 as const, ids: cells, centres };
    const baseline = () => db.query(`SELECT h3_10, count(*)::int FROM incidents WHERE h3_10 IS NOT NULL GROUP BY 1`);
    let named = 0;
    const name = async () => {
      const m = await placeNames(db, units);
      named = [...m.values()].filter((p) => p.name).length;
    };
    const cold = await timed(db, name);
    const names: Timing[] = [];
    const base: Timing[] = [];
    for (let i = 0; i < REPEAT; i++) {
      base.push(await timed(db, baseline));
      names.push(await timed(db, name));
    }
    return { driver, cells: cells.length, named, names_cold: cold, names: med(names), baseline_hexes: med(base) };
  } finally {
    await db.close();
  }
}

const drivers: Driver[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const results = [];
for (const d of drivers) {
  const r = await run(d);
  console.log(JSON.stringify(r));
  results.push(r);
}
fs.mkdirSync('bench-results', { recursive: true });
const out = path.join('bench-results', `names-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), repeat: REPEAT, crimes: args.crimes, results }, null, 2));
console.log(`wrote ${out}`);

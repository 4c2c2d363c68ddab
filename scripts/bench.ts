// `npm run bench [-- options]`: import throughput of a police.uk street CSV against a plain COPY of
// the same rows, on the PostGIS server (DATABASE_URL) and on embedded PGlite. Not a test: it prints
// a table and writes bench-results/<timestamp>.json (gitignored). See docs/BENCHMARKS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadWards, policeUkCsv } from './bench/generate.js';
import { measureJsPhases, type JsPhases } from './bench/js-phases.js';
import { report } from './bench/report.js';
import { RssSampler } from './bench/rss.js';
import { runDriver, type DriverName, type DriverResult } from './bench/run-driver.js';
import { median, medianRecord } from './bench/stats.js';
import { hotspotsOnly, runHotspotBench } from './bench/hotspots.js';
import { fixedCostBench } from './bench/fixedcost.js';
import { benchCube, benchCubeReads } from './bench/cube.js';

const HELP = `Usage: npm run bench [-- options]

  --rows N          data rows in the generated police.uk street CSV (default 1000000)
  --seed N          PRNG seed of the generated file (default 1)
  --driver D        pglite | postgres | both (default: both with DATABASE_URL, else pglite)
  --repeat N        run each measurement N times and report medians (default 1)
  --pglite-memory   PGlite in memory instead of a temporary data directory
  --skip-js         skip the JS-only passes (parse/toIncident/H3 without a database)
  --skip-hotspots   skip the Gi* endpoint benchmark (server only; scripts/bench/hotspots.ts)
  --only-hotspots   run only the Gi* endpoint benchmark (needs DATABASE_URL)
  --only-fixedcost  run only the fixed-cost benchmark: autocannon on cached aggregate routes vs a bare
                    Hono + pg SELECT 1 (needs DATABASE_URL; scripts/bench/fixedcost.ts)
  --connections N   autocannon connections for --only-fixedcost (default 50)
  --duration S      autocannon seconds per URL for --only-fixedcost (default 10)
  --skip-cube       skip the aggregate cube benchmark (server only; scripts/bench/cube.ts)
  --only-cube       run only the aggregate cube benchmark: import with/without the cube, reads via cube vs
                    incidents (needs DATABASE_URL)
  --only-cube-reads the cube/rollup reads alone at each size of --cube-rows (rows bulk-loaded by COPY, bench only:
                    scripts/bench/bulk-load.ts), medians of --repeat (min 5; incidents path min 3), table sizes
  --cube-rows LIST  sizes for --only-cube-reads (default 1000000,5000000)
  --wards FILE      ward polygons (default ../shared/data/lewisham_wards_2022.geojson)
  --without-indexes A,B  drop these secondary indexes of incidents for the measurement (recreated after):
                    what the import would cost without them (incidents_geom, incidents_ward, ...)
  -h, --help

Environment: DATABASE_URL=postgres://user@host:port/db for the server driver. The database is
migrated and its incidents are TRUNCATEd: use a dedicated one (e.g. createdb sp_bench).`;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function die(msg: string): never {
  console.error(msg);
  process.exit(1);
}

function intArg(v: string | undefined, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) die(`--${name} must be an integer >= ${min}`);
  return n;
}

async function main() {
  let args;
  try {
    args = parseArgs({
      options: {
        rows: { type: 'string' },
        seed: { type: 'string' },
        driver: { type: 'string' },
        repeat: { type: 'string' },
        'pglite-memory': { type: 'boolean' },
        'skip-js': { type: 'boolean' },
        wards: { type: 'string' },
        'skip-hotspots': { type: 'boolean' },
        'only-hotspots': { type: 'boolean' },
        'only-fixedcost': { type: 'boolean' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        'skip-cube': { type: 'boolean' },
        'only-cube': { type: 'boolean' },
        'only-cube-reads': { type: 'boolean' },
        'cube-rows': { type: 'string' },
        'without-indexes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    die(`${(e as Error).message}\n\n${HELP}`);
  }
  if (args.help) {
    console.log(HELP);
    return;
  }
  const rows = intArg(args.rows, 'rows', 1_000_000, 1);
  const seed = intArg(args.seed, 'seed', 1, 0);
  const repeat = intArg(args.repeat, 'repeat', 1, 1);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const driverArg = args.driver ?? (databaseUrl ? 'both' : 'pglite');
  if (!['pglite', 'postgres', 'both'].includes(driverArg)) die('--driver must be pglite, postgres or both');
  const drivers: DriverName[] = driverArg === 'both' ? ['postgres', 'pglite'] : [driverArg as DriverName];
  if (drivers.includes('postgres') && !databaseUrl) {
    die(
      'The postgres driver needs DATABASE_URL (e.g. createdb -h 127.0.0.1 -U postgres sp_bench; DATABASE_URL=postgres://postgres@127.0.0.1:5432/sp_bench).',
    );
  }
  if (!databaseUrl) console.log('DATABASE_URL is not set: measuring the embedded PGlite only.');
  const logNow = (m: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${m}`);
  if (args['only-hotspots']) return hotspotsOnly(databaseUrl, ROOT, { rows, seed, repeat, log: logNow });
  if (args['only-fixedcost'])
    return fixedCostBench(databaseUrl, ROOT, {
      connections: intArg(args.connections, 'connections', 50, 1),
      duration: intArg(args.duration, 'duration', 10, 1),
      log: logNow,
    });

  const wardsPath = path.resolve(args.wards ?? path.join(ROOT, '..', 'shared', 'data', 'lewisham_wards_2022.geojson'));
  if (!fs.existsSync(wardsPath)) {
    die(
      `Ward polygons not found at ${wardsPath}. The benchmark needs the real Lewisham wards (../shared/data) so ` +
        'that ward assignment is real work; give another file with --wards.',
    );
  }

  const cubeSection = () => benchCube(databaseUrl!, { rows, seed, repeat: Math.max(repeat, 5), wardsPath, log: logNow });
  if (args['only-cube']) {
    if (!databaseUrl) die('--only-cube needs DATABASE_URL (the PostGIS server); it TRUNCATEs incidents and areas there.');
    return writeResults({ command: process.argv.slice(2), rows, seed, cube: await cubeSection() });
  }

  if (args['only-cube-reads']) {
    if (!databaseUrl) die('--only-cube-reads needs DATABASE_URL (the PostGIS server); it TRUNCATEs incidents and areas there.');
    const sizes = (args['cube-rows'] ?? '1000000,5000000').split(',').map((x) => intArg(x, 'cube-rows', 1, 1));
    const cubeReads = await benchCubeReads(databaseUrl, {
      sizes,
      seed,
      repeat: Math.max(repeat, 5),
      incidentsRepeat: Math.max(Math.min(repeat, 5), 3),
      wardsPath,
      log: logNow,
    });
    return writeResults({ command: process.argv.slice(2), seed, cubeReads });
  }

  const rss = new RssSampler();
  rss.start();
  const log = (m: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${m}`);

  const gen = await policeUkCsv(rows, seed, loadWards(wardsPath));
  log(
    `${gen.cached ? 'using cached' : `generated in ${gen.seconds.toFixed(1)} s:`} ${gen.path} (${(gen.bytes / 1048576).toFixed(0)} MB, ${rows} rows)`,
  );

  let js: JsPhases | undefined;
  if (!args['skip-js']) {
    const runs: JsPhases[] = [];
    for (let r = 0; r < repeat; r++) {
      runs.push(await measureJsPhases(gen.path));
      const j = runs[runs.length - 1];
      log(
        `JS only: parse ${j.parseSeconds.toFixed(2)} s, all JS ${j.fullSeconds.toFixed(2)} s (${Math.round(j.fullRowsPerSec)} rows/s), H3 alone ${j.h3Seconds.toFixed(2)} s`,
      );
    }
    js = { ...medianRecord(runs as unknown as Record<string, number>[]) } as unknown as JsPhases;
    js.rows = runs[0].rows;
    js.fullRowsPerSec = js.rows / median(runs.map((r) => r.fullSeconds));
  }

  const results: Partial<Record<DriverName, DriverResult>> = {};
  for (const driver of drivers) {
    results[driver] = await runDriver({
      driver,
      databaseUrl,
      pgliteMemory: !!args['pglite-memory'],
      csvPath: gen.path,
      rows,
      wardsPath,
      repeat,
      rss,
      withoutIndexes: args['without-indexes']?.split(',').filter(Boolean),
      log,
    });
  }
  const hotspots =
    drivers.includes('postgres') && !args['skip-hotspots']
      ? await runHotspotBench(databaseUrl!, { rows, seed, repeat, log })
      : undefined;
  const cube = drivers.includes('postgres') && !args['skip-cube'] ? await cubeSection() : undefined;
  rss.stop();

  const cpus = os.cpus();
  const out = {
    when: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      totalMemMB: Math.round(os.totalmem() / 1048576),
    },
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    rows,
    seed,
    repeat,
    file: { path: gen.path, bytes: gen.bytes, generator: 'scripts/bench/generate.ts' },
    jsOnly: js,
    drivers: results,
    hotspots,
    cube,
    peakRssMB: rss.peakMB(),
  };
  const dir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${out.when.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');

  console.log('\n' + report(rows, js, Object.values(results)));
  console.log(`\nPeak RSS of this process: ${rss.peakMB()} MB. Results: ${path.relative(process.cwd(), file)}`);
}

/** The results of a single section as JSON in bench-results/. */
function writeResults(out: Record<string, unknown>) {
  const when = new Date().toISOString();
  const dir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${when.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ when, ...out }, null, 2) + '\n');
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

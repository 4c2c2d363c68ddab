// `npm run demo`: load the synthetic demo area (geodata/synthetic.ts) into an empty database,
// through the same import code a user's files go through: boundaries, population, then a
// police.uk-format street CSV. Everything it loads is labelled synthetic.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { configOrExit } from '../api/config.js';
import { openConfiguredDb, type Db } from '../api/db/index.js';
import { importFile, type ImportSummary } from '../api/imports/index.js';
import { acquireLockOrExit, readLock, releaseLock } from '../api/lock.js';
import { DEMO_EMAIL, ensureDemoLogin } from '../api/auth/demo.js';
import { SYNTHETIC_SOURCE } from '../api/aggregates/attribution.js';
import { loadDemoExtras, type ExtrasResult } from './demo-extras.js';
import {
  DEFAULT_SYNTHETIC_OPTIONS,
  generateSyntheticDemo,
  SYNTHETIC_AREA_LABEL,
  SYNTHETIC_AREA_LEVEL,
  SYNTHETIC_CODE_PREFIX,
  SYNTHETIC_DATASET,
  toBoundariesGeoJson,
  toPoliceUkCsv,
  toPopulationCsv,
} from '../geodata/synthetic.js';

const HELP = `Usage: npm run demo [-- --seed <n>]

Loads a synthetic demo area (12 fictional wards in the North Sea, their populations and ~20,000
made-up street crimes over 24 months, with planted hotspots) so the app can be tried without real
data. It only loads into an empty database (or one holding nothing but the demo).
Environment: DATA_DIR (embedded database, default ./.saferplaces), DATABASE_URL (PostGIS server).
Tip: DATA_DIR=./.saferplaces-demo npm run demo   keeps the demo apart from real data.`;

/** The database holds something other than the demo; nothing was loaded. */
export class DemoRefused extends Error {}

/** Refuse unless the database is empty or holds only the demo. */
export async function checkDemoTarget(db: Db) {
  const datasets = await db.query<{ dataset: string; n: number }>(
    `SELECT dataset, count(*)::int AS n FROM incidents WHERE dataset <> $1 GROUP BY dataset ORDER BY dataset`,
    [SYNTHETIC_DATASET],
  );
  if (datasets.length) {
    const total = datasets.reduce((s, d) => s + d.n, 0);
    throw new DemoRefused(
      `This database already holds ${total} imported incidents (${datasets.map((d) => `${d.dataset}: ${d.n}`).join(', ')}). ` +
        'The demo only loads into an empty database, so synthetic and real data never mix. ' +
        'Use another data directory, e.g. DATA_DIR=./.saferplaces-demo npm run demo.',
    );
  }
  const areas = await db.query<{ level: string; n: number }>(
    `SELECT level, count(*)::int AS n FROM areas WHERE NOT (level = $1 AND starts_with(code, $2)) GROUP BY level ORDER BY level`,
    [SYNTHETIC_AREA_LEVEL, SYNTHETIC_CODE_PREFIX],
  );
  if (areas.length) {
    throw new DemoRefused(
      `This database already holds boundaries (${areas.map((a) => `${a.level}: ${a.n} areas`).join(', ')}), ` +
        'which the demo wards would replace or mix with. Use another data directory, e.g. DATA_DIR=./.saferplaces-demo npm run demo.',
    );
  }
}

export interface DemoResult {
  boundaries: ImportSummary;
  population: ImportSummary;
  incidents: ImportSummary;
  wards: number;
  generated: number;
  firstMonth: string;
  lastMonth: string;
  /** Schools, hubs, routes, register, network, CHB; null when an earlier run loaded them already. */
  extras: ExtrasResult | null;
  /** The demo login's new password. */
  password: string;
}

/** Generate the demo files into a temporary directory and import them. Throws DemoRefused or Error. */
export async function loadDemo(
  db: Db,
  opts: { seed?: number; log?: (s: string) => void; dataDir?: string } = {},
): Promise<DemoResult> {
  const log = opts.log ?? (() => {});
  await checkDemoTarget(db);
  const demo = generateSyntheticDemo({ seed: opts.seed ?? DEFAULT_SYNTHETIC_OPTIONS.seed });
  const months = [...new Set(demo.incidents.map((i) => i.month))].sort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-demo-'));
  try {
    const files = {
      boundaries: path.join(dir, 'synthetic-demo-wards.geojson'),
      population: path.join(dir, 'synthetic-demo-ward-population.csv'),
      incidents: path.join(dir, `${months[0]}_${months.at(-1)}-synthetic-demo-street.csv`),
    };
    fs.writeFileSync(files.boundaries, toBoundariesGeoJson(demo));
    fs.writeFileSync(files.population, toPopulationCsv(demo));
    fs.writeFileSync(files.incidents, toPoliceUkCsv(demo));
    const createdBy = 'demo';
    const ok = (s: ImportSummary, what: string) => {
      if (s.status !== 'committed') throw new Error(`The demo ${what} import failed: ${s.error?.message ?? 'unknown error'}`);
      return s;
    };

    log(`Importing ${demo.boundaries.features.length} synthetic wards ...`);
    const boundaries = ok(
      await importFile(db, files.boundaries, {
        kind: 'boundaries',
        level: SYNTHETIC_AREA_LEVEL,
        codeField: 'code',
        nameField: 'name',
        fileName: path.basename(files.boundaries),
        createdBy,
        label: SYNTHETIC_AREA_LABEL,
        source: SYNTHETIC_SOURCE,
      }),
      'boundary',
    );

    log('Importing ward populations ...');
    const population = ok(
      await importFile(db, files.population, {
        kind: 'population',
        level: SYNTHETIC_AREA_LEVEL,
        codeField: 'code',
        valueField: 'population',
        fileName: path.basename(files.population),
        createdBy,
        source: SYNTHETIC_SOURCE,
      }),
      'population',
    );

    log(`Importing ${demo.incidents.length} synthetic street crimes (${months[0]} to ${months.at(-1)}) ...`);
    const incidents = ok(
      await importFile(db, files.incidents, {
        kind: 'police_uk_street',
        dataset: SYNTHETIC_DATASET,
        fileName: path.basename(files.incidents),
        createdBy,
      }),
      'incident',
    );

    // The rest of the product: school routes, the planning register, a walking network, Clear-Hold-Build.
    let password = await ensureDemoLogin(db);
    let extras: ExtrasResult | null = null;
    if (!(await db.query('SELECT 1 FROM chb_areas LIMIT 1')).length) {
      log(
        'Adding synthetic schools, hubs, term dates, routes, a walking network, the intervention register and a Clear-Hold-Build area ...',
      );
      extras = await loadDemoExtras(db, demo, password, opts.dataDir ?? dir);
      password = await ensureDemoLogin(db); // a fresh password: the session used above is gone
    }
    return {
      extras,
      password,
      boundaries,
      population,
      incidents,
      wards: demo.boundaries.features.length,
      generated: demo.incidents.length,
      firstMonth: months[0],
      lastMonth: months.at(-1)!,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  let args;
  try {
    args = parseArgs({ options: { seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (args.help) return console.log(HELP);
  const seed = args.seed === undefined ? undefined : Number(args.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    console.error('--seed must be a whole number from 0 to 4294967295');
    process.exit(2);
  }

  const config = configOrExit();
  const embedded = !config.DATABASE_URL;
  let lock;
  if (embedded) {
    const held = readLock(config.dataDir);
    if (held?.owner === 'app') {
      console.error(
        `The Saferplaces app is running (pid ${held.pid}${held.port ? `, port ${held.port}` : ''}) and holds the database in ${config.dataDir}.\n` +
          'Stop it, run npm run demo, then start the app again.',
      );
      process.exit(1);
    }
    lock = acquireLockOrExit(config.dataDir, 'cli');
  }
  const db = await openConfiguredDb(config);
  try {
    const r = await loadDemo(db, { seed, log: (s) => console.log(s), dataDir: config.dataDir });
    const password = r.password;
    const i = r.incidents;
    const e = r.extras;
    console.log(
      `Synthetic demo loaded into ${embedded ? config.dataDir : 'the PostGIS server'} (dataset "${SYNTHETIC_DATASET}"):\n` +
        `  ${r.wards} wards ("${SYNTHETIC_AREA_LABEL}"), populations for ${r.population.imported + r.population.duplicates}\n` +
        `  ${i.imported} incidents imported, ${i.duplicates} already there, ${i.rejected} rejected, ` +
        `${i.outsideStudyArea} just outside the wards; ${r.firstMonth} to ${r.lastMonth}\n` +
        (e
          ? `  ${e.schools} schools, ${e.hubs} stations, ${e.terms} terms, ${e.routes} school routes, a walking network (${e.networkEdges} edges),\n` +
            `  ${e.interventions} interventions (every type, with ${e.historyRows} history rows) and ${e.chbAreas} Clear-Hold-Build area with a control area\n`
          : '  (schools, routes, register and Clear-Hold-Build were loaded by an earlier run)\n') +
        'All of it is made up. Start the app with npm start.',
    );
    console.log(
      `\nDemo sign-in (analyst; works only while the database holds nothing but the demo):\n  email ${DEMO_EMAIL}\n  password ${password}`,
    );
  } catch (e) {
    if (e instanceof DemoRefused) {
      console.error(`Demo not loaded: ${e.message}`);
      process.exitCode = 1;
    } else throw e;
  } finally {
    await db.close();
    if (lock) releaseLock(lock);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`Demo failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}

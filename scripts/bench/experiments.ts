// `npx tsx scripts/bench/experiments.ts [--rows N] [--driver D] [--repeat N] [--only js|sql]
// [--quick] [--check-parser]`: measured alternatives for the incident importer
// (api/imports/incidents.ts), next to what it does, on the benchmark file. Not part of
// `npm run bench`; its numbers back the figures in docs/BENCHMARKS.md.
//
// JS: csv-parse (the reference) vs the importer's reader (api/imports/fast-records.ts); md5 via
//     createHash vs the one-shot crypto.hash the importer uses; H3 cells computed per row vs the
//     memoised cellsFor.
// SQL (per driver): the importer's own MOVE_SQL and createStage DDL against two quantifications (with
//     the two foreign keys migration 003 dropped; secondary indexes dropped and rebuilt), each into a
//     fresh copy of `incidents`, with a checksum showing every variant stores the same rows, wards and
//     keys, and the write floor.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cellsFor, computeCells } from '../../geodata/h3.js';
import { openDb, type Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { cpuMeter, processCpu } from './cpu.js';
import { benchDir, loadWards, policeUkCsv } from './generate.js';
import { importerCsvParse, stageChunks, STAGE_COLUMNS } from './js-phases.js';
import { fastRecords } from '../../api/imports/fast-records.js';
import { MOVE_SQL } from '../../api/imports/incidents.js';
import { median } from './stats.js';
import { CRAFTED, fastReaderRecords, fromString, referenceRecords } from './parser-cases.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED = path.join(ROOT, '..', 'shared', 'data');

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    seed: { type: 'string' },
    driver: { type: 'string' },
    repeat: { type: 'string' },
    only: { type: 'string' },
    'check-parser': { type: 'boolean' },
    quick: { type: 'boolean' },
  },
});
const rows = Number(args.rows ?? 200_000);
const seed = Number(args.seed ?? 1);
const repeat = Number(args.repeat ?? 1);
const databaseUrl = process.env.DATABASE_URL || undefined;
const drivers =
  (args.driver ?? (databaseUrl ? 'both' : 'pglite')) === 'both' ? ['postgres', 'pglite'] : [args.driver ?? 'pglite'];
const log = (m: string) => console.log(m);
if (drivers.includes('postgres') && !databaseUrl) {
  console.error('--driver postgres needs DATABASE_URL.');
  process.exit(1);
}

// ---------------------------------------------------------------- the importer's own SQL

const SRC = fs.readFileSync(path.join(ROOT, 'api', 'imports', 'incidents.ts'), 'utf8');
function extract(re: RegExp, what: string): string {
  const m = re.exec(SRC);
  if (!m) throw new Error(`api/imports/incidents.ts no longer has ${what}; update scripts/bench/experiments.ts`);
  return m[1];
}
const STAGE_DDL = extract(/CREATE TEMP TABLE import_stage \(([\s\S]*?)\) ON COMMIT DROP/, 'the import_stage DDL');

const onBench = (sql: string) => sql.replace(/\bimport_stage\b/g, 'bench_stage').replace(/\bincidents\b/g, 'bench_incidents');

// ---------------------------------------------------------------- helpers

async function timed<T>(fn: () => Promise<T> | T): Promise<{ r: T; s: number; cpu: number }> {
  const c0 = processCpu();
  const t0 = performance.now();
  const r = await fn();
  return { r, s: (performance.now() - t0) / 1000, cpu: processCpu() - c0 };
}
const f2 = (x: number) => x.toFixed(2);

// ---------------------------------------------------------------- parser equivalence

async function checkParser(benchFile: string) {
  const cases: [string, () => Readable][] = [];
  if (fs.existsSync(SHARED)) {
    for (const f of fs.readdirSync(SHARED).filter((x) => x.endsWith('.csv')))
      cases.push([f, () => fs.createReadStream(path.join(SHARED, f), { highWaterMark: 1 << 16 })]);
  }
  cases.push([path.basename(benchFile), () => fs.createReadStream(benchFile, { highWaterMark: 1 << 20 })]);
  for (const [k, v] of Object.entries(CRAFTED)) cases.push([k, () => fromString(v)]);
  let bad = 0;
  for (const [name, mk] of cases) {
    const a = JSON.stringify(await referenceRecords(mk()));
    const b = JSON.stringify(await fastReaderRecords(mk()));
    if (a !== b) bad++;
    log(`  ${a === b ? 'same' : 'DIFFERENT'}  ${name}`);
  }
  log(bad ? `  ${bad} case(s) differ` : '  every case: the same records, line numbers and skipped records');
}

// ---------------------------------------------------------------- JS

async function jsExperiments(file: string) {
  log(`\nJS alternatives over ${file} (${rows} rows); wall s / CPU s of this process:`);
  const recs: string[][] = [];
  for await (const { record } of fastRecords(fs.createReadStream(file, { highWaterMark: 1 << 20 }))) recs.push(record);
  recs.shift();
  const located = recs.filter((r) => r[4] && r[5]);
  const keys = recs.map((r) => `police.uk street\u001e${r[0] ? `id\u001f${r[0]}` : `row\u001f${r.join('\u001f')}`}`);
  const distinct = new Set(located.map((r) => `${r[4]},${r[5]}`)).size;
  log(`  ${located.length} located rows, ${distinct} distinct points`);
  const res: Record<string, number[][]> = {};
  const add = (k: string, t: { s: number; cpu: number }) => (res[k] ??= []).push([t.s, t.cpu]);
  for (let i = 0; i < repeat; i++) {
    add(
      "csv-parse, the importer's former options",
      await timed(async () => {
        let n = 0;
        for await (const _ of fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(importerCsvParse())) n++;
        return n;
      }),
    );
    add(
      'api/imports/fast-records.ts (split lines without quotes)',
      await timed(async () => {
        let n = 0;
        for await (const _ of fastRecords(fs.createReadStream(file, { highWaterMark: 1 << 20 }), () => undefined)) n++;
        return n;
      }),
    );
    add(
      'md5: crypto.createHash().update().digest()',
      await timed(() => keys.reduce((n, k) => n + crypto.createHash('md5').update(k).digest('hex').length, 0)),
    );
    add(
      'md5: crypto.hash("md5", s) (Node >= 20.12)',
      await timed(() => keys.reduce((n, k) => n + crypto.hash('md5', k).length, 0)),
    );
    add(
      'H3: computeCells per row (4 x latLngToCell)',
      await timed(() => located.reduce((n, r) => n + computeCells(+r[5], +r[4])[0].length, 0)),
    );
    add(
      'H3: cellsFor (memoised per point)',
      await timed(() => located.reduce((n, r) => n + cellsFor(+r[5], +r[4])[0].length, 0)),
    );
  }
  for (const [k, v] of Object.entries(res))
    log(`  ${k.padEnd(62)} ${f2(median(v.map((x) => x[0])))} s  ${f2(median(v.map((x) => x[1])))} CPU s`);

  // Real police.uk data: how many distinct points per row?
  for (const f of ['lewisham_street_all_api_2016-01_2018-06.csv', 'lewisham_burglary_street_2022-03_2025-02.csv']) {
    const p = path.join(SHARED, f);
    if (!fs.existsSync(p)) continue;
    let header: string[] | undefined;
    let n = 0;
    const pts = new Set<string>();
    for await (const { record } of fastRecords(fs.createReadStream(p))) {
      if (!header) {
        header = record.map((h) => h.toLowerCase());
        continue;
      }
      const lon = record[header.indexOf('longitude')],
        lat = record[header.indexOf('latitude')];
      if (!lon || !lat) continue;
      n++;
      pts.add(`${lon},${lat}`);
    }
    log(`  real data ${f}: ${n} located rows, ${pts.size} distinct points (${((pts.size / n) * 100).toFixed(1)}%)`);
  }
}

// ---------------------------------------------------------------- SQL

interface Variant {
  name: string;
  move: string;
  /** Statements before / after the move, in its transaction. */
  before?: string[];
  after?: string[];
  /** Add the two foreign keys incidents had before migration 003 to the copy. */
  withFk?: boolean;
  remove?: boolean;
}

async function sqlExperiments(driver: string, file: string) {
  log(`\nMove step (INSERT .. SELECT from the staging table), ${driver}:`);
  const db: Db = await openDb(
    driver === 'postgres' ? { databaseUrl } : { dataDir: path.join(benchDir(), `pglite-exp-${process.pid}`) },
  );
  try {
    await db.exec(`DROP TABLE IF EXISTS bench_incidents; DROP TABLE IF EXISTS bench_stage`);
    const w = await importFile(db, path.join(SHARED, 'lewisham_wards_2022.geojson'), { kind: 'boundaries', level: 'ward' });
    if (w.status !== 'committed') throw new Error(JSON.stringify(w.error));
    await db.exec(`CREATE TABLE bench_stage (${STAGE_DDL})`);
    let staged = 0;
    for await (const c of stageChunks(file)) {
      await db.copyCsv('bench_stage', STAGE_COLUMNS, c.text);
      staged += c.rows;
    }
    await db.exec('ANALYZE bench_stage');
    const [d] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT DISTINCT lon, lat FROM bench_stage) d`);
    log(`  staged ${staged} rows, ${d.n} distinct points; wards: ${w.imported + w.duplicates} polygons`);
    // The foreign keys migration 003 dropped (the importer checks them once per file instead).
    const fks = ['FOREIGN KEY (batch_id) REFERENCES import_batches(id)', 'FOREIGN KEY (category) REFERENCES categories(slug)'];
    const secondary = await db.query<{ name: string; def: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = 'incidents'::regclass AND NOT i.indisunique AND NOT i.indisprimary`,
    );
    const secondaryOnCopy = secondary.map((s) =>
      s.def.replace(/INDEX \S+ ON (\S+\.)?incidents /, `INDEX bench_${s.name} ON bench_incidents `),
    );

    const all: Variant[] = [
      { name: 'importer MOVE_SQL (ward per distinct point)', move: MOVE_SQL, remove: true },
      ...(db.driver === 'postgres'
        ? [{ name: 'MOVE_SQL + SET LOCAL jit = off', move: MOVE_SQL, before: ['SET LOCAL jit = off'], remove: true }]
        : []),
      { name: 'MOVE_SQL, with the two former FK constraints', move: MOVE_SQL, withFk: true },
      {
        name: `MOVE_SQL, ${secondary.length} secondary indexes dropped + rebuilt`,
        move: MOVE_SQL,
        before: secondaryOnCopy.map((x) => `DROP INDEX ${/INDEX (\S+) ON/.exec(x)![1]}`),
        after: secondaryOnCopy,
      },
    ];
    // --quick: the importer's move only.
    const variants = args.quick ? all.slice(0, 1) : all;
    const results: { name: string; first: number[]; cpu: (number | null)[]; again: number[]; sum: string }[] = [];
    for (const v of variants) results.push({ name: v.name, first: [], cpu: [], again: [], sum: '' });
    for (let i = 0; i < repeat; i++) {
      for (const [vi, v] of variants.entries()) {
        await db.exec(`DROP TABLE IF EXISTS bench_incidents`);
        await db.exec(`CREATE TABLE bench_incidents (LIKE incidents INCLUDING ALL)`);
        // LIKE names the copies' indexes itself: give them the names the variants use.
        const made = await db.query<{ name: string; def: string }>(
          `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = 'bench_incidents'::regclass AND NOT i.indisunique AND NOT i.indisprimary`,
        );
        for (const m of made) await db.exec(`DROP INDEX ${m.name}`);
        for (const x of secondaryOnCopy) await db.exec(x);
        if (v.withFk) for (const f of fks) await db.exec(`ALTER TABLE bench_incidents ADD ${f}`);
        await db.exec('ANALYZE bench_incidents');
        try {
          await db.exec('CHECKPOINT');
        } catch {
          /* not superuser */
        }
        const params = [w.batchId, 'bench', false];
        const meter = await cpuMeter(db);
        const t0 = performance.now();
        const [r] = await db.transaction(async (tx) => {
          for (const s of v.before ?? []) await tx.exec(s);
          const out = await tx.query<{ imported: number; outside: number }>(onBench(v.move), params);
          for (const s of v.after ?? []) await tx.exec(s);
          return out;
        });
        const first = (performance.now() - t0) / 1000;
        const cpu = await meter();
        let again = NaN;
        if (v.remove) {
          const t1 = performance.now();
          const [r2] = await db.transaction(async (tx) => {
            for (const s of v.before ?? []) await tx.exec(s);
            return tx.query<{ imported: number }>(onBench(v.move), params);
          });
          again = (performance.now() - t1) / 1000;
          if (r2.imported !== 0) throw new Error(`${v.name}: the second move added ${r2.imported} rows`);
        }
        const [sum] = await db.query<{ n: number; s: string }>(
          `SELECT count(*)::int AS n, md5(string_agg(dedup_key::text || '|' || coalesce(ward_code, '-') || '|' || coalesce(lsoa_code, '-') || '|' || h3_7 || '|' || h3_10 || '|' || category || '|' || occurred_at, ',' ORDER BY dedup_key)) AS s FROM bench_incidents`,
        );
        const res = results[vi];
        res.first.push(first);
        res.cpu.push(db.driver === 'postgres' ? cpu.server : cpu.process);
        res.again.push(again);
        res.sum = `${sum.n} rows, ${r.outside} outside wards, checksum ${sum.s.slice(0, 8)}`;
        log(
          `  ${v.name.padEnd(52)} ${f2(first)} s` + (v.remove ? `, again (all duplicates) ${f2(again)} s` : '') + `; ${res.sum}`,
        );
      }
    }
    if (repeat > 1) {
      log(`  medians of ${repeat}:`);
      for (const r of results) {
        const cpu = r.cpu.every((x) => x !== null)
          ? ` (${db.driver === 'postgres' ? 'server' : 'process'} CPU ${f2(median(r.cpu as number[]))} s)`
          : '';
        log(
          `  ${r.name.padEnd(52)} ${f2(median(r.first))} s${cpu}` +
            (Number.isNaN(r.again[0]) ? '' : `, again ${f2(median(r.again))} s`),
        );
      }
    } else {
      for (const r of results)
        if (r.cpu[0] !== null)
          log(`  ${r.name.padEnd(52)} ${db.driver === 'postgres' ? 'server' : 'process'} CPU ${f2(r.cpu[0]!)} s`);
    }
    // The destination's own write cost: the finished rows (from the last variant) inserted again,
    // with no computation, into a copy of incidents with / without its indexes and constraints.
    const cols = `batch_id, dataset, source_id, dedup_key, category, occurred_at, time_precision, lon, lat, location_precision,
      location_text, age_band, outcome, ward_code, lsoa_code, h3_7, h3_8, h3_9, h3_10`;
    for (const [name, ddl, withFk] of [
      [
        'floor: finished rows into a copy of incidents (all indexes)',
        `CREATE TABLE bench_floor (LIKE incidents INCLUDING ALL)`,
        false,
      ],
      ['floor: ... + the two former FK constraints', `CREATE TABLE bench_floor (LIKE incidents INCLUDING ALL)`, true],
      [
        'floor: finished rows into a bare copy (no index, constraint)',
        `CREATE TABLE bench_floor (LIKE incidents INCLUDING DEFAULTS INCLUDING GENERATED)`,
        false,
      ],
    ] as const) {
      const secs: number[] = [];
      for (let i = 0; i < repeat; i++) {
        await db.exec(`DROP TABLE IF EXISTS bench_floor`);
        await db.exec(ddl);
        if (withFk) for (const f of fks) await db.exec(`ALTER TABLE bench_floor ADD ${f}`);
        try {
          await db.exec('CHECKPOINT');
        } catch {
          /* not superuser */
        }
        const t0 = performance.now();
        await db.transaction((tx) => tx.query(`INSERT INTO bench_floor (${cols}) SELECT ${cols} FROM bench_incidents`));
        secs.push((performance.now() - t0) / 1000);
      }
      log(`  ${name.padEnd(66)} ${f2(median(secs))} s`);
    }
    await db.exec(`DROP TABLE IF EXISTS bench_floor`);
    const sums = new Set(results.map((r) => r.sum.replace(/^.*checksum /, '')));
    log(
      sums.size === 1
        ? '  every variant stored the same rows (same keys, wards, LSOAs, H3 cells)'
        : '  WARNING: the variants stored different rows',
    );
    await db.exec(`DROP TABLE IF EXISTS bench_incidents; DROP TABLE IF EXISTS bench_stage`);
  } finally {
    await db.close();
    fs.rmSync(path.join(benchDir(), `pglite-exp-${process.pid}`), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

if (!fs.existsSync(path.join(SHARED, 'lewisham_wards_2022.geojson'))) {
  console.error(`Ward polygons not found in ${SHARED}.`);
  process.exit(1);
}
const gen = await policeUkCsv(rows, seed, loadWards(path.join(SHARED, 'lewisham_wards_2022.geojson')));
log(`file: ${gen.path}`);
if (args['check-parser']) {
  log('\napi/imports/fast-records.ts against csv-parse (the options the importer used before it):');
  await checkParser(gen.path);
}
if (args.only !== 'sql') await jsExperiments(gen.path);
if (args.only !== 'js') for (const d of drivers) await sqlExperiments(d, gen.path);

// The cube's rollups (migration 022, issue 16) on real Lewisham and Hackney police.uk rows, loaded with the real
// importer, on both drivers:
// 1. after every kind of write (imports, live ingest with offence codes, a batch deleted and imported again, a
//    ward boundary replacement re-assigning ward and study-area codes, a month's partition detached, DELETE,
//    TRUNCATE) each rollup equals the same GROUP BY of incidents, and refresh_incident_aggregates() rebuilds
//    exactly what the triggers kept;
// 2. every read a rollup answers (stats/areas, hexes, series, Gi*, change, emerging, with harm schemes) equals
//    the same read forced onto incidents, and names the rollup that answered — after a second import, after a
//    batch deletion and after a boundary replacement.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../api/db/index.js';
import { detachPartition } from '../api/db/partitions.js';
import { importFile, type ImportOptions } from '../api/imports/index.js';
import { ingest } from '../api/live/ingest.js';
import * as agg from '../api/aggregates/handlers.js';
import * as hot from '../api/hotspots/handlers.js';
import { readingIncidents } from '../api/aggregates/source.js';
import type { H3Res } from '../geodata/h3.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { answerDifferences } from './helpers/same-answer.js';

const hasData = fs.existsSync(path.join(SHARED, 'hackney_wards_2024_bng.geojson'));

async function imp(db: Db, file: string, opts: ImportOptions) {
  const r = await importFile(db, path.join(SHARED, file), opts);
  if (r.status !== 'committed') throw new Error(`import of ${file} failed: ${r.error?.message}`);
  return r;
}

/** Each rollup: its table, its key as stored, and the same key computed from incidents. */
const ROLLUPS = [
  ['incident_rollup_ward', 'ward_code', 'ward_code'],
  ['incident_rollup_lsoa', 'lsoa_code', 'lsoa_code'],
  ['incident_rollup_h3_7', 'in_study, h3_7', 'study_code IS NOT NULL, h3_7'],
  ['incident_rollup_h3_8', 'in_study, h3_8', 'study_code IS NOT NULL, h3_8'],
  ['incident_rollup_h3_9', 'in_study, h3_9', 'study_code IS NOT NULL, h3_9'],
  ['incident_cube', 'dataset, time_precision, offence_code, h3_10, ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9', null],
  ['incident_months', 'dataset, time_precision', null],
] as const;

/** Rows of every rollup (and of the cube and monthly totals) that differ from a GROUP BY of incidents. */
async function rollupDifference(db: Queryable) {
  const out: string[] = [];
  for (const [table, stored, computed] of ROLLUPS) {
    const key = computed === null ? stored : `offence_code, ${stored}`;
    const from = computed === null ? stored : `offence_code, ${computed}`;
    const width = key.split(',').length + 2;
    const groups = Array.from({ length: width }, (_, i) => i + 1).join(', ');
    const rows = await db.query<{ side: string; r: string }>(`
      WITH
      -- the table as stored
      s AS (SELECT occurred_at, category, ${key}, n::bigint AS n, key_sum::bigint AS key_sum FROM ${table}),
      -- the same recomputed from incidents
      c AS (SELECT date_trunc('month', occurred_at) AS occurred_at, category, ${from}, count(*) AS n,
                   sum(record_key)::bigint AS key_sum
            FROM incidents GROUP BY ${groups})
      SELECT 'stored only' AS side, s::text AS r FROM (SELECT * FROM s EXCEPT ALL SELECT * FROM c) s
      UNION ALL SELECT 'incidents only', c::text FROM (SELECT * FROM c EXCEPT ALL SELECT * FROM s) c
      ORDER BY 1, 2`);
    out.push(...rows.map((x) => `${table} ${x.side}: ${x.r}`));
  }
  return out;
}

const countOf = async (db: Queryable, sql: string) => (await db.query<{ n: number }>(sql))[0].n;

/** Every aggregate table's rows, as text, sorted (to compare a refresh with what the triggers kept). */
async function snapshot(db: Queryable) {
  const out: Record<string, string[]> = {};
  for (const [table] of ROLLUPS)
    out[table] = (await db.query<{ r: string }>(`SELECT t::text AS r FROM ${table} t ORDER BY 1`)).map((x) => x.r);
  return out;
}

describe.skipIf(!hasData).each(drivers())('rollups kept in step with incidents (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
  });

  it('equal a GROUP BY of incidents after imports, ingest, batch deletion, boundary replacement, detach and truncate', async () => {
    await imp(db, 'lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
    await imp(db, 'lewisham_lsoa21.geojson', { kind: 'boundaries', level: 'lsoa' });
    const lew = await imp(db, 'lewisham_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Lewisham' });
    const hack = await imp(db, 'hackney_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Hackney' });
    expect(await rollupDifference(db)).toEqual([]);
    // Each rollup is smaller than the cube, and counts every incident once.
    const cube = await countOf(db, 'SELECT count(*)::int AS n FROM incident_cube');
    for (const [table] of ROLLUPS.slice(0, 5)) {
      expect(await countOf(db, `SELECT count(*)::int AS n FROM ${table}`)).toBeLessThan(cube);
      expect(await countOf(db, `SELECT sum(n)::int AS n FROM ${table}`)).toBe(lew.imported + hack.imported);
    }

    await ingest(
      db,
      [
        { id: 'R-1', occurred_at: '2024-05-03T21:15', category: 'burglary', lon: -0.0209, lat: 51.4452, offence_code: '28E' },
        { id: 'R-2', occurred_at: '2024-05-04', category: 'robbery', lon: -0.0557, lat: 51.545 },
      ],
      { createdBy: 'rollups test', dataset: 'live' },
    );
    expect(await rollupDifference(db)).toEqual([]);
    expect(await countOf(db, `SELECT sum(n)::int AS n FROM incident_rollup_ward WHERE offence_code = '28E'`)).toBe(1);

    // A batch deleted, checked inside its transaction, then imported again.
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM incidents WHERE batch_id = $1', [hack.batchId]);
      expect(await rollupDifference(tx)).toEqual([]);
    });
    const again = await imp(db, 'hackney_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Hackney' });
    expect(again.imported).toBe(hack.imported);
    expect(await rollupDifference(db)).toEqual([]);

    // Hackney's wards replace Lewisham's: ward and study-area codes re-assigned by UPDATE; the ward rollup and
    // the cells' in-study flags follow.
    const hackneyWardsBefore = await countOf(
      db,
      `SELECT count(*)::int AS n FROM incident_rollup_ward WHERE ward_code IN
      (SELECT ward_code FROM incidents WHERE dataset = 'police.uk Hackney' AND ward_code IS NOT NULL)`,
    );
    expect(hackneyWardsBefore).toBe(0);
    await imp(db, 'hackney_wards_2024_bng.geojson', { kind: 'boundaries', level: 'ward', replace: true });
    expect(
      await countOf(db, `SELECT count(*)::int AS n FROM incidents WHERE dataset = 'police.uk Hackney' AND ward_code IS NOT NULL`),
    ).toBeGreaterThan(1000);
    expect(await rollupDifference(db)).toEqual([]);

    // One rebuild from incidents gives exactly what the triggers kept.
    const kept = await snapshot(db);
    await db.exec('SELECT refresh_incident_aggregates()');
    expect(await snapshot(db)).toEqual(kept);

    // A month's partition detached (no DELETE trigger fires): its aggregates leave with it.
    const may = await countOf(
      db,
      `SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= '2024-05-01' AND occurred_at < '2024-06-01'`,
    );
    expect(may).toBeGreaterThan(100);
    expect(await detachPartition(db, '2024-05')).toBe('incidents_2024_05');
    expect(await countOf(db, `SELECT count(*)::int AS n FROM incident_rollup_h3_9 WHERE occurred_at = '2024-05-01'`)).toBe(0);
    expect(await rollupDifference(db)).toEqual([]);
    await db.exec('DROP TABLE incidents_2024_05');

    await db.query('DELETE FROM incidents WHERE dataset = $1', ['police.uk Lewisham']);
    expect(await rollupDifference(db)).toEqual([]);
    await db.exec('TRUNCATE incidents');
    for (const [table] of ROLLUPS) expect(await countOf(db, `SELECT count(*)::int AS n FROM ${table}`)).toBe(0);
  });
});

type Sourced = { source?: { kind: string; reason: string } } | { meta: { source?: { kind: string; reason: string } } };

/** The answer read as the rule decides and forced onto incidents; which table answered the first. */
async function bothPaths(fn: () => Promise<unknown>) {
  const viaRule = (await fn()) as Sourced;
  const viaIncidents = await readingIncidents('test: the incident path', fn);
  const src = 'meta' in viaRule ? viaRule.meta.source : viaRule.source;
  return { diff: answerDifferences(viaRule, viaIncidents), reason: src?.reason ?? '' };
}

describe.skipIf(!hasData).each(drivers())('rollup-served answers equal the incidents-served ones (%s)', (driver) => {
  let db: Db;
  let hackBatch: number;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await imp(db, 'lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
    await imp(db, 'lewisham_lsoa21.geojson', { kind: 'boundaries', level: 'lsoa' });
    await imp(db, 'lewisham_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Lewisham' });
    hackBatch = (await imp(db, 'hackney_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Hackney' })).batchId!;
    // Live rows with offence codes (harm schemes weigh codes first), inside month-aligned windows.
    await ingest(
      db,
      [
        { id: 'Q-1', occurred_at: '2023-05-03T21:15', category: 'burglary', lon: -0.0209, lat: 51.4452, offence_code: '28E' },
        { id: 'Q-2', occurred_at: '2023-05-19', category: 'burglary', lon: -0.0314, lat: 51.4601, offence_code: '28A' },
      ],
      { createdBy: 'rollups test', dataset: 'live' },
    );
  });

  /** Every rolled-up read on a few month windows, compared with the incidents; returns how many. */
  async function compareAll() {
    let compared = 0;
    const same = async (fn: () => Promise<unknown>, table: string) => {
      const r = await bothPaths(fn);
      expect(r.reason).toContain(table);
      expect(r.diff).toEqual([]);
      compared++;
    };
    for (const w of [
      { from: '2023-01-01', to: '2024-01-01' },
      { from: '2024-06-01', to: '2024-09-01', category: ['burglary'] },
    ]) {
      for (const level of ['ward', 'lsoa']) await same(() => agg.areaStats(db, { ...w, level }), `incident_rollup_${level}`);
      for (const res of [7, 8, 9] as H3Res[]) await same(() => agg.hexes(db, { ...w, res }), `incident_rollup_h3_${res}`);
      await same(() => agg.hexes(db, { ...w, res: 10 }), 'incident_cube');
      for (const u of [{ res: 7 as H3Res }, { res: 8 as H3Res }, { res: 9 as H3Res }, { level: 'ward' }, { level: 'lsoa' }]) {
        const table = 'res' in u ? `incident_rollup_h3_${u.res}` : `incident_rollup_${u.level}`;
        for (const weights of ['count', 'ons-css']) {
          const q = { ...u, ...w, weights, k: 1, correction: 'fdr' as const };
          await same(() => hot.hotspots(db, q), table);
          await same(() => hot.change(db, { ...q, uncovered: 'covered-only' }), table);
        }
        await same(
          () => hot.emerging(db, { ...u, ...w, weights: 'cambridge-chi', k: 1, correction: 'fdr', period: 'month', alpha: 0.05 }),
          table,
        );
      }
    }
    const [ward] = await db.query<{ code: string }>(`SELECT ward_code AS code FROM incidents WHERE ward_code IS NOT NULL
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
    const [cell] = await db.query<{ h3: string }>(`SELECT lpad(to_hex(h3_8), 15, '0') AS h3 FROM incidents GROUP BY h3_8
      ORDER BY count(*) DESC, 1 LIMIT 1`);
    const w = { from: '2022-03-01', to: '2025-03-01' };
    await same(() => agg.series(db, { ...w, level: 'ward', code: ward.code }), 'incident_rollup_ward');
    await same(() => agg.series(db, { ...w, h3: cell.h3 }), 'incident_rollup_h3_8');
    return compared;
  }

  it('after a second import, after a batch deletion and after a boundary replacement', async () => {
    expect(await compareAll()).toBeGreaterThan(60);
    await db.query('DELETE FROM incidents WHERE batch_id = $1', [hackBatch]);
    expect(await compareAll()).toBeGreaterThan(60);
    await imp(db, 'hackney_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Hackney' });
    await imp(db, 'hackney_wards_2024_bng.geojson', { kind: 'boundaries', level: 'ward', replace: true });
    expect(await compareAll()).toBeGreaterThan(60);
    // What no rollup carries still falls back: a bounding box, a window cut mid-month.
    const boxed = await agg.hexes(db, { from: '2023-01-01', to: '2024-01-01', res: 8, bbox: [-0.1, 51.5, 0, 51.6] });
    expect(boxed.source).toMatchObject({ kind: 'incidents', reason: expect.stringContaining('bounding box') });
    const mid = await agg.areaStats(db, { from: '2023-01-15', to: '2023-06-01', level: 'ward' });
    expect(mid.source).toMatchObject({ kind: 'incidents' });
  });
});

// The aggregate cube (migration 018, issue 16) on real Lewisham and Hackney police.uk rows, loaded with the
// real importer: after every kind of write (file import, live ingest, deletion and re-import of a batch,
// boundary re-import re-assigning wards, LSOAs and study-area codes) the cube equals a GROUP BY of incidents.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../api/db/index.js';
import { importFile, type ImportOptions } from '../api/imports/index.js';
import { ingest } from '../api/live/ingest.js';
import * as agg from '../api/aggregates/handlers.js';
import * as hot from '../api/hotspots/handlers.js';
import { readingIncidents } from '../api/aggregates/source.js';
import type { H3Res } from '../geodata/h3.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { answerDifferences } from './helpers/same-answer.js';

const hasData = fs.existsSync(path.join(SHARED, 'hackney_wards_2024_bng.geojson'));

export async function imp(db: Db, file: string, opts: ImportOptions) {
  const r = await importFile(db, path.join(SHARED, file), opts);
  if (r.status !== 'committed') throw new Error(`import of ${file} failed: ${r.error?.message}`);
  return r;
}

const KEY = `occurred_at, category, dataset, time_precision, offence_code, h3_10, ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9`;

/** Rows of the cube and of the same GROUP BY of incidents that differ (each as text, sorted). */
export async function cubeDifference(db: Queryable) {
  const rows = await db.query<{ side: string; r: string }>(`
    WITH
    -- the cube as stored
    c AS (SELECT ${KEY}, n::bigint AS n, key_sum::bigint AS key_sum FROM incident_cube),
    -- the cube recomputed from incidents
    i AS (SELECT date_trunc('month', occurred_at) AS occurred_at, category, dataset, time_precision, offence_code, h3_10,
                 ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9, count(*) AS n, sum(record_key)::bigint AS key_sum
          FROM incidents GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    m AS (SELECT occurred_at, category, dataset, time_precision, n::bigint AS n, key_sum FROM incident_months),
    mi AS (SELECT date_trunc('month', occurred_at) AS occurred_at, category, dataset, time_precision, count(*) AS n,
                  sum(record_key)::bigint AS key_sum FROM incidents GROUP BY 1, 2, 3, 4)
    SELECT 'cube only' AS side, c::text AS r FROM (SELECT * FROM c EXCEPT ALL SELECT * FROM i) c
    UNION ALL SELECT 'incidents only', i::text FROM (SELECT * FROM i EXCEPT ALL SELECT * FROM c) i
    UNION ALL SELECT 'months only', m::text FROM (SELECT * FROM m EXCEPT ALL SELECT * FROM mi) m
    UNION ALL SELECT 'incident months only', mi::text FROM (SELECT * FROM mi EXCEPT ALL SELECT * FROM m) mi
    ORDER BY 1, 2`);
  return rows.map((x) => `${x.side}: ${x.r}`);
}

const countOf = async (db: Db, sql: string) => (await db.query<{ n: number }>(sql))[0].n;

describe.skipIf(!hasData).each(drivers())('aggregate cube kept in step with incidents (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
  });

  it('equals a GROUP BY of incidents after imports, ingest, batch deletion and replacement, and a boundary re-import', async () => {
    await imp(db, 'lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
    await imp(db, 'lewisham_lsoa21.geojson', { kind: 'boundaries', level: 'lsoa' });
    const lew = await imp(db, 'lewisham_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Lewisham' });
    const hack = await imp(db, 'hackney_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Hackney' });
    expect(lew.imported).toBeGreaterThan(5000);
    expect(hack.imported).toBeGreaterThan(6000);
    expect(await cubeDifference(db)).toEqual([]);
    // Fewer cube rows than incidents (snapped points share cells), and every incident counted once.
    const cubeRows = await countOf(db, 'SELECT count(*)::int AS n FROM incident_cube');
    expect(cubeRows).toBeLessThan(lew.imported + hack.imported);
    expect(await countOf(db, 'SELECT sum(n)::int AS n FROM incident_cube')).toBe(lew.imported + hack.imported);

    // Live ingest (the POST /api/incidents path), with an offence code and a minute-precision time.
    const res = await ingest(
      db,
      [
        { id: 'C-1', occurred_at: '2024-05-03T21:15', category: 'burglary', lon: -0.0209, lat: 51.4452, offence_code: '28E' },
        { id: 'C-2', occurred_at: '2024-05-04', category: 'robbery', lon: -0.0557, lat: 51.545 },
      ],
      { createdBy: 'cube test', dataset: 'live' },
    );
    expect(res.imported).toBe(2);
    expect(await cubeDifference(db)).toEqual([]);

    // A batch deleted (no app route deletes one today: any writer's DELETE is followed), then imported again.
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM incidents WHERE batch_id = $1', [hack.batchId]);
      expect(await cubeDifference(tx)).toEqual([]);
    });
    expect(await countOf(db, `SELECT count(*)::int AS n FROM incident_cube WHERE dataset = 'police.uk Hackney'`)).toBe(0);
    const again = await imp(db, 'hackney_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Hackney' });
    expect(again.imported).toBe(hack.imported);
    expect(await cubeDifference(db)).toEqual([]);

    // Boundary re-import: Hackney's wards replace Lewisham's, re-assigning ward and study-area codes.
    const before = await countOf(
      db,
      `SELECT count(*)::int AS n FROM incident_cube WHERE ward_code LIKE 'E05%' AND dataset = 'police.uk Hackney'`,
    );
    expect(before).toBe(0);
    await imp(db, 'hackney_wards_2024_bng.geojson', { kind: 'boundaries', level: 'ward', replace: true });
    expect(
      await countOf(
        db,
        `SELECT count(*)::int AS n FROM incident_cube WHERE ward_code IS NOT NULL AND dataset = 'police.uk Hackney'`,
      ),
    ).toBeGreaterThan(0);
    expect(await cubeDifference(db)).toEqual([]);

    // Deleting everything empties it; TRUNCATE too.
    await db.query('DELETE FROM incidents WHERE dataset = $1', ['live']);
    expect(await cubeDifference(db)).toEqual([]);
    await db.exec('TRUNCATE incidents');
    expect(await countOf(db, 'SELECT count(*)::int AS n FROM incident_cube')).toBe(0);
    expect(await countOf(db, 'SELECT count(*)::int AS n FROM incident_months')).toBe(0);
  });
});

/** The answer read as the rule decides, and read from incidents; returns both and which source answered first. */
async function bothPaths<T>(fn: () => Promise<T>) {
  const viaRule = await fn();
  const viaIncidents = await readingIncidents('test: the incident path', fn);
  const source = (x: any) => (x.meta ?? x).source?.kind;
  return { diff: answerDifferences(viaRule, viaIncidents), source: source(viaRule), other: source(viaIncidents) };
}

describe.skipIf(!hasData).each(drivers())('cube-served answers equal the incidents-served ones (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await imp(db, 'lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
    await imp(db, 'lewisham_lsoa21.geojson', { kind: 'boundaries', level: 'lsoa' });
    await imp(db, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv', { dataset: 'police.uk Lewisham violence' });
    await imp(db, 'lewisham_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Lewisham' });
    await imp(db, 'hackney_burglary_street_2022-03_2025-02.csv', { dataset: 'police.uk Hackney' });
    // Live rows with offence codes (the harm schemes weigh codes first) and times within months.
    await ingest(
      db,
      [
        { id: 'P-1', occurred_at: '2017-05-03T21:15', category: 'violent-crime', lon: -0.0209, lat: 51.4452, offence_code: '8N' },
        { id: 'P-2', occurred_at: '2017-05-19', category: 'violent-crime', lon: -0.0209, lat: 51.4452, offence_code: '105A' },
        { id: 'P-3', occurred_at: '2023-02-11T08:00', category: 'burglary', lon: -0.0314, lat: 51.4601, offence_code: '28E' },
      ],
      { createdBy: 'cube test', dataset: 'live' },
    );
    expect(await cubeDifference(db)).toEqual([]);
  });

  const WINDOWS = [
    { from: '2016-01-01', to: '2018-07-01' },
    { from: '2017-01-01', to: '2018-01-01' },
    { from: '2017-04-01', to: '2017-07-01' },
    { from: '2022-03-01', to: '2025-03-01' },
    { from: '2023-01-01', to: '2024-01-01' },
    { from: '2024-06-01', to: '2024-09-01' },
  ];
  const CATEGORIES = [undefined, ['burglary'], ['violent-crime', 'robbery']];

  it('summary and categories come from the cube and equal the incidents', async () => {
    for (const fn of [() => agg.summary(db), () => agg.categories(db)] as (() => Promise<unknown>)[]) {
      const r = await bothPaths(fn);
      expect([r.source, r.other]).toEqual(['cube', 'incidents']);
      expect(r.diff).toEqual([]);
    }
  });

  it('stats/areas, hexes and series: equal on month windows, categories, levels and resolutions; sub-month windows read incidents', async () => {
    let compared = 0;
    for (const w of WINDOWS)
      for (const category of CATEGORIES) {
        for (const level of ['ward', 'lsoa']) {
          const r = await bothPaths(() => agg.areaStats(db, { ...w, category, level }));
          expect(r.source).toBe('cube');
          expect(r.diff).toEqual([]);
          compared++;
        }
        for (const res of [7, 8, 9, 10] as H3Res[]) {
          const r = await bothPaths(() => agg.hexes(db, { ...w, category, res }));
          expect(r.source).toBe('cube');
          expect(r.diff).toEqual([]);
          compared++;
        }
      }
    // Series of a few wards and cells.
    const wards = await db.query<{ code: string }>(`SELECT code FROM areas WHERE level = 'ward' ORDER BY code LIMIT 4`);
    const cells = await db.query<{ h3: string }>(
      `SELECT lpad(to_hex(h3_9), 15, '0') AS h3 FROM incidents GROUP BY h3_9 ORDER BY count(*) DESC LIMIT 3`,
    );
    for (const w of WINDOWS.slice(0, 4)) {
      for (const { code } of wards) {
        const r = await bothPaths(() => agg.series(db, { ...w, level: 'ward', code }));
        expect(r.source).toBe('cube');
        expect(r.diff).toEqual([]);
        compared++;
      }
      for (const { h3 } of cells) {
        const r = await bothPaths(() => agg.series(db, { ...w, h3, category: ['violent-crime', 'burglary'] }));
        expect(r.source).toBe('cube');
        expect(r.diff).toEqual([]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
    // Not month-aligned, a bounding box: the incidents answer, and say why.
    const mid = await agg.areaStats(db, { from: '2017-01-15', to: '2017-06-01', level: 'ward' });
    expect(mid.source).toMatchObject({ kind: 'incidents', reason: expect.stringContaining('not the first day of a month') });
    const boxed = await agg.hexes(db, { from: '2017-01-01', to: '2018-01-01', res: 9, bbox: [-0.05, 51.43, 0, 51.47] });
    expect(boxed.source).toMatchObject({ kind: 'incidents', reason: expect.stringContaining('bounding box') });
  });

  it('Gi*, change and emerging: equal from the cube and from incidents, harm schemes included', async () => {
    const units = [{ res: 8 as H3Res }, { res: 9 as H3Res }, { level: 'ward' }, { level: 'lsoa' }];
    for (const u of units)
      for (const weights of ['count', 'ons-css', 'cambridge-chi'])
        for (const w of [
          { ...WINDOWS[4], category: ['burglary'] },
          { from: '2017-07-01', to: '2018-01-01', category: ['violent-crime', 'robbery'] },
        ]) {
          const q = { ...u, ...w, weights, k: 1, correction: 'fdr' as const };
          const g = await bothPaths(() => hot.hotspots(db, q));
          expect(g.source).toBe('cube');
          expect(g.diff).toEqual([]);
          const c = await bothPaths(() => hot.change(db, { ...q, uncovered: 'covered-only' }));
          expect(c.source).toBe('cube');
          expect(c.diff).toEqual([]);
          const e = await bothPaths(() => hot.emerging(db, { ...q, period: 'month', alpha: 0.05 }));
          expect(e.source).toBe('cube');
          expect(e.diff).toEqual([]);
        }
    // A window cut mid-month reads the incidents (police.uk's month precision allows no week periods here).
    const mid = await hot.hotspots(db, {
      res: 8,
      from: '2017-01-15',
      to: '2017-06-01',
      weights: 'count',
      k: 1,
      correction: 'fdr',
    });
    expect(mid.meta.source).toMatchObject({ kind: 'incidents' });
  });
});

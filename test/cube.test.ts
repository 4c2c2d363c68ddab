// The aggregate cube (migration 018, issue 16) on real Lewisham and Hackney police.uk rows, loaded with the
// real importer: after every kind of write (file import, live ingest, deletion and re-import of a batch,
// boundary re-import re-assigning wards, LSOAs and study-area codes) the cube equals a GROUP BY of incidents.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../api/db/index.js';
import { importFile, type ImportOptions } from '../api/imports/index.js';
import { ingest } from '../api/live/ingest.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

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

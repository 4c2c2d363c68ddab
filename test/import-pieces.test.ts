// The piecewise move of the incident import (issue 16) stores exactly what the one-statement move it replaced
// (MOVE_SQL, kept in api/imports/incidents.ts) stored: the same dedup keys, ward/LSOA/study-area codes, counts
// and rollups, on real police.uk files and on a file with letter-identical duplicate rows across months and
// one crime id on rows of several months; a re-import adds nothing; progress reports every piece. Both drivers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../api/db/index.js';
import { importFile, type ImportOptions, type Progress } from '../api/imports/index.js';
import { MOVE_SQL } from '../api/imports/incidents.js';
import { progressLabel } from '../web/src/pages/import/ImportJobView.js';
import { drivers, importShared, resetData, SHARED, testDb } from './helpers/db.js';

const ALL = path.join(SHARED, 'lewisham_street_all_api_2016-01_2018-06.csv');
const BURGLARY = path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv');
const hasData = fs.existsSync(ALL) && fs.existsSync(BURGLARY);

/**
 * A police.uk street file with duplicates: every 3rd row twice more, letter for letter; every 5th row with its
 * Crime ID blanked, three times (rows without an id are keyed by the whole row); every 7th row again with the
 * same Crime ID in another month (one id in two months: its two rows must be numbered 1 and 2 in file order).
 */
function duplicatesFile(): string {
  const [header, ...rows] = fs.readFileSync(BURGLARY, 'utf8').trimEnd().split('\n');
  const out = [header];
  rows.forEach((r, i) => {
    out.push(r);
    if (i % 3 === 0) out.push(r, r);
    if (i % 5 === 0) {
      const noId = r.replace(/^[^,]*/, '');
      out.push(noId, noId, noId);
    }
  });
  rows.forEach((r, i) => {
    if (i % 7 === 0) out.push(r.replace(/^([^,]*),(\d{4})-\d\d,/, (_, id, y) => `${id},${y}-12,`));
  });
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sp-pieces-')), 'duplicates.csv');
  fs.writeFileSync(f, `${out.join('\n')}\n`);
  return f;
}

/** The stored incidents and aggregates, without what is drawn at random (record keys) or numbered (ids, batches). */
async function stored(db: Queryable) {
  const incidents = (
    await db.query<{ r: string }>(
      `SELECT md5(string_agg(r, E'\\n' ORDER BY r)) AS r FROM (
         SELECT (dedup_key, dataset, source_id, category, occurred_at, time_precision, lon, lat, location_precision, location_text,
                 age_band, outcome, offence_code, location_type, ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9, h3_10)::text AS r
         FROM incidents) t`,
    )
  )[0].r;
  const counts = async (table: string, key: string) =>
    (
      await db.query<{ r: string }>(
        `SELECT md5(string_agg((${key}, n)::text, ',' ORDER BY (${key}, n)::text)) AS r FROM ${table}`,
      )
    )[0].r;
  return {
    n: (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents'))[0].n,
    keys: (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_keys'))[0].n,
    incidents,
    wards: (await db.query<{ n: number }>('SELECT count(DISTINCT ward_code)::int AS n FROM incidents'))[0].n,
    cube: await counts(
      'incident_cube',
      'occurred_at, category, dataset, time_precision, offence_code, h3_10, ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9',
    ),
    months: await counts('incident_months', 'occurred_at, category, dataset, time_precision'),
    ward: await counts('incident_rollup_ward', 'occurred_at, category, offence_code, ward_code'),
    lsoa: await counts('incident_rollup_lsoa', 'occurred_at, category, offence_code, lsoa_code'),
    h3_9: await counts('incident_rollup_h3_9', 'occurred_at, category, offence_code, in_study, h3_9'),
  };
}

/** Rows of the ward rollup whose record-key sum is not that of its incidents (the sums are per import, random). */
async function wardKeySumsWrong(db: Queryable) {
  return (
    await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (
      SELECT occurred_at, category, offence_code, ward_code, n::bigint, key_sum FROM incident_rollup_ward
      EXCEPT ALL SELECT date_trunc('month', occurred_at), category, offence_code, ward_code, count(*), sum(record_key)::bigint
      FROM incidents GROUP BY 1, 2, 3, 4) d`)
  )[0].n;
}

const oneStatement: ImportOptions['move'] = async (tx, params) =>
  (await tx.query<{ imported: number; outside: number }>(MOVE_SQL, params))[0];

describe.skipIf(!hasData).each(drivers())('the import moves its rows in pieces (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await importShared(db, [
      ['lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' }],
      ['lewisham_lsoa21.geojson', { kind: 'boundaries', level: 'lsoa' }],
    ]);
  });

  for (const [name, file, opts] of [
    ['Lewisham, all crimes, police.uk API rows (73k)', () => ALL, { rowsPerPiece: 6_000 }],
    ['police.uk street rows with duplicates across months', duplicatesFile, { rowsPerPiece: 1_500 }],
  ] as const) {
    it(`stores what the one-statement move stored: ${name}`, async () => {
      const f = file();
      await db.exec('TRUNCATE incidents');
      const before = await importFile(db, f, { move: oneStatement });
      expect(before.status).toBe('committed');
      const expected = await stored(db);

      await db.exec('TRUNCATE incidents');
      const seen: Progress[] = [];
      const after = await importFile(db, f, { ...opts, onProgress: (p) => void seen.push({ ...p }) });
      expect(after.status).toBe('committed');
      expect(await stored(db)).toEqual(expected);
      expect(await wardKeySumsWrong(db)).toBe(0);
      for (const k of ['imported', 'duplicates', 'rejected', 'outsideStudyArea', 'rowsRead'] as const)
        expect(after[k]).toBe(before[k]);
      // Letter-identical rows within one file are separate incidents (numbered), none a duplicate.
      expect(after.imported).toBe(after.rowsRead - after.rejected);
      expect(expected.wards).toBeGreaterThan(10);

      // Progress after each piece: pieces done of all, and the staged rows moved so far.
      const pieces = seen.filter((p) => p.phase === 'assigning' && p.piecesTotal !== undefined);
      const total = pieces[0].piecesTotal!;
      expect(total).toBeGreaterThanOrEqual(5);
      expect(pieces.map((p) => p.piecesDone)).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
      for (let i = 1; i < pieces.length; i++) expect(pieces[i].rowsMoved!).toBeGreaterThan(pieces[i - 1].rowsMoved!);
      expect(pieces.at(-1)!.rowsMoved).toBe(after.imported + after.duplicates);

      // A re-import adds nothing, in pieces or not.
      const again = await importFile(db, f, opts);
      expect(again).toMatchObject({ status: 'committed', imported: 0, duplicates: after.imported + after.duplicates });
      expect((await importFile(db, f, {})).imported).toBe(0);
      expect(await stored(db)).toEqual(expected);
    });
  }
});

it('the import page says which piece of the move an import is at', () => {
  const job = { status: 'running', phase: 'assigning', rows_read: 1_000_000, bytes_read: 9, bytes_total: 9 } as const;
  expect(progressLabel({ ...job, pieces_done: 3, pieces_total: 14, rows_moved: 214_286 })).toBe(
    'Importing: storing rows and assigning them to areas · 1,000,000 rows read · piece 3 of 14, 214,286 rows moved',
  );
  expect(progressLabel(job)).toBe('Importing: storing rows and assigning them to areas · 1,000,000 rows read');
});

// Issue 17: street crime from police.uk's monthly archive (archive/YYYY-MM.zip, a folder per month with
// YYYY-MM-<force>-street.csv), streamed from the local test server and filtered to the area: the same counts as
// the same rows imported as files (the City of London rows the server adds to one month's Met file, and the
// City's own file, are outside the area and not imported). A download that breaks off half-way keeps the
// months it handed over whole, leaves no half month, and a second run takes only the months still missing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { inRings, splitCsvLine } from '../api/opendata/archive.js';
import { importFile } from '../api/imports/index.js';
import { fetchOpenData } from '../api/opendata/fetch.js';
import { drivers, SHARED, testDb } from './helpers/db.js';
import { options, resetOpenData, snapshot, startOpenDataServer, type FakeServer } from './helpers/opendata-server.js';

const CRIMES = 'lewisham_burglary_street_2022-03_2025-02.csv';
const hasData = fs.existsSync(path.join(SHARED, CRIMES));
if (!hasData) console.log('SKIPPED: open data archive tests (../shared/data not found)');
const SPEC = { lads: ['E09000023'], months: 36, source: 'archive' as const };

describe('archive parsing helpers', () => {
  it('splits quoted CSV fields and tests points against rings', () => {
    expect(splitCsvLine('a,"b, c","d ""e""",,f')).toEqual(['a', 'b, c', 'd "e"', '', 'f']);
    const square: [number, number][] = [
      [0, 0],
      [2, 0],
      [2, 2],
      [0, 2],
    ];
    expect(inRings(1, 1, [square])).toBe(true);
    expect(inRings(3, 1, [square])).toBe(false);
    expect(
      inRings(1, 1, [
        [
          [5, 5],
          [6, 5],
          [6, 6],
        ],
        square,
      ]),
    ).toBe(true);
  });
});

describe.skipIf(!hasData).each(drivers())('open data from the police.uk monthly archive (%s)', (driver) => {
  let db: Db;
  let server: FakeServer;
  let files: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    db = await testDb(driver);
    server = await startOpenDataServer();
    await resetOpenData(db);
    for (const [f, opts] of [
      ['lewisham_wards_2022.geojson', { level: 'ward' }],
      ['lewisham_lsoa21.geojson', { level: 'lsoa' }],
      ['lewisham_lsoa21_to_ward24_best_fit_lookup_ons.csv', {}],
      ['lewisham_lsoa21_population_weighted_centroids_ons_bng.csv', {}],
      ['lewisham_lsoa21_population_census2021.csv', { level: 'lsoa', valueField: 'usual_residents_total' }],
      [CRIMES, {}],
    ] as const) {
      const s = await importFile(db, path.join(SHARED, f), opts);
      if (s.status !== 'committed') throw new Error(`${f}: ${JSON.stringify(s.error)}`);
    }
    files = await snapshot(db);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('streams one archive, imports 36 months filtered to the area, with the counts of the same rows as files', async () => {
    await resetOpenData(db);
    const r = await fetchOpenData(db, SPEC, options(server));
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('done');
    // One download of the latest archive; no crimes-street request.
    expect(server.log.filter((l) => l.path.startsWith('/archive/')).map((l) => [l.path, l.status])).toEqual([
      ['/archive/2025-02.zip', 200],
    ]);
    expect(server.log.some((l) => l.path.endsWith('all-crime'))).toBe(false);
    expect(await snapshot(db)).toEqual(files);
    const steps = await db.query<{ step: string; status: string; entry: string; force_rows: number; crimes: number }>(
      `SELECT step, status, detail->>'entry' AS entry, (detail->>'force_rows')::int AS force_rows, (detail->>'crimes')::int AS crimes
       FROM opendata_steps WHERE step LIKE 'police:20%' ORDER BY step`,
    );
    expect(steps).toHaveLength(36);
    expect(
      steps.every((s) => s.status === 'done' && s.entry === `${s.step.slice(7)}/${s.step.slice(7)}-metropolitan-street.csv`),
    ).toBe(true);
    // February 2025: the Met file also carries the City of London's 701 rows (outside the area, dropped).
    const feb = steps.find((s) => s.step === 'police:2025-02')!;
    expect(feb.force_rows - feb.crimes).toBeGreaterThanOrEqual(701);
    const [prov] = await db.query<{ source: string; archive: string; entry: string; url: string }>(
      `SELECT b.provenance->>'source' AS source, b.provenance->'parameters'->>'archive' AS archive,
              b.provenance->'parameters'->>'entry' AS entry, b.provenance->'requests'->0->>'url' AS url
       FROM opendata_steps s JOIN import_batches b ON b.id = s.batch_id WHERE s.step = 'police:2023-06'`,
    );
    expect(prov).toEqual({
      source: 'police.uk monthly archive',
      archive: `${server.archive}/2025-02.zip`,
      entry: '2023-06/2023-06-metropolitan-street.csv',
      url: `${server.archive}/2025-02.zip`,
    });
  });

  it('a download broken off half-way keeps whole months only; the next run takes the rest', async () => {
    await resetOpenData(db);
    const before = server.log.length;
    server.faults.archiveBreakAt = 0.5;
    const first = await fetchOpenData(db, SPEC, options(server));
    server.faults.archiveBreakAt = null;
    expect(first.status).toBe('incomplete');
    expect(first.error?.message).toMatch(/broke off/);
    const doneMonths = first.steps
      .filter((s) => s.step.startsWith('police:20') && s.status === 'done')
      .map((s) => s.step.slice(7));
    expect(doneMonths.length).toBeGreaterThan(0);
    expect(doneMonths.length).toBeLessThan(36);
    // Every month in the database is whole: its counts are the files' counts for that month.
    const now = await snapshot(db);
    const months = new Set(now.counts.map((c) => c.month));
    expect([...months].sort()).toEqual(doneMonths.sort());
    expect(now.counts).toEqual(files.counts.filter((c) => months.has(c.month)));

    const second = await fetchOpenData(db, SPEC, options(server));
    expect(second.status).toBe('done');
    const batches = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM import_batches WHERE file_name LIKE 'police.uk archive%' AND status = 'committed'`,
    );
    expect(batches[0].n).toBe(36); // the months of the first run were not imported again
    expect(server.log.slice(before).filter((l) => l.path.startsWith('/archive/'))).toHaveLength(2);
    expect(await snapshot(db)).toEqual(files);
  });
});

// Issue 17, beyond one borough: (1) two local authorities fetched together as one partnership — there are no
// Lincolnshire data in ../shared/data, so the fake server builds two invented "districts" (E07000901,
// E07000902) from Lewisham's wards in two groups, with the LSOA lookup and Nomis answering per district;
// (2) the study area as a stored level: with only district boundaries loaded, incidents are inside the study
// area and H3 units exist; (3) MPS ward-level monthly counts imported as aggregate data (no points).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { h3Units } from '../api/hotspots/units.js';
import { importFile } from '../api/imports/index.js';
import { assignStudyArea, chooseStudyArea, studyArea } from '../api/imports/study-area.js';
import { fetchOpenData } from '../api/opendata/fetch.js';
import { getJson, signedInApp } from './helpers/auth.js';
import { drivers, SHARED, testDb } from './helpers/db.js';
import { options, resetOpenData, snapshot, startOpenDataServer, type FakeServer } from './helpers/opendata-server.js';

const hasData = fs.existsSync(path.join(SHARED, 'mps_ward_level_crime_lewisham_2024-03_2026-03.csv'));
if (!hasData) console.log('SKIPPED: open data area tests (../shared/data not found)');
const WARDS = Array.from({ length: 19 }, (_, i) => `E0501${3714 + i}`);
const DISTRICTS = [
  { code: 'E07000901', name: 'District A', wards: WARDS.slice(0, 10) },
  { code: 'E07000902', name: 'District B', wards: WARDS.slice(10) },
];
const config = { dataDir: '/tmp/sp-opendata-areas', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined };

describe.skipIf(!hasData).each(drivers())('open data for a partnership of districts, and aggregates (%s)', (driver) => {
  let db: Db;
  let server: FakeServer;

  beforeAll(async () => {
    db = await testDb(driver);
    server = await startOpenDataServer({ districts: DISTRICTS });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('fetches two districts together; counts equal those of the same rows imported as files', async () => {
    await resetOpenData(db);
    const r = await fetchOpenData(db, { lads: DISTRICTS.map((d) => d.code), months: 36 }, options(server));
    expect(r.error).toBeUndefined();
    const nomis = server.log.find((l) => l.path.endsWith('NM_2021_1.data.csv'));
    expect(nomis?.params.geography).toBe('E07000901TYPE151,E07000902TYPE151');
    const areas = await db.query<{ level: string; n: number }>(
      `SELECT level, count(*)::int AS n FROM areas GROUP BY 1 ORDER BY 1`,
    );
    expect(areas).toEqual([
      { level: 'district', n: 2 },
      { level: 'lsoa', n: 175 },
      { level: 'ward', n: 19 },
    ]);
    const lads = await db.query<{ lad_code: string; n: number }>(
      `SELECT lad_code, count(*)::int AS n FROM population_lookup GROUP BY 1 ORDER BY 1`,
    );
    expect(lads.map((x) => x.lad_code)).toEqual(['E07000901', 'E07000902']);
    const fetched = await snapshot(db);

    await resetOpenData(db);
    for (const f of [
      'lewisham_wards_2022.geojson',
      'lewisham_lsoa21.geojson',
      'lewisham_lsoa21_to_ward24_best_fit_lookup_ons.csv',
      'lewisham_lsoa21_population_weighted_centroids_ons_bng.csv',
      'lewisham_burglary_street_2022-03_2025-02.csv',
    ]) {
      expect(
        (
          await importFile(
            db,
            path.join(SHARED, f),
            f.endsWith('.geojson') ? { level: f.includes('lsoa') ? 'lsoa' : 'ward' } : {},
          )
        ).status,
      ).toBe('committed');
    }
    expect(
      (
        await importFile(db, path.join(SHARED, 'lewisham_lsoa21_population_census2021.csv'), {
          level: 'lsoa',
          valueField: 'usual_residents_total',
        })
      ).status,
    ).toBe('committed');
    const files = await snapshot(db);
    expect(fetched.counts).toEqual(files.counts);
    expect(fetched.population).toEqual(files.population);
  });

  it('takes the study area from the stored level; with only districts loaded, nothing is "outside" and H3 units exist', async () => {
    await resetOpenData(db);
    await fetchOpenData(db, { lads: DISTRICTS.map((d) => d.code), months: 3 }, options(server));
    expect((await studyArea(db)).level).toBe('ward');
    // Choose districts: every incident's study unit is its district.
    const chosen = await db.transaction((tx) => chooseStudyArea(tx, 'district', 'test'));
    expect(chosen).toMatchObject({ level: 'district', chosen: 'district', rule: 'chosen' });
    // Outside the districts exactly when outside every ward (the districts are unions of the wards); the
    // police.uk polygon is widened by ~40 m, so a few crimes just beyond the boundary are outside both.
    const [cmp] = await db.query<{ districts: string[]; outside: number; outside_wards: number }>(
      `SELECT array_agg(DISTINCT study_code ORDER BY study_code) FILTER (WHERE study_code IS NOT NULL) AS districts,
              count(*) FILTER (WHERE study_code IS NULL)::int AS outside, count(*) FILTER (WHERE ward_code IS NULL)::int AS outside_wards FROM incidents`,
    );
    expect(cmp.districts).toEqual(['E07000901', 'E07000902']);
    expect(cmp.outside).toBe(cmp.outside_wards);
    expect((await h3Units(db, 8)).level).toBe('district');
    // A database with only district boundaries: the default rule takes the finest loaded level.
    await db.exec(
      `DELETE FROM areas WHERE level IN ('ward', 'lsoa'); DELETE FROM area_sets WHERE level IN ('ward', 'lsoa'); DELETE FROM settings WHERE key = 'study_area_level';`,
    );
    await db.transaction((tx) => assignStudyArea(tx));
    expect((await studyArea(db)).level).toBe('district');
    const [outside] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents WHERE study_code IS NULL`);
    expect(outside.n).toBe(cmp.outside_wards);
    const units = await h3Units(db, 8);
    expect(units.ids.length).toBeGreaterThan(10);
    // A new file is inside the study area too.
    await db.exec(`DELETE FROM incidents`);
    const s = await importFile(db, path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv'));
    expect(s.status).toBe('committed');
    expect(s.outsideStudyArea).toBeLessThan(s.imported / 100);
    expect(s.details.studyAreaLevel).toBe('district');
    // Through the API: the hotspot map works on district-only data.
    const client = await signedInApp(db, config);
    const hot = await getJson(client, '/api/hotspots?res=8&from=2022-03&to=2025-03');
    expect(hot.status).toBe(200);
    expect(hot.body.meta.outside_study_area.count).toBe(s.outsideStudyArea);
    const put = await client.request('/api/study-area', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'ward' }),
    });
    expect(put.status).toBe(400); // wards are not loaded
  });

  it('imports MPS ward-level monthly counts as aggregates: recognised by header, latest file wins, a practically empty month left out', async () => {
    await resetOpenData(db);
    await importFile(db, path.join(SHARED, 'lewisham_wards_2022.geojson'), { level: 'ward' });
    const files = [
      'mps_ward_level_crime_lewisham_2021-12_2023-11.csv',
      'mps_ward_level_crime_lewisham_2023-07_2025-06.csv',
      'mps_ward_level_crime_lewisham_2024-03_2026-03.csv',
    ];
    const sums: Array<Record<string, unknown>> = [];
    for (const f of files) {
      const s = await importFile(db, path.join(SHARED, f));
      expect(s.status, JSON.stringify(s.error)).toBe('committed');
      expect(s.kind).toBe('ward_counts');
      sums.push(s.details);
    }
    // File 13's first month (2024-03) sums to 1 offence for the borough: reported, not stored, not covered.
    expect(sums[2].months_practically_empty).toEqual(['2024-03']);
    const total = async (month: string) =>
      (await db.query<{ n: number }>(`SELECT sum(count)::int AS n FROM area_counts WHERE month = $1::date`, [month]))[0].n;
    // A month in two files: the file imported last replaces it (the MPS revises figures); 2024-03 comes from file 12.
    const column = (f: string, month: string) => {
      const lines = fs
        .readFileSync(path.join(SHARED, f), 'utf8')
        .trim()
        .split(/\r?\n/)
        .map((l) => l.split(','));
      const i = lines[0].indexOf(month);
      return lines.slice(1).reduce((a, l) => a + Number(l[i]), 0);
    };
    expect(await total('2024-04-01')).toBe(column(files[2], '202404'));
    expect(column(files[1], '202404')).not.toBe(column(files[2], '202404'));
    expect(await total('2024-03-01')).toBe(column(files[1], '202403'));
    expect(await total('2021-12-01')).toBeGreaterThan(2000);
    // Idempotent: the same file again changes nothing.
    const again = await importFile(db, path.join(SHARED, files[2]));
    expect(again.imported).toBe(0);
    // Series for a ward, through the API; the coverage report lists the source as aggregate; incident
    // analyses are not covered by it.
    const client = await signedInApp(db, config);
    const series = await getJson(client, '/api/area-counts/series?code=E05013714');
    expect(series.status).toBe(200);
    expect(series.body.aggregate).toBe(true);
    expect(series.body.months[0].month).toBe('2021-12');
    expect(series.body.months.at(-1).month).toBe('2026-03');
    expect(series.body.months.every((m: { count: number | null }) => typeof m.count === 'number')).toBe(true);
    const cov = await getJson(client, '/api/coverage');
    expect(cov.body.datasets.find((d: { dataset: string }) => d.dataset.startsWith('MPS ward-level'))).toMatchObject({
      points: false,
    });
    const inc = await getJson(client, '/api/series?level=ward&code=E05013714&from=2024-01&to=2024-03');
    expect(inc.body.months.map((m: { count: number | null }) => m.count)).toEqual([null, null]);
  });
});

// Aggregation API on real Lewisham data: the 2022 ward and 2021 LSOA polygons, Census 2021 LSOA
// populations and the 20,512 police.uk violence/robbery records of 2016-01..2018-06, loaded with the
// real importer (importFile). Every expected number is computed here from the raw files,
// independently of the importer's and the API's SQL: point-in-polygon with Turf on the GeoJSON,
// H3 cells with h3-js, months and categories straight from the CSV.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { bbox as turfBbox, booleanPointInPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedInApp, type Client } from './helpers/auth.js';
import type { Db } from '../api/db/index.js';
import { importFile, type ImportOptions } from '../api/imports/index.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { decodeIncidents, encodeIncidents } from '../contract/aggregates.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_wards_2022.geojson'));

// ---------- the real files, read once ----------

type Area = Feature<Polygon | MultiPolygon, Record<string, unknown>>;
interface Rec {
  month: string;
  category: string;
  lon: number;
  lat: number;
  id: string;
  location: string;
  outcome: string;
}

function readFixtures() {
  const wards = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_wards_2022.geojson'), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon
  >;
  const lsoas = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_lsoa21.geojson'), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon
  >;
  const popRows = parse(fs.readFileSync(path.join(SHARED, 'lewisham_lsoa21_population_census2021.csv')), {
    columns: true,
  }) as Record<string, string>[];
  const crimeRows = parse(fs.readFileSync(path.join(SHARED, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv')), {
    columns: true,
  }) as Record<string, string>[];
  const recs: Rec[] = crimeRows.map((r) => ({
    month: r.month,
    category: r.category,
    lon: Number(r.longitude),
    lat: Number(r.latitude),
    id: r.id,
    location: r.street_name,
    outcome: r.outcome_category,
  }));
  const population = new Map(popRows.map((r) => [r.LSOA21CD, Number(r.usual_residents_total)]));
  const lookupRows = parse(fs.readFileSync(path.join(SHARED, 'lewisham_lsoa21_to_ward24_best_fit_lookup_ons.csv')), {
    columns: true,
  }) as Record<string, string>[];
  const wardOfLsoa = new Map(lookupRows.map((r) => [r.LSOA21CD, r.WD24CD]));
  return { wards, lsoas, population, wardOfLsoa, recs };
}

/** Turf point-in-polygon with a bbox prefilter; returns the codes of every area containing the point. */
function locator(fc: FeatureCollection<Polygon | MultiPolygon>, codeField: string) {
  const areas = fc.features.map((f) => ({ code: String(f.properties![codeField]), f: f as Area, b: turfBbox(f) }));
  return (lon: number, lat: number) =>
    areas
      .filter(({ b, f }) => lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3] && booleanPointInPolygon([lon, lat], f))
      .map((a) => a.code);
}

/** The area a point belongs to: on a shared boundary, the lowest code (the importer's tie rule). */
const firstCode = (codes: string[]) => (codes.length ? [...codes].sort()[0] : null);

const inMonths = (m: string, from: string, to: string) => m >= from && m < to; // YYYY-MM strings

function countBy<T>(xs: T[], key: (x: T) => string | null) {
  const m = new Map<string | null, number>();
  for (const x of xs) {
    const k = key(x);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

// ---------- loading: through the real import pipeline, as a user would ----------

const TEST_DATASET = 'police.uk API (aggregates test)';

async function loadFixtures(db: Db) {
  const imp = async (file: string, opts: ImportOptions) => {
    const r = await importFile(db, path.join(SHARED, file), opts);
    if (r.status !== 'committed') throw new Error(`import of ${file} failed: ${r.error?.message}`);
    return r;
  };
  await imp('lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
  await imp('lewisham_lsoa21.geojson', { kind: 'boundaries', level: 'lsoa' });
  await imp('lewisham_lsoa21_population_census2021.csv', { kind: 'population', level: 'lsoa' });
  await imp('lewisham_lsoa21_to_ward24_best_fit_lookup_ons.csv', {});
  const r = await imp('lewisham_violence_robbery_street_api_2016-01_2018-06.csv', { dataset: TEST_DATASET });
  return r;
}

// ---------- tests ----------

describe.skipIf(!hasData).each(drivers())('aggregation API on real Lewisham data (%s)', (driver) => {
  let db: Db;
  let fx: ReturnType<typeof readFixtures>;
  let wardOf: (r: Rec) => string | null;
  let lsoaOf: (r: Rec) => string | null;
  let client: Client;
  const app = () => client;
  const get = async (url: string) => {
    const res = await app().request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    client = await signedInApp(db, {
      dataDir: '/nonexistent',
      MAX_UPLOAD_MB: 10,
      BASEMAP_STYLE_URL: 'https://tiles.example.test/style.json',
    });
    fx = readFixtures();
    const inWard = locator(fx.wards, 'WD22CD');
    const inLsoa = locator(fx.lsoas, 'LSOA21CD');
    const wardMemo = new Map<Rec, string | null>();
    const lsoaMemo = new Map<Rec, string | null>();
    for (const r of fx.recs) {
      wardMemo.set(r, firstCode(inWard(r.lon, r.lat)));
      lsoaMemo.set(r, firstCode(inLsoa(r.lon, r.lat)));
    }
    wardOf = (r) => wardMemo.get(r)!;
    lsoaOf = (r) => lsoaMemo.get(r)!;
  });

  it('reports an empty database plainly', async () => {
    const { status, body } = await get('/api/summary');
    expect(status).toBe(200);
    expect(body).toEqual({
      incidents: 0,
      first_month: null,
      last_month: null,
      default_from: null,
      default_to: null,
      area_sets: [],
      synthetic: false,
      datasets: [],
      // Read from the aggregate cube's monthly totals (issue 16, api/aggregates/source.ts).
      source: expect.objectContaining({ kind: 'cube' }),
    });
    const areas = await get('/api/areas?level=ward');
    expect(areas.status).toBe(400);
    expect(areas.body.error.code).toBe('invalid_parameter');
    expect((await get('/api/series?h3=89195da49a3ffff')).body).toEqual({ months: [] });
    // Load the real data for everything below; every record must arrive.
    const r = await loadFixtures(db);
    expect(r.imported).toBe(fx.recs.length);
  });

  it('summarises the data and derives the default window from the last month', async () => {
    const months = fx.recs.map((r) => r.month).sort();
    const last = months.at(-1)!;
    const { body } = await get('/api/summary');
    expect(body.incidents).toBe(fx.recs.length);
    expect(body.first_month).toBe(months[0]);
    expect(body.last_month).toBe(last);
    // default_to: the month after the last; default_from: 12 months earlier.
    const [y, m] = last.split('-').map(Number);
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    expect(body.default_to).toBe(`${next}-01`);
    expect(body.default_from).toBe(`${Number(next.slice(0, 4)) - 1}${next.slice(4)}-01`);
    expect(body.synthetic).toBe(false);
    expect(body.datasets).toEqual([{ dataset: TEST_DATASET, count: fx.recs.length }]);
    expect(body.area_sets).toEqual([
      { level: 'lsoa', count: fx.lsoas.features.length },
      { level: 'ward', count: fx.wards.features.length },
    ]);
  });

  it('lists area sets and categories with counts', async () => {
    const sets = await get('/api/area-sets');
    expect(sets.body.sets).toEqual([
      { level: 'lsoa', label: 'Lower layer super output areas', count: 175 },
      { level: 'ward', label: 'Electoral wards', count: 19 },
    ]);
    const { body } = await get('/api/categories');
    const byCat = countBy(fx.recs, (r) => r.category);
    expect(body.categories).toHaveLength(14);
    for (const c of body.categories) {
      expect(c.count).toBe(byCat.get(c.slug) ?? 0);
      expect(c.origin).toBe('police.uk');
    }
    expect(body.categories.find((c: any) => c.slug === 'violent-crime').label).toBe('Violence and sexual offences');
  });

  it('serves ward polygons as GeoJSON with best-fit LSOA populations', async () => {
    const res = await app().request('/api/areas?level=ward');
    expect(res.status).toBe(200);
    const fc = (await res.json()) as FeatureCollection<MultiPolygon, any>;
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f) => f.properties.code).sort()).toEqual(fx.wards.features.map((f) => f.properties!.WD22CD).sort());
    for (const f of fc.features) {
      expect(typeof f.id).toBe('number');
      expect(f.geometry.type).toBe('MultiPolygon');
      const [lon, lat] = f.geometry.coordinates[0][0][0];
      expect(Math.round(lon * 1e6) / 1e6).toBe(lon);
      expect(Math.round(lat * 1e6) / 1e6).toBe(lat);
      expect(f.properties.population_rule).toBe('best_fit_lookup');
      expect(f.properties.population_source).toMatch(/ONS best-fit lookup lewisham_lsoa21_to_ward24_best_fit_lookup_ons\.csv/);
    }
    // Best fit counts every LSOA exactly once: the ward populations add up to the borough total.
    const borough = [...fx.population.values()].reduce((a, b) => a + b, 0);
    expect(fc.features.reduce((s, f) => s + f.properties.population, 0)).toBe(borough);
    // Each ward holds the LSOAs the ONS lookup assigns to it (summed here from the two CSVs).
    const expected = new Map<string, number>();
    for (const [lsoa, ward] of fx.wardOfLsoa) expected.set(ward, (expected.get(ward) ?? 0) + fx.population.get(lsoa)!);
    for (const f of fc.features) expect(f.properties.population).toBe(expected.get(f.properties.code));
  });

  it('serves LSOA polygons with their own Census populations', async () => {
    const { body } = await get('/api/areas?level=lsoa');
    expect(body.features).toHaveLength(175);
    for (const f of body.features) {
      expect(f.properties.population).toBe(fx.population.get(f.properties.code));
      expect(f.properties.population_source).toMatch(/^lewisham_lsoa21_population_census2021\.csv/);
    }
  });

  it('counts incidents per ward exactly as Turf point-in-polygon does, with the previous year and change', async () => {
    // 2016-03 is missing from the source data: a previous window holding it is not covered (issue 11), so
    // previous counts and changes are null there, never a count with a month of zeros in it.
    const gap = (await get('/api/stats/areas?level=ward&from=2017-01&to=2018-01')).body;
    expect(gap.areas.every((a: any) => a.previous_count === null && a.change === null)).toBe(true);
    expect(gap.coverage.previous.missing_months).toEqual(['2016-03']);
    const { status, body } = await get('/api/stats/areas?level=ward&from=2017-04&to=2018-04');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      level: 'ward',
      from: '2017-04-01',
      to: '2018-04-01',
      previous_from: '2016-04-01',
      previous_to: '2017-04-01',
      categories: null,
    });
    const cur = fx.recs.filter((r) => inMonths(r.month, '2017-04', '2018-04'));
    const prev = fx.recs.filter((r) => inMonths(r.month, '2016-04', '2017-04'));
    const curBy = countBy(cur, wardOf);
    const prevBy = countBy(prev, wardOf);
    expect(body.areas).toHaveLength(19);
    for (const a of body.areas) {
      expect(a.count).toBe(curBy.get(a.code) ?? 0);
      expect(a.previous_count).toBe(prevBy.get(a.code) ?? 0);
      expect(a.change).toBe(a.count - a.previous_count);
    }
    expect(body.total).toBe(cur.length);
    expect(body.outside_study_area).toBe(curBy.get(null) ?? 0);
    expect(body.outside_study_area).toBeGreaterThan(0); // the real file has points just over the boundary
    // Rates per 1,000 residents use the ward's best-fit population from /api/areas.
    const areas = (await get('/api/areas?level=ward')).body.features as any[];
    const pop = new Map(areas.map((f) => [f.properties.code, f.properties.population]));
    for (const a of body.areas) {
      expect(a.population).toBe(pop.get(a.code));
      expect(a.rate_per_1000).toBeCloseTo((a.count / a.population) * 1000, 2);
      expect(Math.round(a.rate_per_1000 * 100)).toBe(Math.round(a.rate_per_1000 * 100)); // 2 dp
      expect(a.name).toBe(fx.wards.features.find((f) => f.properties!.WD22CD === a.code)!.properties!.WD22NM);
    }
  });

  it('filters by category and counts the previous window by days for a mid-month window', async () => {
    const { body } = await get('/api/stats/areas?level=ward&from=2017-03-15&to=2017-06-15&category=robbery');
    // 92 days back from 2017-03-15.
    expect(body.previous_from).toBe('2016-12-13');
    expect(body.previous_to).toBe('2017-03-15');
    expect(body.categories).toEqual(['robbery']);
    // Records carry months only (the 1st at 00:00), so the window holds April, May and June.
    const cur = fx.recs.filter((r) => r.category === 'robbery' && inMonths(r.month, '2017-04', '2017-07'));
    const prev = fx.recs.filter((r) => r.category === 'robbery' && inMonths(r.month, '2017-01', '2017-04'));
    const curBy = countBy(cur, wardOf);
    const prevBy = countBy(prev, wardOf);
    for (const a of body.areas) {
      expect(a.count).toBe(curBy.get(a.code) ?? 0);
      expect(a.previous_count).toBe(prevBy.get(a.code) ?? 0);
    }
    expect(body.total).toBe(cur.length);
  });

  it('defaults to the summary window', async () => {
    const s = (await get('/api/summary')).body;
    const { body } = await get('/api/stats/areas?level=ward');
    expect(body.from).toBe(s.default_from);
    expect(body.to).toBe(s.default_to);
    const cur = fx.recs.filter((r) => inMonths(r.month, s.default_from.slice(0, 7), s.default_to.slice(0, 7)));
    expect(body.total).toBe(cur.length);
  });

  it('counts per LSOA with Census populations and rates', async () => {
    const { body } = await get('/api/stats/areas?level=lsoa&from=2016-01&to=2018-07&category=violent-crime,robbery');
    expect(body.areas).toHaveLength(175);
    const cur = fx.recs.filter((r) => inMonths(r.month, '2016-01', '2018-07'));
    const by = countBy(cur, lsoaOf);
    for (const a of body.areas) {
      expect(a.count).toBe(by.get(a.code) ?? 0);
      expect(a.population).toBe(fx.population.get(a.code));
      expect(a.rate_per_1000).toBe(Math.round((a.count / a.population) * 1000 * 100) / 100);
    }
    expect(body.outside_study_area).toBe(by.get(null) ?? 0);
    expect(body.total).toBe(cur.length);
  });

  it('counts a level without a stored code column by joining points to its polygons', async () => {
    // A custom level: the same ward polygons under another name, so no incidents.<level>_code exists.
    const imp = await importFile(db, path.join(SHARED, 'lewisham_wards_2022.geojson'), { kind: 'boundaries', level: 'wardcopy' });
    expect(imp.status).toBe('committed');
    try {
      const { body } = await get('/api/stats/areas?level=wardcopy&from=2017-01&to=2018-01');
      const inWard = locator(fx.wards, 'WD22CD');
      const cur = fx.recs.filter((r) => inMonths(r.month, '2017-01', '2018-01'));
      // Spatially a point on a shared boundary lies in both areas, so it counts in both.
      const expected = new Map<string, number>();
      let outside = 0;
      for (const r of cur) {
        const codes = inWard(r.lon, r.lat);
        if (!codes.length) outside++;
        for (const c of codes) expected.set(c, (expected.get(c) ?? 0) + 1);
      }
      for (const a of body.areas) expect(a.count).toBe(expected.get(a.code) ?? 0);
      expect(body.outside_study_area).toBe(outside);
      expect(body.total).toBe(cur.length);
      const series = await get(`/api/series?level=wardcopy&code=${body.areas[0].code}&from=2017-01&to=2018-01`);
      expect(series.body.months.reduce((s: number, m: any) => s + m.count, 0)).toBe(body.areas[0].count);
    } finally {
      await db.query(`DELETE FROM area_sets WHERE level = 'wardcopy'`); // cascades to its areas and parts
    }
  });

  it.each([7, 8, 9, 10])('counts H3 cells at res %i as h3-js does, with and without a bbox', async (res) => {
    // Each resolution straight from the point (H3 cells do not nest exactly).
    const cellOf = (r: Rec) => latLngToCell(r.lat, r.lon, res);
    const cur = fx.recs.filter((r) => inMonths(r.month, '2017-07', '2018-07'));
    const { body } = await get(`/api/hexes?res=${res}&from=2017-07&to=2018-07`);
    expect(body.res).toBe(res);
    const expected = countBy(cur, cellOf);
    expect(Object.fromEntries(body.cells.map((c: any) => [c.h3, c.count]))).toEqual(Object.fromEntries(expected));
    for (const c of body.cells) expect(c.h3).toMatch(/^[0-9a-f]{15}$/);

    const bbox = [-0.03, 51.44, 0.0, 51.47];
    const inBox = cur.filter((r) => r.lon >= bbox[0] && r.lon <= bbox[2] && r.lat >= bbox[1] && r.lat <= bbox[3]);
    const boxed = await get(`/api/hexes?res=${res}&from=2017-07&to=2018-07&bbox=${bbox.join(',')}`);
    expect(Object.fromEntries(boxed.body.cells.map((c: any) => [c.h3, c.count]))).toEqual(
      Object.fromEntries(countBy(inBox, cellOf)),
    );
  });

  it('returns incident points in a bbox with the total and truncation', async () => {
    const bbox = [-0.02, 51.45, -0.01, 51.46];
    const match = fx.recs.filter(
      (r) =>
        inMonths(r.month, '2017-01', '2018-01') &&
        r.category === 'robbery' &&
        r.lon >= bbox[0] &&
        r.lon <= bbox[2] &&
        r.lat >= bbox[1] &&
        r.lat <= bbox[3],
    );
    expect(match.length).toBeGreaterThan(3);
    const all = await get(`/api/incidents?from=2017-01&to=2018-01&category=robbery&bbox=${bbox.join(',')}`);
    expect(all.status).toBe(200);
    // Sent in columns; decoded it is the GeoJSON the map and the export read.
    expect(all.body.format).toBe('columns');
    expect(all.body.columns.id).toHaveLength(match.length);
    const raw = all.body;
    all.body = decodeIncidents(raw);
    // The columns carry exactly the GeoJSON's content (encoding the decoded answer gives it back) in
    // under half its bytes.
    expect(encodeIncidents(all.body)).toEqual(raw);
    expect(JSON.stringify(raw).length).toBeLessThan(JSON.stringify(all.body).length / 2);
    expect(all.body.type).toBe('FeatureCollection');
    expect(all.body.total).toBe(match.length);
    expect(all.body.truncated).toBe(false);
    expect(all.body.features.map((f: any) => f.properties.outcome).sort()).toEqual(match.map((r) => r.outcome || null).sort());
    const f = all.body.features[0];
    expect(f.geometry.type).toBe('Point');
    expect(f.id).toBe(f.properties.id);
    expect(Object.keys(f.properties).sort()).toEqual(
      [
        'id',
        'category',
        'category_label',
        'occurred_at',
        'time_precision',
        'location_precision',
        'location_text',
        'ward_code',
        'outcome',
        'age_band',
      ].sort(),
    );
    expect(f.properties).toMatchObject({
      category: 'robbery',
      category_label: 'Robbery',
      time_precision: 'month',
      location_precision: 'snapped',
    });
    expect(f.properties.occurred_at).toMatch(/^2017-\d\d-01T00:00:00$/);
    const rec = fx.recs.find(
      (r) =>
        r.lon === f.geometry.coordinates[0] &&
        r.lat === f.geometry.coordinates[1] &&
        `${r.month}-01T00:00:00` === f.properties.occurred_at,
    );
    expect(rec).toBeDefined();
    expect(f.properties.ward_code).toBe(wardOf(rec!));

    const few = await get(`/api/incidents?from=2017-01&to=2018-01&category=robbery&bbox=${bbox.join(',')}&limit=2`);
    few.body = decodeIncidents(few.body);
    expect(few.body.features).toHaveLength(2);
    expect(few.body.total).toBe(match.length);
    expect(few.body.truncated).toBe(true);
    // Newest first.
    expect(few.body.features[0].properties.occurred_at >= few.body.features[1].properties.occurred_at).toBe(true);
  });

  it('builds monthly series for a ward and for a hexagon: covered months zero-filled, the missing month a gap', async () => {
    const ward = 'E05013723';
    const { body } = await get(`/api/series?level=ward&code=${ward}`);
    const months = [...new Set(fx.recs.map((r) => r.month))].sort();
    // 2016-03 is missing from the source data: the series still has the month, as a gap (null), not 0.
    expect(months).not.toContain('2016-03');
    expect(body.months.map((m: any) => m.month)).toEqual([...months.slice(0, 2), '2016-03', ...months.slice(2)]);
    const by = countBy(
      fx.recs.filter((r) => wardOf(r) === ward),
      (r) => r.month,
    );
    for (const m of body.months) expect(m.count).toBe(m.month === '2016-03' ? null : (by.get(m.month) ?? 0));

    // The busiest res-9 hexagon, robbery only, in 2017.
    const cellOf = (r: Rec) => latLngToCell(r.lat, r.lon, 9);
    const cells = countBy(fx.recs, cellOf);
    const top = [...cells].sort((a, b) => b[1] - a[1])[0][0]!;
    const hex = await get(`/api/series?h3=${top}&from=2017-01&to=2018-01&category=robbery`);
    expect(hex.body.months).toHaveLength(12);
    const hb = countBy(
      fx.recs.filter((r) => cellOf(r) === top && r.category === 'robbery'),
      (r) => r.month,
    );
    for (const m of hex.body.months) expect(m.count).toBe(hb.get(m.month) ?? 0);
  });

  it('serves the basemap and the required attribution', async () => {
    const { body } = await get('/api/config');
    expect(body.basemapStyleUrl).toBe('https://tiles.example.test/style.json');
    expect(body.attribution.join('\n')).toMatch(/Open Government Licence v3\.0/);
    expect(body.attribution.join('\n')).toMatch(/data\.police\.uk/);
    expect(body.attribution.join('\n')).toMatch(/Office for National Statistics/);
    expect(body.attribution.join('\n')).toMatch(/Population \(lsoa\): Office for National Statistics/);
    const noMap = await (await signedInApp(db, { dataDir: '/x', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined })).request(
      '/api/config',
    );
    expect((await noMap.json()).basemapStyleUrl).toBeNull();
  });

  describe('validation', () => {
    const bad = [
      ['/api/hexes?res=6', 'res'],
      ['/api/hexes?res=11', 'res'],
      ['/api/hexes?res=8.5', 'res'],
      ['/api/hexes?res=abc', 'res'],
      ['/api/hexes?bbox=1,2,3', 'bbox'],
      ['/api/hexes?bbox=0.1,51,-0.1,52', 'bbox'],
      ['/api/hexes?bbox=a,b,c,d', 'bbox'],
      ['/api/hexes?bbox=-200,51,0,52', 'bbox'],
      ['/api/hexes?bbox=-0.1,,0.1,52', 'bbox'],
      ['/api/hexes?bbox=0x1,51,2,52', 'bbox'],
      ['/api/stats/areas?level=ward&from=2017-13', 'from'],
      ['/api/stats/areas?level=ward&from=2017-02-30', 'from'],
      ['/api/stats/areas?level=ward&from=17-01', 'from'],
      ['/api/stats/areas?level=ward&from=2018-01&to=2017-01', 'to'],
      ['/api/stats/areas?level=ward&from=2017-01&to=2017-01', 'to'],
      ['/api/stats/areas?level=ward&from=1990-01&to=2018-01', 'to'],
      ['/api/stats/areas?level=ward&category=Robbery', 'category'],
      ['/api/stats/areas?level=ward&category=robbery,not-a-category', 'category'],
      ['/api/stats/areas?level=county', 'level'],
      ['/api/stats/areas', 'level'],
      ['/api/stats/areas?level=ward&catgeory=robbery', ''],
      ['/api/incidents?limit=0', 'limit'],
      ['/api/incidents?limit=50001', 'limit'],
      ['/api/incidents?limit=1e3', 'limit'],
      ['/api/incidents?limit=-5', 'limit'],
      ['/api/areas?level=', 'level'],
      ['/api/areas?level=Ward', 'level'],
      ['/api/series?level=ward', 'code'],
      ['/api/series', 'h3'],
      ['/api/series?level=ward&code=E05000000', 'code'],
      ['/api/series?h3=89195da49a3fff', 'h3'],
      ['/api/series?h3=89195da49a3fffg', 'h3'],
      ['/api/series?h3=85195da7fffffff', 'h3'], // a valid res-5 cell: no stored column
      ['/api/series?h3=89195da49a3ffff&level=ward&code=E05013723', 'h3'],
    ] as const;
    it.each(bad)('%s is a 400 naming %s', async (url, param) => {
      const { status, body } = await get(url);
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_parameter');
      expect(typeof body.error.message).toBe('string');
      expect(Array.isArray(body.error.details)).toBe(true);
      // Paths name the parameter, or an element of it (bbox.0, category.1).
      if (param) expect(body.error.details.map((d: any) => String(d.path).split('.')[0])).toContain(param);
    });

    const injections = [
      `/api/stats/areas?level=${encodeURIComponent("ward'; DROP TABLE incidents; --")}`,
      `/api/stats/areas?level=ward&category=${encodeURIComponent("robbery') OR 1=1; --")}`,
      `/api/series?level=ward&code=${encodeURIComponent("E05013723' OR '1'='1")}`,
      `/api/hexes?res=${encodeURIComponent('9; DELETE FROM incidents')}`,
      `/api/incidents?limit=${encodeURIComponent('10; DELETE FROM incidents')}`,
      `/api/areas?level=${encodeURIComponent('ward UNION SELECT 1')}`,
    ];
    it.each(injections)('rejects %s and leaves the data alone', async (url) => {
      const { status, body } = await get(url);
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_parameter');
      const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
      expect(n).toBe(fx.recs.length);
    });
  });
});

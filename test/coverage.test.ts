// Data coverage (issue 11) on the real shared files: what each import covers, GET /api/coverage, and the
// figures that used to present missing data as zero. Expectations come from reading the CSVs here.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { clientFor, signedInApp, type Client } from './helpers/auth.js';
import { drivers, importShared, resetData, SHARED, testDb } from './helpers/db.js';

const BURGLARY = 'lewisham_burglary_street_2022-03_2025-02.csv';
const API_VR = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const hasData = fs.existsSync(path.join(SHARED, BURGLARY));
/** Wards, the burglary street file and the violence/robbery API extract, loaded by both suites. */
const FILES: Parameters<typeof importShared>[1] = [
  ['lewisham_wards_2022.geojson', { level: 'ward' }],
  [BURGLARY, {}],
  [API_VR, {}],
];

const rowsOf = (f: string) => parse(fs.readFileSync(path.join(SHARED, f)), { columns: true }) as Record<string, string>[];

function monthRange(from: string, to: string) {
  const out: string[] = [];
  for (
    let [y, m] = from.split('-').map(Number);
    `${y}-${String(m).padStart(2, '0')}` <= to;
    m === 12 ? ((y += 1), (m = 1)) : (m += 1)
  ) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
}

interface Cov {
  months: string[];
  categories: {
    slug: string;
    months: { month: string; covered: string; rows: number | null; sources: { dataset: string; rows: number | null }[] }[];
  }[];
  datasets: { dataset: string; first_month: string; last_month: string; published_for: string[] }[];
}

describe.skipIf(!hasData).each(drivers())('data coverage on real data (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let partner: Client;
  const burglary = rowsOf(BURGLARY);
  const api = rowsOf(API_VR);
  const burglaryMonths = [...new Set(burglary.map((r) => r.Month))].sort();
  const apiMonths = [...new Set(api.map((r) => r.month))].sort();

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await importShared(db, FILES);
    analyst = await signedInApp(db, { dataDir: '/tmp', MAX_UPLOAD_MB: 10 });
    partner = await clientFor(analyst.app, db, 'partner');
  });

  const get = async <T>(c: Client, url: string) => {
    const res = await c.request(url);
    const body = await res.json();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  };

  it('the import summary says which months a file added, and the months inside its range without rows', async () => {
    const [b] = await db.query<{
      summary: { coverage: { months_added: string[]; months_without_rows: string[]; published_for: string } };
    }>(`SELECT summary FROM import_batches WHERE file_name = $1 AND status = 'committed' ORDER BY id DESC LIMIT 1`, [API_VR]);
    expect(b.summary.coverage.months_added).toEqual(apiMonths);
    const inRange = monthRange(apiMonths[0], apiMonths.at(-1)!);
    expect(b.summary.coverage.months_without_rows).toEqual(inRange.filter((m) => !apiMonths.includes(m)));
    expect(b.summary.coverage.months_without_rows).toContain('2016-03');
    const [p] = await db.query<{ summary: { coverage: { published_for: string } } }>(
      `SELECT summary FROM import_batches WHERE file_name = $1 ORDER BY id DESC LIMIT 1`,
      [BURGLARY],
    );
    expect(p.summary.coverage.published_for).toBe([...new Set(burglary.map((r) => r['Falls within']))].join('; '));
  });

  it('GET /api/coverage: per category × month and source; a month no file covered is not covered', async () => {
    const cov = await get<Cov>(analyst, '/api/coverage');
    expect(cov.months[0]).toBe(apiMonths[0]);
    expect(cov.months.at(-1)).toBe(burglaryMonths.at(-1));
    const cat = (slug: string) => cov.categories.find((c) => c.slug === slug)!;
    const burg = new Map(cat('burglary').months.map((m) => [m.month, m]));
    // Burglary: the street file's 36 months, rows as in the file; 2018-07..2022-02 not covered.
    for (const m of burglaryMonths) {
      expect(burg.get(m)!.covered).toBe('full');
      expect(burg.get(m)!.rows).toBe(burglary.filter((r) => r.Month === m).length);
    }
    for (const m of monthRange('2018-07', '2022-02')) expect(burg.get(m)!.covered).toBe('none');
    // The API extract holds no burglary, so it does not cover burglary at all in 2016..2018.
    expect(burg.get('2017-05')!.covered).toBe('none');
    // Violence: covered 2016-01..2018-06 except 2016-03 (missing from the extract), nothing after.
    const vio = new Map(cat('violent-crime').months.map((m) => [m.month, m]));
    for (const m of apiMonths) {
      expect(vio.get(m)!.covered).toBe('full');
      expect(vio.get(m)!.rows).toBe(api.filter((r) => r.month === m && r.category === 'violent-crime').length);
      expect(vio.get(m)!.sources.map((s) => s.dataset)).toEqual(['police.uk API']);
    }
    expect(vio.get('2016-03')!.covered).toBe('none');
    expect(vio.get('2022-05')!.covered).toBe('none');
    expect(cov.datasets.find((d) => d.dataset === 'police.uk street CSV')).toMatchObject({
      first_month: burglaryMonths[0],
      last_month: burglaryMonths.at(-1),
    });
    // Partners get the covered months without row counts.
    const pc = await get<Cov>(partner, '/api/coverage?category=burglary');
    expect(pc.categories.map((c) => c.slug)).toEqual(['burglary']);
    expect(pc.categories[0].months.every((m) => m.rows === null)).toBe(true);
    expect(pc.categories[0].months.filter((m) => m.covered === 'full').map((m) => m.month)).toEqual(burglaryMonths);
  });

  it('stats/areas: a previous window with no data is null with a reason, not a zero (the "all 19 wards up" false finding)', async () => {
    // What the old response did: the previous window (2021-11..2022-02) holds no burglary rows at all,
    // so every ward's previous count was 0 and its change equalled its count.
    const [raw] = await db.query<{ prev: number; cur: number }>(
      `SELECT count(*) FILTER (WHERE occurred_at < '2022-03-01')::int AS prev, count(*) FILTER (WHERE occurred_at >= '2022-03-01')::int AS cur
       FROM incidents WHERE category = 'burglary' AND occurred_at >= '2021-11-01' AND occurred_at < '2022-07-01'`,
    );
    expect(raw.prev).toBe(0);
    expect(raw.cur).toBe(burglary.filter((r) => r.Month >= '2022-03' && r.Month < '2022-07').length);

    type Stats = {
      areas: {
        code: string;
        count: number | null;
        previous_count: number | null;
        change: number | null;
        rate_per_1000: number | null;
        previous_suppressed?: boolean;
      }[];
      total: number | null;
      coverage: {
        previous_reason: string | null;
        count_reason: string | null;
        previous: { status: string; missing_months: string[] };
      };
    };
    const s = await get<Stats>(analyst, '/api/stats/areas?level=ward&category=burglary&from=2022-03-01&to=2022-07-01');
    expect(s.areas).toHaveLength(19);
    expect(s.areas.every((a) => a.previous_count === null && a.change === null)).toBe(true);
    expect(s.areas.reduce((t, a) => t + (a.count ?? 0), 0)).toBeGreaterThan(0);
    expect(s.coverage.previous.status).toBe('none');
    expect(s.coverage.previous.missing_months).toEqual(monthRange('2021-11', '2022-02'));
    expect(s.coverage.previous_reason).toMatch(/burglary 2021-11\.\.2022-02/);
    expect(s.coverage.count_reason).toBeNull();

    // A window with no data at all: counts and rates null, not 0.
    const none = await get<Stats>(analyst, '/api/stats/areas?level=ward&category=burglary&from=2020-01-01&to=2021-01-01');
    expect(none.areas.every((a) => a.count === null && a.rate_per_1000 === null && a.previous_count === null)).toBe(true);
    expect(none.total).toBeNull();
    expect(none.coverage.count_reason).toMatch(/no data/);
    // Hexagons list only cells with incidents: the answer says the empty map is no data, not no incidents.
    const hx = await get<{ cells: unknown[]; coverage: { status: string; missing_months: string[] } }>(
      analyst,
      '/api/hexes?res=8&category=burglary&from=2020-01-01&to=2021-01-01',
    );
    expect(hx.cells).toEqual([]);
    expect(hx.coverage.status).toBe('none');
    expect(hx.coverage.missing_months).toEqual(monthRange('2020-01', '2020-12'));

    // Both windows covered: counts as in the file, change defined.
    const ok = await get<Stats>(analyst, '/api/stats/areas?level=ward&category=burglary&from=2023-03-01&to=2024-03-01');
    expect(ok.coverage.previous_reason).toBeNull();
    expect(ok.areas.every((a) => a.previous_count !== null && a.change === a.count! - a.previous_count!)).toBe(true);

    // Partners: no-data is not "withheld" (a single month: a partner period, issue 15).
    const ps = await get<Stats>(partner, '/api/stats/areas?level=ward&category=burglary&from=2022-03-01&to=2022-04-01');
    expect(ps.areas.every((a) => a.previous_count === null && a.previous_suppressed === false)).toBe(true);
  });

  it('stats/areas with all categories: categories with data in neither window are left out of both', async () => {
    type Stats = { coverage: { current: { categories: { category: string }[] }; previous_reason: string | null } };
    const s = await get<Stats>(analyst, '/api/stats/areas?level=ward&from=2023-03-01&to=2024-03-01');
    expect(s.coverage.current.categories.map((c) => c.category)).toEqual(['burglary']);
    expect(s.coverage.previous_reason).toBeNull();
    // 2016-04..2017-04 against 2015-04..2016-04: the previous window has no data at all.
    const t = await get<Stats>(analyst, '/api/stats/areas?level=ward&from=2016-04-01&to=2017-04-01');
    expect(t.coverage.current.categories.map((c) => c.category)).toEqual(['robbery', 'violent-crime']);
    expect(t.coverage.previous_reason).toMatch(/violent-crime 2015-04\.\.2015-12, 2016-03/);
  });

  it('series: months not covered are null (a gap), covered months with no rows are 0', async () => {
    type Series = { months: { month: string; count: number | null }[] };
    const s = await get<Series>(analyst, '/api/series?level=ward&code=E05013732&category=burglary&from=2021-01-01&to=2023-01-01');
    const want = new Map<string, number>();
    for (const m of monthRange('2022-03', '2022-12')) want.set(m, 0);
    const [wardRows] = [
      await db.query<{ m: string; n: number }>(
        `SELECT to_char(occurred_at, 'YYYY-MM') AS m, count(*)::int AS n FROM incidents WHERE category = 'burglary' AND ward_code = 'E05013732' GROUP BY 1`,
      ),
    ];
    for (const r of wardRows) if (want.has(r.m)) want.set(r.m, r.n);
    for (const { month, count } of s.months) expect(count).toBe(month < '2022-03' ? null : want.get(month));
    const v = await get<Series>(
      analyst,
      '/api/series?level=ward&code=E05013732&category=violent-crime&from=2016-01-01&to=2016-07-01',
    );
    expect(v.months.map((m) => m.count === null)).toEqual(
      ['2016-01', '2016-02', '2016-03', '2016-04', '2016-05', '2016-06'].map((m) => m === '2016-03'),
    );
  });
});

describe.skipIf(!hasData).each(drivers())('statistics on uncovered windows (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  const burglary = rowsOf(BURGLARY);
  const api = rowsOf(API_VR);

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await importShared(db, FILES);
    analyst = await signedInApp(db, { dataDir: '/tmp', MAX_UPLOAD_MB: 10 });
  });

  const call = async (url: string) => {
    const res = await analyst.request(url);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('change refuses when the previous window is not covered (was: every ward "up, beyond chance")', async () => {
    // The false finding, from the raw counts the old test was fed: 2021-11..2022-02 holds no burglary
    // row, so a C-test of current against 0 gave p < 0.05 in all 19 wards.
    const cur = burglary.filter((r) => r.Month >= '2022-03' && r.Month <= '2022-06').length;
    expect(cur).toBeGreaterThan(0);
    const r = await call('/api/change?level=ward&category=burglary&from=2022-03-01&to=2022-07-01');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('not_covered');
    expect(r.body.error.message).toMatch(/previous window .* burglary 2021-11\.\.2022-02/);
    expect(r.body.error.details.previous.missing_months).toEqual(monthRange('2021-11', '2022-02'));
  });

  it('change over covered months only, when asked: exposures are the covered days, the legend says so', async () => {
    // Violence 2016-04..2016-07 against 2016-01..2016-04: 2016-03 is missing from the extract.
    const refused = await call('/api/change?level=ward&category=violent-crime&from=2016-04-01&to=2016-07-01');
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/2016-03/);
    const r = await call('/api/change?level=ward&category=violent-crime&from=2016-04-01&to=2016-07-01&uncovered=covered-only');
    expect(r.status).toBe(200);
    const m = r.body.meta;
    expect(m.coverage.mode).toBe('covered-only');
    expect(m.coverage.previous.excluded).toEqual(['2016-03']);
    expect(m.exposure_days).toMatchObject({ current: 91, previous: 91 - 31 });
    // Year-ago window (2015) holds no data: null with a reason, not zeros.
    expect(m.exposure_days.year_ago).toBeNull();
    expect(m.coverage.year_ago.reason).toMatch(/no comparison with a year earlier/);
    const prevTotal = r.body.areas.reduce((s: number, a: any) => s + a.previous, 0);
    const prevFile = api.filter((x) => x.category === 'violent-crime' && ['2016-01', '2016-02'].includes(x.month));
    const [inWards] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents WHERE category = 'violent-crime' AND ward_code IS NOT NULL AND occurred_at >= '2016-01-01' AND occurred_at < '2016-03-01'`,
    );
    expect(prevFile.length).toBeGreaterThanOrEqual(inWards.n);
    expect(prevTotal).toBe(inWards.n);
    expect(r.body.areas.every((a: any) => a.year_ago === null && a.vs_year_ago === null)).toBe(true);
  });

  it('emerging drops uncovered periods at both ends and reports them; refuses a gap inside the series', async () => {
    // Burglary data run 2022-03..2025-02. Quarters in 2021-10..2025-04: the first (2021-Q4) and the
    // partial ends are outside the data: dropped and reported, not used as zeros.
    const r = await call('/api/emerging?level=ward&category=burglary&period=quarter&from=2021-10-01&to=2025-04-01');
    expect(r.status).toBe(200);
    const m = r.body.meta;
    expect(m.periods[0].start).toBe('2022-04-01');
    expect(m.periods.at(-1).end).toBe('2025-01-01');
    expect(m.dropped.start).toMatchObject({
      from: '2021-10-01',
      to: '2022-04-01',
      uncovered_periods: ['2021-10..2021-12', '2022-01..2022-03'],
    });
    expect(m.dropped.end).toMatchObject({ from: '2025-01-01', to: '2025-04-01', uncovered_periods: ['2025-01..2025-03'] });
    // The quarterly analysis of a covered window still reports the months whole quarters leave out at the end.
    const q = await call('/api/emerging?level=ward&category=burglary&period=quarter&from=2022-03-01&to=2025-03-01');
    expect(q.body.meta.dropped.start).toMatchObject({ from: '2022-03-01', to: '2022-04-01', uncovered_periods: [] });
    expect(q.body.meta.dropped.end).toMatchObject({ from: '2025-01-01', to: '2025-03-01', uncovered_periods: [] });
    // 2016-03 inside a monthly series of the violence extract: refused with the month named.
    const gap = await call('/api/emerging?level=ward&category=violent-crime&period=month&from=2016-01-01&to=2016-07-01');
    expect(gap.status).toBe(400);
    expect(gap.body.error.code).toBe('not_covered');
    expect(gap.body.error.message).toMatch(/2016-03/);
  });

  it('Gi* refuses a window with no data and notes a partly covered one', async () => {
    const none = await call('/api/hotspots?level=ward&category=burglary&from=2019-01-01&to=2020-01-01');
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('not_covered');
    const part = await call('/api/hotspots?level=ward&category=burglary&from=2022-01-01&to=2023-01-01');
    expect(part.status).toBe(200);
    expect(part.body.meta.coverage.status).toBe('partial');
    expect(part.body.meta.coverage.missing_months).toEqual(['2022-01', '2022-02']);
  });
});

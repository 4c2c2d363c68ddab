// Issue 17, done when: picking Lewisham fetches wards, LSOAs, the best-fit lookup, centroids, LSOA population
// and 36 months of street crime from a local server speaking the ONS ArcGIS, Nomis and police.uk formats
// (test/helpers/opendata-server.ts, built from ../shared/data), and the counts equal those from importing
// the same rows as files. Also: a fetch stopped half-way resumes where it stopped and re-requests nothing
// done; a month whose requests fail half-way leaves nothing of that month; HTTP-200 error bodies, 429s,
// 503 splits and the Nomis silent cap are handled.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { fetchOpenData } from '../api/opendata/fetch.js';
import { lsoaPopulation } from '../api/opendata/nomis.js';
import { drivers, SHARED, testDb } from './helpers/db.js';
import { options, resetOpenData, snapshot, startOpenDataServer, type FakeServer } from './helpers/opendata-server.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv'));
if (!hasData) console.log('SKIPPED: open data fetch tests (../shared/data not found)');
const LEWISHAM = 'E09000023';

describe.skipIf(!hasData).each(drivers())('open data fetch, Lewisham (%s)', (driver) => {
  let db: Db;
  let server: FakeServer;
  let fetched: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    db = await testDb(driver);
    server = await startOpenDataServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('fetches wards, LSOAs, lookup, centroids, population and 36 months of street crime through the import pipeline', async () => {
    await resetOpenData(db);
    server.faults.policeMax = 120; // most months answer 503 for the whole borough: split and asked again
    server.faults.onsErrorOnce.set('Wards_December_2024_Boundaries_UK_BGC', {
      code: 500,
      message: 'Error performing query operation',
    });
    server.faults.police429 = 3;
    const progress: string[] = [];
    const r = await fetchOpenData(
      db,
      { lads: [LEWISHAM], months: 36 },
      options(server, { onProgress: (p) => progress.push(`${p.step}:${p.status}`) }),
    );
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('done');
    const [areas] = await db.query<{ wards: number; lsoas: number; districts: number }>(
      `SELECT count(*) FILTER (WHERE level = 'ward')::int AS wards, count(*) FILTER (WHERE level = 'lsoa')::int AS lsoas,
              count(*) FILTER (WHERE level = 'district')::int AS districts FROM areas`,
    );
    expect(areas).toEqual({ wards: 19, lsoas: 175, districts: 1 });
    // Population: every LSOA, the sum of the Census file (read by Nomis in pages of 100: the silent cap).
    const [pop] = await db.query<{ n: number; total: number }>(
      `SELECT count(*)::int AS n, sum(population)::int AS total FROM area_population WHERE level = 'lsoa'`,
    );
    const file = fs
      .readFileSync(path.join(SHARED, 'lewisham_lsoa21_population_census2021.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(pop).toEqual({ n: 175, total: file.reduce((a, l) => a + Number(l.split(',')[2]), 0) });
    const nomisPages = server.log.filter((l) => l.path.endsWith('NM_2021_1.data.csv'));
    expect(nomisPages.map((l) => l.params.RecordOffset)).toEqual(['0', '100']);
    // ONS paging: 100 codes a query (175 LSOAs: two), each counted first, then pages of at most 40 (the
    // server's cap) until the more-pages flag stops.
    const lsoaPages = server.log.filter((l) => l.path.includes('Lower_layer'));
    expect(lsoaPages.map((l) => l.params.returnCountOnly ?? l.params.resultOffset)).toEqual([
      'true',
      '0',
      '40',
      '80',
      'true',
      '0',
      '40',
    ]);
    // Steps: 8 + 36 months, each month its own committed batch with its provenance.
    const steps = await db.query<{ step: string; status: string; batch_id: number | null }>(
      `SELECT step, status, batch_id FROM opendata_steps ORDER BY step`,
    );
    expect(steps.filter((s) => s.step.startsWith('police:20')).length).toBe(36);
    expect(steps.every((s) => s.status === 'done')).toBe(true);
    const [b] = await db.query<{ n: number; with_prov: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE provenance->'requests'->0->>'url' LIKE 'http://127.0.0.1:%')::int AS with_prov
       FROM import_batches WHERE status = 'committed'`,
    );
    expect(b).toEqual({ n: 6 + 36, with_prov: 6 + 36 });
    const splits = await db.query<{ n: number }>(
      `SELECT (detail->>'splits')::int AS n FROM opendata_steps WHERE step LIKE 'police:20%'`,
    );
    expect(splits.some((s) => s.n > 0)).toBe(true);
    expect(progress.at(-1)).toBe('police:2025-02:done');
    fetched = await snapshot(db);
    expect(fetched.counts.reduce((a, c) => a + c.n, 0)).toBeGreaterThan(5000);
  });

  it('gives the same counts, populations and coverage as importing the same rows as files', async () => {
    expect(fetched).toBeDefined();
    await resetOpenData(db);
    for (const [f, opts] of [
      ['lewisham_wards_2022.geojson', { level: 'ward' }],
      ['lewisham_lsoa21.geojson', { level: 'lsoa' }],
      ['lewisham_lsoa21_to_ward24_best_fit_lookup_ons.csv', {}],
      ['lewisham_lsoa21_population_weighted_centroids_ons_bng.csv', {}],
      ['lewisham_lsoa21_population_census2021.csv', { level: 'lsoa', valueField: 'usual_residents_total' }],
      ['lewisham_burglary_street_2022-03_2025-02.csv', {}],
    ] as const) {
      const s = await importFile(db, path.join(SHARED, f), opts);
      expect(s.status, `${f}: ${JSON.stringify(s.error)}`).toBe('committed');
    }
    const files = await snapshot(db);
    expect(fetched.counts).toEqual(files.counts);
    expect(fetched.lsoas).toEqual(files.lsoas);
    expect(fetched.population).toEqual(files.population);
    expect(fetched.coverage).toEqual(files.coverage);
  });

  it('reads Nomis to the end whatever its silent cap, and never leaves an LSOA without its population', async () => {
    const file = fs
      .readFileSync(path.join(SHARED, 'lewisham_lsoa21_population_census2021.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const expected = new Map(file.map((c) => [c[0].replace(/"/g, ''), Number(c[2])]));
    const codes = [...expected.keys()];
    expect(codes.length).toBe(175);
    server.faults.nomisCap = 40; // not the 25,000 of the documentation: the client must not rely on a number
    try {
      const before = server.log.length;
      const rows = await lsoaPopulation({ baseUrl: server.nomis, backoffMs: 5 }, [LEWISHAM], codes);
      expect(new Map(rows.map((r) => [r.lsoa, r.population]))).toEqual(expected);
      const pages = server.log.slice(before).map((l) => l.params.RecordOffset);
      expect(pages).toEqual(['0', '40', '80', '120', '160']);
      // An LSOA the ONS lookup has but Nomis does not answer: an error after the empty page, not a gap.
      await expect(
        lsoaPopulation({ baseUrl: server.nomis, backoffMs: 5 }, [LEWISHAM], [...codes, 'E01099999']),
      ).rejects.toMatchObject({ code: 'incomplete_answer' });
      expect(server.log.at(-1)?.params.RecordOffset).toBe('175');
    } finally {
      server.faults.nomisCap = 100;
    }
  });

  it('resumes a fetch stopped half-way without asking again for what is done', async () => {
    await resetOpenData(db);
    server.faults.policeMax = 10_000;
    const stop = new AbortController();
    const first = fetchOpenData(
      db,
      { lads: [LEWISHAM], months: 36 },
      options(server, {
        signal: stop.signal,
        onProgress: (p) => {
          if (p.step === 'police:2023-02' && p.status === 'done') stop.abort(new Error('killed'));
        },
      }),
    );
    await expect(first).rejects.toThrow('killed');
    const months = await db.query<{ month: string }>(
      `SELECT DISTINCT to_char(occurred_at, 'YYYY-MM') AS month FROM incidents ORDER BY 1`,
    );
    expect(months.at(-1)?.month).toBe('2023-02');
    expect(months.length).toBe(12);
    const before = server.log.length;
    const r = await fetchOpenData(db, { lads: [LEWISHAM], months: 36 }, options(server));
    expect(r.status).toBe('done');
    const again = server.log.slice(before);
    expect(again.some((l) => l.path.startsWith('/ons') || l.path.startsWith('/nomis'))).toBe(false);
    const asked = new Set(again.filter((l) => l.path.endsWith('all-crime')).map((l) => l.params.date));
    expect([...asked].sort()[0]).toBe('2023-03');
    expect(asked.size).toBe(24);
    expect(await snapshot(db)).toEqual(fetched);
  });

  it('never leaves half a month: a month failing on its second request is not imported, and a later run completes it', async () => {
    await resetOpenData(db);
    server.faults.policeMax = 120;
    server.faults.failMonth = { month: '2024-01', request: 2, seen: 0 };
    const r = await fetchOpenData(db, { lads: [LEWISHAM], months: 36 }, options(server));
    expect(r.status).toBe('incomplete');
    expect(r.error).toMatchObject({ step: 'police:2024-01', code: 'remote_error' });
    const [n] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= '2024-01-01' AND occurred_at < '2024-02-01'`,
    );
    expect(n.n).toBe(0);
    const [cov] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM coverage WHERE period_start = '2024-01-01'`);
    expect(cov.n).toBe(0);
    server.faults.failMonth = null;
    const r2 = await fetchOpenData(db, { lads: [LEWISHAM], months: 36 }, options(server));
    expect(r2.error).toBeUndefined();
    expect(r2.status).toBe('done');
    expect(await snapshot(db)).toEqual(fetched);
  });

  it('stops on an ONS error body that is not transient, and a month with no crimes stays not covered', async () => {
    await resetOpenData(db);
    server.faults.policeMax = 10_000;
    server.faults.onsErrorOnce.set('LSOA21_WD24_LAD24_EW_LU', { code: 400, message: 'Invalid query parameters' });
    const r = await fetchOpenData(db, { lads: [LEWISHAM], months: 3 }, options(server));
    expect(r.status).toBe('incomplete');
    expect(r.error).toMatchObject({ step: 'ons:lsoa_lookup', code: 'remote_error' });
    expect(r.error!.message).toContain('Invalid query parameters');
    server.faults.emptyMonths.add('2025-01');
    const r2 = await fetchOpenData(db, { lads: [LEWISHAM], months: 3 }, options(server));
    expect(r2.status).toBe('done');
    const [s] = await db.query<{ status: string }>(`SELECT status FROM opendata_steps WHERE step = 'police:2025-01'`);
    expect(s.status).toBe('empty');
    const months = await db.query<{ m: string }>(
      `SELECT DISTINCT to_char(period_start, 'YYYY-MM') AS m FROM coverage ORDER BY 1`,
    );
    expect(months.map((x) => x.m)).toEqual(['2024-12', '2025-02']);
    server.faults.emptyMonths.clear();
  });
});

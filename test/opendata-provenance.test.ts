// Issue 17: every export states the provenance of the data it holds — for each import batch behind it, the
// source, the request made (URL and parameters) and the time fetched. Three months of Lewisham fetched from
// the local test server (test/helpers/opendata-server.ts), then the incident export (CSV, GeoJSON) and the
// area export (CSV, JSON) read back.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import { fetchOpenData } from '../api/opendata/fetch.js';
import { type Client, signedInApp } from './helpers/auth.js';
import { drivers, SHARED, testDb } from './helpers/db.js';
import { options, resetOpenData, startOpenDataServer, type FakeServer } from './helpers/opendata-server.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv'));
if (!hasData) console.log('SKIPPED: open data provenance tests (../shared/data not found)');
const config = { dataDir: '/tmp/sp-opendata-provenance', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined };
const MONTHS = ['2024-12', '2025-01', '2025-02'];

interface Batch {
  id: number;
  month: string | null;
  fetched_at: string;
  url: string;
}

describe.skipIf(!hasData).each(drivers())('provenance in exports (%s)', (driver) => {
  let db: Db;
  let server: FakeServer;
  let client: Client;
  let batches: Batch[];

  beforeAll(async () => {
    db = await testDb(driver);
    server = await startOpenDataServer();
    await resetOpenData(db);
    const r = await fetchOpenData(db, { lads: ['E09000023'], months: 3 }, options(server));
    expect(r.error).toBeUndefined();
    batches = await db.query<Batch>(
      `SELECT id, provenance->'parameters'->>'date' AS month, provenance->>'fetched_at' AS fetched_at,
              provenance->'requests'->0->>'url' AS url
       FROM import_batches WHERE status = 'committed' ORDER BY id`,
    );
    client = await signedInApp(db, config);
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = async (route: string, body: Record<string, unknown>) => {
    const res = await client.request(`/api/exports/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'provenance test', recipient: 'test', ...body }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.text();
  };
  const monthBatches = () => batches.filter((b) => b.month !== null).sort((a, b) => a.id - b.id);

  it('an incident CSV ends with one source line per police.uk month: request, parameters and time fetched', async () => {
    expect(monthBatches().map((b) => b.month)).toEqual(MONTHS);
    const csv = await post('incidents', { format: 'csv', filters: { from: '2024-12', to: '2025-03' } });
    const rows = parse(csv, { relax_column_count: true }) as string[][];
    const sources = rows.filter((r) => r[0] === 'source');
    const data = rows.slice(1).filter((r) => r[0] !== 'source');
    const [n] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= '2024-12-01' AND occurred_at < '2025-03-01'`,
    );
    expect(data.length).toBe(n.n);
    expect(rows.slice(-sources.length)).toEqual(sources); // after the data
    expect(sources.map((s) => Number(s[1]))).toEqual(monthBatches().map((b) => b.id));
    for (const [s, b] of sources.map((s, i) => [s, monthBatches()[i]] as const)) {
      expect(s[2]).toContain('incidents; police.uk API; ');
      expect(s[2]).toContain(`${server.police}/crimes-street/all-crime`);
      expect(s[2]).toContain(`"date":"${b.month}"`);
      expect(s[2]).toContain(`fetched ${b.fetched_at}`);
      expect(b.fetched_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    }
    // Only the months exported: one month, one source line.
    const jan = parse(await post('incidents', { format: 'csv', filters: { from: '2025-01', to: '2025-02' } }), {
      relax_column_count: true,
    }) as string[][];
    expect(jan.filter((r) => r[0] === 'source').map((r) => Number(r[1]))).toEqual([monthBatches()[1].id]);
  });

  it('an incident GeoJSON carries the sources as a member', async () => {
    const gj = JSON.parse(await post('incidents', { format: 'geojson', filters: { from: '2025-02', to: '2025-03' } }));
    const feb = monthBatches()[2];
    expect(gj.features.length).toBeGreaterThan(0);
    expect(gj.sources).toEqual([
      expect.objectContaining({
        batch_id: feb.id,
        role: 'incidents',
        source: 'police.uk API',
        url: feb.url,
        fetched_at: feb.fetched_at,
        parameters: expect.objectContaining({ endpoint: 'crimes-street/all-crime', date: '2025-02' }),
      }),
    ]);
    expect(feb.url.startsWith(server.police)).toBe(true);
  });

  it('an area export names the crime months, the boundaries, the population and its lookup, with their requests', async () => {
    const body = { filters: { level: 'ward', from: '2024-12', to: '2025-03' } };
    const json = JSON.parse(await post('areas', { ...body, format: 'json' }));
    const byRole = (role: string) => json.sources.filter((s: { role: string }) => s.role === role);
    expect(byRole('incidents').map((s: { batch_id: number }) => s.batch_id)).toEqual(monthBatches().map((b) => b.id));
    const [wards] = byRole('boundaries');
    expect(wards.source).toBe('ONS Open Geography Portal');
    expect(wards.url.startsWith(`${server.ons}/Wards_December_2024_Boundaries_UK_BGC/`)).toBe(true);
    const pop = byRole('population');
    expect(pop).toHaveLength(1);
    expect(pop[0].url.startsWith(`${server.nomis}/api/v01/dataset/NM_2021_1.data.csv?`)).toBe(true);
    expect(pop[0].parameters).toEqual({ dataset: 'NM_2021_1', geography: ['E09000023TYPE151'] });
    expect(byRole('population_lookup')[0].url.startsWith(`${server.ons}/LSOA21_WD24_LAD24_EW_LU/`)).toBe(true);
    expect(byRole('lsoa_centroids')[0].url.startsWith(`${server.ons}/LLSOA_Dec_2021_PWC`)).toBe(true);
    for (const s of json.sources) expect(s.fetched_at, s.role).toMatch(/^\d{4}-\d\d-\d\dT/);

    const csv = parse(await post('areas', { ...body, format: 'csv' }), { relax_column_count: true }) as string[][];
    const lines = csv.filter((r) => r[0] === 'source');
    expect(lines.map((r) => Number(r[1]))).toEqual(json.sources.map((s: { batch_id: number }) => s.batch_id));
    expect(lines.find((r) => r[2].startsWith('population; '))![2]).toContain(`${server.nomis}/api/v01/dataset/NM_2021_1`);
  });

  it('a tasking pack zip holds sources.csv: the batches of both periods, the ward boundaries and the population', async () => {
    const res = await client.request('/api/exports/pack', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'provenance test', recipient: 'test', filters: { from: '2025-01', to: '2025-02' } }),
    });
    expect(res.status).toBe(200);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(strFromU8(files['README.txt'])).toContain('sources.csv (where the data came from');
    const rows = parse(strFromU8(files['sources.csv']), { columns: true }) as Record<string, string>[];
    const [dec, jan] = monthBatches();
    // The period (January) and the previous one (December).
    expect(rows.filter((r) => r.role === 'incidents').map((r) => [Number(r.batch_id), r.url, r.fetched_at])).toEqual([
      [dec.id, dec.url, dec.fetched_at],
      [jan.id, jan.url, jan.fetched_at],
    ]);
    expect(JSON.parse(rows.find((r) => r.role === 'incidents')!.parameters)).toMatchObject({ date: '2024-12' });
    expect(
      rows.find((r) => r.role === 'boundaries')!.url.startsWith(`${server.ons}/Wards_December_2024_Boundaries_UK_BGC/`),
    ).toBe(true);
    expect(rows.find((r) => r.role === 'population')!.url.startsWith(`${server.nomis}/`)).toBe(true);
  });
});

// `npm run demo`'s loader: the synthetic demo goes in through the real importer, comes out of the
// aggregation API labelled synthetic and counted right, and never mixes with real data.
import path from 'node:path';
import fs from 'node:fs';
import { bbox as turfBbox, booleanPointInPolygon } from '@turf/turf';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedInApp, type Client } from './helpers/auth.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { generateSyntheticDemo, SYNTHETIC_AREA_LABEL, SYNTHETIC_DATASET } from '../geodata/synthetic.js';
import { DemoRefused, loadDemo } from '../scripts/demo.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_wards_2022.geojson'));

describe.each(drivers())('demo loader (%s)', (driver) => {
  let db: Db;
  const demo = generateSyntheticDemo();
  let client: Client | undefined;
  const get = async (url: string) => {
    client ??= await signedInApp(db, { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined });
    const res = await client.request(url);
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
  });

  it('loads the whole demo through the importer', async () => {
    const r = await loadDemo(db);
    expect(r.boundaries.status).toBe('committed');
    expect(r.population.status).toBe('committed');
    expect(r.incidents.status).toBe('committed');
    expect(r.incidents.rejected).toBe(0);
    expect(r.incidents.imported).toBe(demo.incidents.length);
    expect(r.incidents.outsideStudyArea).toBe(demo.incidents.filter((i) => i.outside).length);
  });

  it('is reported as synthetic, with synthetic labels', async () => {
    const s = await get('/api/summary');
    expect(s.synthetic).toBe(true);
    expect(s.datasets).toEqual([{ dataset: SYNTHETIC_DATASET, count: demo.incidents.length }]);
    const months = [...new Set(demo.incidents.map((i) => i.month))].sort();
    expect([s.first_month, s.last_month]).toEqual([months[0], months.at(-1)]);
    expect((await get('/api/area-sets')).sets).toEqual([{ level: 'ward', label: SYNTHETIC_AREA_LABEL, count: 12 }]);
    const areas = await get('/api/areas?level=ward');
    const pop = new Map(demo.population.map((p) => [p.code, p.population]));
    for (const f of areas.features) {
      expect(f.properties.name).toMatch(/^Synthetic /);
      expect(f.properties.population).toBe(pop.get(f.properties.code));
    }
    // Files handed out are named as synthetic too (whichever route makes them).
    const exp = await client!.request('/api/exports/areas', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ purpose: 'demo check', recipient: 'test', filters: { level: 'ward' } }),
    });
    expect(exp.status).toBe(200);
    expect(exp.headers.get('content-disposition')).toMatch(/^attachment; filename="synthetic-demo-ward-.*\.csv"$/);
    expect(exp.headers.get('x-saferplaces-data')).toBe('synthetic');
  });

  it('counts per ward what Turf counts in the generated polygons', async () => {
    const months = [...new Set(demo.incidents.map((i) => i.month))].sort();
    const wards = demo.boundaries.features.map((f) => ({ f, b: turfBbox(f) }));
    const wardOf = (lon: number, lat: number) =>
      wards
        .filter(({ f, b }) => lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3] && booleanPointInPolygon([lon, lat], f))
        .map(({ f }) => f.properties.code)
        .sort()[0] ?? null;
    const expected = new Map<string | null, number>();
    for (const i of demo.incidents) {
      const w = wardOf(i.lon, i.lat);
      expected.set(w, (expected.get(w) ?? 0) + 1);
    }
    const [y, m] = months.at(-1)!.split('-').map(Number);
    const to = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const st = await get(`/api/stats/areas?level=ward&from=${months[0]}&to=${to}`);
    expect(st.areas).toHaveLength(12);
    for (const a of st.areas) expect(a.count).toBe(expected.get(a.code) ?? 0);
    expect(st.outside_study_area).toBe(expected.get(null) ?? 0);
    expect(st.total).toBe(demo.incidents.length);
  });

  it('shows the growing hotspot as the largest rise in violence over the default window', async () => {
    const growing = demo.hotspots.find((h) => /grows/.test(h.name))!;
    const st = await get('/api/stats/areas?level=ward&category=violent-crime');
    const top = [...st.areas].sort((a: any, b: any) => b.change - a.change)[0];
    expect(top.code).toBe(growing.ward);
    expect(top.change).toBeGreaterThan(0);
  });

  it('can be run again without duplicating anything', async () => {
    const r = await loadDemo(db);
    expect(r.incidents.imported).toBe(0);
    expect(r.incidents.duplicates).toBe(demo.incidents.length);
    expect((await get('/api/summary')).incidents).toBe(demo.incidents.length);
  });

  it.skipIf(!hasData)('refuses a database holding real incidents or boundaries, and changes nothing', async () => {
    await resetData(db);
    const real = await importFile(db, path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv'));
    expect(real.status).toBe('committed');
    await expect(loadDemo(db)).rejects.toThrow(DemoRefused);
    await expect(loadDemo(db)).rejects.toThrow(/already holds \d+ imported incidents/);
    const s = await get('/api/summary');
    expect(s.synthetic).toBe(false);
    expect(s.incidents).toBe(real.imported);

    await resetData(db);
    const wards = await importFile(db, path.join(SHARED, 'lewisham_wards_2022.geojson'), { kind: 'boundaries' });
    expect(wards.status).toBe('committed');
    await expect(loadDemo(db)).rejects.toThrow(/already holds boundaries \(ward: 19 areas\)/);
    expect((await get('/api/area-sets')).sets).toEqual([{ level: 'ward', label: 'Electoral wards', count: 19 }]);
    expect((await get('/api/summary')).incidents).toBe(0);
  });
});

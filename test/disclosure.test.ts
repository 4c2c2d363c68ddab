// Partner disclosure control and record-level scoping, on the real Lewisham wards and police.uk
// burglary rows (small monthly ward counts make suppression bite).
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { suppressionMask } from '../api/auth/disclosure.js';
import { perturbCount } from '../geodata/disclosure/cell-key.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { clientFor, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';
import { decodeIncidents } from '../contract/aggregates.js';

describe('suppression mask', () => {
  it('withholds small counts and then the smallest others until two or more, summing to the threshold, are withheld', () => {
    expect(suppressionMask([6, 7, 8], 5)).toEqual([false, false, false]);
    expect(suppressionMask([10, 3, 20], 5)).toEqual([true, true, false]);
    expect(suppressionMask([4, 4, 100], 5)).toEqual([true, true, false]);
    expect(suppressionMask([1, 1, 9, 50], 5)).toEqual([true, true, true, false]);
    expect(suppressionMask([0, 0, 57], 5)).toEqual([true, true, true]);
    expect(suppressionMask([2], 5)).toEqual([true]);
    expect(suppressionMask([], 5)).toEqual([]);
  });

  it('holds its guarantees on many random lists', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let t = 0; t < 2000; t++) {
      const min = 2 + Math.floor(rand() * 9);
      const counts = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => Math.floor(rand() ** 2 * 30));
      const hide = suppressionMask(counts, min);
      const hidden = counts.filter((_, i) => hide[i]);
      const shown = counts.filter((_, i) => !hide[i]);
      expect(shown.every((n) => n >= min)).toBe(true); // nothing small is shown
      if (hidden.length && shown.length) {
        // Subtracting the shown counts from the total leaves a sum over 2+ withheld counts, at least min.
        expect(hidden.length).toBeGreaterThanOrEqual(2);
        expect(hidden.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(min);
      }
    }
  });
});

const hasData = fs.existsSync(`${SHARED}lewisham_burglary_street_2022-03_2025-02.csv`);

describe.skipIf(!hasData).each(drivers())('partners and officers on real data (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let partner: Client;
  const WINDOW = 'from=2024-06&to=2024-07'; // one month of burglary: many wards below 5
  const json = async (c: Client, url: string) => {
    const r = await c.request(url);
    expect(r.status, url).toBe(200);
    return (await r.json()) as any;
  };

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await importFile(db, `${SHARED}lewisham_wards_2022.geojson`, { level: 'ward' });
    await importFile(db, `${SHARED}lewisham_burglary_street_2022-03_2025-02.csv`, {});
    const app = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined } });
    analyst = await clientFor(app, db, 'analyst');
    partner = await clientFor(app, db, 'partner');
  });

  /** The truth from the database: count and cell key per ward in June 2024. */
  const wardKeys = async () =>
    new Map(
      (
        await db.query<{ code: string; k: number }>(
          `SELECT ward_code AS code, (sum(record_key) % 256)::int AS k FROM incidents
           WHERE occurred_at >= '2024-06-01' AND occurred_at < '2024-07-01' GROUP BY ward_code`,
        )
      ).map((r) => [r.code, r.k]),
    );

  it('ward stats: no count below 5 reaches a partner, shown counts are cell-key perturbed, the total does not give one back', async () => {
    const full = await json(analyst, `/api/stats/areas?level=ward&${WINDOW}`);
    const part = await json(partner, `/api/stats/areas?level=ward&${WINDOW}`);
    expect(part.disclosure.min_count).toBe(5);
    expect(part.disclosure.statement).toMatch(/ONS cell key method, ptable \S+; small counts suppressed below 5/);
    expect(JSON.stringify(part)).not.toMatch(/_ckey/);
    expect(JSON.stringify(full)).not.toMatch(/_ckey/);
    const keys = await wardKeys();
    const small = full.areas.filter((a: any) => a.count < 5);
    expect(small.length).toBeGreaterThan(0); // the month was chosen so that this bites
    const byCode = new Map(full.areas.map((a: any) => [a.code, a]));
    const hidden: number[] = [];
    for (const a of part.areas) {
      const truth = byCode.get(a.code) as any;
      if (a.count === null) {
        expect(a.suppressed).toBe(true);
        expect(a.rate_per_1000).toBeNull();
        expect(a.change).toBeNull();
        hidden.push(truth.count);
      } else {
        // Issue 15: the shown count is the true one perturbed by the table at the ward's cell key.
        expect(a.count).toBe(perturbCount(truth.count, keys.get(a.code) ?? 0));
        expect(Math.abs(a.count - truth.count)).toBeLessThanOrEqual(2);
        expect(a.count).toBeGreaterThanOrEqual(5);
      }
      if (a.previous_count !== null) expect(a.previous_count).toBeGreaterThanOrEqual(5);
      if (a.change !== null) expect(a.count !== null && a.previous_count !== null).toBe(true);
    }
    if (part.outside_study_area === null) hidden.push(full.outside_study_area);
    else expect(part.outside_study_area).toBeGreaterThanOrEqual(5);
    // The total is perturbed by its own key (all of the month's incidents), not summed from the parts.
    const [{ k }] = await db.query<{ k: number }>(
      `SELECT (sum(record_key) % 256)::int AS k FROM incidents WHERE occurred_at >= '2024-06-01' AND occurred_at < '2024-07-01'`,
    );
    expect(part.total).toBe(perturbCount(full.total, k));
    // The subtraction attack: total − shown is the withheld sum only up to the perturbations; and still
    // spread over 2+ withheld areas (complementary suppression on the perturbed counts).
    expect(hidden.length).toBeGreaterThanOrEqual(2);
  });

  it('hexes, categories, series and summary are suppressed the same way; bbox is ignored for partners', async () => {
    // Issue 15: partners get H3 at resolution 8 only, every cell of the study area (empty ones too).
    expect((await partner.request(`/api/hexes?res=9&${WINDOW}`)).status).toBe(403);
    const hx = await json(partner, `/api/hexes?res=8&${WINDOW}`);
    const held = await json(analyst, `/api/hexes?res=8&${WINDOW}`);
    expect(hx.cells.length).toBeGreaterThan(held.cells.length);
    expect(hx.cells.every((c: any) => c.count === null || c.count >= 5)).toBe(true);
    expect(hx.cells.some((c: any) => c.suppressed)).toBe(true);
    const boxed = await json(partner, `/api/hexes?res=8&${WINDOW}&bbox=-0.03,51.44,-0.02,51.45`);
    expect(boxed.cells).toEqual(hx.cells);
    const cats = await json(partner, '/api/categories');
    expect(cats.categories.every((c: any) => c.count === null || c.count >= 5)).toBe(true);
    const ward = (await json(analyst, `/api/stats/areas?level=ward&${WINDOW}`)).areas[0].code;
    const series = await json(partner, `/api/series?level=ward&code=${ward}&from=2024-01&to=2025-01`);
    expect(series.months).toHaveLength(12);
    expect(series.months.every((m: any) => m.count === null || m.count >= 5)).toBe(true);
    const withheld = series.months.filter((m: any) => m.count === null).length;
    expect(withheld === 0 || withheld >= 2).toBe(true);
    const sum = await json(partner, '/api/summary');
    const [{ k }] = await db.query<{ k: number }>(`SELECT (sum(record_key) % 256)::int AS k FROM incidents`);
    expect(sum.incidents).toBe(perturbCount((await json(analyst, '/api/summary')).incidents, k));
  });

  it('partners never get record-level data; their area export is suppressed and audited', async () => {
    expect((await partner.request('/api/incidents?limit=5')).status).toBe(403);
    const ex = (body: unknown, c = partner, kind = 'areas') =>
      c.request(`/api/exports/${kind}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await ex({ purpose: 'x', recipient: 'y', filters: {} }, partner, 'incidents')).status).toBe(403);
    const noPurpose = await ex({ recipient: 'Youth services', filters: { level: 'ward', from: '2024-06', to: '2024-07' } });
    expect(noPurpose.status).toBe(400);
    const res = await ex({
      purpose: 'Serious violence strategic needs assessment',
      recipient: 'Lewisham youth services',
      filters: { level: 'ward', from: '2024-06', to: '2024-07' },
    });
    expect(res.status).toBe(200);
    const csv = await res.text();
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(csv).toContain('withheld');
    for (const r of rows)
      for (const i of [2, 5]) if (r[i] !== undefined && /^\d+$/.test(r[i])) expect(Number(r[i])).toBeGreaterThanOrEqual(5);
    const [log] = await db.query<any>(
      `SELECT action, resource, purpose, recipient, record_count FROM audit_log WHERE user_email = $1 ORDER BY id DESC LIMIT 1`,
      [partner.email],
    );
    expect(log).toMatchObject({
      action: 'export',
      resource: 'areas.csv',
      purpose: 'Serious violence strategic needs assessment',
      recipient: 'Lewisham youth services',
      record_count: 19,
    });
  });

  it('every view of record-level incidents is audited with its filters and count; officers see only their wards', async () => {
    const app = analyst.app;
    const res = await analyst.request(`/api/incidents?${WINDOW}&limit=50`);
    const body = decodeIncidents(await res.json());
    const [log] = await db.query<any>(
      `SELECT action, resource, query, record_count FROM audit_log WHERE user_email = $1 ORDER BY id DESC LIMIT 1`,
      [analyst.email],
    );
    expect(log).toMatchObject({ action: 'view_records', resource: 'incidents', record_count: body.features.length });
    expect(log.query).toMatchObject({ from: '2024-06-01', to: '2024-07-01', limit: 50 });

    const stats = await json(analyst, `/api/stats/areas?level=ward&from=2022-03&to=2025-03`);
    const [w1, w2] = stats.areas.filter((a: any) => a.count > 0).map((a: any) => a.code);
    const officer = await clientFor(app, db, 'officer', { areaCodes: [w1, w2] });
    const all = decodeIncidents(await json(analyst, '/api/incidents?from=2022-03&to=2025-03&limit=50000'));
    const mine = decodeIncidents(await json(officer, '/api/incidents?from=2022-03&to=2025-03&limit=50000'));
    const expected = all.features.filter((f: any) => f.properties.ward_code === w1 || f.properties.ward_code === w2).length;
    expect(expected).toBeGreaterThan(0);
    expect(mine.total).toBe(expected);
    expect(new Set(mine.features.map((f: any) => f.properties.ward_code))).toEqual(new Set([w1, w2]));
    // An officer with no area set sees the whole study area; aggregates are not limited.
    const anywhere = await clientFor(app, db, 'officer');
    expect((await json(anywhere, '/api/incidents?from=2022-03&to=2025-03&limit=50000')).total).toBe(all.total);
  });
});

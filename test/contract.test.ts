// The API contract (contract/*.ts) is the server's routes: every route the app answers is declared
// there (and nothing declared is missing from the app), the OpenAPI document lists each with who may
// call it, and every route open to partners either masks its counts or states why it has none. The
// partner walk below calls each such GET route as a partner on real data and fails if any count-like
// number below the threshold comes back.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES, hasCapability } from '../contract/capabilities.js';
import { ROUTES } from '../contract/index.js';
import type { ContractRoute } from '../contract/http.js';
import { createApp } from '../api/app.js';
import { openApiDocument } from '../api/openapi.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { createRoute } from '../api/journeys/store.js';
import { clientFor, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const honoPath = (p: string) => p.replace(/\{(\w+)\}/g, ':$1');
const key = (r: Pick<ContractRoute, 'method' | 'path'>) => `${r.method.toUpperCase()} /api${honoPath(r.path)}`;

/** Routes outside the contract on purpose: the document itself and its reference page. */
const NOT_IN_CONTRACT = new Set(['GET /api/openapi.json', 'GET /api/docs']);

describe('the contract', () => {
  const app = createApp({ db: {} as Db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined } });

  it('declares exactly the routes the server answers', () => {
    const served = new Set(
      app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`),
    );
    const declared = new Set(ROUTES.map(key));
    expect([...served].filter((k) => !declared.has(k) && !NOT_IN_CONTRACT.has(k)).sort(), 'served but not in contract/').toEqual(
      [],
    );
    expect([...declared].filter((k) => !served.has(k)).sort(), 'in contract/ but not served').toEqual([]);
    expect(declared.size, 'each route declared once').toBe(ROUTES.length);
  });

  it('states partner disclosure for every route open to partners, and none for the others', () => {
    for (const r of ROUTES) {
      const a = r['x-access'];
      const partners = a.capability !== 'public' && hasCapability('partner', a.capability);
      expect({ route: key(r), partner: partners ? !!a.partner : false }).toEqual({ route: key(r), partner: partners });
    }
  });

  it('serves an OpenAPI 3.1 document with every route and who may call it', async () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = (doc.paths?.[r.path] as Record<string, any> | undefined)?.[r.method];
      expect(op, key(r)).toBeTruthy();
      const a = r['x-access'];
      expect(op['x-access'].roles).toEqual(a.capability === 'public' ? 'public' : CAPABILITIES[a.capability]);
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    }
    const res = await app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    expect((await res.json()).paths).toEqual(JSON.parse(JSON.stringify(doc.paths)));
    const page = await (await app.request('/api/docs')).text();
    for (const r of ROUTES) expect(page).toContain(`${r.method.toUpperCase()} /api${r.path}`);
  });
});

// Example queries for partner-open GET routes that need parameters; a route missing here fails the walk.
// Partners get H3 at resolution 8 only and whole months (issue 15), so the examples use those.
// `{ward}` is replaced by a real ward code, `{id}` by an object the test creates where noted.
const WINDOW = 'from=2024-06&to=2024-07'; // one month of burglary: many wards below 5
const PARTNER_EXAMPLES: Record<string, string> = {
  'GET /api/stats/areas': `level=ward&${WINDOW}`,
  'GET /api/hexes': `res=8&${WINDOW}`,
  'GET /api/series': `level=ward&code={ward}&from=2024-01&to=2025-01`,
  'GET /api/coverage': '',
  'GET /api/categories': '',
  'GET /api/summary': '',
  'GET /api/hotspots': `res=8&${WINDOW}`,
  'GET /api/hotspots/top': `level=ward&n=50&${WINDOW}`,
  'GET /api/change': `level=ward&${WINDOW}`,
  'GET /api/emerging': `level=ward&from=2024-01&to=2025-01&period=month`,
  'GET /api/profile': `level=ward&code={ward}&from=2024-01&to=2025-01`,
  'GET /api/journeys/segments': `routes={route}&category=burglary&term_only=false&age_max=none&from=2024-01&to=2025-01`,
  'GET /api/journeys/ranking': `category=burglary&term_only=false&age_max=none&from=2024-01&to=2025-01`,
  'GET /api/planning/coverage': WINDOW,
  'GET /api/pack': `${WINDOW}&res=8&top=100&since=0`,
  'GET /api/search': 'q=Lee',
};
/** Keys whose numbers are incident counts (or sums of them) wherever they appear in an answer. */
const COUNT_KEYS = new Set([
  'count',
  'previous_count',
  'incidents',
  'total',
  'outside_study_area',
  'rows',
  'n',
  'observed',
  'in_area',
  'count_in',
  'count_before',
  'count_after',
  'current',
  'previous',
  'year_ago',
  'value',
  'value_previous',
  'value_year_ago',
  'unknown_time',
  'unknown_age',
  'excluded',
  'all',
  'harm',
  'month',
  'day',
  'minute',
  'hotspot_incidents',
  'covered_incidents',
  'incidents_added',
]);

/** Every (path, value) of a count key holding a number in [0, min). */
function smallCounts(body: unknown, min: number, path = '$'): string[] {
  if (Array.isArray(body)) return body.flatMap((v, i) => smallCounts(v, min, `${path}[${i}]`));
  if (!body || typeof body !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (k === 'disclosure' || k === 'meta' || k === 'coverage') continue; // thresholds and data-coverage statements, not counts
    if (COUNT_KEYS.has(k) && typeof v === 'number' && v >= 0 && v < min) out.push(`${path}.${k}=${v}`);
    else out.push(...smallCounts(v, min, `${path}.${k}`));
  }
  return out;
}

const hasData = fs.existsSync(`${SHARED}lewisham_burglary_street_2022-03_2025-02.csv`);

describe.skipIf(!hasData).each(drivers())('partners get no small count from any route (%s)', (driver) => {
  let db: Db;
  let partner: Client;
  let ward: string;
  let route: number;

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await importFile(db, `${SHARED}lewisham_wards_2022.geojson`, { level: 'ward' });
    await importFile(db, `${SHARED}lewisham_burglary_street_2022-03_2025-02.csv`, {});
    const app = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined } });
    partner = await clientFor(app, db, 'partner');
    [{ ward }] = await db.query<{ ward: string }>(`SELECT code AS ward FROM areas WHERE level = 'ward' ORDER BY code LIMIT 1`);
    route = await createRoute(
      db,
      {
        name: 'walk',
        school_id: null,
        hub_id: null,
        segment_m: 100,
        geometry: {
          type: 'LineString',
          coordinates: [
            [-0.03, 51.45],
            [-0.01, 51.45],
          ],
        },
      },
      'test',
    );
  });

  // (Event streams never end: their events are masked one by one, which test/live.test.ts checks for partners.)
  const stream = (r: ContractRoute) =>
    'text/event-stream' in ((r.responses as Record<number, { content?: object }>)[200]?.content ?? {});
  const masked = ROUTES.filter(
    (r) => r.method === 'get' && r['x-access'].partner?.kind === 'masked' && !r.path.includes('{') && !stream(r),
  );
  it('has an example for every masked GET route', () => {
    expect(masked.map(key).filter((k) => !(k in PARTNER_EXAMPLES))).toEqual([]);
  });

  for (const r of masked) {
    it(`${key(r)} masks its counts`, async () => {
      const q = (PARTNER_EXAMPLES[key(r)] ?? '').replace('{ward}', ward).replace('{route}', String(route));
      const res = await partner.request(`/api${r.path}${q ? `?${q}` : ''}`);
      expect(res.status, await res.clone().text()).toBe(200);
      const body = await res.json();
      expect(smallCounts(body, 5)).toEqual([]);
      // Cell keys (issue 15) are the perturbation's secret input: none may reach a partner.
      expect(JSON.stringify(body)).not.toMatch(/_ckey"/);
    });
  }
});

// Every API route × every role (and no sign-in): the server enforces who may do what. The expected
// table below is the access policy written out independently of the code; a route the app has but
// the table lacks fails the test, so a new endpoint cannot ship without a decision here.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { GUARD } from '../api/auth/middleware.js';
import { ROLES, type Role } from '../api/auth/roles.js';
import { createToken, createUser } from '../api/auth/store.js';
import type { Db } from '../api/db/index.js';
import { clientFor, uniqueEmail, type Client } from './helpers/auth.js';
import { drivers, testDb } from './helpers/db.js';

type Policy = 'public' | 'local' | readonly Role[];
const ALL = ROLES;
const POLICY: Record<string, Policy> = {
  'GET /api/health': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/session': 'public',
  'POST /api/session': 'public',
  'DELETE /api/session': ALL,
  'POST /api/session/revoke-all': ALL,
  'POST /api/session/password': ALL,
  'GET /api/setup': 'public',
  'POST /api/setup': 'public',
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/:id': ['admin'],
  'POST /api/users/:id/revoke-sessions': ['admin'],
  'GET /api/tokens': ['admin'],
  'POST /api/users/:id/tokens': ['admin'],
  'DELETE /api/tokens/:id': ['admin'],
  'GET /api/settings': ['admin'],
  'PUT /api/settings': ['admin'],
  'GET /api/audit': ['admin'],
  'POST /api/audit/export': ['admin'],
  'GET /api/area-sets': ALL,
  'GET /api/areas': ALL,
  'GET /api/stats/areas': ALL,
  'GET /api/hexes': ALL,
  'GET /api/incidents': ['analyst', 'officer'],
  'GET /api/categories': ALL,
  'GET /api/coverage': ALL,
  'GET /api/series': ALL,
  'GET /api/search': ALL,
  // Vector tiles: points are records (as GET /incidents); hexagon counts for everyone, partners masked.
  'GET /api/tiles/incidents/:z/:x/:y': ['analyst', 'officer'],
  'GET /api/tiles/hexes/:z/:x/:y': ALL,
  // The basemap (OpenStreetMap data and fonts) is public like the web bundle.
  'GET /basemap/tiles.pmtiles': 'public',
  'HEAD /basemap/tiles.pmtiles': 'public',
  'GET /basemap/glyphs/:fontstack/:range': 'public',
  'GET /api/summary': ALL,
  'GET /api/config': ALL,
  'POST /api/imports': ['analyst'],
  'GET /api/imports': ['analyst'],
  'GET /api/imports/:id': ['analyst'],
  'GET /api/imports/:id/rejects': ['analyst'],
  'GET /api/mappings': ['analyst'],
  'PUT /api/mappings/:name': ['analyst'],
  'POST /api/exports/incidents': ['analyst'],
  'POST /api/exports/areas': ALL,
  'POST /api/exports/map-image': ALL,
  'GET /api/harm-schemes': ALL,
  'POST /api/harm-schemes': ['analyst'],
  'GET /api/hotspots': ALL,
  'GET /api/hotspots/top': ALL,
  'POST /api/exports/hotspots': ALL,
  'GET /api/change': ALL,
  'GET /api/emerging': ALL,
  'GET /api/profile': ALL,
  'GET /api/knox': ['analyst', 'officer'],
  'GET /api/live': ALL,
  'POST /api/incidents': ['analyst'],
  'POST /api/meetings': ['analyst', 'officer'],
  'GET /api/meetings': ALL,
  'GET /api/meetings/:id': ALL,
  'PUT /api/meetings/:id/view': ['analyst', 'officer'],
  'DELETE /api/meetings/:id': ['analyst', 'officer'],
  'GET /api/meetings/:id/events': ALL,
  'GET /api/pack': ALL,
  'POST /api/exports/pack': ALL,
  'GET /api/interventions/types': ['analyst', 'officer', 'admin'],
  'POST /api/interventions/types': ['analyst'],
  'GET /api/interventions': ['analyst', 'officer', 'admin'],
  'POST /api/interventions': ['analyst', 'officer'],
  'POST /api/interventions/import': ['analyst', 'officer'],
  'GET /api/interventions/:id': ['analyst', 'officer', 'admin'],
  'PATCH /api/interventions/:id': ['analyst', 'officer'],
  'POST /api/interventions/:id/end': ['analyst', 'officer'],
  'DELETE /api/interventions/:id': ['analyst'],
  'GET /api/interventions/:id/history': ['analyst', 'officer', 'admin'],
  'GET /api/planning/coverage': ALL,
  'GET /api/planning/patrol': ['analyst', 'officer'],
  'POST /api/planning/patrol/export': ['analyst', 'officer'],
  'POST /api/planning/outreach': ['analyst', 'officer'],
  'GET /api/planning/network': ['analyst', 'officer', 'admin'],
  'PUT /api/planning/network': ['analyst'],
  'DELETE /api/planning/network': ['analyst'], // none is loaded in this walk: removes nothing
  'GET /api/chb': ALL,
  'POST /api/chb': ['analyst'],
  'GET /api/chb/:id': ALL,
  'DELETE /api/chb/:id': ['analyst'],
  'GET /api/chb/:id/evaluation': ALL,
  'GET /api/journeys/sites': ALL,
  'GET /api/journeys/routes': ALL,
  'POST /api/journeys/routes': ['analyst', 'officer'],
  'POST /api/journeys/routes/import': ['analyst', 'officer'],
  'GET /api/journeys/routes/:id': ALL,
  'PATCH /api/journeys/routes/:id': ['analyst', 'officer'],
  'DELETE /api/journeys/routes/:id': ['analyst', 'officer'],
  'GET /api/journeys/routes/:id/segments': ALL,
  'GET /api/routes/:id/segments': ALL, // the path for the same handler
  'GET /api/journeys/segments': ALL,
  'GET /api/journeys/ranking': ALL,
  'GET /api/journeys/term-dates': ALL,
  'PUT /api/journeys/term-dates': ['analyst', 'officer'],
  'POST /api/journeys/exports': ['analyst', 'officer'],
  'POST /api/journeys/proposals': ['analyst', 'officer'],
  'GET /api/definitions/serious-violence': ALL,
  'GET /api/definitions/serious-violence/history': ALL,
  'PUT /api/definitions/serious-violence': ['analyst', 'admin'],
  'POST /api/local/users': 'local',
  'GET /api/local/backup': 'local',
  'POST /api/opendata/fetch': ['analyst'],
  'POST /api/opendata/refresh': ['analyst'],
  'GET /api/opendata/runs': ['analyst'],
  'GET /api/opendata/runs/:id': ['analyst'],
  'GET /api/study-area': ALL,
  'PUT /api/study-area': ['analyst'],
  'GET /api/area-counts/series': ['analyst', 'officer', 'admin'],
};

/** A plausible request for each route (bodies valid enough to get past parsing where that matters). */
function requestFor(key: string, ids: { user: number; token: number }): { url: string; init: RequestInit } {
  const [method, path] = key.split(' ');
  const url = path
    .replace('/api/users/:id', `/api/users/${ids.user}`)
    .replace('/api/tokens/:id', `/api/tokens/${ids.token}`)
    .replace('/api/imports/:id', '/api/imports/1')
    .replace('/:z/:x/:y', '/14/8191/5450.mvt')
    .replace(':name', 'walk')
    .replace('/api/journeys/routes/:id', '/api/journeys/routes/999999')
    .replace('/api/routes/:id', '/api/routes/999999') // no such route: 404 past the guard
    .replace('/api/interventions/:id', '/api/interventions/999999')
    .replace('/api/chb/:id', '/api/chb/999999') // no such record: 404 past the guard
    .replace('/api/meetings/:id', '/api/meetings/00000000-0000-4000-8000-000000000000') // no such meeting: 404 past the guard
    .replace('/api/opendata/runs/:id', '/api/opendata/runs/999999'); // no such fetch: 404 past the guard
  const q: Record<string, string> = {
    '/api/areas': '?level=ward',
    '/api/stats/areas': '?level=ward',
    '/api/hexes': '?res=8',
    '/api/series': '?h3=88195da49bfffff',
    '/api/incidents': '?limit=1',
    '/api/planning/coverage': '?distance=1',
    '/api/planning/patrol': '?n=0', // 400 past the guard
    '/api/live': '?after=not-a-seq', // 400 past the guard instead of an endless event stream
    '/api/hotspots': '?res=8',
    '/api/hotspots/top': '?res=8&n=5',
    '/api/change': '?res=8',
    '/api/emerging': '?res=8&period=month',
    '/api/profile': '?h3=88195da49bfffff',
    '/api/knox': '?permutations=99',
    '/api/journeys/segments': '?routes=999999', // no such route: 404 past the guard
    '/api/opendata/refresh': '?now=1', // 400 past the guard: nothing fetched, no network
    '/api/area-counts/series': '?code=E05013714',
  };
  const bodies: Record<string, unknown> = {
    'POST /api/session': { email: 'nobody@test.invalid', password: 'not the password' },
    'POST /api/setup': { token: 'setup_not-a-real-token', email: 'x@test.invalid', password: 'long enough password' },
    'POST /api/users': { email: uniqueEmail('walk'), role: 'partner', password: 'long enough password' },
    'PATCH /api/users/:id': { name: 'Walked' },
    'POST /api/users/:id/tokens': { scopes: ['read'] },
    'PUT /api/settings': { partner_min_count: 5 },
    'POST /api/audit/export': { purpose: 'route walk test', recipient: 'nobody' },
    'PUT /api/mappings/:name': { date: 'Date', category: 'Offence', easting: 'E', northing: 'N' },
    'POST /api/exports/incidents': { purpose: 'route walk test', recipient: 'nobody', filters: {} },
    'POST /api/exports/areas': { purpose: 'route walk test', recipient: 'nobody', filters: { level: 'ward' } },
    'POST /api/exports/map-image': {
      purpose: 'route walk test',
      recipient: 'nobody',
      page: 'map',
      title: 'walk',
      period: '',
      view: '/',
      width: 1,
      height: 1,
    },
    'POST /api/exports/hotspots': { purpose: 'route walk test', recipient: 'nobody', filters: { res: '8' } },
    'POST /api/incidents': { incidents: [{ id: 'walk' }] }, // 400: invalid incident, nothing imported
    'POST /api/meetings': { title: 'route walk' },
    'PUT /api/meetings/:id/view': { center: [0, 51.5], zoom: 10, layers: [], filters: {}, window: { from: null, to: null } },
    'POST /api/exports/pack': { purpose: 'route walk test', recipient: 'nobody', filters: {} },
    // Planning: bodies that fail validation (400 past the guard), so the walk stores and computes nothing.
    'POST /api/interventions/types': { slug: 'Not A Slug' },
    'POST /api/interventions': { name: 'walk' },
    'POST /api/interventions/import': { format: 'csv', text: '' },
    'PATCH /api/interventions/:id': { name: 'walk' },
    'POST /api/interventions/:id/end': { ends_on: '2020-01-01' },
    'POST /api/planning/patrol/export': { purpose: 'route walk test', recipient: 'nobody', format: 'csv', filters: { n: '0' } },
    'POST /api/planning/outreach': { k: 0 },
    'PUT /api/planning/network': { name: 'walk', network: { type: 'FeatureCollection', features: [] } }, // 400: nothing stored
    'POST /api/chb': { name: 'walk' },
    'POST /api/local/users': { command: 'list' },
    'POST /api/journeys/routes': { name: 'walk', geometry: { type: 'Point', coordinates: [0, 51] } }, // 400: nothing stored
    'POST /api/journeys/routes/import': { type: 'FeatureCollection', features: [] },
    'PATCH /api/journeys/routes/:id': { name: 'Walked' },
    'PUT /api/journeys/term-dates': { terms: [{ starts_on: '2024-02-01', ends_on: '2024-01-01' }] },
    'POST /api/journeys/exports': { purpose: 'route walk test', recipient: 'nobody', route_id: 999999 },
    'POST /api/journeys/proposals': { network: { type: 'FeatureCollection', features: [] } },
    'PUT /api/definitions/serious-violence': { label: 'walk', categories: [] }, // 400: no category, nothing stored
    'POST /api/opendata/fetch': { lads: ['not a code'] }, // 400 past the guard: nothing fetched, no network
    'PUT /api/study-area': { level: 'Not A Level' }, // 400 past the guard: nothing stored
  };
  const init: RequestInit = { method };
  if (key in bodies) init.body = JSON.stringify(bodies[key]);
  if (key in bodies) init.headers = { 'content-type': 'application/json' };
  if (key === 'POST /api/imports') init.body = ''; // answered at once (empty file), nothing queued
  if (key === 'POST /api/harm-schemes')
    Object.assign(init, { body: 'category,weight\n', headers: { 'content-type': 'text/csv' } }); // 400: no weights, nothing stored
  return { url: url + (q[path] ?? ''), init };
}

const code = async (res: Response) => {
  try {
    return ((await res.clone().json()) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    return null;
  }
};

describe.each(drivers())('every route × every role (%s)', (driver) => {
  let db: Db;
  let app: ReturnType<typeof createApp>;
  const clients = new Map<Role, Client>();
  let ids: { user: number; token: number };

  beforeAll(async () => {
    db = await testDb(driver);
    app = createApp({
      db,
      config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined },
      localSecret: 'local-secret-for-tests',
    });
    for (const role of ROLES) clients.set(role, await clientFor(app, db, role));
    const target = await createUser(db, {
      email: uniqueEmail('target'),
      role: 'officer',
      password: 'long enough password',
      createdBy: 'test',
    });
    const token = await createToken(db, target.id, ['read'], 'walk', null);
    ids = { user: target.id, token: token.id };
  });

  it('has a policy for every route, and a guard on every non-public route', () => {
    const seen = new Map<string, boolean>();
    for (const r of app.routes) {
      if (r.method === 'ALL') continue;
      const key = `${r.method} ${r.path}`;
      seen.set(key, (seen.get(key) ?? false) || GUARD in r.handler);
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(POLICY).sort());
    for (const [key, guarded] of seen) {
      const p = POLICY[key];
      expect({ key, guarded }).toEqual({ key, guarded: Array.isArray(p) });
    }
  });

  for (const [key, policy] of Object.entries(POLICY)) {
    it(`${key}: ${Array.isArray(policy) ? policy.join(', ') : policy}`, async () => {
      // Signed out.
      const anon = requestFor(key, ids);
      const res = await app.request(anon.url, anon.init);
      if (policy === 'public') expect(await code(res)).not.toBe('unauthenticated');
      else if (policy === 'local') expect([res.status, await code(res)]).toEqual([403, 'forbidden']);
      else expect([res.status, await code(res)]).toEqual([401, 'unauthenticated']);

      for (const role of ROLES) {
        // Session-ending routes get a fresh session, so the shared one survives the walk.
        const client =
          key.includes('/api/session') && key !== 'GET /api/session' && key !== 'POST /api/session'
            ? await clientFor(app, db, role)
            : clients.get(role)!;
        const { url, init } = requestFor(key, ids);
        const r = await client.request(url, init);
        const c = await code(r);
        if (policy === 'local') expect([role, r.status, c]).toEqual([role, 403, 'forbidden']);
        else if (policy === 'public' || policy.includes(role)) {
          // Past the guard: whatever the handler then says (400, 404, 401 bad_credentials...), never a refusal of the role.
          expect(['unauthenticated', 'forbidden', 'token_scope', 'csrf'], `${role}: ${c}`).not.toContain(c);
          expect(r.status, `${role}: ${c}`).toBeLessThan(500);
        } else {
          expect({ role, status: r.status, c }).toEqual({ role, status: 403, c: 'forbidden' });
        }
      }
    });
  }

  it('the local administration route answers only with the data directory secret', async () => {
    const res = await app.request('/api/local/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-saferplaces-local': 'local-secret-for-tests' },
      body: JSON.stringify({ command: 'list' }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.users.length).toBeGreaterThan(4);
    expect(JSON.stringify(body)).not.toMatch(/scrypt\$|password_hash|token_hash/);
    const wrong = await app.request('/api/local/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-saferplaces-local': 'local-secret-for-testX' },
      body: JSON.stringify({ command: 'list' }),
    });
    expect(wrong.status).toBe(403);
    // Without a local secret (server mode) the route does not exist.
    const server = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined } });
    expect(server.routes.some((r) => r.path === '/api/local/users')).toBe(false);
  });

  it('API tokens act as their user, limited to their scopes', async () => {
    const analyst = clients.get('analyst')!;
    const read = await createToken(db, analyst.userId, ['read'], 'walk', null);
    const imp = await createToken(db, analyst.userId, ['import'], 'walk', null);
    const bearer = (t: string, url: string, init: RequestInit = {}) =>
      app.request(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${t}` } });
    expect((await bearer(read.token, '/api/categories')).status).toBe(200);
    expect(await code(await bearer(imp.token, '/api/categories'))).toBe('token_scope');
    expect(await code(await bearer(read.token, '/api/imports', { method: 'POST', body: '' }))).toBe('token_scope');
    expect(await code(await bearer(imp.token, '/api/imports', { method: 'POST', body: '' }))).toBe('empty_file'); // past the guard
    // A partner's token cannot reach record-level data whatever its scope.
    const partner = clients.get('partner')!;
    const pt = await createToken(db, partner.userId, ['read', 'import', 'ingest'], 'walk', null);
    expect(await code(await bearer(pt.token, '/api/incidents?limit=1'))).toBe('forbidden');
    // Unknown, malformed and revoked tokens are refused, never treated as signed out.
    expect(await code(await bearer('spt_' + 'x'.repeat(43), '/api/categories'))).toBe('bad_token');
    expect(await code(await bearer('garbage', '/api/categories'))).toBe('bad_token');
    await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [read.id]);
    expect(await code(await bearer(read.token, '/api/categories'))).toBe('bad_token');
    // Only hashes are stored.
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [imp.id]);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].token_hash).not.toContain(imp.token);
  });
});

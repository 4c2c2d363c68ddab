// The School routes page in a real browser against the real app on real Lewisham data (wards, GIAS
// schools, NaPTAN stations, police.uk robbery): schools and hubs render as symbols, a route made through
// the API renders its segments, the term calendar editor saves, the police.uk unknown-time notice says
// how many incidents have no time of day and offers ranking by all incidents, the worst-segment list
// and ranking show, a route drawn with terra-draw (mouse clicks on the canvas) is saved, a saved route's
// vertex dragged on the canvas (terra-draw select mode) is stored with its segments recomputed, the
// export asks for purpose and recipient, partners see no edit controls, schools list their worst
// segments, and incidents pushed to the API show on the open page by themselves (latency printed)
// (live change feed). Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium) and a web build (npm run build); skipped otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import type { Role } from '../../api/auth/roles.js';
import { resetData, SHARED, testDb } from '../helpers/db.js';
import { clientFor, createAccount, type Client } from '../helpers/auth.js';
import { SEGMENT_LAYER, ROUTE_LINE_LAYER } from '../../web/src/map/layers/routes.js';
import { SITE_ICON_LAYER } from '../../web/src/map/layers/sites.js';
import {
  chromiumMissingReason,
  closeServer,
  ensureWebBuild,
  launchBrowser,
  listen,
  mapRunner,
  openPage,
  screenshot,
  snapshotWebBuild,
  waitForMapIdle,
  WEB_ROOT,
  type Browser,
  type Credentials,
  type Page,
} from './browser.js';

const WEB_INDEX = path.join(WEB_ROOT, 'index.html');
const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const SCHOOLS = SHARED + 'lewisham_schools_gias_open_20250524.csv';
const STATIONS = SHARED + 'lewisham_rail_stations_naptan.csv';
const ROBBERY = SHARED + 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';

const skipReason =
  chromiumMissingReason() ?? (fs.existsSync(SCHOOLS) ? null : `no shared data at ${SHARED}`) ?? (fs.existsSync(WEB_INDEX) ? null : 'no web build (run npm run build)');
if (skipReason) console.log(`Skipping the School routes browser test: ${skipReason}`);

type Site = { id: number; kind: 'school' | 'hub'; name: string; lon: number; lat: number };

/** Runs a function in the page against the School routes map (window.__saferplacesJourneys.map). */
const onMap = mapRunner('__saferplacesJourneys');

/** The limit (issue 7) for new incidents to show on every open map. */
/** Generous on purpose: the 2 s limit is asserted in test/browser/live.test.ts (the two-pages test the
 *  issue describes); here the latency is printed (117–319 ms seen), not asserted, so that a loaded 2-core
 *  machine cannot fail it for reasons that are not the app's. */
const LIVE_TIMEOUT = 15_000;

const rendered = (page: Page, layer: string) => onMap(page, (map, l) => map.queryRenderedFeatures({ layers: [l] }).length, layer);
const dist = (a: Site, b: Site) => Math.hypot((a.lon - b.lon) * Math.cos((a.lat * Math.PI) / 180), a.lat - b.lat) * 111320;

describe.skipIf(skipReason)('School routes page in Chromium on real Lewisham data', () => {
  let db: Db;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let analyst: Credentials;
  let api: Client;
  let hub: Site;
  let schoolA: Site;
  let schoolB: Site;
  let routeId: number;

  const account = (role: Role) => createAccount(db, role);
  const open = async (url: string, who: Credentials = analyst) => {
    return openPage(browser, `${base}${url}`, { signIn: who, ready: { selector: '[data-testid="journeys-page"]', what: 'the School routes page' } });
  };
  const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
    const res = await api.request(url, init);
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    ensureWebBuild();
    db = await testDb('pglite');
    await resetData(db);
    await db.exec('TRUNCATE journey_sites, journey_routes, journey_segments, journey_term_dates RESTART IDENTITY CASCADE');
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    expect((await importFile(db, SCHOOLS)).status).toBe('committed');
    expect((await importFile(db, STATIONS, { kind: 'hubs' })).status).toBe('committed');
    expect((await importFile(db, ROBBERY, { kind: 'incidents_csv' })).status).toBe('committed');
    const app = createApp({ db, config: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-journeys-')), MAX_UPLOAD_MB: 50, BASEMAP_STYLE_URL: undefined } }, { webRoot: await snapshotWebBuild('saferplaces-web-build-') });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    base = await listen(server);
    analyst = await account('analyst');
    api = await clientFor(app, db, 'analyst');

    // Lewisham station, the nearest school to it (the API-made route) and the next nearest (drawn in the browser).
    const fc = await json<{ features: { geometry: { coordinates: [number, number] }; properties: { id: number; kind: 'school' | 'hub'; name: string } }[] }>('/api/journeys/sites');
    const sites: Site[] = fc.features.map((f) => ({ ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
    hub = sites.find((s) => s.kind === 'hub' && /^Lewisham/.test(s.name))!;
    expect(hub).toBeTruthy();
    const schools = sites.filter((s) => s.kind === 'school').sort((a, b) => dist(a, hub) - dist(b, hub));
    [schoolA, schoolB] = schools;
    const created = await json<{ id: number }>('/api/journeys/routes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${schoolA.name} to Lewisham`, school_id: schoolA.id, hub_id: hub.id, geometry: { type: 'LineString', coordinates: [[schoolA.lon, schoolA.lat], [hub.lon, hub.lat]] } }),
    });
    routeId = created.id;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });

  it('shows schools and hubs as symbols, the route with its segments, and the ranking; warns that no term dates are entered', async () => {
    const { page, errors } = await open(`/journeys`);
    await waitForMapIdle(page);
    expect(await rendered(page, SITE_ICON_LAYER)).toBeGreaterThan(0);
    const kinds = await onMap(page, (map, l) => [...new Set(map.queryRenderedFeatures({ layers: [l] }).map((f: any) => f.properties.kind))].sort(), SITE_ICON_LAYER);
    expect(kinds).toEqual(['hub', 'school']);
    expect(await rendered(page, ROUTE_LINE_LAYER)).toBeGreaterThan(0);
    const route = await json<{ properties: { segments: number } }>(`/api/journeys/routes/${routeId}`);
    const segs = await onMap(page, (map, l) => new Set(map.queryRenderedFeatures({ layers: [l] }).map((f: any) => f.properties.seq)).size, SEGMENT_LAYER);
    expect(segs).toBe(route.properties.segments);
    await expect.poll(() => page.locator('[data-testid="route-row"]').count()).toBe(1);
    expect(await page.textContent('[data-testid="journey-notices"]')).toContain('No term dates fall between');
    expect(await page.textContent('[data-testid="journey-legend-facts"]')).toContain('50 m either side of the route');
    await screenshot(page, 'journeys-overview');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('saves a term in the calendar editor; the police.uk unknown-time notice then gives the API count and offers ranking by all incidents', async () => {
    const { page, errors } = await open(`/journeys?route=${routeId}`);
    await waitForMapIdle(page);
    await page.click('[data-testid="term-calendar"] summary');
    await page.click('[data-testid="term-add"]');
    await page.fill('[data-testid="term-name"]', 'Autumn 2017');
    await page.fill('[data-testid="term-start"]', '2017-09-04');
    await page.fill('[data-testid="term-end"]', '2017-12-20');
    await page.click('[data-testid="term-save"]');
    await page.waitForSelector('[data-testid="term-saved"]');
    expect((await json<{ terms: { name: string }[] }>('/api/journeys/term-dates')).terms.map((t) => t.name)).toEqual(['Autumn 2017']);

    const expected = await json<{ totals: { count: number; unknown_time: number } }>('/api/journeys/ranking');
    expect(expected.totals.count).toBe(0); // police.uk: no time of day, nothing can be placed in a window
    expect(expected.totals.unknown_time).toBeGreaterThan(0);
    const notice = page.locator('[data-testid="unknown-time-notice"]');
    await expect.poll(() => notice.count()).toBe(1);
    expect(await notice.textContent()).toContain(`${expected.totals.unknown_time.toLocaleString('en-GB')} incident`);
    expect(await notice.textContent()).toContain('no time of day');
    expect(await page.textContent('[data-testid="worst-segments"]')).toContain('No segment has any counted incident');
    await screenshot(page, 'journeys-unknown-time');

    await page.click('[data-testid="rank-all"]');
    expect(new URL(page.url()).searchParams.get('rank')).toBe('all');
    const all = await json<{ worst: { seq: number }[] }>(`/api/journeys/routes/${routeId}/segments?rank_by=all`);
    expect(all.worst.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="worst-segment"]').count()).toBe(all.worst.length);
    expect(await page.textContent('[data-testid="worst-segment"] >> nth=0')).toMatch(/Guardian point 51\.\d{5}, -?0\.\d{5}/);
    await waitForMapIdle(page);
    expect(await page.textContent('[data-testid="journey-legend-facts"]')).toContain('all incidents, any time');
    await screenshot(page, 'journeys-worst-segments');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a route with terra-draw (clicks on the canvas), suggests the school and hub at its ends, and saves it', async () => {
    const midLon = (schoolB.lon + hub.lon) / 2;
    const midLat = (schoolB.lat + hub.lat) / 2;
    const { page, errors } = await open(`/journeys?at=15.5/${midLat.toFixed(5)}/${midLon.toFixed(5)}`);
    await waitForMapIdle(page);
    await page.click('[data-testid="draw-route"]');
    const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
    const px = (lon: number, lat: number) => onMap(page, (map, p) => map.project(p), [lon, lat] as [number, number]) as Promise<{ x: number; y: number }>;
    // School B, a bend 40 m off the straight line, Lewisham station; the last point clicked again finishes the line.
    const points = [await px(schoolB.lon, schoolB.lat), await px(midLon + 0.0004, midLat + 0.0003), await px(hub.lon, hub.lat)];
    for (const p of points) {
      await page.mouse.move(box.x + p.x - 5, box.y + p.y - 5);
      await page.mouse.click(box.x + p.x, box.y + p.y);
    }
    const last = points[points.length - 1];
    await page.mouse.click(box.x + last.x, box.y + last.y);
    await page.waitForSelector('[data-testid="route-save"]:not([disabled]), [data-testid="route-name"]');
    await page.fill('[data-testid="route-name"]', 'Drawn in the browser test');
    await expect.poll(() => page.inputValue('[data-testid="route-school"]')).toBe(String(schoolB.id));
    expect(await page.inputValue('[data-testid="route-hub"]')).toBe(String(hub.id));
    await screenshot(page, 'journeys-drawing');
    await page.click('[data-testid="route-save"]');
    await page.waitForSelector('[data-testid="journey-message"]');
    expect(await page.textContent('[data-testid="journey-message"]')).toContain('Saved "Drawn in the browser test"');

    const routes = await json<{ features: { id: number; geometry: { coordinates: number[][] }; properties: { name: string; origin: string; school_id: number; hub_id: number } }[] }>('/api/journeys/routes');
    const drawn = routes.features.find((f) => f.properties.name === 'Drawn in the browser test')!;
    expect(drawn).toBeTruthy();
    expect(drawn.properties).toMatchObject({ origin: 'drawn', school_id: schoolB.id, hub_id: hub.id });
    expect(drawn.geometry.coordinates.length).toBe(3);
    // The clicked points land within a few metres of where they were aimed.
    const [first, , end] = drawn.geometry.coordinates;
    expect(dist({ lon: first[0], lat: first[1] } as Site, schoolB)).toBeLessThan(5);
    expect(dist({ lon: end[0], lat: end[1] } as Site, hub)).toBeLessThan(5);
    expect(new URL(page.url()).searchParams.get('route')).toBe(String(drawn.id));
    await waitForMapIdle(page);
    await expect.poll(() => page.locator('[data-testid="route-row"]').count()).toBe(2);
    await screenshot(page, 'journeys-drawn-saved');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the worst segments as GPX through the purpose/recipient dialog', async () => {
    const { page, errors } = await open(`/journeys?rank=all&route=${routeId}`);
    await waitForMapIdle(page);
    await page.click('[data-testid="export-route"]');
    await page.fill('[data-testid="export-purpose"]', 'Safer-schools patrol briefing');
    await page.fill('[data-testid="export-recipient"]', 'Lewisham safer schools officers');
    await page.selectOption('[data-testid="export-format"]', 'gpx');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    const file = await download.path();
    const gpx = fs.readFileSync(file!, 'utf8');
    expect(gpx).toContain('<gpx');
    expect(gpx).toContain('<wpt');
    expect(gpx).toContain('Purpose: Safer-schools patrol briefing');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('partners see the routes and ranking with withheld values, and no drawing, editing or export controls', async () => {
    const partner = await account('partner');
    const { page, errors } = await open(`/journeys?route=${routeId}`, partner);
    await waitForMapIdle(page);
    await expect.poll(() => page.locator('[data-testid="route-row"]').count()).toBe(2);
    expect(await page.locator('[data-testid="draw-toolbar"]').count()).toBe(0);
    expect(await page.locator('[data-testid="route-edit"]').count()).toBe(0);
    expect(await page.locator('[data-testid="export-route"], [data-testid="export-all"]').count()).toBe(0);
    expect(await page.locator('[data-testid="term-add"]').count()).toBe(0);
    // Ranking by all incidents is not offered to partners (the server refuses it).
    expect(await page.locator('[data-testid="jf-rank"] option[value="all"]').count()).toBe(0);
    const table = await page.textContent('[data-testid="route-ranking"]');
    expect(table).toContain('withheld');
    expect(await page.textContent('[data-testid="unknown-time-notice"]')).toContain('no time of day');
    expect(await page.locator('[data-testid="rank-all"]').count()).toBe(0);
    await screenshot(page, 'journeys-partner');
    expect(errors).toEqual([]);
    await page.close();
  });
  it('lists schools with their worst segments and guardian points, as the ranking API gives them', async () => {
    const api0 = await json<{ schools: { school_id: number; name: string; worst_segments: { route_name: string; seq: number; guardian_point: [number, number] }[] }[] }>('/api/journeys/ranking?rank_by=all');
    const withSegs = api0.schools.find((x) => x.worst_segments.length > 0)!;
    expect(withSegs).toBeTruthy();
    const { page, errors } = await open('/journeys?rank=all');
    await waitForMapIdle(page);
    await expect.poll(() => page.locator('[data-testid="school-row"]').count()).toBe(api0.schools.length);
    const row = page.locator(`[data-testid="school-row"][data-school-id="${withSegs.school_id}"]`);
    expect(await row.locator('summary').textContent()).toContain(withSegs.name);
    await row.locator('summary').click();
    const items = row.locator('[data-testid="school-worst-segment"]');
    await expect.poll(() => items.count()).toBe(withSegs.worst_segments.length);
    const first = withSegs.worst_segments[0];
    const text = await items.first().textContent();
    expect(text).toContain(`${first.route_name} · segment ${first.seq}`);
    expect(text).toContain(`Guardian point ${first.guardian_point[1].toFixed(5)}, ${first.guardian_point[0].toFixed(5)}`);
    // Clicking it takes the map to the guardian point.
    await items.first().click();
    await expect.poll(async () => {
      const [lon, lat] = await onMap(page, (map) => map.getCenter().toArray() as [number, number]);
      return dist({ lon, lat } as Site, { lon: first.guardian_point[0], lat: first.guardian_point[1] } as Site) < 30;
    }).toBe(true);
    await waitForMapIdle(page);
    await screenshot(page, 'journeys-schools');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('edits a saved route by dragging its bend on the canvas (terra-draw select mode); the stored line and its segments change', async () => {
    const bend: [number, number] = [(schoolB.lon + hub.lon) / 2 + 0.0003, (schoolB.lat + hub.lat) / 2 + 0.0002];
    const made = await json<{ id: number; geometry: { coordinates: [number, number][] }; properties: { length_m: number; segments: number } }>('/api/journeys/routes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Edited in the browser test', school_id: schoolB.id, hub_id: hub.id, segment_m: 50, geometry: { type: 'LineString', coordinates: [[schoolB.lon, schoolB.lat], bend, [hub.lon, hub.lat]] } }),
    });
    const segsOf = (id: number) => db.query<{ seq: number; wkt: string; length_m: number }>('SELECT seq, ST_AsText(geom) AS wkt, length_m FROM journey_segments WHERE route_id = $1 ORDER BY seq', [id]);
    const before = await segsOf(made.id);
    expect(before.length).toBe(made.properties.segments);

    const { page, errors } = await open(`/journeys?route=${made.id}&at=15.5/${bend[1].toFixed(5)}/${bend[0].toFixed(5)}`);
    await waitForMapIdle(page);
    await page.click('[data-testid="route-edit"]');
    await page.waitForSelector('[data-testid="route-form"]');
    // terra-draw has the line selected: its vertices are drawn as selection points.
    await expect.poll(() => page.evaluate(() => (window as any).__saferplacesJourneys.controller.editor.draw.getSnapshot().filter((f: any) => f.properties.selectionPoint).length)).toBe(3);
    const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
    const px = (p: [number, number]) => onMap(page, (map, a) => map.project(a), p) as Promise<{ x: number; y: number }>;
    const from = await px(bend);
    // 70 px at right angles to the school–station line, on the bend's side: the whole middle of the line moves.
    const [a, b] = [await px([schoolB.lon, schoolB.lat]), await px([hub.lon, hub.lat])];
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    let [nx, ny] = [-(b.y - a.y) / len, (b.x - a.x) / len];
    if (nx * (from.x - (a.x + b.x) / 2) + ny * (from.y - (a.y + b.y) / 2) < 0) [nx, ny] = [-nx, -ny];
    const to = { x: from.x + 70 * nx, y: from.y + 70 * ny };
    await page.mouse.move(box.x + from.x, box.y + from.y);
    await page.mouse.down();
    await page.mouse.move(box.x + to.x, box.y + to.y, { steps: 12 });
    await page.mouse.up();
    const target = (await onMap(page, (map, p) => map.unproject([p.x, p.y]).toArray(), to)) as [number, number];
    await page.click('[data-testid="route-save"]');
    await page.waitForSelector('[data-testid="journey-message"]');
    expect(await page.textContent('[data-testid="journey-message"]')).toContain('Saved "Edited in the browser test"');

    // The stored line: same ends, the bend where the mouse let go (not where it was).
    const after = await json<{ geometry: { coordinates: [number, number][] }; properties: { length_m: number; segments: number; updated_by: string } }>(`/api/journeys/routes/${made.id}`);
    const c = after.geometry.coordinates;
    expect(c).toHaveLength(3);
    const at = (p: [number, number]) => ({ lon: p[0], lat: p[1] }) as Site;
    expect(dist(at(c[0]), schoolB)).toBeLessThan(0.05);
    expect(dist(at(c[2]), hub)).toBeLessThan(0.05);
    expect(dist(at(c[1]), at(target))).toBeLessThan(5);
    expect(dist(at(c[1]), at(bend))).toBeGreaterThan(50);
    expect(after.properties.updated_by).toBe(analyst.email);
    expect(after.properties.length_m).not.toBeCloseTo(made.properties.length_m, 0);
    // Segments recomputed from the new line: as many as its length needs, adding up to it, passing through the new bend.
    const segs = await segsOf(made.id);
    expect(segs.length).toBe(after.properties.segments);
    expect(segs.length).toBe(Math.ceil(after.properties.length_m / 50 - 1e-9));
    expect(Math.abs(segs.reduce((a, g) => a + g.length_m, 0) - after.properties.length_m)).toBeLessThan(1e-6);
    expect(segs.map((g) => g.wkt)).not.toEqual(before.map((g) => g.wkt));
    const [near] = await db.query<{ newBend: number; oldBend: number }>(
      `SELECT min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography)) AS "newBend",
              min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography)) AS "oldBend"
       FROM journey_segments WHERE route_id = $1`,
      [made.id, c[1][0], c[1][1], bend[0], bend[1]],
    );
    expect(near.newBend).toBeLessThan(0.5);
    expect(near.oldBend).toBeGreaterThan(20);
    // The map draws the new segments.
    await waitForMapIdle(page);
    await expect
      .poll(() => onMap(page, (map, a) => new Set(map.queryRenderedFeatures({ layers: [a.layer] }).filter((f: any) => f.properties.route_id === a.id).map((f: any) => f.properties.seq)).size, { layer: SEGMENT_LAYER, id: made.id }))
      .toBe(segs.length);
    await screenshot(page, 'journeys-edited');
    expect(errors).toEqual([]);
    await page.close();
    expect((await api.request(`/api/journeys/routes/${made.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('shows incidents pushed to the API on the open School routes page by itself (live change feed; latency printed)', async () => {
    const { page, errors } = await open(`/journeys?rank=all&route=${routeId}`);
    await waitForMapIdle(page);
    await page.waitForSelector('html[data-live-feed="open"]');
    const before = (await json<{ route: { all: number } }>(`/api/journeys/routes/${routeId}/segments?rank_by=all`)).route.all;
    await expect.poll(() => page.textContent('[data-testid="route-totals"]')).toContain(`all ${before.toLocaleString('en-GB')}`);
    const segmentTotal = (a: { layer: string; id: number }) => {
      const seen = new Map<number, number>();
      for (const f of (window as any).__saferplacesJourneys.map.queryRenderedFeatures({ layers: [a.layer] })) if (f.properties.route_id === a.id) seen.set(f.properties.seq, f.properties.value);
      return [...seen.values()].reduce((x, y) => x + y, 0);
    };
    expect(await page.evaluate(segmentTotal, { layer: SEGMENT_LAYER, id: routeId })).toBe(before);

    // Three robberies at the route's middle, pushed by "another user" through POST /api/incidents.
    const mid: [number, number] = [(schoolA.lon + hub.lon) / 2, (schoolA.lat + hub.lat) / 2];
    const incidents = [0, 1, 2].map((i) => ({ id: `journeys-live-${i}`, category: 'robbery', occurred_at: '2018-05-15', lon: mid[0], lat: mid[1] + i * 0.00002 }));
    const res = await api.request('/api/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'journeys live test', incidents }) });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const committed = Date.now();
    expect((await res.json()).imported).toBe(3);
    const want = `all ${(before + 3).toLocaleString('en-GB')}`;
    await page.waitForFunction((w) => document.querySelector('[data-testid="route-totals"]')?.textContent?.includes(w), want, { timeout: LIVE_TIMEOUT });
    const took = Date.now() - committed;
    // The map's segments carry them too, in the same refresh.
    // (The page's CSP forbids eval, so the predicate is written out here rather than rebuilt from segmentTotal.)
    await page.waitForFunction(
      ({ layer, id, n }) => {
        const seen = new Map<number, number>();
        for (const f of (window as any).__saferplacesJourneys.map.queryRenderedFeatures({ layers: [layer] })) if (f.properties.route_id === id) seen.set(f.properties.seq, f.properties.value);
        return [...seen.values()].reduce((x, y) => x + y, 0) === n;
      },
      { layer: SEGMENT_LAYER, id: routeId, n: before + 3 },
      { timeout: LIVE_TIMEOUT },
    );
    const tookMap = Date.now() - committed;
    console.log(`School routes page: route total updated ${took} ms, map segments ${tookMap} ms after the ingest returned (target 2,000 ms)`);
    expect((await json<{ route: { all: number } }>(`/api/journeys/routes/${routeId}/segments?rank_by=all`)).route.all).toBe(before + 3);
    expect(await page.textContent('[data-testid="live-toast"]')).toContain('3 new incidents');
    await screenshot(page, 'journeys-live');
    expect(errors).toEqual([]);
    await page.close();
  });
});

// The School routes page in a real browser against the real app on real Lewisham data (wards, GIAS
// schools, NaPTAN stations, police.uk robbery): schools and hubs render as symbols, a route made through
// the API renders its segments, the term calendar editor saves, the police.uk unknown-time notice says
// how many incidents have no time of day and offers ranking by all incidents, the worst-segment list
// and ranking show, a route drawn with terra-draw (mouse clicks on the canvas) is saved, the export asks
// for purpose and recipient, and partners see no edit controls. Screenshots go to test-results/.
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
    const o = await openPage(browser, `${base}${url}`, { signIn: who });
    try {
      await o.page.waitForSelector('[data-testid="journeys-page"]', { timeout: 20_000 });
    } catch (e) {
      throw new Error(`the School routes page did not render: ${(e as Error).message}\npage errors: ${o.errors.join('\n')}\npage text: ${(await o.page.textContent('body'))?.slice(0, 500)}`);
    }
    return o;
  };
  const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
    const res = await api.request(url, init);
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
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
});

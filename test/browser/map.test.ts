// The web UI in a real browser, against the real app and real Lewisham data: wards and hexagons render,
// the ranking table, detail panel, incident popup and import page work. Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { resetData, SHARED, testDb } from '../helpers/db.js';
import { tmpFile } from '../helpers/files.js';
import { HEX_FILL_LAYER, INCIDENT_CLUSTER_LAYER, INCIDENT_POINT_LAYER, WARD_FILL_LAYER } from '../../web/src/map/layers/index.js';
import { chromiumMissingReason, launchBrowser, openPage, screenshot, waitForMapIdle, type Browser, type Page } from './browser.js';

const WEB_ROOT = path.resolve('dist/web');
const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const VIOLENCE = SHARED + 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const LSOAS = SHARED + 'lewisham_lsoa21.geojson';
const POPULATION = SHARED + 'lewisham_lsoa21_population_census2021.csv';
const LEWISHAM_WARD_CODES = Array.from({ length: 19 }, (_, i) => `E050137${String(14 + i).padStart(2, '0')}`);

const skipReason = chromiumMissingReason() ?? (fs.existsSync(SHARED) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the browser test: ${skipReason}`);

/** Newest modification time of the files the web build is made from. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the web app when dist/web is missing or older than web/ (or the vite config). */
function ensureWebBuild() {
  const index = path.join(WEB_ROOT, 'index.html');
  const sources = Math.max(newestSource(path.resolve('web')), fs.statSync('vite.config.ts').mtimeMs, fs.statSync('package.json').mtimeMs);
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

/** Runs a function in the page against the map (window.__saferplaces.map). */
function onMap<T, A = undefined>(page: Page, fn: (map: any, arg: A) => T, arg?: A): Promise<T> {
  return page.evaluate(
    ({ src, arg }) => {
      const map = (window as any).__saferplaces?.map;
      if (!map) throw new Error('window.__saferplaces.map is not set');
      // eslint-disable-next-line no-new-func
      return new Function('map', 'arg', `return (${src})(map, arg);`)(map, arg);
    },
    { src: fn.toString(), arg },
  ) as Promise<T>;
}

async function listen(server: ServerType | http.Server): Promise<string> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (s: ServerType | http.Server | undefined) => new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)));

describe.skipIf(skipReason)('web UI in Chromium on real Lewisham data', () => {
  let db: Db;
  const servers: (ServerType | http.Server)[] = [];
  let base: string;
  let browser: Browser;

  /** The app on a free port, with its own upload directory and the given basemap setting. */
  async function startApp(basemap?: string): Promise<string> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-web-'));
    const app = createApp({ db, config: { dataDir, MAX_UPLOAD_MB: 50, BASEMAP_STYLE_URL: basemap } }, { webRoot: WEB_ROOT });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    servers.push(server);
    return listen(server);
  }

  beforeAll(async () => {
    ensureWebBuild();
    db = await testDb('pglite');
    await resetData(db);
    base = await startApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await closeServer(s);
  });

  const rankingTotal = (page: Page) => page.textContent('[data-testid="ranking-total"]');
  /** Sum of the area counts the API gives for a query, formatted as the table shows it. */
  const apiTotal = async (query: string) => {
    const body = (await (await fetch(`${base}/api/stats/areas?${query}`)).json()) as { areas: { count: number }[] };
    return body.areas.reduce((s, a) => s + a.count, 0).toLocaleString('en-GB');
  };

  it('shows the first-run screen on an empty database', async () => {
    const { page, errors } = await openPage(browser, `${base}/`);
    await page.waitForSelector('[data-testid="first-run"]');
    expect(await page.textContent('[data-testid="first-run"]')).toContain('npm run import -- --level ward wards.geojson');
    await screenshot(page, 'first-run');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders the 19 wards and the hexagons, with the ranking table and legend', async () => {
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    expect((await importFile(db, VIOLENCE, { kind: 'incidents_csv' })).status).toBe('committed');

    const { page, errors } = await openPage(browser, `${base}/?layers=choropleth,outlines,labels,hexes`);
    await waitForMapIdle(page);
    const wardCodes = await onMap(page, (map, layer) => [...new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => f.properties.code))].sort(), WARD_FILL_LAYER);
    expect(wardCodes).toEqual(LEWISHAM_WARD_CODES);
    // Every ward got its count as feature state (the choropleth colours come from it).
    const states = await onMap(page, (map, layer) => map.queryRenderedFeatures({ layers: [layer] }).filter((f: any) => typeof f.state.count === 'number').length, WARD_FILL_LAYER);
    expect(states).toBeGreaterThanOrEqual(19);

    const hexes = await onMap(page, (map, layer) => map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => ({ h3: f.properties.h3, count: f.properties.count, res: f.properties.res })), HEX_FILL_LAYER);
    expect(hexes.length).toBeGreaterThan(50);
    expect(hexes.every((h: { h3: string; count: number }) => h.count > 0 && /^[0-9a-f]{15}$/.test(h.h3))).toBe(true);
    // Hexagons sit on Lewisham (lng/lat order right): the map centre is near -0.02, 51.45.
    const center = await onMap(page, (map) => map.getCenter().toArray());
    expect(center[0]).toBeGreaterThan(-0.07);
    expect(center[0]).toBeLessThan(0.03);
    expect(center[1]).toBeGreaterThan(51.41);
    expect(center[1]).toBeLessThan(51.5);

    await expect.poll(() => page.locator('[data-testid="ranking-row"]').count()).toBe(19);
    const legend = await page.textContent('[data-testid="legend"]');
    expect(legend).toContain('Incidents per hexagon');
    expect(legend).toContain('Incidents per area');
    expect(await page.locator('[data-testid="legend-areas"] li').count()).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('.maplibregl-ctrl-attrib')).toContain('Open Government Licence');
    await screenshot(page, 'map-overview');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters by category and period from the side panel, and keeps the filters in the URL', async () => {
    const { page, errors } = await openPage(browser, `${base}/`);
    await waitForMapIdle(page);
    expect(await rankingTotal(page)).toBe(await apiTotal('level=ward'));

    await page.click('[data-testid="category-picker"] summary');
    await page.check('[data-testid="category-robbery"]');
    await expect.poll(() => page.url()).toContain('cat=robbery');
    const robbery = await apiTotal('level=ward&category=robbery');
    await expect.poll(() => rankingTotal(page)).toBe(robbery);

    await page.fill('[data-testid="filter-from"]', '2016-01');
    await expect.poll(() => page.url()).toContain('from=2016-01');
    const robberyLonger = await apiTotal('level=ward&category=robbery&from=2016-01&to=2018-07');
    expect(Number(robberyLonger.replace(/,/g, ''))).toBeGreaterThan(Number(robbery.replace(/,/g, '')));
    await expect.poll(() => rankingTotal(page)).toBe(robberyLonger);
    await waitForMapIdle(page);
    const hexTotal = await onMap(page, (map, layer) => map.querySourceFeatures(layer).length, 'sp-hexes');
    expect(hexTotal).toBeGreaterThan(0);
    await screenshot(page, 'map-filtered');

    // Reloading the URL restores the filters.
    await page.reload();
    await waitForMapIdle(page);
    expect(await rankingTotal(page)).toBe(robberyLonger);
    expect(await page.inputValue('[data-testid="filter-from"]')).toBe('2016-01');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws over a configured basemap style, and falls back to a plain background when it is unreachable', async () => {
    const style = { version: 8, name: 'Test basemap', sources: {}, layers: [{ id: 'test-bg', type: 'background', paint: { 'background-color': '#d5e6f2' } }] };
    const styleServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(style));
    });
    styleServer.listen(0, '127.0.0.1');
    servers.push(styleServer);
    const styleUrl = `${await listen(styleServer)}/style.json`;

    const withBasemap = await startApp(styleUrl);
    const { page, errors } = await openPage(browser, `${withBasemap}/?layers=choropleth,outlines,labels,hexes`);
    await waitForMapIdle(page);
    await expect.poll(() => onMap(page, (map) => map.getStyle().name)).toBe('Test basemap');
    await waitForMapIdle(page);
    const layerIds = await onMap(page, (map) => map.getStyle().layers.map((l: any) => l.id));
    expect(layerIds[0]).toBe('test-bg');
    expect(layerIds).toContain(WARD_FILL_LAYER);
    expect(layerIds).toContain(HEX_FILL_LAYER);
    const wards = await onMap(page, (map, layer) => new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => f.properties.code)).size, WARD_FILL_LAYER);
    expect(wards).toBe(19);
    expect(await page.locator('[data-testid="map-notices"]').count()).toBe(0);
    await screenshot(page, 'map-basemap');
    expect(errors).toEqual([]);
    await page.close();

    const unreachable = await startApp('http://127.0.0.1:9/style.json');
    const second = await openPage(browser, `${unreachable}/?layers=choropleth,outlines`);
    await waitForMapIdle(second.page);
    await expect.poll(() => second.page.textContent('[data-testid="map-notices"]')).toContain('Plain background');
    const plain = await onMap(second.page, (map, layer) => new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => f.properties.code)).size, WARD_FILL_LAYER);
    expect(plain).toBe(19);
    await second.page.close();
  });

  it('maps rates per 1,000 residents for LSOAs once population is loaded', async () => {
    expect((await importFile(db, LSOAS, { kind: 'boundaries', level: 'lsoa' })).status).toBe('committed');
    expect((await importFile(db, POPULATION, { kind: 'population', level: 'lsoa' })).status).toBe('committed');
    const { page, errors } = await openPage(browser, `${base}/?level=lsoa&metric=rate&layers=choropleth,outlines&sort=rate-desc`);
    await waitForMapIdle(page);
    await expect.poll(() => page.locator('[data-testid="ranking-row"]').count()).toBe(175);
    expect(await page.isChecked('[data-testid="metric-rate"]')).toBe(true);
    expect(await page.textContent('[data-testid="legend"]')).toContain('per 1,000 residents');
    const rendered = await onMap(page, (map, layer) => {
      const fs = map.queryRenderedFeatures({ layers: [layer] });
      return { codes: new Set(fs.map((f: any) => f.properties.code)).size, withRate: fs.filter((f: any) => typeof f.state.rate === 'number').length };
    }, WARD_FILL_LAYER);
    expect(rendered.codes).toBeGreaterThanOrEqual(170);
    expect(rendered.withRate).toBeGreaterThanOrEqual(170);
    // Sorted by rate, highest first.
    const rates = await page.locator('[data-testid="ranking-row"] td.num:nth-child(4)').allTextContents();
    const nums = rates.slice(0, 10).map((r) => Number(r.replace(/,/g, '')));
    expect([...nums].sort((a, b) => b - a)).toEqual(nums);
    await screenshot(page, 'map-lsoa-rate');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('zooms to a ward from the ranking table and shows its details and sparkline', async () => {
    const { page, errors } = await openPage(browser, `${base}/?layers=choropleth,outlines,labels`);
    await waitForMapIdle(page);
    const zoomBefore = await onMap(page, (map) => map.getZoom());
    const first = page.locator('[data-testid="ranking-row"]').first();
    const code = await first.getAttribute('data-code');
    const name = await first.locator('td.name').textContent();
    await first.click();
    await page.waitForSelector('[data-testid="detail-panel"] [data-testid="sparkline"]');
    await onMap(page, (map) => new Promise((resolve) => (map.isMoving() ? map.once('moveend', resolve) : resolve(null))));
    await waitForMapIdle(page);
    expect(await onMap(page, (map) => map.getZoom())).toBeGreaterThan(zoomBefore + 0.5);
    expect(await page.textContent('[data-testid="detail-panel"]')).toContain(name!);
    expect(page.url()).toContain(`sel=area:${code}`);
    const detailCount = await page.textContent('[data-testid="detail-count"]');
    expect(detailCount).toBe(await first.locator('td.num').first().textContent());
    await screenshot(page, 'map-ward-detail');

    // The view is in the URL: reloading restores the selection and the camera.
    const zoomAfter = await onMap(page, (map) => map.getZoom());
    await page.reload();
    await waitForMapIdle(page);
    await page.waitForSelector('[data-testid="detail-panel"]');
    expect(Math.abs((await onMap(page, (map) => map.getZoom())) - zoomAfter)).toBeLessThan(0.02);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('selects a hexagon by clicking it', async () => {
    const { page, errors } = await openPage(browser, `${base}/`);
    await waitForMapIdle(page);
    // The screen position of the busiest rendered hexagon's first vertex nudged towards its centre.
    const target = await onMap(
      page,
      (map, layer) => {
        const fs = map.queryRenderedFeatures({ layers: [layer] });
        fs.sort((a: any, b: any) => b.properties.count - a.properties.count);
        const f = fs[0];
        const ring = f.geometry.coordinates[0];
        const lng = ring.slice(0, 6).reduce((s: number, p: number[]) => s + p[0], 0) / 6;
        const lat = ring.slice(0, 6).reduce((s: number, p: number[]) => s + p[1], 0) / 6;
        const pt = map.project([lng, lat]);
        const box = map.getCanvas().getBoundingClientRect();
        return { h3: f.properties.h3, x: box.left + pt.x, y: box.top + pt.y };
      },
      HEX_FILL_LAYER,
    );
    await page.mouse.click(target.x, target.y);
    await page.waitForSelector('[data-testid="detail-panel"] [data-testid="sparkline"]');
    expect(await page.textContent('[data-testid="detail-panel"]')).toContain(target.h3);
    expect(Number((await page.textContent('[data-testid="detail-count"]'))!.replace(/,/g, ''))).toBeGreaterThan(0);
    await waitForMapIdle(page);
    await screenshot(page, 'map-hex-detail');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows clustered incident points and a popup with the precision flags', async () => {
    const { page, errors } = await openPage(browser, `${base}/?layers=outlines,labels,incidents`);
    await waitForMapIdle(page);
    expect(await onMap(page, (map, layer) => map.queryRenderedFeatures({ layers: [layer] }).length, INCIDENT_CLUSTER_LAYER)).toBeGreaterThan(0);
    // Zoom to single points around Lewisham station and click one.
    await onMap(page, (map) => map.jumpTo({ center: [-0.0137, 51.4657], zoom: 17 }));
    await waitForMapIdle(page);
    const pt = await onMap(
      page,
      (map, layer) => {
        const f = map.queryRenderedFeatures({ layers: [layer] })[0];
        if (!f) return null;
        const p = map.project(f.geometry.coordinates);
        const box = map.getCanvas().getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      },
      INCIDENT_POINT_LAYER,
    );
    expect(pt).not.toBeNull();
    await page.mouse.click(pt!.x, pt!.y);
    const popup = await page.waitForSelector('[data-testid="incident-popup"]');
    const text = await popup.textContent();
    expect(text).toContain('Month only');
    expect(text).toContain('Location snapped to nearby street point (police.uk anonymisation)');
    await screenshot(page, 'map-incident-popup');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('uploads a file with progress, then shows the summary and the rejected rows', async () => {
    const header = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
    const rows = [
      'a1,2018-05,Metropolitan Police Service,Metropolitan Police Service,-0.020,51.445,On or near Rushey Green,E01003210,Lewisham 025A,Robbery,Under investigation,',
      'a2,2018-05,Metropolitan Police Service,Metropolitan Police Service,not-a-number,51.445,On or near Rushey Green,E01003210,Lewisham 025A,Robbery,Under investigation,',
      'a3,2018-13,Metropolitan Police Service,Metropolitan Police Service,-0.021,51.446,On or near Catford Broadway,E01003210,Lewisham 025A,Robbery,Under investigation,',
    ];
    const file = tmpFile('browser-upload-street.csv', [header, ...rows].join('\n') + '\n');

    const { page, errors } = await openPage(browser, `${base}/import`);
    await page.waitForSelector('[data-testid="import-form"]');
    await page.setInputFiles('[data-testid="import-file"]', file);
    await page.click('[data-testid="import-submit"]');
    const job = await page.waitForSelector('[data-testid="import-job"][data-status="committed"], [data-testid="import-job"][data-status="failed"]', { timeout: 60_000 });
    expect(await job.getAttribute('data-status')).toBe('committed');
    expect(await page.textContent('[data-testid="summary-imported"]')).toBe('1');
    expect(await page.textContent('[data-testid="summary-rejected"]')).toBe('2');
    await expect.poll(() => page.locator('[data-testid="reject-row"]').count()).toBe(2);
    expect(await page.textContent('[data-testid="rejects-table"]')).toContain('not-a-number');
    await expect.poll(() => page.locator('[data-testid="history-row"]').count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'import-summary');

    // A large file shows import progress; importing the same file again keeps nothing twice.
    await page.setInputFiles('[data-testid="import-file"]', VIOLENCE);
    await page.click('[data-testid="import-submit"]');
    await page.waitForSelector('[data-testid="import-progress"]', { timeout: 60_000 });
    await screenshot(page, 'import-progress');
    await page.waitForSelector('[data-testid="import-job"][data-status="committed"]', { timeout: 120_000 });
    expect(await page.textContent('[data-testid="summary-imported"]')).toBe('0');
    expect(await page.textContent('[data-testid="import-summary"]')).toContain('20,512');

    // A file that is not data is refused with the server's message.
    await page.setInputFiles('[data-testid="import-file"]', { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
    await page.click('[data-testid="import-submit"]');
    const err = await page.waitForSelector('[data-testid="import-error"], [data-testid="import-job"][data-status="failed"]');
    expect((await err.textContent())!.length).toBeGreaterThan(5);
    await screenshot(page, 'import-error');
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.close();
  });
});

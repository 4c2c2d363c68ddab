// The web UI in a real browser, against the real app and real Lewisham data: sign-in and first-run setup,
// wards and hexagons render under the strict CSP, the ranking table, detail panel, incident popup and
// import page work, partners see withheld counts and no points, exports ask for purpose and recipient,
// admins manage users and read the audit log. Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { resetData, SHARED, testDb } from '../helpers/db.js';
import { clientFor, createAccount, uniqueEmail, type Client } from '../helpers/auth.js';
import { createSetupToken } from '../../api/auth/store.js';
import type { Role } from '../../api/auth/roles.js';
import { tmpFile } from '../helpers/files.js';
import { HEX_FILL_LAYER, INCIDENT_CLUSTER_LAYER, INCIDENT_POINT_LAYER, WARD_FILL_LAYER } from '../../web/src/map/layers/index.js';
import {
  chromiumMissingReason,
  closeServer,
  cspViolations,
  ensureWebBuild,
  launchBrowser,
  listen,
  mapRunner,
  openPage as openBrowserPage,
  screenshot,
  waitForMapIdle,
  WEB_ROOT,
  type Browser,
  type Credentials,
  type Page,
} from './browser.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const VIOLENCE = SHARED + 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const LSOAS = SHARED + 'lewisham_lsoa21.geojson';
const POPULATION = SHARED + 'lewisham_lsoa21_population_census2021.csv';
const LEWISHAM_WARD_CODES = Array.from({ length: 19 }, (_, i) => `E050137${String(14 + i).padStart(2, '0')}`);

const skipReason = chromiumMissingReason() ?? (fs.existsSync(SHARED) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the browser test: ${skipReason}`);

/** Runs a function in the page against the map (window.__saferplaces.map). */
const onMap = mapRunner('__saferplaces');

describe.skipIf(skipReason)('web UI in Chromium on real Lewisham data', () => {
  let db: Db;
  const servers: (ServerType | http.Server)[] = [];
  let base: string;
  let browser: Browser;
  /** The analyst the page tests sign in as, and a signed-in API client for expected values. */
  let analyst: Credentials;
  let apiClient: Client;
  let baseApp: ReturnType<typeof createApp>;
  /** The first administrator, made through the setup page (near the end). */
  let admin: Credentials;
  const EXPORT_PURPOSE = 'Ward briefing for the CSP meeting';

  /** The app on a free port, with its own upload directory and the given basemap setting. */
  async function startApp(basemap?: string): Promise<{ url: string; app: ReturnType<typeof createApp> }> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-web-'));
    const app = createApp({ db, config: { dataDir, MAX_UPLOAD_MB: 50, BASEMAP_STYLE_URL: basemap } }, { webRoot: WEB_ROOT });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    servers.push(server);
    return { url: await listen(server), app };
  }

  /** A new account with `role` (password TEST_PASSWORD). */
  const account = (role: Role, areaCodes: string[] | null = null) => createAccount(db, role, areaCodes);

  /** A page signed in as the analyst (or `as`). */
  const openPage = (b: Browser, url: string, as: Credentials | null = analyst) => openBrowserPage(b, url, as ? { signIn: as } : {});

  beforeAll(async () => {
    ensureWebBuild();
    db = await testDb('pglite');
    await resetData(db);
    const started = await startApp();
    base = started.url;
    baseApp = started.app;
    analyst = await account('analyst');
    apiClient = await clientFor(started.app, db, 'analyst');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await closeServer(s);
  });

  const rankingTotal = (page: Page) => page.textContent('[data-testid="ranking-total"]');
  /** Sum of the area counts the API gives for a query, formatted as the table shows it. */
  const apiTotal = async (query: string) => {
    const body = (await (await apiClient.request(`/api/stats/areas?${query}`)).json()) as { areas: { count: number }[] };
    return body.areas.reduce((s, a) => s + a.count, 0).toLocaleString('en-GB');
  };

  it('shows the first-run screen on an empty database', async () => {
    const { page, errors } = await openPage(browser, `${base}/`);
    await page.waitForSelector('[data-testid="first-run"]');
    expect(await page.textContent('[data-testid="first-run"]')).toContain('npm run import -- wards.geojson'); // the level follows the file's ONS code field
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

  it('renders the map under the strict Content-Security-Policy without violations', async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("worker-src 'self' blob:");

    const { page, errors } = await openPage(browser, `${base}/?layers=choropleth,outlines,labels,hexes,incidents`);
    await waitForMapIdle(page);
    await onMap(page, (map) => map.jumpTo({ center: [-0.0137, 51.4657], zoom: 15 }));
    await waitForMapIdle(page);
    expect(await onMap(page, (map, layer) => map.queryRenderedFeatures({ layers: [layer] }).length, HEX_FILL_LAYER)).toBeGreaterThan(0);
    expect(await cspViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    // The check can fail: an inline style attribute is refused and reported.
    await page.evaluate(() => {
      const d = document.createElement('div');
      d.setAttribute('style', 'color: red');
      document.body.append(d);
    });
    await expect.poll(() => cspViolations(page)).toEqual([expect.stringContaining('style-src')]);
    await page.close();
  });

  it('signs in through the form: a wrong password is refused with a message, the right one shows the map', async () => {
    const { page, errors } = await openPage(browser, `${base}/`, null);
    await page.waitForSelector('[data-testid="sign-in-form"]');
    await page.fill('[data-testid="sign-in-email"]', analyst.email);
    await page.fill('[data-testid="sign-in-password"]', 'not the password at all');
    await page.click('[data-testid="sign-in-submit"]');
    expect(await (await page.waitForSelector('[data-testid="sign-in-error"]')).textContent()).toContain('Wrong email or password');
    await screenshot(page, 'sign-in-error');

    await page.fill('[data-testid="sign-in-password"]', analyst.password);
    await page.click('[data-testid="sign-in-submit"]');
    await waitForMapIdle(page);
    expect(await page.textContent('[data-testid="user-role"]')).toBe('Analyst');
    expect(await page.textContent('[data-testid="user-menu"]')).toContain(analyst.email);
    expect(await page.locator('[data-testid="nav-import"]').count()).toBe(1);
    expect(await page.locator('[data-testid="nav-users"]').count()).toBe(0);
    await screenshot(page, 'signed-in-analyst');

    // "Sign out everywhere" in another browser ends this session too: its next request gets 401 and the
    // page switches to the sign-in screen.
    const other = await openPage(browser, `${base}/`);
    await other.page.waitForSelector('[data-testid="user-menu"]');
    await other.page.click('[data-testid="sign-out-everywhere"]');
    expect(await (await other.page.waitForSelector('[data-testid="sign-in-notice"]')).textContent()).toContain('every device');
    await other.page.close();
    await page.fill('[data-testid="filter-from"]', '2016-01');
    expect(await (await page.waitForSelector('[data-testid="sign-in-notice"]')).textContent()).toContain('Your session has ended');
    await screenshot(page, 'session-ended');

    await page.fill('[data-testid="sign-in-email"]', analyst.email);
    await page.fill('[data-testid="sign-in-password"]', analyst.password);
    await page.click('[data-testid="sign-in-submit"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="sign-in-form"]');
    expect(await page.textContent('[data-testid="sign-in-notice"]')).toContain('Signed out');
    // The session is gone on the server too: a reload stays on the sign-in page.
    await page.reload();
    await page.waitForSelector('[data-testid="sign-in-form"]');
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await page.close();
  });

  it('tells the user when sign-ins are rate limited', async () => {
    const victim = await account('analyst');
    const { page } = await openPage(browser, `${base}/`, null);
    await page.waitForSelector('[data-testid="sign-in-form"]');
    let message = '';
    for (let i = 0; i < 6 && !message.includes('Too many'); i++) {
      await page.fill('[data-testid="sign-in-email"]', victim.email);
      await page.fill('[data-testid="sign-in-password"]', `wrong password ${i}`);
      await page.click('[data-testid="sign-in-submit"]');
      await expect.poll(async () => (await page.locator('[data-testid="sign-in-submit"]').isEnabled()) && (await page.locator('[data-testid="sign-in-error"]').count())).toBeTruthy();
      message = (await page.textContent('[data-testid="sign-in-error"]')) ?? '';
    }
    expect(message).toContain('Too many failed sign-ins');
    await screenshot(page, 'sign-in-rate-limited');
    await page.close();
  });

  it('shows partners withheld counts (never 0), the disclosure note and no incident points', async () => {
    const partner = await account('partner');
    const window = 'cat=robbery&from=2018-06&to=2018-07';
    const partnerApi = await clientFor(baseApp, db, 'partner');
    const stats = (await (await partnerApi.request(`/api/stats/areas?level=ward&category=robbery&from=2018-06&to=2018-07`)).json()) as {
      areas: { code: string; count: number | null; suppressed: boolean }[];
      disclosure: { min_count: number };
    };
    const withheld = stats.areas.filter((a) => a.suppressed).length;
    expect(withheld).toBeGreaterThan(1);

    const { page, errors } = await openPage(browser, `${base}/?${window}&layers=choropleth,outlines,labels,hexes,incidents`, partner);
    const incidentRequests: string[] = [];
    page.on('request', (r) => r.url().includes('/api/incidents') && incidentRequests.push(r.url()));
    await waitForMapIdle(page);
    await expect.poll(() => page.locator('[data-testid="ranking-row"]').count()).toBe(19);
    expect(await page.textContent('[data-testid="user-role"]')).toBe('Partner');
    expect(await page.locator('[data-testid="layer-toggle-incidents"]').count()).toBe(0);
    expect(await page.locator('[data-testid="withheld-count"]').count()).toBe(withheld);
    const counts = await page.locator('[data-testid="ranking-row"] td.num:nth-child(3)').allTextContents();
    for (const c of counts) expect(c === 'withheld' || Number(c.replace(/,/g, '')) >= stats.disclosure.min_count).toBe(true);
    expect(await page.textContent('[data-testid="legend-withheld-note"]')).toContain(`Counts below ${stats.disclosure.min_count} are withheld for partners`);
    expect(await page.textContent('[data-testid="disclosure-note"]')).toContain(`Counts below ${stats.disclosure.min_count}`);
    // A withheld ward's details say so instead of showing a number.
    await page.locator('[data-testid="ranking-row"]:has([data-testid="withheld-count"])').first().click();
    await page.waitForSelector('[data-testid="detail-panel"] [data-testid="sparkline"]');
    expect(await page.textContent('[data-testid="detail-count"]')).toBe('withheld');
    await waitForMapIdle(page);
    await screenshot(page, 'map-partner');
    expect(incidentRequests).toEqual([]);
    expect(await page.locator('[data-testid="nav-import"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers officers the points layer for their wards only', async () => {
    const officer = await account('officer', [LEWISHAM_WARD_CODES[0]]);
    const { page, errors } = await openPage(browser, `${base}/?layers=outlines,labels`, officer);
    await waitForMapIdle(page);
    expect(await page.textContent('[data-testid="layers"]')).toContain('Incident points (your ward)');
    const response = page.waitForResponse((r) => r.url().includes('/api/incidents'));
    await page.check('[data-testid="layer-toggle-incidents"]');
    const fc = await (await response).json();
    expect(fc.features.length).toBeGreaterThan(0);
    expect(new Set(fc.features.map((f: any) => f.properties.ward_code))).toEqual(new Set([LEWISHAM_WARD_CODES[0]]));
    await waitForMapIdle(page);
    expect(await page.locator('[data-testid="export-incidents"]').count()).toBe(0);
    await screenshot(page, 'map-officer');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exports the ward table and incident records after asking for purpose and recipient', async () => {
    const { page, errors } = await openPage(browser, `${base}/?layers=outlines,labels,hexes`);
    await waitForMapIdle(page);
    await page.click('[data-testid="export-areas"]');
    await page.waitForSelector('[data-testid="export-dialog"]');
    // Nothing is sent without a purpose and a recipient.
    await page.click('[data-testid="export-submit"]');
    expect(await page.locator('[data-testid="export-done"]').count()).toBe(0);
    await page.fill('[data-testid="export-purpose"]', EXPORT_PURPOSE);
    await page.fill('[data-testid="export-recipient"]', 'Lewisham CSP');
    await screenshot(page, 'export-dialog');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(download.suggestedFilename()).toMatch(/^ward-.*\.csv$/);
    expect(csv[0]).toBe('code,name,count,population,population_rule,rate_per_1000,previous_count,change');
    // 19 wards, the outside and total rows, then notes on missing data (none for a covered period) and the coverage rule.
    expect(csv.slice(20, 22).map((l) => l.split(',')[0])).toEqual(['outside_study_area', 'total']);
    expect(csv.slice(22).map((l) => l.split(',')[0])).toEqual(['coverage_rule']);
    await page.waitForSelector('[data-testid="export-done"]');
    await page.click('[data-testid="export-cancel"]');

    await page.click('[data-testid="export-incidents"]');
    await page.fill('[data-testid="export-purpose"]', 'Problem-solving plan for Lewisham Central');
    await page.fill('[data-testid="export-recipient"]', 'Lewisham police problem-solving hub');
    await page.selectOption('[data-testid="export-format"]', 'geojson');
    await page.check('[data-testid="export-in-view"]');
    const [gj] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    const fc = JSON.parse(fs.readFileSync((await gj.path())!, 'utf8'));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(100);
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

    const { url: withBasemap } = await startApp(styleUrl);
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

    const { url: unreachable } = await startApp('http://127.0.0.1:9/style.json');
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

    // Importing the same large file again keeps nothing twice.
    await page.setInputFiles('[data-testid="import-file"]', VIOLENCE);
    await page.click('[data-testid="import-submit"]');
    // Progress shows while the job runs (a re-import of known rows may finish before the first poll).
    await page.waitForSelector('[data-testid="import-progress"], [data-testid="import-job"][data-status="committed"]', { timeout: 60_000 });
    await screenshot(page, 'import-progress');
    // The job view of this file (the previous upload's committed view may still be on the page for a moment).
    await page.locator('[data-testid="import-job"][data-status="committed"]', { hasText: path.basename(VIOLENCE) }).waitFor({ timeout: 120_000 });
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

  it('creates the first administrator from the setup link', async () => {
    // Tests share one database: the setup page only works while no account exists.
    await db.exec('DELETE FROM users');
    const token = await createSetupToken(db);
    expect(token).toBeTruthy();
    const { page, errors } = await openPage(browser, `${base}/setup#token=${token}`, null);
    await page.waitForSelector('[data-testid="setup-form"]');
    expect(page.url()).not.toContain('token');
    expect(await page.locator('[data-testid="setup-token-present"]').count()).toBe(1);
    admin = { email: uniqueEmail('admin'), password: 'a long enough admin password' };
    await page.fill('[data-testid="setup-name"]', 'First Admin');
    await page.fill('[data-testid="setup-email"]', admin.email);
    await page.fill('[data-testid="setup-password"]', 'too short');
    await page.fill('[data-testid="setup-confirm"]', 'too short');
    await page.click('[data-testid="setup-submit"]');
    expect(await page.textContent('[data-testid="setup-error"]')).toContain('at least 12 characters');
    await screenshot(page, 'setup-page');
    await page.fill('[data-testid="setup-password"]', admin.password);
    await page.fill('[data-testid="setup-confirm"]', admin.password);
    // An administrator only (the first-hour test covers "I will also analyse data").
    await page.uncheck('[data-testid="setup-also-analyst"]');
    await page.click('[data-testid="setup-submit"]');
    await page.waitForSelector('[data-testid="user-role"]');
    expect(await page.textContent('[data-testid="user-role"]')).toBe('Administrator');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.locator('[data-testid="nav-users"]').count()).toBe(1);
    expect(await page.locator('[data-testid="nav-import"]').count()).toBe(0);
    await waitForMapIdle(page);
    await screenshot(page, 'setup-done-admin-map');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lets an administrator add a user, create an API token and read and export the audit log', async () => {
    const { page, errors } = await openPage(browser, `${base}/admin/users`, admin);
    await page.waitForSelector('[data-testid="users-table"]');
    const officer = uniqueEmail('officer');
    await page.fill('[data-testid="add-user-email"]', officer);
    await page.fill('[data-testid="add-user-name"]', 'Ward Officer');
    await page.selectOption('[data-testid="add-user-role"]', 'officer');
    await page.fill('[data-testid="add-user-areas"]', `${LEWISHAM_WARD_CODES[0]}, ${LEWISHAM_WARD_CODES[1]}`);
    await page.fill('[data-testid="add-user-password"]', 'an officer password');
    await page.click('[data-testid="add-user-submit"]');
    const row = page.locator(`[data-testid="user-row"][data-email="${officer}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(LEWISHAM_WARD_CODES[1]);
    expect(await row.locator('[data-testid="user-role-cell"]').textContent()).toBe('Officer');

    // Disable and enable again.
    await row.locator('[data-testid="user-toggle-disabled"]').click();
    await expect.poll(() => row.locator('[data-testid="user-status"]').textContent()).toBe('Disabled');
    await row.locator('[data-testid="user-toggle-disabled"]').click();
    await expect.poll(() => row.locator('[data-testid="user-status"]').textContent()).toBe('Active');

    await row.locator('[data-testid="user-new-token"]').click();
    await page.check('[data-testid="token-scope-import"]');
    await page.fill('[data-testid="token-label"]', 'browser test');
    await page.click('[data-testid="token-create"]');
    const token = await (await page.waitForSelector('[data-testid="token-value"]')).textContent();
    expect(token).toMatch(/^spt_/);
    await screenshot(page, 'admin-token-once');
    await page.click('[data-testid="token-close"]');
    await expect.poll(() => page.locator('[data-testid="token-row"]').count()).toBe(1);
    await screenshot(page, 'admin-users');

    await page.click('[data-testid="nav-settings"]');
    await page.waitForSelector('[data-testid="settings-page"]');
    await expect.poll(() => page.inputValue('[data-testid="settings-min-count"]')).toBe('5');
    await page.click('[data-testid="settings-save"]');
    await page.waitForSelector('[data-testid="settings-saved"]');

    await page.click('[data-testid="nav-audit"]');
    await expect.poll(() => page.locator('[data-testid="audit-row"]').count()).toBeGreaterThan(5);
    const actions = await page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['setup', 'change', 'login', 'export', 'view_records']));
    await page.selectOption('[data-testid="audit-action"]', 'export');
    await page.click('[data-testid="audit-search"]');
    await expect.poll(async () => new Set(await page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))).size).toBe(1);
    expect(await page.textContent('[data-testid="audit-table"]')).toContain(EXPORT_PURPOSE);
    await screenshot(page, 'admin-audit');

    await page.click('[data-testid="audit-export"]');
    await page.fill('[data-testid="export-purpose"]', 'Subject access request review');
    await page.fill('[data-testid="export-recipient"]', 'Data Protection Officer');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('id,at,user_id,user_email,role,via,action,resource,query,record_count,purpose,recipient,ip,outcome');
    expect(csv).toContain(EXPORT_PURPOSE);
    expect(errors).toEqual([]);
    await page.close();
  });
});

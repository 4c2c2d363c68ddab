// Hotspot statistics on the map (issue 4, web) in a real browser against the real app on real Lewisham
// data (2022 wards, police.uk violence and robbery 2016-01..2018-06): the mode switch draws Gi* classes
// on H3 cells and wards with a legend naming method, neighbourhood, correction and harm scheme; a clicked
// cell shows its figures and time profile (the police.uk precision note, no hour-of-week chart); partners
// see classes and "withheld", never z; emerging hot spots with 28-day periods say why they cannot be
// formed (month precision) and work with months; playback steps change the drawn classes while the
// legend's z scale stays fixed; an area drawn with terra-draw (canvas clicks) gets the API's profile for that
// polygon (total, monthly bars, precision note; withheld months for partners); the top-N list exports CSV and
// GeoJSON with h3 through the purpose/recipient dialog; an analyst loads a harm scheme CSV (each refused
// line listed, then a good file listed and selected), partners and officers get no upload.
// Screenshots go to test-results/hotspots-*.png. Needs Debian's Chromium; builds the web app when web/ changed.
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
import { EMERGING_FILL_LAYER, HOTSPOT_FILL_LAYER } from '../../web/src/map/layers/index.js';
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
  type Browser,
  type Credentials,
  type Page,
} from './browser.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const VIOLENCE = SHARED + 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';

const skipReason = chromiumMissingReason() ?? (fs.existsSync(VIOLENCE) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the hotspot browser test: ${skipReason}`);

/** Runs a function in the page against the map (window.__saferplaces.map). */
const onMap = mapRunner('__saferplaces');

type Rendered = { id: string; h3?: string; code?: string; class?: string; count?: number | null; gi_z?: number; suppressed?: boolean; [k: string]: unknown };
/** Distinct units drawn in a layer, with their properties. */
const rendered = (page: Page, layer: string) =>
  onMap(
    page,
    (map, l) => {
      const seen = new Map();
      for (const f of map.queryRenderedFeatures({ layers: [l] })) if (!seen.has(f.properties.id)) seen.set(f.properties.id, f.properties);
      return [...seen.values()];
    },
    layer,
  ) as Promise<Rendered[]>;

const tallyOf = (rows: Rendered[], key: string) => {
  const t: Record<string, number> = {};
  for (const r of rows) t[String(r[key])] = (t[String(r[key])] ?? 0) + 1;
  return t;
};

/** Clicks the map canvas at a unit's centre (h3 cell: its centre; found through the rendered feature). */
async function clickUnit(page: Page, layer: string, id: string) {
  const pt = await onMap(
    page,
    (map, a) => {
      const f = map.queryRenderedFeatures({ layers: [a.layer] }).find((x: any) => x.properties.id === a.id);
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      const n = ring.length - 1;
      const c = ring.slice(0, n).reduce((s: number[], p: number[]) => [s[0] + p[0] / n, s[1] + p[1] / n], [0, 0]);
      const p = map.project(c);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    },
    { layer, id },
  );
  await page.mouse.click(pt.x, pt.y);
}

/** Clicks the corners of an area on the canvas after "Draw an area" and the first one again to close it; the profile request's URL. */
async function drawArea(page: Page, corners: [number, number][]): Promise<URL> {
  await page.waitForSelector('[data-testid="draw-area-hint"]');
  const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
  const points = await Promise.all(corners.map((c) => onMap(page, (map, p) => map.project(p), c) as Promise<{ x: number; y: number }>));
  const requested = page.waitForRequest((r) => r.url().includes('/api/profile?') && r.url().includes('polygon='));
  for (const p of [...points, points[0]]) {
    await page.mouse.move(box.x + p.x - 5, box.y + p.y - 5);
    await page.mouse.click(box.x + p.x, box.y + p.y);
  }
  return new URL((await requested).url());
}

/** A quadrilateral around Lewisham town centre (lon, lat); a small one (about 200 m) inside it. */
const AREA: [number, number][] = [[-0.0215, 51.4605], [-0.0045, 51.461], [-0.006, 51.451], [-0.02, 51.4505]];
const SMALL_AREA: [number, number][] = [[-0.014, 51.4565], [-0.011, 51.4565], [-0.011, 51.4545], [-0.014, 51.4545]];

describe.skipIf(skipReason)('hotspot statistics on the map in Chromium on real Lewisham data', () => {
  let db: Db;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let analyst: Credentials;
  let partner: Credentials;
  let api: Client;
  let partnerApi: Client;

  const account = (role: Role) => createAccount(db, role);
  const open = async (url: string, who: Credentials = analyst) => {
    const o = await openPage(browser, `${base}${url}`, { signIn: who, ready: { selector: '[data-testid="hotspot-panel"]', what: 'the map page' } });
    await waitForMapIdle(o.page);
    return o;
  };
  const legend = (page: Page) => page.textContent('[data-testid="hotspot-legend"]') as Promise<string>;
  /** Waits for the legend to name a statistic (text), then for the map to settle. */
  const settled = async (page: Page, text: string) => {
    await page.waitForFunction((t) => document.querySelector('[data-testid="hotspot-legend"]')?.textContent?.includes(t), text, { timeout: 60_000 });
    await waitForMapIdle(page);
  };

  beforeAll(async () => {
    ensureWebBuild(); // rebuilds dist/web when web/ is newer than the build
    db = await testDb('pglite');
    await resetData(db);
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    expect((await importFile(db, VIOLENCE, { kind: 'incidents_csv' })).status).toBe('committed');
    const app = createApp({ db, config: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-hotspots-')), MAX_UPLOAD_MB: 50, BASEMAP_STYLE_URL: undefined } }, { webRoot: await snapshotWebBuild('saferplaces-hotspots-web-') });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    base = await listen(server);
    analyst = await account('analyst');
    partner = await account('partner');
    api = await clientFor(app, db, 'analyst');
    partnerApi = await clientFor(app, db, 'partner');
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });

  it('switches to Gi*: H3 cells coloured by class, legend naming method, neighbourhood, correction and scheme; a clicked cell shows its figures and profile', async () => {
    const { page, errors } = await open('/');
    await page.click('[data-testid="mode-gi"]');
    await settled(page, 'Getis-Ord Gi*');
    expect(page.url()).toContain('hs=gi');
    const text = await legend(page);
    expect(text).toContain('Method: Getis-Ord Gi*');
    expect(text).toContain('Neighbourhood: k-ring k = 1, binary weights, self included');
    expect(text).toContain('Correction: false discovery rate (Benjamini–Hochberg)');
    expect(text).toMatch(/Harm scheme: .+\(count /);

    const cells = await rendered(page, HOTSPOT_FILL_LAYER);
    expect(cells.length).toBeGreaterThan(50);
    expect(cells.every((c) => /^[0-9a-f]{15}$/.test(c.h3!))).toBe(true);
    const res = Number(/H3 res (\d+) cells/.exec(text)![1]);
    // The drawn classes are the API's for the same query.
    const body = (await (await api.request(`/api/hotspots?res=${res}`)).json()) as { cells: { h3: string; class: string; gi_z: number }[] };
    const byH3 = new Map(body.cells.map((c) => [c.h3, c]));
    expect(cells.every((c) => byH3.get(c.h3!)?.class === c.class)).toBe(true);
    const hot = cells.filter((c) => c.class === 'hot_99').sort((a, b) => b.gi_z! - a.gi_z!);
    expect(hot.length).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="legend-gi-classes"] li[data-class="hot_99"]').textContent()).toContain(String(body.cells.filter((c) => c.class === 'hot_99').length));
    await screenshot(page, 'hotspots-gi-cells');

    // Click the hottest cell: its figures and the police.uk precision note instead of an hour-of-week chart.
    await clickUnit(page, HOTSPOT_FILL_LAYER, hot[0].id);
    await page.waitForSelector('[data-testid="hotspot-figures"]');
    expect(page.url()).toContain(`sel=hex:${hot[0].h3}`);
    expect(await page.textContent('[data-testid="hs-class"]')).toBe('Hot spot, 99% confidence');
    expect(await page.textContent('[data-testid="hs-z"]')).toBe(`+${byH3.get(hot[0].h3!)!.gi_z.toFixed(2)}`);
    expect(await page.textContent('[data-testid="hs-padj"]')).toMatch(/^(< 0\.0001|0\.\d+)$/);
    await page.waitForSelector('[data-testid="profile-months"]');
    expect(await page.textContent('[data-testid="profile-precision-note"]')).toContain('month precision only');
    expect(await page.locator('[data-testid="profile-hour-of-week"]').count()).toBe(0);
    await screenshot(page, 'hotspots-gi-detail');

    // Harm scheme and k go into the URL and the legend.
    await page.selectOption('[data-testid="hotspot-scheme"]', 'ons-css');
    await settled(page, '(ons-css');
    await page.selectOption('[data-testid="hotspot-k"]', '2');
    await settled(page, 'k-ring k = 2');
    expect(page.url()).toMatch(/weights=ons-css.*k=2|k=2.*weights=ons-css/);
    expect(await page.textContent('[data-testid="top-list"]')).toContain('ons-css');

    // Wards: queen contiguity; change: the test named.
    await page.selectOption('[data-testid="hotspot-unit"]', 'area');
    await settled(page, 'queen contiguity');
    const wards = await rendered(page, HOTSPOT_FILL_LAYER);
    expect(wards.length).toBe(19);
    expect(wards.every((w) => /^E05/.test(w.code!))).toBe(true);
    await screenshot(page, 'hotspots-gi-wards');
    await page.click('[data-testid="mode-change"]');
    await settled(page, 'C-test');
    expect(await legend(page)).toContain('exact conditional binomial test (C-test) for two Poisson rates');
    await screenshot(page, 'hotspots-change-wards');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a partner sees classes and "withheld", no z-scores or p-values', async () => {
    const { page, errors } = await open('/?hs=gi', partner);
    await settled(page, 'Getis-Ord Gi*');
    expect(await page.textContent('[data-testid="hotspot-scores-withheld"]')).toContain('not shown to partners');
    const cells = await rendered(page, HOTSPOT_FILL_LAYER);
    expect(cells.length).toBeGreaterThan(50);
    expect(cells.some((c) => c.gi_z !== undefined)).toBe(false);
    expect(cells.some((c) => c.class !== 'not_significant')).toBe(true);
    const withheld = cells.find((c) => c.suppressed && c.class === 'not_significant') ?? cells.find((c) => c.suppressed)!;
    expect(withheld).toBeTruthy();
    await clickUnit(page, HOTSPOT_FILL_LAYER, withheld.id);
    await page.waitForSelector('[data-testid="hotspot-figures"]');
    expect(await page.textContent('[data-testid="hs-count"]')).toBe('withheld');
    expect(await page.textContent('[data-testid="hs-value"]')).toBe('withheld');
    expect(await page.locator('[data-testid="hs-z"], [data-testid="hs-p"], [data-testid="hs-padj"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="hs-class"]')).toMatch(/spot|Not significant/);
    // The top list: classes, no z column.
    await page.waitForSelector('[data-testid="top-row"]');
    expect(await page.textContent('[data-testid="top-list"] thead')).not.toContain('z');
    await screenshot(page, 'hotspots-partner');
    expect(errors).toEqual([]);
    await page.close();

    // Playback for partners: per-period classes (no z scale; the API gives no z).
    const em = await open('/?hs=emerging&period=month&step=2', partner);
    await settled(em.page, 'Gi* per period');
    expect(await em.page.locator('[data-testid="legend-z-scale"]').count()).toBe(0);
    expect(await em.page.textContent('[data-testid="legend-playback"]')).toContain('not shown to partners');
    const fill = await onMap(em.page, (map, l) => JSON.stringify(map.getPaintProperty(l, 'fill-color')), EMERGING_FILL_LAYER);
    expect(fill).toContain('"c2"');
    expect((await rendered(em.page, EMERGING_FILL_LAYER)).some((c) => Object.keys(c).some((k) => /^z\d/.test(k)))).toBe(false);
    await screenshot(em.page, 'hotspots-partner-playback');
    expect(em.errors).toEqual([]);
    await em.page.close();
  });

  it('emerging hot spots: 28-day periods are refused with the reason, months work; playback keeps one colour scale', async () => {
    const { page, errors } = await open('/?hs=emerging');
    await page.waitForSelector('[data-testid="month-precision"]', { timeout: 60_000 });
    const msg = await page.textContent('[data-testid="month-precision"]');
    expect(msg).toContain('month of each incident only');
    expect(msg).toContain('Use months or quarters');
    await screenshot(page, 'hotspots-emerging-28d');
    await page.click('[data-testid="use-month"]');
    await settled(page, 'Emerging hot spot pattern');
    expect(page.url()).toContain('period=month');
    expect(await page.locator('[data-testid="month-precision"]').count()).toBe(0);
    // 28 days and weeks are offered no more, with the reason.
    expect(await page.locator('[data-testid="hotspot-period"] option[value="28d"]').isDisabled()).toBe(true);
    const patterns = await rendered(page, EMERGING_FILL_LAYER);
    expect(patterns.length).toBeGreaterThan(50);
    expect(Object.keys(tallyOf(patterns, 'pattern')).length).toBeGreaterThan(1);
    await screenshot(page, 'hotspots-emerging-pattern');

    // Playback: each step draws that period's Gi*; the legend's z scale is the same for every step.
    const classesAt = async (step: number) => {
      await page.waitForFunction((s) => document.querySelector('[data-testid="playback-label"]')?.textContent?.startsWith(`Period ${s + 1} of`), step);
      await waitForMapIdle(page);
      const fill = await onMap(page, (map, l) => JSON.stringify(map.getPaintProperty(l, 'fill-color')), EMERGING_FILL_LAYER);
      expect(fill).toContain(`"z${step}"`);
      return { tally: tallyOf(await rendered(page, EMERGING_FILL_LAYER), `c${step}`), scale: await page.textContent('[data-testid="legend-z-scale"]') };
    };
    await page.click('[data-testid="playback-next"]');
    const first = await classesAt(0);
    await screenshot(page, 'hotspots-playback-1');
    const n = Number(/of (\d+)/.exec((await page.textContent('[data-testid="playback-label"]'))!)![1]);
    expect(n).toBe(12);
    await page.locator('[data-testid="playback-slider"]').fill(String(n - 1));
    const last = await classesAt(n - 1);
    await screenshot(page, 'hotspots-playback-12');
    expect(last.tally).not.toEqual(first.tally);
    expect(last.scale).toBe(first.scale);
    expect(first.scale).toMatch(/z −?\d+\.\d .*\+\d+\.\d/);
    expect(page.url()).toContain(`step=${n - 1}`);
    // The only console errors: the browser logging the API's 400 month_precision answer(s) to the 28-day request.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.close();
  });

  it('draws an area with terra-draw (canvas clicks): its monthly profile, total equal to the API\'s for that polygon, and the precision note; partners see withheld', async () => {
    const { page, errors } = await open('/?at=14/51.4560/-0.0130');
    await page.click('[data-testid="draw-area"]');
    await page.waitForSelector('[data-testid="draw-area-hint"]');
    const url = await drawArea(page, AREA);
    const polygon = JSON.parse(url.searchParams.get('polygon')!) as { type: string; coordinates: number[][][] };
    expect(polygon.type).toBe('Polygon');
    const ring = polygon.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    // The clicked corners (terra-draw may start the ring elsewhere or reverse it).
    for (const c of AREA) expect(ring.some((p) => Math.abs(p[0] - c[0]) < 1e-4 && Math.abs(p[1] - c[1]) < 1e-4)).toBe(true);
    await page.waitForSelector('[data-testid="drawn-area-detail"] [data-testid="profile-months"]');
    // The API's answer for the same polygon and window.
    const body = (await (await api.request(`/api/profile${url.search}`)).json()) as { total: number; months: { month: string; count: number }[] };
    expect(body.total).toBeGreaterThan(100);
    expect(await page.textContent('[data-testid="drawn-total"]')).toBe(body.total.toLocaleString('en-GB'));
    // The chart's bars (their titles "Month YYYY: n") add up to the same total, one bar per month.
    const bars = await page.locator('[data-testid="drawn-area-detail"] [data-testid="profile-months"] rect title').allTextContents();
    expect(bars).toHaveLength(body.months.length);
    expect(bars.reduce((s, t) => s + Number(/: (\d+)$/.exec(t)![1]), 0)).toBe(body.total);
    expect(await page.textContent('[data-testid="drawn-area-detail"] [data-testid="profile-precision-note"]')).toContain('month precision only');
    expect(await page.locator('[data-testid="drawn-area-detail"] [data-testid="profile-hour-of-week"]').count()).toBe(0);
    // The closing click did not select a ward.
    expect(page.url()).not.toContain('sel=');
    await waitForMapIdle(page);
    await screenshot(page, 'hotspots-drawn-area');
    await page.click('[data-testid="drawn-area-clear"]');
    expect(await page.locator('[data-testid="drawn-area-detail"]').count()).toBe(0);
    const left = await onMap(page, (map) => map.queryRenderedFeatures().filter((f: any) => f.source.startsWith('td-')).length);
    expect(left).toBe(0);
    expect(errors).toEqual([]);
    await page.close();

    // A partner, small area: small monthly counts are withheld (hatched bars, "withheld" in their titles), as the API's.
    const pp = await open('/?at=14/51.4560/-0.0130', partner);
    await pp.page.click('[data-testid="draw-area"]');
    const purl = await drawArea(pp.page, SMALL_AREA);
    await pp.page.waitForSelector('[data-testid="drawn-area-detail"] [data-testid="profile-months"]');
    const pbody = (await (await partnerApi.request(`/api/profile${purl.search}`)).json()) as { total: number | null; months: { count: number | null }[] };
    const withheld = pbody.months.filter((m) => m.count === null).length;
    expect(withheld).toBeGreaterThan(0);
    expect(await pp.page.textContent('[data-testid="drawn-total"]')).toBe(pbody.total === null ? 'withheld' : pbody.total.toLocaleString('en-GB'));
    const ptitles = await pp.page.locator('[data-testid="drawn-area-detail"] [data-testid="profile-months"] rect title').allTextContents();
    expect(ptitles.filter((t) => t.endsWith(': withheld'))).toHaveLength(withheld);
    await screenshot(pp.page, 'hotspots-drawn-area-partner');
    expect(pp.errors).toEqual([]);
    await pp.page.close();
  });

  it('the top-N list exports CSV and GeoJSON with h3 through the purpose/recipient dialog', async () => {
    const { page, errors } = await open('/?hs=gi&top=10');
    await settled(page, 'Getis-Ord Gi*');
    await expect.poll(() => page.locator('[data-testid="top-row"]').count()).toBe(10);
    await screenshot(page, 'hotspots-top-list');
    const firstH3 = await page.locator('[data-testid="top-row"]').first().getAttribute('data-id');
    await page.click('[data-testid="top-export"]');
    await page.fill('[data-testid="export-purpose"]', 'Hot spot briefing for the CSP meeting');
    await page.fill('[data-testid="export-recipient"]', 'Lewisham CSP');
    await page.selectOption('[data-testid="export-format"]', 'csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(download.suggestedFilename()).toMatch(/^hotspots-h3-res\d+-.*\.csv$/);
    expect(lines[0]).toMatch(/^# Getis-Ord Gi\*; .*correction fdr; harm scheme count/);
    expect(lines[1]).toBe('h3,partial,rank,count,value,gi_z,p,p_adjusted,class');
    expect(lines).toHaveLength(12);
    expect(lines[2]).toMatch(new RegExp(`^${firstH3},(true|false),1,`));
    await page.waitForSelector('[data-testid="export-done"]');
    await screenshot(page, 'hotspots-export');
    // GeoJSON: the same 10 cells as hexagon polygons with h3 in their properties.
    await page.selectOption('[data-testid="export-format"]', 'geojson');
    const [gj] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    const fc = JSON.parse(fs.readFileSync((await gj.path())!, 'utf8')) as { features: { geometry: { type: string; coordinates: number[][][] }; properties: { h3: string; rank: number } }[] };
    expect(gj.suggestedFilename()).toMatch(/\.geojson$/);
    expect(fc.features).toHaveLength(10);
    expect(fc.features[0].properties).toMatchObject({ h3: firstH3, rank: 1 });
    expect(fc.features.every((f) => f.geometry.type === 'Polygon' && f.geometry.coordinates[0].length === 7)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
  it('an analyst loads a harm scheme CSV: refused lines listed, then the scheme listed and selected; partners and officers get no upload', async () => {
    // The scheme is written from the real category list the API serves.
    const cats = ((await (await api.request('/api/categories')).json()) as { categories: { slug: string; label: string }[] }).categories;
    expect(cats.length).toBeGreaterThanOrEqual(14);
    const weightOf = (i: number) => (i + 1) * 1.5;
    const good = ['category,weight', ...cats.map((c, i) => `${i % 2 ? c.slug : c.label},${weightOf(i)}`)].join('\n') + '\n';
    const bad = ['category,weight', `${cats[0].label},2`, 'not-a-crime,1', `${cats[1].slug},-3`, `${cats[0].slug},4`].join('\n') + '\n';
    const listed = async () => ((await (await api.request('/api/harm-schemes')).json()) as { schemes: { name: string }[] }).schemes.map((x) => x.name);
    const before = await listed();

    const { page, errors } = await open('/?hs=gi');
    await settled(page, 'Getis-Ord Gi*');
    await page.click('[data-testid="scheme-upload"] summary');
    await page.setInputFiles('[data-testid="scheme-file"]', { name: 'Force harm 2024.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    expect(await page.inputValue('[data-testid="scheme-name"]')).toBe('force-harm-2024'); // suggested from the file name
    await page.fill('[data-testid="scheme-name"]', 'Bad Name');
    expect(await page.textContent('[data-testid="scheme-name-error"]')).toContain('lower-case letters');
    expect(await page.isDisabled('[data-testid="scheme-submit"]')).toBe(true);
    await page.fill('[data-testid="scheme-name"]', 'test-harm');
    await page.fill('[data-testid="scheme-label"]', 'Test harm scheme');
    await page.fill('[data-testid="scheme-version"]', '2024-browser');
    await page.click('[data-testid="scheme-submit"]');
    await page.waitForSelector('[data-testid="scheme-problems"]');
    const problems = await page.locator('[data-testid="scheme-problems"] li').allTextContents();
    expect(problems).toEqual([
      expect.stringMatching(/^line 3: unknown category "not-a-crime"/),
      expect.stringMatching(/^line 4: negative weight "-3"/),
      `line 5: duplicate category "${cats[0].slug}" (first on line 2)`,
    ]);
    expect(await page.textContent('[data-testid="scheme-error"]')).toContain('Force harm 2024.csv was not loaded: 3 problems. Nothing was changed.');
    expect(await listed()).toEqual(before);
    await screenshot(page, 'hotspots-scheme-refused');

    await page.setInputFiles('[data-testid="scheme-file"]', { name: 'Force harm 2024.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.click('[data-testid="scheme-submit"]');
    await page.waitForSelector('[data-testid="scheme-loaded"]');
    expect(await page.textContent('[data-testid="scheme-loaded"]')).toBe(`Loaded “Test harm scheme” (${cats.length} categories weighted) from Force harm 2024.csv and selected it.`);
    expect(await page.locator('[data-testid="scheme-problems"]').count()).toBe(0);
    expect(await page.inputValue('[data-testid="scheme-name"]')).toBe(''); // the form is ready for another file
    expect(await page.isDisabled('[data-testid="scheme-submit"]')).toBe(true);
    // Listed, selected, in the URL and in the legend; the map drawn with its weights.
    await expect.poll(() => page.locator('[data-testid="hotspot-scheme"] option[value="test-harm"]').textContent()).toBe('Test harm scheme');
    expect(await page.inputValue('[data-testid="hotspot-scheme"]')).toBe('test-harm');
    await settled(page, '(test-harm');
    expect(page.url()).toContain('weights=test-harm');
    expect(await page.textContent('[data-testid="hotspot-scheme-source"]')).toBe('2024-browser — user-supplied CSV');
    expect(await listed()).toEqual([...before, 'test-harm']);
    const res = Number(/H3 res (\d+) cells/.exec(await legend(page))![1]);
    const body = (await (await api.request(`/api/hotspots?res=${res}&weights=test-harm`)).json()) as {
      cells: { h3: string; value: number; class: string }[];
      meta: { scheme: { name: string }; window: { from: string; to: string }; total: { value: number }; outside_study_area: { value: number } };
    };
    expect(body.meta.scheme.name).toBe('test-harm');
    // Values are the CSV's weights: the file holds violence and robbery only.
    const w = new Map(cats.map((c, i) => [c.slug, weightOf(i)]));
    const [{ n, value }] = await db.query<{ n: number; value: number }>(
      `SELECT count(*)::int AS n, sum(CASE category WHEN 'robbery' THEN $1::float8 WHEN 'violent-crime' THEN $2::float8 END)::float8 AS value FROM incidents
       WHERE occurred_at >= $3::timestamp AND occurred_at < $4::timestamp`,
      [w.get('robbery'), w.get('violent-crime'), body.meta.window.from, body.meta.window.to],
    );
    expect(value).not.toBe(n);
    expect(body.meta.total.value + body.meta.outside_study_area.value).toBeCloseTo(value, 6);
    const byH3 = new Map(body.cells.map((c) => [c.h3, c]));
    const drawn = await rendered(page, HOTSPOT_FILL_LAYER);
    expect(drawn.length).toBeGreaterThan(50);
    expect(drawn.every((c) => byH3.get(c.h3!)?.value === c.value && byH3.get(c.h3!)?.class === c.class)).toBe(true);
    await screenshot(page, 'hotspots-scheme-loaded');
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]); // the browser logs the refused upload's 400
    await page.close();

    // Partners and officers: the new scheme is offered, the upload is not.
    for (const role of ['partner', 'officer'] as const) {
      const o = await open('/?hs=gi', role === 'partner' ? partner : await account('officer'));
      await settled(o.page, 'Getis-Ord Gi*');
      expect(await o.page.locator('[data-testid="hotspot-scheme"] option[value="test-harm"]').count()).toBe(1);
      expect(await o.page.locator('[data-testid="scheme-upload"], [data-testid="scheme-file"]').count()).toBe(0);
      if (role === 'officer') await screenshot(o.page, 'hotspots-scheme-officer');
      expect(o.errors).toEqual([]);
      await o.page.close();
    }
  });
});

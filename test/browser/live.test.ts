// Tasking meetings in a real browser, against the real app and real Lewisham data (issue 7): an import
// shows on another open map within 2 s; a follower's map moves when the presenter's moves and comes
// back when it leaves; presentation mode at 1920x1080; the tasking pack prints to PDF with its tables;
// partners see "withheld". Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
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
import { createAccount } from '../helpers/auth.js';
import {
  chromiumMissingReason,
  closeServer,
  ensureWebBuild,
  launchBrowser,
  listen,
  openPage,
  screenshot,
  waitForMapIdle,
  WEB_ROOT,
  type Browser,
  type Credentials,
  type Page,
} from './browser.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const BURGLARY = SHARED + 'lewisham_burglary_street_2022-03_2025-02.csv';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-live-web-'));

const skipReason = chromiumMissingReason() ?? (fs.existsSync(SHARED) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the live browser test: ${skipReason}`);

/** Lines [from, to) of the burglary file as a police.uk street CSV (header kept). */
function slice(from: number, to: number): string {
  const lines = fs.readFileSync(BURGLARY, 'utf8').trimEnd().split('\n');
  const file = path.join(tmp, `burglary-${from}-${to}.csv`);
  fs.writeFileSync(file, [lines[0], ...lines.slice(from, to)].join('\n') + '\n');
  return file;
}

const mapCentre = (page: Page) => page.evaluate(() => (window as any).__saferplaces.map.getCenter().toArray() as [number, number]);
const extentCount = async (page: Page) => Number(((await page.textContent('[data-testid="data-extent"]')) ?? '').split(' ')[0].replace(/,/g, ''));

/** The limit for new incidents to show on every open map. */
const LIVE_LIMIT = 2000;
/** Other waits (the follower, the ranking): generous, their latencies are printed, not limited by the issue. */
const LIVE_TIMEOUT = 10_000;

describe.skipIf(skipReason)('live map, meetings and the tasking pack in Chromium', () => {
  let db: Db;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let analyst: Credentials;
  let officer: Credentials;
  let partner: Credentials;

  const account = (role: Role) => createAccount(db, role);

  beforeAll(async () => {
    ensureWebBuild({ onlyIfMissing: true });
    db = await testDb('pglite');
    await resetData(db);
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    expect((await importFile(db, slice(1, 5400))).status).toBe('committed');
    const app = createApp({ db, config: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-live-web-')), MAX_UPLOAD_MB: 50 } }, { webRoot: WEB_ROOT });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    base = await listen(server);
    analyst = await account('analyst');
    officer = await account('officer');
    partner = await account('partner');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });

  // The time limit (2 s, commit to the other open map) is asserted for the map's count on both pages,
  // as the issue asks, and the latency printed (280 ms seen in a loaded CI run). Nothing in the page polls:
  // the update is pushed over /api/live.
  it('an import appears on another open map within 2 seconds, with a toast', async () => {
    const a = await openPage(browser, `${base}/`, { signIn: analyst });
    const b = await openPage(browser, `${base}/?layers=outlines,labels,hexes`, { signIn: officer });
    await Promise.all([waitForMapIdle(a.page), waitForMapIdle(b.page)]);
    // Both pages are subscribed to the feed (the `ready` event arrived) before the import.
    await Promise.all([a.page.waitForSelector('html[data-live-feed="open"]'), b.page.waitForSelector('html[data-live-feed="open"]')]);
    const before = await extentCount(b.page);
    const rankingBefore = await b.page.textContent('[data-testid="ranking-total"]');
    expect(before).toBeGreaterThan(5000);

    const s = await importFile(db, slice(5400, 5420));
    const committed = Date.now();
    expect(s.status).toBe('committed');
    expect(s.imported).toBe(20);
    await b.page.waitForFunction((n) => Number(document.querySelector('[data-testid="data-extent"]')?.textContent?.split(' ')[0].replace(/,/g, '')) === n, before + 20, { timeout: LIVE_LIMIT });
    const took = Date.now() - committed;
    await a.page.waitForFunction((n) => Number(document.querySelector('[data-testid="data-extent"]')?.textContent?.split(' ')[0].replace(/,/g, '')) === n, before + 20, { timeout: LIVE_LIMIT });
    expect(await b.page.textContent('[data-testid="live-toast"]')).toContain('20 new incidents (batch');
    // The ranking table (area statistics) refreshed too.
    await expect.poll(() => b.page.textContent('[data-testid="ranking-total"]'), { timeout: LIVE_TIMEOUT }).not.toBe(rankingBefore);
    console.log(`import visible on the other page ${took} ms after commit (target: 2,000 ms)`);
    await screenshot(b.page, 'live-toast');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.page.close();
    await b.page.close();
  });

  it('a follower moves with the presenter, and gets its own view back on leaving', async () => {
    const presenter = await openPage(browser, `${base}/present`, { signIn: analyst, viewport: { width: 1920, height: 1080 } });
    const follower = await openPage(browser, `${base}/?at=12.00/51.46000/-0.05000`, { signIn: partner });
    await Promise.all([waitForMapIdle(presenter.page), waitForMapIdle(follower.page)]);
    const own = await mapCentre(follower.page);

    await presenter.page.click('[data-testid="meeting-start"]');
    const code = (await presenter.page.textContent('[data-testid="meeting-code"]'))!.trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    // Partners follow but may not present.
    expect(await follower.page.locator('[data-testid="meeting-start"]').count()).toBe(0);
    await follower.page.click('[data-testid="meeting-join"]');
    await follower.page.fill('[data-testid="meeting-code-input"]', code);
    await follower.page.click('[data-testid="meeting-join-submit"]');
    await follower.page.waitForSelector('[data-testid="meeting-following"]');

    const target: [number, number] = [-0.0137, 51.4657];
    await presenter.page.evaluate((c) => (window as any).__saferplaces.map.jumpTo({ center: c, zoom: 14.5 }), target);
    const moved = Date.now();
    await expect
      .poll(async () => {
        const [lng, lat] = await mapCentre(follower.page);
        return Math.abs(lng - target[0]) < 1e-4 && Math.abs(lat - target[1]) < 1e-4;
      }, { timeout: LIVE_TIMEOUT, interval: 100 })
      .toBe(true);
    console.log(`follower moved ${Date.now() - moved} ms after the presenter`);
    expect(await follower.page.evaluate(() => (window as any).__saferplaces.map.getZoom())).toBeCloseTo(14.5, 2);
    // Layers and filters follow too: the presenter turns the ward choropleth on.
    await presenter.page.evaluate(() => {
      const u = new URL(location.href);
      u.searchParams.set('layers', 'choropleth,outlines,labels,hexes');
      history.pushState(null, '', u);
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await expect.poll(() => follower.page.evaluate(() => new URL(location.href).searchParams.get('layers')), { timeout: LIVE_TIMEOUT }).toBe('choropleth,outlines,labels,hexes');
    await waitForMapIdle(follower.page);
    await screenshot(follower.page, 'live-follower');

    await follower.page.click('[data-testid="meeting-leave"]');
    await expect
      .poll(async () => {
        const [lng, lat] = await mapCentre(follower.page);
        return Math.abs(lng - own[0]) < 1e-4 && Math.abs(lat - own[1]) < 1e-4;
      }, { timeout: LIVE_TIMEOUT })
      .toBe(true);
    expect(await follower.page.evaluate(() => new URL(location.href).searchParams.get('layers'))).toBeNull();

    await presenter.page.click('[data-testid="meeting-end"]');
    await presenter.page.waitForSelector('[data-testid="meeting-start"]');
    expect(presenter.errors).toEqual([]);
    expect(follower.errors).toEqual([]);
    await presenter.page.close();
    await follower.page.close();
  });

  it('presentation mode at 1920x1080: headline strip, hotspots, ward league, legend, month comparison', async () => {
    const { page, errors } = await openPage(browser, `${base}/present?layers=choropleth,outlines,labels,hexes`, { signIn: analyst, viewport: { width: 1920, height: 1080 } });
    await waitForMapIdle(page);
    await page.waitForSelector('[data-testid="pack-ward-row"]');
    // police.uk data are month-precision: the comparison is one month, and it says so.
    expect(await page.textContent('[data-testid="present-period"]')).toContain('previous one month');
    expect(await page.textContent('[data-testid="present-period"]')).toContain('whole months');
    expect(await page.locator('[data-testid="pack-category-row"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="pack-hotspot-row"]').count()).toBe(5);
    expect(await page.locator('[data-testid="pack-ward-row"]').count()).toBe(8);
    expect(await page.locator('[data-testid="present-legend"] li').count()).toBeGreaterThanOrEqual(3);
    // "Since the last meeting" counts from the meeting ended above, as the server recorded it.
    expect(await page.textContent('[data-testid="pack-changes"]')).toMatch(/since the meeting of \d{1,2} [A-Z][a-z]{2}, \d\d:\d\d in /);
    await screenshot(page, 'present-1920');
    // The view is the URL: reopening it shows the same position.
    await page.evaluate(() => (window as any).__saferplaces.map.jumpTo({ center: [-0.02, 51.45], zoom: 13 }));
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('at'))).toBe('13.00/51.45000/-0.02000');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the tasking pack renders with map images and tables and prints to PDF', async () => {
    // Two CHB areas: one running through any period the pack may cover, one that ended long before.
    const { createChb } = await import('../../api/planning/chb.js');
    const [w] = await db.query<{ a: string; c: string }>(
      `SELECT a.code AS a, b.code AS c FROM areas a JOIN areas b ON b.level = 'ward' AND NOT ST_DWithin(a.geom::geography, b.geom::geography, 1000)
        WHERE a.level = 'ward' ORDER BY a.code, b.code LIMIT 1`);
    const chb = (name: string, build_end: string) => createChb(db, {
      name, area: { wards: [w.a] }, control: { wards: [w.c] }, buffer_m: 500, baseline: null, notes: null,
      clear_start: '2010-01-01', hold_start: '2010-02-01', build_start: '2010-03-01', build_end,
    }, 'browser-test');
    await chb('Running CHB', '2099-01-01');
    await chb('Ended CHB', '2011-01-01');
    const { page, errors } = await openPage(browser, `${base}/pack?at=13.00/51.45000/-0.02000&layers=choropleth,outlines,labels,hexes`, { signIn: analyst, viewport: { width: 1280, height: 1000 } });
    await page.waitForSelector('[data-testid="pack-page"][data-ready="true"]', { timeout: 90_000 });
    expect(await page.locator('[data-testid="pack-map-image"] img').count()).toBe(2);
    const png = await page.locator('[data-testid="pack-map-image"] img').first().getAttribute('src');
    expect(png!.startsWith('data:image/png;base64,')).toBe(true);
    expect(png!.length).toBeGreaterThan(20_000);
    expect(await page.locator('[data-testid="pack-category-row"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="pack-hotspot-row"]').count()).toBe(20);
    expect(await page.locator('[data-testid="pack-ward-row"]').count()).toBe(19);
    expect(await page.locator('[data-testid="pack-patrol-row"]').count()).toBeGreaterThan(0);
    // The planning sections are the server's: the running CHB area only, in its Build phase; no outreach venues.
    expect(await page.locator('[data-testid="pack-chb-row"]').allTextContents()).toEqual([expect.stringMatching(/^Running CHBBuild2010-01-01/)]);
    expect(await page.textContent('[data-testid="pack-outreach"]')).toContain('no candidate venues loaded');
    await screenshot(page, 'pack-page');
    await page.locator('[data-testid="pack-chb"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'pack-planning');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'pack-print');
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.mkdirSync('test-results', { recursive: true });
    fs.writeFileSync('test-results/tasking-pack.pdf', pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(50_000);
    // The zip goes through the purpose/recipient dialog.
    await page.click('[data-testid="pack-zip"]');
    await page.fill('[data-testid="export-purpose"]', 'Tasking meeting briefing');
    await page.fill('[data-testid="export-recipient"]', 'Lewisham CSP tasking group');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    expect(download.suggestedFilename()).toMatch(/^tasking-pack-.*\.zip$/);
    // Page and zip agree: the same patrol boxes (rank and grid reference) and CHB areas.
    const { strFromU8, unzipSync } = await import('fflate');
    const zip = unzipSync(new Uint8Array(fs.readFileSync((await download.path())!)));
    const csvRows = (name: string) => strFromU8(zip[name]).trim().split('\n').slice(1).map((l) => l.split(','));
    const pageBoxes = (await page.locator('[data-testid="pack-patrol-row"]').evaluateAll((rows) => rows.map((r) => [r.children[0].textContent, r.children[4].textContent])));
    expect(csvRows('patrol-boxes.csv').map((c) => [c[1], `${c[4]}, ${c[5]}`])).toEqual(pageBoxes);
    expect(csvRows('chb-areas.csv').map((c) => c[1])).toEqual(['Running CHB']);
    expect(Object.keys(zip)).not.toContain('outreach-sites.csv');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('partners get withheld counts in the pack and no patrol proposals', async () => {
    const { page, errors } = await openPage(browser, `${base}/pack`, { signIn: partner });
    await page.waitForSelector('[data-testid="pack-page"][data-ready="true"]', { timeout: 90_000 });
    expect(await page.textContent('[data-testid="pack-wards"]')).toContain('withheld');
    expect(await page.textContent('[data-testid="pack-patrol"]')).toContain('not available to your role');
    expect(await page.textContent('[data-testid="pack-outreach"]')).toContain('not available to your role');
    expect(await page.locator('[data-testid="pack-chb-row"]').count()).toBe(1);
    await screenshot(page, 'pack-partner');
    await page.locator('[data-testid="pack-chb"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'pack-partner-planning');
    expect(errors).toEqual([]);
    await page.close();
  });
});

// Tasking meetings in a real browser, against the real app and real Lewisham data (issue 7): an upload
// through the import screen in one page shows on a map open in another, and incidents pushed through
// POST /api/incidents (an ingest-scoped API token) show on both open maps, within 2 s; a follower
// follows the presenter's position, layers, categories and time window and gets its own view back on
// leaving; presentation mode at 1920x1080; the tasking pack prints to PDF with its tables (text read
// back from the PDF with pdf.js); partners see "withheld". Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import type { Role } from '../../api/auth/roles.js';
import { createToken, createUser } from '../../api/auth/store.js';
import { resetData, resetPlanning, SHARED, testDb } from '../helpers/db.js';
import { createAccount, TEST_PASSWORD, uniqueEmail } from '../helpers/auth.js';
import {
  chromiumMissingReason,
  closeServer,
  ensureWebBuild,
  launchBrowser,
  listen,
  openPage,
  screenshot,
  snapshotWebBuild,
  waitForMapIdle,
  type Browser,
  type Credentials,
  type Page,
} from './browser.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const BURGLARY = SHARED + 'lewisham_burglary_street_2022-03_2025-02.csv';
/**
 * All categories, police.uk API layout: its last two months (lines 67909–73261, May–June 2018) give the
 * follower test categories to filter; 30 rows of April 2018 before them are the upload (a month away
 * from the pack's period, whose hotspots the pack tests check).
 */
const ALL_CRIME = SHARED + 'lewisham_street_all_api_2016-01_2018-06.csv';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-live-web-'));

const skipReason = chromiumMissingReason() ?? (fs.existsSync(SHARED) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the live browser test: ${skipReason}`);

/** Lines [from, to) of a CSV file (header kept), as a file. */
function slice(from: number, to: number, file = BURGLARY): string {
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const out = path.join(tmp, `${path.basename(file, '.csv')}-${from}-${to}.csv`);
  fs.writeFileSync(out, [lines[0], ...lines.slice(from, to)].join('\n') + '\n');
  return out;
}

/** Lines [from, to) of the police.uk burglary file as POST /api/incidents items (a force system's push). */
function ingestItems(from: number, to: number) {
  const rows: Record<string, string>[] = parse(fs.readFileSync(slice(from, to)), { columns: true });
  return rows.map((r) => ({
    id: r['Crime ID'],
    category: 'burglary',
    occurred_at: r.Month,
    lon: Number(r.Longitude),
    lat: Number(r.Latitude),
    location: r.Location,
    outcome: r['Last outcome category'] || undefined,
  }));
}

const mapCentre = (page: Page) => page.evaluate(() => (window as any).__saferplaces.map.getCenter().toArray() as [number, number]);
const extentCount = async (page: Page) => Number(((await page.textContent('[data-testid="data-extent"]')) ?? '').split(' ')[0].replace(/,/g, ''));

/**
 * The time (the page's clock: the machine's, as Node's and the database's) when the page's header first
 * shows `n` incidents, seen by a MutationObserver in the page: the moment the page showed it, not when
 * this busy process (it also runs the embedded database) got round to noticing. Rejects after `ms`.
 */
function countShownAt(page: Page, n: number, ms = 30_000): Promise<number> {
  const seen = page.evaluate((n) => new Promise<number>((resolve) => {
    const count = () => Number(document.querySelector('[data-testid="data-extent"]')?.textContent?.split(' ')[0].replace(/,/g, ''));
    const check = () => {
      if (count() !== n) return;
      obs.disconnect();
      resolve(Date.now());
    };
    const obs = new MutationObserver(check);
    obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    check();
  }), n);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the page never showed ${n} incidents in ${ms} ms`)), ms).unref());
  return Promise.race([seen, timeout]);
}
const formatCount = (n: number) => n.toLocaleString('en-GB');

/** Ward code -> count as the page's map holds it (feature state of every ward polygon). */
const mapWardCounts = (page: Page) =>
  page.evaluate(async () => {
    const map = (window as any).__saferplaces.map;
    const fc = await map.getSource('sp-areas').getData();
    const out: Record<string, number | null> = {};
    for (const f of fc.features) out[f.properties.code] = map.getFeatureState({ source: 'sp-areas', id: f.id }).count ?? null;
    return out;
  });

/** Ward code -> count from GET /api/stats/areas, as the page's user (partners: withheld counts are null). */
async function apiWardCounts(page: Page, q: { from: string; to: string; category?: string }): Promise<Record<string, number | null>> {
  const u = new URLSearchParams({ level: 'ward', from: q.from, to: q.to, ...(q.category ? { category: q.category } : {}) });
  const res = await page.request.get(`${new URL(page.url()).origin}/api/stats/areas?${u}`);
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { areas: { code: string; count: number | null }[] };
  return Object.fromEntries(body.areas.map((a) => [a.code, a.count]));
}

/** A PDF's text as a reader extracts it (pdf.js), every page, whitespace collapsed. */
async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
  }
  await doc.destroy();
  return pages.join(' ').replace(/\s+/g, ' ');
}

/** The page's URL query, as the follower checks compare it. */
const urlQuery = (page: Page) => page.evaluate(() => Object.fromEntries(new URL(location.href).searchParams));

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
  /** An ingest-only API token of the force system's account (an analyst). */
  let ingestToken: string;

  const account = (role: Role) => createAccount(db, role);

  beforeAll(async () => {
    // Rebuilt when web/ changed; served from a private copy, since other work may rebuild dist/web meanwhile.
    ensureWebBuild();
    const webRoot = await snapshotWebBuild('saferplaces-live-web-build-');
    db = await testDb('pglite');
    await resetData(db);
    // Other test files (same database in one run) leave CHB areas and register entries behind.
    await resetPlanning(db);
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    expect((await importFile(db, slice(1, 5400))).status).toBe('committed');
    expect((await importFile(db, slice(67908, 73261, ALL_CRIME))).status).toBe('committed');
    const app = createApp({ db, config: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-live-web-')), MAX_UPLOAD_MB: 50 } }, { webRoot });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    base = await listen(server);
    analyst = await account('analyst');
    officer = await account('officer');
    partner = await account('partner');
    const force = await createUser(db, { email: uniqueEmail('force-system'), role: 'analyst', password: TEST_PASSWORD, createdBy: 'browser-test' });
    ingestToken = (await createToken(db, force.id, ['ingest'], 'force RMS push (live browser test)', null)).token;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });

  // "Two pages open, an import in one appears on the other within the time limit": page A uploads a
  // police.uk file on the import screen; page B's map shows it. The limit is measured from the batch's
  // finished_at as the import API reports it to page A (set when the server finished the import) to the
  // moment page B showed the new count. Nothing in page B polls: the update is pushed over /api/live.
  it('an upload on the import screen in one page appears on a map open in another within 2 seconds', async () => {
    const a = await openPage(browser, `${base}/import`, { signIn: analyst });
    const b = await openPage(browser, `${base}/`, { signIn: officer });
    await waitForMapIdle(b.page);
    await b.page.waitForSelector('html[data-live-feed="open"]');
    await a.page.waitForSelector('[data-testid="import-form"]');
    const before = await extentCount(b.page);
    expect(before).toBeGreaterThan(10_000);

    // Page B notes the moment it shows the 30 rows of the file (all new, April 2018).
    const shownAt = countShownAt(b.page, before + 30, 90_000);
    await a.page.setInputFiles('[data-testid="import-file"]', slice(67878, 67908, ALL_CRIME));
    await a.page.click('[data-testid="import-submit"]');
    const job = await a.page.waitForSelector('[data-testid="import-job"][data-status="committed"], [data-testid="import-job"][data-status="failed"]', { timeout: 60_000 });
    expect(await job.getAttribute('data-status')).toBe('committed');
    const id = new URL(a.page.url()).searchParams.get('import');
    const batch = await (await a.page.request.get(`${base}/api/imports/${id}`)).json();
    expect(batch).toMatchObject({ status: 'committed', imported: 30 });
    const took = (await shownAt) - Date.parse(batch.finished_at);
    console.log(`upload in page A visible on page B's map ${took} ms after the import finished (limit: ${LIVE_LIMIT} ms)`);
    expect(took).toBeLessThanOrEqual(LIVE_LIMIT);
    expect(await extentCount(b.page)).toBe(before + 30);
    expect(await b.page.textContent('[data-testid="live-toast"]')).toContain(`30 new incidents (batch ${batch.id}, Apr 2018)`);
    await screenshot(a.page, 'live-upload-page-a');
    await screenshot(b.page, 'live-upload-page-b');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.page.close();
    await b.page.close();
  });

  // The time limit (2 s) for incidents a force system pushes through POST /api/incidents, from the
  // moment the API answers to both open maps showing them: the header count on both pages, and the ward
  // statistics behind page B's map and ranking.
  it('incidents pushed through POST /api/incidents appear on both open maps within 2 seconds, with a toast', async () => {
    const a = await openPage(browser, `${base}/`, { signIn: analyst });
    const b = await openPage(browser, `${base}/?layers=outlines,labels,hexes`, { signIn: officer });
    await Promise.all([waitForMapIdle(a.page), waitForMapIdle(b.page)]);
    // Both pages are subscribed to the feed (the `ready` event arrived) before the push.
    await Promise.all([a.page.waitForSelector('html[data-live-feed="open"]'), b.page.waitForSelector('html[data-live-feed="open"]')]);
    const before = await extentCount(b.page);
    const rankingBefore = Number((await b.page.textContent('[data-testid="ranking-total"]'))!.replace(/,/g, ''));
    expect(before).toBeGreaterThan(10_000);

    const items = ingestItems(5400, 5420);
    expect(items).toHaveLength(20);
    const shownAt = Promise.all([a.page, b.page].map((p) => countShownAt(p, before + 20)));
    const res = await fetch(`${base}/api/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ dataset: 'Force RMS', incidents: items }),
    });
    const answered = Date.now();
    const out = await res.json();
    expect(res.status).toBe(200);
    expect(out).toMatchObject({ imported: 20, duplicates: 0, outside_study_area: 0, rejected: [] });
    const took = Math.max(...(await shownAt)) - answered;
    console.log(`pushed incidents visible on both open maps ${took} ms after the API answered (limit: ${LIVE_LIMIT} ms)`);
    expect(took).toBeLessThanOrEqual(LIVE_LIMIT);
    expect(await b.page.textContent('[data-testid="live-toast"]')).toContain(`20 new incidents (batch ${out.batch_id}, Jan 2025)`);
    // The ward statistics behind the map and the ranking refetched: January 2025 is in the default
    // window, and every pushed incident lies in a Lewisham ward.
    await expect.poll(async () => Number((await b.page.textContent('[data-testid="ranking-total"]'))!.replace(/,/g, '')), { timeout: LIVE_TIMEOUT }).toBe(rankingBefore + 20);
    await screenshot(b.page, 'live-toast');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.page.close();
    await b.page.close();
  });

  it("a follower follows the presenter's position, layers, categories and time window, and gets its own view back on leaving", async () => {
    const presenter = await openPage(browser, `${base}/present`, { signIn: analyst, viewport: { width: 1920, height: 1080 } });
    // The follower's own view: a position, a category and a window of its own.
    const own = { at: '12.00/51.46000/-0.05000', from: '2024-03', to: '2024-09', cat: 'burglary' };
    const follower = await openPage(browser, `${base}/?at=${own.at}&from=${own.from}&to=${own.to}&cat=${own.cat}`, { signIn: partner });
    await Promise.all([waitForMapIdle(presenter.page), waitForMapIdle(follower.page)]);
    const ownCentre = await mapCentre(follower.page);
    const ownCounts = await apiWardCounts(follower.page, { from: own.from, to: own.to, category: own.cat });
    expect(await mapWardCounts(follower.page)).toEqual(ownCounts);

    await presenter.page.click('[data-testid="meeting-start"]');
    const code = (await presenter.page.textContent('[data-testid="meeting-code"]'))!.trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    // Partners follow but may not present.
    expect(await follower.page.locator('[data-testid="meeting-start"]').count()).toBe(0);
    await follower.page.click('[data-testid="meeting-join"]');
    await follower.page.fill('[data-testid="meeting-code-input"]', code);
    await follower.page.click('[data-testid="meeting-join-submit"]');
    await follower.page.waitForSelector('[data-testid="meeting-following"]');

    // At once the follower shows what the presenter's map shows: the presentation's period (the pack's,
    // as GET /api/pack gives it for whole-month police.uk data) and all categories.
    const pack = await (await presenter.page.request.get(`${base}/api/pack?compare=1m&top=1`)).json();
    const shown = { from: pack.period.from.slice(0, 7), to: pack.period.to.slice(0, 7) };
    expect(pack.period.from).toBe(`${shown.from}-01`);
    await expect.poll(() => urlQuery(follower.page), { timeout: LIVE_TIMEOUT }).toMatchObject(shown);
    expect((await urlQuery(follower.page)).cat).toBeUndefined();

    // Position.
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

    // The presenter goes on to the map page (still presenting) and, with its controls, turns the ward
    // choropleth on, picks one category and a window of May–June 2018.
    await presenter.page.click('[data-testid="nav-map"]');
    await waitForMapIdle(presenter.page);
    await presenter.page.waitForSelector('[data-testid="meeting-code"]');
    await presenter.page.check('[data-testid="layer-toggle-choropleth"]');
    await presenter.page.click('[data-testid="category-picker"] summary');
    await presenter.page.check('[data-testid="category-violent-crime"]');
    await presenter.page.fill('[data-testid="filter-from"]', '2018-05');
    await presenter.page.fill('[data-testid="filter-to"]', '2018-06');
    const changed = Date.now();
    const theirs = { from: '2018-05', to: '2018-07', cat: 'violent-crime', layers: 'choropleth,outlines,labels,hexes' };
    expect(await urlQuery(presenter.page)).toMatchObject(theirs);
    await expect.poll(() => urlQuery(follower.page), { timeout: LIVE_TIMEOUT }).toMatchObject(theirs);
    // The follower's controls and its map follow: the wards' counts on its map are the API's for the
    // presenter's category and window (as the partner may see them), not its own.
    expect(await follower.page.inputValue('[data-testid="filter-from"]')).toBe('2018-05');
    expect(await follower.page.inputValue('[data-testid="filter-to"]')).toBe('2018-06');
    expect(await follower.page.textContent('[data-testid="category-picker"] summary')).toBe('Violence and sexual offences');
    const theirCounts = await apiWardCounts(follower.page, { from: theirs.from, to: theirs.to, category: theirs.cat });
    expect(Object.values(theirCounts).some((n) => n !== null && n > 0)).toBe(true);
    expect(theirCounts).not.toEqual(ownCounts);
    await expect.poll(() => mapWardCounts(follower.page), { timeout: LIVE_TIMEOUT }).toEqual(theirCounts);
    console.log(`follower's filters, window and map followed ${Date.now() - changed} ms after the presenter's last change`);
    expect(await follower.page.evaluate(() => (window as any).__saferplaces.map.getLayoutProperty('sp-area-fill', 'visibility'))).not.toBe('none');
    // Still where the presenter is (the map page opened on its own last view: the whole borough).
    const [pLng, pLat] = await mapCentre(presenter.page);
    const [lng, lat] = await mapCentre(follower.page);
    expect(lng).toBeCloseTo(pLng, 4);
    expect(lat).toBeCloseTo(pLat, 4);
    await waitForMapIdle(follower.page);
    await screenshot(presenter.page, 'live-presenter');
    await screenshot(follower.page, 'live-follower');

    // Leaving: the follower's own position, category, window and layers come back, on the map too.
    await follower.page.click('[data-testid="meeting-leave"]');
    await expect
      .poll(async () => {
        const [lng, lat] = await mapCentre(follower.page);
        return Math.abs(lng - ownCentre[0]) < 1e-4 && Math.abs(lat - ownCentre[1]) < 1e-4;
      }, { timeout: LIVE_TIMEOUT })
      .toBe(true);
    expect(await urlQuery(follower.page)).toEqual(own);
    expect(await follower.page.inputValue('[data-testid="filter-from"]')).toBe('2024-03');
    expect(await follower.page.inputValue('[data-testid="filter-to"]')).toBe('2024-08');
    expect(await follower.page.textContent('[data-testid="category-picker"] summary')).toBe('Burglary');
    await expect.poll(() => mapWardCounts(follower.page), { timeout: LIVE_TIMEOUT }).toEqual(ownCounts);
    await waitForMapIdle(follower.page);
    await screenshot(follower.page, 'live-follower-left');

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
    // Printed as a user prints it: with the print style sheet (screen media would print only what the
    // scrolled app shell shows).
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    fs.mkdirSync('test-results', { recursive: true });
    fs.writeFileSync('test-results/tasking-pack.pdf', pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The printed tables, read back from the PDF: their headings, and rows with the numbers the API gives
    // for the same view (the pack page's whole-month comparison, top 20).
    const text = await pdfText(pdf);
    fs.writeFileSync('test-results/tasking-pack.txt', text);
    const api = await (await page.request.get(`${base}/api/pack?compare=1m&top=20`)).json();
    expect(text).toContain('Ward league table (ranked by incidents this period)');
    expect(text).toContain(`Top hotspots: hexagons (H3 resolution ${api.top_cells.res}) with the most incidents this period`);
    expect(api.wards.areas.length).toBe(19);
    for (const w of api.wards.areas.slice(0, 3)) expect(text).toContain(`${w.rank} ${w.name} ${formatCount(w.count)}`);
    expect(text).toContain(`All wards ${formatCount(api.wards.total)}`);
    const [top] = api.top_cells.cells;
    expect(text).toContain(`1 ${top.ward_name} ${formatCount(top.count)}`);
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

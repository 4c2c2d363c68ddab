// Data coverage in the real app (issue 11): Lewisham wards and the burglary file (2022-03..2025-02), the map
// on burglary 2022-03..2022-06 with the change column asked for and a ward selected. The previous period
// (2021-11..2022-02) has no data: the page says so and shows no "+N" change; the coverage strip shows the
// gap before 2022-03 with the period outlined. A window with no data at all says "no data", never 0.
// Screenshots of the map page at four sizes go to /tmp/shots/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { resetData, SHARED, testDb } from '../helpers/db.js';
import { clientFor, createAccount, type Client } from '../helpers/auth.js';
import { chromiumMissingReason, closeServer, ensureWebBuild, launchBrowser, listen, openPage, snapshotWebBuild } from './browser.js';
import type { Browser, Credentials, Page } from './browser.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const BURGLARY = SHARED + 'lewisham_burglary_street_2022-03_2025-02.csv';
const SHOTS = '/tmp/shots';
const WARD = 'E05013714';
/** Burglary, March to June 2022 (to exclusive), the choropleth on, sorted by change, one ward selected. */
const VIEW = `/?from=2022-03&to=2022-07&cat=burglary&layers=choropleth,outlines,labels&sort=change-desc&sel=area:${WARD}`;

const skipReason = chromiumMissingReason() ?? (fs.existsSync(BURGLARY) && fs.existsSync(WARDS) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the coverage browser test: ${skipReason}`);

describe.skipIf(skipReason)('data coverage in Chromium on the Lewisham burglary file', () => {
  let db: Db;
  let server: ServerType | undefined;
  let base: string;
  let browser: Browser;
  let analyst: Credentials;
  let apiClient: Client;

  beforeAll(async () => {
    ensureWebBuild();
    const webRoot = await snapshotWebBuild('saferplaces-cov-web-');
    db = await testDb('pglite');
    await resetData(db);
    for (const [file, opts] of [
      [WARDS, { level: 'ward' }],
      [BURGLARY, {}],
    ] as const) {
      const r = await importFile(db, file, opts);
      if (r.status !== 'committed') throw new Error(`${file}: ${r.error?.message}`);
    }
    const app = createApp({ db, config: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-cov-')), MAX_UPLOAD_MB: 50 } }, { webRoot });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    base = await listen(server);
    analyst = await createAccount(db, 'analyst');
    apiClient = await clientFor(app, db, 'analyst');
    browser = await launchBrowser();
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });

  const open = async (url: string, viewport = { width: 1440, height: 900 }) => {
    const opened = await openPage(browser, `${base}${url}`, { viewport, signIn: analyst, ready: { selector: '[data-testid="coverage-strip"][data-ready="true"]', what: 'the coverage strip' } });
    // (attached, not visible: at phone width the map may be scrolled out of view)
    await opened.page.waitForSelector('[data-testid="map"][data-map-idle="true"]', { state: 'attached', timeout: 60_000 });
    await opened.page.waitForSelector('[data-testid="ranking-row"]');
    return opened;
  };
  const text = async (page: Page, testId: string) => (await page.textContent(`[data-testid="${testId}"]`)) ?? '';

  it('the API has no previous figures for the window (what the page must not show as +N)', async () => {
    const body = (await (await apiClient.request('/api/stats/areas?level=ward&from=2022-03&to=2022-07&category=burglary')).json()) as {
      areas: { count: number | null; previous_count: number | null; change: number | null }[];
      coverage: { previous_reason: string | null; count_reason: string | null };
    };
    expect(body.areas).toHaveLength(19);
    expect(body.areas.every((a) => a.previous_count === null && a.change === null && a.count !== null)).toBe(true);
    expect(body.coverage.previous_reason).toMatch(/^no data for the previous period/);
    expect(body.coverage.count_reason).toBeNull();
  });

  it('says there is no data for the previous period, shows no change, and the strip shows the gap before 2022-03', async () => {
    const { page, errors } = await open(VIEW);
    // Ranking: no change column, a line saying why; no "+N" anywhere in the table.
    expect(await text(page, 'ranking-no-previous')).toContain('no data for the previous period');
    expect(await page.locator('[data-testid="sort-change"]').count()).toBe(0);
    expect(await text(page, 'ranking-table')).not.toMatch(/\+\d/);
    // Detail panel of the selected ward: previous "no data for the previous period", change "no data".
    await page.waitForSelector('[data-testid="sparkline"]');
    expect(await text(page, 'detail-previous')).toBe('no data for the previous period');
    expect(await text(page, 'detail-change')).toBe('no data');
    expect(Number((await text(page, 'detail-count')).replace(/,/g, ''))).toBeGreaterThan(0);
    // The sparkline hatches the four months before the data instead of drawing them as 0.
    expect(await page.locator('[data-testid="sparkline-gap"]').count()).toBe(1);
    expect(await page.textContent('[data-testid="sparkline"] figcaption')).toContain('gaps: no data');
    // Legend: the short coverage rule.
    expect(await text(page, 'legend-coverage')).toContain('never 0');
    for (const id of ['ranking', 'detail-panel', 'legend']) expect(await text(page, id)).not.toMatch(/\+\d/);

    // The strip: months before March 2022 not covered (the previous period, dashed), the period covered.
    const strip = page.locator('[data-testid="coverage-strip"]');
    expect(await strip.getAttribute('data-previous-status')).toBe('none');
    expect(await strip.getAttribute('data-period-status')).toBe('full');
    const status = (m: string) => page.getAttribute(`[data-testid="coverage-strip"] [data-month="${m}"]`, 'data-status');
    expect(await status('2021-11')).toBe('none');
    expect(await status('2022-02')).toBe('none');
    expect(await status('2022-03')).toBe('full');
    expect(await status('2025-02')).toBe('full');
    expect(await page.getAttribute('[data-testid="coverage-strip"] [data-month="2022-02"]', 'title')).toBe('Feb 2022: no data');
    expect(await page.getAttribute('[data-testid="coverage-strip"] [data-month="2022-03"]', 'title')).toMatch(/^Mar 2022: covered · source: .+ \(\d[\d,]* rows\)$/);
    expect(await text(page, 'coverage-strip-summary')).toBe('Data Mar 2022 – Feb 2025 · previous period: no data.');
    // Hover a month: its status and sources in the strip's one-line readout.
    await page.hover('[data-testid="coverage-strip"] [data-month="2022-01"]');
    expect(await text(page, 'coverage-strip-month')).toBe('Jan 2022: no data');
    // The period outline sits over March–June 2022: right of the gap, inside the bar.
    const box = (sel: string) => page.locator(sel).boundingBox();
    const [period, feb, mar] = await Promise.all([box('[data-testid="coverage-strip-period"]'), box('[data-month="2022-02"]'), box('[data-month="2022-03"]')]);
    expect(period!.x).toBeGreaterThanOrEqual(feb!.x + feb!.width - 1.5);
    expect(Math.abs(period!.x - mar!.x)).toBeLessThan(1.5);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a window with no data at all says "no data" (never 0) and colours the wards as no data', async () => {
    const { page, errors } = await open('/?from=2019-01&to=2019-04&cat=burglary&layers=choropleth,outlines,labels');
    expect(await text(page, 'ranking-no-data')).toContain('No data for this period');
    expect(await text(page, 'ranking-total')).toBe('no data');
    const counts = await page.locator('[data-testid="ranking-row"] td:nth-child(3)').allTextContents();
    expect(counts).toHaveLength(19);
    expect(new Set(counts)).toEqual(new Set(['no data']));
    expect(await text(page, 'legend-no-data')).toBe('No data for this period');
    expect(await text(page, 'legend-coverage-note')).toMatch(/^No data for the period/);
    expect(await page.getAttribute('[data-testid="coverage-strip"]', 'data-period-status')).toBe('none');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('screenshots of the map page with the strip at phone and desktop sizes', async () => {
    for (const [width, height] of [
      [390, 844],
      [1366, 768],
      [1440, 900],
      [1920, 1080],
    ]) {
      const { page, errors } = await open(VIEW, { width, height });
      await page.screenshot({ path: path.join(SHOTS, `coverage-map-${width}x${height}.png`) });
      // The strip is on screen and wide enough to read (at least ~1.5 px a month) at every size.
      const bar = await page.locator('[data-testid="coverage-strip"] .cov-bar').boundingBox();
      expect(bar!.width).toBeGreaterThan(150);
      expect(bar!.x + bar!.width).toBeLessThanOrEqual(width);
      // On desktop screens the strip leaves the legend's class rows on screen.
      if (width >= 1366) {
        const rows = await page.locator('[data-testid="legend-areas"]').boundingBox();
        expect(rows!.y + rows!.height).toBeLessThanOrEqual(height);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});

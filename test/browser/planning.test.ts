// The Planning and CHB pages in Chromium against the real app on real Lewisham data (2022 wards and the
// police.uk violence/robbery CSV, imported with the real importer): put an intervention on the map, see it
// in the register and its history after an edit; coverage with ward shares and the gaps drawn; patrol
// boxes drawn and exported; outreach sites; a CHB area built from wards (one clicked on the map) with its
// dashboard showing WDQ/TNE or their undefined reasons, printed to PDF, and one built from H3 cells clicked on
// the map with a drawn control, whose dashboard follows new incidents by itself; a partner sees shares or
// "withheld".
// Screenshots go to test-results/planning-*.png.
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
import { INTERVENTION_POINT_LAYER } from '../../web/src/map/layers/interventions.js';
import { GAP_FILL_LAYER, PATROL_FILL_LAYER } from '../../web/src/map/layers/patrol.js';
import { CHB_FILL_LAYER } from '../../web/src/map/layers/chb.js';
import { cellToLatLng, gridDisk } from 'h3-js';
import {
  chromiumMissingReason,
  closeServer,
  ensureWebBuild,
  launchBrowser,
  listen,
  mapRunner,
  openPage as openBrowserPage,
  screenshot,
  snapshotWebBuild,
  waitForMapIdle,
  type Browser,
  type Credentials,
  type Page,
} from './browser.js';

const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const VIOLENCE = SHARED + 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const skipReason = chromiumMissingReason() ?? (fs.existsSync(SHARED) ? null : `no shared data at ${SHARED}`);
if (skipReason) console.log(`Skipping the planning browser test: ${skipReason}`);

/** Runs a function in the page against the planning map (window.__saferplacesPlanning.map). */
const onMap = mapRunner('__saferplacesPlanning');

/** Clicks the map canvas at a longitude/latitude. */
async function clickMapAt(page: Page, lngLat: [number, number]) {
  const xy = await onMap(page, (map, ll) => map.project(ll), lngLat);
  const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
  await page.mouse.click(box.x + xy.x, box.y + xy.y);
}

const renderedIds = (page: Page, layer: string, prop: string) =>
  onMap(page, (map, a) => [...new Set(map.queryRenderedFeatures({ layers: [a.layer] }).map((f: any) => f.properties[a.prop]))], { layer, prop });

describe.skipIf(skipReason)('Planning and CHB pages in Chromium on real Lewisham data', () => {
  let db: Db;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let analyst: Credentials;
  let api: Client;
  let app: ReturnType<typeof createApp>;
  const tag = Date.now().toString(36);
  const ivName = `Youth hub ${tag}`;

  const account = (role: Role) => createAccount(db, role);
  const open = (url: string, as: Credentials = analyst) => openBrowserPage(browser, `${base}${url}`, { signIn: as });
  /** Coverage for July 2017 – June 2018, run from the page's own form. */
  const runCoverage = async (page: Page) => {
    await page.fill('[data-testid="plan-from"]', '2017-07');
    await page.fill('[data-testid="plan-to"]', '2018-07');
    await page.click('[data-testid="coverage-run"]');
  };

  beforeAll(async () => {
    ensureWebBuild();
    db = await testDb('pglite');
    await resetData(db);
    expect((await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' })).status).toBe('committed');
    expect((await importFile(db, VIOLENCE, { kind: 'incidents_csv' })).status).toBe('committed');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-planning-'));
    // A private copy of the build: other work may rebuild dist/web while this runs.
    app = createApp({ db, config: { dataDir, MAX_UPLOAD_MB: 50, BASEMAP_STYLE_URL: undefined } }, { webRoot: await snapshotWebBuild('saferplaces-planning-web-') });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    base = await listen(server);
    analyst = await account('analyst');
    api = await clientFor(app, db, 'analyst');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });

  it('puts an intervention on the map, lists it in the register, and shows its history after an edit', async () => {
    const { page, errors } = await open('/planning');
    await waitForMapIdle(page);
    expect(await page.textContent('[data-testid="nav-planning"]')).toBe('Planning');
    await page.click('[data-testid="iv-new"]');
    await page.click('[data-testid="draw-point"]');
    await clickMapAt(page, [-0.0209, 51.4627]);
    await expect.poll(() => page.textContent('[data-testid="drawn-geometry"]')).toMatch(/^point 51\.46\d+, -0\.02\d+/);
    await page.fill('[data-testid="iv-name"]', ivName);
    await page.selectOption('[data-testid="iv-type"]', 'youth_hub');
    await page.fill('[data-testid="iv-starts"]', '2017-01-01');
    await page.fill('[data-testid="iv-owner"]', 'LB Lewisham');
    await page.click('[data-testid="iv-save"]');
    expect(await (await page.waitForSelector('[data-testid="iv-detail-name"]')).textContent()).toBe(ivName);
    expect(await page.textContent('[data-testid="register-list"]')).toContain(ivName);

    // Stored where it was clicked (a few pixels' tolerance) and drawn on the map.
    const stored = (await (await api.request('/api/interventions?type=youth_hub')).json()) as { features: Array<{ id: number; properties: { name: string }; geometry: { coordinates: number[] } }> };
    const mine = stored.features.find((f) => f.properties.name === ivName)!;
    expect(Math.abs(mine.geometry.coordinates[0] + 0.0209)).toBeLessThan(0.0005);
    expect(Math.abs(mine.geometry.coordinates[1] - 51.4627)).toBeLessThan(0.0005);
    await waitForMapIdle(page);
    await expect.poll(() => renderedIds(page, INTERVENTION_POINT_LAYER, 'id')).toContain(mine.id);
    await screenshot(page, 'planning-register');

    // Edit: rename; the history lists both versions with who and what changed.
    await page.click('[data-testid="iv-edit"]');
    await page.fill('[data-testid="iv-name"]', `${ivName} (Catford)`);
    await page.fill('[data-testid="iv-notes"]', 'moved indoors');
    await page.click('[data-testid="iv-save"]');
    await expect.poll(() => page.textContent('[data-testid="iv-detail-name"]')).toBe(`${ivName} (Catford)`);
    await expect.poll(() => page.locator('[data-testid="iv-history-entry"]').count()).toBe(2);
    const history = await page.textContent('[data-testid="iv-history"]');
    expect(history).toContain(`v2 edit by ${analyst.email}`);
    expect(history).toContain(`v1 create by ${analyst.email}`);
    expect(history).toContain(`name: ${ivName} → ${ivName} (Catford)`);
    expect(history).toContain('notes: — → moved indoors');
    expect(page.url()).toContain(`iv=${mine.id}`);
    await screenshot(page, 'planning-history');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows coverage per ward with bars, the straight-line note, and the uncovered hotspots on the map', async () => {
    const { page, errors } = await open('/planning?tab=coverage');
    await waitForMapIdle(page);
    await runCoverage(page);
    await page.waitForSelector('[data-testid="coverage-results"]', { timeout: 90_000 });
    expect(await page.locator('[data-testid="coverage-ward"]').count()).toBe(19);
    const expected = (await (await api.request('/api/planning/coverage?from=2017-07&to=2018-07')).json()) as { borough: { share: number }; uncovered: unknown[]; wards: Array<{ name: string; share: number | null }> };
    const shown = await page.textContent('[data-testid="coverage-borough"]');
    expect(shown).toContain(new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(expected.borough.share));
    expect(await page.textContent('[data-testid="coverage-distance-note"]')).toContain('straight-line');
    expect(await page.textContent('[data-testid="coverage-distance-kind"]')).toContain('in a straight line');
    expect(await page.textContent('[data-testid="walking-network-status"]')).toContain('Straight-line distances');
    expect(await page.textContent('[data-testid="legend-distance"]')).toContain('straight line');
    expect(expected.uncovered.length).toBeGreaterThan(0);
    await waitForMapIdle(page);
    expect((await renderedIds(page, GAP_FILL_LAYER, 'h3')).length).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="coverage-gaps"]')).toContain('harm');
    await screenshot(page, 'planning-coverage');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('proposes patrol boxes, draws them ranked, lists the dosage plan, and exports them with purpose and recipient', async () => {
    const { page, errors } = await open('/planning?tab=patrol');
    await waitForMapIdle(page);
    await page.fill('[data-testid="plan-from"]', '2017-07');
    await page.fill('[data-testid="plan-to"]', '2018-07');
    await page.fill('[data-testid="patrol-n"]', '8');
    await page.click('[data-testid="patrol-run"]');
    await page.waitForSelector('[data-testid="patrol-results"]', { timeout: 90_000 });
    const n = Number(await page.textContent('[data-testid="patrol-count"]'));
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(8);
    expect(await page.locator('[data-testid="patrol-box"]').count()).toBe(n);
    // police.uk is month precision: the boxes say peak days/hours cannot be estimated.
    expect(await page.textContent('[data-testid="patrol-boxes"]')).toContain('recorded to the month only');
    expect(await page.textContent('[data-testid="patrol-dosage-rule"]')).toMatch(/Koper/);
    await waitForMapIdle(page);
    await onMap(page, (map) => map.jumpTo({ center: map.getCenter(), zoom: 11.2 }));
    await waitForMapIdle(page);
    expect(((await renderedIds(page, PATROL_FILL_LAYER, 'rank')) as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    await screenshot(page, 'planning-patrol');

    await page.click('[data-testid="patrol-export"]');
    await page.fill('[data-testid="export-purpose"]', 'Patrol briefing for the Safer Neighbourhood Team');
    await page.fill('[data-testid="export-recipient"]', 'Lewisham SNT');
    await page.selectOption('[data-testid="export-format"]', 'csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-submit"]')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(download.suggestedFilename()).toMatch(/^patrol-boxes-.*\.csv$/);
    expect(csv[0]).toContain('rank');
    expect(csv).toHaveLength(n + 1);
    const [log] = await db.query<{ purpose: string; recipient: string }>(`SELECT purpose, recipient FROM audit_log WHERE resource = 'patrol.csv' ORDER BY id DESC LIMIT 1`);
    expect(log).toEqual({ purpose: 'Patrol briefing for the Safer Neighbourhood Team', recipient: 'Lewisham SNT' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('chooses outreach sites with the gain of each added site and the method stated', async () => {
    const { page, errors } = await open('/planning?tab=outreach');
    await waitForMapIdle(page);
    await page.fill('[data-testid="outreach-k"]', '3');
    await page.click('[data-testid="outreach-run"]');
    await page.waitForSelector('[data-testid="outreach-results"]', { timeout: 100_000 });
    expect(await page.locator('[data-testid="outreach-sites"] tbody tr').count()).toBe(3);
    expect(await page.textContent('[data-testid="outreach-sites"]')).toMatch(/\+\d/);
    expect(await page.textContent('[data-testid="outreach-method"]')).toMatch(/Exact: HiGHS|Greedy \(exact solver not run/);
    await screenshot(page, 'planning-outreach');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads a walking network on the page; coverage and outreach then walk along it, and say so', async () => {
    // No street network is in shared/data: the 2021 LSOA boundary rings (which in London largely follow
    // streets) serve as the walking network, as in test/planning-api.test.ts.
    const lsoa = JSON.parse(fs.readFileSync(SHARED + 'lewisham_lsoa21.geojson', 'utf8'));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-network-')), 'lsoa-lines.geojson');
    fs.writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: lsoa.features.flatMap((f: any) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat(1))
        .map((ring: number[][]) => ({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: ring } })),
    }));
    const straight = (await (await api.request('/api/planning/coverage?from=2017-07&to=2018-07')).json()) as { borough: { covered_harm: number } };
    const { page, errors } = await open('/planning?tab=coverage');
    try {
      await waitForMapIdle(page);
      await page.click('[data-testid="walking-network"] summary');
      await page.setInputFiles('[data-testid="walking-network-file"]', file);
      await page.click('[data-testid="walking-network-load"]');
      await page.waitForSelector('[data-testid="walking-network-status"]:has-text("Walking distances")', { timeout: 60_000 });
      expect(await page.textContent('[data-testid="walking-network-status"]')).toContain('lsoa-lines');
      await runCoverage(page);
      await page.waitForSelector('[data-testid="coverage-distance-kind"]:has-text("walk")', { timeout: 90_000 });
      expect(await page.textContent('[data-testid="coverage-distance-note"]')).toContain('walking distances along the loaded walking network');
      expect(await page.textContent('[data-testid="legend-distance"]')).toContain('walking');
      const walked = (await (await api.request('/api/planning/coverage?from=2017-07&to=2018-07')).json()) as { borough: { share: number; covered_harm: number }; meta: { distance: string } };
      expect(walked.meta.distance).toBe('walking');
      expect(walked.borough.covered_harm).toBeLessThanOrEqual(straight.borough.covered_harm);
      expect(await page.textContent('[data-testid="coverage-borough"]')).toContain(new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(walked.borough.share));
      await waitForMapIdle(page);
      await screenshot(page, 'planning-coverage-walking');

      await page.click('[data-testid="tab-outreach"]');
      await page.fill('[data-testid="outreach-k"]', '3');
      await page.click('[data-testid="outreach-run"]');
      await page.waitForSelector('[data-testid="outreach-results"]', { timeout: 100_000 });
      expect(await page.textContent('[data-testid="outreach-distance-kind"]')).toContain('walk');
      expect(await page.textContent('[data-testid="outreach-results"]')).toContain('walking distances along the loaded walking network');
      await waitForMapIdle(page);
      await screenshot(page, 'planning-outreach-walking');

      // Removed on the page: straight lines again.
      await page.$eval('[data-testid="walking-network"] details', (d) => ((d as HTMLDetailsElement).open = true)); // still open from the load
      await page.click('[data-testid="walking-network-remove"]');
      await page.waitForSelector('[data-testid="walking-network-status"]:has-text("Straight-line distances")', { timeout: 30_000 });
      expect(errors).toEqual([]);
    } finally {
      await api.request('/api/planning/network', { method: 'DELETE' });
      await page.close();
    }
  });

  it('creates a CHB area from wards (one clicked on the map) and shows its dashboard, printable to PDF', async () => {
    // Area: one ward; control: two wards well away from it and its 500 m buffer (checked in PostGIS).
    const [{ code: areaWard, lon, lat }] = await db.query<{ code: string; lon: number; lat: number }>(
      `SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas WHERE level = 'ward' ORDER BY code LIMIT 1`,
    );
    const control = (await db.query<{ code: string }>(
      `SELECT b.code FROM areas a JOIN areas b ON b.level = 'ward' AND NOT ST_DWithin(a.geom::geography, b.geom::geography, 800) WHERE a.code = $1 ORDER BY b.code LIMIT 2`,
      [areaWard],
    )).map((r) => r.code);
    expect(control).toHaveLength(2);

    const { page, errors } = await open('/chb');
    await page.click('[data-testid="chb-new"]');
    await waitForMapIdle(page);
    await page.fill('[data-testid="chb-name"]', `Catford CHB ${tag}`);
    await clickMapAt(page, [lon, lat]);
    await expect.poll(() => page.inputValue(`[data-testid="chb-ward-pick"][data-code="${areaWard}"]`)).toBe('area');
    for (const c of control) await page.selectOption(`[data-testid="chb-ward-pick"][data-code="${c}"]`, 'control');
    await page.fill('[data-testid="chb-clear"]', '2017-07-01');
    await page.fill('[data-testid="chb-hold"]', '2017-10-01');
    await page.fill('[data-testid="chb-build"]', '2018-01-01');
    await page.fill('[data-testid="chb-end"]', '2018-07-01');
    await waitForMapIdle(page);
    await screenshot(page, 'planning-chb-create');
    await page.click('[data-testid="chb-create"]');
    await page.waitForSelector('[data-testid="chb-dashboard"]');
    await page.waitForSelector('[data-testid="chb-phase-build"]', { timeout: 60_000 });
    const id = Number(new URL(page.url()).searchParams.get('id'));
    expect(id).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="chb-title"]')).toContain(`Catford CHB ${tag}`);

    // Every phase shows WDQ and TNE as the API has them: the number, or "undefined" with the reason.
    const ev = (await (await api.request(`/api/chb/${id}/evaluation`)).json()) as { phases: Array<{ phase: string; counts: { wdq: { value: number | null; reason: string | null }; tne: { value: number | null; reason: string | null }; reading: string } }> };
    for (const ph of ev.phases) {
      const section = page.locator(`[data-testid="chb-phase-${ph.phase}"]`);
      for (const k of ['wdq', 'tne'] as const) {
        const cell = (await section.locator(`[data-testid="fig-${k}"]`).first().textContent()) ?? '';
        const f = ph.counts[k];
        if (f.value === null) expect(cell).toBe(`undefined${f.reason}`);
        else expect(cell).toBe(f.value.toFixed(k === 'wdq' ? 3 : 1));
      }
      expect(await section.locator('[data-testid="chb-reading"]').textContent()).toContain(ph.counts.reading);
      expect(await section.locator('[data-testid="chb-counts"] tbody tr').count()).toBe(3);
    }
    expect(await page.locator('[data-testid="chb-chart"] rect').count()).toBeGreaterThanOrEqual(18);
    // The small map carries no attribution box; the dashboard prints it in its footer instead.
    expect(await page.textContent('[data-testid="chb-attribution"]')).toContain('Open Government Licence');
    await waitForMapIdle(page);
    expect(await renderedIds(page, CHB_FILL_LAYER, 'region')).toEqual(expect.arrayContaining(['area', 'buffer', 'control']));
    await page.setViewportSize({ width: 1280, height: 1800 });
    await waitForMapIdle(page);
    await screenshot(page, 'planning-chb-dashboard');

    // Print: the header and buttons go, the dashboard stays; Chromium's PDF is a real, non-empty file.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="chb-print"]').isVisible()).toBe(false);
    await screenshot(page, 'planning-chb-print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    fs.writeFileSync(path.resolve('test-results/planning-chb-dashboard.pdf'), pdf);
    expect(errors).toEqual([]);
    await page.close();

    // A partner opens the same dashboard: figures or "withheld", never record-level lists.
    const partner = await account('partner');
    const p = await open(`/chb?id=${id}`, partner);
    await p.page.waitForSelector('[data-testid="chb-phase-build"]', { timeout: 60_000 });
    const text = (await p.page.textContent('[data-testid="chb-dashboard"]')) ?? '';
    expect(text).toMatch(/withheld|WDQ/);
    expect(text).not.toContain(ivName);
    await p.page.close();
  });

  it('builds a CHB area from H3 cells clicked on the map with a drawn control, and its dashboard follows new incidents by itself', async () => {
    // The area: the res-9 cell with the most incidents in the Build phase and two of its neighbours, each
    // clicked on the map; the control: a ~550 m square drawn with terra-draw in the ward farthest from it.
    const [top] = await db.query<{ h3: string }>(
      `SELECT lpad(to_hex(h3_9), 15, '0') AS h3 FROM incidents WHERE occurred_at >= '2018-01-01' AND occurred_at < '2018-07-01' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const cells = [top.h3, ...gridDisk(top.h3, 1).filter((c) => c !== top.h3).sort().slice(0, 2)];
    const centre = (c: string): [number, number] => {
      const [la, ln] = cellToLatLng(c);
      return [ln, la];
    };
    const [far] = await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas
       WHERE level = 'ward' ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) DESC LIMIT 1`,
      centre(top.h3),
    );
    const corners: [number, number][] = [[far.lon - 0.004, far.lat - 0.0025], [far.lon + 0.004, far.lat - 0.0025], [far.lon + 0.004, far.lat + 0.0025], [far.lon - 0.004, far.lat + 0.0025]];

    const { page, errors } = await open('/chb');
    await page.click('[data-testid="chb-new"]');
    await waitForMapIdle(page);
    await page.fill('[data-testid="chb-name"]', `Cells CHB ${tag}`);
    await page.check('[data-testid="chb-area-cells"]');
    expect(await page.textContent('[data-testid="chb-cell-count"]')).toContain('0 cells at H3 resolution 9');
    await onMap(page, (map, c) => map.jumpTo({ center: c, zoom: 15 }), centre(top.h3));
    await waitForMapIdle(page);
    for (const c of cells) await clickMapAt(page, centre(c));
    await expect.poll(() => page.textContent('[data-testid="chb-cell-count"]')).toContain('3 cells');
    // A second click on a cell takes it out again; a third puts it back.
    await clickMapAt(page, centre(cells[2]));
    await expect.poll(() => page.textContent('[data-testid="chb-cell-count"]')).toContain('2 cells');
    await clickMapAt(page, centre(cells[2]));
    await expect.poll(() => page.textContent('[data-testid="chb-cell-count"]')).toContain('3 cells');

    // The control, drawn: terra-draw takes the corners, the first again closes the ring.
    await page.check('[data-testid="chb-control-draw"]');
    await onMap(page, (map, c) => map.jumpTo({ center: c, zoom: 14 }), [far.lon, far.lat]);
    await waitForMapIdle(page);
    const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
    const points = await Promise.all(corners.map((c) => onMap(page, (map, p) => map.project(p), c) as Promise<{ x: number; y: number }>));
    for (const pt of [...points, points[0]]) {
      await page.mouse.move(box.x + pt.x - 5, box.y + pt.y - 5);
      await page.mouse.click(box.x + pt.x, box.y + pt.y);
    }
    await expect.poll(() => page.textContent('[data-testid="chb-control-drawn"]')).toContain('Polygon drawn');
    await page.click('[data-testid="chb-control-draw-done"]');
    expect(await page.textContent('[data-testid="chb-control-drawn"]')).toContain('Polygon drawn (4 corners)');
    await page.fill('[data-testid="chb-clear"]', '2017-07-01');
    await page.fill('[data-testid="chb-hold"]', '2017-10-01');
    await page.fill('[data-testid="chb-build"]', '2018-01-01');
    await page.fill('[data-testid="chb-end"]', '2018-07-01');
    // Both on screen: the cells (blue), the buffer ring preview (orange), the drawn control (green).
    await onMap(page, (map, b) => map.fitBounds(b, { padding: 40, duration: 0 }), [
      [Math.min(far.lon - 0.004, centre(top.h3)[0] - 0.01), Math.min(far.lat - 0.0025, centre(top.h3)[1] - 0.01)],
      [Math.max(far.lon + 0.004, centre(top.h3)[0] + 0.01), Math.max(far.lat + 0.0025, centre(top.h3)[1] + 0.01)],
    ]);
    await waitForMapIdle(page);
    expect((await renderedIds(page, CHB_FILL_LAYER, 'region')).sort()).toEqual(['area', 'buffer', 'control']);
    await screenshot(page, 'planning-chb-cells-create');
    await page.click('[data-testid="chb-create"]');
    await page.waitForSelector('[data-testid="chb-phase-build"]', { timeout: 60_000 });
    const id = Number(new URL(page.url()).searchParams.get('id'));

    // Stored as built on the page: the clicked cells, and the drawn corners (terra-draw may start or turn the ring).
    type Detail = { area_source: { kind: string; res: number; codes: string[] }; control_source: { kind: string }; control: { type: string; coordinates: number[][][] | number[][][][] } };
    const detail = (await (await api.request(`/api/chb/${id}`)).json()) as Detail;
    expect(detail.area_source).toEqual({ kind: 'cells', res: 9, codes: [...cells].sort() });
    expect(detail.control_source).toEqual({ kind: 'geometry' });
    const ring = (detail.control.type === 'Polygon' ? detail.control.coordinates[0] : (detail.control.coordinates as number[][][][])[0][0]) as number[][];
    expect(ring).toHaveLength(5);
    for (const c of corners) expect(ring.some((p) => Math.abs(p[0] - c[0]) < 2e-4 && Math.abs(p[1] - c[1]) < 2e-4), String(c)).toBe(true);
    expect(await page.textContent('[data-testid="chb-dashboard"]')).toContain('Area: 3 H3 cells at resolution 9. Control: drawn polygon.');

    // The dashboard shows the API's counts; then incidents arrive through the ingest API (another user) and
    // the figures change with no reload.
    type Ev = { phases: Array<{ phase: string; regions: Array<{ region: string; phase_count: number }> }> };
    const buildArea = (e: Ev) => e.phases.find((p) => p.phase === 'build')!.regions.find((r) => r.region === 'area')!.phase_count;
    const areaCell = () => page.locator('[data-testid="chb-phase-build"] [data-testid="chb-counts"] tbody tr').first().locator('td').nth(2).textContent();
    const was = buildArea((await (await api.request(`/api/chb/${id}/evaluation`)).json()) as Ev);
    expect(Number(await areaCell())).toBe(was);
    await page.waitForSelector('html[data-live-feed="open"]', { timeout: 30_000 });
    const [lon, lat] = centre(top.h3);
    const items = Array.from({ length: 4 }, (_, i) => ({ id: `live-chb-${tag}-${i}`, category: 'robbery', occurred_at: '2018-03', lon, lat }));
    const res = await api.request('/api/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'chb live test', incidents: items }) });
    expect(res.status).toBe(200);
    const sent = Date.now();
    expect(buildArea((await (await api.request(`/api/chb/${id}/evaluation`)).json()) as Ev)).toBe(was + 4);
    await expect.poll(async () => Number(await areaCell()), { timeout: 15_000, interval: 100 }).toBe(was + 4);
    console.log(`CHB dashboard showed the new incidents ${Date.now() - sent} ms after the ingest returned`);
    expect(await page.textContent('[data-testid="live-toast"]')).toContain('4 new incidents');
    await page.setViewportSize({ width: 1280, height: 1800 });
    await waitForMapIdle(page);
    await screenshot(page, 'planning-chb-cells-dashboard');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a partner the ward shares only, small counts as "withheld", no register', async () => {
    const partner = await account('partner');
    const { page, errors } = await open('/planning', partner);
    await waitForMapIdle(page);
    expect(await page.locator('[data-testid="tab-register"]').count()).toBe(0);
    expect(await page.locator('[data-testid="tab-patrol"]').count()).toBe(0);
    await page.click('[data-testid="coverage-run"]');
    await page.waitForSelector('[data-testid="coverage-results"]', { timeout: 90_000 });
    expect(await page.locator('[data-testid="coverage-ward"]').count()).toBe(19);
    expect(await page.locator('[data-testid="coverage-gaps"]').count()).toBe(0);
    expect(await page.locator('[data-testid="register-list"]').count()).toBe(0);
    // Ward shares the disclosure rule withholds read "withheld" (police.uk Lewisham has many small covered counts).
    const shares = (await (await (await clientFor(app, db, 'partner')).request('/api/planning/coverage')).json()) as { wards: Array<{ name: string; suppressed?: boolean; covered_suppressed?: boolean }> };
    const hidden = shares.wards.filter((w) => w.suppressed || w.covered_suppressed);
    expect(hidden.length).toBeGreaterThan(0);
    const rows = page.locator('[data-testid="coverage-ward"]');
    for (const w of hidden.slice(0, 3)) expect(await rows.filter({ hasText: w.name }).first().textContent()).toContain('withheld');
    await screenshot(page, 'planning-partner');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('re-runs the shown coverage by itself when new incidents arrive (the live feed)', async () => {
    const { page, errors } = await open('/planning?tab=coverage');
    await waitForMapIdle(page);
    await runCoverage(page);
    await page.waitForSelector('[data-testid="coverage-results"]', { timeout: 90_000 });
    await page.waitForSelector('html[data-live-feed="open"]', { timeout: 30_000 });
    const before = await page.textContent('[data-testid="coverage-amounts"]');
    type Cov = { borough: { hotspot_harm: number }; hotspots: Array<{ centre: { lon: number; lat: number } }> };
    const url = '/api/planning/coverage?from=2017-07&to=2018-07';
    const was = (await (await api.request(url)).json()) as Cov;
    // 30 robberies pushed at the centre of the top hotspot, inside the window (another user, through the API).
    const { lon, lat } = was.hotspots[0].centre;
    const items = Array.from({ length: 30 }, (_, i) => ({ id: `live-planning-${tag}-${i}`, category: 'robbery', occurred_at: '2018-03', lon, lat }));
    const res = await api.request('/api/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'planning live test', incidents: items }) });
    expect(res.status).toBe(200);
    const now = (await (await api.request(url)).json()) as Cov;
    expect(now.borough.hotspot_harm).toBeGreaterThan(was.borough.hotspot_harm);
    // No reload, no click: the panel re-runs and shows the new figures.
    await page.waitForFunction((b) => document.querySelector('[data-testid="coverage-amounts"]')?.textContent !== b, before, { timeout: 30_000 });
    await expect.poll(() => page.textContent('[data-testid="coverage-amounts"]'), { timeout: 30_000 }).toContain(` of ${now.borough.hotspot_harm.toLocaleString('en-GB')} harm`);
    await screenshot(page, 'planning-coverage-live');
    expect(errors).toEqual([]);
    await page.close();
  });
});

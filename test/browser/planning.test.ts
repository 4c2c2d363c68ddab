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
import { describe, expect, it } from 'vitest';
import { SHARED } from '../helpers/db.js';
import { INTERVENTION_POINT_LAYER } from '../../web/src/map/layers/interventions.js';
import { GAP_FILL_LAYER, PATROL_FILL_LAYER } from '../../web/src/map/layers/patrol.js';
import { CHB_FILL_LAYER } from '../../web/src/map/layers/chb.js';
import { cellToLatLng, gridDisk } from 'h3-js';
import { browserSkipReason, eventually, LONG_WAIT, TEST_TIMEOUT, useBrowserApp, type As, type Screen } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const skipReason = browserSkipReason([WARDS, VIOLENCE, 'lewisham_lsoa21.geojson']);
if (skipReason) console.log(`Skipping the planning browser test: ${skipReason}`);

const renderedIds = (screen: Screen, layer: string, prop: string) =>
  screen.onMap((map, a) => [...new Set(map.queryRenderedFeatures({ layers: [a.layer] }).map((f: any) => f.properties[a.prop]))], {
    layer,
    prop,
  });
const percent = (share: number) => new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(share);

describe.skipIf(skipReason)('Planning and CHB pages in Chromium on real Lewisham data', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'planning',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [VIOLENCE, { kind: 'incidents_csv' }],
    ],
  });
  const tag = Date.now().toString(36);
  const ivName = `Youth hub ${tag}`;

  const open = (url: string, as?: As) => app().open(url, { as, map: 'planning', mapIdle: true });
  /** Coverage for July 2017 – June 2018, run from the page's own form. */
  const runCoverage = async (screen: Screen) => {
    await screen.fill('plan-from', '2017-07');
    await screen.fill('plan-to', '2018-07');
    await screen.click('coverage-run');
  };
  const post = (url: string, body: unknown) =>
    app()
      .api()
      .then((c) =>
        c.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      );

  it('puts an intervention on the map, lists it in the register, and shows its history after an edit', async () => {
    const analyst = app().analyst;
    const screen = await open('/planning');
    expect(await screen.text('nav-planning')).toBe('Planning');
    await screen.click('iv-new');
    await screen.click('draw-point');
    await screen.clickOnMap([-0.0209, 51.4627]);
    await eventually(() => screen.text('drawn-geometry')).toMatch(/^point 51\.46\d+, -0\.02\d+/);
    await screen.fill('iv-name', ivName);
    await screen.choose('iv-type', 'youth_hub');
    await screen.fill('iv-starts', '2017-01-01');
    await screen.fill('iv-owner', 'LB Lewisham');
    await screen.click('iv-save');
    await screen.waitFor('iv-detail-name');
    expect(await screen.text('iv-detail-name')).toBe(ivName);
    expect(await screen.text('register-list')).toContain(ivName);

    // Stored where it was clicked (a few pixels' tolerance) and drawn on the map.
    const stored = await app().json<{
      features: Array<{ id: number; properties: { name: string }; geometry: { coordinates: number[] } }>;
    }>('/api/interventions?type=youth_hub');
    const mine = stored.features.find((f) => f.properties.name === ivName)!;
    expect(Math.abs(mine.geometry.coordinates[0] + 0.0209)).toBeLessThan(0.0005);
    expect(Math.abs(mine.geometry.coordinates[1] - 51.4627)).toBeLessThan(0.0005);
    await screen.waitForMapIdle();
    await eventually(() => renderedIds(screen, INTERVENTION_POINT_LAYER, 'id')).toContain(mine.id);
    await screen.screenshot('planning-register');

    // Edit: rename; the history lists both versions with who and what changed.
    await screen.click('iv-edit');
    await screen.fill('iv-name', `${ivName} (Catford)`);
    await screen.fill('iv-notes', 'moved indoors');
    await screen.click('iv-save');
    await eventually(() => screen.text('iv-detail-name')).toBe(`${ivName} (Catford)`);
    await eventually(() => screen.count('iv-history-entry')).toBe(2);
    const history = await screen.text('iv-history');
    expect(history).toContain(`v2 edit by ${analyst.email}`);
    expect(history).toContain(`v1 create by ${analyst.email}`);
    expect(history).toContain(`name: ${ivName} → ${ivName} (Catford)`);
    expect(history).toContain('notes: — → moved indoors');
    expect(screen.url().href).toContain(`iv=${mine.id}`);
    await screen.screenshot('planning-history');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('shows coverage per ward with bars, the straight-line note, and the uncovered hotspots on the map', async () => {
    const screen = await open('/planning?tab=coverage');
    await runCoverage(screen);
    await screen.waitFor('coverage-results', { timeout: LONG_WAIT });
    expect(await screen.count('coverage-ward')).toBe(19);
    const expected = await app().json<{
      borough: { share: number };
      uncovered: unknown[];
      wards: Array<{ name: string; share: number | null }>;
    }>('/api/planning/coverage?from=2017-07&to=2018-07');
    expect(await screen.text('coverage-borough')).toContain(percent(expected.borough.share));
    expect(await screen.text('coverage-distance-note')).toContain('straight-line');
    expect(await screen.text('coverage-distance-kind')).toContain('in a straight line');
    expect(await screen.text('walking-network-status')).toContain('Straight-line distances');
    expect(await screen.text('legend-distance')).toContain('straight line');
    expect(expected.uncovered.length).toBeGreaterThan(0);
    await screen.waitForMapIdle();
    expect((await renderedIds(screen, GAP_FILL_LAYER, 'h3')).length).toBeGreaterThan(0);
    expect(await screen.text('coverage-gaps')).toContain('harm');
    await screen.screenshot('planning-coverage');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('proposes patrol boxes, draws them ranked, lists the dosage plan, and exports them with purpose and recipient', async () => {
    const screen = await open('/planning?tab=patrol');
    await screen.fill('plan-from', '2017-07');
    await screen.fill('plan-to', '2018-07');
    await screen.fill('patrol-n', '8');
    await screen.click('patrol-run');
    await screen.waitFor('patrol-results', { timeout: LONG_WAIT });
    const n = Number(await screen.text('patrol-count'));
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(8);
    expect(await screen.count('patrol-box')).toBe(n);
    // police.uk is month precision: the boxes say peak days/hours cannot be estimated.
    expect(await screen.text('patrol-boxes')).toContain('recorded to the month only');
    expect(await screen.text('patrol-dosage-rule')).toMatch(/Koper/);
    await screen.waitForMapIdle();
    await screen.jumpTo(await screen.onMap((map) => map.getCenter().toArray() as [number, number]), 11.2);
    expect(((await renderedIds(screen, PATROL_FILL_LAYER, 'rank')) as number[]).sort((a, b) => a - b)).toEqual(
      Array.from({ length: n }, (_, i) => i + 1),
    );
    await screen.screenshot('planning-patrol');

    await screen.click('patrol-export');
    const download = await screen.exportWith({
      purpose: 'Patrol briefing for the Safer Neighbourhood Team',
      recipient: 'Lewisham SNT',
      format: 'csv',
    });
    const csv = download.text.trim().split('\n');
    expect(download.filename).toMatch(/^patrol-boxes-.*\.csv$/);
    expect(csv[0]).toContain('rank');
    expect(csv).toHaveLength(n + 1);
    const [log] = await app().db.query<{ purpose: string; recipient: string }>(
      `SELECT purpose, recipient FROM audit_log WHERE resource = 'patrol.csv' ORDER BY id DESC LIMIT 1`,
    );
    expect(log).toEqual({ purpose: 'Patrol briefing for the Safer Neighbourhood Team', recipient: 'Lewisham SNT' });
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('chooses outreach sites with the gain of each added site and the method stated', async () => {
    const screen = await open('/planning?tab=outreach');
    await screen.fill('outreach-k', '3');
    await screen.click('outreach-run');
    await screen.waitFor('outreach-results', { timeout: LONG_WAIT });
    expect(await screen.count('[data-testid="outreach-sites"] tbody tr')).toBe(3);
    expect(await screen.text('outreach-sites')).toMatch(/\+\d/);
    expect(await screen.text('outreach-method')).toMatch(/Exact: HiGHS|Greedy \(exact solver not run/);
    await screen.screenshot('planning-outreach');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('loads a walking network on the page; coverage and outreach then walk along it, and say so', async () => {
    // No street network is in shared/data: the 2021 LSOA boundary rings (which in London largely follow
    // streets) serve as the walking network, as in test/planning-api.test.ts.
    const lsoa = JSON.parse(fs.readFileSync(SHARED + 'lewisham_lsoa21.geojson', 'utf8'));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'saferplaces-network-')), 'lsoa-lines.geojson');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: lsoa.features
          .flatMap((f: any) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat(1))
          .map((ring: number[][]) => ({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: ring } })),
      }),
    );
    const straight = await app().json<{ borough: { covered_harm: number } }>('/api/planning/coverage?from=2017-07&to=2018-07');
    const screen = await open('/planning?tab=coverage');
    try {
      await screen.expand('walking-network');
      await screen.uploadFile('walking-network-file', file);
      await screen.click('walking-network-load');
      await screen.waitFor('[data-testid="walking-network-status"]:has-text("Walking distances")', { timeout: LONG_WAIT });
      expect(await screen.text('walking-network-status')).toContain('lsoa-lines');
      await runCoverage(screen);
      await screen.waitFor('[data-testid="coverage-distance-kind"]:has-text("walk")', { timeout: LONG_WAIT });
      expect(await screen.text('coverage-distance-note')).toContain('walking distances along the loaded walking network');
      expect(await screen.text('legend-distance')).toContain('walking');
      const walked = await app().json<{ borough: { share: number; covered_harm: number }; meta: { distance: string } }>(
        '/api/planning/coverage?from=2017-07&to=2018-07',
      );
      expect(walked.meta.distance).toBe('walking');
      expect(walked.borough.covered_harm).toBeLessThanOrEqual(straight.borough.covered_harm);
      expect(await screen.text('coverage-borough')).toContain(percent(walked.borough.share));
      await screen.waitForMapIdle();
      await screen.screenshot('planning-coverage-walking');

      await screen.click('tab-outreach');
      await screen.fill('outreach-k', '3');
      await screen.click('outreach-run');
      await screen.waitFor('outreach-results', { timeout: LONG_WAIT });
      expect(await screen.text('outreach-distance-kind')).toContain('walk');
      expect(await screen.text('outreach-results')).toContain('walking distances along the loaded walking network');
      await screen.waitForMapIdle();
      await screen.screenshot('planning-outreach-walking');

      // Removed on the page: straight lines again.
      await screen.keepOpen('[data-testid="walking-network"] details'); // still open from the load
      await screen.click('walking-network-remove');
      await screen.waitFor('[data-testid="walking-network-status"]:has-text("Straight-line distances")');
      expect(screen.errors).toEqual([]);
    } finally {
      await (await app().api()).request('/api/planning/network', { method: 'DELETE' });
      await screen.close();
    }
  });

  it('creates a CHB area from wards (one clicked on the map) and shows its dashboard, printable to PDF', async () => {
    const db = app().db;
    // Area: one ward; control: two wards well away from it and its 500 m buffer (checked in PostGIS).
    const [{ code: areaWard, lon, lat }] = await db.query<{ code: string; lon: number; lat: number }>(
      `SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas WHERE level = 'ward' ORDER BY code LIMIT 1`,
    );
    const control = (
      await db.query<{ code: string }>(
        `SELECT b.code FROM areas a JOIN areas b ON b.level = 'ward' AND NOT ST_DWithin(a.geom::geography, b.geom::geography, 800) WHERE a.code = $1 ORDER BY b.code LIMIT 2`,
        [areaWard],
      )
    ).map((r) => r.code);
    expect(control).toHaveLength(2);

    const screen = await app().open('/chb', { map: 'planning' });
    await screen.click('chb-new');
    await screen.waitForMapIdle();
    await screen.fill('chb-name', `Catford CHB ${tag}`);
    await screen.clickOnMap([lon, lat]);
    await eventually(() => screen.value(`[data-testid="chb-ward-pick"][data-code="${areaWard}"]`)).toBe('area');
    for (const c of control) await screen.choose(`[data-testid="chb-ward-pick"][data-code="${c}"]`, 'control');
    await screen.fill('chb-clear', '2017-07-01');
    await screen.fill('chb-hold', '2017-10-01');
    await screen.fill('chb-build', '2018-01-01');
    await screen.fill('chb-end', '2018-07-01');
    await screen.waitForMapIdle();
    await screen.screenshot('planning-chb-create');
    await screen.click('chb-create');
    await screen.waitFor('chb-dashboard');
    await screen.waitFor('chb-phase-build', { timeout: LONG_WAIT });
    const id = Number(screen.url().searchParams.get('id'));
    expect(id).toBeGreaterThan(0);
    expect(await screen.text('chb-title')).toContain(`Catford CHB ${tag}`);

    // Every phase shows WDQ and TNE as the API has them: the number, or "undefined" with the reason.
    const ev = await app().json<{
      phases: Array<{
        phase: string;
        counts: {
          wdq: { value: number | null; reason: string | null };
          tne: { value: number | null; reason: string | null };
          reading: string;
        };
      }>;
    }>(`/api/chb/${id}/evaluation`);
    for (const ph of ev.phases) {
      const section = `[data-testid="chb-phase-${ph.phase}"]`;
      for (const k of ['wdq', 'tne'] as const) {
        const cell = await screen.text(`${section} [data-testid="fig-${k}"]`);
        const f = ph.counts[k];
        if (f.value === null) expect(cell).toBe(`undefined${f.reason}`);
        else expect(cell).toBe(f.value.toFixed(k === 'wdq' ? 3 : 1));
      }
      expect(await screen.text(`${section} [data-testid="chb-reading"]`)).toContain(ph.counts.reading);
      expect(await screen.count(`${section} [data-testid="chb-counts"] tbody tr`)).toBe(3);
    }
    expect(await screen.count('[data-testid="chb-chart"] rect')).toBeGreaterThanOrEqual(18);
    // The small map carries no attribution box; the dashboard prints it in its footer instead.
    expect(await screen.text('chb-attribution')).toContain('Open Government Licence');
    await screen.waitForMapIdle();
    expect(await renderedIds(screen, CHB_FILL_LAYER, 'region')).toEqual(expect.arrayContaining(['area', 'buffer', 'control']));
    await screen.resize({ width: 1280, height: 1800 });
    await screen.waitForMapIdle();
    await screen.screenshot('planning-chb-dashboard');

    // Print: the header and buttons go, the dashboard stays; Chromium's PDF is a real, non-empty file.
    await screen.media('print');
    expect(await screen.isVisible('.app-header')).toBe(false);
    expect(await screen.isVisible('chb-print')).toBe(false);
    await screen.screenshot('planning-chb-print');
    const pdf = await screen.pdf();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    fs.writeFileSync(path.resolve('test-results/planning-chb-dashboard.pdf'), pdf);
    expect(screen.errors).toEqual([]);
    await screen.close();

    // A partner opens the same dashboard: figures or "withheld", never record-level lists.
    const p = await app().open(`/chb?id=${id}`, { as: 'partner', map: 'planning' });
    await p.waitFor('chb-phase-build', { timeout: LONG_WAIT });
    const text = await p.text('chb-dashboard');
    expect(text).toMatch(/withheld|WDQ/);
    expect(text).not.toContain(ivName);
    await p.close();
  });

  it('builds a CHB area from H3 cells clicked on the map with a drawn control, and its dashboard follows new incidents by itself', async () => {
    const db = app().db;
    // The area: the res-9 cell with the most incidents in the Build phase and two of its neighbours, each
    // clicked on the map; the control: a ~550 m square drawn with terra-draw in the ward farthest from it.
    const [top] = await db.query<{ h3: string }>(
      `SELECT lpad(to_hex(h3_9), 15, '0') AS h3 FROM incidents WHERE occurred_at >= '2018-01-01' AND occurred_at < '2018-07-01' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const cells = [
      top.h3,
      ...gridDisk(top.h3, 1)
        .filter((c) => c !== top.h3)
        .sort()
        .slice(0, 2),
    ];
    const centre = (c: string): [number, number] => {
      const [la, ln] = cellToLatLng(c);
      return [ln, la];
    };
    const [far] = await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas
       WHERE level = 'ward' ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) DESC LIMIT 1`,
      centre(top.h3),
    );
    const corners: [number, number][] = [
      [far.lon - 0.004, far.lat - 0.0025],
      [far.lon + 0.004, far.lat - 0.0025],
      [far.lon + 0.004, far.lat + 0.0025],
      [far.lon - 0.004, far.lat + 0.0025],
    ];

    const screen = await app().open('/chb', { map: 'planning' });
    await screen.click('chb-new');
    await screen.waitForMapIdle();
    await screen.fill('chb-name', `Cells CHB ${tag}`);
    await screen.tick('chb-area-cells');
    expect(await screen.text('chb-cell-count')).toContain('0 cells at H3 resolution 9');
    await screen.jumpTo(centre(top.h3), 15);
    for (const c of cells) await screen.clickOnMap(centre(c));
    await eventually(() => screen.text('chb-cell-count')).toContain('3 cells');
    // A second click on a cell takes it out again; a third puts it back.
    await screen.clickOnMap(centre(cells[2]));
    await eventually(() => screen.text('chb-cell-count')).toContain('2 cells');
    await screen.clickOnMap(centre(cells[2]));
    await eventually(() => screen.text('chb-cell-count')).toContain('3 cells');

    // The control, drawn: terra-draw takes the corners, the first again closes the ring.
    await screen.tick('chb-control-draw');
    await screen.jumpTo([far.lon, far.lat], 14);
    await screen.drawOnMap(corners, 'close');
    await eventually(() => screen.text('chb-control-drawn')).toContain('Polygon drawn');
    await screen.click('chb-control-draw-done');
    expect(await screen.text('chb-control-drawn')).toContain('Polygon drawn (4 corners)');
    await screen.fill('chb-clear', '2017-07-01');
    await screen.fill('chb-hold', '2017-10-01');
    await screen.fill('chb-build', '2018-01-01');
    await screen.fill('chb-end', '2018-07-01');
    // Both on screen: the cells (blue), the buffer ring preview (orange), the drawn control (green).
    await screen.fitBounds([
      [Math.min(far.lon - 0.004, centre(top.h3)[0] - 0.01), Math.min(far.lat - 0.0025, centre(top.h3)[1] - 0.01)],
      [Math.max(far.lon + 0.004, centre(top.h3)[0] + 0.01), Math.max(far.lat + 0.0025, centre(top.h3)[1] + 0.01)],
    ]);
    expect((await renderedIds(screen, CHB_FILL_LAYER, 'region')).sort()).toEqual(['area', 'buffer', 'control']);
    await screen.screenshot('planning-chb-cells-create');
    await screen.click('chb-create');
    await screen.waitFor('chb-phase-build', { timeout: LONG_WAIT });
    const id = Number(screen.url().searchParams.get('id'));

    // Stored as built on the page: the clicked cells, and the drawn corners (terra-draw may start or turn the ring).
    type Detail = {
      area_source: { kind: string; res: number; codes: string[] };
      control_source: { kind: string };
      control: { type: string; coordinates: number[][][] | number[][][][] };
    };
    const detail = await app().json<Detail>(`/api/chb/${id}`);
    expect(detail.area_source).toEqual({ kind: 'cells', res: 9, codes: [...cells].sort() });
    expect(detail.control_source).toEqual({ kind: 'geometry' });
    const ring = (
      detail.control.type === 'Polygon' ? detail.control.coordinates[0] : (detail.control.coordinates as number[][][][])[0][0]
    ) as number[][];
    expect(ring).toHaveLength(5);
    for (const c of corners)
      expect(
        ring.some((p) => Math.abs(p[0] - c[0]) < 2e-4 && Math.abs(p[1] - c[1]) < 2e-4),
        String(c),
      ).toBe(true);
    expect(await screen.text('chb-dashboard')).toContain('Area: 3 H3 cells at resolution 9. Control: drawn polygon.');

    // The dashboard shows the API's counts; then incidents arrive through the ingest API (another user) and
    // the figures change with no reload.
    type Ev = { phases: Array<{ phase: string; regions: Array<{ region: string; phase_count: number }> }> };
    const buildArea = (e: Ev) => e.phases.find((p) => p.phase === 'build')!.regions.find((r) => r.region === 'area')!.phase_count;
    const areaCell = async () =>
      Number(
        await screen.text('[data-testid="chb-phase-build"] [data-testid="chb-counts"] tbody tr:first-child td:nth-of-type(3)'),
      );
    const was = buildArea(await app().json<Ev>(`/api/chb/${id}/evaluation`));
    expect(await areaCell()).toBe(was);
    await screen.waitForLiveFeed();
    const [lon, lat] = centre(top.h3);
    const items = Array.from({ length: 4 }, (_, i) => ({
      id: `live-chb-${tag}-${i}`,
      category: 'robbery',
      occurred_at: '2018-03',
      lon,
      lat,
    }));
    const res = await post('/api/incidents', { dataset: 'chb live test', incidents: items });
    expect(res.status).toBe(200);
    const sent = Date.now();
    expect(buildArea(await app().json<Ev>(`/api/chb/${id}/evaluation`))).toBe(was + 4);
    await eventually(areaCell).toBe(was + 4);
    console.log(`CHB dashboard showed the new incidents ${Date.now() - sent} ms after the ingest returned`);
    expect(await screen.text('live-toast')).toContain('4 new incidents');
    await screen.resize({ width: 1280, height: 1800 });
    await screen.waitForMapIdle();
    await screen.screenshot('planning-chb-cells-dashboard');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('shows a partner the ward shares only, small counts as "withheld", no register', async () => {
    const screen = await open('/planning', 'partner');
    expect(await screen.count('tab-register')).toBe(0);
    expect(await screen.count('tab-patrol')).toBe(0);
    await screen.click('coverage-run');
    await screen.waitFor('coverage-results', { timeout: LONG_WAIT });
    expect(await screen.count('coverage-ward')).toBe(19);
    expect(await screen.count('coverage-gaps')).toBe(0);
    expect(await screen.count('register-list')).toBe(0);
    // Ward shares the disclosure rule withholds read "withheld" (police.uk Lewisham has many small covered counts).
    const shares = await app().json<{ wards: Array<{ name: string; suppressed?: boolean; covered_suppressed?: boolean }> }>(
      '/api/planning/coverage',
      undefined,
      'partner',
    );
    const hidden = shares.wards.filter((w) => w.suppressed || w.covered_suppressed);
    expect(hidden.length).toBeGreaterThan(0);
    for (const w of hidden.slice(0, 3))
      expect(await screen.text({ target: 'coverage-ward', hasText: w.name })).toContain('withheld');
    await screen.screenshot('planning-partner');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('re-runs the shown coverage by itself when new incidents arrive (the live feed)', async () => {
    const screen = await open('/planning?tab=coverage');
    await runCoverage(screen);
    await screen.waitFor('coverage-results', { timeout: LONG_WAIT });
    await screen.waitForLiveFeed();
    const before = await screen.text('coverage-amounts');
    type Cov = { borough: { hotspot_harm: number }; hotspots: Array<{ centre: { lon: number; lat: number } }> };
    const url = '/api/planning/coverage?from=2017-07&to=2018-07';
    const was = await app().json<Cov>(url);
    // 30 robberies pushed at the centre of the top hotspot, inside the window (another user, through the API).
    const { lon, lat } = was.hotspots[0].centre;
    const items = Array.from({ length: 30 }, (_, i) => ({
      id: `live-planning-${tag}-${i}`,
      category: 'robbery',
      occurred_at: '2018-03',
      lon,
      lat,
    }));
    const res = await post('/api/incidents', { dataset: 'planning live test', incidents: items });
    expect(res.status).toBe(200);
    const now = await app().json<Cov>(url);
    expect(now.borough.hotspot_harm).toBeGreaterThan(was.borough.hotspot_harm);
    // No reload, no click: the panel re-runs and shows the new figures.
    await screen.waitForTextChange('coverage-amounts', before, LONG_WAIT);
    await eventually(() => screen.text('coverage-amounts'), LONG_WAIT).toContain(
      ` of ${now.borough.hotspot_harm.toLocaleString('en-GB')} harm`,
    );
    await screen.screenshot('planning-coverage-live');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });
});

// The web UI in a real browser, against the real app and real Lewisham data: sign-in and first-run setup,
// wards and hexagons render under the strict CSP, the ranking table, detail panel, incident popup and
// import page work, partners see withheld counts and no points, exports ask for purpose and recipient,
// admins manage users and read the audit log. Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/auth.js';
import { createSetupToken } from '../../api/auth/store.js';
import { tmpFile } from '../helpers/files.js';
import { SHARED } from '../helpers/db.js';
import { decodeIncidents } from '../../contract/aggregates.js';
import {
  HEX_FILL_LAYER,
  INCIDENT_CLUSTER_LAYER,
  INCIDENT_TILE_POINT_LAYER,
  WARD_FILL_LAYER,
} from '../../web/src/map/layers/index.js';
import { browserSkipReason, eventually, LONG_WAIT, TEST_TIMEOUT, tid, useBrowserApp, type Credentials } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const LSOAS = 'lewisham_lsoa21.geojson';
const POPULATION = 'lewisham_lsoa21_population_census2021.csv';
const LEWISHAM_WARD_CODES = Array.from({ length: 19 }, (_, i) => `E050137${String(14 + i).padStart(2, '0')}`);

const skipReason = browserSkipReason([WARDS, VIOLENCE, LSOAS, POPULATION]);
if (skipReason) console.log(`Skipping the browser test: ${skipReason}`);

describe.skipIf(skipReason)('web UI in Chromium on real Lewisham data', { timeout: TEST_TIMEOUT }, () => {
  // An empty database at first (the first-run screen); the tests below import into it in order.
  const app = useBrowserApp({ name: 'web' });
  /** The first administrator, made through the setup page (near the end). */
  let admin: Credentials;
  const EXPORT_PURPOSE = 'Ward briefing for the CSP meeting';

  /** Sum of the area counts the API gives for a query, formatted as the table shows it. */
  const apiTotal = async (query: string) => {
    const body = await app().json<{ areas: { count: number }[] }>(`/api/stats/areas?${query}`);
    return body.areas.reduce((s, a) => s + a.count, 0).toLocaleString('en-GB');
  };

  it('shows the first-run screen on an empty database', async () => {
    const screen = await app().open('/', { ready: 'first-run' });
    expect(await screen.text('first-run')).toContain('npm run import -- wards.geojson'); // the level follows the file's ONS code field
    await screen.screenshot('first-run');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('renders the 19 wards and the hexagons, with the ranking table and legend', async () => {
    await app().importFile(WARDS, { kind: 'boundaries', level: 'ward' });
    await app().importFile(VIOLENCE, { kind: 'incidents_csv' });

    const screen = await app().open('/?layers=choropleth,outlines,labels,hexes', { mapIdle: true });
    const wardCodes = await screen.onMap(
      (map, layer) => [...new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => f.properties.code))].sort(),
      WARD_FILL_LAYER,
    );
    expect(wardCodes).toEqual(LEWISHAM_WARD_CODES);
    // Every ward got its count as feature state (the choropleth colours come from it).
    const states = await screen.onMap(
      (map, layer) => map.queryRenderedFeatures({ layers: [layer] }).filter((f: any) => typeof f.state.count === 'number').length,
      WARD_FILL_LAYER,
    );
    expect(states).toBeGreaterThanOrEqual(19);

    const hexes = await screen.onMap(
      (map, layer) =>
        map
          .queryRenderedFeatures({ layers: [layer] })
          .map((f: any) => ({ h3: f.properties.h3, count: f.properties.count, res: f.properties.res })),
      HEX_FILL_LAYER,
    );
    expect(hexes.length).toBeGreaterThan(50);
    expect(hexes.every((h: { h3: string; count: number }) => h.count > 0 && /^[0-9a-f]{15}$/.test(h.h3))).toBe(true);
    // Hexagons sit on Lewisham (lng/lat order right): the map centre is near -0.02, 51.45.
    const center = await screen.onMap((map) => map.getCenter().toArray());
    expect(center[0]).toBeGreaterThan(-0.07);
    expect(center[0]).toBeLessThan(0.03);
    expect(center[1]).toBeGreaterThan(51.41);
    expect(center[1]).toBeLessThan(51.5);

    await eventually(() => screen.count('ranking-row')).toBe(19);
    const legend = await screen.readLegend();
    expect(legend).toContain('Incidents per hexagon');
    expect(legend).toContain('Incidents per area');
    expect(await screen.count('[data-testid="legend-areas"] li')).toBeGreaterThanOrEqual(3);
    expect(await screen.text('.maplibregl-ctrl-attrib')).toContain('Open Government Licence');
    await screen.screenshot('map-overview');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('renders the map under the strict Content-Security-Policy without violations', async () => {
    const res = await fetch(`${app().base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("worker-src 'self' blob:");

    const screen = await app().open('/?layers=choropleth,outlines,labels,hexes,incidents', { mapIdle: true });
    await screen.jumpTo([-0.0137, 51.4657], 15);
    expect(
      await screen.onMap((map, layer) => map.queryRenderedFeatures({ layers: [layer] }).length, HEX_FILL_LAYER),
    ).toBeGreaterThan(0);
    expect(await screen.cspViolations()).toEqual([]);
    expect(screen.errors).toEqual([]);
    // The check can fail: an inline style attribute is refused and reported.
    await screen.inPage(() => {
      const d = document.createElement('div');
      d.setAttribute('style', 'color: red');
      document.body.append(d);
    }, null);
    await eventually(() => screen.cspViolations()).toEqual([expect.stringContaining('style-src')]);
    await screen.close();
  });

  it('signs in through the form: a wrong password is refused with a message, the right one shows the map', async () => {
    const analyst = app().analyst;
    const screen = await app().open('/', { as: null, ready: 'sign-in-form' });
    expect(await screen.signInWithForm(analyst.email, 'not the password at all')).toBe(401);
    expect(await screen.text('sign-in-error')).toContain('Wrong email or password');
    await screen.screenshot('sign-in-error');

    expect(await screen.signInWithForm(analyst.email, analyst.password)).toBe(200);
    await screen.waitForMapIdle();
    expect(await screen.text('user-role')).toBe('Analyst');
    expect(await screen.text('user-menu')).toContain(analyst.email);
    expect(await screen.count('nav-import')).toBe(1);
    expect(await screen.count('nav-users')).toBe(0);
    await screen.screenshot('signed-in-analyst');

    // "Sign out everywhere" in another browser ends this session too: its next request gets 401 and the
    // page switches to the sign-in screen.
    const other = await app().open('/', { ready: 'user-menu' });
    await other.click('sign-out-everywhere');
    expect(await other.text('sign-in-notice')).toContain('every device');
    await other.close();
    await screen.setPeriod('2016-01');
    await screen.waitFor('sign-in-notice');
    expect(await screen.text('sign-in-notice')).toContain('Your session has ended');
    await screen.screenshot('session-ended');

    expect(await screen.signInWithForm(analyst.email, analyst.password)).toBe(200);
    await screen.click('sign-out');
    await screen.waitFor('sign-in-form');
    expect(await screen.text('sign-in-notice')).toContain('Signed out');
    // The session is gone on the server too: a reload stays on the sign-in page.
    await screen.reload({ ready: 'sign-in-form' });
    expect(screen.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await screen.close();
  });

  it('tells the user when sign-ins are rate limited', async () => {
    const victim = await app().account('analyst');
    const screen = await app().open('/', { as: null, ready: 'sign-in-form' });
    // Each attempt waits for the server's answer (a password hash: slow on a loaded machine), not for a
    // fixed time; the page then shows the answer's message.
    const statuses: number[] = [];
    for (let i = 0; i < 6 && !statuses.includes(429); i++)
      statuses.push(await screen.signInWithForm(victim.email, `wrong password ${i}`));
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    await screen.waitForText('sign-in-error', 'Too many');
    expect(await screen.text('sign-in-error')).toContain('Too many failed sign-ins');
    await screen.screenshot('sign-in-rate-limited');
    await screen.close();
  });

  it('shows partners withheld counts (never 0), the disclosure note and no incident points', async () => {
    const stats = await app().json<{
      areas: { code: string; count: number | null; suppressed: boolean }[];
      disclosure: { min_count: number };
    }>(`/api/stats/areas?level=ward&category=robbery&from=2018-06&to=2018-07`, undefined, 'partner');
    const withheld = stats.areas.filter((a) => a.suppressed).length;
    expect(withheld).toBeGreaterThan(1);

    const screen = await app().open('/?cat=robbery&from=2018-06&to=2018-07&layers=choropleth,outlines,labels,hexes,incidents', {
      as: 'partner',
    });
    const incidentRequests = screen.recordRequests('/api/incidents');
    await screen.waitForMapIdle();
    await eventually(() => screen.count('ranking-row')).toBe(19);
    expect(await screen.text('user-role')).toBe('Partner');
    expect(await screen.count('layer-toggle-incidents')).toBe(0);
    expect(await screen.count('withheld-count')).toBe(withheld);
    const counts = await screen.texts('[data-testid="ranking-row"] td.num:nth-child(3)');
    for (const c of counts) expect(c === 'withheld' || Number(c.replace(/,/g, '')) >= stats.disclosure.min_count).toBe(true);
    expect(await screen.text('legend-withheld-note')).toContain(
      `Counts below ${stats.disclosure.min_count} are withheld for partners`,
    );
    expect(await screen.text('disclosure-note')).toContain(`Counts below ${stats.disclosure.min_count}`);
    // A withheld ward's details say so instead of showing a number.
    await screen.click('[data-testid="ranking-row"]:has([data-testid="withheld-count"])');
    await screen.waitFor('[data-testid="detail-panel"] [data-testid="sparkline"]');
    expect(await screen.text('detail-count')).toBe('withheld');
    await screen.waitForMapIdle();
    await screen.screenshot('map-partner');
    // Partners choose among the partner periods (issue 15): a list, not free months; a quarter is asked for as such.
    expect(await screen.count('filter-from')).toBe(0);
    const quarter = await screen.requestDuring(['/api/stats/areas'], () => screen.choose('partner-period', '2018-04/2018-07'));
    expect([quarter.searchParams.get('from'), quarter.searchParams.get('to')]).toEqual(['2018-04', '2018-07']);
    await eventually(() => screen.count('ranking-row')).toBe(19);
    expect(incidentRequests).toEqual([]);
    expect(await screen.count('nav-import')).toBe(0);
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('offers officers the points layer for their wards only', async () => {
    const officer = await app().account('officer', [LEWISHAM_WARD_CODES[0]]);
    const screen = await app().open('/?layers=outlines,labels', { as: officer, mapIdle: true });
    expect(await screen.text('layers')).toContain('Incident points (your ward)');
    const fc = decodeIncidents(await screen.responseDuring('/api/incidents', () => screen.tick('layer-toggle-incidents')));
    expect(fc.features.length).toBeGreaterThan(0);
    expect(new Set(fc.features.map((f: any) => f.properties.ward_code))).toEqual(new Set([LEWISHAM_WARD_CODES[0]]));
    await screen.waitForMapIdle();
    expect(await screen.count('export-incidents')).toBe(0);
    await screen.screenshot('map-officer');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('exports the ward table and incident records after asking for purpose and recipient', async () => {
    const screen = await app().open('/?layers=outlines,labels,hexes', { mapIdle: true });
    await screen.click('export-areas');
    await screen.waitFor('export-dialog');
    // Nothing is sent without a purpose and a recipient.
    await screen.click('export-submit');
    expect(await screen.count('export-done')).toBe(0);
    await screen.fill('export-purpose', EXPORT_PURPOSE);
    await screen.fill('export-recipient', 'Lewisham CSP');
    await screen.screenshot('export-dialog');
    const download = await screen.download('export-submit');
    const csv = download.text.trim().split('\n');
    expect(download.filename).toMatch(/^ward-.*\.csv$/);
    expect(csv[0]).toBe('code,name,count,population,population_rule,rate_per_1000,previous_count,change');
    // 19 wards, the outside and total rows, then notes on missing data (none for a covered period), the coverage
    // rule, and one `source` line per import batch behind the figures (provenance, issue 17).
    expect(csv.slice(20, 22).map((l) => l.split(',')[0])).toEqual(['outside_study_area', 'total']);
    const tail = csv.slice(22).map((l) => l.split(',')[0]);
    expect(tail[0]).toBe('coverage_rule');
    expect(tail.length).toBeGreaterThan(1);
    expect(new Set(tail.slice(1))).toEqual(new Set(['source']));
    await screen.waitFor('export-done');
    await screen.click('export-cancel');

    await screen.click('export-incidents');
    const gj = await screen.exportWith({
      purpose: 'Problem-solving plan for Lewisham Central',
      recipient: 'Lewisham police problem-solving hub',
      format: 'geojson',
      inView: true,
    });
    const fc = JSON.parse(gj.text);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(100);
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('filters by category and period from the side panel, and keeps the filters in the URL', async () => {
    const screen = await app().open('/', { mapIdle: true });
    expect(await screen.rankingTotal()).toBe(await apiTotal('level=ward'));

    await screen.chooseCategory('robbery');
    await eventually(() => screen.url().href).toContain('cat=robbery');
    const robbery = await apiTotal('level=ward&category=robbery');
    await eventually(() => screen.rankingTotal()).toBe(robbery);

    await screen.setPeriod('2016-01');
    await eventually(() => screen.url().href).toContain('from=2016-01');
    const robberyLonger = await apiTotal('level=ward&category=robbery&from=2016-01&to=2018-07');
    expect(Number(robberyLonger.replace(/,/g, ''))).toBeGreaterThan(Number(robbery.replace(/,/g, '')));
    await eventually(() => screen.rankingTotal()).toBe(robberyLonger);
    await screen.waitForMapIdle();
    const hexTotal = await screen.onMap((map, source) => map.querySourceFeatures(source).length, 'sp-hexes');
    expect(hexTotal).toBeGreaterThan(0);
    await screen.screenshot('map-filtered');

    // Reloading the URL restores the filters.
    await screen.reload({ mapIdle: true });
    expect(await screen.rankingTotal()).toBe(robberyLonger);
    expect(await screen.value('filter-from')).toBe('2016-01');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('draws over a configured basemap style, and falls back to a plain background when it is unreachable', async () => {
    const style = {
      version: 8,
      name: 'Test basemap',
      sources: {},
      layers: [{ id: 'test-bg', type: 'background', paint: { 'background-color': '#d5e6f2' } }],
    };
    const styleServer = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(style));
    });
    const styleUrl = `${await app().serveAlongside(styleServer)}/style.json`;

    const { base: withBasemap } = await app().startAnother(styleUrl);
    const screen = await app().open(`${withBasemap}/?layers=choropleth,outlines,labels,hexes`, { mapIdle: true });
    await eventually(() => screen.onMap((map) => map.getStyle().name)).toBe('Test basemap');
    await screen.waitForMapIdle();
    const layerIds = await screen.onMap((map) => map.getStyle().layers.map((l: any) => l.id));
    expect(layerIds[0]).toBe('test-bg');
    expect(layerIds).toContain(WARD_FILL_LAYER);
    expect(layerIds).toContain(HEX_FILL_LAYER);
    const wards = await screen.onMap(
      (map, layer) => new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => f.properties.code)).size,
      WARD_FILL_LAYER,
    );
    expect(wards).toBe(19);
    expect(await screen.count('map-notices')).toBe(0);
    await screen.screenshot('map-basemap');
    expect(screen.errors).toEqual([]);
    await screen.close();

    const { base: unreachable } = await app().startAnother('http://127.0.0.1:9/style.json');
    const second = await app().open(`${unreachable}/?layers=choropleth,outlines`, { mapIdle: true });
    await eventually(() => second.text('map-notices')).toContain('Plain background');
    const plain = await second.onMap(
      (map, layer) => new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => f.properties.code)).size,
      WARD_FILL_LAYER,
    );
    expect(plain).toBe(19);
    await second.close();
  });

  it('maps rates per 1,000 residents for LSOAs once population is loaded', async () => {
    await app().importFile(LSOAS, { kind: 'boundaries', level: 'lsoa' });
    await app().importFile(POPULATION, { kind: 'population', level: 'lsoa' });
    const screen = await app().open('/?level=lsoa&metric=rate&layers=choropleth,outlines&sort=rate-desc', { mapIdle: true });
    await eventually(() => screen.count('ranking-row')).toBe(175);
    expect(await screen.isTicked('metric-rate')).toBe(true);
    expect(await screen.readLegend()).toContain('per 1,000 residents');
    const rendered = await screen.onMap((map, layer) => {
      const fs = map.queryRenderedFeatures({ layers: [layer] });
      return {
        codes: new Set(fs.map((f: any) => f.properties.code)).size,
        withRate: fs.filter((f: any) => typeof f.state.rate === 'number').length,
      };
    }, WARD_FILL_LAYER);
    expect(rendered.codes).toBeGreaterThanOrEqual(170);
    expect(rendered.withRate).toBeGreaterThanOrEqual(170);
    // Sorted by rate, highest first.
    const rates = await screen.texts('[data-testid="ranking-row"] td.num:nth-child(4)');
    const nums = rates.slice(0, 10).map((r) => Number(r.replace(/,/g, '')));
    expect([...nums].sort((a, b) => b - a)).toEqual(nums);
    await screen.screenshot('map-lsoa-rate');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('zooms to a ward from the ranking table and shows its details and sparkline', async () => {
    const screen = await app().open('/?layers=choropleth,outlines,labels', { mapIdle: true });
    const zoomBefore = await screen.onMap((map) => map.getZoom());
    const code = await screen.attr('ranking-row', 'data-code');
    const row = `[data-testid="ranking-row"][data-code="${code}"]`;
    const name = await screen.text(`${row} td.name`);
    await screen.selectArea(code!);
    await screen.waitFor('[data-testid="detail-panel"] [data-testid="sparkline"]');
    await screen.waitForMapMoved();
    expect(await screen.onMap((map) => map.getZoom())).toBeGreaterThan(zoomBefore + 0.5);
    expect(await screen.text('detail-panel')).toContain(name);
    expect(screen.url().href).toContain(`sel=area:${code}`);
    expect(await screen.text('detail-count')).toBe(await screen.text(`${row} td.num`));
    await screen.screenshot('map-ward-detail');

    // The view is in the URL: reloading restores the selection and the camera.
    const zoomAfter = await screen.onMap((map) => map.getZoom());
    await screen.reload({ mapIdle: true, ready: 'detail-panel' });
    expect(Math.abs((await screen.onMap((map) => map.getZoom())) - zoomAfter)).toBeLessThan(0.02);
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('selects a hexagon by clicking it', async () => {
    const screen = await app().open('/', { mapIdle: true });
    // The busiest rendered hexagon: the centre of its first six vertices.
    const target = await screen.onMap((map, layer) => {
      const fs = map.queryRenderedFeatures({ layers: [layer] });
      fs.sort((a: any, b: any) => b.properties.count - a.properties.count);
      const ring = fs[0].geometry.coordinates[0];
      const lng = ring.slice(0, 6).reduce((s: number, p: number[]) => s + p[0], 0) / 6;
      const lat = ring.slice(0, 6).reduce((s: number, p: number[]) => s + p[1], 0) / 6;
      return { h3: fs[0].properties.h3 as string, lngLat: [lng, lat] as [number, number] };
    }, HEX_FILL_LAYER);
    await screen.clickOnMap(target.lngLat);
    await screen.waitFor('[data-testid="detail-panel"] [data-testid="sparkline"]');
    expect(await screen.text('detail-panel')).toContain(target.h3);
    expect(Number((await screen.text('detail-count')).replace(/,/g, ''))).toBeGreaterThan(0);
    await screen.waitForMapIdle();
    await screen.screenshot('map-hex-detail');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('shows clustered incident points and a popup with the precision flags', async () => {
    const screen = await app().open('/?layers=outlines,labels,incidents', { mapIdle: true });
    expect(
      await screen.onMap((map, layer) => map.queryRenderedFeatures({ layers: [layer] }).length, INCIDENT_CLUSTER_LAYER),
    ).toBeGreaterThan(0);
    // Zoom to single points around Lewisham station and click one.
    await screen.jumpTo([-0.0137, 51.4657], 17);
    const pt = await screen.onMap(
      (map, layer) =>
        (map.queryRenderedFeatures({ layers: [layer] })[0]?.geometry.coordinates ?? null) as [number, number] | null,
      INCIDENT_TILE_POINT_LAYER, // from z14 the points come from vector tiles
    );
    expect(pt).not.toBeNull();
    await screen.clickOnMap(pt!);
    await screen.waitFor('incident-popup');
    const text = await screen.text('incident-popup');
    expect(text).toContain('Month only');
    expect(text).toContain('Location snapped to nearby street point (police.uk anonymisation)');
    await screen.screenshot('map-incident-popup');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('uploads a file with progress, then shows the summary and the rejected rows', async () => {
    const header =
      'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
    const rows = [
      'a1,2018-05,Metropolitan Police Service,Metropolitan Police Service,-0.020,51.445,On or near Rushey Green,E01003210,Lewisham 025A,Robbery,Under investigation,',
      'a2,2018-05,Metropolitan Police Service,Metropolitan Police Service,not-a-number,51.445,On or near Rushey Green,E01003210,Lewisham 025A,Robbery,Under investigation,',
      'a3,2018-13,Metropolitan Police Service,Metropolitan Police Service,-0.021,51.446,On or near Catford Broadway,E01003210,Lewisham 025A,Robbery,Under investigation,',
    ];
    const file = tmpFile('browser-upload-street.csv', [header, ...rows].join('\n') + '\n');
    const finished = '[data-testid="import-job"][data-status="committed"], [data-testid="import-job"][data-status="failed"]';

    const screen = await app().open('/import', { ready: 'import-form' });
    await screen.uploadFile('import-file', file);
    await screen.click('import-submit');
    await screen.waitFor(finished, { timeout: LONG_WAIT });
    expect(await screen.attr(finished, 'data-status')).toBe('committed');
    expect(await screen.text('summary-imported')).toBe('1');
    expect(await screen.text('summary-rejected')).toBe('2');
    await eventually(() => screen.count('reject-row')).toBe(2);
    expect(await screen.text('rejects-table')).toContain('not-a-number');
    await eventually(() => screen.count('history-row')).toBeGreaterThanOrEqual(3);
    await screen.screenshot('import-summary');

    // Importing the same large file again keeps nothing twice.
    await screen.uploadFile('import-file', SHARED + VIOLENCE);
    await screen.click('import-submit');
    // Progress shows while the job runs (a re-import of known rows may finish before the first poll).
    await screen.waitFor('[data-testid="import-progress"], [data-testid="import-job"][data-status="committed"]', {
      timeout: LONG_WAIT,
    });
    await screen.screenshot('import-progress');
    // The job view of this file (the previous upload's committed view may still be on the page for a moment).
    await screen.waitFor(
      { target: '[data-testid="import-job"][data-status="committed"]', hasText: VIOLENCE },
      { timeout: LONG_WAIT },
    );
    expect(await screen.text('summary-imported')).toBe('0');
    expect(await screen.text('import-summary')).toContain('20,512');

    // A file that is not data is refused with the server's message.
    await screen.uploadFile('import-file', { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
    await screen.click('import-submit');
    const refused = '[data-testid="import-error"], [data-testid="import-job"][data-status="failed"]';
    await screen.waitFor(refused);
    expect((await screen.text(refused)).length).toBeGreaterThan(5);
    await screen.screenshot('import-error');
    expect(screen.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await screen.close();
  });

  it('creates the first administrator from the setup link', async () => {
    // The setup page only works while no account exists.
    await app().db.exec('DELETE FROM users');
    const token = await createSetupToken(app().db);
    expect(token).toBeTruthy();
    const screen = await app().open(`/setup#token=${token}`, { as: null, ready: 'setup-form' });
    expect(screen.url().href).not.toContain('token');
    expect(await screen.count('setup-token-present')).toBe(1);
    admin = { email: uniqueEmail('admin'), password: 'a long enough admin password' };
    await screen.fill('setup-name', 'First Admin');
    await screen.fill('setup-email', admin.email);
    await screen.fill('setup-password', 'too short');
    await screen.fill('setup-confirm', 'too short');
    await screen.click('setup-submit');
    expect(await screen.text('setup-error')).toContain('at least 12 characters');
    await screen.screenshot('setup-page');
    await screen.fill('setup-password', admin.password);
    await screen.fill('setup-confirm', admin.password);
    // An administrator only (the first-hour test covers "I will also analyse data").
    await screen.untick('setup-also-analyst');
    await screen.click('setup-submit');
    await screen.waitFor('user-role');
    expect(await screen.text('user-role')).toBe('Administrator');
    expect(screen.url().pathname).toBe('/');
    expect(await screen.count('nav-users')).toBe(1);
    expect(await screen.count('nav-import')).toBe(0);
    await screen.waitForMapIdle();
    await screen.screenshot('setup-done-admin-map');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('lets an administrator add a user, create an API token and read and export the audit log', async () => {
    const screen = await app().open('/admin/users', { as: admin, ready: 'users-table' });
    const officer = uniqueEmail('officer');
    await screen.fill('add-user-email', officer);
    await screen.fill('add-user-name', 'Ward Officer');
    await screen.choose('add-user-role', 'officer');
    await screen.fill('add-user-areas', `${LEWISHAM_WARD_CODES[0]}, ${LEWISHAM_WARD_CODES[1]}`);
    await screen.fill('add-user-password', 'an officer password');
    await screen.click('add-user-submit');
    const row = `[data-testid="user-row"][data-email="${officer}"]`;
    await screen.waitFor(row);
    expect(await screen.text(row)).toContain(LEWISHAM_WARD_CODES[1]);
    expect(await screen.text(`${row} ${tid('user-role-cell')}`)).toBe('Officer');

    // Disable and enable again.
    await screen.click(`${row} ${tid('user-toggle-disabled')}`);
    await eventually(() => screen.text(`${row} ${tid('user-status')}`)).toBe('Disabled');
    await screen.click(`${row} ${tid('user-toggle-disabled')}`);
    await eventually(() => screen.text(`${row} ${tid('user-status')}`)).toBe('Active');

    await screen.click(`${row} ${tid('user-new-token')}`);
    await screen.tick('token-scope-import');
    await screen.fill('token-label', 'browser test');
    await screen.click('token-create');
    await screen.waitFor('token-value');
    expect(await screen.text('token-value')).toMatch(/^spt_/);
    await screen.screenshot('admin-token-once');
    await screen.click('token-close');
    await eventually(() => screen.count('token-row')).toBe(1);
    await screen.screenshot('admin-users');

    await screen.click('nav-settings');
    await screen.waitFor('settings-page');
    await eventually(() => screen.value('settings-min-count')).toBe('5');
    await screen.click('settings-save');
    await screen.waitFor('settings-saved');

    await screen.click('nav-audit');
    await eventually(() => screen.count('audit-row')).toBeGreaterThan(5);
    expect(await screen.attrs('audit-row', 'data-action')).toEqual(
      expect.arrayContaining(['setup', 'change', 'login', 'export', 'view_records']),
    );
    await screen.choose('audit-action', 'export');
    await screen.click('audit-search');
    await eventually(async () => new Set(await screen.attrs('audit-row', 'data-action')).size).toBe(1);
    expect(await screen.text('audit-table')).toContain(EXPORT_PURPOSE);
    await screen.screenshot('admin-audit');

    await screen.click('audit-export');
    const download = await screen.exportWith({ purpose: 'Subject access request review', recipient: 'Data Protection Officer' });
    expect(download.text.split('\n')[0]).toBe(
      'id,at,user_id,user_email,role,via,action,resource,query,record_count,purpose,recipient,ip,outcome',
    );
    expect(download.text).toContain(EXPORT_PURPOSE);
    expect(screen.errors).toEqual([]);
    await screen.close();
  });
});

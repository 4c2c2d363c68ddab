// The School routes page in a real browser against the real app on real Lewisham data (wards, GIAS
// schools, NaPTAN stations, police.uk robbery): schools and hubs render as symbols, a route made through
// the API renders its segments, the term calendar editor saves, the police.uk unknown-time notice says
// how many incidents have no time of day and offers ranking by all incidents, the worst-segment list
// and ranking show, a route drawn with terra-draw (mouse clicks on the canvas) is saved, a saved route's
// vertex dragged on the canvas (terra-draw select mode) is stored with its segments recomputed, the
// export asks for purpose and recipient, partners see no edit controls, schools list their worst
// segments, and incidents pushed to the API show on the open page by themselves (latency printed)
// (live change feed). Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium); builds the web app when web/ changed.
import { describe, expect, it } from 'vitest';
import { SEGMENT_LAYER, ROUTE_LINE_LAYER } from '../../web/src/map/layers/routes.js';
import {
  SCHOOL_LABEL_LAYER,
  SCHOOL_PINNED_LABEL_LAYER,
  SITE_ICON_LAYER,
  WARD_LABEL_LAYER,
  WARD_LINE_LAYER,
} from '../../web/src/map/layers/sites.js';
import { browserSkipReason, eventually, TEST_TIMEOUT, useBrowserApp, type As, type Screen } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const SCHOOLS = 'lewisham_schools_gias_open_20250524.csv';
const STATIONS = 'lewisham_rail_stations_naptan.csv';
const ROBBERY = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';

const skipReason = browserSkipReason([WARDS, SCHOOLS, STATIONS, ROBBERY]);
if (skipReason) console.log(`Skipping the School routes browser test: ${skipReason}`);

type Site = { id: number; kind: 'school' | 'hub'; name: string; lon: number; lat: number };

/** Generous on purpose: the 2 s limit is asserted in test/browser/live.test.ts (the two-pages test the
 *  issue describes); here the latency is printed (117–319 ms seen), not asserted, so that a loaded 2-core
 *  machine cannot fail it for reasons that are not the app's. */
const LIVE_TIMEOUT = 30_000;

const rendered = (screen: Screen, layer: string) =>
  screen.onMap((map, l) => map.queryRenderedFeatures({ layers: [l] }).length, layer);
const dist = (a: Pick<Site, 'lon' | 'lat'>, b: Pick<Site, 'lon' | 'lat'>) =>
  Math.hypot((a.lon - b.lon) * Math.cos((a.lat * Math.PI) / 180), a.lat - b.lat) * 111320;
const at = (p: number[]) => ({ lon: p[0], lat: p[1] });

describe.skipIf(skipReason)('School routes page in Chromium on real Lewisham data', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'journeys',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [SCHOOLS],
      [STATIONS, { kind: 'hubs' }],
      [ROBBERY, { kind: 'incidents_csv' }],
    ],
  });
  let hub: Site;
  let schoolA: Site;
  let schoolB: Site;
  let routeId: number;

  const open = (url: string, as?: As) => app().open(url, { as, ready: 'journeys-page', map: 'journeys', mapIdle: true });
  const post = <T>(url: string, body: unknown) =>
    app().json<T>(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** Lewisham station, the nearest school to it (a route made through the API) and the next nearest (drawn in the browser). */
  async function sites() {
    if (hub) return;
    const fc = await app().json<{
      features: {
        geometry: { coordinates: [number, number] };
        properties: { id: number; kind: 'school' | 'hub'; name: string };
      }[];
    }>('/api/journeys/sites');
    const all: Site[] = fc.features.map((f) => ({
      ...f.properties,
      lon: f.geometry.coordinates[0],
      lat: f.geometry.coordinates[1],
    }));
    hub = all.find((s) => s.kind === 'hub' && /^Lewisham/.test(s.name))!;
    expect(hub).toBeTruthy();
    [schoolA, schoolB] = all.filter((s) => s.kind === 'school').sort((a, b) => dist(a, hub) - dist(b, hub));
    routeId = (
      await post<{ id: number }>('/api/journeys/routes', {
        name: `${schoolA.name} to Lewisham`,
        school_id: schoolA.id,
        hub_id: hub.id,
        geometry: {
          type: 'LineString',
          coordinates: [
            [schoolA.lon, schoolA.lat],
            [hub.lon, hub.lat],
          ],
        },
      })
    ).id;
  }

  it('shows schools and hubs as symbols, the route with its segments, and the ranking; warns that no term dates are entered', async () => {
    await sites();
    const screen = await open('/journeys');
    expect(await rendered(screen, SITE_ICON_LAYER)).toBeGreaterThan(0);
    const kinds = await screen.onMap(
      (map, l) => [...new Set(map.queryRenderedFeatures({ layers: [l] }).map((f: any) => f.properties.kind))].sort(),
      SITE_ICON_LAYER,
    );
    expect(kinds).toEqual(['hub', 'school']);
    expect(await rendered(screen, ROUTE_LINE_LAYER)).toBeGreaterThan(0);
    const route = await app().json<{ properties: { segments: number } }>(`/api/journeys/routes/${routeId}`);
    const segs = await screen.onMap(
      (map, l) => new Set(map.queryRenderedFeatures({ layers: [l] }).map((f: any) => f.properties.seq)).size,
      SEGMENT_LAYER,
    );
    expect(segs).toBe(route.properties.segments);
    await eventually(() => screen.count('route-row')).toBe(1);
    expect(await screen.text('journey-notices')).toContain('No term dates fall between');
    expect(await screen.text('journey-legend-facts')).toContain('50 m either side of the route');
    await screen.screenshot('journeys-overview');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it("draws the ward outlines with their names, and school names beside the symbols (the selected route's school always)", async () => {
    await sites();
    const wards = await app().json<{ features: { properties: { name: string } }[] }>('/api/areas?level=ward');
    const wardNames = new Set(wards.features.map((f) => f.properties.name));
    const allSites = await app().json<{ features: { properties: { kind: string; name: string } }[] }>('/api/journeys/sites');
    const schoolNames = new Set(allSites.features.filter((f) => f.properties.kind === 'school').map((f) => f.properties.name));
    const names = (screen: Awaited<ReturnType<typeof open>>, layer: string) =>
      screen.onMap(
        (map, l) => [...new Set(map.queryRenderedFeatures({ layers: [l] }).map((f: any) => String(f.properties.name)))].sort(),
        layer,
      ) as Promise<string[]>;
    const screen = await open(`/journeys?route=${routeId}`);
    expect(await rendered(screen, WARD_LINE_LAYER)).toBeGreaterThan(0);
    const shownWards = await names(screen, WARD_LABEL_LAYER);
    expect(shownWards.length).toBeGreaterThan(0);
    for (const n of shownWards) expect(wardNames.has(n), n).toBe(true);
    // The selected route's school is labelled whatever collides with it; the other names are schools'.
    expect(await names(screen, SCHOOL_PINNED_LABEL_LAYER)).toContain(schoolA.name);
    const shownSchools = await names(screen, SCHOOL_LABEL_LAYER);
    expect(shownSchools.length).toBeGreaterThan(0);
    expect(shownSchools).not.toContain(schoolA.name);
    for (const n of shownSchools) expect(schoolNames.has(n), n).toBe(true);
    console.log(`School routes map: ${shownWards.length} ward names, ${shownSchools.length + 1} school names drawn`);
    const dir = '/work/shots/schoolmap';
    for (const [w, h] of [
      [1366, 768],
      [390, 844],
      [1440, 900],
      [1920, 1080],
    ]) {
      await screen.resize({ width: w, height: h });
      await screen.waitForMapIdle();
      await screen.screenshot(`journeys-wards-schools-${w}x${h}`, { dir });
    }
    expect(screen.errors).toEqual([]);
    await screen.close();
    // Wider (zoom 12.8 over the borough's middle): several wards named; school names give way where they collide.
    const wide = await open('/journeys?at=12.80/51.45500/-0.01500', undefined);
    const wideWards = await names(wide, WARD_LABEL_LAYER);
    expect(wideWards.length).toBeGreaterThanOrEqual(3);
    for (const n of wideWards) expect(wardNames.has(n), n).toBe(true);
    const wideSchools = await names(wide, SCHOOL_LABEL_LAYER);
    const wideIcons = await wide.onMap(
      (map, l) => map.queryRenderedFeatures({ layers: [l] }).filter((f: any) => f.properties.kind === 'school').length,
      SITE_ICON_LAYER,
    );
    expect(wideSchools.length).toBeGreaterThan(0);
    console.log(`zoom 12.8: ${wideWards.length} ward names; ${wideSchools.length} school names for ${wideIcons} school symbols`);
    for (const [w, h] of [
      [1366, 768],
      [390, 844],
    ]) {
      await wide.resize({ width: w, height: h });
      await wide.waitForMapIdle();
      await wide.screenshot(`journeys-wide-${w}x${h}`, { dir });
    }
    expect(wide.errors).toEqual([]);
    await wide.close();
  });

  it('saves a term in the calendar editor; with police.uk data only the page says up front that school time needs force data with times and shows all incidents instead of zeros', async () => {
    await sites();
    const screen = await open(`/journeys?route=${routeId}`);
    await screen.expand('term-calendar');
    await screen.click('term-add');
    await screen.fill('term-name', 'Autumn 2017');
    await screen.fill('term-start', '2017-09-04');
    await screen.fill('term-end', '2017-12-20');
    await screen.click('term-save');
    await screen.waitFor('term-saved');
    expect((await app().json<{ terms: { name: string }[] }>('/api/journeys/term-dates')).terms.map((t) => t.name)).toEqual([
      'Autumn 2017',
    ]);

    const expected = await app().json<{ totals: { count: number; unknown_time: number } }>('/api/journeys/ranking');
    expect(expected.totals.count).toBe(0); // police.uk: no time of day, nothing can be placed in a window
    expect(expected.totals.unknown_time).toBeGreaterThan(0);
    // Up front, and the all-times view instead of zeros.
    await eventually(() => screen.count('all-times-notice')).toBe(1);
    expect(await screen.text('all-times-notice')).toContain('School-time analysis needs force data with times');
    expect(await screen.text('all-times-notice')).toContain('show all incidents near the routes at any time');
    await eventually(() => screen.url().searchParams.get('rank')).toBe('all');
    const all = await app().json<{ worst: { seq: number }[] }>(`/api/journeys/routes/${routeId}/segments?rank_by=all`);
    expect(all.worst.length).toBeGreaterThan(0);
    await eventually(() => screen.count('worst-segment')).toBe(all.worst.length);
    expect(await screen.text('worst-segment')).toMatch(/Guardian point 51\.\d{5}, -?0\.\d{5}/);
    await screen.waitForMapIdle();
    expect(await screen.text('journey-legend-facts')).toContain('all incidents, any time');
    // Plain words: no parameter names or API paths on the page.
    const text = await screen.pageText();
    for (const raw of ['term_only', 'unknown_time', '/api/', 'rank_by']) expect(text).not.toContain(raw);
    await screen.screenshot('journeys-worst-segments');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('chooses time windows with time pickers and weekdays with checkboxes (into the URL and the API query)', async () => {
    await sites();
    const screen = await open(`/journeys?route=${routeId}&rank=count`);
    expect(await screen.count('[data-testid="jf-windows"] input[type="time"]')).toBe(4);
    expect(await screen.count('[data-testid="jf-days"] input[type="checkbox"]')).toBe(7);
    await screen.fill('jf-window-start-0', '08:00');
    await eventually(() => screen.url().searchParams.get('windows')).toBe('08:00-09:30,14:30-18:30');
    await screen.untick('jf-day-fri');
    await eventually(() => screen.url().searchParams.get('days')).toBe('mon,tue,wed,thu');
    await screen.tick('jf-day-sat');
    await eventually(() => screen.url().searchParams.get('days')).toBe('mon,tue,wed,thu,sat');
    await screen.click('jf-window-add');
    await eventually(() => screen.count('[data-testid="jf-windows"] input[type="time"]')).toBe(6);
    await screen.waitForMapIdle();
    await screen.screenshot('journeys-pickers');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('draws a route with terra-draw (clicks on the canvas), suggests the school and hub at its ends, and saves it', async () => {
    await sites();
    const midLon = (schoolB.lon + hub.lon) / 2;
    const midLat = (schoolB.lat + hub.lat) / 2;
    const screen = await open(`/journeys?at=15.5/${midLat.toFixed(5)}/${midLon.toFixed(5)}`);
    await screen.click('draw-route');
    // School B, a bend 40 m off the straight line, Lewisham station; the last point clicked again finishes the line.
    await screen.drawOnMap(
      [
        [schoolB.lon, schoolB.lat],
        [midLon + 0.0004, midLat + 0.0003],
        [hub.lon, hub.lat],
      ],
      'repeat-last',
    );
    await screen.waitFor('[data-testid="route-save"]:not([disabled]), [data-testid="route-name"]');
    await screen.fill('route-name', 'Drawn in the browser test');
    await eventually(() => screen.value('route-school')).toBe(String(schoolB.id));
    expect(await screen.value('route-hub')).toBe(String(hub.id));
    await screen.screenshot('journeys-drawing');
    await screen.click('route-save');
    await screen.waitFor('journey-message');
    expect(await screen.text('journey-message')).toContain('Saved "Drawn in the browser test"');

    const routes = await app().json<{
      features: {
        id: number;
        geometry: { coordinates: number[][] };
        properties: { name: string; origin: string; school_id: number; hub_id: number };
      }[];
    }>('/api/journeys/routes');
    const drawn = routes.features.find((f) => f.properties.name === 'Drawn in the browser test')!;
    expect(drawn).toBeTruthy();
    expect(drawn.properties).toMatchObject({ origin: 'drawn', school_id: schoolB.id, hub_id: hub.id });
    expect(drawn.geometry.coordinates.length).toBe(3);
    // The clicked points land within a few metres of where they were aimed.
    const [first, , end] = drawn.geometry.coordinates;
    expect(dist(at(first), schoolB)).toBeLessThan(5);
    expect(dist(at(end), hub)).toBeLessThan(5);
    expect(screen.url().searchParams.get('route')).toBe(String(drawn.id));
    await screen.waitForMapIdle();
    await eventually(() => screen.count('route-row')).toBe(2);
    await screen.screenshot('journeys-drawn-saved');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('exports the worst segments as GPX through the purpose/recipient dialog', async () => {
    await sites();
    const screen = await open(`/journeys?rank=all&route=${routeId}`);
    await screen.click('export-route');
    const gpx = (
      await screen.exportWith({
        purpose: 'Safer-schools patrol briefing',
        recipient: 'Lewisham safer schools officers',
        format: 'gpx',
      })
    ).text;
    expect(gpx).toContain('<gpx');
    expect(gpx).toContain('<wpt');
    expect(gpx).toContain('Purpose: Safer-schools patrol briefing');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('partners see the routes and ranking with withheld values, and no drawing, editing or export controls', async () => {
    await sites();
    const screen = await open(`/journeys?route=${routeId}`, 'partner');
    // The API-made route and the one drawn above (this spec's own database: nothing else is there).
    await eventually(() => screen.count('route-row')).toBe(2);
    expect(await screen.count('draw-toolbar')).toBe(0);
    expect(await screen.count('route-edit')).toBe(0);
    expect(await screen.count('[data-testid="export-route"], [data-testid="export-all"]')).toBe(0);
    expect(await screen.count('term-add')).toBe(0);
    // Ranking by all incidents is not offered to partners (the server refuses it).
    expect(await screen.count('[data-testid="jf-rank"] option[value="all"]')).toBe(0);
    expect(await screen.text('route-ranking')).toContain('withheld');
    expect(await screen.text('unknown-time-notice')).toContain('no time of day');
    expect(await screen.count('rank-all')).toBe(0);
    await screen.screenshot('journeys-partner');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('lists schools with their worst segments and guardian points, as the ranking API gives them', async () => {
    await sites();
    const api0 = await app().json<{
      schools: {
        school_id: number;
        name: string;
        worst_segments: { route_name: string; seq: number; guardian_point: [number, number] }[];
      }[];
    }>('/api/journeys/ranking?rank_by=all');
    const withSegs = api0.schools.find((x) => x.worst_segments.length > 0)!;
    expect(withSegs).toBeTruthy();
    const screen = await open('/journeys?rank=all');
    await eventually(() => screen.count('school-row')).toBe(api0.schools.length);
    const row = `[data-testid="school-row"][data-school-id="${withSegs.school_id}"]`;
    expect(await screen.text(`${row} summary`)).toContain(withSegs.name);
    await screen.click(`${row} summary`);
    const items = `${row} [data-testid="school-worst-segment"]`;
    await eventually(() => screen.count(items)).toBe(withSegs.worst_segments.length);
    const first = withSegs.worst_segments[0];
    const text = await screen.text(items);
    expect(text).toContain(`${first.route_name} · segment ${first.seq}`);
    expect(text).toContain(`Guardian point ${first.guardian_point[1].toFixed(5)}, ${first.guardian_point[0].toFixed(5)}`);
    // Clicking it takes the map to the guardian point.
    await screen.click(items);
    await eventually(
      async () =>
        dist(at(await screen.onMap((map) => map.getCenter().toArray() as [number, number])), at(first.guardian_point)) < 30,
    ).toBe(true);
    await screen.waitForMapIdle();
    await screen.screenshot('journeys-schools');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('edits a saved route by dragging its bend on the canvas (terra-draw select mode); the stored line and its segments change', async () => {
    await sites();
    const db = app().db;
    const bend: [number, number] = [(schoolB.lon + hub.lon) / 2 + 0.0003, (schoolB.lat + hub.lat) / 2 + 0.0002];
    const made = await post<{
      id: number;
      geometry: { coordinates: [number, number][] };
      properties: { length_m: number; segments: number };
    }>('/api/journeys/routes', {
      name: 'Edited in the browser test',
      school_id: schoolB.id,
      hub_id: hub.id,
      segment_m: 50,
      geometry: { type: 'LineString', coordinates: [[schoolB.lon, schoolB.lat], bend, [hub.lon, hub.lat]] },
    });
    const segsOf = (id: number) =>
      db.query<{ seq: number; wkt: string; length_m: number }>(
        'SELECT seq, ST_AsText(geom) AS wkt, length_m FROM journey_segments WHERE route_id = $1 ORDER BY seq',
        [id],
      );
    const before = await segsOf(made.id);
    expect(before.length).toBe(made.properties.segments);

    const screen = await open(`/journeys?route=${made.id}&at=15.5/${bend[1].toFixed(5)}/${bend[0].toFixed(5)}`);
    await screen.click('route-edit');
    await screen.waitFor('route-form');
    // terra-draw has the line selected: its vertices are drawn as selection points.
    await eventually(() =>
      screen.inPage(
        () =>
          (window as any).__saferplacesJourneys.controller.editor.draw
            .getSnapshot()
            .filter((f: any) => f.properties.selectionPoint).length,
        null,
      ),
    ).toBe(3);
    // 70 px at right angles to the school–station line, on the bend's side: the whole middle of the line moves.
    const [from, a, b] = [
      await screen.project(bend),
      await screen.project([schoolB.lon, schoolB.lat]),
      await screen.project([hub.lon, hub.lat]),
    ];
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    let [nx, ny] = [-(b.y - a.y) / len, (b.x - a.x) / len];
    if (nx * (from.x - (a.x + b.x) / 2) + ny * (from.y - (a.y + b.y) / 2) < 0) [nx, ny] = [-nx, -ny];
    const target = await screen.unproject({ x: from.x + 70 * nx, y: from.y + 70 * ny });
    await screen.dragOnMap(bend, target);
    await screen.click('route-save');
    await screen.waitFor('journey-message');
    expect(await screen.text('journey-message')).toContain('Saved "Edited in the browser test"');

    // The stored line: same ends, the bend where the mouse let go (not where it was).
    const after = await app().json<{
      geometry: { coordinates: [number, number][] };
      properties: { length_m: number; segments: number; updated_by: string };
    }>(`/api/journeys/routes/${made.id}`);
    const c = after.geometry.coordinates;
    expect(c).toHaveLength(3);
    expect(dist(at(c[0]), schoolB)).toBeLessThan(0.05);
    expect(dist(at(c[2]), hub)).toBeLessThan(0.05);
    expect(dist(at(c[1]), at(target))).toBeLessThan(5);
    expect(dist(at(c[1]), at(bend))).toBeGreaterThan(50);
    expect(after.properties.updated_by).toBe(app().analyst.email);
    expect(after.properties.length_m).not.toBeCloseTo(made.properties.length_m, 0);
    // Segments recomputed from the new line: as many as its length needs, adding up to it, passing through the new bend.
    const segs = await segsOf(made.id);
    expect(segs.length).toBe(after.properties.segments);
    expect(segs.length).toBe(Math.ceil(after.properties.length_m / 50 - 1e-9));
    expect(Math.abs(segs.reduce((s, g) => s + g.length_m, 0) - after.properties.length_m)).toBeLessThan(1e-6);
    expect(segs.map((g) => g.wkt)).not.toEqual(before.map((g) => g.wkt));
    const [near] = await db.query<{ newBend: number; oldBend: number }>(
      `SELECT min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography)) AS "newBend",
              min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography)) AS "oldBend"
       FROM journey_segments WHERE route_id = $1`,
      [made.id, c[1][0], c[1][1], bend[0], bend[1]],
    );
    expect(near.newBend).toBeLessThan(0.5);
    expect(near.oldBend).toBeGreaterThan(20);
    // The map draws the new segments.
    await screen.waitForMapIdle();
    await eventually(() =>
      screen.onMap(
        (map, a) =>
          new Set(
            map
              .queryRenderedFeatures({ layers: [a.layer] })
              .filter((f: any) => f.properties.route_id === a.id)
              .map((f: any) => f.properties.seq),
          ).size,
        { layer: SEGMENT_LAYER, id: made.id },
      ),
    ).toBe(segs.length);
    await screen.screenshot('journeys-edited');
    expect(screen.errors).toEqual([]);
    await screen.close();
    expect((await (await app().api()).request(`/api/journeys/routes/${made.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('shows incidents pushed to the API on the open School routes page by itself (live change feed; latency printed)', async () => {
    await sites();
    const screen = await open(`/journeys?rank=all&route=${routeId}`);
    await screen.waitForLiveFeed();
    const before = (await app().json<{ route: { all: number } }>(`/api/journeys/routes/${routeId}/segments?rank_by=all`)).route
      .all;
    await eventually(() => screen.text('route-totals')).toContain(`all ${before.toLocaleString('en-GB')}`);
    // (The page's CSP forbids eval, so this predicate is a plain function the driver hands to the page.)
    const segmentTotalIs = ({ layer, id, n }: { layer: string; id: number; n: number | null }) => {
      const seen = new Map<number, number>();
      for (const f of (window as any).__saferplacesJourneys.map.queryRenderedFeatures({ layers: [layer] }))
        if (f.properties.route_id === id) seen.set(f.properties.seq, f.properties.value);
      const total = [...seen.values()].reduce((x, y) => x + y, 0);
      return n === null ? total : total === n;
    };
    expect(await screen.inPage(segmentTotalIs, { layer: SEGMENT_LAYER, id: routeId, n: null })).toBe(before);

    // Three robberies at the route's middle, pushed by "another user" through POST /api/incidents.
    const mid: [number, number] = [(schoolA.lon + hub.lon) / 2, (schoolA.lat + hub.lat) / 2];
    const incidents = [0, 1, 2].map((i) => ({
      id: `journeys-live-${i}`,
      category: 'robbery',
      occurred_at: '2018-05-15',
      lon: mid[0],
      lat: mid[1] + i * 0.00002,
    }));
    const res = await (await app().api()).request('/api/incidents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataset: 'journeys live test', incidents }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const committed = Date.now();
    expect((await res.json()).imported).toBe(3);
    await screen.waitForText('route-totals', `all ${(before + 3).toLocaleString('en-GB')}`, LIVE_TIMEOUT);
    const took = Date.now() - committed;
    // The map's segments carry them too, in the same refresh.
    await screen.waitUntil(segmentTotalIs, { layer: SEGMENT_LAYER, id: routeId, n: before + 3 }, LIVE_TIMEOUT);
    const tookMap = Date.now() - committed;
    console.log(
      `School routes page: route total updated ${took} ms, map segments ${tookMap} ms after the ingest returned (target 2,000 ms)`,
    );
    expect((await app().json<{ route: { all: number } }>(`/api/journeys/routes/${routeId}/segments?rank_by=all`)).route.all).toBe(
      before + 3,
    );
    expect(await screen.text('live-toast')).toContain('3 new incidents');
    await screen.screenshot('journeys-live');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });
});

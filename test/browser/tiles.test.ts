// The incident points of the main map from vector tiles (issue 16), in Chromium on real Lewisham burglary
// rows: at z15 the points are drawn from /api/tiles/incidents (no GeoJSON points fetched), they are the
// incidents GET /incidents gives for the view, and a click opens the popup from the tile's properties.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import { describe, expect, it } from 'vitest';
import { decodeIncidents, type IncidentColumns } from '../../contract/aggregates.js';
import { INCIDENT_TILE_POINT_LAYER } from '../../web/src/map/layers/index.js';
import { browserSkipReason, mapBounds, TEST_TIMEOUT, useBrowserApp } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const BURGLARY = 'lewisham_burglary_street_2022-03_2025-02.csv';
const skipReason = browserSkipReason([WARDS, BURGLARY]);
if (skipReason) console.log(`Skipping the tiles browser test: ${skipReason}`);

describe.skipIf(skipReason)('incident points from vector tiles in Chromium', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'tiles',
    imports: [
      [WARDS, { level: 'ward' }],
      [BURGLARY, {}],
    ],
  });

  it('draws the points of a z15 view from tiles, the same incidents as GET /incidents for the view', async () => {
    const screen = await app().open('/?from=2024-01&to=2025-01&layers=outlines,incidents', { mapIdle: true });
    const geojson = screen.recordRequests('/api/incidents?');
    const tiles = screen.recordRequests('/api/tiles/incidents/');
    await screen.jumpTo([-0.0137, 51.4657], 15);

    const rendered: { id: number; coordinates: [number, number] }[] = await screen.onMap(
      (map, layer) =>
        map.queryRenderedFeatures({ layers: [layer] }).map((f: any) => ({ id: f.id, coordinates: f.geometry.coordinates })),
      INCIDENT_TILE_POINT_LAYER,
    );
    expect(rendered.length).toBeGreaterThan(10);
    expect(tiles.length).toBeGreaterThan(0);
    for (const u of tiles) expect(u).toMatch(/\/api\/tiles\/incidents\/1[56]\/\d+\/\d+\.mvt\?from=2024-01&to=2025-01$/);
    expect(geojson, 'no GeoJSON points fetched at z15').toEqual([]);

    // The same incidents as the record route for the view: every incident inside it is drawn, and nothing
    // drawn lies further out than a circle's radius (~6 px) beyond it.
    const [w, s, e, n] = await mapBounds(screen);
    const padX = ((e - w) / 1000) * 10;
    const padY = ((n - s) / 800) * 10;
    const res = await screen.api(
      `/api/incidents?bbox=${[w - padX, s - padY, e + padX, n + padY].join(',')}&from=2024-01&to=2025-01&limit=50000`,
    );
    expect(res.status).toBe(200);
    const fc = decodeIncidents(res.body as IncidentColumns);
    const near = new Set(fc.features.map((f) => f.id));
    const within = (c: number[]) => c[0] >= w && c[0] <= e && c[1] >= s && c[1] <= n;
    const inside = fc.features.filter((f) => within(f.geometry.coordinates)).map((f) => f.id);
    const drawn = new Set(rendered.map((f) => f.id));
    expect(inside.length).toBeGreaterThan(10);
    expect(inside.filter((id) => !drawn.has(id))).toEqual([]);
    expect([...drawn].filter((id) => !near.has(id))).toEqual([]);

    // A click on a point opens its popup from the tile's properties.
    await screen.clickOnMap(rendered[0].coordinates);
    await screen.waitFor('incident-popup');
    expect(await screen.text('incident-popup')).toContain('Burglary');
    await screen.screenshot('tiles-z15-points');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });
});

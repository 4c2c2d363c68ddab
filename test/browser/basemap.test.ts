// The basemap in a real browser (issue 14): with BASEMAP_PMTILES pointing at a PMTiles file built here from
// synthetic Lewisham streets, the main map draws the streets and their names from the app's own archive and
// glyphs (nothing from the internet: the strict CSP would report it), with the OpenStreetMap credit in the
// closed "i" control and the wards above the street fills but under the street names; with nothing
// configured, the plain background says why. Screenshots at four sizes go to /work/shots/basemap (or
// SHOTS_DIR) when that folder exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WARD_FILL_LAYER, WARD_LINE_LAYER } from '../../web/src/map/layers/index.js';
import { HIGH_STREET_POINT, syntheticLewisham, TEST_STREETS, writePmtiles } from '../helpers/pmtiles-writer.js';
import { browserSkipReason, eventually, TEST_TIMEOUT, useBrowserApp, type Screen } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const skipReason = browserSkipReason([WARDS]);
if (skipReason) console.log(`Skipping the basemap browser test: ${skipReason}`);

const SIZES = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];
const SHOTS = process.env.SHOTS_DIR ?? '/work/shots/basemap';

async function shots(screen: Screen, name: string) {
  if (!fs.existsSync(path.dirname(SHOTS))) return;
  for (const v of SIZES) {
    await screen.resize(v);
    await screen.waitForMapIdle();
    await screen.screenshot(`${name}-${v.width}x${v.height}`, { dir: SHOTS });
  }
}

/** Names drawn by the given layers (symbol layers: only labels actually placed on the map). */
const drawn = (screen: Screen, layers: string[]) =>
  screen.onMap(
    (map, ls) => [...new Set(map.queryRenderedFeatures({ layers: ls }).map((f: any) => f.properties.name))].sort(),
    layers,
  ) as Promise<string[]>;

describe.skipIf(skipReason)('the basemap in Chromium', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({ name: 'basemap', imports: [[WARDS]] });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-basemap-browser-'));
  const FILE = path.join(tmp, 'lewisham.pmtiles');
  writePmtiles(FILE, { layers: syntheticLewisham(), minZoom: 0, maxZoom: 15 });

  it('draws streets and street names from the app’s own PMTiles file and glyphs', async () => {
    const { base } = await app().startAnother(undefined, { BASEMAP_PMTILES: FILE });
    const at = `15.50/${HIGH_STREET_POINT[1]}/${HIGH_STREET_POINT[0]}`;
    const screen = await app().open(`${base}/?at=${at}&layers=choropleth,outlines,labels`, { mapIdle: true });
    await eventually(() => screen.onMap((map) => map.getStyle().name)).toBe('Saferplaces basemap (Protomaps light)');
    await screen.waitForMapIdle();

    expect(await drawn(screen, ['roads_major'])).toContain(TEST_STREETS.major[0]);
    expect(await drawn(screen, ['roads_minor'])).toEqual(expect.arrayContaining(['Courthill Road', 'Ladywell Road']));
    // Labels are placed only when their glyphs arrived and shaped: the names are drawn.
    expect(await drawn(screen, ['roads_labels_major'])).toContain('Lewisham High Street');
    expect((await drawn(screen, ['roads_labels_minor'])).length).toBeGreaterThan(0);

    // The wards lie over the street fills and under the street names.
    const order: string[] = await screen.onMap((map) => map.getLayersOrder());
    for (const l of [WARD_FILL_LAYER, WARD_LINE_LAYER]) {
      expect(order.indexOf(l), l).toBeGreaterThan(order.indexOf('roads_major'));
      expect(order.indexOf(l), l).toBeLessThan(order.indexOf('roads_labels_major'));
    }
    // The credit is in the compact "i" control, closed over the data.
    expect(await screen.attr('.maplibregl-ctrl-attrib', 'class')).toMatch(/maplibregl-compact(?!-show)/);
    expect(await screen.attr('.maplibregl-ctrl-attrib', 'class')).not.toMatch(/compact-show/);
    const credit = await screen.onMap(
      (map) => map.getContainer().querySelector('.maplibregl-ctrl-attrib-inner')?.textContent ?? '',
    );
    expect(credit).toMatch(/Protomaps © OpenStreetMap contributors/);
    expect(await screen.count('map-notices')).toBe(0);
    expect(await screen.cspViolations()).toEqual([]);
    expect(screen.errors).toEqual([]);

    await shots(screen, 'map-pmtiles');
    await screen.close();
  });

  it('shows why the background is plain when no basemap is configured', async () => {
    const screen = await app().open('/?layers=choropleth,outlines,labels', { mapIdle: true });
    await eventually(() => screen.text('map-notices')).toContain(
      'Plain background: No basemap file configured: set BASEMAP_PMTILES (see README).',
    );
    // Only the plain background under the app's own layers.
    expect(
      await screen.onMap((map) =>
        map
          .getStyle()
          .layers.filter((l: any) => !l.id.startsWith('sp-'))
          .map((l: any) => l.id),
      ),
    ).toEqual(['background']);
    expect(await screen.count('.maplibregl-ctrl-attrib-button')).toBe(1);
    await shots(screen, 'map-fallback');
    await screen.close();
  });
});

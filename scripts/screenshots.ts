// Screenshots of every page at the four screen sizes of issue 14 (a phone, two laptops, a desktop/projector),
// on the shared Lewisham data, started the way the browser tests start the app (test/browser/driver.ts:
// a fresh embedded database, the real importer, the built web app, Debian's Chromium).
//
//   npx tsx scripts/screenshots.ts <output folder> [page names, comma-separated parts: map,present]
//
// Writes <folder>/<page>-<width>x<height>.png. The first-run and setup pages are taken on the empty
// database before the imports; every other page after. One CHB area (Catford South, control Deptford) is
// created for the CHB list and dashboard. The `basemap-*` shots come from a second app serving a PMTiles
// basemap of SYNTHETIC streets (test/helpers/pmtiles-writer.ts: no real basemap extract is in the shared
// data), to see the overlay over streets. Needs `npx vite build` (done if dist/web is stale).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BrowserApp, type As, type MapKind, type Screen, type Viewport } from '../test/browser/driver.js';
import { HIGH_STREET_POINT, syntheticLewisham, writePmtiles } from '../test/helpers/pmtiles-writer.js';

export const SIZES: Viewport[] = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

interface Shot {
  name: string;
  url: string;
  /** Test id (or selector) the page shows when rendered. */
  ready: string;
  as?: As;
  map?: MapKind;
  mapIdle?: boolean;
  /** Taken on the second app, with the synthetic-streets basemap. */
  basemap?: boolean;
  /** Done after the page is ready, before the picture (e.g. open a form). */
  before?: (screen: Screen) => Promise<void>;
}

const BEFORE_DATA: Shot[] = [
  { name: 'first-run', url: '/', ready: 'first-run' },
  { name: 'setup', url: '/setup', ready: '.auth-card', as: null },
  { name: 'sign-in', url: '/', ready: 'sign-in-form', as: null },
];

const WITH_DATA: Shot[] = [
  { name: 'map-counts', url: '/', ready: 'map', mapIdle: true },
  { name: 'map-choropleth', url: '/?layers=choropleth,outlines,labels', ready: 'map', mapIdle: true },
  { name: 'map-gi', url: '/?hs=gi&from=2017-07&to=2018-07', ready: 'map', mapIdle: true },
  { name: 'map-emerging', url: '/?hs=emerging&from=2017-07&to=2018-07', ready: 'map', mapIdle: true },
  { name: 'map-change', url: '/?hs=change&from=2017-07&to=2018-07', ready: 'map', mapIdle: true },
  { name: 'map-selected', url: '/?sel=area:E05013714', ready: 'map', mapIdle: true },
  { name: 'journeys', url: '/journeys', ready: 'journeys-page', map: 'journeys', mapIdle: true },
  { name: 'planning', url: '/planning', ready: 'planning-page', map: 'planning', mapIdle: true },
  { name: 'chb', url: '/chb', ready: 'chb-list' },
  {
    name: 'chb-create',
    url: '/chb',
    ready: 'chb-list',
    before: async (s) => {
      await s.click('chb-new');
      await s.waitFor('chb-form');
      await s.choose('[data-testid="chb-ward-pick"][data-code="E05013717"]', 'area');
      await s.choose('[data-testid="chb-ward-pick"][data-code="E05013719"]', 'control');
      await s.waitForMapIdle();
    },
  },
  { name: 'chb-dashboard', url: '/chb?id=CHB_ID', ready: 'chb-dashboard', map: 'planning', mapIdle: true },
  { name: 'knox', url: '/near-repeat', ready: 'knox-page' },
  {
    name: 'knox-refusal',
    url: '/near-repeat',
    ready: 'knox-page',
    before: async (s) => {
      await s.fill('knox-from', '2017-01');
      await s.fill('knox-to', '2017-12');
      await s.click('knox-run');
      await s.waitFor('knox-refusal');
    },
  },
  { name: 'present', url: '/present', ready: 'present-headline', mapIdle: true },
  { name: 'pack', url: '/pack', ready: '[data-testid="pack-page"][data-ready="true"]' },
  { name: 'import', url: '/import', ready: 'import-form' },
  { name: 'admin-users', url: '/admin/users', ready: 'users-table', as: 'admin' },
  { name: 'admin-settings', url: '/admin/settings', ready: 'settings-page', as: 'admin' },
  { name: 'admin-audit', url: '/admin/audit', ready: 'audit-page', as: 'admin' },
  { name: 'not-found', url: '/no-such-page', ready: 'not-found' },
  {
    name: 'basemap-map-counts',
    url: `/?from=2017-07&to=2018-07&layers=choropleth,outlines,labels&at=15.00/${HIGH_STREET_POINT[1]}/${HIGH_STREET_POINT[0]}`,
    ready: 'map',
    mapIdle: true,
    basemap: true,
  },
  {
    name: 'basemap-map-nodata',
    url: `/?from=2019-01&to=2019-07&layers=choropleth,outlines,labels&at=15.00/${HIGH_STREET_POINT[1]}/${HIGH_STREET_POINT[0]}`,
    ready: 'map',
    mapIdle: true,
    basemap: true,
  },
];

async function take(
  app: BrowserApp,
  dir: string,
  shot: Shot,
  filter: string | undefined,
  ctx: { chbId?: number; basemapBase?: string } = {},
) {
  if (filter && !filter.split(',').some((f) => shot.name.includes(f))) return;
  const url = (shot.basemap ? `${ctx.basemapBase}${shot.url}` : shot.url).replace('CHB_ID', String(ctx.chbId));
  for (const size of SIZES) {
    const file = `${shot.name}-${size.width}x${size.height}`;
    try {
      const screen = await app.open(url, {
        as: shot.as,
        viewport: size,
        ready: shot.ready,
        map: shot.map,
        mapIdle: shot.mapIdle,
      });
      await shot.before?.(screen);
      await screen.screenshot(file, { dir });
      if (screen.errors.length) console.log(`${file}: page errors: ${screen.errors.join(' | ').slice(0, 300)}`);
      await screen.close();
      console.log(`${file}.png`);
    } catch (e) {
      console.log(`${file}: FAILED ${(e as Error).message.split('\n')[0]}`);
    }
  }
}

async function main() {
  const [dirArg, filter] = process.argv.slice(2);
  if (!dirArg) {
    console.error('usage: npx tsx scripts/screenshots.ts <output folder> [page-name-filter]');
    process.exit(2);
  }
  const dir = path.resolve(dirArg);
  fs.mkdirSync(dir, { recursive: true });
  const app = await BrowserApp.start({ name: 'screenshots' }, (s) => console.log(`setup: ${s}`));
  try {
    for (const shot of BEFORE_DATA) await take(app, dir, shot, filter);
    console.log('setup: importing the Lewisham data');
    await app.importFile('lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
    await app.importFile('lewisham_schools_gias_open_20250524.csv');
    await app.importFile('lewisham_rail_stations_naptan.csv', { kind: 'hubs' });
    await app.importFile('lewisham_violence_robbery_street_api_2016-01_2018-06.csv', { kind: 'incidents_csv' });
    const chb = await app.json<{ id: number }>('/api/chb', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Catford South CHB',
        area: { wards: ['E05013717'] },
        control: { wards: ['E05013719'] },
        buffer_m: 400,
        clear_start: '2017-07-01',
        hold_start: '2017-10-01',
        build_start: '2018-01-01',
        build_end: '2018-07-01',
      }),
    });
    const pmtiles = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sp-shots-basemap-')), 'synthetic-lewisham.pmtiles');
    writePmtiles(pmtiles, { layers: syntheticLewisham(), minZoom: 0, maxZoom: 15 });
    const other = await app.startAnother(undefined, { BASEMAP_PMTILES: pmtiles });
    for (const shot of WITH_DATA) await take(app, dir, shot, filter, { chbId: chb.id, basemapBase: other.base });
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

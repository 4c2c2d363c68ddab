// Screenshots of every page at the four screen sizes of issue 14 (a phone, two laptops, a desktop/projector),
// on the shared Lewisham data, started the way the browser tests start the app (test/browser/driver.ts:
// a fresh embedded database, the real importer, the built web app, Debian's Chromium).
//
//   npx tsx scripts/screenshots.ts <output folder> [page names, comma-separated parts: map,present]
//
// Writes <folder>/<page>-<width>x<height>.png. The first-run and setup pages are taken on the empty
// database before the imports; every other page after. Needs `npx vite build` (done if dist/web is stale).
import fs from 'node:fs';
import path from 'node:path';
import { BrowserApp, type As, type MapKind, type Viewport } from '../test/browser/driver.js';

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
  { name: 'chb', url: '/chb', ready: 'chb-page' },
  { name: 'present', url: '/present', ready: 'present-page' },
  { name: 'pack', url: '/pack', ready: '[data-testid="pack-page"][data-ready="true"]' },
  { name: 'import', url: '/import', ready: 'import-form' },
  { name: 'admin-users', url: '/admin/users', ready: 'users-table', as: 'admin' },
  { name: 'admin-settings', url: '/admin/settings', ready: 'settings-page', as: 'admin' },
  { name: 'admin-audit', url: '/admin/audit', ready: 'audit-page', as: 'admin' },
  { name: 'not-found', url: '/no-such-page', ready: 'not-found' },
];

async function take(app: BrowserApp, dir: string, shot: Shot, filter: string | undefined) {
  if (filter && !filter.split(',').some((f) => shot.name.includes(f))) return;
  for (const size of SIZES) {
    const file = `${shot.name}-${size.width}x${size.height}`;
    try {
      const screen = await app.open(shot.url, {
        as: shot.as,
        viewport: size,
        ready: shot.ready,
        map: shot.map,
        mapIdle: shot.mapIdle,
      });
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
    for (const shot of WITH_DATA) await take(app, dir, shot, filter);
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

// Analyst screens (issue 14, part 5): each API URL requested once on one map view (and the points sent in
// columns), the KDE surface, the Knox near-repeat screen. Real Lewisham police.uk data plus a dated
// force-format extract. Screenshots at four sizes go to SHOTS_DIR (default test-results/analyst).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, requestLog, type Screen, TEST_TIMEOUT, useBrowserApp } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const SHOTS = process.env.SHOTS_DIR ?? path.resolve('test-results/analyst');
const SIZES = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

const skipReason = browserSkipReason([WARDS, VIOLENCE]);
if (skipReason) console.log(`Skipping the browser test: ${skipReason}`);

/** Screenshots of the screen at the four sizes, waiting for the map after each resize. */
async function shots(screen: Screen, name: string, map = true) {
  for (const v of SIZES) {
    await screen.resize(v);
    if (map) await screen.waitForMapIdle();
    await screen.screenshot(`${name}-${v.width}x${v.height}`, { dir: SHOTS });
  }
  await screen.resize({ width: 1440, height: 900 });
}

describe.skipIf(skipReason)('analyst screens in Chromium', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'analyst',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [VIOLENCE, { kind: 'incidents_csv' }],
    ],
  });

  it('requests each API URL once on one map view, first load included', async () => {
    for (const url of ['/', '/?layers=choropleth,outlines,labels,hexes,incidents']) {
      const screen = await app().open(url, { mapIdle: true });
      const log = requestLog(screen, '/api/');
      await screen.reload({ mapIdle: true });
      const urls = log.map((e) => e.url.replace(/^https?:\/\/[^/]+/, ''));
      const twice = urls.filter((u, i) => urls.indexOf(u) !== i);
      expect(twice, `${url}: ${urls.join('\n')}`).toEqual([]);
      expect(log.filter((e) => e.outcome !== 'ok' && !e.url.endsWith('/api/live'))).toEqual([]);
      // One hexagon request, at the resolution of the fitted view (no default-view request first).
      expect(urls.filter((u) => u.startsWith('/api/hexes'))).toHaveLength(1);
      if (url.includes('incidents')) expect(urls.filter((u) => u.startsWith('/api/incidents'))).toHaveLength(1);
      expect(screen.errors).toEqual([]);
      await screen.close();
    }
  });
});

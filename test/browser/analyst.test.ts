// Analyst screens (issue 14, part 5): each API URL requested once on one map view (and the points sent in
// columns), the KDE surface, the Knox near-repeat screen. Real Lewisham police.uk data plus a dated
// force-format extract. Screenshots at four sizes go to SHOTS_DIR (default test-results/analyst).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, eventually, requestLog, type Screen, TEST_TIMEOUT, useBrowserApp } from './driver.js';
import { tmpFile } from '../helpers/files.js';
import { decodeIncidents } from '../../contract/aggregates.js';
import { kdeSurface, studyAreaBng } from '../../geodata/stats/kde.js';
import { KDE_FILL_LAYER } from '../../web/src/map/layers/kde.js';

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

  it('draws the KDE surface beside the hexagons with its legend: kernel, bandwidth by the rule, cell size, units', async () => {
    const screen = await app().open('/?layers=outlines,labels,kde&from=2017-07&to=2018-07', { mapIdle: true });
    await screen.waitFor('kde-method');
    await screen.waitForMapIdle();
    const squares = await screen.onMap((map, l) => map.queryRenderedFeatures({ layers: [l] }).length, KDE_FILL_LAYER);
    expect(squares).toBeGreaterThan(100);
    // The same points and wards in Node give the bandwidth and cell size the legend states.
    const pts = decodeIncidents(await app().json('/api/incidents?from=2017-07&to=2018-07&limit=50000'));
    const wards = await app().json<{ features: { geometry: any }[] }>('/api/areas?level=ward');
    const s = kdeSurface(
      pts.features.map((f) => f.geometry.coordinates as [number, number]),
      studyAreaBng(wards.features.map((f) => f.geometry)),
    )!;
    const method = await screen.text('kde-method');
    expect(method).toContain(`Quartic kernel, bandwidth ${Math.round(s.bandwidth).toLocaleString('en-GB')} m (rule of thumb`);
    expect(method).toContain(
      `${s.grid.cell} m cells on the British National Grid, ${s.points.toLocaleString('en-GB')} incidents`,
    );
    expect(await screen.text('kde-legend')).toContain('incidents per km²');
    await shots(screen, 'kde');
    // A chosen bandwidth replaces the rule.
    await screen.choose('kde-bandwidth', '500');
    await eventually(() => screen.text('kde-method')).toContain('bandwidth 500 m (chosen)');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('Knox screen: explains the refusal on police.uk months; on dated force data shows bands, heat table and method', async () => {
    const screen = await app().open('/near-repeat', { ready: 'knox-page' });
    await screen.fill('knox-from', '2017-01');
    await screen.fill('knox-to', '2017-12');
    await screen.choose('knox-category', 'robbery');
    await screen.click('knox-run');
    await screen.waitFor('knox-refusal');
    const refusal = await screen.text('knox-refusal');
    expect(refusal).toContain('police.uk, which publishes only the month');
    expect(refusal).toContain('force data with the date');
    expect(refusal).not.toContain('month_precision');
    await shots(screen, 'knox-refusal', false);

    // A force extract with dates (the format of test/hotspots.test.ts): background burglaries over Lewisham
    // in 2019 and a planted near-repeat series (10 within 50 m and 6 days).
    let seed = 7;
    const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const rows = ['Ref,Date,Offence,Lon,Lat'];
    const day = (d: number) => new Date(Date.UTC(2019, 0, 1 + d)).toISOString().slice(0, 10);
    for (let i = 0; i < 300; i++)
      rows.push(
        `B${i},${day(Math.floor(rnd() * 360))},Burglary,${(-0.06 + rnd() * 0.07).toFixed(6)},${(51.42 + rnd() * 0.05).toFixed(6)}`,
      );
    for (let i = 0; i < 10; i++)
      rows.push(`N${i},${day(100 + (i % 6))},Burglary,${(-0.03 + i * 0.00005).toFixed(6)},${(51.45 + i * 0.00003).toFixed(6)}`);
    await app().importFile(tmpFile('dated-burglary.csv', `${rows.join('\n')}\n`), {
      mapping: 'id=Ref,date=Date,category=Offence,lon=Lon,lat=Lat',
      dataset: 'dated force extract',
    });
    await screen.reload({ ready: 'knox-page' });
    await screen.fill('knox-from', '2019-01');
    await screen.fill('knox-to', '2019-12');
    await screen.choose('knox-category', 'burglary');
    await screen.choose('knox-permutations', '199');
    await screen.click('knox-run');
    await screen.waitFor('knox-heat');
    const api = await app().json<{ cells: { observed: number; p: number; ratio: number | null }[] }>(
      '/api/knox?category=burglary&from=2019-01&to=2020-01&permutations=199&seed=1',
    );
    expect(await screen.count('knox-band-row')).toBe(9);
    expect(await screen.count('knox-heat-cell')).toBe(9);
    const observed = await screen.texts('[data-testid="knox-band-row"] td:nth-child(3)');
    expect(observed.map((o) => Number(o.replace(/,/g, '')))).toEqual(api.cells.map((c) => c.observed));
    // The planted series: the nearest, soonest band is significant and coloured so.
    expect(api.cells[0].p).toBeLessThan(0.01);
    expect((await screen.attrs('knox-heat-cell', 'data-sig'))[0]).toMatch(/^p00?1$/);
    expect(await screen.text('knox-legend')).toContain('Not significant');
    expect(await screen.text('knox-method')).toContain('Monte Carlo permutation');
    expect(await screen.text('knox-method')).toContain('199 permutations');
    await shots(screen, 'knox-result', false);
    // The refusal is a 400 answer, which Chromium logs as a failed resource: nothing else may be logged.
    expect(screen.errors.filter((e) => !/status of 400 \(Bad Request\)/.test(e))).toEqual([]);
    await screen.close();
  });

  it('CHB create map: ward names on the map while wards are picked there', async () => {
    const screen = await app().open('/chb', { ready: 'chb-page', map: 'planning' });
    await screen.click('chb-new');
    await screen.waitFor('chb-ward-names-note');
    // The app's own glyphs come with every style (the plain background too): the map's label layer draws
    // the 19 ward names, and no HTML copies are added.
    await eventually(() =>
      screen.onMap(
        (map) => new Set(map.queryRenderedFeatures({ layers: ['sp-plan-ward-label'] }).map((f: any) => f.properties.name)).size,
      ),
    ).toBe(19);
    expect(await screen.count('ward-name-marker')).toBe(0);
    expect(await screen.text('chb-ward-names-note')).toContain('Click a ward');
    await shots(screen, 'chb-create', false);
    expect(screen.errors).toEqual([]);
    await screen.close();
  });
});

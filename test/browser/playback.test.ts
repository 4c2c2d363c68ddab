// Count-map playback (issue 14, branch playback) in Chromium against the real app on real Lewisham
// police.uk data (2022 wards, violence and robbery 2016-01..2018-06): stepping through the months changes
// the period label and the map's data (the ranking and the stats requested) while the legend's scale stays
// the same and says it is fixed; the step and window are in the URL; the presentation page plays too.
// Screenshots go to /work/shots/playback when it exists (else test-results/playback-*).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, pressKey, TEST_TIMEOUT, useBrowserApp, type Screen } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const skipReason = browserSkipReason([WARDS, VIOLENCE]);
if (skipReason) console.log(`Skipping the playback browser test: ${skipReason}`);

const SHOTS = fs.existsSync('/work/shots') ? '/work/shots/playback' : undefined;
const shot = (s: Screen, name: string, viewport?: { width: number; height: number }) =>
  s.screenshot(SHOTS ? name : `playback-${name}`, { dir: SHOTS, viewport });
const VIEW = { width: 1366, height: 768 };
const SIZES = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];
/** Six months with the choropleth and the hexagons on. */
const URL_BASE = '/?from=2018-01&to=2018-07&layers=choropleth,outlines,labels,hexes';

describe.skipIf(skipReason)('count-map playback in Chromium (issue 14)', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'playback',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [VIOLENCE, { kind: 'incidents_csv' }],
    ],
  });

  it('steps change the month label and the map data; the legend scale stays the same and says it is fixed', async () => {
    const s = await app().open(URL_BASE, { viewport: VIEW, ready: 'count-playback', mapIdle: true });
    const stats = s.recordRequests('/api/stats/areas');
    expect(await s.text('count-playback-label')).toBe('Whole period: 6 months');
    const wholeLegend = await s.text('legend-areas');
    await s.click('count-playback-next');
    const labels: string[] = [];
    const scales: string[] = [];
    const rows: string[] = [];
    const rankings: string[] = [];
    for (let step = 0; step < 4; step++) {
      if (step > 0) await pressKey(s, 'count-playback-next', 'ArrowRight');
      await s.waitUntil((i) => {
        const t = document.querySelector('[data-testid="count-playback-label"]')?.textContent ?? '';
        return t.startsWith(`Month ${i + 1} of 6`) && !t.includes('loading');
      }, step);
      await s.waitFor('[data-testid="legend-areas-fixed"]');
      await s.waitForMapIdle();
      labels.push(await s.text('count-playback-label'));
      scales.push(await s.text('legend-areas-fixed'));
      rows.push(await s.text('legend-areas'));
      rankings.push(await s.text('ranking'));
      expect(s.query().pstep).toBe(`2018-0${step + 1}`);
    }
    console.log(`playback labels: ${labels.join(' | ')}; scale: ${scales[0]}; stats requests: ${stats.length}`);
    expect(labels[0]).toContain('Jan 2018');
    expect(labels[3]).toContain('Apr 2018');
    expect(new Set(labels).size).toBe(4);
    expect(new Set(rankings).size).toBe(4);
    expect(new Set(scales).size).toBe(1);
    expect(scales[0]).toMatch(/^scale fixed for playback: \d+–\d+$/);
    expect(new Set(rows).size).toBe(1);
    // One month's counts are classed on the six months' union, not on the whole period's totals.
    expect(rows[0]).not.toBe(wholeLegend);
    // Six steps fetched up front (each step shown is then a cache hit), not one per keypress on top.
    const months = new Set(stats.map((u) => new URL(u).searchParams.get('from')));
    expect(months.size).toBeLessThanOrEqual(6);
    await shot(s, 'map-step');
    // A 3-month rolling window: the label names three months, the scale grows.
    await s.choose('count-playback-window', '3');
    await s.waitUntil(() => {
      const t = document.querySelector('[data-testid="count-playback-label"]')?.textContent ?? '';
      return t.includes('Feb 2018 – Apr 2018') && !t.includes('loading');
    }, undefined);
    await s.waitForMapIdle();
    expect(s.query().pwin).toBe('3');
    const wide = await s.text('legend-areas-fixed');
    const top = (t: string) => Number(t.split('–').at(-1)!.replace(/,/g, ''));
    expect(top(wide)).toBeGreaterThan(top(scales[0]));
    for (const v of SIZES) await shot(s, `map-${v.width}x${v.height}`, v);
    expect(s.errors).toEqual([]);
    await s.close();
  });

  it('the presentation page plays back on one fixed scale', async () => {
    const s = await app().open('/present?from=2018-01&to=2018-07&layers=choropleth,outlines,labels&pstep=2018-02', {
      viewport: { width: 1920, height: 1080 },
      ready: 'count-playback',
      mapIdle: true,
    });
    await s.waitFor('[data-testid="present-legend-areas-fixed"]');
    const a = await s.text('present-legend');
    expect(await s.text('count-playback-label')).toContain('Feb 2018');
    // the headline tables follow the step (the pack of the step's month against the month before)
    const stepTables = (m: string) =>
      s.waitUntil((want: string) => {
        const t = document.querySelector('[data-testid="present-step-tables"]')?.textContent ?? '';
        return t.startsWith('Tables for the playback step: ') && t.includes(want);
      }, m);
    await stepTables('Feb 2018');
    const febTables = await s.text('present-headline');
    await pressKey(s, 'count-playback-next', 'ArrowRight');
    await s.waitUntil(
      () => (document.querySelector('[data-testid="count-playback-label"]')?.textContent ?? '').includes('Mar 2018'),
      undefined,
    );
    await stepTables('Mar 2018');
    expect(await s.text('present-headline')).not.toBe(febTables);
    await s.waitForMapIdle();
    expect(await s.text('present-legend')).toBe(a);
    expect(a).toMatch(/scale fixed for playback: \d+–\d+/);
    for (const v of SIZES) await shot(s, `present-${v.width}x${v.height}`, v);
    expect(s.errors).toEqual([]);
    await s.close();
  });
});

// Issue 14, part 4, in a real browser against the real app on real Lewisham police.uk data (2022 wards,
// violence and robbery 2016-01..2018-06, month precision): the meeting room sees what the presenter
// sees — a follower's page follows the presenter's hotspot mode (Gi*, then Change) with its parameters,
// the same legend, the open side list, the selected unit and a drawn area; emerging hot spots open on
// whole months (no refusal) with units listed by pattern, and playback steps with one fixed colour scale
// and no request per step; the presentation page at 1920×1080 (and three more sizes): tables in ≥ 28 px,
// ward names ≥ 18 px, the whole study area fitted, the legend beside the map, the map page's default period.
// Screenshots go to /work/shots/meeting when it exists (else test-results/meeting-*). Needs Debian's Chromium.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataDefaultWindow } from '../../web/src/lib/data-period.js';
import { windowLabel } from '../../web/src/lib/months.js';
import { EMERGING_FILL_LAYER, WARD_LABEL_LAYER } from '../../web/src/map/layers/index.js';
import { browserSkipReason, eventually, LONG_WAIT, pressKey, TEST_TIMEOUT, useBrowserApp, type Screen } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const skipReason = browserSkipReason([WARDS, VIOLENCE]);
if (skipReason) console.log(`Skipping the meeting browser test: ${skipReason}`);

const SHOTS = fs.existsSync('/work/shots') ? '/work/shots/meeting' : undefined;
const shot = (s: Screen, name: string, viewport?: { width: number; height: number }) =>
  s.screenshot(SHOTS ? name : `meeting-${name}`, { dir: SHOTS, viewport });
const VIEW = { width: 1366, height: 768 };
const FOLLOW_WAIT = 60_000;
/** A quadrilateral around Lewisham town centre (lon, lat). */
const AREA: [number, number][] = [
  [-0.0215, 51.4605],
  [-0.0045, 51.461],
  [-0.006, 51.451],
  [-0.02, 51.4505],
];

describe.skipIf(skipReason)(
  'meetings, side lists, playback and presentation in Chromium (issue 14)',
  { timeout: TEST_TIMEOUT },
  () => {
    const app = useBrowserApp({
      name: 'meeting',
      imports: [
        [WARDS, { kind: 'boundaries', level: 'ward' }],
        [VIOLENCE, { kind: 'incidents_csv' }],
      ],
    });
    const open = (url: string, opts: Parameters<ReturnType<typeof app>['open']>[1] = {}) =>
      app().open(url, { viewport: VIEW, ready: 'hotspot-panel', mapIdle: true, ...opts });
    /** Waits for a legend naming the statistic, then for the map to settle. */
    const settled = async (s: Screen, text: string) => {
      await s.waitForText('hotspot-legend', text, LONG_WAIT);
      await s.waitForMapIdle();
    };

    it('the follower follows the presenter into Gi* and Change: same mode, parameters, legend, side list, selection and drawn area', async () => {
      const officer = await app().account('officer');
      const [presenter, follower] = await Promise.all([open('/'), open('/?at=14.00/51.44000/-0.02000', { as: officer })]);
      await presenter.click('meeting-start');
      const code = (await presenter.text('meeting-code')).trim();
      await follower.click('meeting-join');
      await follower.fill('meeting-code-input', code);
      await follower.click('meeting-join-submit');
      await follower.waitFor('meeting-following');

      // Gi*: the presenter switches; the follower's page shows Gi*, not counts, with the same legend.
      await presenter.click('mode-gi');
      await settled(presenter, 'Gi* hot and cold spots');
      const switched = Date.now();
      await eventually(() => follower.query().hs, FOLLOW_WAIT).toBe('gi');
      await settled(follower, 'Gi* hot and cold spots');
      console.log(`follower showed Gi* ${Date.now() - switched} ms after the presenter`);
      expect(await follower.attr('mode-gi', 'aria-checked')).toBe('true');
      await eventually(() => follower.text('legend-gi-classes'), FOLLOW_WAIT).toBe(await presenter.text('legend-gi-classes'));
      expect(await follower.text('hotspot-method')).toBe(await presenter.text('hotspot-method'));

      // Its parameters: k = 2 and Holm travel too, and the legend names them on both pages.
      await presenter.choose('hotspot-k', '2');
      await presenter.choose('hotspot-correction', 'holm');
      await settled(presenter, 'Holm');
      await eventually(() => follower.query(), FOLLOW_WAIT).toMatchObject({ hs: 'gi', k: '2', corr: 'holm' });
      await settled(follower, 'Holm');
      await eventually(() => follower.text('hotspot-method'), FOLLOW_WAIT).toBe(await presenter.text('hotspot-method'));
      await eventually(() => follower.text('legend-gi-classes'), FOLLOW_WAIT).toBe(await presenter.text('legend-gi-classes'));
      expect(await follower.value('hotspot-k')).toBe('2');
      // The top list says when a hot cell is hot only through its neighbours.
      await presenter.waitFor('top-row');
      const classes = await presenter.texts('top-class');
      const counts = await presenter.texts('[data-testid="top-row"] td.num:nth-of-type(4)');
      classes.forEach((c, i) => {
        if (counts[i] === '0' && c.startsWith('hot')) expect(c).toContain('hot through its neighbours (0 here)');
      });
      await shot(presenter, 'presenter-gi');
      await shot(follower, 'follower-gi');

      // Change: the follower's legend becomes the change legend, with the presenter's counts per class.
      await presenter.click('mode-change');
      await settled(presenter, 'Change (');
      await eventually(() => follower.query().hs, FOLLOW_WAIT).toBe('change');
      await settled(follower, 'Change (');
      await eventually(() => follower.text('legend-change-classes'), FOLLOW_WAIT).toBe(
        await presenter.text('legend-change-classes'),
      );
      // Never a "Top N by Gi* z" list under a change map: increases and decreases instead.
      expect(await presenter.count('top-list')).toBe(0);
      await presenter.waitFor('side-list');
      expect(await presenter.pageText()).not.toContain('ranked by Gi* z');
      expect(await presenter.attr('side-list', 'data-list')).toBe('increases');
      await presenter.click('side-tab-decreases');
      await eventually(() => follower.query().hslist, FOLLOW_WAIT).toBe('decreases');
      await eventually(() => follower.attr('side-list', 'data-list'), FOLLOW_WAIT).toBe('decreases');
      const rows = await presenter.attrs('side-row', 'data-id');
      expect(await follower.attrs('side-row', 'data-id')).toEqual(rows);
      // Every listed decrease is significant and negative, largest first.
      const changes = (await presenter.attrs('side-row', 'data-change')).map(Number);
      const ps = (await presenter.attrs('side-row', 'data-p')).map(Number);
      expect(changes.every((c) => c < 0)).toBe(true);
      expect(ps.every((p) => p < 0.05)).toBe(true);
      expect([...changes].sort((a, b) => a - b)).toEqual(changes);

      // The selected unit.
      if (rows.length) {
        await presenter.click('side-row');
        await presenter.waitFor('hotspot-detail');
        const sel = presenter.query().sel;
        expect(sel).toBe(`hex:${rows[0]}`);
        await eventually(() => follower.query().sel, FOLLOW_WAIT).toBe(sel);
        await follower.waitFor('hotspot-detail');
      }
      await presenter.waitForMapIdle();
      await follower.waitForMapIdle();
      await shot(presenter, 'presenter-change');
      await shot(follower, 'follower-change');

      // A drawn area: the follower gets the same polygon and its profile.
      await presenter.click('draw-area');
      await presenter.waitFor('draw-area-hint');
      await presenter.drawOnMap(AREA, 'close');
      await presenter.waitFor('drawn-area-detail');
      await follower.waitFor('drawn-area-detail', { timeout: FOLLOW_WAIT });
      await eventually(() => follower.text('drawn-total'), FOLLOW_WAIT).not.toBe('…');
      await eventually(
        async () => (await follower.text('drawn-total')) === (await presenter.text('drawn-total')),
        FOLLOW_WAIT,
      ).toBe(true);
      await shot(follower, 'follower-drawn');

      // Leaving: the follower's own view (counts) is back.
      await follower.click('meeting-leave');
      await eventually(() => follower.query().hs, FOLLOW_WAIT).toBeUndefined();
      expect(await follower.count('drawn-area-detail')).toBe(0);
      await presenter.click('meeting-end');
      await presenter.waitFor('meeting-start');
      expect(presenter.errors).toEqual([]);
      expect(follower.errors).toEqual([]);
      await presenter.close();
      await follower.close();
    });

    it('emerging hot spots open on whole months (no refusal), list units by pattern, and play back on one fixed scale with no request per step', async () => {
      const s = await open('/');
      const emerging = s.recordRequests('/api/emerging');
      await s.click('mode-emerging');
      await settled(s, 'Emerging hot spot pattern');
      expect(await s.count('month-precision')).toBe(0);
      expect(await s.value('hotspot-period')).toBe('month');
      expect(emerging.every((u) => new URL(u).searchParams.get('period') === 'month')).toBe(true);
      // Units by pattern: each tab's rows all have that pattern; tabs follow the legend's order.
      await s.waitFor('side-row');
      const open1 = await s.attr('side-list', 'data-list');
      expect(new Set(await s.attrs('side-row', 'data-pattern'))).toEqual(new Set([open1]));
      const tabs = await s.attrs('[data-testid^="side-tab-"]', 'data-testid');
      expect(tabs.length).toBeGreaterThan(1);
      await s.click(tabs[1]!);
      const open2 = tabs[1]!.replace('side-tab-', '');
      await eventually(() => s.attr('side-list', 'data-list')).toBe(open2);
      expect(new Set(await s.attrs('side-row', 'data-pattern'))).toEqual(new Set([open2]));
      expect(s.query().hslist).toBe(open2);
      await shot(s, 'side-list-emerging');

      // Playback by keyboard: → steps, the label and the map change, the scale does not; nothing is fetched.
      const before = emerging.length;
      const scales: string[] = [];
      const labels: string[] = [];
      const fills: string[] = [];
      await s.click('playback-next');
      for (let step = 0; step < 4; step++) {
        if (step > 0) await pressKey(s, 'playback-next', 'ArrowRight');
        await s.waitUntil(
          (i) => document.querySelector('[data-testid="playback-label"]')?.textContent?.startsWith(`Period ${i + 1} of`),
          step,
        );
        await s.waitForMapIdle();
        labels.push(await s.text('playback-label'));
        scales.push(await s.text('legend-z-scale'));
        fills.push(await s.onMap((map, l) => JSON.stringify(map.getPaintProperty(l, 'fill-color')), EMERGING_FILL_LAYER));
        expect(s.query().step).toBe(String(step));
      }
      expect(new Set(labels).size).toBe(4);
      expect(new Set(scales).size).toBe(1);
      expect(new Set(fills).size).toBe(4);
      expect(emerging.length).toBe(before);
      console.log(`playback: ${emerging.length - before} emerging requests for 4 steps (${before} for the whole series)`);
      await shot(s, 'playback');
      expect(s.errors).toEqual([]);
      await s.close();
    });

    it('presentation at 1920×1080 and three more sizes: 28 px tables, 18 px+ ward names, the whole area, legend beside the map, the map page default period', async () => {
      const s = await app().open('/present?layers=choropleth,outlines,labels,hexes&at=15.00/51.46000/-0.02000', {
        viewport: { width: 1920, height: 1080 },
        mapIdle: true,
        ready: 'pack-ward-row',
      });
      // The map page's default period: the 12 months to the newest month with data, whole months.
      const cov = (await s.api('/api/coverage')).body;
      const w = dataDefaultWindow(cov)!;
      const period = await s.text('present-period');
      expect(period.startsWith(windowLabel(w.from, w.to))).toBe(true);
      expect(period).toContain('previous 12 months');
      expect(period).toContain('whole months');
      // Table text at least 28 px; ward names at least 18 px.
      const sizes = await s.onMap(() =>
        [...document.querySelectorAll('.present-page .pack-table td')].map((e) =>
          Number.parseFloat(getComputedStyle(e).fontSize),
        ),
      );
      expect(sizes.length).toBeGreaterThan(10);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(28);
      expect(await s.onMap((map, l) => map.getLayoutProperty(l, 'text-size'), WARD_LABEL_LAYER)).toBeGreaterThanOrEqual(18);
      // The whole study area in view, though the URL asked for a close-up.
      const [areaBox, mapBounds] = await Promise.all([
        s.api('/api/areas?level=ward').then((r) => {
          const xs: number[] = [];
          const ys: number[] = [];
          const walk = (c: any): void => {
            if (typeof c[0] === 'number') {
              xs.push(c[0]);
              ys.push(c[1]);
            } else c.forEach(walk);
          };
          for (const f of r.body.features) walk(f.geometry.coordinates);
          return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
        }),
        s.onMap((map) => map.getBounds().toArray().flat() as number[]),
      ]);
      expect(mapBounds[0]).toBeLessThanOrEqual(areaBox[0]);
      expect(mapBounds[1]).toBeLessThanOrEqual(areaBox[1]);
      expect(mapBounds[2]).toBeGreaterThanOrEqual(areaBox[2]);
      expect(mapBounds[3]).toBeGreaterThanOrEqual(areaBox[3]);
      // The legend is beside the map, not over it.
      const legend = (await s.box('present-legend'))!;
      const map = (await s.box('.present-map'))!;
      expect(legend.x).toBeGreaterThanOrEqual(map.x + map.width);
      await shot(s, 'present-1920x1080');
      for (const v of [
        { width: 1440, height: 900 },
        { width: 1366, height: 768 },
        { width: 390, height: 844 },
      ]) {
        await s.resize(v);
        await s.waitForMapIdle();
        await shot(s, `present-${v.width}x${v.height}`);
      }
      expect(s.errors).toEqual([]);
      await s.close();
    });
  },
);

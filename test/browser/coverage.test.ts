// Data coverage in the real app (issue 11): Lewisham wards and the burglary file (2022-03..2025-02), the map
// on burglary 2022-03..2022-06 with the change column asked for and a ward selected. The previous period
// (2021-11..2022-02) has no data: the page says so and shows no "+N" change; the coverage strip shows the
// gap before 2022-03 with the period outlined. A window with no data at all says "no data", never 0.
// Screenshots of the map page at four sizes go to /tmp/shots/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import { describe, expect, it } from 'vitest';
import { browserSkipReason, TEST_TIMEOUT, useBrowserApp, type Viewport } from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const BURGLARY = 'lewisham_burglary_street_2022-03_2025-02.csv';
const SHOTS = '/tmp/shots';
const WARD = 'E05013714';
/** Burglary, March to June 2022 (to exclusive), the choropleth on, sorted by change, one ward selected. */
const VIEW = `/?from=2022-03&to=2022-07&cat=burglary&layers=choropleth,outlines,labels&sort=change-desc&sel=area:${WARD}`;

const skipReason = browserSkipReason([WARDS, BURGLARY]);
if (skipReason) console.log(`Skipping the coverage browser test: ${skipReason}`);

describe.skipIf(skipReason)('data coverage in Chromium on the Lewisham burglary file', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({ name: 'coverage', imports: [[WARDS, { level: 'ward' }], [BURGLARY]] });

  /** The map page with its coverage strip ready, the map idle and the ranking filled. */
  const open = async (url: string, viewport: Viewport = { width: 1440, height: 900 }) => {
    const screen = await app().open(url, { viewport, ready: '[data-testid="coverage-strip"][data-ready="true"]', mapIdle: true });
    await screen.waitFor('ranking-row');
    return screen;
  };

  it('the API has no previous figures for the window (what the page must not show as +N)', async () => {
    const body = await app().json<{
      areas: { count: number | null; previous_count: number | null; change: number | null }[];
      coverage: { previous_reason: string | null; count_reason: string | null };
    }>('/api/stats/areas?level=ward&from=2022-03&to=2022-07&category=burglary');
    expect(body.areas).toHaveLength(19);
    expect(body.areas.every((a) => a.previous_count === null && a.change === null && a.count !== null)).toBe(true);
    expect(body.coverage.previous_reason).toMatch(/^no data for the previous period/);
    expect(body.coverage.count_reason).toBeNull();
  });

  it('says there is no data for the previous period, shows no change, and the strip shows the gap before 2022-03', async () => {
    const screen = await open(VIEW);
    // Ranking: no change column, a line saying why; no "+N" anywhere in the table.
    expect(await screen.text('ranking-no-previous')).toContain('no data for the previous period');
    expect(await screen.count('sort-change')).toBe(0);
    expect(await screen.text('ranking-table')).not.toMatch(/\+\d/);
    // Detail panel of the selected ward: previous "no data for the previous period", change "no data".
    await screen.waitFor('sparkline');
    expect(await screen.text('detail-previous')).toBe('no data for the previous period');
    expect(await screen.text('detail-change')).toBe('no data');
    expect(Number((await screen.text('detail-count')).replace(/,/g, ''))).toBeGreaterThan(0);
    // The sparkline hatches the four months before the data instead of drawing them as 0.
    expect(await screen.count('sparkline-gap')).toBe(1);
    expect(await screen.text('[data-testid="sparkline"] figcaption')).toContain('gaps: no data');
    // Legend: the short coverage rule.
    expect(await screen.text('legend-coverage')).toContain('never 0');
    for (const id of ['ranking', 'detail-panel', 'legend']) expect(await screen.text(id)).not.toMatch(/\+\d/);

    // The strip: months before March 2022 not covered (the previous period, dashed), the period covered.
    expect(await screen.attr('coverage-strip', 'data-previous-status')).toBe('none');
    expect(await screen.attr('coverage-strip', 'data-period-status')).toBe('full');
    const month = (m: string) => `[data-testid="coverage-strip"] [data-month="${m}"]`;
    expect(await screen.attr(month('2021-11'), 'data-status')).toBe('none');
    expect(await screen.attr(month('2022-02'), 'data-status')).toBe('none');
    expect(await screen.attr(month('2022-03'), 'data-status')).toBe('full');
    expect(await screen.attr(month('2025-02'), 'data-status')).toBe('full');
    expect(await screen.attr(month('2022-02'), 'title')).toBe('Feb 2022: no data');
    expect(await screen.attr(month('2022-03'), 'title')).toMatch(/^Mar 2022: covered · source: .+ \(\d[\d,]* rows\)$/);
    expect(await screen.text('coverage-strip-summary')).toBe('Data Mar 2022 – Feb 2025 · previous period: no data.');
    // Hover a month: its status and sources in the strip's one-line readout.
    await screen.hover(month('2022-01'));
    expect(await screen.text('coverage-strip-month')).toBe('Jan 2022: no data');
    // The period outline sits over March–June 2022: right of the gap, inside the bar.
    const [period, feb, mar] = await Promise.all([
      screen.box('coverage-strip-period'),
      screen.box(month('2022-02')),
      screen.box(month('2022-03')),
    ]);
    expect(period!.x).toBeGreaterThanOrEqual(feb!.x + feb!.width - 1.5);
    expect(Math.abs(period!.x - mar!.x)).toBeLessThan(1.5);
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('a window with no data at all says "no data" (never 0) and colours the wards as no data', async () => {
    const screen = await open('/?from=2019-01&to=2019-04&cat=burglary&layers=choropleth,outlines,labels');
    expect(await screen.text('ranking-no-data')).toContain('No data for this period');
    expect(await screen.text('ranking-total')).toBe('no data');
    const counts = await screen.texts('[data-testid="ranking-row"] td:nth-child(3)');
    expect(counts).toHaveLength(19);
    expect(new Set(counts)).toEqual(new Set(['no data']));
    expect(await screen.text('legend-no-data')).toBe('No data for this period');
    expect(await screen.text('legend-coverage-note')).toMatch(/^No data for the period/);
    expect(await screen.attr('coverage-strip', 'data-period-status')).toBe('none');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('screenshots of the map page with the strip at phone and desktop sizes', async () => {
    for (const [width, height] of [
      [390, 844],
      [1366, 768],
      [1440, 900],
      [1920, 1080],
    ]) {
      const screen = await open(VIEW, { width, height });
      await screen.screenshot(`coverage-map-${width}x${height}`, { dir: SHOTS });
      // The strip is on screen and wide enough to read (at least ~1.5 px a month) at every size.
      const bar = await screen.box('[data-testid="coverage-strip"] .cov-bar');
      expect(bar!.width).toBeGreaterThan(150);
      expect(bar!.x + bar!.width).toBeLessThanOrEqual(width);
      // On desktop screens the strip leaves the legend's class rows on screen.
      if (width >= 1366) {
        const rows = await screen.box('legend-areas');
        expect(rows!.y + rows!.height).toBeLessThanOrEqual(height);
      }
      expect(screen.errors).toEqual([]);
      await screen.close();
    }
  });
});

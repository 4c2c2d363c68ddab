// Phones and laptops, history, PNG export and accessibility (issue 14) in Chromium on the real Lewisham data:
// at 390x844 the map has a size, the side panels open and close as sheets, the header folds into a menu,
// the export dialog opens and a file downloads; the PNG export downloads a PNG the size of the map's canvas
// with drawn pixels and is recorded in the audit log; Back undoes a filter change; an unknown path says
// "Page not found"; a ward is selected from the keyboard; axe-core finds no critical or serious problem
// on any page visited. Screenshots go to test-results/layout-*.png.
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  browserSkipReason,
  eventually,
  focusedElement,
  goBack,
  mapCanvasSize,
  pressKeyOnPage,
  TEST_TIMEOUT,
  useBrowserApp,
  type Screen,
} from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };

const skipReason = browserSkipReason([WARDS, VIOLENCE]);
if (skipReason) console.log(`Skipping the layout browser test: ${skipReason}`);

/** Width and height from a PNG's IHDR chunk (bytes 16-23). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** How many distinct colours (quantised to 4 bits a channel) the image has: a blank canvas has one or two. */
async function distinctColours(bytes: Buffer): Promise<number> {
  const img = await loadImage(bytes);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height).data;
  const seen = new Set<number>();
  for (let i = 0; i < d.length; i += 4 * 7) seen.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
  return seen.size;
}

const expectAccessible = async (screen: Screen, page: string) => {
  const found = await accessibilityViolations(screen);
  expect(found, `${page}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
};

describe.skipIf(skipReason)('layout, history, PNG export and accessibility in Chromium', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'layout',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [VIOLENCE, { kind: 'incidents_csv' }],
    ],
  });

  it('at 390x844: the map has a size, the panels open and close as sheets, the header folds, an export downloads', async () => {
    const screen = await app().open('/?from=2017-07&to=2018-07', { viewport: PHONE, mapIdle: true });
    const map = await screen.box('map');
    expect(map?.width).toBeGreaterThan(300);
    expect(map?.height).toBeGreaterThan(400);
    // The panels start closed: the whole map shows.
    expect(await screen.isVisible('filters')).toBe(false);
    expect(await screen.isVisible('ranking')).toBe(false);
    await screen.click('sheet-toggle-left');
    await screen.waitFor('filters', { state: 'visible' });
    expect(await screen.attr('sheet-toggle-left', 'aria-expanded')).toBe('true');
    // The map is still there above the open sheet.
    const sheet = await screen.box('.sidebar-left');
    expect(sheet!.y).toBeGreaterThan((map?.y ?? 0) + 150);
    await screen.screenshot('layout-phone-filters');
    await screen.click('sheet-toggle-left');
    await screen.waitFor('filters', { state: 'hidden' });

    // The header: links behind the menu button.
    expect(await screen.isVisible('nav-import')).toBe(false);
    await screen.click('menu-button');
    await screen.waitFor('nav-import', { state: 'visible' });
    const link = await screen.box('nav-import');
    expect(link!.height).toBeGreaterThanOrEqual(44);
    await screen.click('menu-button');
    await screen.waitFor('nav-import', { state: 'hidden' });

    // The ranking's export from the sheet: the dialog fits and its button can be pressed.
    await screen.click('sheet-toggle-right');
    await screen.waitFor('ranking', { state: 'visible' });
    await screen.click('export-areas');
    await screen.waitFor('export-dialog', { state: 'visible' });
    const dialog = await screen.box('export-dialog');
    expect(dialog!.x).toBeGreaterThanOrEqual(0);
    expect(dialog!.x + dialog!.width).toBeLessThanOrEqual(PHONE.width);
    await screen.screenshot('layout-phone-export-dialog');
    const file = await screen.exportWith({ purpose: 'Ward briefing on a phone', recipient: 'Lewisham CSP' });
    expect(file.filename).toMatch(/\.csv$/);
    const lines = file.text.trim().split('\n');
    expect(lines[0]).toContain('code');
    // 19 wards, then the totals and notes.
    expect(lines.filter((l) => /^E05013/.test(l))).toHaveLength(19);
    await expectAccessible(screen, 'map at 390x844');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('PNG export on a phone and a laptop: the map canvas size, drawn pixels, recorded in the audit log', async () => {
    for (const viewport of [PHONE, LAPTOP]) {
      const screen = await app().open('/?from=2017-07&to=2018-07', { viewport, mapIdle: true });
      await screen.click('png-export');
      await screen.waitFor('export-dialog', { state: 'visible' });
      const purpose = `Map image for the briefing at ${viewport.width}px`;
      const file = await screen.exportWith({ purpose, recipient: 'Tasking meeting' });
      expect(file.filename).toMatch(/^map-map-\d{4}-\d{2}-\d{2}\.png$/);
      const canvas = await mapCanvasSize(screen);
      expect(pngSize(file.bytes)).toEqual(canvas);
      // A map with hexagons, outlines, title, legend and credits: many colours, not a blank canvas.
      expect(await distinctColours(file.bytes)).toBeGreaterThan(20);
      const audit = await app().json<{ rows: { resource: string; purpose: string; recipient: string; query: any }[] }>(
        `/api/audit?action=export&q=${encodeURIComponent(purpose)}`,
        undefined,
        'admin',
      );
      const row = audit.rows.find((r) => r.purpose === purpose);
      expect(row?.resource).toBe('map-image.png');
      expect(row?.recipient).toBe('Tasking meeting');
      expect(row?.query).toMatchObject({
        page: 'map',
        width: canvas.width,
        height: canvas.height,
        period: 'Jul 2017 – Jun 2018',
      });
      expect(row?.query.view).toContain('from=2017-07');
      await screen.close();
    }
  });

  it('at 1366x768 the legend is on the map, on screen, and folds', async () => {
    const screen = await app().open('/?from=2017-07&to=2018-07&hs=gi', { viewport: LAPTOP, mapIdle: true });
    await screen.waitFor('hotspot-legend');
    const box = await screen.box('map-legend-box');
    expect(box!.y + box!.height).toBeLessThanOrEqual(LAPTOP.height);
    expect(await screen.isVisible('hotspot-legend')).toBe(true);
    await screen.click('map-legend-toggle');
    expect(await screen.isVisible('hotspot-legend')).toBe(false);
    await screen.click('map-legend-toggle');
    expect(await screen.isVisible('hotspot-legend')).toBe(true);
    await screen.screenshot('layout-laptop-gi');
    await expectAccessible(screen, 'map (Gi*) at 1366x768');
    await screen.close();
  });

  it('Back undoes a filter change and a layer change; the view follows', async () => {
    const screen = await app().open('/?from=2017-07&to=2018-07', { mapIdle: true });
    const startLength = await screen.inPage(() => history.length, null);
    await screen.fill('filter-from', '2017-01');
    await eventually(() => screen.query().from).toBe('2017-01');
    // Wait out the coalescing window so the layer change is an entry of its own.
    await new Promise((r) => setTimeout(r, 700));
    await screen.untick('layer-toggle-hexes');
    await eventually(() => screen.query().layers).toBe('outlines,labels');
    expect(await screen.inPage(() => history.length, null)).toBe(startLength + 2);

    await goBack(screen);
    await eventually(() => screen.query().layers).toBeUndefined();
    expect(await screen.isTicked('layer-toggle-hexes')).toBe(true);
    expect(screen.query().from).toBe('2017-01');
    await goBack(screen);
    await eventually(() => screen.query().from).toBe('2017-07');
    expect(await screen.value('filter-from')).toBe('2017-07');
    await screen.close();
  });

  it('an unknown path shows "Page not found" with a link to the map', async () => {
    const screen = await app().open('/no-such-page', { ready: 'not-found' });
    expect(await screen.text('main h1')).toBe('Page not found');
    await expectAccessible(screen, 'not found');
    await screen.click('not-found-map');
    await screen.waitForMapIdle();
    expect(screen.url().pathname).toBe('/');
    await screen.close();
  });

  it('a ward is selected from the keyboard (Tab to the ranking, Enter)', async () => {
    const screen = await app().open('/?from=2017-07&to=2018-07', { mapIdle: true });
    let focused = '';
    for (let i = 0; i < 120 && focused !== 'ranking-row'; i++) {
      await pressKeyOnPage(screen, 'Tab');
      focused = await focusedElement(screen);
    }
    expect(focused).toBe('ranking-row');
    await pressKeyOnPage(screen, 'Enter');
    await eventually(() => screen.query().sel).toMatch(/^area:E05013/);
    await screen.close();
  });

  it('axe-core: no critical or serious problem on each page', async () => {
    const pages: [string, string, 'analyst' | 'admin' | null][] = [
      ['/import', 'import-form', 'analyst'],
      ['/pack', '[data-testid="pack-page"][data-ready="true"]', 'analyst'],
      ['/present', 'present-page', 'analyst'],
      ['/journeys', 'journeys-page', 'analyst'],
      ['/planning', 'planning-page', 'analyst'],
      ['/chb', 'chb-page', 'analyst'],
      ['/admin/users', 'users-table', 'admin'],
      ['/admin/settings', 'settings-page', 'admin'],
      ['/admin/audit', 'audit-page', 'admin'],
      ['/', 'sign-in-form', null],
    ];
    const problems: string[] = [];
    for (const [url, ready, as] of pages) {
      const screen = await app().open(url, { ready, as: as === 'analyst' ? undefined : as });
      const found = await accessibilityViolations(screen);
      for (const v of found) problems.push(`${url}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 3).join(', ')}`);
      await screen.close();
    }
    expect(problems).toEqual([]);
  });
});

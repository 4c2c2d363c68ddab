// The last screen defects of issue 14 (branch ux), in Chromium on the real Lewisham data: one compact "i"
// attribution control on the map pages at 390x844; the hotspot parameters in Emerging mode shown whole; the
// presentation's headline table whole at 390x844; axe-core (0 critical, 0 serious) on the Knox screen and
// during playback; the CHB dashboard's and create map's PNG export with its title and map key; the CHB
// create map whole on a 1440x900 screen when the list above it has rows.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { CHB_COLOURS } from '../../web/src/map/layers/chb.js';
import {
  accessibilityViolations,
  browserSkipReason,
  cutOff,
  mapCanvasSize,
  TEST_TIMEOUT,
  topmostAt,
  useBrowserApp,
  type Screen,
} from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const LAPTOP_L = { width: 1440, height: 900 };
const DESKTOP = { width: 1920, height: 1080 };
// Catford South (area) and Deptford (control, well outside the buffer ring), 2022 wards.
const AREA_WARD = 'E05013717';
const CONTROL_WARD = 'E05013719';

const skipReason = browserSkipReason([WARDS, VIOLENCE]);
if (skipReason) console.log(`Skipping the screens browser test: ${skipReason}`);

const expectAccessible = async (screen: Screen, where: string) => {
  const found = await accessibilityViolations(screen);
  expect(found, `${where}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
};

interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

async function pixels(png: Buffer): Promise<Pixels> {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

const hex = (h: string) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));

/** Whether the image has a solid block (w x h pixels) of `colour` (±3 a channel): a legend swatch, not a map line. */
function hasSolidBlock(p: Pixels, colour: string, w = 10, h = 8): boolean {
  const [r, g, b] = hex(colour);
  const is = (x: number, y: number) => {
    const i = (y * p.width + x) * 4;
    return Math.abs(p.data[i] - r) <= 3 && Math.abs(p.data[i + 1] - g) <= 3 && Math.abs(p.data[i + 2] - b) <= 3;
  };
  for (let y = 0; y + h <= p.height; y += 2)
    for (let x = 0; x + w <= p.width; x += 2) {
      if (!is(x, y)) continue;
      let solid = true;
      for (let dy = 0; dy < h && solid; dy++) for (let dx = 0; dx < w && solid; dx++) solid = is(x + dx, y + dy);
      if (solid) return true;
    }
  return false;
}

/** Dark (text-like) pixels in a rectangle. */
function darkPixels(p: Pixels, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < Math.min(y1, p.height); y++)
    for (let x = x0; x < Math.min(x1, p.width); x++) {
      const i = (y * p.width + x) * 4;
      if (p.data[i] + p.data[i + 1] + p.data[i + 2] < 3 * 90) n++;
    }
  return n;
}

/** The map canvas as it is drawn now (no title, legend or credits), as a PNG. */
async function bareCanvas(screen: Screen): Promise<Pixels> {
  const url = await screen.inPage(
    () => (document.querySelector('[data-testid="map"] canvas') as HTMLCanvasElement).toDataURL('image/png'),
    null,
  );
  return pixels(Buffer.from(url.split(',')[1], 'base64'));
}

/**
 * Saves the map as PNG from the open screen and checks the image: the map canvas's size; a title box at the
 * top left with text the bare map has not; the map key's swatches as solid blocks the bare map has not.
 */
async function checkPng(screen: Screen, purpose: string, swatches: string[]) {
  const bare = await bareCanvas(screen);
  await screen.click('png-export');
  await screen.waitFor('export-dialog', { state: 'visible' });
  const file = await screen.exportWith({ purpose, recipient: 'CHB steering group' });
  expect(file.filename).toMatch(/\.png$/);
  const png = await pixels(file.bytes);
  expect({ width: png.width, height: png.height }).toEqual(await mapCanvasSize(screen));
  // The title and period, top left (16 px bold + 12 px lines from 10 px in).
  const titleInk = darkPixels(png, 10, 10, 330, 56);
  expect(titleInk, 'title text in the image').toBeGreaterThan(darkPixels(bare, 10, 10, 330, 56) + 150);
  for (const c of swatches) {
    expect(hasSolidBlock(png, c), `legend swatch ${c} in the image`).toBe(true);
    expect(hasSolidBlock(bare, c), `no ${c} block on the bare map`).toBe(false);
  }
  return file;
}

describe.skipIf(skipReason)('screens at four sizes: the last defects (issue 14)', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'screens',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [VIOLENCE, { kind: 'incidents_csv' }],
    ],
  });

  it('at 390x844 each map page has one compact "i" attribution control, on screen and not covered', async () => {
    const pages: [string, { ready?: string; map?: 'map' | 'journeys' | 'planning' }][] = [
      ['/?from=2017-07&to=2018-07', {}],
      ['/present', { ready: 'present-page' }],
      ['/journeys', { ready: 'journeys-page', map: 'journeys' }],
      ['/planning', { ready: 'planning-page', map: 'planning' }],
    ];
    for (const [url, o] of pages) {
      const screen = await app().open(url, { viewport: PHONE, mapIdle: true, ...o });
      expect(await screen.count('.maplibregl-ctrl-attrib'), url).toBe(1);
      expect(await screen.count('.maplibregl-ctrl-attrib-button'), url).toBe(1);
      // The presentation stacks map and tables on a phone: the map is further down the page.
      await screen.scrollTo('.maplibregl-ctrl-attrib-button');
      expect(await cutOff(screen, '.maplibregl-ctrl-attrib-button'), url).toEqual([]);
      const [hit] = await topmostAt(screen, '.maplibregl-ctrl-attrib-button');
      expect(hit.covered, `${url}: covered by ${hit.by}`).toBe(false);
      // Nothing else on the map sits over any part of it (the PNG button did, at 390 px).
      const a = (await screen.box('.maplibregl-ctrl-attrib'))!;
      const b = (await screen.box('png-export'))!;
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, `${url}: the "i" (${JSON.stringify(a)}) under the PNG button (${JSON.stringify(b)})`).toBe(false);
      expect(screen.errors).toEqual([]);
      await screen.close();
    }
  });

  it('at 1366x768 every header link shows whole, for an administrator too', async () => {
    for (const [url, ready, as] of [
      ['/admin/settings', 'settings-page', 'admin'],
      ['/near-repeat', 'knox-page', undefined],
    ] as const) {
      const screen = await app().open(url, { viewport: LAPTOP, ready, as });
      expect(await screen.count('.app-header nav a')).toBeGreaterThanOrEqual(8);
      expect(await cutOff(screen, '.app-header nav a', 'x'), url).toEqual([]);
      await screen.close();
    }
  });

  it('Emerging mode: every hotspot parameter shows its choice whole at 1920x1080 and 1366x768', async () => {
    for (const viewport of [DESKTOP, LAPTOP]) {
      const screen = await app().open('/?hs=emerging&from=2017-07&to=2018-07', { viewport, mapIdle: true });
      await screen.waitFor('hotspot-period');
      expect(await screen.count('[data-testid="hotspot-panel"] select')).toBeGreaterThanOrEqual(5);
      expect(await cutOff(screen, '[data-testid="hotspot-panel"] select', 'x')).toEqual([]);
      // The full method names stay available (title) and in the legend.
      expect(await screen.attr('hotspot-correction', 'title')).toBe('false discovery rate (Benjamini–Hochberg)');
      await screen.close();
    }
  });

  it('presentation at 390x844: the headline table is whole across the screen', async () => {
    const screen = await app().open('/present?from=2017-07&to=2018-07', { viewport: PHONE, ready: 'present-headline' });
    await screen.waitFor('[data-testid="present-headline"] table');
    expect(await cutOff(screen, '[data-testid="present-headline"] table', 'x')).toEqual([]);
    expect(await cutOff(screen, '[data-testid="present-headline"] th, [data-testid="present-headline"] td', 'x')).toEqual([]);
    await screen.close();
  });

  it('axe-core finds no critical or serious problem on the Knox screen and during playback', async () => {
    const knox = await app().open('/near-repeat', { ready: 'knox-page' });
    await expectAccessible(knox, 'Knox form');
    // Its band choices read in whole (beside their labels in a 16rem column they were cut off).
    for (const viewport of [LAPTOP, PHONE]) {
      await knox.resize(viewport);
      expect(await cutOff(knox, '[data-testid="knox-page"] select, [data-testid="knox-page"] input', 'x')).toEqual([]);
    }
    await knox.resize(LAPTOP_L);
    await knox.fill('knox-from', '2017-01');
    await knox.fill('knox-to', '2017-12');
    await knox.click('knox-run');
    await knox.waitFor('knox-refusal');
    await expectAccessible(knox, 'Knox refusal');
    await knox.close();

    const map = await app().open('/?from=2018-01&to=2018-07&layers=choropleth,outlines,labels,hexes&pstep=2018-02', {
      ready: 'count-playback',
      mapIdle: true,
    });
    await map.waitUntil(
      () => (document.querySelector('[data-testid="count-playback-label"]')?.textContent ?? '').includes('Feb 2018'),
      undefined,
    );
    await expectAccessible(map, 'map at a playback step');
    await map.click('count-playback-play');
    expect(await map.attr('count-playback-play', 'aria-pressed')).toBe('true');
    await expectAccessible(map, 'map while playing');
    await map.close();

    const present = await app().open('/present?from=2018-01&to=2018-07&layers=choropleth,outlines,labels&pstep=2018-02', {
      viewport: DESKTOP,
      ready: 'count-playback',
      mapIdle: true,
    });
    await expectAccessible(present, 'presentation at a playback step');
    await present.click('count-playback-play');
    await expectAccessible(present, 'presentation while playing');
    await present.close();
  });

  it('CHB: the create map is whole at 1440x900 below a list with rows; both CHB maps save a PNG with title and key', async () => {
    const created = await app().json<{ id: number }>('/api/chb', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Catford South CHB',
        area: { wards: [AREA_WARD] },
        control: { wards: [CONTROL_WARD] },
        buffer_m: 400,
        clear_start: '2017-07-01',
        hold_start: '2017-10-01',
        build_start: '2018-01-01',
        build_end: '2018-07-01',
      }),
    });

    const list = await app().open('/chb', { viewport: LAPTOP_L, ready: 'chb-list' });
    expect(await list.count('[data-testid="chb-list"] tbody tr')).toBeGreaterThan(0);
    await list.click('chb-new');
    await list.waitFor('chb-form');
    await list.waitForMapIdle();
    expect(await cutOff(list, '.chb-create-map')).toEqual([]);
    const mapBox = await list.box('.chb-create-map');
    expect(mapBox!.height).toBeGreaterThan(480);
    // Pick the area and control wards in the list: the key and the image show both colours.
    await list.choose(`[data-testid="chb-ward-pick"][data-code="${AREA_WARD}"]`, 'area');
    await list.choose(`[data-testid="chb-ward-pick"][data-code="${CONTROL_WARD}"]`, 'control');
    await list.waitForMapIdle();
    expect(await list.texts('[data-testid="chb-map-legend"] li')).toEqual([
      'Area',
      'Displacement buffer ring (500 m)',
      'Control (comparison) area',
    ]);
    await checkPng(list, 'CHB draft map for the steering group', [CHB_COLOURS.area, CHB_COLOURS.buffer, CHB_COLOURS.control]);
    expect(list.errors).toEqual([]);
    await list.close();

    const dash = await app().open(`/chb?id=${created.id}`, { viewport: LAPTOP_L, ready: 'chb-dashboard', map: 'planning' });
    await dash.waitForMapIdle();
    const purpose = 'CHB dashboard map for the steering group';
    await checkPng(dash, purpose, [CHB_COLOURS.area, CHB_COLOURS.buffer, CHB_COLOURS.control]);
    const audit = await app().json<{ rows: { purpose: string; query: any }[] }>(
      `/api/audit?action=export&q=${encodeURIComponent(purpose)}`,
      undefined,
      'admin',
    );
    expect(audit.rows.find((r) => r.purpose === purpose)?.query).toMatchObject({
      page: 'chb',
      title: 'Clear-Hold-Build: Catford South CHB',
      period: 'Jul 2017 – Jun 2018',
    });
    await expectAccessible(dash, 'CHB dashboard');
    // On a phone the map and the chart stack: the map has the screen's width, not a third of it.
    await dash.resize(PHONE);
    expect((await dash.box('map'))!.width).toBeGreaterThan(300);
    expect(await cutOff(dash, '[data-testid="chb-chart"]', 'x')).toEqual([]);
    expect(dash.errors).toEqual([]);
    await dash.close();
  });
});

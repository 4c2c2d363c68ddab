// The place search box (issue 14) in Chromium on real Lewisham data: type a street name from the data,
// choose it with the keyboard, and the map flies to contain the extent of that street's incidents; named
// hot spot cells in the top list. Screenshots of the open search box and the named list at the four sizes
// go to /work/shots/places when that folder's parent exists (else test-results/).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  eventually,
  LONG_WAIT,
  mapBounds,
  pressKey,
  TEST_TIMEOUT,
  tid,
  typeInto,
  useBrowserApp,
} from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const CRIMES = 'lewisham_burglary_street_2022-03_2025-02.csv';
const SIZES = [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];
const SHOTS = fs.existsSync('/work/shots') ? '/work/shots/places' : undefined;

const skipReason = browserSkipReason([WARDS, CRIMES]);
if (skipReason) console.log(`Skipping the search browser test: ${skipReason}`);

describe.skipIf(skipReason)('place search in Chromium on real Lewisham data', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'search',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [CRIMES, {}],
    ],
  });

  it('finds a street by typing, chooses it with the keyboard, and flies the map to its extent', async () => {
    // a street of the data: the most recorded "... Road" (the API's own street results give its extent)
    const found = await app().json<{ results: Array<{ kind: string; label: string; bbox: number[]; detail: string }> }>(
      '/api/search?q=Road&limit=20',
    );
    const street = found.results.find((r) => r.kind === 'street')!;
    expect(street, JSON.stringify(found.results.slice(0, 3))).toBeTruthy();
    const screen = await app().open('/', { mapIdle: true });
    const before = await mapBounds(screen);
    await typeInto(screen, 'search-input', street.label);
    await screen.waitFor({ target: tid('search-result'), hasText: street.label });
    expect(await screen.text('search-box')).toMatch(/Street/);
    await screen.screenshot('search-open-1366x768', { dir: SHOTS });
    // keyboard: down to the first street result, Enter
    const kinds = await screen.onMap(() =>
      [...document.querySelectorAll('[data-testid="search-result"]')].map((e) => (e as HTMLElement).dataset.kind),
    );
    const at = kinds.indexOf('street');
    for (let i = 0; i <= at; i++) await pressKey(screen, 'search-input', 'ArrowDown');
    await pressKey(screen, 'search-input', 'Enter');
    await screen.waitForMapMoved();
    await eventually(async () => {
      const b = await mapBounds(screen);
      return b[0] <= street.bbox[0] && b[1] <= street.bbox[1] && b[2] >= street.bbox[2] && b[3] >= street.bbox[3];
    }, LONG_WAIT).toBe(true);
    const after = await mapBounds(screen);
    expect(after).not.toEqual(before);
    // it zoomed in: the view is much smaller than the borough's
    expect(after[2] - after[0]).toBeLessThan((before[2] - before[0]) / 3);
    expect(await screen.onMap(() => (document.querySelector('[data-testid="search-input"]') as HTMLInputElement).value)).toBe(
      street.label,
    );
    // Escape closes, and a second Escape clears
    await pressKey(screen, 'search-input', 'Escape');
    await pressKey(screen, 'search-input', 'Escape');
    expect(await screen.onMap(() => (document.querySelector('[data-testid="search-input"]') as HTMLInputElement).value)).toBe('');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('fits at every screen size, open on a ward; the top hot spot cells are listed by name', async () => {
    const screen = await app().open('/?hs=gi&res=9', { ready: 'hotspot-panel', mapIdle: true });
    await eventually(() => screen.count('top-row'), LONG_WAIT).toBeGreaterThan(0);
    const first = await screen.text('top-row');
    expect(first).toMatch(/[A-Za-z]+.*[0-9a-f]{15}/); // a name, with the H3 id as secondary text
    for (const v of SIZES) {
      await screen.resize(v);
      await typeInto(screen, 'search-input', 'Lee');
      await screen.waitFor({ target: tid('search-result'), hasText: 'Lee Green' });
      const box = await screen.onMap(() => {
        const r = document.querySelector('[data-testid="search-box"]')!.getBoundingClientRect();
        return { left: r.left, right: r.right, width: window.innerWidth };
      });
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(box.width);
      await screen.screenshot(`search-open-${v.width}x${v.height}`, { dir: SHOTS });
      await pressKey(screen, 'search-input', 'Escape');
      await pressKey(screen, 'search-input', 'Escape');
      await screen.scrollTo('top-row');
      await screen.screenshot(`named-top-list-${v.width}x${v.height}`, { dir: SHOTS });
    }
    expect(screen.errors).toEqual([]);
    await screen.close();
  });
});

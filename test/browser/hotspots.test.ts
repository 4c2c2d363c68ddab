// Hotspot statistics on the map (issue 4, web) in a real browser against the real app on real Lewisham
// data (2022 wards, police.uk violence and robbery 2016-01..2018-06): the mode switch draws Gi* classes
// on H3 cells and wards with a legend naming method, neighbourhood, correction and harm scheme; a clicked
// cell shows its figures and time profile (the police.uk precision note, no hour-of-week chart); partners
// see classes and "withheld", never z; emerging hot spots with 28-day periods say why they cannot be
// formed (month precision) and work with months; playback steps change the drawn classes while the
// legend's z scale stays fixed; an area drawn with terra-draw (canvas clicks) gets the API's profile for that
// polygon (total, monthly bars, precision note; partners are offered no drawing tool, issue 15); the top-N list exports CSV and
// GeoJSON with h3 through the purpose/recipient dialog; an analyst loads a harm scheme CSV (each refused
// line listed, then a good file listed and selected), partners and officers get no upload.
// Screenshots go to test-results/hotspots-*.png. Needs Debian's Chromium; builds the web app when web/ changed.
import { describe, expect, it } from 'vitest';
import { EMERGING_FILL_LAYER, HOTSPOT_FILL_LAYER } from '../../web/src/map/layers/index.js';
import {
  browserSkipReason,
  eventually,
  LONG_WAIT,
  TEST_TIMEOUT,
  useBrowserApp,
  type Credentials,
  type Screen,
} from './driver.js';

const WARDS = 'lewisham_wards_2022.geojson';
const VIOLENCE = 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv';

const skipReason = browserSkipReason([WARDS, VIOLENCE]);
if (skipReason) console.log(`Skipping the hotspot browser test: ${skipReason}`);

type Rendered = {
  id: string;
  h3?: string;
  code?: string;
  class?: string;
  count?: number | null;
  gi_z?: number;
  suppressed?: boolean;
  [k: string]: unknown;
};
/** Distinct units drawn in a layer, with their properties. */
const rendered = (screen: Screen, layer: string) =>
  screen.onMap((map, l) => {
    const seen = new Map();
    for (const f of map.queryRenderedFeatures({ layers: [l] }))
      if (!seen.has(f.properties.id)) seen.set(f.properties.id, f.properties);
    return [...seen.values()];
  }, layer) as Promise<Rendered[]>;

const tallyOf = (rows: Rendered[], key: string) => {
  const t: Record<string, number> = {};
  for (const r of rows) t[String(r[key])] = (t[String(r[key])] ?? 0) + 1;
  return t;
};

/** Clicks the map at a unit's centre (the mean of its outer ring's vertices, from the rendered feature). */
async function clickUnit(screen: Screen, layer: string, id: string) {
  const centre = await screen.onMap(
    (map, a) => {
      const f = map.queryRenderedFeatures({ layers: [a.layer] }).find((x: any) => x.properties.id === a.id);
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      const n = ring.length - 1;
      return ring.slice(0, n).reduce((s: number[], p: number[]) => [s[0] + p[0] / n, s[1] + p[1] / n], [0, 0]) as [
        number,
        number,
      ];
    },
    { layer, id },
  );
  await screen.clickOnMap(centre);
}

/** After "Draw an area": clicks its corners on the canvas and the first one again to close it; the profile request's URL. */
async function drawArea(screen: Screen, corners: [number, number][]): Promise<URL> {
  await screen.waitFor('draw-area-hint');
  return screen.requestDuring(['/api/profile?', 'polygon='], () => screen.drawOnMap(corners, 'close'));
}

/** A quadrilateral around Lewisham town centre (lon, lat); a small one (about 200 m) inside it. */
const AREA: [number, number][] = [
  [-0.0215, 51.4605],
  [-0.0045, 51.461],
  [-0.006, 51.451],
  [-0.02, 51.4505],
];

describe.skipIf(skipReason)('hotspot statistics on the map in Chromium on real Lewisham data', { timeout: TEST_TIMEOUT }, () => {
  const app = useBrowserApp({
    name: 'hotspots',
    imports: [
      [WARDS, { kind: 'boundaries', level: 'ward' }],
      [VIOLENCE, { kind: 'incidents_csv' }],
    ],
  });
  let partner: Credentials;

  const open = async (url: string, as?: Credentials) => {
    partner ??= await app().account('partner');
    return app().open(url, { as, ready: 'hotspot-panel', mapIdle: true });
  };
  const legend = (screen: Screen) => screen.text('hotspot-legend');
  /** Waits for the legend to name a statistic (text), then for the map to settle. */
  const settled = async (screen: Screen, text: string) => {
    await screen.waitForText('hotspot-legend', text, LONG_WAIT);
    await screen.waitForMapIdle();
  };

  it('switches to Gi*: H3 cells coloured by class, legend naming method, neighbourhood, correction and scheme; a clicked cell shows its figures and profile', async () => {
    const screen = await open('/');
    await screen.click('mode-gi');
    await settled(screen, 'Getis-Ord Gi*');
    expect(screen.url().href).toContain('hs=gi');
    const text = await legend(screen);
    expect(text).toContain('Method: Getis-Ord Gi*');
    expect(text).toContain('Neighbourhood: k-ring k = 1, binary weights, self included');
    expect(text).toContain('Correction: false discovery rate (Benjamini–Hochberg)');
    expect(text).toMatch(/Harm scheme: .+\(count /);

    const cells = await rendered(screen, HOTSPOT_FILL_LAYER);
    expect(cells.length).toBeGreaterThan(50);
    expect(cells.every((c) => /^[0-9a-f]{15}$/.test(c.h3!))).toBe(true);
    const res = Number(/H3 res (\d+) cells/.exec(text)![1]);
    // The drawn classes are the API's for the same query.
    const body = await app().json<{ cells: { h3: string; class: string; gi_z: number }[] }>(`/api/hotspots?res=${res}`);
    const byH3 = new Map(body.cells.map((c) => [c.h3, c]));
    expect(cells.every((c) => byH3.get(c.h3!)?.class === c.class)).toBe(true);
    const hot = cells.filter((c) => c.class === 'hot_99').sort((a, b) => b.gi_z! - a.gi_z!);
    expect(hot.length).toBeGreaterThan(0);
    expect(await screen.text('[data-testid="legend-gi-classes"] li[data-class="hot_99"]')).toContain(
      String(body.cells.filter((c) => c.class === 'hot_99').length),
    );
    await screen.screenshot('hotspots-gi-cells');

    // Click the hottest cell: its figures and the police.uk precision note instead of an hour-of-week chart.
    await clickUnit(screen, HOTSPOT_FILL_LAYER, hot[0].id);
    await screen.waitFor('hotspot-figures');
    expect(screen.url().href).toContain(`sel=hex:${hot[0].h3}`);
    expect(await screen.text('hs-class')).toBe('Hot spot, 99% confidence');
    expect(await screen.text('hs-z')).toBe(`+${byH3.get(hot[0].h3!)!.gi_z.toFixed(2)}`);
    expect(await screen.text('hs-padj')).toMatch(/^(< 0\.0001|0\.\d+)$/);
    await screen.waitFor('profile-months');
    expect(await screen.text('profile-precision-note')).toContain('month precision only');
    expect(await screen.count('profile-hour-of-week')).toBe(0);
    await screen.screenshot('hotspots-gi-detail');

    // Harm scheme and k go into the URL and the legend.
    await screen.choose('hotspot-scheme', 'ons-css');
    await settled(screen, '(ons-css');
    await screen.choose('hotspot-k', '2');
    await settled(screen, 'k-ring k = 2');
    expect(screen.url().href).toMatch(/weights=ons-css.*k=2|k=2.*weights=ons-css/);
    expect(await screen.text('top-list')).toContain('ons-css');

    // Wards: queen contiguity; change: the test named.
    await screen.choose('hotspot-unit', 'area');
    await settled(screen, 'queen contiguity');
    const wards = await rendered(screen, HOTSPOT_FILL_LAYER);
    expect(wards.length).toBe(19);
    expect(wards.every((w) => /^E05/.test(w.code!))).toBe(true);
    await screen.screenshot('hotspots-gi-wards');
    await screen.click('mode-change');
    await settled(screen, 'C-test');
    expect(await legend(screen)).toContain('exact conditional binomial test (C-test) for two Poisson rates');
    await screen.screenshot('hotspots-change-wards');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('a partner sees classes and "withheld", no z-scores or p-values', async () => {
    const screen = await open('/?hs=gi', partner);
    await settled(screen, 'Getis-Ord Gi*');
    expect(await screen.text('hotspot-scores-withheld')).toContain('not shown to partners');
    const cells = await rendered(screen, HOTSPOT_FILL_LAYER);
    expect(cells.length).toBeGreaterThan(50);
    expect(cells.some((c) => c.gi_z !== undefined)).toBe(false);
    expect(cells.some((c) => c.class !== 'not_significant')).toBe(true);
    const withheld = cells.find((c) => c.suppressed && c.class === 'not_significant') ?? cells.find((c) => c.suppressed)!;
    expect(withheld).toBeTruthy();
    await clickUnit(screen, HOTSPOT_FILL_LAYER, withheld.id);
    await screen.waitFor('hotspot-figures');
    expect(await screen.text('hs-count')).toBe('withheld');
    expect(await screen.text('hs-value')).toBe('withheld');
    expect(await screen.count('[data-testid="hs-z"], [data-testid="hs-p"], [data-testid="hs-padj"]')).toBe(0);
    expect(await screen.text('hs-class')).toMatch(/spot|Not significant/);
    // The top list: classes, no z column.
    await screen.waitFor('top-row');
    expect(await screen.text('[data-testid="top-list"] thead')).not.toContain('z');
    await screen.screenshot('hotspots-partner');
    expect(screen.errors).toEqual([]);
    await screen.close();

    // Playback for partners: per-period classes (no z scale; the API gives no z).
    const em = await open('/?hs=emerging&period=month&step=2', partner);
    await settled(em, 'Gi* per period');
    expect(await em.count('legend-z-scale')).toBe(0);
    expect(await em.text('legend-playback')).toContain('not shown to partners');
    const fill = await em.onMap((map, l) => JSON.stringify(map.getPaintProperty(l, 'fill-color')), EMERGING_FILL_LAYER);
    expect(fill).toContain('"c2"');
    expect((await rendered(em, EMERGING_FILL_LAYER)).some((c) => Object.keys(c).some((k) => /^z\d/.test(k)))).toBe(false);
    await em.screenshot('hotspots-partner-playback');
    expect(em.errors).toEqual([]);
    await em.close();
  });

  it('emerging hot spots: 28-day periods are refused with the reason, months work; playback keeps one colour scale', async () => {
    // Emerging opens on months (meeting.test.ts); 28-day periods asked for in the URL are refused, with the reason.
    const screen = await open('/?hs=emerging&period=28d');
    await screen.waitFor('month-precision', { timeout: LONG_WAIT });
    const msg = await screen.text('month-precision');
    expect(msg).toContain('month of each incident only');
    expect(msg).toContain('Use months or quarters');
    await screen.screenshot('hotspots-emerging-28d');
    await screen.click('use-month');
    await settled(screen, 'Emerging hot spot pattern');
    expect(screen.url().searchParams.has('period')).toBe(false); // months: the default, not written
    expect(await screen.count('month-precision')).toBe(0);
    // 28 days and weeks are offered no more, with the reason.
    expect(await screen.isDisabled('[data-testid="hotspot-period"] option[value="28d"]')).toBe(true);
    const patterns = await rendered(screen, EMERGING_FILL_LAYER);
    expect(patterns.length).toBeGreaterThan(50);
    expect(Object.keys(tallyOf(patterns, 'pattern')).length).toBeGreaterThan(1);
    await screen.screenshot('hotspots-emerging-pattern');

    // Playback: each step draws that period's Gi*; the legend's z scale is the same for every step.
    const classesAt = async (step: number) => {
      await screen.waitUntil(
        (s) => document.querySelector('[data-testid="playback-label"]')?.textContent?.startsWith(`Period ${s + 1} of`),
        step,
      );
      await screen.waitForMapIdle();
      const fill = await screen.onMap((map, l) => JSON.stringify(map.getPaintProperty(l, 'fill-color')), EMERGING_FILL_LAYER);
      expect(fill).toContain(`"z${step}"`);
      return {
        tally: tallyOf(await rendered(screen, EMERGING_FILL_LAYER), `c${step}`),
        scale: await screen.text('legend-z-scale'),
      };
    };
    await screen.click('playback-next');
    const first = await classesAt(0);
    await screen.screenshot('hotspots-playback-1');
    const n = Number(/of (\d+)/.exec(await screen.text('playback-label'))![1]);
    expect(n).toBe(12);
    await screen.fill('playback-slider', String(n - 1));
    const last = await classesAt(n - 1);
    await screen.screenshot('hotspots-playback-12');
    expect(last.tally).not.toEqual(first.tally);
    expect(last.scale).toBe(first.scale);
    expect(first.scale).toMatch(/z −?\d+\.\d .*\+\d+\.\d/);
    expect(screen.url().href).toContain(`step=${n - 1}`);
    // The only console errors: the browser logging the API's 400 month_precision answer(s) to the 28-day request.
    expect(screen.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await screen.close();
  });

  it("draws an area with terra-draw (canvas clicks): its monthly profile, total equal to the API's for that polygon, and the precision note; partners see withheld", async () => {
    const screen = await open('/?at=14/51.4560/-0.0130');
    // The legend sits over the map's bottom left (issue 14): folded, so the corners are clicked on the map.
    await screen.click('map-legend-toggle');
    await screen.click('draw-area');
    const url = await drawArea(screen, AREA);
    const polygon = JSON.parse(url.searchParams.get('polygon')!) as { type: string; coordinates: number[][][] };
    expect(polygon.type).toBe('Polygon');
    const ring = polygon.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    // The clicked corners (terra-draw may start the ring elsewhere or reverse it).
    for (const c of AREA) expect(ring.some((p) => Math.abs(p[0] - c[0]) < 1e-4 && Math.abs(p[1] - c[1]) < 1e-4)).toBe(true);
    await screen.waitFor('[data-testid="drawn-area-detail"] [data-testid="profile-months"]');
    // The API's answer for the same polygon and window.
    const body = await app().json<{ total: number; months: { month: string; count: number }[] }>(`/api/profile${url.search}`);
    expect(body.total).toBeGreaterThan(100);
    expect(await screen.text('drawn-total')).toBe(body.total.toLocaleString('en-GB'));
    // The chart's bars (their titles "Month YYYY: n") add up to the same total, one bar per month.
    const bars = await screen.texts('[data-testid="drawn-area-detail"] [data-testid="profile-months"] rect title');
    expect(bars).toHaveLength(body.months.length);
    expect(bars.reduce((s, t) => s + Number(/: (\d+)$/.exec(t)![1]), 0)).toBe(body.total);
    expect(await screen.text('[data-testid="drawn-area-detail"] [data-testid="profile-precision-note"]')).toContain(
      'month precision only',
    );
    expect(await screen.count('[data-testid="drawn-area-detail"] [data-testid="profile-hour-of-week"]')).toBe(0);
    // The closing click did not select a ward.
    expect(screen.url().href).not.toContain('sel=');
    await screen.waitForMapIdle();
    await screen.screenshot('hotspots-drawn-area');
    await screen.click('drawn-area-clear');
    expect(await screen.count('drawn-area-detail')).toBe(0);
    const left = await screen.onMap((map) => map.queryRenderedFeatures().filter((f: any) => f.source.startsWith('td-')).length);
    expect(left).toBe(0);
    expect(screen.errors).toEqual([]);
    await screen.close();

    // A partner: drawn areas are not offered (issue 15: published geographies only), and the API refuses one.
    const pp = await open('/?at=14/51.4560/-0.0130', partner);
    await pp.waitForMapIdle();
    expect(await pp.count('draw-area-tool')).toBe(0);
    expect(await pp.count('draw-area')).toBe(0);
    const refused = await (await app().api('partner')).request(`/api/profile${url.search}`);
    expect(refused.status).toBe(403);
    await pp.screenshot('hotspots-no-draw-partner');
    expect(pp.errors).toEqual([]);
    await pp.close();
  });

  it('the top-N list exports CSV and GeoJSON with h3 through the purpose/recipient dialog', async () => {
    const screen = await open('/?hs=gi&top=10');
    await settled(screen, 'Getis-Ord Gi*');
    await eventually(() => screen.count('top-row')).toBe(10);
    await screen.screenshot('hotspots-top-list');
    const firstH3 = await screen.attr('top-row', 'data-id');
    await screen.click('top-export');
    const download = await screen.exportWith({
      purpose: 'Hot spot briefing for the CSP meeting',
      recipient: 'Lewisham CSP',
      format: 'csv',
    });
    const lines = download.text.trim().split('\n');
    expect(download.filename).toMatch(/^hotspots-h3-res\d+-.*\.csv$/);
    expect(lines[0]).toMatch(/^# Getis-Ord Gi\*; .*correction fdr; harm scheme count/);
    // The place name (street and ward, quoted: it holds a comma) and its basis come first since issue 14.
    expect(lines[1]).toBe('name,name_basis,h3,partial,rank,count,value,gi_z,p,p_adjusted,class');
    expect(lines).toHaveLength(12);
    expect(lines[2]).toMatch(new RegExp(`,${firstH3},(true|false),1,`));
    await screen.waitFor('export-done');
    await screen.screenshot('hotspots-export');
    // GeoJSON: the same 10 cells as hexagon polygons with h3 in their properties.
    await screen.choose('export-format', 'geojson');
    const gj = await screen.download('export-submit');
    const fc = JSON.parse(gj.text) as {
      features: { geometry: { type: string; coordinates: number[][][] }; properties: { h3: string; rank: number } }[];
    };
    expect(gj.filename).toMatch(/\.geojson$/);
    expect(fc.features).toHaveLength(10);
    expect(fc.features[0].properties).toMatchObject({ h3: firstH3, rank: 1 });
    expect(fc.features.every((f) => f.geometry.type === 'Polygon' && f.geometry.coordinates[0].length === 7)).toBe(true);
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('an analyst loads a harm scheme CSV: refused lines listed, then the scheme listed and selected; partners and officers get no upload', async () => {
    // The scheme is written from the real category list the API serves.
    const cats = (await app().json<{ categories: { slug: string; label: string }[] }>('/api/categories')).categories;
    expect(cats.length).toBeGreaterThanOrEqual(14);
    const weightOf = (i: number) => (i + 1) * 1.5;
    const good = ['category,weight', ...cats.map((c, i) => `${i % 2 ? c.slug : c.label},${weightOf(i)}`)].join('\n') + '\n';
    const bad =
      ['category,weight', `${cats[0].label},2`, 'not-a-crime,1', `${cats[1].slug},-3`, `${cats[0].slug},4`].join('\n') + '\n';
    const listed = async () =>
      (await app().json<{ schemes: { name: string }[] }>('/api/harm-schemes')).schemes.map((x) => x.name);
    const before = await listed();

    const screen = await open('/?hs=gi');
    await settled(screen, 'Getis-Ord Gi*');
    await screen.expand('scheme-upload');
    await screen.uploadFile('scheme-file', { name: 'Force harm 2024.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    expect(await screen.value('scheme-name')).toBe('force-harm-2024'); // suggested from the file name
    await screen.fill('scheme-name', 'Bad Name');
    expect(await screen.text('scheme-name-error')).toContain('lower-case letters');
    expect(await screen.isDisabled('scheme-submit')).toBe(true);
    await screen.fill('scheme-name', 'test-harm');
    await screen.fill('scheme-label', 'Test harm scheme');
    await screen.fill('scheme-version', '2024-browser');
    await screen.click('scheme-submit');
    await screen.waitFor('scheme-problems');
    const problems = await screen.texts('[data-testid="scheme-problems"] li');
    expect(problems).toEqual([
      expect.stringMatching(/^line 3: unknown category "not-a-crime"/),
      expect.stringMatching(/^line 4: negative weight "-3"/),
      `line 5: duplicate category "${cats[0].slug}" (first on line 2)`,
    ]);
    expect(await screen.text('scheme-error')).toContain('Force harm 2024.csv was not loaded: 3 problems. Nothing was changed.');
    expect(await listed()).toEqual(before);
    await screen.screenshot('hotspots-scheme-refused');

    await screen.uploadFile('scheme-file', { name: 'Force harm 2024.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await screen.click('scheme-submit');
    await screen.waitFor('scheme-loaded');
    expect(await screen.text('scheme-loaded')).toBe(
      `Loaded “Test harm scheme” (${cats.length} categories weighted) from Force harm 2024.csv and selected it.`,
    );
    expect(await screen.count('scheme-problems')).toBe(0);
    expect(await screen.value('scheme-name')).toBe(''); // the form is ready for another file
    expect(await screen.isDisabled('scheme-submit')).toBe(true);
    // Listed, selected, in the URL and in the legend; the map drawn with its weights.
    await eventually(() => screen.text('[data-testid="hotspot-scheme"] option[value="test-harm"]')).toBe('Test harm scheme');
    expect(await screen.value('hotspot-scheme')).toBe('test-harm');
    await settled(screen, '(test-harm');
    expect(screen.url().href).toContain('weights=test-harm');
    expect(await screen.text('hotspot-scheme-source')).toBe('2024-browser — user-supplied CSV');
    expect(await listed()).toEqual([...before, 'test-harm']);
    const res = Number(/H3 res (\d+) cells/.exec(await legend(screen))![1]);
    const body = await app().json<{
      cells: { h3: string; value: number; class: string }[];
      meta: {
        scheme: { name: string };
        window: { from: string; to: string };
        total: { value: number };
        outside_study_area: { value: number };
      };
    }>(`/api/hotspots?res=${res}&weights=test-harm`);
    expect(body.meta.scheme.name).toBe('test-harm');
    // Values are the CSV's weights: the file holds violence and robbery only.
    const w = new Map(cats.map((c, i) => [c.slug, weightOf(i)]));
    const [{ n, value }] = await app().db.query<{ n: number; value: number }>(
      `SELECT count(*)::int AS n, sum(CASE category WHEN 'robbery' THEN $1::float8 WHEN 'violent-crime' THEN $2::float8 END)::float8 AS value FROM incidents
       WHERE occurred_at >= $3::timestamp AND occurred_at < $4::timestamp`,
      [w.get('robbery'), w.get('violent-crime'), body.meta.window.from, body.meta.window.to],
    );
    expect(value).not.toBe(n);
    expect(body.meta.total.value + body.meta.outside_study_area.value).toBeCloseTo(value, 6);
    const byH3 = new Map(body.cells.map((c) => [c.h3, c]));
    const drawn = await rendered(screen, HOTSPOT_FILL_LAYER);
    expect(drawn.length).toBeGreaterThan(50);
    expect(drawn.every((c) => byH3.get(c.h3!)?.value === c.value && byH3.get(c.h3!)?.class === c.class)).toBe(true);
    await screen.screenshot('hotspots-scheme-loaded');
    expect(screen.errors.filter((e) => !/status of 400/.test(e))).toEqual([]); // the browser logs the refused upload's 400
    await screen.close();

    // Partners and officers: the new scheme is offered, the upload is not.
    for (const role of ['partner', 'officer'] as const) {
      const o = await open('/?hs=gi', role === 'partner' ? partner : await app().account('officer'));
      await settled(o, 'Getis-Ord Gi*');
      expect(await o.count('[data-testid="hotspot-scheme"] option[value="test-harm"]')).toBe(1);
      expect(await o.count('[data-testid="scheme-upload"], [data-testid="scheme-file"]')).toBe(0);
      if (role === 'officer') await o.screenshot('hotspots-scheme-officer');
      expect(o.errors).toEqual([]);
      await o.close();
    }
  });
});

// Tasking meetings in a real browser, against the real app and real Lewisham data (issue 7): an upload
// through the import screen in one page shows on a map open in another, and incidents pushed through
// POST /api/incidents (an ingest-scoped API token) show on both open maps, within 2 s; a follower
// follows the presenter's position, layers, categories and time window and gets its own view back on
// leaving; presentation mode at 1920x1080; the tasking pack prints to PDF with its tables (text read
// back from the PDF with pdf.js); partners see "withheld". Screenshots go to test-results/.
// Needs Debian's Chromium (/usr/bin/chromium); skipped with the reason otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../api/imports/index.js';
import { createToken, createUser } from '../../api/auth/store.js';
import { SHARED } from '../helpers/db.js';
import { dataDefaultWindow } from '../../web/src/lib/data-period.js';
import { TEST_PASSWORD, uniqueEmail } from '../helpers/auth.js';
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
const BURGLARY = SHARED + 'lewisham_burglary_street_2022-03_2025-02.csv';
/**
 * All categories, police.uk API layout: its last two months (lines 67909–73261, May–June 2018) give the
 * follower test categories to filter; 30 rows of April 2018 before them are the upload (a month away
 * from the pack's period, whose hotspots the pack tests check).
 */
const ALL_CRIME = SHARED + 'lewisham_street_all_api_2016-01_2018-06.csv';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-live-web-'));

const skipReason = browserSkipReason([WARDS, BURGLARY, ALL_CRIME]);
if (skipReason) console.log(`Skipping the live browser test: ${skipReason}`);

/** Lines [from, to) of a CSV file (header kept), as a file. */
function slice(from: number, to: number, file = BURGLARY): string {
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const out = path.join(tmp, `${path.basename(file, '.csv')}-${from}-${to}.csv`);
  fs.writeFileSync(out, [lines[0], ...lines.slice(from, to)].join('\n') + '\n');
  return out;
}

/** Lines [from, to) of the police.uk burglary file as POST /api/incidents items (a force system's push). */
function ingestItems(from: number, to: number) {
  const rows: Record<string, string>[] = parse(fs.readFileSync(slice(from, to)), { columns: true });
  return rows.map((r) => ({
    id: r['Crime ID'],
    category: 'burglary',
    occurred_at: r.Month,
    lon: Number(r.Longitude),
    lat: Number(r.Latitude),
    location: r.Location,
    outcome: r['Last outcome category'] || undefined,
  }));
}

const mapCentre = (screen: Screen) => screen.onMap((map) => map.getCenter().toArray() as [number, number]);
const extentCount = async (screen: Screen) => Number((await screen.text('data-extent')).split(' ')[0].replace(/,/g, ''));
const formatCount = (n: number) => n.toLocaleString('en-GB');

/** Ward code -> count as the page's map holds it (feature state of every ward polygon). */
const mapWardCounts = (screen: Screen) =>
  screen.onMap(async (map) => {
    const fc = await map.getSource('sp-areas').getData();
    const out: Record<string, number | null> = {};
    for (const f of fc.features) out[f.properties.code] = map.getFeatureState({ source: 'sp-areas', id: f.id }).count ?? null;
    return out;
  });

/** Ward code -> count from GET /api/stats/areas, as the screen's user (partners: withheld counts are null). */
async function apiWardCounts(
  screen: Screen,
  q: { from: string; to: string; category?: string },
): Promise<Record<string, number | null>> {
  const u = new URLSearchParams({ level: 'ward', from: q.from, to: q.to, ...(q.category ? { category: q.category } : {}) });
  const res = await screen.api(`/api/stats/areas?${u}`);
  expect(res.status).toBe(200);
  return Object.fromEntries(
    (res.body as { areas: { code: string; count: number | null }[] }).areas.map((a) => [a.code, a.count]),
  );
}

/** A PDF's text as a reader extracts it (pdf.js), every page, whitespace collapsed. */
async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
  }
  await doc.destroy();
  return pages.join(' ').replace(/\s+/g, ' ');
}

/** The limit for new incidents to show on every open map. */
// The 2 s, on an idle machine. On a loaded one (CI shares 2 cores) the browser, the app and the
// test compete for the CPU, so the limit scales with the load per core, as in test/live.test.ts.
const liveLimit = () => Math.round(2000 * Math.max(1, os.loadavg()[0] / os.availableParallelism()));
/** Other waits (the follower, the ranking): generous, their latencies are printed, not limited by the issue. */
const LIVE_TIMEOUT = 30_000;
const PRESENTATION = { width: 1920, height: 1080 };

describe.skipIf(skipReason)('live map, meetings and the tasking pack in Chromium', { timeout: TEST_TIMEOUT }, () => {
  /** An ingest-only API token of the force system's account (an analyst). */
  let ingestToken: string;
  const app = useBrowserApp({
    name: 'live',
    async seed(db) {
      for (const [file, opts] of [
        [WARDS, { kind: 'boundaries', level: 'ward' }],
        [slice(1, 5400), {}],
        [slice(67908, 73261, ALL_CRIME), {}],
      ] as const) {
        const r = await importFile(db, path.isAbsolute(file) ? file : SHARED + file, opts);
        if (r.status !== 'committed') throw new Error(`setup: ${file} did not import: ${r.error?.message}`);
      }
      const force = await createUser(db, {
        email: uniqueEmail('force-system'),
        role: 'analyst',
        password: TEST_PASSWORD,
        createdBy: 'browser-test',
      });
      ingestToken = (await createToken(db, force.id, ['ingest'], 'force RMS push (live browser test)', null)).token;
    },
  });
  let officer: Credentials;
  let partner: Credentials;
  const accounts = async () => {
    officer ??= await app().account('officer');
    partner ??= await app().account('partner');
  };

  // "Two pages open, an import in one appears on the other within the time limit": page A uploads a
  // police.uk file on the import screen; page B's map shows it. The limit is measured from the batch's
  // finished_at as the import API reports it to page A (set when the server finished the import) to the
  // moment page B showed the new count. Nothing in page B polls: the update is pushed over /api/live.
  it('an upload on the import screen in one page appears on a map open in another within 2 seconds', async () => {
    await accounts();
    const a = await app().open('/import', { ready: 'import-form' });
    const b = await app().open('/', { as: officer, mapIdle: true });
    await b.waitForLiveFeed();
    const before = await extentCount(b);
    expect(before).toBeGreaterThan(10_000);

    // Page B notes the moment it shows the 30 rows of the file (all new, April 2018).
    const shownAt = b.numberShownAt('data-extent', before + 30, LONG_WAIT);
    await a.uploadFile('import-file', slice(67878, 67908, ALL_CRIME));
    await a.click('import-submit');
    const finished = '[data-testid="import-job"][data-status="committed"], [data-testid="import-job"][data-status="failed"]';
    await a.waitFor(finished, { timeout: LONG_WAIT });
    expect(await a.attr(finished, 'data-status')).toBe('committed');
    const id = a.url().searchParams.get('import');
    const batch = (await a.api(`/api/imports/${id}`)).body;
    expect(batch).toMatchObject({ status: 'committed', imported: 30 });
    const took = (await shownAt) - Date.parse(batch.finished_at);
    const limit = liveLimit();
    console.log(
      `upload in page A visible on page B's map ${took} ms after the import finished (limit: ${limit} ms at load ${os.loadavg()[0].toFixed(1)})`,
    );
    expect(took).toBeLessThanOrEqual(limit);
    expect(await extentCount(b)).toBe(before + 30);
    expect(await b.text('live-toast')).toContain(`30 new incidents (batch ${batch.id}, Apr 2018)`);
    await a.screenshot('live-upload-page-a');
    await b.screenshot('live-upload-page-b');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.close();
    await b.close();
  });

  // The time limit (2 s) for incidents a force system pushes through POST /api/incidents, from the
  // moment the API answers to both open maps showing them: the header count on both pages, and the ward
  // statistics behind page B's map and ranking.
  it('incidents pushed through POST /api/incidents appear on both open maps within 2 seconds, with a toast', async () => {
    await accounts();
    const [a, b] = await Promise.all([
      app().open('/', { mapIdle: true }),
      app().open('/?layers=outlines,labels,hexes', { as: officer, mapIdle: true }),
    ]);
    // Both pages are subscribed to the feed (the `ready` event arrived) before the push.
    await Promise.all([a.waitForLiveFeed(), b.waitForLiveFeed()]);
    const before = await extentCount(b);
    const rankingBefore = Number((await b.rankingTotal()).replace(/,/g, ''));
    expect(before).toBeGreaterThan(10_000);

    const items = ingestItems(5400, 5420);
    expect(items).toHaveLength(20);
    const shownAt = Promise.all([a, b].map((s) => s.numberShownAt('data-extent', before + 20)));
    const res = await fetch(`${app().base}/api/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ dataset: 'Force RMS', incidents: items }),
    });
    const answered = Date.now();
    const out = await res.json();
    expect(res.status).toBe(200);
    expect(out).toMatchObject({ imported: 20, duplicates: 0, outside_study_area: 0, rejected: [] });
    const took = Math.max(...(await shownAt)) - answered;
    const limit = liveLimit();
    console.log(
      `pushed incidents visible on both open maps ${took} ms after the API answered (limit: ${limit} ms at load ${os.loadavg()[0].toFixed(1)})`,
    );
    expect(took).toBeLessThanOrEqual(limit);
    expect(await b.text('live-toast')).toContain(`20 new incidents (batch ${out.batch_id}, Jan 2025)`);
    // The ward statistics behind the map and the ranking refetched: January 2025 is in the default
    // window, and every pushed incident lies in a Lewisham ward.
    await eventually(async () => Number((await b.rankingTotal()).replace(/,/g, '')), LIVE_TIMEOUT).toBe(rankingBefore + 20);
    await b.screenshot('live-toast');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.close();
    await b.close();
  });

  it("a follower follows the presenter's position, layers, categories and time window, and gets its own view back on leaving", async () => {
    await accounts();
    // The follower's own view: a position, a category and a window of its own.
    // Partners ask for partner periods only (issue 15): both windows here are calendar quarters.
    const own = { at: '12.00/51.46000/-0.05000', from: '2024-04', to: '2024-07', cat: 'burglary' };
    const [presenter, follower] = await Promise.all([
      app().open('/present', { viewport: PRESENTATION, mapIdle: true }),
      app().open(`/?at=${own.at}&from=${own.from}&to=${own.to}&cat=${own.cat}`, { as: partner, mapIdle: true }),
    ]);
    const ownCentre = await mapCentre(follower);
    const ownCounts = await apiWardCounts(follower, { from: own.from, to: own.to, category: own.cat });
    expect(await mapWardCounts(follower)).toEqual(ownCounts);

    await presenter.click('meeting-start');
    const code = (await presenter.text('meeting-code')).trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    // Partners follow but may not present.
    expect(await follower.count('meeting-start')).toBe(0);
    await follower.click('meeting-join');
    await follower.fill('meeting-code-input', code);
    await follower.click('meeting-join-submit');
    await follower.waitFor('meeting-following');

    // At once the follower shows what the presenter's map shows: the presentation's period (the map page's
    // default: the 12 whole months to the newest month with data, issue 14) and all categories.
    const shown = dataDefaultWindow((await presenter.api('/api/coverage')).body)!;
    await eventually(() => follower.query(), LIVE_TIMEOUT).toMatchObject(shown);
    expect(follower.query().cat).toBeUndefined();

    // Position.
    const target: [number, number] = [-0.0137, 51.4657];
    await presenter.onMap((map, c) => map.jumpTo({ center: c, zoom: 14.5 }), target);
    const moved = Date.now();
    await eventually(async () => {
      const [lng, lat] = await mapCentre(follower);
      return Math.abs(lng - target[0]) < 1e-4 && Math.abs(lat - target[1]) < 1e-4;
    }, LIVE_TIMEOUT).toBe(true);
    console.log(`follower moved ${Date.now() - moved} ms after the presenter`);
    expect(await follower.onMap((map) => map.getZoom())).toBeCloseTo(14.5, 2);

    // The presenter goes on to the map page (still presenting) and, with its controls, turns the ward
    // choropleth on, picks one category and the window of June 2018 (a single month, a partner period; the
    // fixture's violence data cover May–June 2018).
    await presenter.click('nav-map');
    await presenter.waitForMapIdle();
    await presenter.waitFor('meeting-code');
    await presenter.tick('layer-toggle-choropleth');
    await presenter.chooseCategory('violent-crime');
    await presenter.setPeriod('2018-06', '2018-06');
    const changed = Date.now();
    const theirs = { from: '2018-06', to: '2018-07', cat: 'violent-crime', layers: 'choropleth,outlines,labels,hexes' };
    // The URL follows the controls once React has rendered the change (asynchronous on a loaded machine).
    await eventually(() => presenter.query(), LIVE_TIMEOUT).toMatchObject(theirs);
    await eventually(() => follower.query(), LIVE_TIMEOUT).toMatchObject(theirs);
    // The follower's controls and its map follow: the wards' counts on its map are the API's for the
    // presenter's category and window (as the partner may see them), not its own.
    // A partner's period control is the list of partner periods (issue 15): the presenter's month is chosen.
    expect(await follower.value('partner-period')).toBe('2018-06/2018-07');
    expect(await follower.text('[data-testid="category-picker"] summary')).toBe('Violence and sexual offences');
    const theirCounts = await apiWardCounts(follower, { from: theirs.from, to: theirs.to, category: theirs.cat });
    expect(Object.values(theirCounts).some((n) => n !== null && n > 0)).toBe(true);
    expect(theirCounts).not.toEqual(ownCounts);
    await eventually(() => mapWardCounts(follower), LIVE_TIMEOUT).toEqual(theirCounts);
    console.log(`follower's filters, window and map followed ${Date.now() - changed} ms after the presenter's last change`);
    expect(await follower.onMap((map) => map.getLayoutProperty('sp-area-fill', 'visibility'))).not.toBe('none');
    // Still where the presenter is (the map page opened on its own last view: the whole borough).
    const [pLng, pLat] = await mapCentre(presenter);
    const [lng, lat] = await mapCentre(follower);
    expect(lng).toBeCloseTo(pLng, 4);
    expect(lat).toBeCloseTo(pLat, 4);
    await follower.waitForMapIdle();
    await presenter.screenshot('live-presenter');
    await follower.screenshot('live-follower');

    // Leaving: the follower's own position, category, window and layers come back, on the map too.
    await follower.click('meeting-leave');
    await eventually(async () => {
      const [lng, lat] = await mapCentre(follower);
      return Math.abs(lng - ownCentre[0]) < 1e-4 && Math.abs(lat - ownCentre[1]) < 1e-4;
    }, LIVE_TIMEOUT).toBe(true);
    expect(follower.query()).toEqual(own);
    expect(await follower.value('partner-period')).toBe('2024-04/2024-07');
    expect(await follower.text('[data-testid="category-picker"] summary')).toBe('Burglary');
    await eventually(() => mapWardCounts(follower), LIVE_TIMEOUT).toEqual(ownCounts);
    await follower.waitForMapIdle();
    await follower.screenshot('live-follower-left');

    await presenter.click('meeting-end');
    await presenter.waitFor('meeting-start');
    expect(presenter.errors).toEqual([]);
    expect(follower.errors).toEqual([]);
    await presenter.close();
    await follower.close();
  });

  it('presentation mode at 1920x1080: headline strip, hotspots, ward league, legend, month comparison', async () => {
    const screen = await app().open('/present?layers=choropleth,outlines,labels,hexes', {
      viewport: PRESENTATION,
      mapIdle: true,
      ready: 'pack-ward-row',
    });
    // police.uk data are month-precision: the map page's 12 whole months against the 12 before, and it says so.
    expect(await screen.text('present-period')).toContain('previous 12 months');
    expect(await screen.text('present-period')).toContain('whole months');
    expect(await screen.count('pack-category-row')).toBeGreaterThan(0);
    expect(await screen.count('pack-hotspot-row')).toBe(5);
    expect(await screen.count('pack-ward-row')).toBe(8);
    expect(await screen.count('[data-testid="present-legend"] li')).toBeGreaterThanOrEqual(3);
    // "Since the last meeting" counts from the meeting ended above, as the server recorded it.
    expect(await screen.text('pack-changes')).toMatch(/since the meeting of \d{1,2} [A-Z][a-z]{2}, \d\d:\d\d in /);
    await screen.screenshot('present-1920');
    // The view is the URL: reopening it shows the same position.
    await screen.jumpTo([-0.02, 51.45], 13);
    await eventually(() => screen.url().searchParams.get('at')).toBe('13.00/51.45000/-0.02000');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('the tasking pack renders with map images and tables and prints to PDF', async () => {
    const db = app().db;
    // Two CHB areas: one running through any period the pack may cover, one that ended long before.
    const { createChb } = await import('../../api/planning/chb.js');
    const [w] = await db.query<{ a: string; c: string }>(
      `SELECT a.code AS a, b.code AS c FROM areas a JOIN areas b ON b.level = 'ward' AND NOT ST_DWithin(a.geom::geography, b.geom::geography, 1000)
        WHERE a.level = 'ward' ORDER BY a.code, b.code LIMIT 1`,
    );
    const chb = (name: string, build_end: string) =>
      createChb(
        db,
        {
          name,
          area: { wards: [w.a] },
          control: { wards: [w.c] },
          buffer_m: 500,
          baseline: null,
          notes: null,
          clear_start: '2010-01-01',
          hold_start: '2010-02-01',
          build_start: '2010-03-01',
          build_end,
        },
        'browser-test',
      );
    await chb('Running CHB', '2099-01-01');
    await chb('Ended CHB', '2011-01-01');
    const screen = await app().open('/pack?at=13.00/51.45000/-0.02000&layers=choropleth,outlines,labels,hexes', {
      viewport: { width: 1280, height: 1000 },
    });
    await screen.waitFor('[data-testid="pack-page"][data-ready="true"]', { timeout: LONG_WAIT });
    expect(await screen.count('[data-testid="pack-map-image"] img')).toBe(2);
    const png = await screen.attr('[data-testid="pack-map-image"] img', 'src');
    expect(png!.startsWith('data:image/png;base64,')).toBe(true);
    expect(png!.length).toBeGreaterThan(20_000);
    expect(await screen.count('pack-category-row')).toBeGreaterThan(0);
    expect(await screen.count('pack-hotspot-row')).toBe(20);
    expect(await screen.count('pack-ward-row')).toBe(19);
    expect(await screen.count('pack-patrol-row')).toBeGreaterThan(0);
    // The planning sections are the server's: the running CHB area only, in its Build phase; no outreach venues.
    expect(await screen.texts('pack-chb-row')).toEqual([expect.stringMatching(/^Running CHBBuild2010-01-01/)]);
    expect(await screen.text('pack-outreach')).toContain('no candidate venues loaded');
    await screen.screenshot('pack-page');
    await screen.scrollTo('pack-chb');
    await screen.screenshot('pack-planning');
    await screen.media('print');
    await screen.screenshot('pack-print');
    // Printed as a user prints it: with the print style sheet (screen media would print only what the
    // scrolled app shell shows).
    const pdf = await screen.pdf();
    await screen.media('screen');
    fs.mkdirSync('test-results', { recursive: true });
    fs.writeFileSync('test-results/tasking-pack.pdf', pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The printed tables, read back from the PDF: their headings, and rows with the numbers the API gives
    // for the same view (the pack page's whole-month comparison, top 20).
    const text = await pdfText(pdf);
    fs.writeFileSync('test-results/tasking-pack.txt', text);
    const api = (await screen.api('/api/pack?compare=1m&top=20')).body;
    expect(text).toContain('Ward league table (ranked by incidents this period)');
    expect(text).toContain(`Top hotspots: hexagons (H3 resolution ${api.top_cells.res}) with the most incidents this period`);
    expect(api.wards.areas.length).toBe(19);
    for (const w of api.wards.areas.slice(0, 3)) expect(text).toContain(`${w.rank} ${w.name} ${formatCount(w.count)}`);
    expect(text).toContain(`All wards ${formatCount(api.wards.total)}`);
    const [top] = api.top_cells.cells;
    expect(text).toContain(`1 ${top.ward_name} ${formatCount(top.count)}`);
    // The zip goes through the purpose/recipient dialog.
    await screen.click('pack-zip');
    const download = await screen.exportWith({ purpose: 'Tasking meeting briefing', recipient: 'Lewisham CSP tasking group' });
    expect(download.filename).toMatch(/^tasking-pack-.*\.zip$/);
    // Page and zip agree: the same patrol boxes (rank and grid reference) and CHB areas.
    const { strFromU8, unzipSync } = await import('fflate');
    const zip = unzipSync(new Uint8Array(download.bytes));
    // Rows by column name (place names hold commas and are quoted).
    const { parse } = await import('csv-parse/sync');
    const csvRows = (name: string) => parse(strFromU8(zip[name]), { columns: true }) as Record<string, string>[];
    const pageBoxes = (await screen.readTable('pack-patrol-row')).map((cells) => [cells[0], cells[4]]);
    expect(csvRows('patrol-boxes.csv').map((c) => [c.rank, `${c.easting}, ${c.northing}`])).toEqual(pageBoxes);
    expect(csvRows('chb-areas.csv').map((c) => c.name)).toEqual(['Running CHB']);
    expect(Object.keys(zip)).not.toContain('outreach-sites.csv');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });

  it('partners get withheld counts in the pack and no patrol proposals', async () => {
    await accounts();
    const screen = await app().open('/pack', { as: partner });
    await screen.waitFor('[data-testid="pack-page"][data-ready="true"]', { timeout: LONG_WAIT });
    expect(await screen.text('pack-wards')).toContain('withheld');
    expect(await screen.text('pack-patrol')).toContain('not available to your role');
    expect(await screen.text('pack-outreach')).toContain('not available to your role');
    expect(await screen.count('pack-chb-row')).toBe(1);
    await screen.screenshot('pack-partner');
    await screen.scrollTo('pack-chb');
    await screen.screenshot('pack-partner-planning');
    expect(screen.errors).toEqual([]);
    await screen.close();
  });
});

// `npm run bench:first-map [-- options]`: the app's first map idle against a bare MapLibre page that shows the
// same data (issue 16's goal: ≤ 1.2 ×). Not a test: prints a table and writes bench-results/first-map-<time>.json.
//
// One app (embedded PGlite in a temporary directory, or the server with DATABASE_URL: a database of the run's own)
// with the Lewisham wards and a police.uk street file, served with the built web app (dist/web; built first if
// missing). Debian's Chromium opens, in a fresh context each time (cold cache, signed in through POST
// /api/session), alternately:
// - **app**: `/`, the map page as an analyst first sees it, until the map says it is idle with its data
//   (`data-map-idle="true"`: sources loaded, nothing pending, rendered);
// - **bare**: `/__bare/`, one HTML page with MapLibre and h3-js from node_modules and nothing else, on the same
//   plain style and glyphs, camera and viewport, that fetches the same data the map draws (ward boundaries
//   GET /api/areas, counts per hexagon GET /api/hexes with the app's own URL, taken from the app's first load)
//   and draws the same layers (hexagons in five colour classes, their outlines, ward outlines, ward names),
//   until MapLibre's `idle` after the data is on the map.
// Both times are from the navigation start (`performance.now()` in the page). Medians of --runs; the ratio is
// app / bare of the medians, both measured in the same run. CPU seconds of this process (app + PGlite) beside.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../api/app.js';
import { createUser } from '../../api/auth/store.js';
import { openDb } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.join(ROOT, '../shared/data');
const WEB = path.join(ROOT, 'dist/web');
const PASSWORD = 'first map bench password';
const VIEWPORT = { width: 1366, height: 768 };
const FLAGS = ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--use-gl=angle'];

const HELP = `Usage: npm run bench:first-map [-- options]
  --runs N     pairs of page loads (default 7)
  --file F     police.uk street CSV under ../shared/data (default lewisham_street_all_api_2016-01_2018-06.csv)
Environment: DATABASE_URL=postgres://… to run on the server (a database of the run's own, dropped after).`;

/** The bare page: MapLibre, h3-js, the data, the layers; `window.__idleAt` when idle with the data drawn. */
function bareHtml(o: {
  hexesUrl: string;
  center: [number, number];
  zoom: number;
  breaks: number[];
  colours: string[];
  glyphs: string;
}) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>bare</title>
<link rel="stylesheet" href="/__bare/maplibre/maplibre-gl.css">
<style>html,body,#map{margin:0;height:100%;width:100%}</style>
<script src="/__bare/h3-js.umd.js"></script></head>
<body><div id="map"></div><script type="module">
import * as maplibregl from '/__bare/maplibre/maplibre-gl.mjs';
const o = ${JSON.stringify(o)};
const map = new maplibregl.Map({ container: 'map', center: o.center, zoom: o.zoom, attributionControl: false,
  style: { version: 8, glyphs: o.glyphs, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#f2efe9' } }] } });
const step = ['step', ['get', 'count'], o.colours[0]];
o.breaks.forEach((b, i) => step.push(b, o.colours[i + 1]));
Promise.all([fetch('/api/areas?level=ward').then((r) => r.json()), fetch(o.hexesUrl).then((r) => r.json()),
  new Promise((r) => map.on('load', r))]).then(([areas, hexes]) => {
  const cells = hexes.cells.map((c) => ({ type: 'Feature', properties: { h3: c.h3, count: c.count },
    geometry: { type: 'Polygon', coordinates: [h3.cellToBoundary(c.h3, true)] } }));
  map.addSource('hex', { type: 'geojson', data: { type: 'FeatureCollection', features: cells } });
  map.addSource('wards', { type: 'geojson', data: areas });
  map.addLayer({ id: 'hex', type: 'fill', source: 'hex', paint: { 'fill-color': step, 'fill-opacity': 0.8 } });
  map.addLayer({ id: 'hex-line', type: 'line', source: 'hex', paint: { 'line-color': '#fff', 'line-opacity': 0.7, 'line-width': 0.6 } });
  map.addLayer({ id: 'wards', type: 'line', source: 'wards', paint: { 'line-color': '#263238', 'line-width': 1 } });
  map.addLayer({ id: 'names', type: 'symbol', source: 'wards', layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'text-size': 12 },
    paint: { 'text-color': '#1b1b1b', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.6 } });
  map.once('idle', () => { window.__idleAt = performance.now(); });
});
</script></body></html>`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function openDatabase() {
  if (!process.env.DATABASE_URL) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-firstmap-'));
    const db = await openDb({ dataDir: path.join(dir, 'pgdata') });
    return { db, dir, driver: 'pglite', drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const pg = (await import('pg')).default;
  const url = new URL(process.env.DATABASE_URL);
  const name = `saferplaces_firstmap_${process.pid}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await admin(`CREATE DATABASE ${name}`);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString() });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-firstmap-'));
  return {
    db,
    dir,
    driver: 'postgres',
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function signedInPage(browser: Browser, base: string, email: string) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const r = await context.request.post(`${base}/api/session`, { data: { email, password: PASSWORD }, headers: { origin: base } });
  if (!r.ok()) throw new Error(`sign-in: ${r.status()}`);
  return { context, page: await context.newPage() };
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      file: { type: 'string', default: 'lewisham_street_all_api_2016-01_2018-06.csv' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
  if (!fs.existsSync(path.join(WEB, 'index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const { db, dir, driver, drop } = await openDatabase();
  let browser: Browser | undefined;
  try {
    for (const f of ['lewisham_wards_2022.geojson', values.file!]) {
      const s = await importFile(db, path.join(DATA, f));
      if (s.status !== 'committed') throw new Error(`${f}: ${s.error?.message}`);
      console.log(`imported ${f}: ${s.imported ?? 0}`);
    }
    const email = `first-map-${process.pid}@example.org`;
    await createUser(db, { email, role: 'analyst', password: PASSWORD, createdBy: 'bench' });
    const app = createApp({ db, config: { dataDir: dir, MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined } }, { webRoot: WEB });
    let bare = '';
    // MapLibre (ES modules: the page, its shared chunk and its worker) and h3-js, as published.
    const fileOf = (p: string) => {
      if (p === '/__bare/h3-js.umd.js') return path.join(ROOT, 'node_modules/h3-js/dist/h3-js.umd.js');
      const m = /^\/__bare\/maplibre\/(maplibre-gl[a-z-]*\.(?:mjs|css))$/.exec(p);
      return m ? path.join(ROOT, 'node_modules/maplibre-gl/dist', m[1]) : null;
    };
    const fetchWith = (req: Request) => {
      const p = new URL(req.url).pathname;
      if (p === '/__bare/') return new Response(bare, { headers: { 'content-type': 'text/html' } });
      const file = fileOf(p);
      if (file && fs.existsSync(file))
        return new Response(fs.readFileSync(file), {
          headers: { 'content-type': p.endsWith('.css') ? 'text/css' : 'text/javascript' },
        });
      return app.fetch(req);
    };
    let server: ReturnType<typeof serve> | undefined;
    const port: number = await new Promise((resolve) => {
      server = serve({ fetch: fetchWith, port: 0, hostname: '127.0.0.1' }, (i: AddressInfo) => resolve(i.port));
    });
    const base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: FLAGS,
    });

    // The app's first load: its hexagon URL, camera and colour classes, for the bare page to show the same.
    {
      const { context, page } = await signedInPage(browser, base, email);
      let hexesUrl = '';
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/hexes') hexesUrl = r.url().replace(base, '');
      });
      await page.goto(`${base}/`);
      await page.waitForSelector('[data-map-idle="true"]', { timeout: 180_000 });
      const view = await page.evaluate(() => {
        const m = (
          window as unknown as {
            __saferplaces: {
              map: {
                getCenter(): { lng: number; lat: number };
                getZoom(): number;
                getStyle(): { layers: Array<{ id: string; paint?: Record<string, unknown> }> };
              };
            };
          }
        ).__saferplaces.map;
        const c = m.getCenter();
        const fill = m.getStyle().layers.find((l) => l.id === 'sp-hex-fill')?.paint?.['fill-color'];
        return { center: [c.lng, c.lat] as [number, number], zoom: m.getZoom(), fill };
      });
      // ['case', isNumber, ['step', count, c0, b1, c1, …], noData]
      const stepExpr = (view.fill as unknown[])[2] as unknown[];
      const colours = [stepExpr[2] as string];
      const breaks: number[] = [];
      for (let i = 3; i < stepExpr.length; i += 2) {
        breaks.push(stepExpr[i] as number);
        colours.push(stepExpr[i + 1] as string);
      }
      if (!hexesUrl) throw new Error('the app requested no /api/hexes');
      bare = bareHtml({
        hexesUrl,
        center: view.center,
        zoom: view.zoom,
        breaks,
        colours,
        glyphs: `${base}/basemap/glyphs/{fontstack}/{range}.pbf`,
      });
      console.log(`app view: ${JSON.stringify({ hexesUrl, center: view.center, zoom: view.zoom, breaks })}`);
      await page.screenshot({ path: path.join(dir, 'app.png') });
      await context.close();
    }

    const times: Record<'app' | 'bare', number[]> = { app: [], bare: [] };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) {
      for (const kind of i % 2 ? (['bare', 'app'] as const) : (['app', 'bare'] as const)) {
        const { context, page } = await signedInPage(browser, base, email);
        if (kind === 'app') {
          await page.goto(`${base}/`);
          await page.waitForSelector('[data-map-idle="true"]', { timeout: 180_000 });
          times.app.push(await page.evaluate(() => performance.now()));
        } else {
          page.on('pageerror', (e) => console.error(`bare page: ${e.message}`));
          await page.goto(`${base}/__bare/`);
          await page.waitForFunction(() => (window as unknown as { __idleAt?: number }).__idleAt, null, { timeout: 180_000 });
          times.bare.push(await page.evaluate(() => (window as unknown as { __idleAt: number }).__idleAt));
          if (i === 0) await page.screenshot({ path: path.join(dir, 'bare.png') });
        }
        await context.close();
      }
      console.log(`run ${i + 1}: app ${Math.round(times.app[i])} ms, bare ${Math.round(times.bare[i])} ms`);
    }
    const cpu = process.cpuUsage(cpu0);
    const result = {
      when: new Date().toISOString(),
      driver,
      runs,
      file: values.file,
      viewport: VIEWPORT,
      app_ms: times.app.map(Math.round),
      bare_ms: times.bare.map(Math.round),
      median_app_ms: Math.round(median(times.app)),
      median_bare_ms: Math.round(median(times.bare)),
      ratio: Math.round((median(times.app) / median(times.bare)) * 100) / 100,
      process_cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
      wall_s: Math.round((performance.now() - t0) / 100) / 10,
      load_avg: os.loadavg().map((x) => Math.round(x * 10) / 10),
    };
    console.log(JSON.stringify(result, null, 2));
    fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
    const out = path.join(ROOT, 'bench-results', `first-map-${result.when.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(out, JSON.stringify(result, null, 2));
    console.log(`wrote ${path.relative(ROOT, out)}; screenshots in ${dir}`);
    fs.copyFileSync(path.join(dir, 'app.png'), '/tmp/fm/app.png');
    fs.copyFileSync(path.join(dir, 'bare.png'), '/tmp/fm/bare.png');
    server?.close();
  } finally {
    await browser?.close();
    await db.close();
    await drop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);

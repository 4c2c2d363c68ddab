// The basemap the app serves itself (issue 14): a PMTiles archive built here from synthetic Lewisham streets
// is served with byte ranges (206, 416, validators, only the configured file), read back through HTTP by the
// pmtiles client the browser uses, the label glyphs come from the committed PBFs, /api/config names the
// basemap in the order file → online style → none (with the reason), and the web's Protomaps style is valid
// and asks only for what the app serves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { PMTiles } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { Db } from '../api/db/index.js';
import { parseRange } from '../api/basemap/range.js';
import { GLYPH_DIR, GLYPH_FONTS } from '../api/basemap/routes.js';
import { NOT_CONFIGURED } from '../api/basemap/source.js';
import { BASEMAP_SOURCE, protomapsStyle } from '../web/src/map/base-style.js';
import { signedInApp } from './helpers/auth.js';
import { testDb } from './helpers/db.js';
import { HIGH_STREET_POINT, syntheticLewisham, writePmtiles } from './helpers/pmtiles-writer.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-basemap-'));
const FILE = path.join(tmp, 'lewisham.pmtiles');
const built = writePmtiles(FILE, { layers: syntheticLewisham(), minZoom: 0, maxZoom: 15 });
const bytes = fs.readFileSync(FILE);
const base = { dataDir: tmp, MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined };
const app = createApp({ db: {} as Db, config: { ...base, BASEMAP_PMTILES: FILE } });
const get = (url: string, headers: Record<string, string> = {}) => app.request(url, { headers });

const lon2x = (lon: number, z: number) => Math.floor(((lon + 180) / 360) * 2 ** z);
const lat2y = (lat: number, z: number) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};

describe('byte ranges', () => {
  it('answers single ranges and refuses the rest', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('bytes=50-16383', 100)).toEqual({ kind: 'partial', start: 50, end: 99 });
    for (const bad of ['bytes=100-', 'bytes=5-1', 'bytes=0-1,5-6', 'items=0-1', 'bytes=a-b', 'bytes=-', 'bytes=-0']) {
      expect(parseRange(bad, 100).kind, bad).toBe('unsatisfiable');
    }
  });
});

describe('the PMTiles route', () => {
  it('serves a range with 206, Content-Range and the file bytes', async () => {
    const res = await get('/basemap/tiles.pmtiles', { Range: 'bytes=0-126' });
    expect(res.status).toBe(206);
    expect(res.headers.get('Content-Range')).toBe(`bytes 0-126/${bytes.length}`);
    expect(res.headers.get('Accept-Ranges')).toBe('bytes');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(bytes.subarray(0, 127))).toBe(true);
    expect(body.toString('latin1', 0, 7)).toBe('PMTiles');

    const mid = await get('/basemap/tiles.pmtiles', { Range: 'bytes=1000-1999' });
    expect(mid.status).toBe(206);
    expect(Buffer.from(await mid.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    const tail = await get('/basemap/tiles.pmtiles', { Range: 'bytes=-50' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 50))).toBe(true);
  });

  it('serves the whole file without a Range, with validators, and 304 when unchanged', async () => {
    const res = await get('/basemap/tiles.pmtiles');
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('Content-Length'))).toBe(bytes.length);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const etag = res.headers.get('ETag');
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(new Date(res.headers.get('Last-Modified') ?? '').getTime()).toBeCloseTo(
      Math.floor(fs.statSync(FILE).mtimeMs / 1000) * 1000,
      -4,
    );
    expect((await get('/basemap/tiles.pmtiles', { 'If-None-Match': etag ?? '' })).status).toBe(304);
    // If-Range with an old validator: the file changed, so it comes whole.
    expect((await get('/basemap/tiles.pmtiles', { Range: 'bytes=0-9', 'If-Range': '"old"' })).status).toBe(200);
    const head = await app.request('/basemap/tiles.pmtiles', { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('Content-Length')).toBe('10');
  });

  it('answers 416 with the size for ranges it cannot serve', async () => {
    for (const range of [`bytes=${bytes.length}-`, 'bytes=10-5', 'bytes=0-1,4-5', 'lines=1-2']) {
      const res = await get('/basemap/tiles.pmtiles', { Range: range });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('Content-Range')).toBe(`bytes */${bytes.length}`);
      expect((await res.json()).error.code).toBe('range_not_satisfiable');
    }
  });

  it('reads no other file: traversal attempts and other paths are 404', async () => {
    for (const url of [
      '/basemap/tiles.pmtiles/../../../etc/passwd',
      '/basemap/..%2F..%2Fetc%2Fpasswd',
      '/basemap/lewisham.pmtiles',
      `/basemap/${encodeURIComponent(FILE)}`,
      '/basemap/glyphs/..%2F..%2F..%2Fpackage.json/0-255.pbf',
      '/basemap/glyphs/Noto%20Sans%20Regular/..%2F..%2Fsource.ts',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(Buffer.from(await res.arrayBuffer()).includes(Buffer.from('PMTiles'))).toBe(false);
    }
  });

  it('is 404 with the reason when no file is configured, or it is unreadable, or not PMTiles', async () => {
    const none = createApp({ db: {} as Db, config: base });
    const res = await none.request('/basemap/tiles.pmtiles');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toBe(NOT_CONFIGURED);
    const missing = createApp({ db: {} as Db, config: { ...base, BASEMAP_PMTILES: path.join(tmp, 'gone.pmtiles') } });
    expect((await (await missing.request('/basemap/tiles.pmtiles')).json()).error.message).toBe(
      'basemap file unreadable: gone.pmtiles (no such file)',
    );
    const notPm = path.join(tmp, 'fake.pmtiles');
    fs.writeFileSync(notPm, 'not an archive at all');
    const fake = createApp({ db: {} as Db, config: { ...base, BASEMAP_PMTILES: notPm } });
    expect((await (await fake.request('/basemap/tiles.pmtiles')).json()).error.message).toMatch(
      /fake\.pmtiles is not a PMTiles archive/,
    );
  });

  it('is read over HTTP by the pmtiles client: the High Street tile holds the streets with their names', async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as { port: number };
      const archive = new PMTiles(`http://127.0.0.1:${port}/basemap/tiles.pmtiles`);
      const header = await archive.getHeader();
      expect([header.minZoom, header.maxZoom, header.numAddressedTiles]).toEqual([0, 15, built.tiles]);
      const z = 15;
      const tile = await archive.getZxy(z, lon2x(HIGH_STREET_POINT[0], z), lat2y(HIGH_STREET_POINT[1], z));
      expect(tile, 'a tile under the High Street').toBeTruthy();
      // Gzipped in the archive; the client decompresses (as it does for MapLibre).
      const vt = new VectorTile(new PbfReader(new Uint8Array(tile?.data ?? new ArrayBuffer(0))));
      const roads = vt.layers.roads;
      const names = Array.from({ length: roads.length }, (_, i) => roads.feature(i).properties);
      expect(names).toContainEqual(expect.objectContaining({ kind: 'major_road', name: 'Lewisham High Street' }));
      expect(Object.keys(vt.layers).sort()).toEqual(expect.arrayContaining(['earth', 'roads']));
      expect(await archive.getZxy(15, 0, 0), 'a tile far away').toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

/** The glyph ids and metrics in a glyph PBF (the format MapLibre's parse_glyph_pbf reads). */
function readGlyphs(buf: Uint8Array) {
  const out: { id: number; width: number; height: number; advance: number; bitmap: number }[] = [];
  new PbfReader(buf).readFields((tag, _, pbf) => {
    if (tag !== 1) return;
    pbf.readMessage((t2, __, p2) => {
      if (t2 !== 3) return;
      out.push(
        p2.readMessage(
          (t3, g, p3) => {
            if (t3 === 1) g.id = p3.readVarint();
            else if (t3 === 2) g.bitmap = p3.readBytes().length;
            else if (t3 === 3) g.width = p3.readVarint();
            else if (t3 === 4) g.height = p3.readVarint();
            else if (t3 === 7) g.advance = p3.readVarint();
          },
          { id: -1, width: 0, height: 0, advance: 0, bitmap: 0 },
        ),
      );
    }, null);
  }, null);
  return out;
}

describe('the glyphs', () => {
  it('serves every Protomaps font stack with Latin and Welsh letters, an empty set for ranges not made', async () => {
    for (const [stack, dir] of Object.entries(GLYPH_FONTS)) {
      const res = await get(`/basemap/glyphs/${encodeURIComponent(stack)}/256-511.pbf`);
      expect(res.status).toBe(200);
      const body = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(body).equals(fs.readFileSync(path.join(GLYPH_DIR, dir, '256-511.pbf')))).toBe(true);
      const glyphs = readGlyphs(body);
      for (const ch of ['ŵ', 'ŷ', 'Ŵ', 'ł']) {
        const g = glyphs.find((x) => x.id === ch.codePointAt(0));
        expect(g, `${stack} ${ch}`).toBeTruthy();
        expect(g?.bitmap).toBe(((g?.width ?? 0) + 6) * ((g?.height ?? 0) + 6)); // SDF with the 3 px border
      }
      const latin = readGlyphs(
        new Uint8Array(await (await get(`/basemap/glyphs/${encodeURIComponent(stack)}/0-255.pbf`)).arrayBuffer()),
      );
      expect(latin.find((g) => g.id === 'W'.codePointAt(0))?.advance).toBeGreaterThan(
        latin.find((g) => g.id === 'i'.codePointAt(0))?.advance ?? 99,
      );
    }
    // A font-stack list takes the first stack served.
    expect((await get('/basemap/glyphs/Noto%20Sans%20Medium,Arial/0-255.pbf')).status).toBe(200);
    const cjk = await get('/basemap/glyphs/Noto%20Sans%20Regular/19968-20223.pbf');
    expect(cjk.status).toBe(200);
    expect((await cjk.arrayBuffer()).byteLength).toBe(0);
    expect((await get('/basemap/glyphs/Comic%20Sans/0-255.pbf')).status).toBe(404);
    expect((await get('/basemap/glyphs/Noto%20Sans%20Regular/1-256.pbf')).status).toBe(404);
  });
});

describe('the web style', () => {
  const style = protomapsStyle(
    { url: '/basemap/tiles.pmtiles', glyphs: '/basemap/glyphs/{fontstack}/{range}.pbf' },
    'http://app.test',
  );

  it('is a valid MapLibre style over the app’s own archive, glyphs and no sprite', () => {
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.sprite).toBeUndefined();
    expect(style.sources[BASEMAP_SOURCE]).toMatchObject({
      type: 'vector',
      url: 'pmtiles://http://app.test/basemap/tiles.pmtiles',
    });
    expect(JSON.stringify(style.sources)).toMatch(/OpenStreetMap/);
    const urls = JSON.stringify(style).match(/https?:\/\/[^"\\ ]+/g) ?? [];
    // Only the app's origin, and the credit links (never fetched).
    expect(urls.filter((u) => !u.startsWith('http://app.test/') && !/protomaps\.com|openstreetmap\.org/.test(u))).toEqual([]);
  });

  it('draws streets and street names and asks only for served fonts, without icons', () => {
    const ids = style.layers.map((l) => l.id);
    expect(ids).toEqual(
      expect.arrayContaining(['roads_major', 'roads_minor', 'roads_labels_major', 'roads_labels_minor', 'places_locality']),
    );
    const fonts = new Set(JSON.stringify(style.layers).match(/Noto Sans [A-Za-z ]+?(?=")/g));
    fonts.delete('Noto Sans Devanagari Regular v1'); // only for Devanagari names (glyphs 404: those labels are left out)
    expect([...fonts].filter((f) => !(f in GLYPH_FONTS))).toEqual([]);
    expect(style.layers.filter((l) => l.layout && 'icon-image' in l.layout).map((l) => l.id)).toEqual([]);
  });
});

describe('/api/config names the basemap', () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb('pglite');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const configWith = async (extra: Record<string, string | undefined>) => {
    const client = await signedInApp(db, { ...base, ...extra });
    const res = await client.request('/api/config');
    expect(res.status).toBe(200);
    return (await res.json()) as { basemapStyleUrl: string | null; basemap: Record<string, string | null> };
  };

  it('in the order: local file, online style, plain background with the reason', async () => {
    const STYLE = 'https://tiles.example.test/style.json';
    expect((await configWith({ BASEMAP_PMTILES: FILE, BASEMAP_STYLE_URL: STYLE })).basemap).toEqual({
      kind: 'pmtiles',
      url: '/basemap/tiles.pmtiles',
      glyphs: '/basemap/glyphs/{fontstack}/{range}.pbf',
      reason: null,
    });
    const broken = await configWith({ BASEMAP_PMTILES: path.join(tmp, 'gone.pmtiles'), BASEMAP_STYLE_URL: STYLE });
    expect(broken.basemap).toMatchObject({ kind: 'style', url: STYLE });
    expect(broken.basemap.reason).toMatch(/gone\.pmtiles \(no such file\); using BASEMAP_STYLE_URL/);
    expect(broken.basemapStyleUrl).toBe(STYLE);
    expect((await configWith({})).basemap).toEqual({
      kind: 'none',
      url: null,
      glyphs: '/basemap/glyphs/{fontstack}/{range}.pbf',
      reason: NOT_CONFIGURED,
    });
    const unreadable = await configWith({ BASEMAP_PMTILES: path.join(tmp, 'gone.pmtiles') });
    expect(unreadable.basemap).toMatchObject({ kind: 'none', reason: 'basemap file unreadable: gone.pmtiles (no such file)' });
    expect(unreadable.basemap.reason).not.toContain(tmp); // the server's paths stay on the server
  });
});

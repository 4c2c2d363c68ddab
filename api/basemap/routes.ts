// The basemap, served by the app itself (outside /api: public map data, no account needed, like the web
// bundle): the configured PMTiles archive with HTTP range requests, and the label glyphs. Only the one
// configured file is ever read for tiles (the path has no parameters), and glyphs only from an allow-list of
// font stacks and 256-code-point ranges, so no request names a file on disk.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { errorBody } from '../errors.js';
import { parseRange } from './range.js';
import { BASEMAP_TILES_PATH, NOT_CONFIGURED, pmtilesProblem, type BasemapConfig } from './source.js';

/** Font stacks the Protomaps styles name, to the folder of their generated glyphs (scripts/make-glyphs.ts). */
export const GLYPH_FONTS: Record<string, string> = {
  'Noto Sans Regular': 'noto-sans-regular',
  'Noto Sans Medium': 'noto-sans-medium',
  'Noto Sans Italic': 'noto-sans-italic',
};
export const GLYPH_DIR = fileURLToPath(new URL('./glyphs/', import.meta.url));

/** A strong validator from size and modification time (a replaced extract gets a new one). */
const etagOf = (st: fs.Stats) => `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;

export function basemapRoutes(config: BasemapConfig) {
  const r = new Hono();

  r.on(['GET', 'HEAD'], BASEMAP_TILES_PATH, async (c) => {
    const file = config.BASEMAP_PMTILES;
    const problem = file ? pmtilesProblem(file) : NOT_CONFIGURED;
    if (!file || problem) return c.json(errorBody('not_found', problem ?? NOT_CONFIGURED), 404);
    const st = fs.statSync(file);
    const etag = etagOf(st);
    const common: Record<string, string> = {
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Last-Modified': st.mtime.toUTCString(),
      'Cache-Control': 'no-cache',
      'Content-Type': 'application/vnd.pmtiles',
    };
    const inm = c.req.header('If-None-Match');
    if (inm?.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return c.body(null, 304, common);
    // If-Range with another validator: the file changed, so send it whole.
    const ifRange = c.req.header('If-Range');
    const range = ifRange && ifRange !== etag ? { kind: 'full' as const } : parseRange(c.req.header('Range'), st.size);
    if (range.kind === 'unsatisfiable') {
      return c.json(errorBody('range_not_satisfiable', range.reason), 416, { ...common, 'Content-Range': `bytes */${st.size}` });
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, st.size - 1];
    const headers = { ...common, 'Content-Length': String(end - start + 1) };
    if (range.kind === 'partial') Object.assign(headers, { 'Content-Range': `bytes ${start}-${end}/${st.size}` });
    const status = range.kind === 'partial' ? 206 : 200;
    if (c.req.method === 'HEAD' || st.size === 0) return c.body(null, status, headers);
    const body = Readable.toWeb(fs.createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
    return c.body(body, status, headers);
  });

  r.get('/basemap/glyphs/:fontstack/:range', async (c) => {
    // A style may ask for a list ("Noto Sans Regular,Arial Unicode MS"): the first stack we have answers.
    const stack = c.req
      .param('fontstack')
      .split(',')
      .map((s) => s.trim())
      .find((s) => s in GLYPH_FONTS);
    if (!stack) {
      return c.json(
        errorBody('not_found', `No glyphs for "${c.req.param('fontstack')}"; served: ${Object.keys(GLYPH_FONTS).join(', ')}`),
        404,
      );
    }
    const m = /^(\d{1,5})-(\d{1,5})\.pbf$/.exec(c.req.param('range'));
    const start = m ? Number(m[1]) : Number.NaN;
    if (!m || start % 256 !== 0 || Number(m[2]) !== start + 255 || start > 65280) {
      return c.json(
        errorBody('not_found', 'Glyph ranges are 256 code points: {start}-{start+255}.pbf, start a multiple of 256'),
        404,
      );
    }
    const headers = { 'Content-Type': 'application/x-protobuf', 'Cache-Control': 'public, max-age=86400' };
    try {
      return c.body(
        new Uint8Array(await fs.promises.readFile(`${GLYPH_DIR}${GLYPH_FONTS[stack]}/${start}-${start + 255}.pbf`)),
        200,
        headers,
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // A range we did not generate (e.g. CJK): an empty glyph set, so labels draw what they can.
      return c.body(new Uint8Array(0), 200, headers);
    }
  });

  return r;
}

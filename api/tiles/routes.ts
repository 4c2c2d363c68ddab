// Vector tile routes (issue 16): incident points (records.read: officers their wards only, audited like
// GET /incidents) and incidents per H3 cell (partners: the masked counts of GET /hexes at their one
// resolution). Tiles are cached in memory per data version and sent with an ETag of the version, the
// request and the caller's scope; a matching If-None-Match answers 304 without building anything.
import crypto from 'node:crypto';
import type { Context } from 'hono';
import * as contract from '../../contract/tiles.js';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../auth/middleware.js';
import { audit } from '../auth/audit.js';
import { minCount } from '../auth/disclosure.js';
import { recordScope } from '../auth/roles.js';
import { ApiError } from '../errors.js';
import { dataVersion } from '../data-version.js';
import { partnerHexCells } from '../aggregates/routes.js';
import * as h from '../aggregates/handlers.js';
import { requestSelection, requestWindow } from '../aggregates/request.js';
import { h3Units } from '../hotspots/units.js';
import { contractRouter, dataMask, disclosed, principal, register } from '../routing.js';
import { cellSearchBox, cellTile, pointTile, type Tile, type TileCell } from './build.js';
import { TileCache } from './cache.js';

const MVT_HEADERS = {
  'Content-Type': 'application/vnd.mapbox-vector-tile',
  // Kept by the browser, but asked again each time: a new data version must reach the map.
  'Cache-Control': 'private, no-cache',
};

const etagOf = (key: string) => `"${crypto.createHash('sha1').update(key).digest('base64url').slice(0, 22)}"`;

const matches = (c: Context, etag: string) =>
  (c.req.header('If-None-Match') ?? '')
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');

type Query = { from?: string; to?: string; category?: string[] };
const queryKey = (q: Query) => `${q.from ?? ''}|${q.to ?? ''}|${q.category?.join(',') ?? ''}`;

export function tileRoutes({ db }: Deps) {
  const r = contractRouter();
  // Per app (each app has its own database): tiles, and the partners' masked cell lists behind them.
  const tiles = new TileCache<Tile>(32 * 1024 * 1024, (t) => t.bytes.byteLength + 64);
  const partnerCells = new TileCache<TileCell[]>(8 * 1024 * 1024, (c) => c.length * 48 + 64);

  /** ETag, 304, cache and the answer; `build` runs only when the tile is neither fresh in the client nor here. */
  async function answer(c: Context<AppEnv>, key: string, build: () => Promise<Tile>, seen: (t: Tile | null) => Promise<void>) {
    const etag = etagOf(key);
    const headers = { ...MVT_HEADERS, ETag: etag };
    if (matches(c, etag)) {
      await seen(tiles.get(key) ?? null);
      return c.body(null, 304, headers);
    }
    let tile = tiles.get(key);
    if (!tile) tiles.set(key, (tile = await build()));
    await seen(tile);
    return c.body(tile.bytes as Uint8Array<ArrayBuffer>, 200, headers);
  }

  register(r, db, contract.getIncidentTile, async (c) => {
    const t = c.req.valid('param');
    const q = c.req.valid('query');
    if (t.z < contract.POINT_MIN_ZOOM) {
      const message = `incident points are served from zoom ${contract.POINT_MIN_ZOOM} (below it: /api/tiles/hexes)`;
      throw new ApiError(400, 'invalid_parameter', `z: ${message}`, [{ path: 'z', message }]);
    }
    const p = principal(c);
    const scope = recordScope(p);
    const key = `incidents|${await dataVersion(db)}|${t.z}/${t.x}/${t.y}|${queryKey(q)}|${scope?.join(',') ?? '*'}`;
    return answer(
      c,
      key,
      async () => {
        const { categories, narrowing } = await requestSelection(db, q.category);
        const w = await requestWindow(db, q);
        return pointTile(db, { ...w, categories, narrowing, wardCodes: scope }, t);
      },
      (tile) =>
        audit(db, p, c.get('ip'), {
          action: 'view_records',
          resource: 'incident_tile',
          query: { ...t, ...q, ward_scope: scope },
          // A 304 re-shows the client's copy: the count is known when the tile is still cached here.
          recordCount: tile?.features ?? null,
        }),
    );
  });

  register(
    r,
    db,
    contract.getHexTile,
    async (c) => {
      const t = c.req.valid('param');
      const q = c.req.valid('query');
      const partner = principal(c).user.role === 'partner';
      const res = contract.hexTileResolution(t.z, partner);
      const version = await dataVersion(db);
      // Partners' counts depend on the threshold too.
      const who = partner ? `partner:${await minCount(db)}` : 'all';
      const key = `hexes|${version}|${t.z}/${t.x}/${t.y}|${queryKey(q)}|${who}`;
      return answer(
        c,
        key,
        async () => {
          if (!partner) {
            const { cells } = await h.hexes(db, { ...q, res, bbox: cellSearchBox(t, res) });
            return cellTile(db, cells, res, t);
          }
          // Partners: the masked counts of every cell of the study area (as GET /hexes gives them, whatever
          // the view), then the cells of this tile.
          const listKey = `${version}|${queryKey(q)}|${who}`;
          let cells = partnerCells.get(listKey);
          if (!cells) {
            const allCells = (await h3Units(db, res)).ids;
            const out = await h.hexes(db, { ...q, res, allCells });
            partnerCells.set(listKey, (cells = disclosed<TileCell[]>(c)(out.cells)));
          }
          return cellTile(db, cells, res, t);
        },
        async () => undefined,
      );
    },
    { partnerData: dataMask<TileCell[]>((cells, { min }) => partnerHexCells(cells, min)) },
  );

  return r;
}

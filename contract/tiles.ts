// Vector tiles (issue 16): incident points and H3 counts as Mapbox Vector Tiles (MVT), the same URLs and the
// same features on both database drivers (api/tiles/). The window and category filters are those of
// GET /incidents and GET /hexes; tiles carry an ETag tied to the data version (304 when unchanged).
import { z } from './zod.js';
import { defineRoute, file } from './http.js';
import { PARTNER_H3_RES } from './aggregates.js';
import { categoryParam, dateParam } from './params.js';

/** Incident points are served from this zoom up (below it, a tile could hold a whole borough's points). */
export const POINT_MIN_ZOOM = 14;
/** The deepest zoom served (MapLibre over-zooms beyond it). */
export const TILE_MAX_ZOOM = 22;
/** Tile extent and buffer (tile units): the grid features are snapped to and the margin kept around it. */
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** Layer names inside the tiles. */
export const INCIDENT_TILE_LAYER = 'incidents';
export const HEX_TILE_LAYER = 'hexes';

/**
 * The one zoom → H3 resolution rule of the hexagon tiles (non-partners): z ≤ 10 → 7, z 11–12 → 8, z 13 → 9,
 * z ≥ 14 → 10 (a cell is then ~15–40 px across on a 512 px tile). Partners always get resolution 8.
 */
export function hexTileResolution(z: number, partner = false): 7 | 8 | 9 | 10 {
  if (partner) return PARTNER_H3_RES;
  return z <= 10 ? 7 : z <= 12 ? 8 : z === 13 ? 9 : 10;
}

const coord = (name: string) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `${name} must be a whole number`)
    .transform(Number);

/** z/x/y in the path; y carries the `.mvt` suffix (`/14/8191/5450.mvt`). x and y must lie in 0 .. 2^z − 1. */
export const tilePath = z
  .object({
    z: coord('z').pipe(z.number().int().min(0).max(TILE_MAX_ZOOM)),
    x: coord('x'),
    y: z
      .string()
      .regex(/^\d{1,7}\.mvt$/, 'y must be a whole number followed by .mvt')
      .transform((s) => Number(s.slice(0, -4))),
  })
  .refine((t) => t.x < 2 ** t.z, { message: 'x must be below 2^z', path: ['x'] })
  .refine((t) => t.y < 2 ** t.z, { message: 'y must be below 2^z', path: ['y'] });
export type TilePath = z.output<typeof tilePath>;

export const tileQuery = z.strictObject({
  from: dateParam.optional(),
  to: dateParam.optional(),
  category: categoryParam.optional(),
});

const MVT = 'application/vnd.mapbox-vector-tile';

export const getIncidentTile = defineRoute({
  method: 'get',
  path: '/tiles/incidents/{z}/{x}/{y}',
  summary: `Incident points as a vector tile (z ≥ ${POINT_MIN_ZOOM}; officers: their wards only; audited)`,
  description:
    `Layer \`${INCIDENT_TILE_LAYER}\`: one point per incident lying in the tile's envelope widened by the buffer ` +
    `(${TILE_BUFFER}/${TILE_EXTENT} of its width on each side), feature id = incident id, properties as GET /incidents ` +
    '(nulls left out). ETag from the data version; `If-None-Match` answers 304.',
  tags: ['tiles'],
  'x-access': { capability: 'records.read' },
  request: { params: tilePath, query: tileQuery },
  responses: { 200: file(MVT, 'A Mapbox Vector Tile (protobuf)') },
});

export const getHexTile = defineRoute({
  method: 'get',
  path: '/tiles/hexes/{z}/{x}/{y}',
  summary: 'Incidents per H3 cell as a vector tile (resolution by zoom: hexTileResolution; partners: resolution 8, masked)',
  description:
    `Layer \`${HEX_TILE_LAYER}\`: the cells of the zoom's resolution (z ≤ 10 → 7, 11–12 → 8, 13 → 9, ≥ 14 → 10) holding ` +
    'incidents of the window, whose outline meets the buffered tile; properties `h3`, `res`, `count`. Partners: every cell of ' +
    `the study area at resolution ${PARTNER_H3_RES} with the counts of GET /hexes (cell-key perturbed, small ones withheld: ` +
    '`count` left out and `suppressed` true), never points.',
  tags: ['tiles'],
  'x-access': {
    capability: 'aggregates.read',
    partner: { kind: 'masked', rule: `the counts of GET /hexes at resolution ${PARTNER_H3_RES} (cell key, suppression)` },
  },
  request: { params: tilePath, query: tileQuery },
  responses: { 200: file(MVT, 'A Mapbox Vector Tile (protobuf)') },
});

export const tileRoutes = [getIncidentTile, getHexTile] as const;

// Building the vector tiles (issue 16). One rule on both drivers: the features are chosen by the same SQL
// (incidents) or the same JS (H3 cells), then encoded by PostGIS ST_AsMVT / ST_AsMVTGeom on the server and,
// on PGlite (whose PostGIS has no protobuf, so ST_AsMVT fails), by geojson-vt (projection, clipping, the
// 4096 grid) + vt-pbf (the protobuf) from the same rows. Extent 4096, buffer 64, no simplification.
import GeoJSONVT from 'geojson-vt';
import { cellToBoundary, getHexagonEdgeLengthAvg } from 'h3-js';
import { fromGeojsonVt } from 'vt-pbf';
import { HEX_TILE_LAYER, INCIDENT_TILE_LAYER, TILE_BUFFER, TILE_EXTENT, type TilePath } from '../../contract/tiles.js';
import type { Db } from '../db/index.js';
import { Params, incidentWhere, type IncidentFilter } from '../aggregates/sql.js';

/** A tile's envelope in WGS84 degrees: [west, south, east, north]. */
export function tileBounds({ z, x, y }: TilePath, margin = 0): [number, number, number, number] {
  const n = 2 ** z;
  const lon = (v: number) => (v / n) * 360 - 180;
  const lat = (v: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * v) / n))) * 180) / Math.PI;
  return [lon(x - margin), lat(y + 1 + margin), lon(x + 1 + margin), lat(y - margin)];
}

const BUFFER = TILE_BUFFER / TILE_EXTENT;

// ---------- points ----------

/** The columns of a point's properties (as GET /incidents; the id is the feature id). */
const POINT_COLUMNS = `i.category, c.label AS category_label,
       to_char(i.occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS') AS occurred_at,
       i.time_precision, i.location_precision, i.location_text, i.ward_code, i.outcome, i.age_band`;

/**
 * The tile's incidents: the filter, and the point inside the tile's envelope widened by the buffer
 * (`ST_TileEnvelope` with a margin, in Web Mercator, as a lon/lat box for the GiST index).
 */
function pointsFrom(p: Params, f: IncidentFilter, t: TilePath) {
  const where = incidentWhere(p, f);
  const [z, x, y, m] = [t.z, t.x, t.y, BUFFER].map((v) => p.add(v));
  return `FROM incidents i
JOIN categories c ON c.slug = i.category
WHERE ${where}
  AND i.geom && ST_Transform(ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int, margin => ${m}::float8), 4326)`;
}

/** Server: the tile encoded by PostGIS. */
export function pointTileSql(p: Params, f: IncidentFilter, t: TilePath) {
  const from = pointsFrom(p, f, t);
  const [z, x, y] = [t.z, t.x, t.y].map((v) => p.add(v));
  return `
SELECT ST_AsMVT(t, '${INCIDENT_TILE_LAYER}', ${TILE_EXTENT}, 'geom', 'id') AS tile, count(*)::int AS n
FROM (
  SELECT i.id, ${POINT_COLUMNS},
         ST_AsMVTGeom(ST_Transform(i.geom, 3857), ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
  ${from}
) t`;
}

/** PGlite: the same rows with their coordinates, for the JS encoder. */
export function pointRowsSql(p: Params, f: IncidentFilter, t: TilePath) {
  return `
SELECT i.id, i.lon, i.lat, ${POINT_COLUMNS}
${pointsFrom(p, f, t)}`;
}

type Props = Record<string, string | number | boolean | null>;

/** geojson-vt + vt-pbf: one layer of GeoJSON features as an MVT (nulls are left out, as ST_AsMVT does). */
export function encodeLayer(layer: string, t: TilePath, features: GeoJSON.Feature[]): Uint8Array {
  const index = new GeoJSONVT(
    { type: 'FeatureCollection', features },
    { maxZoom: t.z, indexMaxZoom: 0, indexMaxPoints: 0, tolerance: 0, extent: TILE_EXTENT, buffer: TILE_BUFFER },
  );
  const tile = index.getTile(t.z, t.x, t.y) ?? { features: [] };
  return fromGeojsonVt({ [layer]: tile }, { version: 2, extent: TILE_EXTENT });
}

export interface Tile {
  bytes: Uint8Array;
  /** Features in the tile (incidents or cells). */
  features: number;
}

/** The incident points of one tile. */
export async function pointTile(db: Db, f: IncidentFilter, t: TilePath): Promise<Tile> {
  if (db.driver === 'postgres') {
    const p = new Params();
    const [r] = await db.query<{ tile: Uint8Array | null; n: number }>(pointTileSql(p, f, t), p.values);
    return { bytes: r.tile ?? new Uint8Array(), features: r.n };
  }
  const p = new Params();
  const rows = await db.query<{ id: number; lon: number; lat: number } & Props>(pointRowsSql(p, f, t), p.values);
  const features = rows.map(({ id, lon, lat, ...props }) => ({
    type: 'Feature' as const,
    id,
    geometry: { type: 'Point' as const, coordinates: [lon, lat] },
    properties: props,
  }));
  return { bytes: features.length ? encodeLayer(INCIDENT_TILE_LAYER, t, features) : new Uint8Array(), features: rows.length };
}

// ---------- H3 cells ----------

/**
 * The lon/lat box whose incidents can fall in a cell meeting the buffered tile: the tile widened by the
 * buffer and by twice the resolution's mean edge length (a cell's outline lies within about one edge of
 * its centre, and reaches beyond it by at most one more edge).
 */
export function cellSearchBox(t: TilePath, res: number): [number, number, number, number] {
  const [w, s, e, n] = tileBounds(t, BUFFER);
  const km = 2 * getHexagonEdgeLengthAvg(res, 'km');
  const dLat = km / 111.32;
  const dLon = km / (111.32 * Math.cos((Math.max(Math.abs(s), Math.abs(n)) * Math.PI) / 180));
  return [Math.max(-180, w - dLon), Math.max(-85.06, s - dLat), Math.min(180, e + dLon), Math.min(85.06, n + dLat)];
}

export interface TileCell {
  h3: string;
  count: number | null;
  suppressed?: boolean;
}

/** The rule for cells: those whose outline's box meets the tile's buffered envelope. Outlines in lon/lat. */
export function cellsInTile(cells: readonly TileCell[], t: TilePath) {
  const [w, s, e, n] = tileBounds(t, BUFFER);
  const out: { cell: TileCell; ring: number[][] }[] = [];
  for (const cell of cells) {
    const ring = cellToBoundary(cell.h3, true);
    let minX = 180;
    let minY = 90;
    let maxX = -180;
    let maxY = -90;
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    if (maxX >= w && minX <= e && maxY >= s && minY <= n) out.push({ cell, ring });
  }
  return out;
}

/** The properties of a cell's feature: h3, res, count (left out when withheld), suppressed (partners). */
function cellProps(cell: TileCell, res: number): Props {
  return { h3: cell.h3, res, count: cell.count, suppressed: cell.suppressed ?? null };
}

/** The cells of one tile, encoded by PostGIS (server) or geojson-vt + vt-pbf (PGlite). */
export async function cellTile(db: Db, cells: readonly TileCell[], res: number, t: TilePath): Promise<Tile> {
  const hits = cellsInTile(cells, t);
  if (hits.length === 0) return { bytes: new Uint8Array(), features: 0 };
  if (db.driver === 'postgres') {
    const [r] = await db.query<{ tile: Uint8Array | null }>(
      `
SELECT ST_AsMVT(t, '${HEX_TILE_LAYER}', ${TILE_EXTENT}, 'geom') AS tile
FROM (
  SELECT c.h3, $5::int AS res, c.count, c.suppressed,
         ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(c.g), 4326), 3857),
                      ST_TileEnvelope($1::int, $2::int, $3::int), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
  FROM unnest($4::text[], $6::int[], $7::bool[], $8::text[]) AS c(h3, count, suppressed, g)
) t
WHERE t.geom IS NOT NULL`,
      [
        t.z,
        t.x,
        t.y,
        hits.map((h) => h.cell.h3),
        res,
        hits.map((h) => h.cell.count),
        hits.map((h) => h.cell.suppressed ?? null),
        hits.map((h) => JSON.stringify({ type: 'Polygon', coordinates: [h.ring] })),
      ],
    );
    return { bytes: r.tile ?? new Uint8Array(), features: hits.length };
  }
  const features = hits.map(({ cell, ring }) => ({
    type: 'Feature' as const,
    geometry: { type: 'Polygon' as const, coordinates: [ring] },
    properties: cellProps(cell, res),
  }));
  return { bytes: encodeLayer(HEX_TILE_LAYER, t, features), features: hits.length };
}

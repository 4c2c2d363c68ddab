// Names of places from the data (issue 14): a hotspot cell, an outreach candidate, a patrol box or a route
// segment is named by the street most of its incidents were recorded on, plus its ward ("Parkside Avenue,
// Rushey Green"), never only by an H3 id. One grouped query per answer, whatever the number of units.
//
// The rule (stated in every answer's `place.rule`):
// - the street of an incident is its location text with police.uk's "On or near " stripped (SQL
//   place_street, migration 016); empty texts are no street; other forces' texts are taken as they are;
// - streets are counted case-insensitively (police.uk writes "Deal's Gateway" and "Deal'S Gateway"); the
//   label shown is the spelling most used (ties: the first in code-point order);
// - real street names rank before police.uk's anonymised non-street points ("Supermarket", "Petrol
//   Station", "Parking Area", "Sports/Recreation Area", "Shopping Area", "Nightclub", … SQL
//   place_generic), then by count (most first), then by name in code-point order (so ties are decided the
//   same way on every driver);
// - the ward is the ward polygon containing the unit's centre (cell centre, box centre, segment midpoint,
//   venue point): the same for everybody, and not derived from records;
// - no located incident with a street in the unit: the name is the ward alone (basis `ward`); no ward
//   either: name null with the reason. A name is never invented.
// Partners get ward-level names only (basis `ward`): a street name is read off record-level incident
// locations, and a unit's street with one or two incidents would say where those incidents were.
import type { PlaceName } from '../../contract/places.js';
import { cellToLatLng } from 'h3-js';
import type { Queryable } from '../db/index.js';
import { dataVersion } from '../data-version.js';

export type { PlaceName };

export const NAME_RULE =
  'the street most incidents in the unit were recorded on (police.uk "On or near " stripped; counted case-insensitively; real streets before police.uk\'s anonymised non-street points such as Supermarket or Petrol Station; ties by name), plus the ward containing the unit\'s centre; no street: the ward alone; neither: null';
export const PARTNER_NAME_RULE =
  'ward-level names for partners: street names come from record-level incident locations and could say where a few incidents were';

/** H3 cells at one resolution (counted by the stored cell id, exactly as the counts are). */
export interface CellUnits {
  kind: 'h3';
  res: 7 | 8 | 9 | 10;
  /** 15-character hex ids. */
  ids: readonly string[];
  /** Cell centres, [lon, lat], parallel to ids. */
  centres: ReadonlyArray<readonly [number, number]>;
}

/** Shapes: an incident is in a unit when it lies within `buffer_m` metres (geodesic; 0 = inside) of the shape. */
export interface ShapeUnits {
  kind: 'shape';
  keys: readonly string[];
  /** GeoJSON geometries (WGS84), parallel to keys. */
  geometries: readonly object[];
  buffer_m: number;
  /** A representative point per unit for its ward, [lon, lat]. */
  centres: ReadonlyArray<readonly [number, number]>;
}

export type Units = CellUnits | ShapeUnits;

export interface NameOptions {
  /** Partners: ward-level names only. */
  wardOnly?: boolean;
}

interface Row {
  key: string;
  street: string | null;
  street_n: number | null;
  generic: boolean | null;
  incidents: number;
  ward_code: string | null;
  ward_name: string | null;
}

const H3_COLUMN = { 7: 'h3_7', 8: 'h3_8', 9: 'h3_9', 10: 'h3_10' } as const;

/** The SQL of one answer's names: $1 keys, $2 lon, $3 lat, then the units' own parameters. */
function namesSql(u: Units, wardOnly: boolean): string {
  // hits: (key, location_text) of every incident inside each unit
  const hits =
    u.kind === 'h3'
      ? `hits AS (
  SELECT c.key, i.location_text
  FROM (SELECT key, ('x' || lpad(key, 16, '0'))::bit(64)::bigint AS id FROM u) c
  JOIN incidents i ON i.${H3_COLUMN[u.res]} = c.id
)`
      : `shapes AS (
  SELECT t.key, ST_SetSRID(ST_GeomFromGeoJSON(t.g), 4326) AS geom
  FROM unnest($1::text[], $4::text[]) AS t(key, g)
),
hits AS (
  SELECT s.key, i.location_text FROM shapes s
  JOIN incidents i ON ${
    u.buffer_m > 0
      ? // index prefilter on a box a little larger than the buffer, then the geodesic distance
        `i.geom && ST_Expand(s.geom, $5::float8 / 60000.0) AND ST_DWithin(i.geom::geography, s.geom::geography, $5::float8)`
      : 'ST_Intersects(i.geom, s.geom)'
  }
)`;
  const streets = wardOnly
    ? `best AS (SELECT NULL::text AS key, NULL::text AS label, NULL::int AS n, NULL::boolean AS generic WHERE false),
tot AS (SELECT NULL::text AS key, 0 AS n WHERE false)`
    : `${hits},
named AS (SELECT key, place_street(location_text) AS street FROM hits),
s AS (
  SELECT key, lower(street) AS k, place_generic(street) AS generic, count(*)::int AS n,
         mode() WITHIN GROUP (ORDER BY street COLLATE "C") AS label
  FROM named WHERE street IS NOT NULL
  GROUP BY key, lower(street), place_generic(street)
),
best AS (SELECT DISTINCT ON (key) key, label, n, generic FROM s ORDER BY key, generic, n DESC, k COLLATE "C"),
tot AS (SELECT key, count(*)::int AS n FROM hits GROUP BY key)`;
  return `
WITH u AS MATERIALIZED (SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(key, lon, lat)),
${streets},
-- the ward containing the unit's centre (lowest code if on a shared edge)
w AS (
  SELECT DISTINCT ON (u.key) u.key, a.code, a.name
  FROM u JOIN area_parts p ON p.level = 'ward' AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326))
  JOIN areas a ON a.level = 'ward' AND a.code = p.code
  ORDER BY u.key, a.code COLLATE "C"
)
SELECT u.key, best.label AS street, best.n AS street_n, best.generic, COALESCE(tot.n, 0)::int AS incidents,
       w.code AS ward_code, w.name AS ward_name
FROM u LEFT JOIN best ON best.key = u.key LEFT JOIN tot ON tot.key = u.key LEFT JOIN w ON w.key = u.key`;
}

function placeOf(r: Row | undefined, wardOnly: boolean): PlaceName {
  const ward = r?.ward_name ?? null;
  const wardCode = r?.ward_code ?? null;
  const base = { ward, ward_code: wardCode, street: null, street_incidents: null, incidents: null };
  if (wardOnly)
    return ward
      ? { ...base, name: ward, basis: 'ward', reason: PARTNER_NAME_RULE }
      : { ...base, name: null, basis: 'none', reason: "the unit's centre is in no loaded ward (partners get ward-level names)" };
  if (r?.street) {
    return {
      ...base,
      name: ward ? `${r.street}, ${ward}` : r.street,
      basis: r.generic ? 'landmark' : 'street',
      street: r.street,
      street_incidents: r.street_n,
      incidents: r.incidents,
      reason: r.generic ? "no incident in the unit was recorded on a real street; named by police.uk's anonymised point" : null,
    };
  }
  const why = r && r.incidents > 0 ? 'no incident in the unit has a location text' : 'no incidents in the unit';
  return ward
    ? { ...base, name: ward, basis: 'ward', incidents: r?.incidents ?? 0, reason: `${why}: named by its ward` }
    : { ...base, name: null, basis: 'none', incidents: r?.incidents ?? 0, reason: `${why}, and its centre is in no loaded ward` };
}

/**
 * Names of cells, cached per data version (issue 14: naming a whole res-10 map cost +1.2–1.9 s on the server
 * and +5–7 s on PGlite on every request). A cell's name depends on all its incidents (not on the window asked)
 * and on the wards, so it holds until the data change: the data version (api/data-version.ts, migration 019,
 * bumped when a transaction changing incidents, areas or area_parts commits).
 * One cache per database handle; it holds the current version only and at most CACHE_MAX names.
 */
const CACHE_MAX = 200_000;
const nameCache = new WeakMap<Queryable, { version: string; names: Map<string, PlaceName> }>();

/** Names of units, keyed by the unit's key (the H3 id for cells). At most one query (cells: only those not cached). */
export async function placeNames(db: Queryable, u: Units, opts: NameOptions = {}): Promise<Map<string, PlaceName>> {
  if (u.kind !== 'h3' || u.ids.length === 0) return queryNames(db, u, opts);
  const version = await dataVersion(db);
  let cache = nameCache.get(db);
  if (!cache || cache.version !== version) nameCache.set(db, (cache = { version, names: new Map() }));
  const prefix = `${u.res}:${opts.wardOnly === true ? 'w' : 's'}:`;
  const missing = u.ids.map((id, i) => [id, i] as const).filter(([id]) => !cache.names.has(prefix + id));
  if (missing.length === 0) return new Map(u.ids.map((id) => [id, cache.names.get(prefix + id)!]));
  const got = await queryNames(db, { ...u, ids: missing.map(([id]) => id), centres: missing.map(([, i]) => u.centres[i]) }, opts);
  const out = new Map(u.ids.map((id) => [id, got.get(id) ?? cache.names.get(prefix + id)!]));
  // Keep them only if the data did not change meanwhile (else the next call names them again).
  if ((await dataVersion(db)) === version) {
    if (cache.names.size + got.size > CACHE_MAX) cache.names.clear();
    for (const [id, p] of got) cache.names.set(prefix + id, p);
  }
  return out;
}

async function queryNames(db: Queryable, u: Units, opts: NameOptions): Promise<Map<string, PlaceName>> {
  const keys = u.kind === 'h3' ? u.ids : u.keys;
  const out = new Map<string, PlaceName>();
  if (keys.length === 0) return out;
  const wardOnly = opts.wardOnly === true;
  const params: unknown[] = [keys, u.centres.map((c) => c[0]), u.centres.map((c) => c[1])];
  if (u.kind === 'shape' && !wardOnly) {
    params.push(u.geometries.map((g) => JSON.stringify(g)));
    if (u.buffer_m > 0) params.push(u.buffer_m);
  }
  const rows = await db.query<Row>(namesSql(u, wardOnly), params);
  const by = new Map(rows.map((r) => [r.key, r]));
  for (const k of keys) out.set(k, placeOf(by.get(k), wardOnly));
  return out;
}

/** Adds `place` to rows keyed by H3 cell (rows without `h3`, i.e. areas, are left as they are). */
export async function nameCellRows<T extends object>(
  db: Queryable,
  rows: T[],
  res: number | undefined,
  opts: NameOptions = {},
): Promise<T[]> {
  if (res === undefined) return rows;
  const h3Of = (r: T) => (r as { h3?: unknown }).h3;
  const ids = [...new Set(rows.map(h3Of).filter((h): h is string => typeof h === 'string'))];
  const centres = ids.map((h) => {
    const [lat, lon] = cellToLatLng(h);
    return [lon, lat] as const;
  });
  const names = await placeNames(db, { kind: 'h3', res: res as 7 | 8 | 9 | 10, ids, centres }, opts);
  return rows.map((r) => {
    const h = h3Of(r);
    return typeof h === 'string' ? { ...r, place: names.get(h) } : r;
  });
}

/** Metres around a given venue (a point) whose incidents name it. */
export const VENUE_RADIUS_M = 50;

/**
 * Names of outreach candidates: cell centres by their cell (res `res`), given venues by the incidents within
 * VENUE_RADIUS_M of the point. At most two queries.
 */
export async function nameCandidates(
  db: Queryable,
  cands: ReadonlyArray<{ h3: string | null; lon: number; lat: number }>,
  res: 7 | 8 | 9 | 10,
): Promise<Array<PlaceName | undefined>> {
  const cells = [...new Set(cands.flatMap((c) => (c.h3 ? [c.h3] : [])))];
  const venues = cands.map((c, i) => [c, i] as const).filter(([c]) => !c.h3);
  const cellNames = await placeNames(db, {
    kind: 'h3',
    res,
    ids: cells,
    centres: cells.map((h) => {
      const [lat, lon] = cellToLatLng(h);
      return [lon, lat] as const;
    }),
  });
  const venueNames = await placeNames(db, {
    kind: 'shape',
    keys: venues.map(([, i]) => String(i)),
    geometries: venues.map(([c]) => ({ type: 'Point', coordinates: [c.lon, c.lat] })),
    buffer_m: VENUE_RADIUS_M,
    centres: venues.map(([c]) => [c.lon, c.lat] as const),
  });
  return cands.map((c, i) => (c.h3 ? cellNames.get(c.h3) : venueNames.get(String(i))));
}

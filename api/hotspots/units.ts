// The spatial units a statistic runs over, with their neighbour lists:
// - H3 cells: every cell overlapping the study area (the union of the ward polygons: studyArea), so no
//   incident inside a ward falls in no cell; cells not wholly inside the union are flagged partial (their
//   counts cover only the part inside the wards: incidents outside every ward are outside the study area,
//   counted apart). Neighbours = k-ring within the study area, self included;
// - areas of a level (e.g. wards): every area, neighbours = queen contiguity, self included.
// Polygons come from PostGIS as GeoJSON. Built units are cached in memory per database, keyed by the area
// set's updated_at and area count (a boundary re-import changes both), so repeated requests skip the
// polygon fill and neighbour search; concurrent first requests share one build.
import type { Feature, MultiPolygon } from 'geojson';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { h3Neighbours, queenNeighbours, studyArea } from '../../geodata/stats/neighbours.js';
import type { H3Res } from '../../geodata/h3.js';
import type { Neighbourhood } from '../../contract/hotspots.js';
import { DEFAULT_STUDY_LEVEL, studyAreaLevel } from '../imports/study-area.js';

/** The default study-area level (the level in use is a setting: imports/study-area.ts). Planning names places by it. */
export const STUDY_AREA_LEVEL = DEFAULT_STUDY_LEVEL;

export interface Units {
  kind: 'h3' | 'area';
  level: string;
  res: H3Res | null;
  /** H3 ids (sorted) or area codes (sorted). */
  ids: string[];
  /** Per unit: a cell not wholly inside the study area (cells only; null for areas). */
  partial: boolean[] | null;
  /** Cells only: the rule making the unit set, with the number of units and of partial cells. */
  studyArea: string | null;
  /** Area names (areas only). */
  names: string[] | null;
  index: Map<string, number>;
  /** Neighbour lists for Gi* (self included). */
  neighbours(k: number): number[][];
  neighbourhood(k: number): Neighbourhood;
  /** Area polygons (areas only), same order as ids. */
  polygons: MultiPolygon[] | null;
}

interface AreaRow {
  code: string;
  name: string;
  geom: string;
}

type Cache = Map<string, { stamp: string; units: Promise<Units> }>;
const caches = new WeakMap<Queryable, Cache>();

async function stampOf(db: Queryable, level: string): Promise<string | null> {
  const [r] = await db.query<{ stamp: string | null }>(
    `SELECT s.updated_at::text || '/' || (SELECT count(*) FROM areas a WHERE a.level = s.level) AS stamp FROM area_sets s WHERE s.level = $1`,
    [level],
  );
  return r?.stamp ?? null;
}

async function areaFeatures(db: Queryable, level: string): Promise<AreaRow[]> {
  return db.query<AreaRow>(`SELECT code, name, ST_AsGeoJSON(geom)::text AS geom FROM areas WHERE level = $1 ORDER BY code`, [
    level,
  ]);
}

function memoNeighbours(build: (k: number) => number[][]) {
  const byK = new Map<number, number[][]>();
  return (k: number) => {
    let nb = byK.get(k);
    if (!nb) byK.set(k, (nb = build(k)));
    return nb;
  };
}

async function cached(db: Queryable, level: string, key: string, build: () => Promise<Units>): Promise<Units> {
  const stamp = await stampOf(db, level);
  if (stamp === null) {
    const known = (await db.query<{ level: string }>('SELECT level FROM area_sets ORDER BY level')).map((r) => r.level);
    const path = key.startsWith('h3') ? 'res' : 'level';
    const what = path === 'res' ? `the H3 study area is the "${level}" area set, which is not loaded` : `no area set "${level}"`;
    throw new ApiError(
      400,
      'invalid_parameter',
      `${path}: ${what}${known.length ? ` (loaded: ${known.join(', ')})` : ' (no boundaries loaded yet)'}`,
      [{ path, message: 'area set not loaded', known }],
    );
  }
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.units;
  // The promise is stored before the build runs, so a concurrent request waits for it instead of building
  // again; a failed build is dropped, so the next request tries afresh.
  const entry = { stamp, units: build() };
  cache.set(key, entry);
  entry.units.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return entry.units;
}

const tooFew = (path: string, n: number) =>
  new ApiError(400, 'invalid_parameter', `${path}: the study area has ${n} unit${n === 1 ? '' : 's'}; Gi* needs at least 2`, [
    { path, message: 'too few units' },
  ]);

export async function h3Units(db: Queryable, res: H3Res): Promise<Units> {
  const level = (await studyAreaLevel(db)) ?? STUDY_AREA_LEVEL;
  return cached(db, level, `h3:${level}:${res}`, async () => {
    const rows = await areaFeatures(db, level);
    const { cells: ids, partial } = studyArea(
      rows.map((r) => JSON.parse(r.geom) as MultiPolygon),
      res,
    );
    if (ids.length < 2) throw tooFew('res', ids.length);
    const nPartial = partial.filter(Boolean).length;
    const text = `H3 res ${res} cells overlapping a ${level} polygon (${ids.length}); ${nPartial} cut by the boundary of the ${level}s' union are marked partial`;
    return {
      kind: 'h3',
      level,
      res,
      ids,
      partial,
      studyArea: text,
      names: null,
      polygons: null,
      index: new Map(ids.map((c, i) => [c, i])),
      neighbours: memoNeighbours((k) => h3Neighbours(ids, k)),
      neighbourhood: (k) => ({ type: 'k-ring', k, weights: 'binary', self: true, study_area: text }),
    };
  });
}

export function areaUnits(db: Queryable, level: string): Promise<Units> {
  return cached(db, level, `area:${level}`, async () => {
    const rows = await areaFeatures(db, level);
    if (rows.length < 2) throw tooFew('level', rows.length);
    const polygons = rows.map((r) => JSON.parse(r.geom) as MultiPolygon);
    const nb = queenNeighbours(polygons.map((g): Feature<MultiPolygon> => ({ type: 'Feature', properties: {}, geometry: g })));
    return {
      kind: 'area',
      level,
      res: null,
      ids: rows.map((r) => r.code),
      partial: null,
      studyArea: null,
      names: rows.map((r) => r.name),
      polygons,
      index: new Map(rows.map((r, i) => [r.code, i])),
      neighbours: () => nb,
      neighbourhood: () => ({
        type: 'queen contiguity',
        weights: 'binary',
        self: true,
        rule: 'areas sharing at least one boundary point (spdep::poly2nb queen = TRUE)',
      }),
    };
  });
}

export const unitsFor = (db: Queryable, q: { res?: H3Res; level?: string }) =>
  q.res !== undefined ? h3Units(db, q.res) : areaUnits(db, q.level!);

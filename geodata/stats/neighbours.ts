// Neighbour lists for Gi*: H3 k-rings over a study area, and queen contiguity between polygons.
//
// How to call:
//   const cells = studyAreaCells(wardsFeatureCollection, 9);   // sorted H3 ids of cells overlapping a ward
//   const { cells, partial } = studyArea(wardsFeatureCollection, 9); // the same, and which are cut by the boundary
//   const nb = h3Neighbours(cells, 1);                          // nb[i] = indices into cells, self included
//   const nbWards = queenNeighbours(wardsFeatureCollection.features); // indices into features, self included
// Every list is sorted ascending and contains the unit itself (Gi* convention); use withoutSelf() to drop it.
import { featureCollection, union } from '@turf/turf';
import { gridDisk, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';

type Areal = Polygon | MultiPolygon;
type ArealInput = FeatureCollection<Areal> | ReadonlyArray<Feature<Areal> | Areal>;

function geometries(input: ArealInput): Areal[] {
  const items =
    'type' in input && input.type === 'FeatureCollection' ? input.features : (input as ReadonlyArray<Feature<Areal> | Areal>);
  return items.map((f, i) => {
    const g = 'geometry' in f ? f.geometry : f;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) throw new Error(`area ${i} is not a Polygon or MultiPolygon`);
    return g;
  });
}

/** The polygons' rings, one entry per polygon (a MultiPolygon contributes each of its parts). */
const ringsOf = (gs: readonly Areal[]) => gs.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates));

/** Cells at `res` meeting `flag` for some polygon (h3-js polygonToCellsExperimental, GeoJSON order). */
function cellsOf(polys: Position[][][], res: number, flag: string): Set<string> {
  const set = new Set<string>();
  for (const rings of polys) for (const c of polygonToCellsExperimental(rings as number[][][], res, flag, true)) set.add(c);
  return set;
}

/**
 * H3 cells at `res` that overlap the union of the polygons (WGS84 GeoJSON, [lon, lat]): every cell sharing
 * any area with some polygon (h3-js polygonToCellsExperimental, containmentOverlapping), so every point
 * inside a polygon lies in one of them. A cell overlaps the union exactly when it overlaps one of the
 * polygons, so no union is needed here. Sorted, no duplicates.
 */
export function studyAreaCells(areas: ArealInput, res: number): string[] {
  return [...cellsOf(ringsOf(geometries(areas)), res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping)].sort();
}

/**
 * The study area's cells (as studyAreaCells) and, for each, whether it is partial: not wholly inside the
 * union of the polygons (cut by its outer boundary or a hole), i.e. overlapping but not in the union's
 * containmentFull set. The union matters: a cell astride two adjacent wards lies in neither ward
 * wholly, yet wholly in the study area.
 */
export function studyArea(areas: ArealInput, res: number): { cells: string[]; partial: boolean[] } {
  const gs = geometries(areas);
  const cells = studyAreaCells(gs, res);
  const whole =
    gs.length === 1
      ? gs[0]
      : union(featureCollection(gs.map((g): Feature<Areal> => ({ type: 'Feature', properties: {}, geometry: g }))))?.geometry;
  const full = whole ? cellsOf(ringsOf([whole]), res, POLYGON_TO_CELLS_FLAGS.containmentFull) : new Set<string>();
  return { cells, partial: cells.map((c) => !full.has(c)) };
}

/**
 * k-ring neighbour lists: for each cell, the indices of cells within grid distance k (h3 gridDisk)
 * that are themselves in `cells` (the study area), the cell itself included. Sorted ascending.
 */
export function h3Neighbours(cells: ReadonlyArray<string>, k = 1): number[][] {
  if (!Number.isInteger(k) || k < 0) throw new Error(`h3Neighbours: k must be a non-negative integer, got ${k}`);
  const index = new Map<string, number>();
  cells.forEach((c, i) => {
    if (index.has(c)) throw new Error(`h3Neighbours: cell ${c} is listed twice`);
    index.set(c, i);
  });
  return cells.map((c) => {
    const out: number[] = [];
    for (const d of gridDisk(c, k)) {
      const j = index.get(d);
      if (j !== undefined) out.push(j);
    }
    return out.sort((a, b) => a - b);
  });
}

/**
 * Queen contiguity: areas i and j are neighbours when they share at least one boundary point, i.e. a
 * vertex of i lies within `snap` (coordinate units; degrees for WGS84) of a vertex of j. This is the
 * definition R spdep::poly2nb(queen = TRUE) uses, with the same default snap, sqrt(double epsilon).
 * Vertices are bucketed on a grid of cell size `snap`, so the cost is linear in the number of vertices.
 * Lists include the area itself and are sorted ascending.
 */
export function queenNeighbours(areas: ArealInput, snap = Math.sqrt(Number.EPSILON)): number[][] {
  const geoms = geometries(areas);
  if (!(snap > 0)) throw new Error('queenNeighbours: snap must be > 0');
  const buckets = new Map<string, Array<{ x: number; y: number; a: number }>>();
  const key = (gx: number, gy: number) => `${gx},${gy}`;
  const adj = geoms.map((_, i) => new Set<number>([i]));
  geoms.forEach((g, a) => {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const seen = new Set<string>();
    const add = (pt: Position) => {
      const [x, y] = pt;
      const gx = Math.floor(x / snap);
      const gy = Math.floor(y / snap);
      const k0 = key(gx, gy);
      if (seen.has(`${x},${y}`)) return;
      seen.add(`${x},${y}`);
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++) {
          const b = buckets.get(key(gx + dx, gy + dy));
          if (!b) continue;
          for (const v of b)
            if (v.a !== a && Math.abs(v.x - x) <= snap && Math.abs(v.y - y) <= snap) {
              adj[a].add(v.a);
              adj[v.a].add(a);
            }
        }
      let own = buckets.get(k0);
      if (!own) buckets.set(k0, (own = []));
      own.push({ x, y, a });
    };
    for (const rings of polys) for (const ring of rings) for (const pt of ring) add(pt);
  });
  return adj.map((s) => [...s].sort((x, y) => x - y));
}

/** The same lists without each unit itself (e.g. to hand to spdep, whose nb objects exclude self). */
export function withoutSelf(nb: ReadonlyArray<ReadonlyArray<number>>): number[][] {
  return nb.map((l, i) => l.filter((j) => j !== i));
}

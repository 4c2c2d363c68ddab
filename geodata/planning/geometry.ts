// Plane geometry for planning on the British National Grid (EPSG:27700, metres).
//
// Distances here are STRAIGHT-LINE distances on the national grid ("as the crow flies"). Grid distance
// differs from true ground distance by the grid's scale factor (0.9996 on the central meridian; about
// 0.99983 in London, i.e. 7 cm in 400 m). Real walking routes are longer (street circuity is typically
// 1.2–1.4), so a 400 m walk reaches less than a 400 m circle: coverage and outreach walk along a loaded
// walking network instead (../network/) and fall back to these straight lines only when none is loaded.
import { bngToWgs84, wgs84ToBng } from '../crs.js';
import type { Polygon, Point, MultiPolygon, Position } from 'geojson';

export type XY = [number, number];

export const lonLatToBng: (lon: number, lat: number) => XY = wgs84ToBng;
export const bngToLonLat: (x: number, y: number) => XY = bngToWgs84;

/** Straight-line distances (patrol box separation always; coverage and outreach without a walking network). */
export const DISTANCE_NOTE =
  'Distances are straight-line (as the crow flies) on the British National Grid, not walking distances. ' +
  'A real walk of the same length reaches less (street circuity is typically 1.2–1.4).';

/** Coverage and outreach when no walking network is loaded. */
export const STRAIGHT_LINE_NOTE = `${DISTANCE_NOTE} No walking network is loaded (an analyst can load one on the planning page), so coverage and outreach use straight lines.`;

/** Coverage and outreach over a loaded walking network. */
export const WALKING_NOTE =
  'Distances are walking distances along the loaded walking network (metres on the British National Grid): the straight leg from the place to the nearest point of the network, ' +
  'the shortest way along it, and the straight leg to the other place; a place inside a polygon intervention is at 0. Walking distance is never less than the straight line. ' +
  'A place farther from the network than the distance limit is not reached.';

export type SiteGeometry = Point | Polygon;

// ---------- distances on the grid ----------

/** A site projected to the grid: a point, or polygon rings (outer first) per polygon. */
export type GridShape = { kind: 'point'; xy: XY } | { kind: 'polygon'; rings: XY[][] };

export function toGrid(g: Point | Polygon | MultiPolygon): GridShape[] {
  const proj = (p: Position) => lonLatToBng(p[0], p[1]);
  if (g.type === 'Point') return [{ kind: 'point', xy: proj(g.coordinates) }];
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.map((rings) => ({ kind: 'polygon', rings: rings.map((r) => r.map(proj)) }));
}

function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}

/** Even-odd point in polygon over all rings (holes included). */
export function inside(px: number, py: number, rings: XY[][]) {
  let c = false;
  for (const r of rings)
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i];
      const [xj, yj] = r[j];
      if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) c = !c;
    }
  return c;
}

/** Grid distance (m) from a point to a shape: 0 inside a polygon, else to its nearest edge or the point. */
export function distanceTo(xy: XY, shapes: ReadonlyArray<GridShape>): number {
  let best = Infinity;
  const [px, py] = xy;
  for (const s of shapes) {
    if (s.kind === 'point') {
      best = Math.min(best, Math.hypot(px - s.xy[0], py - s.xy[1]));
      continue;
    }
    if (inside(px, py, s.rings)) return 0;
    for (const r of s.rings)
      for (let i = 1; i < r.length; i++)
        best = Math.min(best, Math.sqrt(segDist2(px, py, r[i - 1][0], r[i - 1][1], r[i][0], r[i][1])));
  }
  return best;
}

/** Bounding box of shapes [minX, minY, maxX, maxY]. */
export function gridBounds(shapes: ReadonlyArray<GridShape>): [number, number, number, number] {
  let b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const add = ([x, y]: XY) => (b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)]);
  for (const s of shapes)
    if (s.kind === 'point') add(s.xy);
    else for (const r of s.rings) r.forEach(add);
  return b;
}

/**
 * For each point, whether it lies within `distance` metres (grid, straight line) of any of the sites.
 * Sites are pre-filtered by bounding box, so the cost is about points × nearby sites.
 */
export function withinDistance(
  points: ReadonlyArray<XY>,
  sites: ReadonlyArray<ReadonlyArray<GridShape>>,
  distance: number,
): boolean[] {
  const boxes = sites.map(gridBounds);
  return points.map((p) => {
    for (let k = 0; k < sites.length; k++) {
      const b = boxes[k];
      if (p[0] < b[0] - distance || p[0] > b[2] + distance || p[1] < b[1] - distance || p[1] > b[3] + distance) continue;
      if (distanceTo(p, sites[k]) <= distance) return true;
    }
    return false;
  });
}

// Route geometry: lengths, validation, equal-length segments and points along a line.
//
// Distances are great-circle (haversine) metres on a sphere of radius 6,371,008.8 m, the mean Earth
// radius; over a borough this is within ~0.3% of the ellipsoid. Positions between two vertices are
// interpolated along the great circle (as PostGIS geography reads an edge), so a point a fraction f
// along an edge is f of the edge's haversine length from its start.
//
// Segmenting rule: a route of length L is cut into n = ceil(L / s) pieces of equal length L / n, so
// every piece is at most `s` metres (s = the chosen segment length, default 100) and there is no
// short leftover piece at the end.

export type Position = [number, number];

export const EARTH_RADIUS_M = 6_371_008.8;
export const MAX_ROUTE_VERTICES = 5000;
export const MAX_ROUTE_LENGTH_M = 20_000;
export const DEFAULT_SEGMENT_M = 100;

const rad = (d: number) => (d * Math.PI) / 180;

/** Haversine distance in metres between two lon/lat positions. */
export function haversine(a: Position, b: Position): number {
  const dLat = rad(b[1] - a[1]);
  const dLon = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Cumulative distance at each vertex (first 0, last = the line's length). */
export function cumulative(coords: readonly Position[]): number[] {
  const out = [0];
  for (let i = 1; i < coords.length; i++) out.push(out[i - 1] + haversine(coords[i - 1], coords[i]));
  return out;
}

export const lineLength = (coords: readonly Position[]) => cumulative(coords)[coords.length - 1] ?? 0;

/** Problems with a route geometry (empty list = valid). */
export function lineProblems(g: unknown): string[] {
  const geom = g as { type?: unknown; coordinates?: unknown } | null;
  if (!geom || typeof geom !== 'object') return ['geometry is missing'];
  if (geom.type !== 'LineString')
    return [`geometry is ${typeof geom.type === 'string' ? geom.type : 'not GeoJSON'}, expected LineString`];
  const c = geom.coordinates;
  if (!Array.isArray(c)) return ['coordinates must be an array of [lon, lat] positions'];
  if (c.length < 2) return ['a route needs at least 2 vertices'];
  if (c.length > MAX_ROUTE_VERTICES)
    return [`a route may have at most ${MAX_ROUTE_VERTICES} vertices (this one has ${c.length})`];
  for (let i = 0; i < c.length; i++) {
    const p = c[i];
    if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return [`vertex ${i + 1} is not a [lon, lat] pair of numbers`];
    }
    if (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) {
      return [
        `vertex ${i + 1} (${p[0]}, ${p[1]}) is outside the WGS84 range (lon -180..180, lat -90..90; British National Grid is not accepted here)`,
      ];
    }
  }
  const coords = c.map((p: number[]) => [p[0], p[1]] as Position);
  const len = lineLength(coords);
  if (len === 0) return ['the route has zero length (all vertices are the same point)'];
  if (len > MAX_ROUTE_LENGTH_M)
    return [`the route is ${(len / 1000).toFixed(2)} km long; at most ${MAX_ROUTE_LENGTH_M / 1000} km is allowed`];
  return [];
}

/** The 2D positions of a valid LineString, consecutive duplicates dropped. */
export function cleanLine(coords: readonly number[][]): Position[] {
  const out: Position[] = [];
  for (const p of coords) {
    const q: Position = [p[0], p[1]];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  return out;
}

/** The point `d` metres along the line (clamped to its ends). */
export function pointAlong(coords: readonly Position[], d: number, cum = cumulative(coords)): Position {
  const total = cum[cum.length - 1];
  if (d <= 0) return [...coords[0]] as Position;
  if (d >= total) return [...coords[coords.length - 1]] as Position;
  // Binary search for the edge holding d.
  let lo = 0,
    hi = cum.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] <= d) lo = mid;
    else hi = mid;
  }
  return interpolate(coords[lo], coords[hi], (d - cum[lo]) / (cum[hi] - cum[lo]));
}

/** The point a fraction f of the way from a to b along the great circle. */
export function interpolate(a: Position, b: Position, f: number): Position {
  const d = haversine(a, b) / EARTH_RADIUS_M;
  if (d === 0) return [a[0], a[1]];
  const [la1, lo1, la2, lo2] = [rad(a[1]), rad(a[0]), rad(b[1]), rad(b[0])];
  const s = Math.sin(d);
  const p = Math.sin((1 - f) * d) / s,
    q = Math.sin(f * d) / s;
  const x = p * Math.cos(la1) * Math.cos(lo1) + q * Math.cos(la2) * Math.cos(lo2);
  const y = p * Math.cos(la1) * Math.sin(lo1) + q * Math.cos(la2) * Math.sin(lo2);
  const z = p * Math.sin(la1) + q * Math.sin(la2);
  return [(Math.atan2(y, x) * 180) / Math.PI, (Math.atan2(z, Math.hypot(x, y)) * 180) / Math.PI];
}

/** The part of the line between `d0` and `d1` metres along it. */
export function sliceAlong(coords: readonly Position[], d0: number, d1: number, cum = cumulative(coords)): Position[] {
  const out: Position[] = [pointAlong(coords, d0, cum)];
  for (let i = 0; i < coords.length; i++) if (cum[i] > d0 && cum[i] < d1) out.push([...coords[i]] as Position);
  out.push(pointAlong(coords, d1, cum));
  return out;
}

export interface Segment {
  /** 1-based position along the route. */
  seq: number;
  start_m: number;
  end_m: number;
  length_m: number;
  coordinates: Position[];
}

/** Splits a line into n = ceil(L / maxLength) segments of equal length (see the rule at the top). */
export function splitLine(coords: readonly Position[], maxLength = DEFAULT_SEGMENT_M): Segment[] {
  if (!(maxLength > 0)) throw new Error('segment length must be positive');
  const cum = cumulative(coords);
  const total = cum[cum.length - 1];
  if (!(total > 0)) throw new Error('cannot segment a line of zero length');
  // Guard against floating-point noise turning 300.0000000001 m into four segments.
  const n = Math.max(1, Math.ceil(total / maxLength - 1e-9));
  const step = total / n;
  const out: Segment[] = [];
  for (let k = 0; k < n; k++) {
    const start = k * step;
    const end = k === n - 1 ? total : (k + 1) * step;
    out.push({ seq: k + 1, start_m: start, end_m: end, length_m: end - start, coordinates: sliceAlong(coords, start, end, cum) });
  }
  return out;
}

/** The midpoint of a line by length: where a guardian would stand on a segment. */
export const midpoint = (coords: readonly Position[]) => pointAlong(coords, lineLength(coords) / 2);

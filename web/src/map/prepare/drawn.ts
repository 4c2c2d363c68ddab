// A polygon drawn on the main map, made ready for GET /api/profile?polygon=... (pure, tested in Node):
// coordinates rounded to 1e-6 degrees, repeated points dropped, the ring closed, and simplified to at most
// the API's 200 vertices (closing point included) by removing the point that spans the smallest triangle
// (Visvalingam) until it fits. Nothing here touches MapLibre.
import type { Polygon, Position } from 'geojson';
import { MAX_POLYGON_VERTICES } from '../../../../contract/hotspots';

/** Most vertices the API accepts for a polygon (GET /api/profile). */
export const MAX_DRAWN_VERTICES = MAX_POLYGON_VERTICES;

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/** The ring's points rounded, without consecutive repeats and without a closing point. */
function openRing(ring: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const q = [round6(p[0]), round6(p[1])];
    if (!out.length || !same(out[out.length - 1], q)) out.push(q);
  }
  while (out.length > 1 && same(out[0], out[out.length - 1])) out.pop();
  return out;
}

/** The ring with its first point repeated at the end (GeoJSON's closed ring). */
export function closeRing(ring: readonly Position[]): Position[] {
  const open = openRing(ring);
  return open.length ? [...open, open[0]] : [];
}

const area2 = (a: Position, b: Position, c: Position) => Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]));

/**
 * The closed ring with at most `max` positions (closing point included): repeatedly drops the vertex
 * whose triangle with its neighbours is smallest, so the outline's shape is kept as far as possible.
 */
export function simplifyRing(ring: readonly Position[], max = MAX_DRAWN_VERTICES): Position[] {
  const pts = openRing(ring);
  const keep = Math.max(3, max - 1);
  while (pts.length > keep) {
    let best = 0;
    let bestArea = Infinity;
    for (let i = 0; i < pts.length; i++) {
      const a = area2(pts[(i - 1 + pts.length) % pts.length], pts[i], pts[(i + 1) % pts.length]);
      if (a < bestArea) (bestArea = a), (best = i);
    }
    pts.splice(best, 1);
  }
  return pts.length ? [...pts, pts[0]] : [];
}

/** The outer ring of a drawn polygon, closed and within the vertex limit; null if fewer than 3 points. */
export function drawnPolygon(p: Polygon, max = MAX_DRAWN_VERTICES): Polygon | null {
  const ring = simplifyRing(p.coordinates[0] ?? [], max);
  return ring.length >= 4 ? { type: 'Polygon', coordinates: [ring] } : null;
}

/** The `polygon` query parameter: GeoJSON text (URL-encoded where the query string is built). */
export const polygonParam = (p: Polygon) => JSON.stringify({ type: 'Polygon', coordinates: p.coordinates });

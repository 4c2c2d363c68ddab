// Candidate school-journey routes from a user-supplied walking network (GeoJSON lines, e.g. exported
// from OpenStreetMap): for each school, its k nearest hubs by straight-line distance, and the shortest
// walk between them along the network (geojson-path-finder: Dijkstra over the network's topology;
// lines must share vertices where they join, as OSM ways do; vertices within ~1 m are merged).
// School and hub are joined to their nearest network vertex by a straight leg of at most maxSnapM.
import PathFinder from 'geojson-path-finder';
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
import { haversine, lineLength, lineProblems, type Position } from './segment.js';

export interface Site {
  id: number;
  name: string;
  position: Position;
}

export interface Proposal {
  school_id: number;
  hub_id: number;
  name: string;
  length_m: number;
  /** Straight-line distance school → hub, for comparison. */
  crow_m: number;
  geometry: { type: 'LineString'; coordinates: Position[] };
}

export interface ProposalProblem {
  school_id: number;
  hub_id?: number;
  message: string;
}

export const MAX_NETWORK_VERTICES = 200_000;

/** The network's lines as LineStrings (MultiLineStrings split), or a message on bad input. */
export function networkLines(doc: unknown): FeatureCollection<LineString> | string {
  const fc = doc as { type?: string; features?: Array<{ geometry?: { type?: string; coordinates?: unknown } | null; properties?: unknown }> };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) return 'network must be a GeoJSON FeatureCollection of LineStrings';
  const out: Feature<LineString>[] = [];
  let vertices = 0;
  for (const [i, f] of fc.features.entries()) {
    const g = f?.geometry;
    const parts = g?.type === 'LineString' ? [g.coordinates] : g?.type === 'MultiLineString' && Array.isArray(g.coordinates) ? (g.coordinates as unknown[]) : null;
    if (!parts) return `network feature ${i + 1}: geometry is ${g?.type ?? 'missing'}, expected LineString or MultiLineString`;
    for (const c of parts) {
      if (!Array.isArray(c) || c.length < 2) return `network feature ${i + 1}: a line needs at least 2 vertices`;
      const bad = c.find((p) => !Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90);
      if (bad) return `network feature ${i + 1}: vertex ${JSON.stringify(bad)} is not WGS84 lon/lat`;
      vertices += c.length;
      out.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: (c as number[][]).map((p) => [p[0], p[1]]) } });
    }
  }
  if (!out.length) return 'the network has no lines';
  if (vertices > MAX_NETWORK_VERTICES) return `the network has ${vertices} vertices; at most ${MAX_NETWORK_VERTICES}`;
  return { type: 'FeatureCollection', features: out };
}

const point = (p: Position): Feature<Point> => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } });

export function proposeRoutes(network: FeatureCollection<LineString>, schools: Site[], hubs: Site[], o: { k: number; maxSnapM: number }) {
  const tolerance = 1e-5; // degrees (~1 m): the path finder's vertex-merging grid
  const finder = new PathFinder(network, { tolerance, weight: (a, b) => haversine(a as Position, b as Position) });
  const vertices: Position[] = [];
  const seen = new Set<string>();
  for (const f of network.features) {
    for (const p of f.geometry.coordinates) {
      const key = `${p[0]},${p[1]}`;
      if (!seen.has(key)) (seen.add(key), vertices.push([p[0], p[1]]));
    }
  }
  const nearestVertex = (p: Position) => {
    let best: Position | null = null, d = Infinity;
    for (const v of vertices) {
      const dv = haversine(p, v);
      if (dv < d) [best, d] = [v, dv];
    }
    return { vertex: best!, distance: d };
  };
  const snapped = new Map<string, ReturnType<typeof nearestVertex>>();
  const snap = (kind: string, s: Site) => {
    const k = `${kind}:${s.id}`;
    if (!snapped.has(k)) snapped.set(k, nearestVertex(s.position));
    return snapped.get(k)!;
  };
  const proposals: Proposal[] = [];
  const problems: ProposalProblem[] = [];
  for (const school of schools) {
    const a = snap('school', school);
    if (a.distance > o.maxSnapM) {
      problems.push({ school_id: school.id, message: `the school is ${Math.round(a.distance)} m from the network (at most ${o.maxSnapM} m)` });
      continue;
    }
    const nearest = hubs.map((h) => ({ h, d: haversine(school.position, h.position) })).sort((x, y) => x.d - y.d || x.h.id - y.h.id).slice(0, o.k);
    for (const { h, d } of nearest) {
      const b = snap('hub', h);
      if (b.distance > o.maxSnapM) {
        problems.push({ school_id: school.id, hub_id: h.id, message: `the hub is ${Math.round(b.distance)} m from the network (at most ${o.maxSnapM} m)` });
        continue;
      }
      const path = finder.findPath(point(a.vertex), point(b.vertex));
      if (!path) {
        problems.push({ school_id: school.id, hub_id: h.id, message: 'no path along the network between them (the network is not connected there)' });
        continue;
      }
      const coords: Position[] = [school.position, ...(path.path as Position[]), h.position].filter(
        (p, i, all) => i === 0 || p[0] !== all[i - 1][0] || p[1] !== all[i - 1][1],
      );
      const geometry = { type: 'LineString' as const, coordinates: coords };
      const bad = lineProblems(geometry);
      if (bad.length) {
        problems.push({ school_id: school.id, hub_id: h.id, message: bad.join('; ') });
        continue;
      }
      proposals.push({ school_id: school.id, hub_id: h.id, name: `${school.name} to ${h.name}`.slice(0, 200), length_m: Math.round(lineLength(coords) * 1000) / 1000, crow_m: Math.round(d * 1000) / 1000, geometry });
    }
  }
  return { proposals, problems };
}

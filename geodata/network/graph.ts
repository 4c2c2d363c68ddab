// The walking network graph (issue 12: one network for route proposals, planning coverage and outreach).
//
// A network is a set of lines of WGS84 [lon, lat] vertices (street centrelines, footways, e.g. exported from
// OpenStreetMap). Its graph is measured on the British National Grid (EPSG:27700, metres):
//   - one vertex-merge rule: lines join where they share a vertex, equal to 1e-7 degrees (about 1 cm; OSM
//     stores 7 decimals); lines that merely cross or come close do not join;
//   - one snapping rule: a place joins the network at the nearest point of the nearest edge (not the
//     nearest vertex), which splits that edge in two (see Snap and ./search.ts), by a straight leg (its gap).
// The spatial index for snapping is flatbush.
import Flatbush from 'flatbush';
import type { Feature, FeatureCollection, LineString } from 'geojson';
import { lonLatToBng, type XY } from '../planning/geometry.js';

export interface NetworkGraph {
  nodeCount: number;
  /** Node positions on the grid (metres) and as first read (WGS84), by node id. */
  x: Float64Array;
  y: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  /** Edge e joins nodes edgeA[e] and edgeB[e]; its length in grid metres is edgeLen[e]. */
  edgeA: Uint32Array;
  edgeB: Uint32Array;
  edgeLen: Float64Array;
  /** Adjacency (both directions): the neighbours of node n are adjNode[adjStart[n] .. adjStart[n+1]). */
  adjStart: Uint32Array;
  adjNode: Uint32Array;
  adjLen: Float64Array;
  /** Edges' bounding boxes, in edge order. */
  index: Flatbush;
}

/**
 * A place's join to the network: edge, metres along it from edgeA, and the straight gap to it. The snapped
 * point splits the edge into edgeA → point (along) and point → edgeB (edgeLen - along).
 */
export interface Snap {
  edge: number;
  along: number;
  gap: number;
}

/** The vertex-merge rule: the key of a WGS84 vertex, rounded to 1e-7 degrees. */
export const vertexKey = (lon: number, lat: number) => `${Math.round(lon * 1e7)},${Math.round(lat * 1e7)}`;

export const MAX_NETWORK_VERTICES = 200_000;

/** The network's lines as LineStrings (MultiLineStrings split), or a message on bad input. */
export function networkLines(doc: unknown): FeatureCollection<LineString> | string {
  const fc = doc as {
    type?: string;
    features?: Array<{ geometry?: { type?: string; coordinates?: unknown } | null; properties?: unknown }>;
  };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    return 'network must be a GeoJSON FeatureCollection of LineStrings';
  const out: Feature<LineString>[] = [];
  let vertices = 0;
  for (const [i, f] of fc.features.entries()) {
    const g = f?.geometry;
    const parts =
      g?.type === 'LineString'
        ? [g.coordinates]
        : g?.type === 'MultiLineString' && Array.isArray(g.coordinates)
          ? (g.coordinates as unknown[])
          : null;
    if (!parts) return `network feature ${i + 1}: geometry is ${g?.type ?? 'missing'}, expected LineString or MultiLineString`;
    for (const c of parts) {
      if (!Array.isArray(c) || c.length < 2) return `network feature ${i + 1}: a line needs at least 2 vertices`;
      const bad = c.find(
        (p) =>
          !Array.isArray(p) ||
          typeof p[0] !== 'number' ||
          typeof p[1] !== 'number' ||
          Math.abs(p[0]) > 180 ||
          Math.abs(p[1]) > 90,
      );
      if (bad) return `network feature ${i + 1}: vertex ${JSON.stringify(bad)} is not WGS84 lon/lat`;
      vertices += c.length;
      out.push({
        type: 'Feature',
        properties: {},
        geometry: { type: 'LineString', coordinates: (c as number[][]).map((p) => [p[0], p[1]]) },
      });
    }
  }
  if (!out.length) return 'the network has no lines';
  if (vertices > MAX_NETWORK_VERTICES) return `the network has ${vertices} vertices; at most ${MAX_NETWORK_VERTICES}`;
  return { type: 'FeatureCollection', features: out };
}

/** The graph of a network given as lines of WGS84 [lon, lat] vertices (throws when it has no edge). */
export function buildNetwork(lines: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>): NetworkGraph {
  const ids = new Map<string, number>();
  const xs: number[] = [];
  const ys: number[] = [];
  const lons: number[] = [];
  const lats: number[] = [];
  const ea: number[] = [];
  const eb: number[] = [];
  const node = (p: ReadonlyArray<number>) => {
    const key = vertexKey(p[0], p[1]);
    let id = ids.get(key);
    if (id === undefined) {
      const [x, y] = lonLatToBng(p[0], p[1]);
      ids.set(key, (id = xs.length));
      xs.push(x);
      ys.push(y);
      lons.push(p[0]);
      lats.push(p[1]);
    }
    return id;
  };
  for (const line of lines) {
    let prev = -1;
    for (const p of line) {
      const n = node(p);
      if (prev >= 0 && prev !== n) ea.push(prev), eb.push(n);
      prev = n;
    }
  }
  const nodeCount = xs.length;
  const edges = ea.length;
  if (edges === 0) throw new Error('the walking network has no edges');
  const x = Float64Array.from(xs);
  const y = Float64Array.from(ys);
  const edgeA = Uint32Array.from(ea);
  const edgeB = Uint32Array.from(eb);
  const edgeLen = new Float64Array(edges);
  const degree = new Uint32Array(nodeCount + 1);
  const index = new Flatbush(edges);
  for (let e = 0; e < edges; e++) {
    const a = edgeA[e];
    const b = edgeB[e];
    edgeLen[e] = Math.hypot(x[b] - x[a], y[b] - y[a]);
    degree[a]++;
    degree[b]++;
    index.add(Math.min(x[a], x[b]), Math.min(y[a], y[b]), Math.max(x[a], x[b]), Math.max(y[a], y[b]));
  }
  index.finish();
  const adjStart = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) adjStart[n + 1] = adjStart[n] + degree[n];
  const fill = adjStart.slice(0, nodeCount);
  const adjNode = new Uint32Array(2 * edges);
  const adjLen = new Float64Array(2 * edges);
  for (let e = 0; e < edges; e++) {
    const a = edgeA[e];
    const b = edgeB[e];
    adjNode[fill[a]] = b;
    adjLen[fill[a]++] = edgeLen[e];
    adjNode[fill[b]] = a;
    adjLen[fill[b]++] = edgeLen[e];
  }
  return {
    nodeCount,
    x,
    y,
    lon: Float64Array.from(lons),
    lat: Float64Array.from(lats),
    edgeA,
    edgeB,
    edgeLen,
    adjStart,
    adjNode,
    adjLen,
    index,
  };
}

/** The nearest point of the network to `xy` within `maxGap` metres (null when none is that close). */
export function snapToNetwork(g: NetworkGraph, xy: XY, maxGap: number): Snap | null {
  // An edge's box is never farther than the edge, so: the edge with the nearest box gives a first gap, and
  // every edge that could be nearer has its box within that gap; measure those. Ties: the lowest edge id.
  const [first] = g.index.neighbors(xy[0], xy[1], 1, maxGap);
  if (first === undefined) return null;
  let best = snapTo(g, xy, first);
  const r = best.gap;
  for (const e of g.index.search(xy[0] - r, xy[1] - r, xy[0] + r, xy[1] + r)) {
    const s = snapTo(g, xy, e);
    if (s.gap < best.gap || (s.gap === best.gap && e < best.edge)) best = s;
  }
  return best.gap <= maxGap ? best : null;
}

/** The nearest point of edge e to xy. */
function snapTo(g: NetworkGraph, [px, py]: XY, e: number): Snap {
  const a = g.edgeA[e];
  const b = g.edgeB[e];
  const dx = g.x[b] - g.x[a];
  const dy = g.y[b] - g.y[a];
  const len = g.edgeLen[e];
  const t = Math.max(0, Math.min(1, ((px - g.x[a]) * dx + (py - g.y[a]) * dy) / (len * len)));
  return { edge: e, along: t * len, gap: Math.hypot(g.x[a] + t * dx - px, g.y[a] + t * dy - py) };
}

/**
 * The snapped point as WGS84 [lon, lat]: interpolated between its edge's end vertices as read (exactly a
 * vertex's coordinates at either end; the grid is linear in lon/lat to well under a millimetre along an edge).
 */
export function snapLonLat(g: NetworkGraph, s: Snap): [number, number] {
  const a = g.edgeA[s.edge];
  const b = g.edgeB[s.edge];
  const t = Math.max(0, Math.min(1, s.along / g.edgeLen[s.edge]));
  if (t === 0) return [g.lon[a], g.lat[a]];
  if (t === 1) return [g.lon[b], g.lat[b]];
  return [g.lon[a] + t * (g.lon[b] - g.lon[a]), g.lat[a] + t * (g.lat[b] - g.lat[a])];
}

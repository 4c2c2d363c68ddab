// Walking distances over a walking network (street/footway lines), on the British National Grid (metres).
//
// The walking distance from a site to a location is
//   gap(site → network) + shortest path along the network + gap(network → location),
// where each gap is the straight leg to the nearest point on the nearest network edge (not just the nearest
// vertex), and a site and a location on the same edge may walk straight along it. A location inside a
// polygon site is at distance 0; a polygon site starts walking from every network vertex inside it and
// from the nearest network point of each of its ring vertices.
// Every leg is at least the straight line it replaces, so walking distance >= straight-line distance
// (triangle inequality): a straight-line pre-filter never drops a location that walking would reach.
//
// How to call:
//   const g = buildWalkingGraph(lines);                          // lines: WGS84 [lon, lat] vertex lists
//   const within = walkingDistances(g, points, sites, 400);       // per point: metres, Infinity beyond 400
//   const covers = walkingCoverSets(g, candidates, demand, 400);  // per candidate: demand indices within 400 m
//
// Search: a Dijkstra search from all of a site's entry points at once (multi-source, each seeded with its
// gap), stopped at the distance limit, over a compact adjacency array with flatqueue as the priority queue.
// Written here because no maintained graph library on npm exposes a bounded, seeded multi-source search:
// graphology-shortest-path's public dijkstra.singleSource has no cutoff (its internal cutoff is not
// exported) and builds every path; ngraph.path is point-to-point A*; dijkstrajs and node-dijkstra have no
// cutoff either. The spatial index for snapping is flatbush.
import Flatbush from 'flatbush';
import FlatQueue from 'flatqueue';
import { distanceTo, inside, lonLatToBng, type GridShape, type XY } from './geometry.js';

export interface WalkingGraph {
  nodeCount: number;
  x: Float64Array;
  y: Float64Array;
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

/** A position on the network: edge, metres along it from edgeA, and the straight gap to it. */
export interface Snap {
  edge: number;
  along: number;
  gap: number;
}

/**
 * The graph of a network given as lines of WGS84 [lon, lat] vertices. Lines join where they share a vertex
 * (equal to 1e-7 degrees, about 1 cm), as OpenStreetMap ways do; lines that merely cross do not join.
 */
export function buildWalkingGraph(lines: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>): WalkingGraph {
  const ids = new Map<string, number>();
  const xs: number[] = [];
  const ys: number[] = [];
  const ea: number[] = [];
  const eb: number[] = [];
  const node = (p: ReadonlyArray<number>) => {
    const key = `${p[0].toFixed(7)},${p[1].toFixed(7)}`;
    let id = ids.get(key);
    if (id === undefined) {
      const [x, y] = lonLatToBng(p[0], p[1]);
      ids.set(key, (id = xs.length));
      xs.push(x);
      ys.push(y);
    }
    return id;
  };
  for (const line of lines) {
    let prev = -1;
    for (const p of line) {
      const n = node(p);
      if (prev >= 0 && prev !== n) (ea.push(prev), eb.push(n));
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
  return { nodeCount, x, y, edgeA, edgeB, edgeLen, adjStart, adjNode, adjLen, index };
}

/** The nearest point of the network to `xy` within `maxGap` metres (null when none is that close). */
export function snapToNetwork(g: WalkingGraph, xy: XY, maxGap: number): Snap | null {
  // An edge's box is never farther than the edge, so: the edge with the nearest box gives a first gap, and
  // every edge that could be nearer has its box within that gap; measure those.
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
function snapTo(g: WalkingGraph, [px, py]: XY, e: number): Snap {
  const a = g.edgeA[e];
  const b = g.edgeB[e];
  const dx = g.x[b] - g.x[a];
  const dy = g.y[b] - g.y[a];
  const len = g.edgeLen[e];
  const t = Math.max(0, Math.min(1, ((px - g.x[a]) * dx + (py - g.y[a]) * dy) / (len * len)));
  return { edge: e, along: t * len, gap: Math.hypot(g.x[a] + t * dx - px, g.y[a] + t * dy - py) };
}

/** Where walking from a set of sites starts: network vertices with a starting distance, and snapped points. */
interface Sources {
  seeds: Array<{ node: number; dist: number }>;
  /** Snapped entry points by edge: a location on the same edge may walk straight along it. */
  onEdge: Map<number, Snap[]>;
  /** Polygon sites (a location inside one is at distance 0). */
  polygons: GridShape[];
}

function addEntry(g: WalkingGraph, src: Sources, s: Snap) {
  src.seeds.push({ node: g.edgeA[s.edge], dist: s.gap + s.along }, { node: g.edgeB[s.edge], dist: s.gap + g.edgeLen[s.edge] - s.along });
  const l = src.onEdge.get(s.edge);
  if (l) l.push(s);
  else src.onEdge.set(s.edge, [s]);
}

function sourcesOf(g: WalkingGraph, sites: ReadonlyArray<ReadonlyArray<GridShape>>, limit: number): Sources {
  const src: Sources = { seeds: [], onEdge: new Map(), polygons: [] };
  for (const shapes of sites)
    for (const s of shapes) {
      if (s.kind === 'point') {
        const snap = snapToNetwork(g, s.xy, limit);
        if (snap) addEntry(g, src, snap);
        continue;
      }
      src.polygons.push(s);
      // Vertices inside the polygon: walking starts there.
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const r of s.rings) for (const [x, y] of r) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      const seen = new Set<number>();
      for (const e of g.index.search(x0, y0, x1, y1))
        for (const n of [g.edgeA[e], g.edgeB[e]])
          if (!seen.has(n)) {
            seen.add(n);
            if (inside(g.x[n], g.y[n], s.rings)) src.seeds.push({ node: n, dist: 0 });
          }
      // And from the network point nearest each vertex of its outer ring (its edge).
      for (const xy of s.rings[0]) {
        const snap = snapToNetwork(g, xy, limit);
        if (snap) addEntry(g, src, snap);
      }
    }
  return src;
}

/** Reusable bounded multi-source Dijkstra over one graph (resets only what a search touched). */
class BoundedSearch {
  readonly dist: Float64Array;
  private touched: number[] = [];
  private queue = new FlatQueue<number>();
  constructor(private g: WalkingGraph) {
    this.dist = new Float64Array(g.nodeCount).fill(Infinity);
  }
  run(seeds: ReadonlyArray<{ node: number; dist: number }>, limit: number) {
    const { dist, queue, touched } = this;
    for (const n of touched) dist[n] = Infinity;
    touched.length = 0;
    queue.clear();
    for (const s of seeds)
      if (s.dist <= limit && s.dist < dist[s.node]) {
        if (dist[s.node] === Infinity) touched.push(s.node);
        dist[s.node] = s.dist;
        queue.push(s.node, s.dist);
      }
    const { adjStart, adjNode, adjLen } = this.g;
    while (queue.length) {
      const d = queue.peekValue()!;
      const n = queue.pop()!;
      if (d > dist[n]) continue; // a stale entry
      for (let k = adjStart[n]; k < adjStart[n + 1]; k++) {
        const m = adjNode[k];
        const dm = d + adjLen[k];
        if (dm <= limit && dm < dist[m]) {
          if (dist[m] === Infinity) touched.push(m);
          dist[m] = dm;
          queue.push(m, dm);
        }
      }
    }
  }
}

/** Walking distance to a snapped location from the last search's sources (Infinity when unreached). */
function distanceAt(g: WalkingGraph, dist: Float64Array, src: Sources, at: Snap): number {
  let d = Math.min(dist[g.edgeA[at.edge]] + at.along, dist[g.edgeB[at.edge]] + g.edgeLen[at.edge] - at.along) + at.gap;
  for (const s of src.onEdge.get(at.edge) ?? []) d = Math.min(d, s.gap + Math.abs(s.along - at.along) + at.gap);
  return d;
}

/**
 * Walking distance (m) from the nearest of `sites` to each point, or Infinity when it is more than `limit`
 * (pass Infinity for no limit). One search from all sites together.
 */
export function walkingDistances(g: WalkingGraph, points: ReadonlyArray<XY>, sites: ReadonlyArray<ReadonlyArray<GridShape>>, limit: number): Float64Array {
  const out = new Float64Array(points.length).fill(Infinity);
  if (!sites.length) return out;
  const snapLimit = Number.isFinite(limit) ? limit : 5000;
  const src = sourcesOf(g, sites, snapLimit);
  const search = new BoundedSearch(g);
  search.run(src.seeds, limit);
  points.forEach((p, i) => {
    if (src.polygons.length && distanceTo(p, src.polygons) === 0) return void (out[i] = 0);
    const at = snapToNetwork(g, p, snapLimit);
    if (!at) return;
    const d = distanceAt(g, search.dist, src, at);
    if (d <= limit) out[i] = d;
  });
  return out;
}

/**
 * covers[j] = indices of the demand points within `limit` metres' walk of candidate j (a point), ascending.
 * Only demand within `limit` in a straight line is looked at (walking is never shorter).
 */
export function walkingCoverSets(g: WalkingGraph, cands: ReadonlyArray<XY>, demand: ReadonlyArray<XY>, limit: number): number[][] {
  const snaps = demand.map((p) => snapToNetwork(g, p, limit));
  const key = (x: number, y: number) => `${Math.floor(x / limit)},${Math.floor(y / limit)}`;
  const grid = new Map<string, number[]>();
  demand.forEach(([x, y], i) => {
    if (!snaps[i]) return;
    const k = key(x, y);
    const l = grid.get(k);
    if (l) l.push(i);
    else grid.set(k, [i]);
  });
  const search = new BoundedSearch(g);
  return cands.map((c) => {
    const out: number[] = [];
    const start = snapToNetwork(g, c, limit);
    if (!start) return out;
    const src: Sources = { seeds: [], onEdge: new Map(), polygons: [] };
    addEntry(g, src, start);
    search.run(src.seeds, limit);
    const gx = Math.floor(c[0] / limit);
    const gy = Math.floor(c[1] / limit);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const i of grid.get(`${gx + dx},${gy + dy}`) ?? []) {
          if (Math.hypot(demand[i][0] - c[0], demand[i][1] - c[1]) > limit) continue;
          if (distanceAt(g, search.dist, src, snaps[i]!) <= limit) out.push(i);
        }
    return out.sort((a, b) => a - b);
  });
}

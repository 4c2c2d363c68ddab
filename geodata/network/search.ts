// Shortest paths and driving distances over the walking network (./graph.ts): the one engine behind route
// proposals (geodata/journeys/proposals.ts), planning coverage and outreach (api/planning/).
//
// The walking distance from a site to a location is
//   gap(site → network) + shortest path along the network + gap(network → location),
// where each gap is the straight leg to the nearest point on the nearest network edge; that point splits the
// edge, so the walk leaves it towards either end, and a site and a location on the same edge may walk
// straight along it. A location inside a polygon site is at distance 0; a polygon site starts walking from
// every network vertex inside it and from the nearest network point of each of its ring vertices.
// Every leg is at least the straight line it replaces, so walking distance >= straight-line distance
// (triangle inequality): a straight-line pre-filter never drops a location that walking would reach.
//
// How to call:
//   const g = buildNetwork(lines);                               // lines: WGS84 [lon, lat] vertex lists
//   const within = walkingDistances(g, points, sites, 400);       // per point: metres, Infinity beyond 400
//   const covers = walkingCoverSets(g, candidates, demand, 400);  // per candidate: demand indices within 400 m
//   const walks = walksFrom(g, snapA, [snapB, snapC]);            // shortest walks with the nodes they pass
//   const reach = nodeDistances(g, entrySeeds(g, snapA), 400);    // driving distance: metres to every node
//
// Search: a Dijkstra search from all of a site's entry points at once (multi-source, each seeded with its
// distance), stopped at the distance limit, over a compact adjacency array with flatqueue as the priority
// queue, keeping each node's predecessor for paths. Written here because no maintained graph library on npm
// exposes a bounded, seeded multi-source search: graphology-shortest-path's public dijkstra.singleSource has
// no cutoff (its internal cutoff is not exported) and builds every path; ngraph.path is point-to-point A*;
// geojson-path-finder is point-to-point between vertices (no snapping onto edges, no cutoff); dijkstrajs and
// node-dijkstra have no cutoff either. test/network-pgrouting.test.ts checks it against pgRouting.
import FlatQueue from 'flatqueue';
import { distanceTo, inside, type GridShape, type XY } from '../planning/geometry.js';
import { snapToNetwork, type NetworkGraph, type Snap } from './graph.js';

export interface Seed {
  node: number;
  dist: number;
}

/** Where walking from a snapped point starts: both ends of its edge, each at the gap plus the walk to it. */
export function entrySeeds(g: NetworkGraph, s: Snap): Seed[] {
  return [
    { node: g.edgeA[s.edge], dist: s.gap + s.along },
    { node: g.edgeB[s.edge], dist: s.gap + g.edgeLen[s.edge] - s.along },
  ];
}

/** Where walking from a set of sites starts: network vertices with a starting distance, and snapped points. */
interface Sources {
  seeds: Seed[];
  /** Snapped entry points by edge: a location on the same edge may walk straight along it. */
  onEdge: Map<number, Snap[]>;
  /** Polygon sites (a location inside one is at distance 0). */
  polygons: GridShape[];
}

function addEntry(g: NetworkGraph, src: Sources, s: Snap) {
  src.seeds.push(...entrySeeds(g, s));
  const l = src.onEdge.get(s.edge);
  if (l) l.push(s);
  else src.onEdge.set(s.edge, [s]);
}

function sourcesOf(g: NetworkGraph, sites: ReadonlyArray<ReadonlyArray<GridShape>>, limit: number): Sources {
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
      for (const r of s.rings)
        for (const [x, y] of r) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
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
  /** The node each node was reached from (-1: a seed, or not reached). */
  readonly prev: Int32Array;
  private touched: number[] = [];
  private queue = new FlatQueue<number>();
  constructor(private g: NetworkGraph) {
    this.dist = new Float64Array(g.nodeCount).fill(Infinity);
    this.prev = new Int32Array(g.nodeCount).fill(-1);
  }
  run(seeds: ReadonlyArray<Seed>, limit: number) {
    const { dist, prev, queue, touched } = this;
    for (const n of touched) (dist[n] = Infinity), (prev[n] = -1);
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
          prev[m] = n;
          queue.push(m, dm);
        }
      }
    }
  }
}

/**
 * Driving distance: metres from the nearest seed to every node along the network, Infinity beyond `limit`
 * (the reach set is the nodes with a finite distance).
 */
export function nodeDistances(g: NetworkGraph, seeds: ReadonlyArray<Seed>, limit = Infinity): Float64Array {
  const search = new BoundedSearch(g);
  search.run(seeds, limit);
  return search.dist;
}

/** Walking distance to a snapped location from the last search's sources (Infinity when unreached). */
function distanceAt(g: NetworkGraph, dist: Float64Array, src: Sources, at: Snap): number {
  let d = Math.min(dist[g.edgeA[at.edge]] + at.along, dist[g.edgeB[at.edge]] + g.edgeLen[at.edge] - at.along) + at.gap;
  for (const s of src.onEdge.get(at.edge) ?? []) d = Math.min(d, s.gap + Math.abs(s.along - at.along) + at.gap);
  return d;
}

/**
 * Walking distance (m) from the nearest of `sites` to each point, or Infinity when it is more than `limit`
 * (pass Infinity for no limit). One search from all sites together.
 */
export function walkingDistances(
  g: NetworkGraph,
  points: ReadonlyArray<XY>,
  sites: ReadonlyArray<ReadonlyArray<GridShape>>,
  limit: number,
): Float64Array {
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
export function walkingCoverSets(
  g: NetworkGraph,
  cands: ReadonlyArray<XY>,
  demand: ReadonlyArray<XY>,
  limit: number,
): number[][] {
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

/** A shortest walk between two snapped places: its length (gaps included) and the network nodes it passes. */
export interface Walk {
  length_m: number;
  /** Network nodes from the first one after the start's snapped point to the last before the end's. */
  nodes: number[];
}

/**
 * The shortest walk from `from` to each of `to` (null when the network does not join them within `limit`):
 * the same distances walkingDistances gives for a point site, with the path. One search for all targets.
 */
export function walksFrom(g: NetworkGraph, from: Snap, to: ReadonlyArray<Snap>, limit = Infinity): Array<Walk | null> {
  const search = new BoundedSearch(g);
  const src: Sources = { seeds: [], onEdge: new Map(), polygons: [] };
  addEntry(g, src, from);
  search.run(src.seeds, limit);
  const { dist, prev } = search;
  const back = (n: number) => {
    const nodes: number[] = [];
    for (let m = n; m >= 0; m = prev[m]) nodes.push(m);
    return nodes.reverse();
  };
  return to.map((at) => {
    const a = g.edgeA[at.edge];
    const b = g.edgeB[at.edge];
    const viaA = dist[a] + at.along + at.gap;
    const viaB = dist[b] + g.edgeLen[at.edge] - at.along + at.gap;
    const direct = at.edge === from.edge ? from.gap + Math.abs(from.along - at.along) + at.gap : Infinity;
    const length = Math.min(viaA, viaB, direct);
    if (!(length <= limit)) return null;
    if (direct === length) return { length_m: length, nodes: [] };
    return { length_m: length, nodes: back(viaA <= viaB ? a : b) };
  });
}

// Knox test for space–time clustering (Knox 1964), with Monte Carlo expectations from permuting event times
// (as in the Near Repeat Calculator, Ratcliffe 2009).
//
// How to call:
//   const ev = events.map((e) => ({ ...lonLatToBng(e.lon, e.lat), day: e.day }));   // metres, day number
//   knoxTest(ev, { precision: 'day' })   // defaults: 0–100–200–400 m × 0–7–14–28 days, 999 permutations
// `precision` is the time precision of the events ('month' | 'day' | 'minute'); month-precision data
// (police.uk) are refused, since same-month pairs cannot be placed in day bands.
//
// For every pair of distinct events, distance d (Euclidean, metres) and time lag |t_i − t_j| (days) fall in
// band [lo, hi) (the first band includes 0). Observed = pairs per (distance band × time band) cell.
// Expected = mean of the same counts over `permutations` random re-assignments of the event times to the
// event locations (seeded, so results repeat). ratio = observed / expected. p = (1 + #{perm ≥ observed}) /
// (1 + permutations), a one-sided test of "more close pairs than chance".
// Cost: pairs within the largest distance are found once through a uniform grid of cell size = max
// distance; each permutation only re-bins those pairs, O(pairs) per permutation.
import { wgs84ToBng } from '../crs.js';
import { Rng } from './prng.js';

export interface KnoxEvent {
  /** Easting / x in metres (e.g. British National Grid). */
  x: number;
  y: number;
  /** Time in days (any origin, may be fractional). */
  day: number;
}

export interface KnoxOptions {
  precision: 'month' | 'day' | 'minute';
  /** Band edges in metres, ascending, starting at 0. Default [0, 100, 200, 400]. */
  distanceBands?: number[];
  /** Band edges in days, ascending, starting at 0. Default [0, 7, 14, 28]. */
  timeBands?: number[];
  permutations?: number;
  seed?: number;
}

export interface KnoxCell {
  distanceFrom: number;
  distanceTo: number;
  timeFrom: number;
  timeTo: number;
  observed: number;
  expected: number;
  /** observed / expected (Infinity when expected = 0 < observed, NaN when both are 0). */
  ratio: number;
  p: number;
}

export interface KnoxResult {
  method: 'Knox test, Monte Carlo permutation of event times';
  events: number;
  permutations: number;
  seed: number;
  /** Pairs closer than the largest distance edge (the pairs that are re-binned per permutation). */
  closePairs: number;
  cells: KnoxCell[];
}

/** WGS84 lon/lat → British National Grid metres, for Knox distances. */
export function lonLatToBng(lon: number, lat: number): { x: number; y: number } {
  const [x, y] = wgs84ToBng(lon, lat);
  return { x, y };
}

function checkEdges(name: string, e: number[]) {
  if (e.length < 2 || e[0] !== 0) throw new Error(`knoxTest: ${name} must start at 0 and have at least two edges`);
  for (let i = 1; i < e.length; i++) if (!(e[i] > e[i - 1])) throw new Error(`knoxTest: ${name} must be strictly increasing`);
}

function bandOf(edges: number[], v: number): number {
  for (let b = 0; b < edges.length - 1; b++) if (v < edges[b + 1]) return b;
  return -1;
}

export function knoxTest(events: ReadonlyArray<KnoxEvent>, opts: KnoxOptions): KnoxResult {
  if (opts.precision === 'month')
    throw new Error(
      'knoxTest: the events have month precision (e.g. police.uk); the Knox test needs at least day precision for its time bands',
    );
  if (opts.precision !== 'day' && opts.precision !== 'minute')
    throw new Error(`knoxTest: unknown precision "${opts.precision as string}"`);
  const dEdges = opts.distanceBands ?? [0, 100, 200, 400];
  const tEdges = opts.timeBands ?? [0, 7, 14, 28];
  const perms = opts.permutations ?? 999;
  const seed = opts.seed ?? 1;
  checkEdges('distanceBands', dEdges);
  checkEdges('timeBands', tEdges);
  if (!Number.isInteger(perms) || perms < 1) throw new Error('knoxTest: permutations must be a positive integer');
  const n = events.length;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    if (!Number.isFinite(e.x) || !Number.isFinite(e.y) || !Number.isFinite(e.day))
      throw new Error(`knoxTest: event ${i} has a non-finite coordinate or day`);
  }
  const nd = dEdges.length - 1;
  const nt = tEdges.length - 1;
  const maxD = dEdges[nd];

  // Close pairs (d < maxD) through a grid of cell size maxD: only the 3x3 block around a cell can hold them.
  const grid = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const k = `${Math.floor(events[i].x / maxD)},${Math.floor(events[i].y / maxD)}`;
    let c = grid.get(k);
    if (!c) grid.set(k, (c = []));
    c.push(i);
  }
  const pa: number[] = [];
  const pb: number[] = [];
  const pd: number[] = [];
  for (let i = 0; i < n; i++) {
    const gx = Math.floor(events[i].x / maxD);
    const gy = Math.floor(events[i].y / maxD);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++) {
        const c = grid.get(`${gx + dx},${gy + dy}`);
        if (!c) continue;
        for (const j of c) {
          if (j <= i) continue;
          const d = Math.hypot(events[i].x - events[j].x, events[i].y - events[j].y);
          const band = bandOf(dEdges, d);
          if (band < 0) continue;
          pa.push(i);
          pb.push(j);
          pd.push(band);
        }
      }
  }
  const m = pa.length;
  const count = (times: Float64Array): Int32Array => {
    const out = new Int32Array(nd * nt);
    for (let k = 0; k < m; k++) {
      const tb = bandOf(tEdges, Math.abs(times[pa[k]] - times[pb[k]]));
      if (tb >= 0) out[pd[k] * nt + tb]++;
    }
    return out;
  };
  const times = Float64Array.from(events, (e) => e.day);
  const observed = count(times);
  const sum = new Float64Array(nd * nt);
  const atLeast = new Int32Array(nd * nt);
  const rng = new Rng(seed);
  const shuffled = Float64Array.from(times);
  for (let r = 0; r < perms; r++) {
    rng.shuffle(shuffled);
    const c = count(shuffled);
    for (let k = 0; k < c.length; k++) {
      sum[k] += c[k];
      if (c[k] >= observed[k]) atLeast[k]++;
    }
  }
  const cells: KnoxCell[] = [];
  for (let a = 0; a < nd; a++)
    for (let b = 0; b < nt; b++) {
      const k = a * nt + b;
      const expected = sum[k] / perms;
      const obs = observed[k];
      cells.push({
        distanceFrom: dEdges[a],
        distanceTo: dEdges[a + 1],
        timeFrom: tEdges[b],
        timeTo: tEdges[b + 1],
        observed: obs,
        expected,
        ratio: expected === 0 ? (obs === 0 ? NaN : Infinity) : obs / expected,
        p: (1 + atLeast[k]) / (1 + perms),
      });
    }
  return {
    method: 'Knox test, Monte Carlo permutation of event times',
    events: n,
    permutations: perms,
    seed,
    closePairs: m,
    cells,
  };
}

// Outreach sites: choose K sites (the user's candidate venues, or the centre of any res-9 cell of the study
// area) that reach the most harm within a distance — the maximal covering location problem. Greedy always
// (with its guarantee), and the exact optimum from HiGHS when the instance is small enough.
// "Within" is a walk along the loaded walking network (geodata/network/), or a straight line on
// the national grid when no network is loaded (meta.distance says which).
import { nameCandidates } from '../places/names.js';
import { cellToLatLng } from 'h3-js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { STRAIGHT_LINE_NOTE, WALKING_NOTE, lonLatToBng, type XY } from '../../geodata/planning/geometry.js';
import { exactCover, greedyBound, greedyCover, type CoverInstance, type CoverResult } from '../../geodata/planning/covering.js';
import { walkingCoverSets } from '../../geodata/network/index.js';
import { analyse } from './data.js';
import { networkMeta, walkingNetwork } from './network.js';

/** Exact solving is attempted up to these sizes (HiGHS solves such covering models in seconds). */
export const EXACT_LIMITS = { candidates: 2000, demand: 20_000, timeLimitSeconds: 30 };

export interface OutreachQuery {
  from?: string;
  to?: string;
  category?: string[];
  weights: string;
  k: number;
  distance: number;
  candidates?: Array<{ name: string; lon: number; lat: number }>;
  demand: 'all' | 'hotspots';
  exact: 'auto' | 'never';
}

/** covers[j] = demand points within `d` metres (straight line) of candidate j; grid-bucketed. */
export function coverSets(cands: ReadonlyArray<XY>, demand: ReadonlyArray<XY>, d: number): number[][] {
  const key = (x: number, y: number) => `${Math.floor(x / d)},${Math.floor(y / d)}`;
  const grid = new Map<string, number[]>();
  demand.forEach(([x, y], i) => {
    const k = key(x, y);
    let l = grid.get(k);
    if (!l) grid.set(k, (l = []));
    l.push(i);
  });
  return cands.map(([cx, cy]) => {
    const gx = Math.floor(cx / d);
    const gy = Math.floor(cy / d);
    const out: number[] = [];
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const i of grid.get(`${gx + dx},${gy + dy}`) ?? [])
          if (Math.hypot(demand[i][0] - cx, demand[i][1] - cy) <= d) out.push(i);
    return out.sort((a, b) => a - b);
  });
}

export async function outreach(db: Queryable, q: OutreachQuery) {
  const a = await analyse(db, { ...q, res: 9 });
  const places = a.places.filter((p) => p.harm > 0 && (q.demand === 'all' || a.significant.has(p.cell)));
  const totalHarm = places.reduce((s, p) => s + p.harm, 0);
  const candidates = q.candidates
    ? q.candidates.map((c) => ({ name: c.name, lon: c.lon, lat: c.lat, h3: null as string | null }))
    : a.cells.map((c) => {
        const [lat, lon] = cellToLatLng(c);
        return { name: `cell ${c}`, lon, lat, h3: c as string | null };
      });
  if (candidates.length === 0) throw new ApiError(400, 'invalid_body', 'No candidate sites.');
  const net = await walkingNetwork(db);
  const candXY = candidates.map((c) => lonLatToBng(c.lon, c.lat));
  const demandXY = places.map((p) => p.xy);
  const inst: CoverInstance = {
    weights: places.map((p) => p.harm),
    covers: net ? walkingCoverSets(net.graph, candXY, demandXY, q.distance) : coverSets(candXY, demandXY, q.distance),
  };
  const greedy = greedyCover(inst, q.k);
  let exact: (CoverResult & { status: string; optimal: boolean; seconds: number }) | null = null;
  let exactSkipped: string | null = null;
  if (q.exact === 'never') exactSkipped = 'not asked for (exact=never)';
  else if (candidates.length > EXACT_LIMITS.candidates || places.length > EXACT_LIMITS.demand)
    exactSkipped = `instance too large for the exact solver here (${candidates.length} candidates × ${places.length} demand points; limits ${EXACT_LIMITS.candidates} × ${EXACT_LIMITS.demand})`;
  else exact = await exactCover(inst, q.k, { timeLimitSeconds: EXACT_LIMITS.timeLimitSeconds });

  const best = exact && exact.covered >= greedy.covered ? exact : greedy;
  // Place names of the chosen candidates (api/places/names.ts), one grouped query for all of them.
  const chosen = [...new Set([...greedy.steps, ...(exact?.steps ?? [])].map((s) => s.site))];
  const chosenNames = await nameCandidates(
    db,
    chosen.map((i) => candidates[i]),
    9,
  );
  const placeOf = new Map(chosen.map((i, k) => [i, chosenNames[k]]));
  const describe = (r: CoverResult) =>
    r.steps.map((s, n) => ({
      order: n + 1,
      ...candidates[s.site],
      place: placeOf.get(s.site),
      candidate_index: s.site,
      gain: s.gain,
      cumulative: s.cumulative,
      cumulative_share: totalHarm > 0 ? s.cumulative / totalHarm : null,
    }));
  return {
    method: best === greedy ? 'greedy' : 'exact',
    sites: describe(best),
    covered: best.covered,
    total_harm: totalHarm,
    share: totalHarm > 0 ? best.covered / totalHarm : null,
    greedy: { sites: describe(greedy), covered: greedy.covered },
    exact: exact
      ? {
          sites: describe(exact),
          covered: exact.covered,
          status: exact.status,
          optimal: exact.optimal,
          seconds: Math.round(exact.seconds * 1000) / 1000,
        }
      : { skipped: exactSkipped },
    greedy_over_exact: exact && exact.covered > 0 ? greedy.covered / exact.covered : null,
    meta: {
      ...a.meta,
      k: q.k,
      distance_m: q.distance,
      distance: net ? 'walking' : 'straight-line',
      distance_note: net ? WALKING_NOTE : STRAIGHT_LINE_NOTE,
      network: networkMeta(net?.info ?? null),
      candidates: q.candidates
        ? `${candidates.length} given venues`
        : `${candidates.length} res-9 cell centres of the study area`,
      demand: `${places.length} incident locations with harm > 0${q.demand === 'hotspots' ? ' in significant hotspot cells' : ''}`,
      guarantee: `Greedy adds the site with the largest marginal gain each time; coverage is monotone submodular, so greedy reaches at least 1 − (1 − 1/K)^K = ${greedyBound(q.k).toFixed(4)} (≥ 1 − 1/e ≈ 0.632) of the optimum (Nemhauser, Wolsey & Fisher 1978).`,
      exact_method:
        'Maximal covering integer programme (Church & ReVelle 1974) solved by HiGHS branch-and-cut with relative gap 0; "optimal" means proven optimal.',
      fewer_sites:
        best.steps.length < q.k ? `only ${best.steps.length} site(s) add any harm; more sites would reach nothing new` : null,
    },
  };
}

// Maximal covering location problem (Church & ReVelle 1974): choose at most K sites from the candidates so
// that the total weight (harm) of demand points within reach of a chosen site is as large as possible.
//
// How to call:
//   const inst = { weights: [w0, w1, ...], covers: [[demand indices site 0 reaches], ...] };
//   const g = greedyCover(inst, k);                  // always; marginal gain of each added site
//   const x = await exactCover(inst, k);             // HiGHS branch-and-cut, when the instance is small enough
// Greedy guarantee: coverage is monotone submodular, so the greedy choice covers at least
// 1 − (1 − 1/K)^K ≥ 1 − 1/e ≈ 63.2 % of the optimum (Nemhauser, Wolsey & Fisher 1978).
// Exact: the integer programme
//   max Σ_i w_i y_i  s.t.  y_i ≤ Σ_{j reaches i} x_j,  Σ_j x_j ≤ K,  x_j ∈ {0,1},  0 ≤ y_i ≤ 1
// solved with HiGHS (highs-js, MIT; WebAssembly, no native build), relative gap 0, so "optimal" is proven.
import loadHighs from 'highs';

export interface CoverInstance {
  /** Demand weight per demand point (>= 0). */
  weights: ReadonlyArray<number>;
  /** For each candidate site, the demand indices it reaches. */
  covers: ReadonlyArray<ReadonlyArray<number>>;
}

export interface CoverStep {
  site: number;
  gain: number;
  cumulative: number;
}

export interface CoverResult {
  chosen: number[];
  covered: number;
  /** The chosen sites in greedy order, each with what it adds to those before it. */
  steps: CoverStep[];
}

function checkInstance(inst: CoverInstance, k: number) {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const n = inst.weights.length;
  for (const w of inst.weights)
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`demand weights must be finite and >= 0, got ${w}`);
  inst.covers.forEach((c, j) => {
    for (const i of c)
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`candidate ${j} covers demand index ${i}, out of range`);
  });
}

/** Weight covered by a set of sites. */
export function coveredWeight(inst: CoverInstance, sites: ReadonlyArray<number>): number {
  const seen = new Uint8Array(inst.weights.length);
  let total = 0;
  for (const j of sites)
    for (const i of inst.covers[j])
      if (!seen[i]) {
        seen[i] = 1;
        total += inst.weights[i];
      }
  return total;
}

/**
 * Greedy: add the site with the largest marginal gain (ties: lowest index) until K sites are chosen or no
 * site adds anything (then fewer than K are returned: a site that reaches no new demand is not proposed).
 * `among` restricts the candidates (used to order an exact solution by marginal gain).
 */
export function greedyCover(inst: CoverInstance, k: number, among?: ReadonlyArray<number>): CoverResult {
  checkInstance(inst, k);
  const pool = among ? [...among] : inst.covers.map((_, j) => j);
  const seen = new Uint8Array(inst.weights.length);
  const taken = new Set<number>();
  const steps: CoverStep[] = [];
  let cumulative = 0;
  while (steps.length < k) {
    let best = -1;
    let bestGain = 0;
    for (const j of pool) {
      if (taken.has(j)) continue;
      let g = 0;
      for (const i of inst.covers[j]) if (!seen[i]) g += inst.weights[i];
      if (g > bestGain || (g === bestGain && g > 0 && j < best)) {
        best = j;
        bestGain = g;
      }
    }
    if (best < 0) break;
    taken.add(best);
    for (const i of inst.covers[best]) seen[i] = 1;
    cumulative += bestGain;
    steps.push({ site: best, gain: bestGain, cumulative });
  }
  return { chosen: steps.map((s) => s.site), covered: cumulative, steps };
}

/** The greedy guarantee for K sites: 1 − (1 − 1/K)^K (≥ 1 − 1/e). */
export const greedyBound = (k: number) => 1 - (1 - 1 / k) ** k;

export interface ExactResult extends CoverResult {
  status: string;
  /** True when HiGHS proved optimality (relative gap 0). */
  optimal: boolean;
  seconds: number;
}

let highsPromise: ReturnType<typeof loadHighs> | null = null;

/** Exact maximal covering by mixed-integer programming (HiGHS). */
export async function exactCover(inst: CoverInstance, k: number, opts: { timeLimitSeconds?: number } = {}): Promise<ExactResult> {
  checkInstance(inst, k);
  const t0 = performance.now();
  // Demand that no candidate reaches, or that weighs nothing, cannot change the optimum: left out.
  const reachedBy = new Map<number, number[]>();
  inst.covers.forEach((c, j) => {
    for (const i of new Set(c)) {
      if (!(inst.weights[i] > 0)) continue;
      let l = reachedBy.get(i);
      if (!l) reachedBy.set(i, (l = []));
      l.push(j);
    }
  });
  const used = inst.covers.map((_, j) => j).filter((j) => inst.covers[j].some((i) => reachedBy.has(i)));
  if (used.length === 0) return { chosen: [], covered: 0, steps: [], status: 'Optimal', optimal: true, seconds: 0 };
  // CPLEX LP text, wrapped every few terms (the format limits line length).
  const wrap = (terms: string[]) => terms.reduce((acc, t, n) => acc + (n > 0 && n % 8 === 0 ? '\n ' : ' ') + t, '');
  const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(15));
  const lines: string[] = ['Maximize'];
  const obj = [...reachedBy.keys()].map((i, n) => `${n === 0 ? '' : '+ '}${num(inst.weights[i])} y${i}`);
  lines.push(` obj:${wrap(obj)}`, 'Subject To');
  for (const [i, js] of reachedBy) lines.push(` d${i}:${wrap([`y${i}`, ...js.map((j) => `- x${j}`)])} <= 0`);
  lines.push(` k:${wrap(used.map((j, n) => `${n === 0 ? '' : '+ '}x${j}`))} <= ${k}`, 'Bounds');
  for (const i of reachedBy.keys()) lines.push(` 0 <= y${i} <= 1`);
  lines.push('Binary', wrap(used.map((j) => `x${j}`)), 'End');
  highsPromise ??= loadHighs();
  const highs = await highsPromise;
  const sol = highs.solve(lines.join('\n'), {
    output_flag: false,
    mip_rel_gap: 0,
    mip_abs_gap: 0,
    time_limit: opts.timeLimitSeconds ?? 30,
  } as never);
  const cols = sol.Columns as Record<string, { Primal?: number }>;
  const chosen = used.filter((j) => (cols[`x${j}`]?.Primal ?? 0) > 0.5);
  const ordered = chosen.length ? greedyCover(inst, chosen.length, chosen) : { chosen: [], covered: 0, steps: [] };
  return {
    chosen: ordered.chosen,
    covered: coveredWeight(inst, chosen),
    steps: ordered.steps,
    status: String(sol.Status),
    optimal: sol.Status === 'Optimal',
    seconds: (performance.now() - t0) / 1000,
  };
}

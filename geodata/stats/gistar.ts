// Getis–Ord Gi* local statistic (Getis & Ord 1992; Ord & Getis 1995), binary weights, self included.
//
// How to call: build one value per unit (e.g. incident count or harm-weighted sum per H3 cell or ward,
// 0 where nothing happened — every unit of the study area must be present) and a neighbour list per unit
// that CONTAINS THE UNIT ITSELF (see neighbours.ts: h3Neighbours / queenNeighbours do this). Then
//   const { z, p } = giStar(values, neighbours);
// and pass p to correction.ts (adjustP, then classifyHotCold). Units are addressed by array index.
//
// Formula (identical to R spdep::localG(x, nb2listw(include.self(nb), style = "B"))):
//   W_i  = Σ_j w_ij,  S1_i = Σ_j w_ij²  (= W_i for binary weights)
//   x̄ = Σ x / n,  s² = Σ x² / n − x̄²   (population variance over all n units)
//   Gi*_i = (Σ_j w_ij x_j − x̄ W_i) / ( s · sqrt((n S1_i − W_i²) / (n − 1)) )
// Gi* is itself a z-score; p is two-sided from the standard normal.
// Degenerate cases, where the statistic is undefined (spdep returns NaN): all values equal (s = 0) or a
// neighbourhood that covers every unit (n S1_i = W_i²). We return z = 0, p = 1 there and flag them.
import { twoSidedP } from './normal.js';

export interface GiStarResult {
  /** Gi* z-score per unit. */
  z: number[];
  /** Two-sided p-value per unit (normal approximation), before any multiple-testing correction. */
  p: number[];
  /** Units where the statistic is undefined (z = 0, p = 1 reported). */
  undefinedAt: number[];
  /** x̄ and s of the formula (population standard deviation over all n units). */
  mean: number;
  sd: number;
}

export function giStar(values: ArrayLike<number>, neighbours: ReadonlyArray<ReadonlyArray<number>>): GiStarResult {
  const n = values.length;
  if (neighbours.length !== n) throw new Error(`giStar: ${n} values but ${neighbours.length} neighbour lists`);
  if (n < 2) throw new Error('giStar: needs at least 2 units');
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`giStar: value ${i} is not a finite number`);
    sum += v;
  }
  const mean = sum / n;
  // Two-pass variance (spdep: sum(scale(x, scale = FALSE)^2) / n) for accuracy.
  for (let i = 0; i < n; i++) sumSq += (values[i] - mean) ** 2;
  const s = Math.sqrt(sumSq / n);
  const z = new Array<number>(n);
  const p = new Array<number>(n);
  const undefinedAt: number[] = [];
  for (let i = 0; i < n; i++) {
    const nb = neighbours[i];
    let w = 0;
    let lag = 0;
    let self = false;
    for (const j of nb) {
      if (!Number.isInteger(j) || j < 0 || j >= n) throw new Error(`giStar: unit ${i} has neighbour index ${j} out of range`);
      if (j === i) self = true;
      w += 1;
      lag += values[j];
    }
    if (!self) throw new Error(`giStar: neighbour list of unit ${i} must include the unit itself (Gi*)`);
    const denom = n * w - w * w; // n S1 - W², S1 = W for binary weights
    if (s === 0 || denom <= 0) {
      z[i] = 0;
      p[i] = 1;
      undefinedAt.push(i);
      continue;
    }
    z[i] = (lag - mean * w) / (s * Math.sqrt(denom / (n - 1)));
    p[i] = twoSidedP(z[i]);
  }
  return { z, p, undefinedAt, mean, sd: s };
}

// Mann–Kendall trend test (Mann 1945; Kendall 1975) with the tie correction of the variance.
//
// How to call: mannKendall(series) with the values in time order (e.g. one location's Gi* z-scores per
// period, or its counts). Returns S, var(S), the continuity-corrected Z, the two-sided normal p and
// tau = S / (n(n−1)/2) (Kendall's tau-a; R's Kendall::MannKendall reports tau-b, which differs under ties).
//   S = Σ_{i<j} sign(x_j − x_i)
//   var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18     (t_g = size of tie group g)
//   Z = (S − 1)/√var if S > 0, (S + 1)/√var if S < 0, 0 if S = 0
import { twoSidedP } from './normal.js';

export interface MannKendallResult {
  n: number;
  s: number;
  varS: number;
  z: number;
  /** Two-sided p-value from the normal approximation (1 when var(S) = 0, e.g. n < 2 or all values tied). */
  p: number;
  /** S / (n(n−1)/2), in [−1, 1]. */
  tau: number;
}

export function mannKendall(series: ArrayLike<number>): MannKendallResult {
  const n = series.length;
  for (let i = 0; i < n; i++) if (!Number.isFinite(series[i])) throw new Error(`mannKendall: value ${i} is not a finite number`);
  let s = 0;
  for (let i = 0; i < n - 1; i++)
    for (let j = i + 1; j < n; j++) {
      const d = series[j] - series[i];
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(series[i], (counts.get(series[i]) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of counts.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = varS <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0;
  const p = varS <= 0 ? 1 : twoSidedP(z);
  const pairs = (n * (n - 1)) / 2;
  return { n, s, varS, z, p, tau: pairs > 0 ? s / pairs : 0 };
}

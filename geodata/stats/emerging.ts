// Emerging hot spot classification of one location's Gi* series, after ESRI's Emerging Hot Spot Analysis
// ("How Emerging Hot Spot Analysis works", ArcGIS Pro, Space Time Pattern Mining toolbox).
//
// How to call: for each period (periods.ts) compute Gi* over the study area (gistar.ts) and correct the
// p-values (correction.ts). Then, per location, pass its series in time order:
//   classifyEmerging({ z: [...], significant: [...] })   // significant[t] = adjusted p[t] < alpha
// The trend of the clustering intensity is the Mann–Kendall test on the z series (mann-kendall.ts);
// a trend counts when its p < trendAlpha (default 0.05).
//
// ESRI's published definitions (hot; cold is the mirror image with "cold" for "hot"), n = number of periods:
// - New: significant hot spot in the final period and never a significant hot spot before.
// - Consecutive: a single uninterrupted run of at least two significant hot bins in the final periods,
//   never a significant hot spot before that run, and fewer than 90 % of all bins hot.
// - Intensifying: hot in at least 90 % of periods, including the final one, and the intensity of
//   clustering is increasing with statistical significance.
// - Persistent: hot in at least 90 % of periods with no significant trend in intensity.
// - Diminishing: hot in at least 90 % of periods, including the final one, and the intensity is
//   decreasing with statistical significance.
// - Sporadic: hot in the final period, an on-and-off history of hot spots, fewer than 90 % of periods hot
//   and never a significant cold spot.
// - Oscillating: hot in the final period, a significant cold spot in some earlier period, fewer than 90 %
//   of periods hot.
// - Historical: not hot in the final period, but hot in at least 90 % of periods.
// - No pattern detected: none of the above.
// Where the published text leaves an overlap open we decide as follows (documented choices):
// - Persistent/intensifying/diminishing all require the final period to be hot; a location hot in >= 90 %
//   of periods but not in the final one is historical (the definitions of historical and persistent
//   otherwise overlap).
// - A prior significant COLD bin makes a location oscillating, not new or consecutive (oscillating is the
//   only pattern whose definition speaks about prior cold spots; sfdep's new_hotspot likewise requires
//   no earlier significant bin of either sign).
// - The location is classified on the sign of its final period first; if the final period is not
//   significant, historical hot is tested before historical cold (both cannot hold: they need >= 90 %
//   each).
import { mannKendall, type MannKendallResult } from './mann-kendall.js';

/** The 17 patterns: hot, then cold, then none (the order legends list them in). */
export const EMERGING_PATTERNS = [
  'new_hot',
  'consecutive_hot',
  'intensifying_hot',
  'persistent_hot',
  'diminishing_hot',
  'sporadic_hot',
  'oscillating_hot',
  'historical_hot',
  'new_cold',
  'consecutive_cold',
  'intensifying_cold',
  'persistent_cold',
  'diminishing_cold',
  'sporadic_cold',
  'oscillating_cold',
  'historical_cold',
  'no_pattern',
] as const;
export type EmergingPattern = (typeof EMERGING_PATTERNS)[number];

export interface EmergingInput {
  /** Gi* z-score per period, oldest first. */
  z: ReadonlyArray<number>;
  /** Whether the period's bin is statistically significant (after correction), same order. */
  significant: ReadonlyArray<boolean>;
  /** Significance level for the Mann–Kendall trend of z. Default 0.05. */
  trendAlpha?: number;
}

export interface EmergingResult {
  pattern: EmergingPattern;
  /** Mann–Kendall test on the z series (its Z > 0: clustering of high values intensifying over time). */
  trend: MannKendallResult;
  hotShare: number;
  coldShare: number;
}

export function classifyEmerging(input: EmergingInput): EmergingResult {
  const { z, significant } = input;
  const alpha = input.trendAlpha ?? 0.05;
  const n = z.length;
  if (n !== significant.length) throw new Error(`classifyEmerging: ${n} z-scores but ${significant.length} significance flags`);
  if (n === 0) throw new Error('classifyEmerging: empty series');
  const trend = mannKendall(z);
  const hot = z.map((v, t) => significant[t] && v > 0);
  const cold = z.map((v, t) => significant[t] && v < 0);
  const hotShare = hot.filter(Boolean).length / n;
  const coldShare = cold.filter(Boolean).length / n;
  const result = (pattern: EmergingPattern): EmergingResult => ({ pattern, trend, hotShare, coldShare });

  const classify = (same: boolean[], other: boolean[], share: number, kind: 'hot' | 'cold'): EmergingPattern | undefined => {
    const last = n - 1;
    if (!same[last]) return share >= 0.9 ? (`historical_${kind}` as const) : undefined;
    if (share >= 0.9) {
      const rising = trend.p < alpha && trend.z > 0;
      const falling = trend.p < alpha && trend.z < 0;
      // "Intensity of clustering" grows when hot z rises, or when cold z falls (more negative).
      const intensifying = kind === 'hot' ? rising : falling;
      const diminishing = kind === 'hot' ? falling : rising;
      return intensifying ? `intensifying_${kind}` : diminishing ? `diminishing_${kind}` : `persistent_${kind}`;
    }
    if (other.slice(0, last).some(Boolean)) return `oscillating_${kind}`;
    let runStart = last;
    while (runStart > 0 && same[runStart - 1]) runStart--;
    const before = same.slice(0, runStart).some(Boolean);
    const runLength = n - runStart;
    if (!before && runLength === 1) return `new_${kind}`;
    if (!before && runLength >= 2) return `consecutive_${kind}`;
    return `sporadic_${kind}`;
  };

  const last = n - 1;
  if (hot[last]) return result(classify(hot, cold, hotShare, 'hot')!);
  if (cold[last]) return result(classify(cold, hot, coldShare, 'cold')!);
  return result(classify(hot, cold, hotShare, 'hot') ?? classify(cold, hot, coldShare, 'cold') ?? 'no_pattern');
}

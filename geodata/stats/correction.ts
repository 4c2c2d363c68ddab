// Multiple-testing correction of p-values and hot/cold spot classes.
//
// How to call: adjustP(p, 'fdr') → adjusted p per unit (same order); then
// classifyHotCold(z[i], adjusted[i]) per unit. Same results as R's p.adjust(p, "BH" | "holm" | "none").
// NaN inputs are treated like R's NA: left out of the count m and returned as NaN.

export const CORRECTIONS = ['fdr', 'holm', 'none'] as const;
export type Correction = (typeof CORRECTIONS)[number];

/**
 * Adjusted p-values. 'fdr' = Benjamini–Hochberg (1995) step-up: p̃_(i) = min_{k≥i} min(1, m p_(k) / k).
 * 'holm' = Holm (1979) step-down: p̃_(i) = max_{k≤i} min(1, (m − k + 1) p_(k)). 'none' = unchanged.
 */
export function adjustP(p: ReadonlyArray<number>, method: Correction): number[] {
  for (const v of p) if (!Number.isNaN(v) && (v < 0 || v > 1)) throw new Error(`adjustP: p-value ${v} is outside [0, 1]`);
  if (method === 'none') return p.slice();
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i])) idx.push(i);
  const m = idx.length;
  const out = p.map(() => NaN);
  if (m === 0) return out;
  // Stable sort ascending by p.
  idx.sort((a, b) => p[a] - p[b] || a - b);
  if (method === 'fdr') {
    let running = Infinity;
    for (let r = m - 1; r >= 0; r--) {
      const i = idx[r];
      running = Math.min(running, (m / (r + 1)) * p[i]);
      out[i] = Math.min(1, running);
    }
  } else if (method === 'holm') {
    let running = -Infinity;
    for (let r = 0; r < m; r++) {
      const i = idx[r];
      running = Math.max(running, (m - r) * p[i]);
      out[i] = Math.min(1, running);
    }
  } else {
    throw new Error(`adjustP: unknown method "${method as string}" (use ${CORRECTIONS.join(', ')})`);
  }
  return out;
}

/** Hot/cold classes, hot first (the order legends list them in). */
export const HOT_COLD_CLASSES = ['hot_99', 'hot_95', 'hot_90', 'not_significant', 'cold_90', 'cold_95', 'cold_99'] as const;
export type HotColdClass = (typeof HOT_COLD_CLASSES)[number];

/** Class from the sign of z and the (adjusted) p: p < 0.01 → 99 %, < 0.05 → 95 %, < 0.10 → 90 %. */
export function classifyHotCold(z: number, pAdjusted: number): HotColdClass {
  if (!(pAdjusted < 0.1) || z === 0 || Number.isNaN(z)) return 'not_significant';
  const level = pAdjusted < 0.01 ? '99' : pAdjusted < 0.05 ? '95' : '90';
  return `${z > 0 ? 'hot' : 'cold'}_${level}` as HotColdClass;
}

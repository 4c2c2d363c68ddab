// Statistical disclosure control for the partner role (depersonalised data under the Crime and
// Disorder Act information-sharing rules): no record-level data, and small counts suppressed.
//
// Rule (applied to every list of counts a partner receives, and to totals):
// 1. Primary suppression: a count below the threshold (setting `partner_min_count`, default 5 — i.e.
//    0 to 4) is withheld (null, with `suppressed: true`).
// 2. Complementary suppression: if a list withholds anything, the smallest shown counts are withheld too
//    until at least two counts are withheld and the withheld counts add up to at least the threshold.
//    The list's total (shown beside it, or in the summary) then reveals only the sum of two or more
//    withheld counts, never one of them, so suppression cannot be undone by subtraction from it.
// 3. Values derived from a withheld count (rate, change) are withheld with it.
// Residual risk, documented for the DPO (README): differencing across *different* requests (overlapping
// date windows or category sets, a ward against its LSOAs, an H3 cell against its children, two drawn
// areas) is not prevented by this per-list rule; partners' requests are aggregate-only and
// logged in the audit trail. Hexagon requests from partners ignore `bbox` so the mask does not depend
// on the map view.
import type { Queryable } from '../db/index.js';
import { getSetting } from './store.js';

export const DEFAULT_MIN_COUNT = 5;

export async function minCount(db: Queryable): Promise<number> {
  const v = await getSetting<unknown>(db, 'partner_min_count', DEFAULT_MIN_COUNT);
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : DEFAULT_MIN_COUNT;
}

/** Which counts to withhold (true = withhold), by the primary + complementary rule above. */
export function suppressionMask(counts: readonly number[], min: number): boolean[] {
  const hide = counts.map((n) => n < min);
  let hidden = hide.filter(Boolean).length;
  if (hidden === 0) return hide;
  let sum = counts.reduce((s, n, i) => (hide[i] ? s + n : s), 0);
  // Shown counts, smallest first (ties: first in the list), to withhold one by one.
  const order = counts
    .map((n, i) => [n, i] as const)
    .filter(([, i]) => !hide[i])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [n, i] of order) {
    if (hidden >= 2 && sum >= min) break;
    hide[i] = true;
    hidden += 1;
    sum += n;
  }
  return hide;
}

/** A single total: withheld below the threshold. */
export const suppressTotal = (n: number, min: number): number | null => (n < min ? null : n);

/**
 * Applies the mask to `rows[key]`: withheld rows get `key: null`, `suppressed: true`, and every field in
 * `derived` set to null. Returns new rows.
 */
export function suppressRows<T extends Record<string, unknown>>(
  rows: readonly T[],
  key: keyof T,
  min: number,
  derived: (keyof T)[] = [],
): T[] {
  // A null count is no data (issue 11): not a count, so neither withheld nor used to mask others.
  const present = rows.map((r, i) => [r[key], i] as const).filter(([v]) => v !== null && v !== undefined);
  const sub = suppressionMask(
    present.map(([v]) => Number(v)),
    min,
  );
  const mask = new Array<boolean>(rows.length).fill(false);
  present.forEach(([, i], j) => (mask[i] = sub[j]));
  return rows.map((r, i) => {
    if (!mask[i]) return { ...r, suppressed: false };
    const out: Record<string, unknown> = { ...r, [key]: null, suppressed: true };
    for (const d of derived) out[d as string] = null;
    return out as T;
  });
}

export const AREA_RULE = 'counts below min_count withheld, with complementary suppression';

/**
 * Ward/area statistics for partners: current counts and the outside-study-area count form one list
 * (their sum is `total`), masked on `count` (withholding rate and change), then on `previous_count`
 * (withholding change); the total itself is withheld below the threshold.
 */
export function maskAreaStats<A extends { count: number | null; previous_count: number | null }>(
  areas: readonly A[],
  totals: { total: number | null; outside_study_area: number | null },
  min: number,
) {
  // A window with no data is null throughout (issue 11): nothing to withhold there, and null is not a count.
  const hasCurrent = totals.total !== null;
  const hasPrevious = areas.some((a) => a.previous_count !== null);
  const outside = {
    code: null,
    name: null,
    count: totals.outside_study_area,
    population: null,
    rate_per_1000: null,
    previous_count: hasPrevious ? 0 : null,
    change: 0,
  };
  let all = [...areas, outside] as Array<Record<string, unknown> & { count: number | null; previous_count: number | null }>;
  if (hasCurrent) all = suppressRows(all, 'count', min, ['rate_per_1000', 'change']);
  if (hasPrevious) all = suppressRows(all, 'previous_count', min, ['change']);
  return {
    areas: all.slice(0, -1) as unknown as Array<
      Omit<A, 'count' | 'previous_count'> & { count: number | null; previous_count: number | null; suppressed: boolean }
    >,
    total: hasCurrent ? suppressTotal(totals.total!, min) : null,
    outside_study_area: all[all.length - 1].count,
  };
}

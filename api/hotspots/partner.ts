// Disclosure control of hotspot responses for the partner role (rule: api/auth/disclosure.ts). Counts and
// the harm values derived from them go through suppressRows, with the incidents outside the study area as
// one more entry of the same list (as /api/stats/areas does), so a shown total cannot undo a withheld
// count by subtraction. Partners get the Gi* class of each unit but not its z-score, p-values, nor the
// mean and standard deviation: with every unit's z, the mean and sd, each neighbourhood sum is known
// exactly and the withheld counts could be solved for. Emerging-hotspot patterns and per-period classes
// stay; per-period z-scores go. A cell's `partial` flag (cut by the study area's boundary) stays: it
// follows from the boundary alone and says nothing about counts.
import { suppressRows, suppressTotal } from '../auth/disclosure.js';
import type { HotspotRow } from './handlers.js';

export const SCORES_WITHHELD = 'Gi* z-scores, p-values, mean and sd are not shown to partners: together they would reveal withheld counts.';

export const disclosureMeta = (min: number) => ({ min_count: min, rule: 'counts below min_count withheld, with complementary suppression; harm values withheld with their counts' });

type Counted = { count: number | null; value: number | null };

/** Hotspot rows (all units) plus the outside-study-area entry; returns the masked rows and outside entry. */
export function maskHotspotRows(rows: readonly HotspotRow[], outside: { count: number; value: number }, min: number) {
  const list: Array<Record<string, unknown> & Counted> = [...rows, { outside: true, ...outside }];
  const masked = suppressRows(list, 'count', min, ['value']);
  const out = masked.pop()!;
  return { rows: masked as unknown as Array<HotspotRow & { suppressed: boolean }>, outside: { count: out.count, value: out.value } };
}

/** Partners: class only — z-scores and p-values withheld (see above). */
export function withoutScores<R extends object>(rows: readonly R[]): Array<R & { gi_z: null; p: null; p_adjusted: null }> {
  return rows.map((r) => ({ ...r, gi_z: null, p: null, p_adjusted: null }));
}

/** Emerging-hotspot rows for partners: pattern, trend direction and classes; no z-scores. */
export function emergingWithoutScores<R extends object>(rows: readonly R[]): R[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = { ...(r as Record<string, unknown>) };
    if ('z' in out) out.z = null;
    if (out.final && typeof out.final === 'object') out.final = { ...(out.final as object), gi_z: null };
    if (out.trend && typeof out.trend === 'object') out.trend = { ...(out.trend as object), z: null, s: null };
    return out as R;
  });
}

export function maskHotspotMeta<M extends { total: { count: number; value: number }; unweighted: { count: number; categories: string[] } }>(meta: M, min: number) {
  const count = suppressTotal(meta.total.count, min);
  return {
    ...meta,
    total: { count, value: count === null ? null : meta.total.value },
    unweighted: { ...meta.unweighted, count: suppressTotal(meta.unweighted.count, min) },
  };
}

type ChangeRow = Record<string, unknown> & { current: number | null; previous: number | null; year_ago: number | null };

/** Change rows: each of the three counts masked over the list; tests and values of a masked count withheld. */
export function maskChangeRows(rows: readonly ChangeRow[], outside: { current: number | null; previous: number | null; year_ago: number | null }, min: number) {
  const input: ChangeRow[] = [...rows, { outside: true, ...outside }];
  let list = input;
  list = suppressRows(list, 'current', min, ['change', 'change_year', 'value', 'vs_previous', 'vs_year_ago']);
  list = suppressRows(list, 'previous', min, ['change', 'value_previous', 'vs_previous']);
  list = suppressRows(list, 'year_ago', min, ['change_year', 'value_year_ago', 'vs_year_ago']);
  // Withheld = null now but a count before; a window with no data was null already (issue 11).
  const withheld = (r: ChangeRow, i: number, k: 'current' | 'previous' | 'year_ago') => r[k] === null && input[i][k] !== null;
  const flagged = list.map((r, i) => ({ ...r, suppressed: { current: withheld(r, i, 'current'), previous: withheld(r, i, 'previous'), year_ago: withheld(r, i, 'year_ago') } }));
  const out = flagged.pop()!;
  return { rows: flagged, outside: { current: out.current, previous: out.previous, year_ago: out.year_ago } };
}

/** Each figure of a small record of totals through suppressTotal. */
export const maskTotals = (t: Record<string, number>, min: number) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, suppressTotal(v, min)]));

/** A 7 × 24 matrix masked as one list of 168 counts. */
export function maskMatrix(m: number[][], min: number): Array<Array<number | null>> {
  const flat = suppressRows(m.flat().map((count) => ({ count })), 'count', min);
  return m.map((row, d) => row.map((_, h) => flat[d * row.length + h].count));
}

// Disclosure control of hotspot responses for the partner role (rule: api/auth/disclosure.ts). Counts and
// the harm values derived from them go through suppressRows, with the incidents outside the study area as
// one more entry of the same list (as /api/stats/areas does), so a shown total cannot undo a withheld
// count by subtraction. Partners get the Gi* class of each unit but not its z-score, p-values, nor the
// mean and standard deviation: with every unit's z, the mean and sd, each neighbourhood sum is known
// exactly and the withheld counts could be solved for. Emerging-hotspot patterns and per-period classes
// stay; per-period z-scores go. A cell's `partial` flag (cut by the study area's boundary) stays: it
// follows from the boundary alone and says nothing about counts.
// Before suppression every count is perturbed by the ONS cell key method (issue 15; the SQL sums the record
// keys beside each count, `<count>_ckey`): a harm value is scaled with its count (value × perturbed / true,
// so a single-category value reveals no more than the perturbed count), and change rows' differences and
// Poisson tests are recomputed from the perturbed counts. The Gi* classes are computed from the true values
// (a class reveals a neighbourhood's z only to within its band). The emerging hot spots' precision tally is
// perturbed by each precision's key (`time_precision_ckey`), the count of unweighted incidents by theirs
// (`unweighted.count_ckey`, session 10).
// The routes apply these as their partner masks (api/routing.ts register, option `partner`): each takes
// the route's full answer and returns what partners may see, in the same response schema.
import type {
  ChangeResponse,
  ChangeRow,
  EmergingResponse,
  HotspotMeta,
  HotspotResponse,
  HotspotRow,
  ProfileResponse,
  TopResponse,
} from '../../contract/hotspots.js';
import { cellKeyDisclosure, perturbFields, perturbRows, suppressRows, suppressTotal } from '../auth/disclosure.js';
import type { MaskContext } from '../routing.js';
import { comparison, topRows } from './handlers.js';
import { poissonChange } from '../../geodata/stats/change.js';

export const SCORES_WITHHELD =
  'Gi* z-scores, p-values, mean and sd are not shown to partners: together they would reveal withheld counts.';

export const disclosureMeta = (min: number) => ({
  min_count: min,
  rule: 'counts below min_count withheld, with complementary suppression; harm values withheld with their counts',
});

type Counted = { count: number | null; value: number | null; count_ckey?: number };

/** A value scaled with its count: `value` × perturbed / true (unchanged for a null or zero count). */
const scaled = (value: unknown, count: unknown, perturbed: unknown) =>
  typeof value === 'number' && typeof count === 'number' && count > 0 ? (value * (perturbed as number)) / count : value;

/** The count perturbed by its cell key (perturbFields: the key dropped), the value scaled with it. */
export function perturbCounted<T extends Counted>(r: T): Omit<T, 'count_ckey'> {
  const out = perturbFields(r as T & Record<string, unknown>, ['count']);
  return { ...out, value: scaled(r.value, r.count, out.count) } as Omit<T, 'count_ckey'>;
}

/** Hotspot rows (all units) plus the outside-study-area entry; returns the masked rows and outside entry. */
export function maskHotspotRows(rows: readonly HotspotRow[], outside: Counted, min: number) {
  const list: Array<Record<string, unknown> & Counted> = [...rows, { outside: true, ...outside }].map(perturbCounted);
  const masked = suppressRows(list, 'count', min, ['value']);
  const out = masked.pop()!;
  return {
    rows: masked as unknown as Array<HotspotRow & { suppressed: boolean }>,
    outside: { count: out.count, value: out.value },
  };
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

export function maskHotspotMeta<M extends Pick<HotspotMeta, 'total' | 'unweighted'>>(meta: M, min: number) {
  const total = perturbCounted(meta.total as Counted);
  const count = total.count === null ? null : suppressTotal(total.count, min);
  // The unweighted incidents' count, perturbed by their own key (`count_ckey` beside it; dropped here).
  const unweighted = perturbFields(meta.unweighted as M['unweighted'] & Record<string, unknown>, ['count']);
  return {
    ...meta,
    total: { count, value: count === null ? null : total.value },
    unweighted: { ...unweighted, count: unweighted.count === null ? null : suppressTotal(unweighted.count, min) },
  };
}

type ChangeCounts = Record<string, unknown> & { current: number | null; previous: number | null; year_ago: number | null };

const WINDOWS = ['current', 'previous', 'year_ago'] as const;
const VALUE_OF = { current: 'value', previous: 'value_previous', year_ago: 'value_year_ago' } as const;

/**
 * A change row with its three counts perturbed by their cell keys (dropped), values scaled with them, and the
 * differences and Poisson tests recomputed from the perturbed counts (exposures: the answer's covered days).
 */
export function perturbChangeRow(
  r: ChangeCounts,
  days: { current: number; previous: number; year_ago: number | null },
): ChangeCounts {
  const out = perturbFields(r, WINDOWS);
  for (const k of WINDOWS) out[VALUE_OF[k]] = scaled(r[VALUE_OF[k]], r[k], out[k]);
  // Differences and C-tests of the current window against each earlier one, from the perturbed counts.
  const against = [
    ['previous', 'change', 'vs_previous', days.previous],
    ['year_ago', 'change_year', 'vs_year_ago', days.year_ago],
  ] as const;
  for (const [k, diff, test, exposure] of against) {
    const [c, b] = [out.current, out[k]];
    if (!(diff in r) || c === null || b === null || exposure === null) continue;
    out[diff] = c - b;
    out[test] = comparison(poissonChange({ current: c, previous: b, currentExposure: days.current, previousExposure: exposure }));
  }
  return out;
}

/** Change rows: each of the three counts perturbed, then masked over the list; tests and values of a masked count withheld. */
export function maskChangeRows(
  rows: readonly ChangeCounts[],
  outside: { current: number | null; previous: number | null; year_ago: number | null },
  min: number,
  days: { current: number; previous: number; year_ago: number | null },
) {
  const input: ChangeCounts[] = [...rows, { outside: true, ...outside }].map((r) => perturbChangeRow(r, days));
  let list = input;
  list = suppressRows(list, 'current', min, ['change', 'change_year', 'value', 'vs_previous', 'vs_year_ago']);
  list = suppressRows(list, 'previous', min, ['change', 'value_previous', 'vs_previous']);
  list = suppressRows(list, 'year_ago', min, ['change_year', 'value_year_ago', 'vs_year_ago']);
  // Withheld = null now but a count before; a window with no data was null already (issue 11).
  const withheld = (r: ChangeCounts, i: number, k: 'current' | 'previous' | 'year_ago') => r[k] === null && input[i][k] !== null;
  const flagged = list.map((r, i) => ({
    ...r,
    suppressed: {
      current: withheld(r, i, 'current'),
      previous: withheld(r, i, 'previous'),
      year_ago: withheld(r, i, 'year_ago'),
    },
  }));
  const out = flagged.pop()!;
  return { rows: flagged, outside: { current: out.current, previous: out.previous, year_ago: out.year_ago } };
}

/** Each figure of a small record of totals through suppressTotal. */
export const maskTotals = (t: Record<string, number | null>, min: number) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === null ? null : suppressTotal(v, min)]));

/** A 7 × 24 matrix masked as one list of 168 counts. */
export function maskMatrix(m: (number | null)[][], min: number): Array<Array<number | null>> {
  const flat = suppressRows(
    m.flat().map((count) => ({ count })),
    'count',
    min,
  );
  return m.map((row, d) => row.map((_, h) => flat[d * row.length + h].count));
}

// ---------- the routes' masks ----------

/** Rows of an answer under `cells` or `areas`, and the same answer with other rows and meta. */
const rowsOf = <R>(b: { cells: R[] } | { areas: R[] }): R[] => ('cells' in b ? b.cells : b.areas);
const withRows = <R, M>(b: { cells: unknown[] } | { areas: unknown[] }, rows: R[], meta: M) =>
  'cells' in b ? { cells: rows, meta } : { areas: rows, meta };

/** Gi* over every unit with counts and values masked, and the meta to go with them. */
function maskedGi(rows: readonly HotspotRow[], meta: HotspotMeta, min: number) {
  const m = maskHotspotRows(rows, meta.outside_study_area, min);
  return {
    rows: m.rows,
    meta: {
      ...maskHotspotMeta(meta, min),
      mean: null,
      sd: null,
      scores_withheld: SCORES_WITHHELD,
      outside_study_area: m.outside,
      disclosure: disclosureMeta(min),
    },
  };
}

/** GET /hotspots: counts masked over every unit; classes without scores. */
export function maskHotspots(out: HotspotResponse, { min }: MaskContext): HotspotResponse {
  const g = maskedGi(rowsOf<HotspotRow>(out), out.meta, min);
  return withRows(out, withoutScores(g.rows), g.meta);
}

/**
 * GET /hotspots/top and the hotspot export: the mask runs over every unit (`all`, the full Gi* table the
 * list was cut from), before the top-N cut, so the list shows nothing the whole map withholds.
 */
export function maskTop(out: TopResponse, all: readonly HotspotRow[], min: number): TopResponse {
  const g = maskedGi(all, out.meta, min);
  return { top: withoutScores(topRows(g.rows, out.meta.n)), meta: { ...out.meta, ...g.meta } };
}

/** GET /change: each window's counts masked over the list (partners get every study-area cell listed). */
export function maskChange(out: ChangeResponse, { min }: MaskContext): ChangeResponse {
  const m = maskChangeRows(
    rowsOf<ChangeRow>(out) as unknown as ChangeCounts[],
    out.meta.outside_study_area,
    min,
    out.meta.exposure_days,
  );
  return withRows(out, m.rows as unknown as ChangeRow[], {
    ...out.meta,
    outside_study_area: m.outside,
    disclosure: disclosureMeta(min),
  });
}

/** Each count of a tally perturbed by its cell key (`keys`, beside it in the answer; dropped). */
export function perturbTally(tally: Record<string, number | null>, keys: Record<string, number> | undefined) {
  return Object.fromEntries(
    Object.entries(tally).map(([k, n]) => [k, perturbFields({ n, n_ckey: keys?.[k] }, ['n']).n as number | null]),
  );
}

/** GET /emerging: no counts except the precision tally (perturbed by its cell keys, then masked); no z-scores. */
export function maskEmerging(out: EmergingResponse, { min }: MaskContext): EmergingResponse {
  const { time_precision_ckey: keys, ...meta } = out.meta as EmergingResponse['meta'] & {
    time_precision_ckey?: Record<string, number>;
  };
  return withRows(out, emergingWithoutScores(rowsOf(out)), {
    ...meta,
    z_range: null,
    time_precision: maskTotals(perturbTally(out.meta.time_precision, keys), min),
    disclosure: { ...disclosureMeta(min), ...cellKeyDisclosure(min) },
  });
}

/**
 * GET /profile: every count perturbed by the cell key method (its own key: the total is not a sum of the
 * perturbed months), then the total, each series and the precision tally masked.
 */
export function maskProfile(body: ProfileResponse, { min }: MaskContext): ProfileResponse {
  const out = body as ProfileResponse & {
    total_ckey?: number;
    hour_of_week_ckey?: number[][] | null;
    time_precision_ckey?: Record<string, number>;
  };
  const { total } = perturbFields({ total: out.total, total_ckey: out.total_ckey }, ['total']);
  const how =
    out.hour_of_week?.map((row, d) =>
      row.map((n, h) => perturbFields({ n, n_ckey: out.hour_of_week_ckey?.[d]?.[h] }, ['n']).n as number | null),
    ) ?? null;
  const precision = perturbTally(out.time_precision, out.time_precision_ckey);
  const { total_ckey: _t, hour_of_week_ckey: _h, time_precision_ckey: _p, ...rest } = out;
  return {
    ...rest,
    total: total === null ? null : suppressTotal(total as number, min),
    months: suppressRows(perturbRows(out.months), 'count', min),
    day_of_week: out.day_of_week && suppressRows(perturbRows(out.day_of_week), 'count', min),
    hour_of_week: how && maskMatrix(how, min),
    time_precision: maskTotals(precision, min),
    disclosure: { ...disclosureMeta(min), ...cellKeyDisclosure(min) },
  };
}

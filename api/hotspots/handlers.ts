// Hotspot handlers (issue 4): validated parameters in, response bodies out. The statistics are the pure,
// tested functions of geodata/stats; this module only gathers counts (one GROUP BY per request) and
// arranges the results. Disclosure control for partners is applied by the routes.
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { CHANGE_METHOD, poissonChange, type ChangeResult } from '../../geodata/stats/change.js';
import { adjustP, classifyHotCold, type Correction, type HotColdClass } from '../../geodata/stats/correction.js';
import { classifyEmerging } from '../../geodata/stats/emerging.js';
import { giStar } from '../../geodata/stats/gistar.js';
import { knoxTest, lonLatToBng } from '../../geodata/stats/knox.js';
import { periodsForPrecision, type PeriodKind, type Periods } from '../../geodata/stats/periods.js';
import type { H3Res } from '../../geodata/h3.js';
import { incidentWhere, Params } from '../aggregates/sql.js';
import { addMonths, daysBetween, previousWindow, type Window } from '../aggregates/window.js';
import { requestSelection, requestWindow, type WindowQuery } from '../aggregates/request.js';
import {
  addRow,
  emptyTotals,
  finiteOrNull,
  sqlWeights,
  sumKeys,
  totalsOf,
  unitKey,
  unweightedCategories,
  type Totals,
  type UnitCountRow,
} from './common.js';
import { resolveScheme, schemeMeta } from './schemes.js';
import { knoxPointsSql, precisionSql, unitCountsSql, unitLacks, unitUses, weightedAggregates } from './sql.js';
import { readSource } from '../aggregates/source.js';
import { unitsFor, type Units } from './units.js';
import { describeGap, unionGaps, windowCoverage, windowsCoverage, type Gap } from '../coverage/check.js';

export const GI_METHOD = 'Getis-Ord Gi*';

interface UnitQuery extends WindowQuery {
  res?: H3Res;
  level?: string;
  weights: string;
}

interface StatQuery extends UnitQuery {
  k: number;
  correction: Correction;
}

type UnitFields = { h3: string; partial: boolean } | { code: string; name: string };
export type HotspotRow = UnitFields & {
  count: number;
  /** The count's cell key (partners' perturbation; stripped from every other answer: api/auth/disclosure.ts). */
  count_ckey?: number;
  value: number;
  gi_z: number;
  p: number;
  p_adjusted: number;
  class: HotColdClass;
};

/** Request context shared by every statistic: scheme, categories, window, units. */
async function prepare(db: Queryable, q: UnitQuery, windowDefault: 'last12' | 'all' = 'last12') {
  const scheme = await resolveScheme(db, q.weights);
  const { categories, narrowing } = await requestSelection(db, q.category);
  const window = await requestWindow(db, q, windowDefault);
  const units = await unitsFor(db, q);
  return { scheme, categories, narrowing, window, units };
}

/** What outside_study_area counts, for cells: the ward assigned at import, not the cell. */
const OUTSIDE_RULE =
  'outside_study_area: incidents in no polygon of the study area (wards unless another level is chosen); partial cells count only their incidents inside it';

const unitMeta = (u: Units) =>
  u.kind === 'h3'
    ? {
        res: u.res,
        study_area_level: u.level,
        study_area: u.studyArea,
        partial_cells: u.partial!.filter(Boolean).length,
        outside_rule: OUTSIDE_RULE,
      }
    : { level: u.level };

/** Gi* over every unit of the study area, corrected p-values and hot/cold classes (also the planning
 *  analyses' hotspots: api/planning/data.ts). */
export function giTable(units: Units, t: Totals, k: number, correction: Correction) {
  const g = giStar(t.value, units.neighbours(k));
  const pAdj = adjustP(g.p, correction);
  // Object.assign onto the unit's key, not an object spread: spread rows go to V8's slow dictionary mode
  // (~300 ms of the 336 ms of JS for London's 35k cells, issue 16).
  const rows: HotspotRow[] = units.ids.map((_, i) =>
    Object.assign(unitKey(units, i), {
      count: t.count[i],
      count_ckey: t.key[i],
      value: t.value[i],
      gi_z: g.z[i],
      p: g.p[i],
      p_adjusted: pAdj[i],
      class: classifyHotCold(g.z[i], pAdj[i]),
    }),
  );
  return { rows, undefinedUnits: g.undefinedAt.length, mean: g.mean, sd: g.sd };
}

export async function hotspots(db: Queryable, q: StatQuery) {
  const { scheme, categories, narrowing, window, units } = await prepare(db, q);
  // No data at all in the window is not a map of zeros (issue 11); a partly covered window is said in meta.
  const cov = await windowCoverage(db, categories, window);
  if (cov.status === 'none')
    throw new ApiError(
      400,
      'not_covered',
      `No data for ${describeGap(window)}: ${cov.reason}. Choose a period the data cover (GET /api/coverage).`,
      { missing_months: cov.missing_months },
    );
  const p = new Params();
  const where = incidentWhere(p, { ...window, categories, narrowing });
  const weights = sqlWeights(scheme);
  const src = readSource({ bounds: [window.from, window.to], lacks: unitLacks(q), narrowing, uses: unitUses(q) });
  const counts = await db.query<UnitCountRow>(
    unitCountsSql(p, q, where, weightedAggregates(src, weights !== null), { weights, src }),
    p.values,
  );
  const t = totalsOf(units, counts);
  const { rows, undefinedUnits, mean, sd } = giTable(units, t, q.k, q.correction);
  return {
    kind: units.kind,
    rows,
    meta: {
      method: GI_METHOD,
      formula:
        'Gi*_i = (Σ_j w_ij x_j − x̄ W_i) / (s √((n W_i − W_i²)/(n − 1))), binary weights, self included; x = harm value; two-sided normal p',
      ...unitMeta(units),
      n: units.ids.length,
      mean,
      sd,
      neighbourhood: units.neighbourhood(q.k),
      correction: q.correction,
      classes: 'hot/cold at 99 / 95 / 90 % from the adjusted p (< 0.01 / 0.05 / 0.10) and the sign of z',
      scheme: schemeMeta(scheme),
      window,
      categories,
      total: { count: t.count.reduce((a, b) => a + b, 0), value: t.value.reduce((a, b) => a + b, 0), count_ckey: sumKeys(t.key) },
      outside_study_area: { count: t.outside.count, value: t.outside.value, count_ckey: t.outside.key },
      unweighted: {
        count: t.unweighted,
        // the cell key of exactly the incidents counted (partners' perturbation; stripped for everyone else)
        count_ckey: t.unweightedKey,
        categories: await unweightedCategories(db, scheme, categories),
      },
      undefined_units: undefinedUnits,
      source: src.meta,
      coverage: {
        status: cov.status,
        categories: cov.categories.map((c) => c.category),
        missing_months: cov.missing_months,
        note: cov.reason ? `counts cover only part of the period: ${cov.reason}` : null,
      },
    },
  };
}

/** The HTTP body: rows under `cells` (H3) or `areas` (an area level), then `meta`. */
export const render = <R, M>(b: {
  kind: Units['kind'];
  rows: R[];
  meta: M;
}): { cells: R[]; meta: M } | { areas: R[]; meta: M } =>
  b.kind === 'h3' ? { cells: b.rows, meta: b.meta } : { areas: b.rows, meta: b.meta };

/** Highest Gi* z first (ties: higher value first), the first `n`. */
export function topRows<T extends { gi_z: number | null; value: number | null }>(
  rows: readonly T[],
  n: number | undefined,
): Array<T & { rank: number }> {
  // gi_z is always a number here: the partners' mask withholds it only after the cut.
  const z = (r: T) => r.gi_z as number;
  const sorted = rows
    .map((r, i) => [r, i] as const)
    .sort((a, b) => z(b[0]) - z(a[0]) || (b[0].value ?? 0) - (a[0].value ?? 0) || a[1] - b[1]);
  return sorted.slice(0, n ?? sorted.length).map(([r], i) => ({ ...r, rank: i + 1 }));
}

// ---------- change ----------

export const comparison = (c: ChangeResult) => ({ p: c.p, rate_ratio: finiteOrNull(c.rateRatio), direction: c.direction });

const gapDays = (gs: Gap[]) => gs.reduce((s, g) => s + daysBetween(g.from, g.to), 0);

export async function change(
  db: Queryable,
  q: UnitQuery & { uncovered?: 'refuse' | 'covered-only' },
  opts: { allCells?: boolean } = {},
) {
  const { scheme, categories, narrowing, window, units } = await prepare(db, q);
  const previous = previousWindow(window);
  const yearAgo: Window = { from: addMonths(window.from, -12), to: addMonths(window.to, -12) };
  const windows = { current: window, previous, year_ago: yearAgo };
  const keys = ['current', 'previous', 'year_ago'] as const;
  // What the data cover in each window (issue 11). With all categories, the scope is every category with
  // data in any of the three windows.
  const scopeWindows = [window, previous, yearAgo];
  const [covCurrent, covPrevious, covYearAgo] = await windowsCoverage(db, categories, scopeWindows);
  const cov = { current: covCurrent, previous: covPrevious, year_ago: covYearAgo };
  const coveredOnly = q.uncovered === 'covered-only';
  if (!coveredOnly && (cov.current.status !== 'full' || cov.previous.status !== 'full')) {
    const parts = (['current', 'previous'] as const)
      .filter((k) => cov[k].status !== 'full')
      .map((k) => `the ${k} window (${describeGap(windows[k])}) has ${cov[k].reason}`);
    throw new ApiError(
      400,
      'not_covered',
      `Change cannot be tested: ${parts.join('; ')}. Missing data are not zeros. Choose covered windows, or ask for the test over covered months only (uncovered=covered-only).`,
      {
        current: { status: cov.current.status, missing_months: cov.current.missing_months },
        previous: { status: cov.previous.status, missing_months: cov.previous.missing_months },
      },
    );
  }
  // Days left out of each window: none when refusing (both compared windows full); otherwise every day
  // on which some category in scope is not covered, so the two windows compare like with like.
  const excluded = { current: unionGaps(cov.current), previous: unionGaps(cov.previous), year_ago: unionGaps(cov.year_ago) };
  const days = {
    current: daysBetween(window.from, window.to) - gapDays(excluded.current),
    previous: daysBetween(previous.from, previous.to) - gapDays(excluded.previous),
    year_ago: daysBetween(yearAgo.from, yearAgo.to) - gapDays(excluded.year_ago),
  };
  if (days.current <= 0 || days.previous <= 0)
    throw new ApiError(
      400,
      'not_covered',
      `Change cannot be tested: ${days.current <= 0 ? `the current window has ${cov.current.reason}` : `the previous window has ${cov.previous.reason}`}.`,
      {},
    );
  const yearAgoUsable = coveredOnly ? days.year_ago > 0 : cov.year_ago.status === 'full';
  const p = new Params();
  const where = incidentWhere(p, {
    from: previous.from < yearAgo.from ? previous.from : yearAgo.from,
    to: window.to,
    categories,
    narrowing,
  });
  const weights = sqlWeights(scheme);
  const inWindow = (k: (typeof keys)[number]) => {
    const w = windows[k];
    const base = `i.occurred_at >= ${p.add(w.from)}::timestamp AND i.occurred_at < ${p.add(w.to)}::timestamp`;
    if (!coveredOnly) return base;
    return [
      base,
      ...excluded[k].map(
        (g) => `NOT (i.occurred_at >= ${p.add(g.from)}::timestamp AND i.occurred_at < ${p.add(g.to)}::timestamp)`,
      ),
    ].join(' AND ');
  };
  // Every date the query compares occurred_at with: the three windows and, covered-only, the gaps left out.
  const bounds = keys.flatMap((k) => [
    windows[k].from,
    windows[k].to,
    ...(coveredOnly ? excluded[k].flatMap((g) => [g.from, g.to]) : []),
  ]);
  const src = readSource({ bounds, lacks: unitLacks(q), narrowing, uses: unitUses(q) });
  const aggs = Object.assign({}, ...keys.map((k) => weightedAggregates(src, weights !== null, `${k}_`, inWindow(k)))) as Record<
    string,
    string
  >;
  const rows = await db.query<Record<string, number> & { unit: string | null }>(
    unitCountsSql(p, q, where, aggs, { weights, src }),
    p.values,
  );
  const per = {
    current: emptyTotals(units.ids.length),
    previous: emptyTotals(units.ids.length),
    year_ago: emptyTotals(units.ids.length),
  };
  for (const r of rows)
    for (const k of keys) addRow(per[k], units, r.unit, r[`${k}_n`], r[`${k}_value`], r[`${k}_unweighted`], r[`${k}_n_ckey`]);
  const out = [];
  for (let i = 0; i < units.ids.length; i++) {
    const [c, pr, ya] = [per.current.count[i], per.previous.count[i], per.year_ago.count[i]];
    // Cells: only those with an incident in some window (the grid is mostly empty); areas: every one.
    if (units.kind === 'h3' && !opts.allCells && c + pr + ya === 0) continue;
    out.push(
      Object.assign(unitKey(units, i), {
        current: c,
        previous: pr,
        // The year-ago window not covered: its count and comparison are null, never a zero (issue 11).
        year_ago: yearAgoUsable ? ya : null,
        // Cell keys of the three counts (partners' perturbation; stripped for everyone else).
        current_ckey: per.current.key[i],
        previous_ckey: per.previous.key[i],
        year_ago_ckey: per.year_ago.key[i],
        change: c - pr,
        change_year: yearAgoUsable ? c - ya : null,
        value: per.current.value[i],
        value_previous: per.previous.value[i],
        value_year_ago: yearAgoUsable ? per.year_ago.value[i] : null,
        vs_previous: comparison(
          poissonChange({ current: c, previous: pr, currentExposure: days.current, previousExposure: days.previous }),
        ),
        vs_year_ago: yearAgoUsable
          ? comparison(
              poissonChange({ current: c, previous: ya, currentExposure: days.current, previousExposure: days.year_ago }),
            )
          : null,
      }),
    );
  }
  return {
    kind: units.kind,
    rows: out,
    meta: {
      method: CHANGE_METHOD,
      test_on: 'counts (exposure = window length in days); harm values are shown but are not Poisson counts',
      ...unitMeta(units),
      units_listed:
        units.kind === 'h3' && !opts.allCells
          ? 'study-area cells with at least one incident in one of the three windows'
          : 'every area of the level',
      scheme: schemeMeta(scheme),
      categories,
      window,
      previous,
      year_ago: yearAgo,
      exposure_days: { ...days, year_ago: yearAgoUsable ? days.year_ago : null },
      source: src.meta,
      outside_study_area: {
        current: per.current.outside.count,
        previous: per.previous.outside.count,
        year_ago: yearAgoUsable ? per.year_ago.outside.count : null,
        current_ckey: per.current.outside.key,
        previous_ckey: per.previous.outside.key,
        year_ago_ckey: per.year_ago.outside.key,
      },
      coverage: {
        mode: coveredOnly ? ('covered-only' as const) : ('refuse' as const),
        rule: coveredOnly
          ? 'tested over covered days only: days on which any category in scope has no data are left out of every window, and the exposures are the covered days'
          : 'both compared windows are fully covered by data for every category in scope',
        categories: cov.current.categories.map((c) => c.category),
        current: {
          status: cov.current.status,
          missing_months: cov.current.missing_months,
          excluded: coveredOnly ? excluded.current.map(describeGap) : [],
        },
        previous: {
          status: cov.previous.status,
          missing_months: cov.previous.missing_months,
          excluded: coveredOnly ? excluded.previous.map(describeGap) : [],
        },
        year_ago: {
          status: cov.year_ago.status,
          missing_months: cov.year_ago.missing_months,
          excluded: coveredOnly ? excluded.year_ago.map(describeGap) : [],
          reason: yearAgoUsable ? null : `no comparison with a year earlier: ${cov.year_ago.reason ?? 'no data'}`,
        },
      },
    },
  };
}

// ---------- emerging hot spots ----------

/** Most periods one emerging hot spot analysis may have (Mann–Kendall is quadratic in the periods). */
export const MAX_PERIODS = 120;
const DAY_PRECISIONS = ['month', 'day', 'minute'] as const;
type Precision = (typeof DAY_PRECISIONS)[number];

/** The coarsest time precision among incidents matching `where`, and how many of each. */
async function precisions(db: Queryable, window: Window, where: string, values: unknown[], narrowing: object | null) {
  const src = readSource({ bounds: [window.from, window.to], narrowing, uses: ['time_precision'] });
  const rows = await db.query<{ precision: Precision; n: number; n_ckey: number }>(precisionSql(src, where), values);
  const by = Object.fromEntries(rows.map((r) => [r.precision, r.n])) as Partial<Record<Precision, number>>;
  // Each precision's cell key (issue 15): the partners' emerging mask perturbs the tally by it.
  const keys = Object.fromEntries(rows.map((r) => [r.precision, r.n_ckey])) as Partial<Record<Precision, number>>;
  const coarsest = DAY_PRECISIONS.find((x) => (by[x] ?? 0) > 0) ?? null;
  return { by, keys, coarsest, total: rows.reduce((s, r) => s + r.n, 0) };
}

function periodsFor(window: Window, kind: PeriodKind, precision: Precision | null): Periods {
  let ps: Periods;
  try {
    ps = periodsForPrecision(window.from, window.to, kind, precision ?? 'minute');
  } catch (e) {
    const msg = (e as Error).message;
    const code = /month precision/.test(msg) ? 'month_precision' : 'invalid_parameter';
    throw new ApiError(400, code, `period: ${msg}`, [{ path: 'period', message: msg }]);
  }
  if (ps.periods.length > MAX_PERIODS)
    throw new ApiError(
      400,
      'invalid_parameter',
      `period: the window holds ${ps.periods.length} ${kind} periods; at most ${MAX_PERIODS} (shorten the window or use longer periods)`,
      [{ path: 'period', message: 'too many periods' }],
    );
  if (ps.periods.length < 2)
    throw new ApiError(
      400,
      'invalid_parameter',
      `period: the window holds ${ps.periods.length} ${kind} period; a trend needs at least 2`,
      [{ path: 'period', message: 'too few periods' }],
    );
  return ps;
}

/**
 * The periods of an emerging hot spot analysis that the data cover (issue 11): a period not fully covered
 * for every category in scope is not a period of zeros. Such periods are dropped at both ends of the window
 * and reported, with the days the whole periods leave out at each end; one inside the series is refused.
 */
async function coveredPeriods(db: Queryable, categories: string[] | null, window: Window, ps: Periods) {
  const cov = await windowCoverage(db, categories, window);
  const gaps = unionGaps(cov);
  const covered = (x: { start: string; end: string }) =>
    cov.categories.length > 0 && !gaps.some((g) => g.from < x.end && g.to > x.start);
  let a = 0;
  let b = ps.periods.length;
  while (a < b && !covered(ps.periods[a])) a++;
  while (b > a && !covered(ps.periods[b - 1])) b--;
  const inside = ps.periods.slice(a, b).filter((x) => !covered(x));
  if (inside.length)
    throw new ApiError(
      400,
      'not_covered',
      `period: ${inside.map((x) => describeGap({ from: x.start, to: x.end })).join(', ')} inside the window ${inside.length === 1 ? 'is' : 'are'} not covered by data (${cov.reason}); a trend cannot run across missing periods. Choose a window on one side of the gap.`,
      {
        missing_months: cov.missing_months,
      },
    );
  const kept = ps.periods.slice(a, b).map((x, i) => ({ ...x, index: i }));
  if (kept.length < 2)
    throw new ApiError(
      400,
      'not_covered',
      `period: only ${kept.length} ${ps.kind} period${kept.length === 1 ? '' : 's'} of the window ${kept.length === 1 ? 'is' : 'are'} covered by data (${cov.reason ?? 'no data'}); a trend needs at least 2`,
      { missing_months: cov.missing_months },
    );
  const end = (from: string, to: string, uncovered: typeof ps.periods) =>
    from < to
      ? {
          from,
          to,
          days: daysBetween(from, to),
          uncovered_periods: uncovered.map((x) => describeGap({ from: x.start, to: x.end })),
        }
      : null;
  return {
    kind: ps.kind,
    periods: kept,
    droppedDays: daysBetween(window.from, kept[0].start),
    dropped: {
      start: end(window.from, kept[0].start, ps.periods.slice(0, a)),
      end: end(kept.at(-1)!.end, window.to, ps.periods.slice(b)),
    },
    categories: cov.categories.map((c) => c.category),
  };
}

export async function emerging(db: Queryable, q: StatQuery & { period: PeriodKind; alpha: number; include?: 'series' }) {
  const { scheme, categories, narrowing, window, units } = await prepare(db, q);
  const p0 = new Params();
  const prec = await precisions(db, window, incidentWhere(p0, { ...window, categories, narrowing }), p0.values, narrowing);
  const ps = await coveredPeriods(db, categories, window, periodsFor(window, q.period, prec.coarsest));
  const span = { from: ps.periods[0].start, to: ps.periods[ps.periods.length - 1].end };
  const p = new Params();
  const where = incidentWhere(p, { ...span, categories, narrowing });
  const edges = [...ps.periods.map((x) => x.start), span.to];
  const bucket = `width_bucket(i.occurred_at, ${p.add(edges)}::timestamp[])`;
  const weights = sqlWeights(scheme);
  // Month, quarter or year periods read the cube; weeks or days (or a window cut mid-month) the incidents.
  const src = readSource({ bounds: edges, lacks: unitLacks(q), narrowing, uses: unitUses(q) });
  const rows = await db.query<UnitCountRow & { bucket: number }>(
    unitCountsSql(p, q, where, weightedAggregates(src, weights !== null), { bucket, weights, src }),
    p.values,
  );
  const T = ps.periods.length;
  const perPeriod = ps.periods.map(() => emptyTotals(units.ids.length));
  for (const r of rows)
    if (r.bucket >= 1 && r.bucket <= T) addRow(perPeriod[r.bucket - 1], units, r.unit, r.n, r.value, r.unweighted, r.n_ckey);
  const nb = units.neighbours(q.k);
  const zs: number[][] = [];
  const sig: boolean[][] = [];
  const cls: HotColdClass[][] = [];
  let zMin = 0;
  let zMax = 0;
  for (const t of perPeriod) {
    const g = giStar(t.value, nb);
    const adj = adjustP(g.p, q.correction);
    zs.push(g.z);
    sig.push(adj.map((v) => v < q.alpha));
    cls.push(g.z.map((z, i) => classifyHotCold(z, adj[i])));
    for (const z of g.z) {
      if (z < zMin) zMin = z;
      if (z > zMax) zMax = z;
    }
  }
  const out = units.ids.map((_, i) => {
    const z = zs.map((row) => row[i]);
    const e = classifyEmerging({ z, significant: sig.map((row) => row[i]), trendAlpha: q.alpha });
    const row = Object.assign(unitKey(units, i), {
      pattern: e.pattern,
      trend: { z: e.trend.z, p: e.trend.p, tau: e.trend.tau, s: e.trend.s },
      hot_share: e.hotShare,
      cold_share: e.coldShare,
      final: { gi_z: z[T - 1], class: cls[T - 1][i] },
    });
    return q.include === 'series' ? Object.assign(row, { z, class: cls.map((r) => r[i]) }) : row;
  });
  return {
    kind: units.kind,
    rows: out,
    meta: {
      method: `${GI_METHOD} per period, Mann-Kendall trend of each unit's z series, emerging hot spot classes (ESRI rules, geodata/stats/emerging.ts)`,
      ...unitMeta(units),
      n: units.ids.length,
      neighbourhood: units.neighbourhood(q.k),
      correction: q.correction,
      correction_scope: 'applied within each period',
      alpha: q.alpha,
      scheme: schemeMeta(scheme),
      categories,
      window,
      period: q.period,
      periods: ps.periods,
      dropped_days: ps.droppedDays,
      dropped: ps.dropped,
      coverage: {
        categories: ps.categories,
        rule: 'periods not fully covered by data are dropped at either end of the window (listed in dropped); one inside the series is refused',
      },
      time_precision: prec.by,
      // stripped for every role but partners, whose mask perturbs the tally by them (keyedFor, maskEmerging)
      time_precision_ckey: prec.keys,
      source: src.meta,
      z_range: [zMin, zMax] as [number, number],
      series_included: q.include === 'series',
    },
  };
}

// ---------- Knox ----------

/** Most events one Knox test reads (record-level points; pairs and permutations grow with them). */
export const MAX_KNOX_EVENTS = 20_000;

export async function knox(
  db: Queryable,
  q: WindowQuery & { distance: number[]; time: number[]; permutations: number; seed: number; wardCodes: string[] | null },
) {
  const { categories, narrowing } = await requestSelection(db, q.category);
  const window = await requestWindow(db, q);
  const p = new Params();
  const where = incidentWhere(p, { ...window, categories, narrowing, wardCodes: q.wardCodes });
  const prec = await precisions(db, window, where, p.values, narrowing);
  if (prec.by.month)
    throw new ApiError(
      400,
      'month_precision',
      `${prec.by.month} of the ${prec.total} incidents selected have month precision only (police.uk data): the Knox test needs day or minute times for its time bands. Choose a dataset or window with dated records.`,
      { month_precision: prec.by.month, total: prec.total },
    );
  if (prec.total > MAX_KNOX_EVENTS)
    throw new ApiError(
      400,
      'too_many_events',
      `The selection holds ${prec.total} incidents; the Knox test takes at most ${MAX_KNOX_EVENTS}. Narrow the window or the categories.`,
      { events: prec.total, max: MAX_KNOX_EVENTS },
    );
  const pts = await db.query<{ lon: number; lat: number; day: number }>(
    knoxPointsSql(where, p.add(MAX_KNOX_EVENTS + 1)),
    p.values,
  );
  const events = pts.map((r) => ({ ...lonLatToBng(r.lon, r.lat), day: Number(r.day) }));
  const r = knoxTest(events, {
    precision: prec.coarsest === 'day' || prec.coarsest === null ? 'day' : 'minute',
    distanceBands: q.distance,
    timeBands: q.time,
    permutations: q.permutations,
    seed: q.seed,
  });
  return {
    cells: r.cells.map((c) => ({
      distance_from: c.distanceFrom,
      distance_to: c.distanceTo,
      time_from: c.timeFrom,
      time_to: c.timeTo,
      observed: c.observed,
      expected: c.expected,
      ratio: finiteOrNull(c.ratio),
      p: c.p,
    })),
    meta: {
      method: r.method,
      p_value: 'one-sided, (1 + #permutations with at least the observed pairs) / (1 + permutations)',
      events: r.events,
      close_pairs: r.closePairs,
      permutations: r.permutations,
      seed: r.seed,
      distance_bands_m: q.distance,
      time_bands_days: q.time,
      coordinates: 'British National Grid (EPSG:27700) from the stored WGS84 points',
      time_precision: prec.by,
      window,
      categories,
      ward_scope: q.wardCodes,
    },
  };
}

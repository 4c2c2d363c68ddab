// Data coverage (issue 11) for the UI: GET /api/coverage -> the months of the coverage strip (covered,
// partly covered, not covered, for the categories chosen), with the chosen period and the previous one
// marked; and what a window's coverage means for figures from GET /api/stats/areas ("no data", never 0).
import type { AreaStats, CoverageMonth, CoverageReport, CoverageStatus } from '../../../contract/aggregates';
import { formatCount } from './format';
import { addMonths, fromBoundToMonth, monthLabel, monthRange, monthsBetween, toBoundToMonth, windowLabel } from './months';

export interface MonthWindow {
  /** Inclusive first month (YYYY-MM; a YYYY-MM-DD date is taken as its month). */
  from: string;
  /** Exclusive end (YYYY-MM, or a YYYY-MM-DD date: a part month counts). */
  to: string;
}

export interface StripMonth {
  month: string;
  status: CoverageStatus;
  inPeriod: boolean;
  inPrevious: boolean;
  /** Hover text: the month, its status (per category when they differ) and the sources. */
  title: string;
}

export interface StripRun {
  status: CoverageStatus;
  /** Inclusive first month. */
  from: string;
  /** Exclusive end month. */
  to: string;
}

export interface StripSpan {
  /** Index of the first month in `months`. */
  start: number;
  /** Number of months. */
  length: number;
  status: CoverageStatus;
}

export interface CoverageStripModel {
  months: StripMonth[];
  /** Consecutive months of one status. */
  runs: StripRun[];
  /** The chosen period's place on the ruler and its coverage (null without a period). */
  period: StripSpan | null;
  previous: StripSpan | null;
  /** Year labels: the ruler index of each year's first month shown. */
  ticks: { index: number; label: string }[];
  /** One line for phones (no hover): what is covered and where the gaps are. */
  summary: string;
}

export const STATUS_LABELS: Record<CoverageStatus, string> = { full: 'covered', partial: 'partly covered', none: 'no data' };

function normalise(w: MonthWindow | null | undefined): MonthWindow | null {
  if (!w) return null;
  const from = fromBoundToMonth(w.from);
  const to = toBoundToMonth(w.to);
  return from && to && monthsBetween(from, to) > 0 ? { from, to } : null;
}

/** full when every status is full, none when every one is none, else partial (none for an empty list). */
export function combineStatus(statuses: readonly CoverageStatus[]): CoverageStatus {
  if (statuses.length === 0 || statuses.every((s) => s === 'none')) return 'none';
  return statuses.every((s) => s === 'full') ? 'full' : 'partial';
}

type Lookup = { slug: string; label: string; byMonth: Map<string, CoverageMonth> }[];

/** The report's categories in scope: those asked for (missing ones: never covered), or all it lists. */
function scope(report: CoverageReport, categories: readonly string[] | null | undefined): Lookup {
  const bySlug = new Map(report.categories.map((c) => [c.slug, c]));
  // A category set (`@serious-violence`, issue 18) is expanded by the server: the report asked with it
  // lists exactly the set's categories, so its own list is the scope.
  const slugs =
    categories?.length && !categories.some((c) => c.startsWith('@')) ? [...categories] : report.categories.map((c) => c.slug);
  return slugs.map((slug) => {
    const c = bySlug.get(slug);
    return { slug, label: c?.label ?? slug, byMonth: new Map((c?.months ?? []).map((m) => [m.month, m])) };
  });
}

const monthStatus = (cats: Lookup, month: string) => combineStatus(cats.map((c) => c.byMonth.get(month)?.covered ?? 'none'));

/** Coverage of a window for the categories (all in the report when none are given). */
export function windowStatus(
  report: CoverageReport,
  categories: readonly string[] | null | undefined,
  window: MonthWindow,
): CoverageStatus {
  const w = normalise(window);
  if (!w) return 'none';
  const cats = scope(report, categories);
  return combineStatus(monthRange(w.from, w.to).map((m) => monthStatus(cats, m)));
}

function monthTitle(cats: Lookup, month: string, status: CoverageStatus): string {
  const parts = [`${monthLabel(month)}: ${STATUS_LABELS[status]}`];
  if (cats.length > 1 && status === 'partial') {
    const per = cats.map((c) => {
      const m = c.byMonth.get(month);
      return `${c.label} ${m ? STATUS_LABELS[m.covered] : STATUS_LABELS.none}`;
    });
    parts.push(per.join(', '));
  } else if (cats.length === 1 && status === 'partial') {
    const m = cats[0].byMonth.get(month);
    if (m?.covered_days !== undefined) parts.push(`${m.covered_days} days of the month`);
  }
  const sources = new Map<string, number | null>();
  for (const c of cats) {
    for (const s of c.byMonth.get(month)?.sources ?? []) {
      const prev = sources.has(s.dataset) ? sources.get(s.dataset)! : 0;
      sources.set(s.dataset, prev === null || s.rows === null ? null : prev + s.rows);
    }
  }
  if (sources.size) {
    const list = [...sources].map(([d, n]) => (n === null ? d : `${d} (${formatCount(n)} rows)`));
    parts.push(`source${sources.size === 1 ? '' : 's'}: ${list.join(', ')}`);
  }
  return parts.join(' · ');
}

function runsOf(months: readonly StripMonth[]): StripRun[] {
  const runs: StripRun[] = [];
  for (const m of months) {
    const last = runs.at(-1);
    if (last && last.status === m.status) last.to = addMonths(m.month, 1);
    else runs.push({ status: m.status, from: m.month, to: addMonths(m.month, 1) });
  }
  return runs;
}

function span(months: readonly StripMonth[], w: MonthWindow | null): StripSpan | null {
  if (!w || !months.length) return null;
  const start = monthsBetween(months[0].month, w.from);
  const length = monthsBetween(w.from, w.to);
  return { start, length, status: combineStatus(months.slice(start, start + length).map((m) => m.status)) };
}

function yearTicks(months: readonly StripMonth[]): { index: number; label: string }[] {
  const firstYear = months[0]?.month.slice(0, 4);
  const ticks = months
    .map((m, index) => ({ index, month: m.month }))
    .filter((t) => t.month.endsWith('-01') || (t.index === 0 && monthsBetween(t.month, `${Number(firstYear) + 1}-01`) >= 4));
  const years = ticks.length;
  // Room for a label every year up to ~8 years, else every other year (two-digit years beyond 12).
  const every = years > 8 ? 2 : 1;
  return ticks
    .filter((_, i) => i % every === 0)
    .map((t) => ({ index: t.index, label: years > 12 ? `’${t.month.slice(2, 4)}` : t.month.slice(0, 4) }));
}

function summaryLine(runs: readonly StripRun[], period: StripSpan | null, previous: StripSpan | null): string {
  const covered = runs.filter((r) => r.status !== 'none');
  if (!covered.length) return 'No data is loaded for these categories.';
  const first = covered[0].from;
  const last = covered.at(-1)!.to;
  const parts = [`Data ${windowLabel(first, last)}`];
  const gaps = runs.filter((r) => r.status === 'none' && monthsBetween(first, r.from) > 0 && monthsBetween(r.to, last) > 0);
  const partial = runs.filter((r) => r.status === 'partial');
  if (gaps.length) parts.push(`gaps ${gaps.map((g) => windowLabel(g.from, g.to)).join(', ')}`);
  if (partial.length) parts.push(`partly covered ${partial.map((g) => windowLabel(g.from, g.to)).join(', ')}`);
  // Only what needs saying: a period or previous period not fully covered.
  if (period && period.status !== 'full') parts.push(`period: ${STATUS_LABELS[period.status]}`);
  if (previous && previous.status !== 'full') parts.push(`previous period: ${STATUS_LABELS[previous.status]}`);
  return `${parts.join(' · ')}.`;
}

/**
 * The coverage strip: every month from the earliest of the data, the period and the previous period to
 * the latest of them, with its status for the categories in scope (all the report lists when none are
 * chosen). Months outside the data are "no data", so a period reaching before the data shows the gap.
 */
export function coverageStrip(
  report: CoverageReport,
  opts: { categories?: readonly string[] | null; period?: MonthWindow | null; previous?: MonthWindow | null },
): CoverageStripModel {
  const p = normalise(opts.period);
  const prev = normalise(opts.previous);
  const starts = [report.first_month, p?.from, prev?.from].filter((m): m is string => !!m).sort();
  const ends = [report.last_month ? addMonths(report.last_month, 1) : null, p?.to, prev?.to]
    .filter((m): m is string => !!m)
    .sort();
  if (!starts.length || !ends.length)
    return { months: [], runs: [], period: null, previous: null, ticks: [], summary: 'No data is loaded.' };
  const cats = scope(report, opts.categories);
  const inside = (w: MonthWindow | null, m: string) => !!w && monthsBetween(w.from, m) >= 0 && monthsBetween(m, w.to) > 0;
  const months = monthRange(starts[0], ends.at(-1)!).map((month): StripMonth => {
    const status = monthStatus(cats, month);
    return { month, status, inPeriod: inside(p, month), inPrevious: inside(prev, month), title: monthTitle(cats, month, status) };
  });
  const runs = runsOf(months);
  const period = span(months, p);
  const previous = span(months, prev);
  return { months, runs, period, previous, ticks: yearTicks(months), summary: summaryLine(runs, period, previous) };
}

// ---------- figures from GET /api/stats/areas ----------

export interface AreaCoverage {
  /** The period has no data at all: counts and rates are null. */
  noCurrent: boolean;
  /** The previous period is not fully covered: previous counts and change are null. */
  noPrevious: boolean;
  /** Legend lines: why the period has no data, or that it is covered only in part (`count_note`). */
  notes: string[];
}

export function areaCoverage(stats: Pick<AreaStats, 'coverage'> | null | undefined): AreaCoverage {
  const c = stats?.coverage;
  if (!c) return { noCurrent: false, noPrevious: false, notes: [] };
  const notes = [c.count_reason, c.count_note]
    .filter((n): n is string => !!n)
    .map((n) => n.charAt(0).toUpperCase() + n.slice(1) + '.');
  return { noCurrent: c.count_reason !== null, noPrevious: c.previous_reason !== null, notes };
}

/** The legend entry for areas without a value, or null when every area has one. */
export function areaNoDataLabel(stats: AreaStats | null, metric: 'count' | 'rate', partner: boolean): string | null {
  if (!stats) return null;
  if (areaCoverage(stats).noCurrent) return 'No data for this period';
  const missing = stats.areas.some((a) => (metric === 'rate' ? a.rate_per_1000 : a.count) === null);
  if (!missing) return null;
  if (metric === 'rate') return partner ? 'Withheld or no population data' : 'No population data';
  return partner ? 'Withheld' : 'No data';
}

/** The coverage rule in one line, for legends (the API's `rule` in full goes in the title). */
export const COVERAGE_RULE_SHORT = 'Months no imported file covers are no data, never 0.';

// ---------- a period against the previous one (pack and presentation tables) ----------

export interface ComparisonCoverage {
  /** The period, for the categories in scope. */
  current: CoverageStatus;
  /** The previous period, for the categories in scope: anything but full means no previous figures. */
  previous: CoverageStatus;
  /** The period for one category. */
  currentOf(slug: string): CoverageStatus;
  /** The previous period for one category. */
  previousOf(slug: string): CoverageStatus;
}

/**
 * Coverage of a period and the previous one. With no categories chosen the scope is, as the API's, every
 * category with data in either period, so a category held in neither is not a gap in both.
 */
export function comparisonCoverage(
  report: CoverageReport,
  categories: readonly string[] | null | undefined,
  period: MonthWindow,
  previous: MonthWindow,
): ComparisonCoverage {
  const held = (slug: string) =>
    windowStatus(report, [slug], period) !== 'none' || windowStatus(report, [slug], previous) !== 'none';
  const slugs = categories?.length ? [...categories] : report.categories.map((c) => c.slug).filter(held);
  return {
    current: slugs.length ? windowStatus(report, slugs, period) : 'none',
    previous: slugs.length ? windowStatus(report, slugs, previous) : 'none',
    currentOf: (slug) => windowStatus(report, [slug], period),
    previousOf: (slug) => windowStatus(report, [slug], previous),
  };
}

/**
 * Aggregate sources (issue 17): counts published per area and month with no points (the Met's ward-level
 * monthly counts). They feed ward counts and trends only, never the map's points, hexagons or hotspots, and
 * never make a month covered: one sentence each for wherever coverage is shown.
 */
export function aggregateSourceLines(report: Pick<CoverageReport, 'datasets'> | null | undefined): string[] {
  return (report?.datasets ?? [])
    .filter((d) => !d.points)
    .map(
      (d) =>
        `${d.dataset}: aggregate counts per ward, no points (ward counts and trends only), ${monthLabel(d.first_month)} – ${monthLabel(d.last_month)}; not shown as points or hotspots and not counted as coverage here.`,
    );
}

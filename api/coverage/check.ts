// Is a time window covered by data, for a set of categories? (issue 11). Coverage periods (migration 011)
// are merged per category and the gaps inside [from, to) listed. Each route decides what a gap means for
// its figures (null with a reason, a refusal, a dropped period); this module only says where the gaps are.
import type { Queryable } from '../db/index.js';
import { addMonths, type Window } from '../aggregates/window.js';
import { knownBreaks } from '../opendata/breaks.js';

export interface Gap {
  from: string;
  /** exclusive */
  to: string;
}

export interface CategoryCoverage {
  category: string;
  /** Gaps inside the window, in order. Empty: fully covered. */
  gaps: Gap[];
  /** Days of the window covered. */
  covered_days: number;
}

export interface WindowCoverage {
  from: string;
  to: string;
  /** full: every category in scope covered throughout; none: no category in scope covered at all. */
  status: 'full' | 'partial' | 'none';
  /** Categories the check ran over: those requested, or (for all categories) every category with data in the window(s). */
  categories: CategoryCoverage[];
  /** Months (`YYYY-MM`) overlapping some gap of some category in scope. */
  missing_months: string[];
  /** A sentence naming the gaps, or null when fully covered. */
  reason: string | null;
}

interface Row {
  category: string;
  period_start: string;
  period_end: string;
}

const dayMs = 86_400_000;
const days = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / dayMs);

/** Merged covered intervals per category overlapping [from, to). */
export async function coveredIntervals(
  db: Queryable,
  categories: string[] | null,
  from: string,
  to: string,
): Promise<Map<string, Gap[]>> {
  const rows = await db.query<Row>(
    `SELECT category, to_char(period_start, 'YYYY-MM-DD') AS period_start, to_char(period_end, 'YYYY-MM-DD') AS period_end
     FROM coverage
     -- only sources with points: aggregate counts (points = false) never cover incident analyses
     WHERE points AND period_end > $1::date AND period_start < $2::date AND ($3::text[] IS NULL OR category = ANY($3::text[]))
     ORDER BY category, period_start, period_end`,
    [from, to, categories],
  );
  const by = new Map<string, Gap[]>();
  for (const r of rows) {
    let list = by.get(r.category);
    if (!list) by.set(r.category, (list = []));
    list.push({ from: r.period_start, to: r.period_end });
  }
  return new Map([...by].map(([c, list]) => [c, mergeIntervals(list)]));
}

/** Overlapping or touching intervals merged, sorted by start. */
export function mergeIntervals(list: Gap[]): Gap[] {
  const out: Gap[] = [];
  for (const g of [...list].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    const last = out.at(-1);
    if (last && g.from <= last.to) {
      if (g.to > last.to) last.to = g.to;
    } else out.push({ ...g });
  }
  return out;
}

/** Every category's gaps in a window's coverage, as one list: the days on which some category in scope has no data. */
export const unionGaps = (c: WindowCoverage): Gap[] => mergeIntervals(c.categories.flatMap((x) => x.gaps));

/** Gaps of `covered` (merged, sorted) inside [from, to). */
export function gapsIn(covered: Gap[], from: string, to: string): Gap[] {
  const gaps: Gap[] = [];
  let at = from;
  for (const c of covered) {
    if (c.to <= at) continue;
    if (c.from >= to) break;
    if (c.from > at) gaps.push({ from: at, to: c.from < to ? c.from : to });
    if (c.to > at) at = c.to;
    if (at >= to) break;
  }
  if (at < to) gaps.push({ from: at, to });
  return gaps;
}

/** `2021-11..2022-02` for whole months, else day ranges (`to` shown inclusive). */
export function describeGap(g: Gap): string {
  const whole = g.from.endsWith('-01') && g.to.endsWith('-01');
  if (whole) {
    const last = addMonths(g.to, -1).slice(0, 7);
    const first = g.from.slice(0, 7);
    return first === last ? first : `${first}..${last}`;
  }
  const t = new Date(Date.parse(`${g.to}T00:00:00Z`) - dayMs).toISOString().slice(0, 10);
  return g.from === t ? g.from : `${g.from}..${t}`;
}

function monthsOf(g: Gap): string[] {
  const out: string[] = [];
  for (let m = `${g.from.slice(0, 7)}-01`; m < g.to; m = addMonths(m, 1)) out.push(m.slice(0, 7));
  return out;
}

/**
 * Coverage of one window. `categories` null means all categories: the scope is then every category with
 * any coverage in `scopeWindows` (default: this window), so a category with data in neither of two compared
 * windows is left out of both rather than counted as zero in both.
 */
export async function windowCoverage(
  db: Queryable,
  categories: string[] | null,
  w: Window,
  scopeWindows: Window[] = [w],
): Promise<WindowCoverage> {
  return (await windowsCoverage(db, categories, [w], scopeWindows))[0];
}

/**
 * Coverage of several windows from one read of the coverage table (the span of all of them). With all
 * categories the scope is every category with coverage in some `scopeWindows` window (default: the windows).
 */
export async function windowsCoverage(
  db: Queryable,
  categories: string[] | null,
  windows: Window[],
  scopeWindows: Window[] = windows,
): Promise<WindowCoverage[]> {
  const all = [...windows, ...scopeWindows];
  const from = all.reduce((m, x) => (x.from < m ? x.from : m), all[0].from);
  const to = all.reduce((m, x) => (x.to > m ? x.to : m), all[0].to);
  const intervals = await coveredIntervals(db, categories?.length ? categories : null, from, to);
  const overlaps = (list: Gap[], sw: Window) => list.some((g) => g.from < sw.to && g.to > sw.from);
  const scope = categories?.length
    ? [...categories].sort()
    : [...intervals]
        .filter(([, list]) => scopeWindows.some((sw) => overlaps(list, sw)))
        .map(([c]) => c)
        .sort();
  return windows.map((w) => {
    const total = days(w.from, w.to);
    const cats: CategoryCoverage[] = scope.map((category) => {
      const gaps = gapsIn(intervals.get(category) ?? [], w.from, w.to);
      return { category, gaps, covered_days: total - gaps.reduce((s, g) => s + days(g.from, g.to), 0) };
    });
    const missing = new Set<string>();
    for (const c of cats) for (const g of c.gaps) for (const m of monthsOf(g)) missing.add(m);
    const anyCovered = cats.some((c) => c.covered_days > 0);
    const full = cats.length > 0 && cats.every((c) => c.gaps.length === 0);
    const status = full ? 'full' : anyCovered ? 'partial' : 'none';
    return {
      from: w.from,
      to: w.to,
      status,
      categories: cats,
      missing_months: [...missing].sort(),
      reason: full ? null : reasonText(cats, w),
    };
  });
}

function reasonText(cats: CategoryCoverage[], w: Window): string {
  if (!cats.length) return `no data is loaded for ${describeGap({ from: w.from, to: w.to })}`;
  const parts = cats.filter((c) => c.gaps.length).map((c) => `${c.category} ${c.gaps.map(describeGap).join(', ')}`);
  return `no data for ${parts.join('; ')}`;
}

/** For each month (`YYYY-MM`) of `months`, the categories in scope not covered in the whole of it. */
export async function monthlyCoverage(db: Queryable, categories: string[] | null, months: string[]) {
  if (!months.length) return { scope: [] as string[], missing: new Map<string, string[]>() };
  const from = `${months[0]}-01`;
  const to = addMonths(`${months.at(-1)}-01`, 1);
  const intervals = await coveredIntervals(db, categories?.length ? categories : null, from, to);
  const scope = categories?.length ? [...categories].sort() : [...intervals.keys()].sort();
  const missing = new Map<string, string[]>();
  for (const m of months) {
    const ms = `${m}-01`,
      me = addMonths(ms, 1);
    const out = scope.filter((c) => gapsIn(intervals.get(c) ?? [], ms, me).length > 0);
    missing.set(m, out);
  }
  return { scope, missing };
}

// ---------- GET /api/coverage ----------

interface CoverageRow {
  category: string;
  label: string;
  dataset: string;
  period_start: string;
  period_end: string;
  rows: number;
  published_for: string | null;
  points: boolean;
}

export const COVERAGE_RULE =
  'A month is covered for a category when an imported file (or feed batch) holding that category has at least one row in that month; ' +
  'a covered month with no row of the category is a true zero. A month no file covered is not covered: its figures are null, never 0.';

/**
 * Coverage per category × month, per source dataset. `rows` is what the files hold (each distinct file once,
 * so re-importing a file does not double it); `covered_days` < the month's days for day-precision data that
 * starts or ends inside the month.
 */
export async function coverageReport(db: Queryable, q: { category?: string[] | null; from?: string; to?: string }) {
  const rows = await db.query<CoverageRow>(
    `WITH per_file AS (
       -- one row per distinct file (by checksum; batches without one stand alone), category and period
       SELECT DISTINCT ON (COALESCE(b.file_sha256, b.id::text), c.category, c.period_start)
              c.category, c.dataset, c.period_start, c.period_end, c.rows, c.published_for, c.points
       FROM coverage c JOIN import_batches b ON b.id = c.batch_id
       WHERE ($1::text[] IS NULL OR c.category = ANY($1::text[]))
         AND ($2::date IS NULL OR c.period_end > $2::date) AND ($3::date IS NULL OR c.period_start < $3::date)
       ORDER BY COALESCE(b.file_sha256, b.id::text), c.category, c.period_start, c.batch_id
     )
     SELECT p.category, COALESCE(cat.label, p.category) AS label, p.dataset,
            to_char(p.period_start, 'YYYY-MM-DD') AS period_start, to_char(p.period_end, 'YYYY-MM-DD') AS period_end,
            p.rows, p.published_for, p.points
     FROM per_file p LEFT JOIN categories cat ON cat.slug = p.category
     ORDER BY p.category, p.period_start, p.dataset`,
    [q.category?.length ? q.category : null, q.from ?? null, q.to ?? null],
  );
  const byCat = new Map<
    string,
    { label: string; months: Map<string, { covered_days: number; days: number; rows: number; sources: Map<string, number> }> }
  >();
  const datasets = new Map<
    string,
    { first: string; last: string; categories: Set<string>; published: Set<string>; points: boolean }
  >();
  let first: string | null = null,
    last: string | null = null;
  for (const r of rows) {
    const month = r.period_start.slice(0, 7);
    let cat = byCat.get(r.category);
    if (!cat) byCat.set(r.category, (cat = { label: r.label, months: new Map() }));
    let m = cat.months.get(month);
    const ms = `${month}-01`;
    if (!m) cat.months.set(month, (m = { covered_days: 0, days: days(ms, addMonths(ms, 1)), rows: 0, sources: new Map() }));
    m.covered_days = Math.max(m.covered_days, days(r.period_start, r.period_end));
    m.rows += r.rows;
    m.sources.set(r.dataset, (m.sources.get(r.dataset) ?? 0) + r.rows);
    let d = datasets.get(r.dataset);
    if (!d)
      datasets.set(r.dataset, (d = { first: month, last: month, categories: new Set(), published: new Set(), points: r.points }));
    if (month < d.first) d.first = month;
    if (month > d.last) d.last = month;
    d.categories.add(r.category);
    if (r.published_for) d.published.add(r.published_for);
    if (first === null || month < first) first = month;
    if (last === null || month > last) last = month;
  }
  // The month ruler: the requested window, or from the first to the last covered month.
  const rulerFrom = q.from ? `${q.from.slice(0, 7)}-01` : first ? `${first}-01` : null;
  const rulerTo = q.to ?? (last ? addMonths(`${last}-01`, 1) : null);
  const months: string[] = [];
  if (rulerFrom && rulerTo) for (let m = rulerFrom; m < rulerTo; m = addMonths(m, 1)) months.push(m.slice(0, 7));
  return {
    months,
    first_month: first,
    last_month: last,
    categories: [...byCat].map(([slug, c]) => ({
      slug,
      label: c.label,
      months: months.map((month) => {
        const m = c.months.get(month);
        if (!m) return { month, covered: 'none' as const, rows: null, sources: [] as { dataset: string; rows: number }[] };
        return {
          month,
          covered: m.covered_days >= m.days ? ('full' as const) : ('partial' as const),
          covered_days: m.covered_days,
          rows: m.rows,
          sources: [...m.sources].map(([dataset, n]) => ({ dataset, rows: n })),
        };
      }),
    })),
    datasets: [...datasets].map(([dataset, d]) => ({
      dataset,
      first_month: d.first,
      last_month: d.last,
      categories: [...d.categories].sort(),
      published_for: [...d.published].sort(),
      // false: aggregate counts with no points (e.g. MPS ward-level), shown here but never covering incident analyses
      points: d.points,
    })),
    rule: COVERAGE_RULE,
    // police.uk's known breaks inside the months shown (for the forces the data were published for)
    notes: knownBreaks(
      months,
      [...datasets.values()].flatMap((d) => [...d.published]),
    ),
  };
}

/**
 * Monthly counts with gaps (issue 11): a month no file covered is null, not 0. Requested categories: null
 * when any of them is not covered that month. All categories: null when none with data is covered; a month
 * covered for some only keeps its count and lists the others in `missing_categories`.
 */
export async function monthlyCounts(db: Queryable, categories: string[] | null, months: string[], byMonth: Map<string, number>) {
  const cov = await monthlyCoverage(db, categories, months);
  return {
    months: months.map((month): { month: string; count: number | null; missing_categories?: string[] | null } => {
      const missing = cov.missing.get(month) ?? [];
      const none = cov.scope.length === 0 || (categories?.length ? missing.length > 0 : missing.length === cov.scope.length);
      if (none) return { month, count: null, missing_categories: cov.scope.length ? missing : null };
      return { month, count: byMonth.get(month) ?? 0, ...(missing.length ? { missing_categories: missing } : {}) };
    }),
    coverage: { categories: cov.scope, rule: COVERAGE_RULE },
  };
}

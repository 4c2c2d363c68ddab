// The tasking pack's data (GET /api/pack, and the zip of POST /api/exports/pack): this period against
// the previous one by category, the top cells, the ward league table, and what changed since the last
// meeting. Partners get every count through the disclosure rule (api/auth/disclosure.ts): `maskPack`, the
// routes' partner mask, applied to the pack `buildPack` computes for everyone. Every count carries its cell
// key (`<count>_ckey`, Σ record_key mod 256 of the incidents it counts, beside it in the SQL): `maskPack`
// perturbs each count by it (ONS cell key method, issue 15) before the threshold; the routes strip the keys
// for every other role. Sections
// that other modules provide (patrol/outreach proposals, CHB areas: api/planning/pack.ts) register
// themselves with `registerPackSection`, with the roles that may see them and their files for the zip;
// a section nobody registered is listed as not available.
import { cellToBoundary } from 'h3-js';
import { packQuery, type Pack, type PackQuery, type PackRow, type PackWard } from '../../contract/live.js';
import type { Queryable } from '../db/index.js';
import {
  cellKeyDisclosure,
  cellKeyOf,
  inPartnerRequest,
  minCount,
  perturbFields,
  perturbRows,
  stripCellKeys,
  suppressRows,
  suppressTotal,
} from '../auth/disclosure.js';
import { CELL_KEY_MODULUS, perturbCount, PTABLE_NAME } from '../../geodata/disclosure/cell-key.js';
import type { AreaStats } from '../../contract/aggregates.js';
import type { MaskContext } from '../routing.js';
import { partnerAreaStats } from '../aggregates/routes.js';
import type { Principal, Role } from '../auth/roles.js';
import * as h from '../aggregates/handlers.js';
import { partnerWindow, requestSelection } from '../aggregates/request.js';
import { narrowingParams, narrowingSql, type Selection } from '../definitions/narrowing.js';
import { H3_COLUMN, Params, incidentWhere } from '../aggregates/sql.js';
import type { H3Res } from '../../geodata/h3.js';
import { addDays, addMonths, monthAfter, previousWindow, resolveWindow, type Window } from '../aggregates/window.js';
import { COVERAGE_RULE, describeGap, windowsCoverage, type CategoryCoverage, type WindowCoverage } from '../coverage/check.js';
import { changesAfter, changesFrom, currentSeq, type Change } from './hub.js';

export { packQuery, type Pack, type PackQuery };

// ---------- sections from other modules ----------

export interface PackContext {
  principal: Principal;
  window: Window;
  previous: Window;
  /** The request's categories as given (a category set stays `@name`, so a section resolves its narrowing too). */
  categories: string[] | null;
  /** The disclosure threshold (setting partner_min_count): a section open to partners applies it for them. */
  min: number;
}
/** What a section's build gives: its data, or why there is none (said in the pack and the zip's README). */
export type SectionOutcome<D> = { available: true; data: D } | { available: false; note: string };
export interface SectionFiles {
  /** File name in the zip → text. */
  files: Record<string, string>;
  /** Rows the files hold (added to the export's audited record count). */
  records: number;
}
export interface PackSection<D = unknown> {
  id: string;
  title: string;
  /** Roles that may see the section; the others get it as not available to their role. */
  roles: readonly Role[];
  build(db: Queryable, ctx: PackContext): Promise<SectionOutcome<D>>;
  /** The section's CSV/GeoJSON files for the zip (partners: withheld counts stay withheld). */
  files(db: Queryable, data: D, ctx: { partner: boolean }): Promise<SectionFiles>;
}
const sections = new Map<string, PackSection<any>>();
/** Sections other modules provide; listed as not available until registered. */
export const EXPECTED_SECTIONS: ReadonlyArray<{ id: string; title: string }> = [
  { id: 'patrol_proposals', title: 'Patrol proposals' },
  { id: 'outreach_proposals', title: 'Outreach proposals' },
  { id: 'chb_areas', title: 'Active Clear-Hold-Build areas' },
];
export function registerPackSection<D>(s: PackSection<D>) {
  sections.set(s.id, s);
}

export type PackSectionOut =
  | { title: string; available: true; data: unknown }
  | { title: string; available: false; note: string };

async function buildSections(db: Queryable, ctx: PackContext): Promise<Record<string, PackSectionOut>> {
  const out: Record<string, PackSectionOut> = {};
  const ids = [...new Set([...EXPECTED_SECTIONS.map((s) => s.id), ...sections.keys()])];
  for (const id of ids) {
    const s = sections.get(id);
    if (!s)
      out[id] = {
        title: EXPECTED_SECTIONS.find((e) => e.id === id)!.title,
        available: false,
        note: 'provided by a module that is not installed yet',
      };
    else if (!s.roles.includes(ctx.principal.user.role))
      out[id] = { title: s.title, available: false, note: 'not available to your role' };
    else out[id] = { title: s.title, ...(await s.build(db, ctx)) };
  }
  return out;
}

/** The registered sections' files for the zip, their record count, and a README line per section. */
export async function packSectionFiles(db: Queryable, pack: { sections: Record<string, PackSectionOut> }, partner: boolean) {
  const files: Record<string, string> = {};
  const readme: string[] = [];
  let records = 0;
  for (const [id, sec] of Object.entries(pack.sections)) {
    const s = sections.get(id);
    if (!sec.available || !s) {
      readme.push(`- ${sec.title}: not available (${sec.available ? 'no files' : sec.note}).`);
      continue;
    }
    const f = await s.files(db, sec.data, { partner });
    Object.assign(files, f.files);
    records += f.records;
    readme.push(`- ${sec.title}: ${Object.keys(f.files).join(', ')} (${f.records} row${f.records === 1 ? '' : 's'}).`);
  }
  return { files, records, readme };
}

// ---------- the period ----------

/** The latest month holding data in scope, whether its incidents are mostly known only to the month, and the latest day. */
const LATEST_SQL = `
WITH last AS (
  SELECT date_trunc('month', max(i.occurred_at)) AS m FROM incidents i
  WHERE ($1::text[] IS NULL OR i.category = ANY($1::text[])) AND ${narrowingSql('$2', '$3', '$4')})
SELECT to_char(max(i.occurred_at), 'YYYY-MM-DD') AS day, count(*) FILTER (WHERE i.time_precision = 'month')::int AS month_rows, count(*)::int AS rows
FROM incidents i, last
WHERE i.occurred_at >= last.m AND ($1::text[] IS NULL OR i.category = ANY($1::text[])) AND ${narrowingSql('$2', '$3', '$4')}`;

export interface PackPeriod {
  window: Window;
  /** The comparison length used (null: from and to given). */
  compare: string | null;
  /** How the period was chosen, in words. */
  basis: string;
}

/**
 * The period: [from, to) as given; a missing end is `compare` away from the other. Without `compare`, the
 * length is one month when the latest month of data in scope is mostly month-precision (police.uk: a 28-day
 * window would cut months and compare e.g. February's counts as "2025-01-05..2025-02-02"), else 28 days.
 * With neither from nor to, the period ends after the latest data: for months, the last covered month
 * (whole) against the month before; for days, the day after the latest incident. The previous period has
 * the same length, just before.
 */
export async function packWindow(
  db: Queryable,
  q: Pick<PackQuery, 'from' | 'to' | 'compare'>,
  sel: Selection = { categories: null, narrowing: null },
): Promise<PackPeriod> {
  if (q.from && q.to)
    return { window: resolveWindow(q, { from: q.from, to: q.to }), compare: null, basis: 'the period requested' };
  const [latest] = await db.query<{ day: string | null; month_rows: number; rows: number }>(LATEST_SQL, [
    sel.categories,
    ...narrowingParams(sel.narrowing),
  ]);
  // Partners: whole months, and quarters or 12 months ending at a quarter's end (issue 15, partner periods).
  const partner = inPartnerRequest();
  const monthly = partner || (latest.rows > 0 && latest.month_rows * 2 >= latest.rows);
  const compare = q.compare ?? (monthly ? '1m' : '28d');
  const chosen = q.compare
    ? `compare=${q.compare}`
    : monthly
      ? 'whole calendar months: the data in scope are known only to the month (police.uk)'
      : '28 days: the data in scope are dated to the day';
  const n = Number(compare.slice(0, -1));
  const unit = compare.slice(-1);
  const shift = (d: string, sign: 1 | -1) =>
    unit === 'm' ? addMonths(d, sign * n) : addDays(d, sign * n * (unit === 'w' ? 7 : 1));
  if (q.from)
    return {
      window: resolveWindow({ from: q.from, to: shift(q.from, 1) }, { from: q.from, to: q.from }),
      compare,
      basis: chosen,
    };
  let to = q.to;
  let basis = chosen;
  if (!to) {
    const day = latest.day ?? new Date().toISOString().slice(0, 10);
    to = unit === 'm' ? monthAfter(day.slice(0, 7)) : addDays(day, 1);
    if (partner && n > 1) to = partnerWindow(day.slice(0, 7)).to;
    basis = `${chosen}; ending with the latest data in scope (${unit === 'm' ? `the month ${day.slice(0, 7)}` : day})`;
  }
  return { window: resolveWindow({ from: shift(to, -1), to }, { from: to, to }), compare, basis };
}

// ---------- SQL (values as $n; the H3 column from H3_COLUMN) ----------

/** Record key sums of each period's incidents (`win` rows tagged `is_current`), and their cell keys. */
const KEY_SUMS = `COALESCE(sum(record_key) FILTER (WHERE is_current), 0) AS key_sum,
         COALESCE(sum(record_key) FILTER (WHERE NOT is_current), 0) AS previous_key_sum`;
const CKEYS = (t: string) =>
  `(COALESCE(${t}.key_sum, 0) % ${CELL_KEY_MODULUS})::int AS count_ckey, (COALESCE(${t}.previous_key_sum, 0) % ${CELL_KEY_MODULUS})::int AS previous_count_ckey`;

function categoriesSql(where: string, current: string, requested: string) {
  return `
WITH
-- incidents of both periods, tagged with the period
win AS (
  SELECT i.category, i.occurred_at >= ${current}::timestamp AS is_current, i.record_key FROM incidents i WHERE ${where}
),
-- counts per category and period, with their record key sums (cell key method, issue 15)
counts AS (
  SELECT category, count(*) FILTER (WHERE is_current)::int AS count, count(*) FILTER (WHERE NOT is_current)::int AS previous_count,
         ${KEY_SUMS}
  FROM win GROUP BY category
)
SELECT c.slug, c.label, COALESCE(n.count, 0) AS count, COALESCE(n.previous_count, 0) AS previous_count, ${CKEYS('n')}
FROM categories c
LEFT JOIN counts n ON n.category = c.slug
WHERE n.category IS NOT NULL OR c.slug = ANY(${requested}::text[])
ORDER BY COALESCE(n.count, 0) DESC, c.label`;
}

function topCellsSql(res: H3Res, where: string, current: string, top: string) {
  const col = H3_COLUMN[res];
  return `
WITH
-- incidents of both periods with their cell and ward
win AS (
  SELECT i.${col} AS cell, i.ward_code, i.occurred_at >= ${current}::timestamp AS is_current, i.record_key FROM incidents i WHERE ${where}
),
-- counts per cell and period (with their record key sums); the ward most of the cell's current incidents lie in
cells AS (
  SELECT cell, count(*) FILTER (WHERE is_current)::int AS count, count(*) FILTER (WHERE NOT is_current)::int AS previous_count,
         ${KEY_SUMS},
         mode() WITHIN GROUP (ORDER BY ward_code) FILTER (WHERE is_current) AS ward_code
  FROM win GROUP BY cell
)
SELECT lpad(to_hex(c.cell), 15, '0') AS h3, c.count, c.previous_count, ${CKEYS('c')}, c.ward_code, a.name AS ward_name
FROM cells c
LEFT JOIN areas a ON a.level = 'ward' AND a.code = c.ward_code
WHERE c.count > 0
ORDER BY c.count DESC, c.cell
LIMIT ${top}`;
}

const precisionSql = (where: string) => `
SELECT i.time_precision AS precision, count(*)::int AS count, (sum(i.record_key) % ${CELL_KEY_MODULUS})::int AS count_ckey
FROM incidents i WHERE ${where} GROUP BY 1 ORDER BY 1`;

const ADDED_BY_CATEGORY_SQL = `
SELECT i.category AS slug, c.label, count(*)::int AS count
FROM incidents i JOIN categories c ON c.slug = i.category
WHERE i.batch_id = ANY($1::int[])
GROUP BY 1, 2
ORDER BY 3 DESC, 2`;

const BATCHES_SQL = `SELECT id, kind, dataset FROM import_batches WHERE id = ANY($1::int[])`;

// ---------- the pack ----------

/** Which period has no data (issue 11): its count is null, never 0. */
export type NoData = 'current' | 'previous' | 'both' | null;
type Counted = Pick<PackRow, 'count' | 'previous_count' | 'change' | 'change_pct'> & { no_data?: NoData };
const noDataOf = (current: boolean, previous: boolean): NoData =>
  current && previous ? 'both' : current ? 'current' : previous ? 'previous' : null;
export const noCurrent = (n: NoData) => n === 'current' || n === 'both';
export const noPrevious = (n: NoData) => n === 'previous' || n === 'both';
/** Counts with change; a period without data (`noData`) is null, and so is the change. */
const withChange = <T extends { count: number; previous_count: number }>(
  r: T,
  noData: NoData = null,
  reason: string | null = null,
) => {
  const count = noCurrent(noData) ? null : r.count;
  const previous = noPrevious(noData) ? null : r.previous_count;
  return {
    ...r,
    count,
    previous_count: previous,
    change: count === null || previous === null ? null : count - previous,
    change_pct: count === null || !previous ? null : Math.round(((count - previous) * 1000) / previous) / 10,
    no_data: noData,
    no_data_reason: reason,
  };
};
/** Partners: both periods' counts through the disclosure rule (no-data nulls are not counts: skipped); change withheld with either. */
const suppressBoth = <T extends Counted>(rows: T[], min: number): T[] =>
  suppressRows(suppressRows(rows, 'count', min, ['change', 'change_pct']), 'previous_count', min, ['change', 'change_pct']).map(
    (r) => ({
      ...r,
      suppressed:
        (r.count === null && !noCurrent(r.no_data ?? null)) || (r.previous_count === null && !noPrevious(r.no_data ?? null)),
    }),
  );

/** The ward league's order: by count (withheld and no-data last), then name; `rank` from 1. */
const rankWards = <A extends { rank: number; name: string; count: number | null }>(areas: readonly A[]): A[] =>
  [...areas]
    .sort((a, b) => (b.count ?? -1) - (a.count ?? -1) || a.name.localeCompare(b.name))
    .map((a, i) => ({ ...a, rank: i + 1 }));

/**
 * Partners: a row's counts perturbed by their cell keys (the keys dropped), change and change_pct
 * recomputed from the perturbed counts; a no-data null stays null (it has no key's count to perturb).
 */
function perturbPackRow<T extends Counted>(r: T): T {
  const p = perturbFields(r as T & Record<string, unknown>, ['count', 'previous_count']);
  return withChange(
    { ...p, count: p.count ?? 0, previous_count: p.previous_count ?? 0 },
    r.no_data ?? null,
    (r as { no_data_reason?: string | null }).no_data_reason ?? null,
  ) as unknown as T;
}

/** Gaps of one category in one period, in words. */
const gapText = (which: string, slug: string, c: CategoryCoverage | undefined, w: Window) =>
  `no ${slug} data for the ${which} period (${(c?.gaps.length ? c.gaps : [w]).map((g) => describeGap(g)).join(', ')})`;

/** What the two periods cover, for the pack (and the zip's README). */
function packCoverage(current: WindowCoverage, previous: WindowCoverage) {
  const gaps: string[] = [];
  if (current.reason) gaps.push(`This period (${current.from} to ${current.to}, end exclusive): ${current.reason}.`);
  if (previous.reason) gaps.push(`Previous period (${previous.from} to ${previous.to}, end exclusive): ${previous.reason}.`);
  const brief = (c: WindowCoverage) => ({
    status: c.status,
    missing_months: c.missing_months,
    reason: c.reason,
    categories: c.categories,
  });
  return { current: brief(current), previous: brief(previous), gaps, rule: COVERAGE_RULE };
}

/** Partners: the totals through the disclosure rule; a no-data null stays no data (not withheld). */
function suppressTotals<T extends Counted>(t: T, min: number) {
  const count = t.count === null ? null : suppressTotal(t.count, min);
  const previous = t.previous_count === null ? null : suppressTotal(t.previous_count, min);
  const hidden = (t.count !== null && count === null) || (t.previous_count !== null && previous === null);
  return { ...t, count, previous_count: previous, ...(hidden ? { change: null, change_pct: null } : {}), suppressed: hidden };
}

/**
 * The pack with every count as it is (partners get it through `maskPack`). The planning sections are
 * built for the caller's role (a section says "not available to your role" when the role may not see it,
 * and one open to partners applies the disclosure threshold itself), so the sections are the one part of
 * the pack computed differently for partners.
 */
export async function buildPack(db: Queryable, p: Principal, q: PackQuery): Promise<Pack> {
  const sel = await requestSelection(db, q.category);
  const cats = sel.categories;
  const narrowing = sel.narrowing;
  const period = await packWindow(db, q, sel);
  const w = period.window;
  const prev = previousWindow(w);
  const seq = await currentSeq(db);

  // What the two periods cover (issue 11), per category: with all categories, the scope is every category
  // with data in either period. A period without data for a category is null ("no data"), never 0.
  const [curCov, prevCov] = await windowsCoverage(db, cats, [w, prev]);
  const covOf = (wc: WindowCoverage, slug: string) => wc.categories.find((c) => c.category === slug);

  // This period against the previous one, by category.
  let pp = new Params();
  let where = incidentWhere(pp, { from: prev.from, to: w.to, categories: cats, narrowing });
  const byCat = (
    await db.query<{
      slug: string;
      label: string;
      count: number;
      previous_count: number;
      count_ckey: number;
      previous_count_ckey: number;
    }>(categoriesSql(where, pp.add(w.from), pp.add(cats ?? [])), pp.values)
  ).map((r) => {
    const c = covOf(curCov, r.slug);
    const pc = covOf(prevCov, r.slug);
    // As GET /api/stats/areas: this period's count is null when the category has no data in it at all,
    // the previous count when the previous period is not fully covered.
    const none = !c || c.covered_days === 0;
    const notFull = !pc || pc.gaps.length > 0;
    const reasons = [
      ...(none ? [gapText('this', r.slug, c, w)] : []),
      ...(notFull ? [gapText('previous', r.slug, pc, prev)] : []),
    ];
    const row = withChange(r, noDataOf(none, notFull), reasons.length ? reasons.join('; ') : null);
    return c && !none && c.gaps.length
      ? { ...row, note: `counts cover only part of the period (${gapText('this', r.slug, c, w)})` }
      : row;
  });
  const sum = (k: 'count' | 'previous_count') => byCat.reduce((s, r) => s + (r[k] ?? 0), 0);
  // The total's cell key: of exactly the incidents it counts (the categories whose count is not no-data).
  const keyOfSum = (k: 'count' | 'previous_count') =>
    cellKeyOf(byCat.reduce((s, r) => s + (r[k] === null ? 0 : r[`${k}_ckey`]), 0));
  const totalNoData = noDataOf(curCov.status === 'none', prevCov.status !== 'full');
  const totalReason = [
    ...(noCurrent(totalNoData) ? [`this period: ${curCov.reason}`] : []),
    ...(noPrevious(totalNoData) ? [`previous period: ${prevCov.reason}`] : []),
  ];
  const totalRow = withChange(
    {
      count: sum('count'),
      previous_count: sum('previous_count'),
      count_ckey: keyOfSum('count'),
      previous_count_ckey: keyOfSum('previous_count'),
    },
    totalNoData,
    totalReason.length ? totalReason.join('; ') : null,
  );
  const totals =
    curCov.status === 'partial' ? { ...totalRow, note: `counts cover only part of the period (${curCov.reason})` } : totalRow;

  // Time precision of this period's incidents (28-day comparisons of month-precision data are approximate).
  pp = new Params();
  const precision = await db.query<{ precision: string; count: number; count_ckey: number }>(
    precisionSql(incidentWhere(pp, { ...w, categories: cats, narrowing })),
    pp.values,
  );

  // Top cells by count this period. Partners: by the count they are shown (cell-key perturbed; an order by
  // the true count would tell apart cells shown alike), so every cell with an incident is read and cut here.
  const partner = inPartnerRequest();
  pp = new Params();
  where = incidentWhere(pp, { from: prev.from, to: w.to, categories: cats, narrowing });
  const cellRows = await db.query<{
    h3: string;
    count: number;
    previous_count: number;
    count_ckey: number;
    previous_count_ckey: number;
    ward_code: string | null;
    ward_name: string | null;
  }>(topCellsSql(q.res, where, pp.add(w.from), pp.add(partner ? null : q.top)), pp.values);
  const shownOrder = (r: (typeof cellRows)[number]) => perturbCount(r.count, r.count_ckey);
  const topRows = partner
    ? cellRows
        .map((r) => [shownOrder(r), r] as const)
        .sort((a, b) => b[0] - a[0] || (a[1].h3 < b[1].h3 ? -1 : a[1].h3 > b[1].h3 ? 1 : 0))
        .slice(0, q.top)
        .map(([, r]) => r)
    : cellRows;
  const cells = topRows.map((r) =>
    withChange(
      r,
      noDataOf(false, prevCov.status !== 'full'),
      prevCov.status !== 'full' ? `previous period: ${prevCov.reason}` : null,
    ),
  );

  // Ward league table (when wards are loaded): counts, rates, change; ranked by count.
  const [hasWards] = await db.query('SELECT 1 FROM area_sets WHERE level = $1', ['ward']);
  let wards: Pack['wards'] = null;
  if (hasWards) {
    // areaStats gives no-data as null with its reasons (issue 11); each row says which period has none.
    // Its cell keys stay for the partners' mask (GET /api/stats/areas' own: the same ward and period get
    // the same answer on both), and are stripped for every other role by the routes.
    // The request's categories as given: a category set keeps its narrowing, as on /stats/areas.
    const out = await h.areaStats(db, {
      level: 'ward',
      from: w.from,
      to: w.to,
      category: q.category?.length ? q.category : undefined,
    });
    const nd = { current: out.coverage.count_reason !== null, previous: out.coverage.previous_reason !== null };
    const no_data = noDataOf(nd.current, nd.previous);
    const coverage = {
      count_reason: out.coverage.count_reason,
      count_note: out.coverage.count_note,
      previous_reason: out.coverage.previous_reason,
    };
    const ranked = rankWards(out.areas.map((a) => ({ rank: 0, ...a, no_data })));
    wards = {
      areas: ranked,
      total: out.total,
      outside_study_area: out.outside_study_area,
      ...{ total_ckey: out.total_ckey, outside_study_area_ckey: out.outside_study_area_ckey },
      no_data,
      coverage,
    };
  }

  // What changed since the last meeting.
  let changes = null;
  if (q.since !== undefined) {
    const list: Change[] = /^\d+$/.test(q.since)
      ? await changesAfter(db, Number(q.since))
      : await changesFrom(db, new Date(q.since).toISOString());
    const ids = [...new Set(list.map((c) => c.batch_id))];
    const batches = new Map(
      (await db.query<{ id: number; kind: string; dataset: string | null }>(BATCHES_SQL, [ids])).map((b) => [b.id, b]),
    );
    const byCategory = ids.length
      ? await db.query<{ slug: string; label: string; count: number }>(ADDED_BY_CATEGORY_SQL, [ids])
      : [];
    const added = list.reduce((s, c) => s + c.count, 0);
    const rows = list.map((c) => ({
      seq: c.seq,
      at: c.at,
      batch_id: c.batch_id,
      kind: batches.get(c.batch_id)?.kind ?? null,
      dataset: batches.get(c.batch_id)?.dataset ?? null,
      count: c.count,
      months: c.months,
    }));
    changes = {
      since: q.since,
      to_seq: list.length ? list[list.length - 1].seq : seq,
      incidents_added: added,
      batches: rows,
      by_category: byCategory,
    };
  }

  const extra = await buildSections(db, {
    principal: p,
    window: w,
    previous: prev,
    // as requested: a section resolves a category set itself (with its narrowing)
    categories: q.category?.length ? q.category : null,
    min: await minCount(db),
  });

  return {
    generated_at: new Date().toISOString(),
    seq,
    period: {
      from: w.from,
      to: w.to,
      previous_from: prev.from,
      previous_to: prev.to,
      compare: period.compare,
      basis: period.basis,
    },
    categories_filter: cats,
    coverage: packCoverage(curCov, prevCov),
    comparison: {
      categories: byCat,
      total: totals,
      time_precision: precision,
    },
    top_cells: { res: q.res, method: 'count' as const, cells },
    wards,
    changes,
    sections: extra,
  };
}

export const PACK_RULE = `counts perturbed by the ONS cell key method (ptable ${PTABLE_NAME}; totals by their own key, so parts need not add up), then counts below min_count withheld, with complementary suppression`;

/**
 * The partners' pack (sections are built for the role already): every count perturbed by its cell key
 * (ONS cell key method, issue 15), then through the threshold and complementary suppression. The ward
 * league goes through GET /api/stats/areas' own partner mask (`partnerAreaStats`), so a ward's count and
 * rate equal that route's for the same ward, period and categories; it is then ranked by the shown counts.
 * Top cells were chosen by their perturbed counts already (`buildPack`, in a partner's request).
 */
export function maskPack(pack: Pack, min: number): Pack {
  const { wards, changes, comparison } = pack;
  let maskedWards = wards;
  if (wards) {
    const m = partnerAreaStats(wards as unknown as AreaStats, { min } as MaskContext);
    const areas = rankWards(m.areas as unknown as PackWard[]);
    maskedWards = { ...wards, areas, total: m.total, outside_study_area: m.outside_study_area };
  }
  return stripCellKeys({
    ...pack,
    comparison: {
      categories: suppressBoth(comparison.categories.map(perturbPackRow), min),
      total: suppressTotals(perturbPackRow(comparison.total), min),
      time_precision: suppressRows(perturbRows(comparison.time_precision), 'count', min),
    },
    top_cells: { ...pack.top_cells, cells: suppressBoth(pack.top_cells.cells.map(perturbPackRow), min) },
    wards: maskedWards,
    // What changed since the last meeting, as on the live feed (GET /api/live): which batches arrived and
    // when, never how many incidents or which months (a batch is often one incident; issue 15).
    changes: changes && {
      ...changes,
      incidents_added: null,
      batches: changes.batches.map((b) => ({ ...b, count: null, months: null, suppressed: true })),
      by_category: changes.by_category.map((c) => ({ ...c, count: null, suppressed: true })),
    },
    disclosure: { ...cellKeyDisclosure(min), rule: PACK_RULE },
  });
}

/** Cell outlines as GeoJSON features (for the zip). */
export function cellFeatures(cells: Array<Record<string, unknown> & { h3: string }>) {
  return {
    type: 'FeatureCollection' as const,
    features: cells.map((c) => ({
      type: 'Feature' as const,
      properties: c,
      geometry: {
        type: 'Polygon' as const,
        coordinates: [cellToBoundary(c.h3, true).map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6])],
      },
    })),
  };
}

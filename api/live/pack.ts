// The tasking pack's data (GET /api/pack, and the zip of POST /api/exports/pack): this period against
// the previous one by category, the top cells, the ward league table, and what changed since the last
// meeting. Partners get every count through the disclosure rule (api/auth/disclosure.ts). Sections
// that other modules provide (patrol/outreach proposals, CHB areas: api/planning/pack.ts) register
// themselves with `registerPackSection`, with the roles that may see them and their files for the zip;
// a section nobody registered is listed as not available.
import { cellToBoundary } from 'h3-js';
import { z } from 'zod';
import type { Queryable } from '../db/index.js';
import { maskAreaStats, minCount, suppressRows, suppressTotal } from '../auth/disclosure.js';
import type { Principal, Role } from '../auth/roles.js';
import { categoryParam, dateParam } from '../validate.js';
import * as h from '../aggregates/handlers.js';
import { requestCategories } from '../aggregates/request.js';
import { H3_COLUMN, Params, incidentWhere } from '../aggregates/sql.js';
import { resParam, type H3Res } from '../aggregates/params.js';
import { addDays, addMonths, monthAfter, previousWindow, resolveWindow, type Window } from '../aggregates/window.js';
import { changesAfter, changesFrom, currentSeq, type Change } from './hub.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export const packQuery = z.strictObject({
  from: dateParam.optional(),
  to: dateParam.optional(),
  compare: z.string().regex(/^[1-9]\d{0,3}[dwm]$/, 'compare is a period length: days, weeks or months, e.g. 28d, 4w, 1m').default('28d'),
  category: categoryParam.optional(),
  res: resParam.default(8),
  top: z.string().regex(/^\d{1,3}$/, 'top is a whole number').transform(Number).pipe(z.number().int().min(1).max(100)).default(10),
  since: z
    .string()
    .refine((s) => /^\d{1,15}$/.test(s) || (ISO_INSTANT.test(s) && !Number.isNaN(Date.parse(s))), 'since is a change seq (from GET /api/live) or an ISO instant with a zone, e.g. 2025-03-01T09:00:00Z')
    .optional(),
});
export type PackQuery = z.infer<typeof packQuery>;

// ---------- sections from other modules ----------

export interface PackContext {
  principal: Principal;
  window: Window;
  previous: Window;
  categories: string[] | null;
  /** The disclosure threshold for partners (0 for record-level roles). */
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

export type PackSectionOut = { title: string; available: true; data: unknown } | { title: string; available: false; note: string };

async function buildSections(db: Queryable, ctx: PackContext): Promise<Record<string, PackSectionOut>> {
  const out: Record<string, PackSectionOut> = {};
  const ids = [...new Set([...EXPECTED_SECTIONS.map((s) => s.id), ...sections.keys()])];
  for (const id of ids) {
    const s = sections.get(id);
    if (!s) out[id] = { title: EXPECTED_SECTIONS.find((e) => e.id === id)!.title, available: false, note: 'provided by a module that is not installed yet' };
    else if (!s.roles.includes(ctx.principal.user.role)) out[id] = { title: s.title, available: false, note: 'not available to your role' };
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

/**
 * The period: [from, to) as given; a missing end is `compare` away from the other; with neither, the
 * period ends after the latest data (the day after the latest incident; for month lengths, the end of
 * its month). The previous period has the same length, just before.
 */
export async function packWindow(db: Queryable, q: Pick<PackQuery, 'from' | 'to' | 'compare'>): Promise<Window> {
  const n = Number(q.compare.slice(0, -1));
  const unit = q.compare.slice(-1);
  const shift = (d: string, sign: 1 | -1) => (unit === 'm' ? addMonths(d, sign * n) : addDays(d, sign * n * (unit === 'w' ? 7 : 1)));
  if (q.from && q.to) return resolveWindow(q, { from: q.from, to: q.to });
  if (q.from) return resolveWindow({ from: q.from, to: shift(q.from, 1) }, { from: q.from, to: q.from });
  let to = q.to;
  if (!to) {
    const [r] = await db.query<{ day: string | null }>(`SELECT to_char(max(occurred_at), 'YYYY-MM-DD') AS day FROM incidents`);
    const day = r.day ?? new Date().toISOString().slice(0, 10);
    to = unit === 'm' ? monthAfter(day.slice(0, 7)) : addDays(day, 1);
  }
  return resolveWindow({ from: shift(to, -1), to }, { from: to, to });
}

// ---------- SQL (values as $n; the H3 column from H3_COLUMN) ----------

function categoriesSql(where: string, current: string, requested: string) {
  return `
WITH
-- incidents of both periods, tagged with the period
win AS (
  SELECT i.category, i.occurred_at >= ${current}::timestamp AS is_current FROM incidents i WHERE ${where}
),
-- counts per category and period
counts AS (
  SELECT category, count(*) FILTER (WHERE is_current)::int AS count, count(*) FILTER (WHERE NOT is_current)::int AS previous_count
  FROM win GROUP BY category
)
SELECT c.slug, c.label, COALESCE(n.count, 0) AS count, COALESCE(n.previous_count, 0) AS previous_count
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
  SELECT i.${col} AS cell, i.ward_code, i.occurred_at >= ${current}::timestamp AS is_current FROM incidents i WHERE ${where}
),
-- counts per cell and period; the ward most of the cell's current incidents lie in
cells AS (
  SELECT cell, count(*) FILTER (WHERE is_current)::int AS count, count(*) FILTER (WHERE NOT is_current)::int AS previous_count,
         mode() WITHIN GROUP (ORDER BY ward_code) FILTER (WHERE is_current) AS ward_code
  FROM win GROUP BY cell
)
SELECT lpad(to_hex(c.cell), 15, '0') AS h3, c.count, c.previous_count, c.ward_code, a.name AS ward_name
FROM cells c
LEFT JOIN areas a ON a.level = 'ward' AND a.code = c.ward_code
WHERE c.count > 0
ORDER BY c.count DESC, c.cell
LIMIT ${top}`;
}

const precisionSql = (where: string) => `
SELECT i.time_precision AS precision, count(*)::int AS count FROM incidents i WHERE ${where} GROUP BY 1 ORDER BY 1`;

const ADDED_BY_CATEGORY_SQL = `
SELECT i.category AS slug, c.label, count(*)::int AS count
FROM incidents i JOIN categories c ON c.slug = i.category
WHERE i.batch_id = ANY($1::int[])
GROUP BY 1, 2
ORDER BY 3 DESC, 2`;

const BATCHES_SQL = `SELECT id, kind, dataset FROM import_batches WHERE id = ANY($1::int[])`;

// ---------- the pack ----------

type Counted = { count: number | null; previous_count: number | null; change: number | null; change_pct: number | null };
const withChange = <T extends { count: number; previous_count: number }>(r: T) => ({
  ...r,
  change: r.count - r.previous_count,
  change_pct: r.previous_count ? Math.round(((r.count - r.previous_count) * 1000) / r.previous_count) / 10 : null,
});
/** Partners: both periods' counts through the disclosure rule; change withheld with either. */
const suppressBoth = <T extends Counted>(rows: T[], min: number): T[] =>
  suppressRows(suppressRows(rows, 'count', min, ['change', 'change_pct']), 'previous_count', min, ['change', 'change_pct']).map((r) => ({
    ...r,
    suppressed: r.count === null || r.previous_count === null,
  }));

export async function buildPack(db: Queryable, p: Principal, q: PackQuery) {
  const partner = p.user.role === 'partner';
  const min = partner ? await minCount(db) : 0;
  const cats = await requestCategories(db, q.category);
  const w = await packWindow(db, q);
  const prev = previousWindow(w);
  const seq = await currentSeq(db);

  // This period against the previous one, by category.
  let pp = new Params();
  let where = incidentWhere(pp, { from: prev.from, to: w.to, categories: cats });
  const byCat = (await db.query<{ slug: string; label: string; count: number; previous_count: number }>(categoriesSql(where, pp.add(w.from), pp.add(cats ?? [])), pp.values)).map(withChange);
  const totals = withChange({ count: byCat.reduce((s, r) => s + r.count, 0), previous_count: byCat.reduce((s, r) => s + r.previous_count, 0) });

  // Time precision of this period's incidents (28-day comparisons of month-precision data are approximate).
  pp = new Params();
  const precision = await db.query<{ precision: string; count: number }>(precisionSql(incidentWhere(pp, { ...w, categories: cats })), pp.values);

  // Top cells by count this period.
  pp = new Params();
  where = incidentWhere(pp, { from: prev.from, to: w.to, categories: cats });
  const cells = (await db.query<{ h3: string; count: number; previous_count: number; ward_code: string | null; ward_name: string | null }>(
    topCellsSql(q.res, where, pp.add(w.from), pp.add(q.top)), pp.values)).map(withChange);

  // Ward league table (when wards are loaded): counts, rates, change; ranked by count.
  const [hasWards] = await db.query('SELECT 1 FROM area_sets WHERE level = $1', ['ward']);
  let wards: null | { areas: Array<Record<string, unknown>>; total: number | null; outside_study_area: number | null } = null;
  if (hasWards) {
    const out = await h.areaStats(db, { level: 'ward', from: w.from, to: w.to, category: cats ?? undefined });
    const ranked = [...out.areas].sort((a, b) => (b.count ?? -1) - (a.count ?? -1) || a.name.localeCompare(b.name)).map((a, i) => ({ rank: i + 1, ...a }));
    wards = { areas: ranked, total: out.total, outside_study_area: out.outside_study_area };
    if (partner) {
      wards = maskAreaStats(ranked, out, min); // as GET /api/stats/areas
    }
  }

  // What changed since the last meeting.
  let changes = null;
  if (q.since !== undefined) {
    const list: Change[] = /^\d+$/.test(q.since) ? await changesAfter(db, Number(q.since)) : await changesFrom(db, new Date(q.since).toISOString());
    const ids = [...new Set(list.map((c) => c.batch_id))];
    const batches = new Map((await db.query<{ id: number; kind: string; dataset: string | null }>(BATCHES_SQL, [ids])).map((b) => [b.id, b]));
    const byCategory = ids.length ? await db.query<{ slug: string; label: string; count: number }>(ADDED_BY_CATEGORY_SQL, [ids]) : [];
    const added = list.reduce((s, c) => s + c.count, 0);
    const rows = list.map((c) => ({ seq: c.seq, at: c.at, batch_id: c.batch_id, kind: batches.get(c.batch_id)?.kind ?? null, dataset: batches.get(c.batch_id)?.dataset ?? null, count: c.count, months: c.months }));
    changes = {
      since: q.since,
      to_seq: list.length ? list[list.length - 1].seq : seq,
      incidents_added: partner ? suppressTotal(added, min) : added,
      batches: partner ? suppressRows(rows, 'count', min) : rows,
      by_category: partner ? suppressRows(byCategory, 'count', min) : byCategory,
    };
  }

  const extra = await buildSections(db, { principal: p, window: w, previous: prev, categories: cats, min });

  return {
    generated_at: new Date().toISOString(),
    seq,
    period: { from: w.from, to: w.to, previous_from: prev.from, previous_to: prev.to, compare: q.from && q.to ? null : q.compare },
    categories_filter: cats,
    comparison: {
      categories: partner ? suppressBoth(byCat, min) : byCat,
      total: partner ? { ...totals, count: suppressTotal(totals.count, min), previous_count: suppressTotal(totals.previous_count, min), ...(totals.count < min || totals.previous_count < min ? { change: null, change_pct: null } : {}) } : totals,
      time_precision: partner ? suppressRows(precision, 'count', min) : precision,
    },
    top_cells: { res: q.res, method: 'count', cells: partner ? suppressBoth(cells, min) : cells },
    wards,
    changes,
    sections: extra,
    ...(partner ? { disclosure: { min_count: min, rule: 'counts below min_count withheld, with complementary suppression' } } : {}),
  };
}
export type Pack = Awaited<ReturnType<typeof buildPack>>;

/** Cell outlines as GeoJSON features (for the zip). */
export function cellFeatures(cells: Array<Record<string, unknown> & { h3: string }>) {
  return {
    type: 'FeatureCollection' as const,
    features: cells.map((c) => ({
      type: 'Feature' as const,
      properties: c,
      geometry: { type: 'Polygon' as const, coordinates: [cellToBoundary(c.h3, true).map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6])] },
    })),
  };
}

// SQL for the hotspot API. One GROUP BY over incidents per request: unit (H3 cell or area code), × period
// where asked, with counts and harm values. Values travel as $n parameters; the unit column comes from
// the aggregation API's allow-lists (H3_COLUMN, levelColumn).
import { H3_COLUMN, levelColumn, type Params } from '../aggregates/sql.js';
import type { H3Res } from '../../geodata/h3.js';
import { CELL_KEY_MODULUS } from '../../geodata/disclosure/cell-key.js';
import type { Source, SourceColumn } from '../aggregates/source.js';

export interface UnitSpec {
  res?: H3Res;
  level?: string;
}

/**
 * A harm scheme for SQL: parallel arrays category → weight and offence code → weight (codes empty when
 * the scheme weighs categories only); null = every incident weighs 1 (count).
 */
export interface SqlWeights {
  categories: string[];
  weights: number[];
  codes: string[];
  codeWeights: number[];
}

/**
 * Count, harm value and unweighted count per group, optionally only over rows matching `filter` (a SQL
 * condition on `i`). With a scheme, `wc` is the scheme's row for the incident's offence code and `wt` the
 * one for its category: an incident weighs by its code when the scheme weighs that code, else by its
 * category; with neither it weighs 0 and is counted as unweighted.
 */
const unweightedFilter = (filter?: string) => `wc.code IS NULL AND wt.category IS NULL${filter ? ` AND ${filter}` : ''}`;

export function weightedAggregates(src: Source, weighted: boolean, prefix = '', filter?: string): Record<string, string> {
  return {
    [`${prefix}n`]: src.count(filter),
    // The cell key of the counted incidents (ONS cell key method, api/auth/disclosure.ts): partners' counts are perturbed by it.
    [`${prefix}n_ckey`]: `(${src.keySum(filter)} % ${CELL_KEY_MODULUS})::int`,
    [`${prefix}value`]: weighted ? src.sum('COALESCE(wc.weight, wt.weight, 0)', filter) : `(${src.count(filter)})::float8`,
    [`${prefix}unweighted`]: weighted ? src.count(unweightedFilter(filter)) : '0',
    // ... and of the unweighted incidents (partners' unweighted count is perturbed by it)
    [`${prefix}unweighted_ckey`]: weighted ? `(${src.keySum(unweightedFilter(filter))} % ${CELL_KEY_MODULUS})::int` : '0',
  };
}

/** The columns a unit read uses (api/aggregates/source.ts picks the smallest aggregate table holding them):
 *  the unit's column, the study-area test for cells, and the offence code (harm schemes weigh codes first). */
export function unitUses(unit: UnitSpec): SourceColumn[] {
  if (unit.res !== undefined) return [H3_COLUMN[unit.res], 'study', 'offence_code'];
  const column = levelColumn(unit.level!);
  return column ? [column, 'offence_code'] : [];
}

/** What the aggregate cube lacks for these units (api/aggregates/source.ts): a level known only by its polygons. */
export const unitLacks = (unit: UnitSpec) =>
  unit.res === undefined && !levelColumn(unit.level!) ? `the area level "${unit.level}" (known only by its polygons)` : null;

/**
 * Rows (unit, [bucket,] ...aggregates) for incidents matching `where`, grouped by unit (and `bucket`, an
 * optional further grouping expression over `i`). `aggregates` maps aliases (constants of the caller) to
 * aggregate expressions (weightedAggregates). Grouping by the unit alone and weighting through a join on
 * the scheme's categories keeps this one pass as cheap as a bare GROUP BY h3. H3 ids come back as
 * 15-character hex strings (the bigint does not fit a JS number); incidents in no area come back with
 * unit NULL. For cells, "in no area" means outside the study area: in no ward polygon (the ward assigned at
 * import is NULL), even when the point lies in a partial cell cut by the boundary.
 */
export function unitCountsSql(
  p: Params,
  unit: UnitSpec,
  where: string,
  aggregates: Record<string, string>,
  opts: { bucket?: string; weights: SqlWeights | null; src: Source },
): string {
  const aggs = Object.entries(aggregates)
    .map(([alias, expr]) => `${expr} AS ${alias}`)
    .join(', ');
  const aliases = Object.keys(aggregates)
    .map((a) => `g.${a}`)
    .join(', ');
  const bucket = opts.bucket ? `, ${opts.bucket} AS bucket` : '';
  const bucketOut = opts.bucket ? ', g.bucket' : '';
  const groupBy = opts.bucket ? '1, 2' : '1';
  const scheme = opts.weights
    ? `-- the harm scheme: category -> weight, and Home Office offence code -> weight
wt AS (SELECT * FROM unnest(${p.add(opts.weights.categories)}::text[], ${p.add(opts.weights.weights)}::float8[]) AS t(category, weight)),
wc AS (SELECT * FROM unnest(${p.add(opts.weights.codes)}::text[], ${p.add(opts.weights.codeWeights)}::float8[]) AS t(code, weight)),`
    : '';
  const join = opts.weights ? '\n  LEFT JOIN wt ON wt.category = i.category\n  LEFT JOIN wc ON wc.code = i.offence_code' : '';
  if (unit.res !== undefined) {
    const col = H3_COLUMN[unit.res];
    return `
WITH
${scheme}
-- counts and harm values per stored H3 id (bigint, fast to group); NULL = outside every ward polygon
g AS (
  SELECT CASE WHEN ${opts.src.inStudy} THEN i.${col} END AS unit${bucket}, ${aggs}
  FROM ${opts.src.table} i${join}
  WHERE ${where}
  GROUP BY ${groupBy}
)
SELECT lpad(to_hex(g.unit), 15, '0') AS unit${bucketOut}, ${aliases}
FROM g`;
  }
  const level = unit.level!;
  const column = levelColumn(level);
  if (column)
    return `
WITH
${scheme}
-- counts and harm values per stored area code
g AS (
  SELECT i.${column} AS unit${bucket}, ${aggs}
  FROM ${opts.src.table} i${join}
  WHERE ${where}
  GROUP BY ${groupBy}
)
SELECT g.unit${bucketOut}, ${aliases}
FROM g`;
  // Levels known only by their polygons: each incident once per area it lies in (never from the cube: unitLacks).
  if (opts.src.kind !== 'incidents') throw new Error(`unitCountsSql: level ${level} needs the incidents`);
  return `
WITH
${scheme}
-- each matching incident with every area of the level containing it (subdivided parts, deduplicated)
hits AS (
  SELECT DISTINCT i.id, ap.code
  FROM incidents i
  JOIN area_parts ap ON ap.level = ${p.add(level)} AND ST_Intersects(ap.geom, i.geom)
  WHERE ${where}
)
SELECT h.code AS unit${bucket}, ${aggs}
FROM hits h
JOIN incidents i ON i.id = h.id${join}
GROUP BY ${groupBy}`;
}

/** Time precisions of the incidents matching `where` (to decide what a time analysis may do). */
export const precisionSql = (src: Source, where: string) => `
SELECT i.time_precision AS precision, ${src.count()} AS n,
       -- the cell key of each precision's incidents (partners' tally is perturbed by it, issue 15)
       (${src.keySum()} % ${CELL_KEY_MODULUS})::int AS n_ckey
FROM ${src.table} i
WHERE ${where}
GROUP BY 1`;

/** Counts by month, day of week (ISO, 1 = Monday), hour and time precision of a selection, in one pass. */
export const profileSql = (where: string) => `
SELECT to_char(date_trunc('month', i.occurred_at), 'YYYY-MM') AS month,
       extract(isodow FROM i.occurred_at)::int AS dow,
       extract(hour FROM i.occurred_at)::int AS hour,
       i.time_precision AS precision,
       count(*)::int AS n,
       sum(i.record_key) AS ks -- record key sum (cell key method, issue 15)
FROM incidents i
WHERE ${where}
GROUP BY 1, 2, 3, 4`;

/**
 * Record-level points for the Knox test: position and time in days (fractional for minute precision), in
 * id order so that a seeded permutation test repeats exactly.
 */
export const knoxPointsSql = (where: string, limit: string) => `
SELECT i.lon, i.lat, extract(epoch FROM i.occurred_at) / 86400.0 AS day
FROM incidents i
WHERE ${where}
ORDER BY i.id
LIMIT ${limit}`;

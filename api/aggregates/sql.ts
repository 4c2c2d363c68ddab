// SQL for the aggregation API. Values only ever travel as $n parameters; the few identifiers that
// vary (the area-code column of incidents, the H3 column) come from the allow-lists below.
import type { H3Res } from '../../geodata/h3.js';
import { type Narrowing, narrowingParams, narrowingSql } from '../definitions/narrowing.js';
import type { Source } from './source.js';

/** Area levels whose code is stored on each incident at import time. Other levels join spatially. */
export const LEVEL_COLUMN: Readonly<Record<string, 'ward_code' | 'lsoa_code'>> = Object.freeze({
  ward: 'ward_code',
  lsoa: 'lsoa_code',
});
export const levelColumn = (level: string) => (Object.hasOwn(LEVEL_COLUMN, level) ? LEVEL_COLUMN[level] : undefined);

export const H3_COLUMN: Readonly<Record<H3Res, 'h3_7' | 'h3_8' | 'h3_9' | 'h3_10'>> = Object.freeze({
  7: 'h3_7',
  8: 'h3_8',
  9: 'h3_9',
  10: 'h3_10',
});

/** Collects positional parameters; `add` returns the placeholder for a value. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export interface IncidentFilter {
  from: string;
  to: string;
  categories?: string[] | null;
  /** A category set's narrowing within its categories (definitions/narrowing.ts). */
  narrowing?: Narrowing | null;
  bbox?: [number, number, number, number];
  wardCodes?: string[] | null;
}

/**
 * WHERE condition on `incidents` aliased `i`: the time window, and the category list (with a category
 * set's narrowing) and bounding box when given. Built from constant fragments so each query plan only carries the filters in use.
 */
export function incidentWhere(p: Params, f: IncidentFilter): string {
  const parts = [`i.occurred_at >= ${p.add(f.from)}::timestamp`, `i.occurred_at < ${p.add(f.to)}::timestamp`];
  if (f.categories?.length) parts.push(`i.category = ANY(${p.add(f.categories)}::text[])`);
  if (f.narrowing) {
    const [codes, age, locations] = narrowingParams(f.narrowing).map((v) => p.add(v));
    parts.push(narrowingSql(codes, age, locations));
  }
  // Record-level scope (officers): only incidents in these wards.
  if (f.wardCodes) parts.push(`i.ward_code = ANY(${p.add(f.wardCodes)}::text[])`);
  if (f.bbox) {
    const [w, s, e, n] = f.bbox.map((v) => p.add(v));
    parts.push(`i.geom && ST_MakeEnvelope(${w}::float8, ${s}::float8, ${e}::float8, ${n}::float8, 4326)`);
  }
  return parts.join('\n    AND ');
}

export const AREA_SETS_SQL = `
SELECT s.level, s.label, count(a.id)::int AS count
FROM area_sets s
LEFT JOIN areas a ON a.level = s.level
GROUP BY s.level, s.label
ORDER BY s.level`;

/** One FeatureCollection as JSON text, built in the database (no parse/serialise round trip). */
export const AREAS_GEOJSON_SQL = `
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', COALESCE(json_agg(json_build_object(
    'type', 'Feature',
    'id', a.id,
    'properties', json_build_object(
      'code', a.code,
      'name', a.name,
      'population', p.population,
      'population_rule', p.population_rule,
      'population_source', p.population_source),
    'geometry', ST_AsGeoJSON(a.geom, 6)::json
  ) ORDER BY a.code), '[]'::json)
)::text AS fc
FROM areas a
LEFT JOIN area_population_resolved p ON p.area_id = a.id
WHERE a.level = $1`;

/** How a level's populations were obtained: areas per rule (null: no population), and the LSOAs with a
 *  population that the level's best-fit lookup or the centroid file leave out (null when not used). */
export const POPULATION_RULES_SQL = `
SELECT population_rule AS rule, count(*)::int AS areas
FROM area_population_resolved
WHERE level = $1
GROUP BY population_rule
ORDER BY population_rule NULLS LAST`;

export const POPULATION_GAPS_SQL = `
SELECT (SELECT source FROM population_lookup_sets WHERE level = $1) AS lookup_source,
       CASE WHEN EXISTS (SELECT 1 FROM population_lookup_sets WHERE level = $1) THEN
         (SELECT count(*)::int FROM area_population p WHERE p.level = 'lsoa'
            AND NOT EXISTS (SELECT 1 FROM population_lookup k WHERE k.level = $1 AND k.lsoa_code = p.code)) END AS lsoas_missing_from_lookup,
       CASE WHEN EXISTS (SELECT 1 FROM lsoa_centroids) THEN
         (SELECT count(*)::int FROM area_population p WHERE p.level = 'lsoa'
            AND NOT EXISTS (SELECT 1 FROM lsoa_centroids c WHERE c.code = p.code)) END AS lsoas_without_centroid`;

/**
 * Per-area counts for the current and the previous window, for a level whose code is stored on
 * incidents. `where` covers previous.from .. current.to; `current_from` splits the two.
 */
export function statsByColumnSql(
  src: Source,
  column: 'ward_code' | 'lsoa_code',
  where: string,
  level: string,
  currentFrom: string,
) {
  return `
WITH
-- incidents (or cube rows: n incidents each) in the previous and current windows together, with their area code
win AS (
  SELECT i.${column} AS code, i.occurred_at >= ${currentFrom}::timestamp AS is_current, ${src.n} AS n, ${src.key} AS record_key
  FROM ${src.table} i
  WHERE ${where}
),
-- counts per code, split into the two windows
${countsAndPerArea('code', 'win', 'c.code = a.code', level)},
-- current-window total, and those incidents whose code is NULL or matches no area of the level
totals AS (
  SELECT COALESCE(sum(c.count), 0)::int AS total,
         (COALESCE(sum(c.key_sum), 0) % 256)::int AS total_ckey,
         COALESCE(sum(c.count) FILTER (WHERE ${OUTSIDE_CODE(level)}), 0)::int AS outside_study_area,
         (COALESCE(sum(c.key_sum) FILTER (WHERE ${OUTSIDE_CODE(level)}), 0) % 256)::int AS outside_study_area_ckey
  FROM counts c
)
${STATS_SELECT}`;
}

/**
 * The same for a level known only by its polygons: points join to the subdivided area_parts.
 * A point on the border of two areas counts in both, as it lies in both.
 */
export function statsBySpaceSql(where: string, level: string, currentFrom: string) {
  return `
WITH
-- incidents in the previous and current windows together
win AS (
  SELECT i.id, i.geom, i.occurred_at >= ${currentFrom}::timestamp AS is_current, i.record_key
  FROM incidents i
  WHERE ${where}
),
-- each incident with every area of the level it lies in (via the small subdivided parts)
hits AS (
  SELECT DISTINCT w.id, w.is_current, 1 AS n, w.record_key, ap.area_id
  FROM win w
  JOIN area_parts ap ON ap.level = ${level} AND ST_Intersects(ap.geom, w.geom)
),
-- counts per area, split into the two windows
${countsAndPerArea('area_id', 'hits', 'c.area_id = a.id', level)},
-- current-window total, and those incidents in no area of the level
totals AS (
  SELECT count(*)::int AS total,
         (COALESCE(sum(w.record_key), 0) % 256)::int AS total_ckey,
         count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM hits h WHERE h.id = w.id))::int AS outside_study_area,
         (COALESCE(sum(w.record_key) FILTER (WHERE NOT EXISTS (SELECT 1 FROM hits h WHERE h.id = w.id)), 0) % 256)::int
           AS outside_study_area_ckey
  FROM win w
  WHERE w.is_current
)
${STATS_SELECT}`;
}

/** Incidents of `counts` whose code is NULL or matches no area of the level. */
const OUTSIDE_CODE = (level: string) =>
  `c.code IS NULL OR NOT EXISTS (SELECT 1 FROM areas a WHERE a.level = ${level} AND a.code = c.code)`;

// Shared middle of both stats queries: `counts` (current and previous count per `key` of `source`)
// and `per_area` (every area of the level joined to its counts by `join`, zero counts included).
function countsAndPerArea(key: 'code' | 'area_id', source: 'win' | 'hits', join: string, level: string) {
  return `counts AS (
  SELECT ${key},
         COALESCE(sum(n) FILTER (WHERE is_current), 0)::int AS count,
         COALESCE(sum(n) FILTER (WHERE NOT is_current), 0)::int AS previous_count,
         -- record key sums for the cell key method (issue 15, api/auth/disclosure.ts)
         COALESCE(sum(record_key) FILTER (WHERE is_current), 0) AS key_sum,
         COALESCE(sum(record_key) FILTER (WHERE NOT is_current), 0) AS previous_key_sum
  FROM ${source}
  GROUP BY ${key}
),
-- every area of the level, zero counts included
per_area AS (
  SELECT a.code, a.name, COALESCE(c.count, 0) AS count, COALESCE(c.previous_count, 0) AS previous_count,
         (COALESCE(c.key_sum, 0) % 256)::int AS count_ckey, (COALESCE(c.previous_key_sum, 0) % 256)::int AS previous_count_ckey,
         p.population, p.population_rule
  FROM areas a
  LEFT JOIN counts c ON ${join}
  LEFT JOIN area_population_resolved p ON p.area_id = a.id
  WHERE a.level = ${level}
)`;
}

// Shared tail of both stats queries: one row per area, with the window total and the outside count
// repeated on every row (the handler reads them from the totals row when there are no areas).
const STATS_SELECT = `
SELECT pa.code, pa.name, pa.count, pa.count_ckey, pa.previous_count_ckey, pa.population, pa.population_rule,
       round(pa.count * 1000.0 / NULLIF(pa.population, 0), 2) AS rate_per_1000,
       pa.previous_count, (pa.count - pa.previous_count) AS change,
       t.total, t.total_ckey, t.outside_study_area, t.outside_study_area_ckey
FROM totals t
LEFT JOIN per_area pa ON true
ORDER BY pa.code`;

export function hexesSql(src: Source, res: H3Res, where: string) {
  const col = H3_COLUMN[res];
  return `
SELECT lpad(to_hex(i.${col}), 15, '0') AS h3, ${src.count()} AS count, (${src.keySum()} % 256)::int AS count_ckey
FROM ${src.table} i
WHERE ${where}
GROUP BY i.${col}
ORDER BY i.${col}`;
}

/** Matching incidents, newest first, at most `limit` (an index scan on occurred_at, no full sort). */
export function incidentsSql(where: string, limit: string) {
  return `
SELECT i.id, i.lon, i.lat, i.category, c.label AS category_label,
       to_char(i.occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS') AS occurred_at,
       i.time_precision, i.location_precision, i.location_text, i.ward_code, i.outcome, i.age_band
FROM incidents i
JOIN categories c ON c.slug = i.category
WHERE ${where}
ORDER BY i.occurred_at DESC, i.id DESC
LIMIT ${limit}`;
}

/** How many incidents match `where`, counting no further than `cap` (a parameter: `cap` + 1 means "more"). */
export function countSql(where: string, cap: string) {
  return `SELECT count(*)::int AS total FROM (SELECT 1 FROM incidents i WHERE ${where} LIMIT ${cap}) m`;
}

export const categoriesSql = (src: Source) => `
WITH
-- incidents per category (one pass over the category index, or over the monthly totals)
counts AS (
  SELECT i.category, ${src.count()} AS n, ${src.keySum()} % 256 AS k FROM ${src.months} i GROUP BY i.category
)
SELECT c.slug, c.label, c.origin, COALESCE(n.n, 0) AS count, COALESCE(n.k, 0)::int AS count_ckey
FROM categories c
LEFT JOIN counts n ON n.category = c.slug
ORDER BY c.origin, c.label`;

/** Monthly counts (`YYYY-MM`) for incidents matching `where`; months without incidents are absent. */
export function monthlySql(src: Source, where: string) {
  return `
SELECT to_char(date_trunc('month', i.occurred_at), 'YYYY-MM') AS month, ${src.count()} AS count,
       (${src.keySum()} % 256)::int AS count_ckey
FROM ${src.table} i
WHERE ${where}
GROUP BY 1
ORDER BY 1`;
}

/** First and last month with data (min/max read from the occurred_at index). */
export const RANGE_SQL = `
SELECT to_char(min(occurred_at), 'YYYY-MM') AS first_month,
       to_char(max(occurred_at), 'YYYY-MM') AS last_month
FROM incidents`;

export const datasetsSql = (src: Source) => `
SELECT i.dataset, ${src.count()} AS count, ${src.keySum()} AS key_sum FROM ${src.months} i GROUP BY i.dataset ORDER BY i.dataset`;

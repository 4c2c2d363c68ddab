// PROPOSAL for MOVE_SQL in api/imports/incidents.ts (measured in scripts/bench/experiments.ts; not
// used by the app). The same parameters ($1 batch id, $2 dataset, $3 LSOA polygons loaded), the
// same result row, the same dedup keys and ward/LSOA rule (the lowest code of the subdivided parts
// that intersect the point); only the ward/LSOA lookup runs once per distinct (lon, lat) instead of
// once per row. police.uk street points are snapped to anonymised map points, so a file has far
// fewer distinct points than rows (the benchmark file: ~20k in 1M; the real Lewisham street file
// in ../shared/data: see experiments.ts output).

/**
 * Ward (and LSOA) per distinct point, joined back by (lon, lat). `MATERIALIZED` is required: without
 * it the planner inlines pts and may evaluate the lookups per joined row, or rescan pts per row.
 * (Tried and dropped: a NOT EXISTS pre-filter against incidents for re-imports. With a small or
 * empty incidents table the planner picks a nested-loop anti join with a seq scan of incidents,
 * which re-reads the pages this same INSERT is filling: quadratic, minutes for 200k rows.)
 */
export const MOVE_SQL_DISTINCT_POINTS = `
WITH keyed AS (
  -- dedup key = md5(natural key hash # ordinal among identical keys in this file)
  SELECT s.*, md5(s.nk || '#' || row_number() OVER (PARTITION BY s.nk ORDER BY s.line))::uuid AS dedup_key
  FROM import_stage s
), pts AS MATERIALIZED (
  -- each distinct point once: the subdivided part containing it (boundary ties: lowest code)
  SELECT d.lon, d.lat,
         (SELECT p.code FROM area_parts p WHERE p.level = 'ward'
            AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) AS ward_code,
         CASE WHEN $3 THEN (SELECT p.code FROM area_parts p WHERE p.level = 'lsoa'
            AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326)) ORDER BY p.code LIMIT 1) END AS lsoa_code
  FROM (SELECT DISTINCT lon, lat FROM import_stage) d
), ins AS (
  INSERT INTO incidents (batch_id, dataset, source_id, dedup_key, category, occurred_at, time_precision, lon, lat,
                         location_precision, location_text, age_band, outcome, ward_code, lsoa_code,
                         h3_7, h3_8, h3_9, h3_10)
  SELECT $1, $2, k.source_id, k.dedup_key, k.category, k.occurred_at, k.time_precision, k.lon, k.lat,
         k.location_precision, k.location_text, k.age_band, k.outcome,
         pt.ward_code,
         -- LSOA: from LSOA polygons when loaded, else the code the file gives
         CASE WHEN $3 THEN pt.lsoa_code ELSE k.lsoa_given END,
         ('x' || lpad(k.h3_7, 16, '0'))::bit(64)::bigint, ('x' || lpad(k.h3_8, 16, '0'))::bit(64)::bigint,
         ('x' || lpad(k.h3_9, 16, '0'))::bit(64)::bigint, ('x' || lpad(k.h3_10, 16, '0'))::bit(64)::bigint
  FROM keyed k JOIN pts pt ON pt.lon = k.lon AND pt.lat = k.lat
  ON CONFLICT (dedup_key) DO NOTHING
  RETURNING ward_code
)
SELECT count(*)::int AS imported, count(*) FILTER (WHERE ward_code IS NULL)::int AS outside FROM ins`;

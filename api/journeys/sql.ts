// SQL for school journeys. Values only as $n parameters.
import { narrowingSql } from '../definitions/narrowing.js';

export const SITES_SQL = `
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', COALESCE(json_agg(json_build_object(
    'type', 'Feature',
    'id', s.id,
    'properties', json_build_object('id', s.id, 'kind', s.kind, 'source_id', s.source_id, 'name', s.name, 'attributes', s.attributes),
    'geometry', ST_AsGeoJSON(s.geom, 7)::json
  ) ORDER BY s.kind, s.name, s.id), '[]'::json)
)::text AS fc
FROM journey_sites s
WHERE ($1::text IS NULL OR s.kind = $1)`;

/** Route rows with their school/hub names and segment count; $1 = one route id or NULL for all. */
export const ROUTES_SQL = `
SELECT r.id, r.name, r.school_id, sc.name AS school_name, r.hub_id, hb.name AS hub_name, r.length_m, r.segment_m,
       (SELECT count(*)::int FROM journey_segments g WHERE g.route_id = r.id) AS segments,
       r.origin, r.created_by, r.created_at, r.updated_by, r.updated_at, ST_AsGeoJSON(r.geom, 7)::json AS geometry
FROM journey_routes r
LEFT JOIN journey_sites sc ON sc.id = r.school_id
LEFT JOIN journey_sites hb ON hb.id = r.hub_id
WHERE ($1::int IS NULL OR r.id = $1)
ORDER BY r.name, r.id`;

export const INSERT_ROUTE_SQL = `
INSERT INTO journey_routes (name, school_id, hub_id, geom, length_m, segment_m, origin, created_by)
VALUES ($1, $2, $3, ST_SetSRID(ST_GeomFromGeoJSON($4::text), 4326), $5, $6, $7, $8)
RETURNING id`;

export const UPDATE_ROUTE_SQL = `
-- $5/$6 NULL: the geometry is unchanged
UPDATE journey_routes SET name = $2, school_id = $3, hub_id = $4, geom = COALESCE(ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326), geom),
  length_m = COALESCE($6::float8, length_m), segment_m = $7, updated_by = $8, updated_at = now()
WHERE id = $1`;

export const INSERT_SEGMENTS_SQL = `
INSERT INTO journey_segments (route_id, seq, start_m, end_m, length_m, geom)
SELECT $1, seq, s0, s1, len, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)
FROM unnest($2::int[], $3::float8[], $4::float8[], $5::float8[], $6::text[]) AS t(seq, s0, s1, len, g)`;

/** Every stored segment (all routes: the borough average needs them all). */
export const SEGMENTS_SQL = `
SELECT route_id, seq, start_m, end_m, length_m, ST_AsGeoJSON(geom, 7)::json AS geometry
FROM journey_segments
ORDER BY route_id, seq`;

/**
 * Snapping. $1 from, $2 to (civil timestamps, to exclusive), $3 category slugs, $4 corridor (m).
 * One row per (route, incident) for every incident of the categories and dates within the corridor
 * of a route, with the route's nearest segment (ties: the lower seq). An incident near two routes
 * gives one row per route; within one route it counts on one segment only.
 */
export const SNAP_SQL = `
WITH
-- each route with a bounding-box margin in degrees that covers the corridor (degrees of longitude
-- are the shorter ones, so the margin is computed for them at the route's highest latitude)
r AS (
  SELECT id, geom,
         $4::float8 * 1.1 / (111320 * cos(radians(least(89, greatest(abs(ST_YMax(geom)), abs(ST_YMin(geom))))))) AS margin
  FROM journey_routes
),
-- incidents within the corridor: index prefilter on the box, then the exact geodesic distance
hits AS (
  SELECT r.id AS route_id, i.id AS incident_id, i.category, i.offence_code, i.occurred_at, i.time_precision, i.age_band, i.record_key, i.geom
  FROM r
  JOIN incidents i ON i.geom && ST_Expand(r.geom, r.margin)
  WHERE i.occurred_at >= $1::timestamp AND i.occurred_at < $2::timestamp
    AND i.category = ANY($3::text[])
    -- a category set's narrowing (offence codes, victim age, location types)
    AND ${narrowingSql('$5', '$6', '$7')}
    AND ST_DWithin(i.geom::geography, r.geom::geography, $4::float8)
)
SELECT h.route_id, s.seq, h.incident_id, h.category, h.offence_code, to_char(h.occurred_at, 'YYYY-MM-DD HH24:MI:SS') AS occurred_at,
       h.time_precision, h.age_band,
       -- the incident's record key (ONS cell key method, issue 15): partners' counts are perturbed by it
       h.record_key
FROM hits h
-- the route's nearest segment
CROSS JOIN LATERAL (
  SELECT g.seq FROM journey_segments g
  WHERE g.route_id = h.route_id
  ORDER BY ST_Distance(h.geom::geography, g.geom::geography), g.seq
  LIMIT 1
) s
ORDER BY h.route_id, s.seq, h.incident_id`;

export const TERMS_SQL = `SELECT id, name, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on FROM journey_term_dates ORDER BY starts_on`;

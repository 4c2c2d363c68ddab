-- 012 (issue 11): ward populations by the official rule. ONS assigns each LSOA wholly to the ward that
-- contains its population-weighted centroid and publishes the result as LSOA→ward best-fit lookups.
-- The point-on-surface rule of migration 002 put 30,030 of Lewisham's residents in another ward.

-- One best-fit lookup per area level (a new lookup for a level replaces the old one).
CREATE TABLE population_lookup_sets (
  level       text PRIMARY KEY,
  lsoa_field  text NOT NULL,               -- e.g. LSOA21CD
  area_field  text NOT NULL,               -- e.g. WD24CD
  source      text NOT NULL,               -- "file (import n)"
  batch_id    integer REFERENCES import_batches(id),
  rows        integer NOT NULL
);

CREATE TABLE population_lookup (
  level       text NOT NULL REFERENCES population_lookup_sets(level) ON DELETE CASCADE,
  lsoa_code   text NOT NULL,
  area_code   text NOT NULL,
  area_name   text,
  lad_code    text,
  lad_name    text,
  PRIMARY KEY (level, lsoa_code)
);
CREATE INDEX population_lookup_area ON population_lookup (level, area_code);

-- LSOA population-weighted centroids (WGS84), keyed by LSOA code; files add to / update them.
CREATE TABLE lsoa_centroids (
  code        text PRIMARY KEY,
  geom        geometry(Point, 4326) NOT NULL,
  source      text NOT NULL,
  batch_id    integer REFERENCES import_batches(id)
);
CREATE INDEX lsoa_centroids_geom ON lsoa_centroids USING gist (geom);

-- Resolved population per area, stored (the view took ~200 of 248 ms per stats/areas call, issue 16).
-- WRITERS MUST REFRESH IT: every import that changes areas, area_population, population_lookup or
-- lsoa_centroids calls refresh_area_population_resolved() inside its own transaction (boundaries.ts,
-- population.ts, population-rules.ts). Deleting an area cascades here.
DROP VIEW area_population_resolved;
CREATE TABLE area_population_resolved (
  area_id            integer PRIMARY KEY REFERENCES areas(id) ON DELETE CASCADE,
  level              text NOT NULL,
  code               text NOT NULL,
  population         integer,
  population_rule    text CHECK (population_rule IN ('given', 'best_fit_lookup', 'population_weighted_centroid', 'area_weighted')),
  population_source  text,
  lsoas              integer                -- LSOAs summed (derived rules only)
);
CREATE INDEX area_population_resolved_level ON area_population_resolved (level);

-- Recompute every row. A given population wins. Otherwise, for any level but lsoa, the level's rule is:
-- its best-fit lookup when one is loaded for it; else (when centroids of LSOAs with a population are
-- loaded) the LSOA population-weighted centroid lying in the area (a centroid on a shared edge goes to the lowest code, as incidents do); else area weighting
-- (LSOA population × share of the LSOA's area inside the area, areas on the spheroid as geography).
CREATE FUNCTION refresh_area_population_resolved() RETURNS void LANGUAGE sql AS $$
DELETE FROM area_population_resolved;
INSERT INTO area_population_resolved (area_id, level, code, population, population_rule, population_source, lsoas)
WITH
-- LSOA populations: the input of every derived rule
lp AS (
  SELECT code, population, source FROM area_population WHERE level = 'lsoa'
),
-- the rule of each non-LSOA level, and the files it rests on
rules AS (
  SELECT l.level,
         CASE WHEN k.level IS NOT NULL THEN 'best_fit_lookup'
              WHEN c.sources IS NOT NULL THEN 'population_weighted_centroid'
              ELSE 'area_weighted' END AS rule,
         CASE WHEN k.level IS NOT NULL THEN k.source
              WHEN c.sources IS NOT NULL THEN c.sources
              ELSE (SELECT b.file_name || ' (import ' || b.id || ')' FROM area_sets s JOIN import_batches b ON b.id = s.batch_id WHERE s.level = 'lsoa')
         END AS rule_source
  FROM (SELECT DISTINCT level FROM areas WHERE level <> 'lsoa') l
  LEFT JOIN population_lookup_sets k ON k.level = l.level
  -- the centroid files, counting only centroids of LSOAs with a population
  CROSS JOIN (SELECT string_agg(DISTINCT c.source, '; ' ORDER BY c.source) AS sources FROM lsoa_centroids c JOIN lp ON lp.code = c.code) c
),
-- whole LSOAs assigned by the lookup
by_lookup AS (
  SELECT a.id AS area_id, lp.population::float8 AS pop, lp.source
  FROM rules r
  JOIN areas a ON a.level = r.level
  JOIN population_lookup k ON k.level = a.level AND k.area_code = a.code
  JOIN lp ON lp.code = k.lsoa_code
  WHERE r.rule = 'best_fit_lookup'
),
-- whole LSOAs assigned by their centroid, each to exactly one area of the level
by_centroid AS (
  SELECT DISTINCT ON (r.level, c.code) a.id AS area_id, lp.population::float8 AS pop, lp.source
  FROM rules r
  JOIN areas a ON a.level = r.level
  JOIN lsoa_centroids c ON ST_Intersects(a.geom, c.geom)
  JOIN lp ON lp.code = c.code
  WHERE r.rule = 'population_weighted_centroid'
  ORDER BY r.level, c.code, a.code
),
-- pieces of LSOA polygons (level lsoa) in each area, in m² on the spheroid
pieces AS (
  SELECT r.level, a.id AS area_id, l.code, ST_Area(l.geom::geography) AS lsoa_m2,
         CASE WHEN ST_CoveredBy(l.geom, a.geom) THEN ST_Area(l.geom::geography)
              ELSE ST_Area(ST_Intersection(a.geom, l.geom)::geography) END AS part_m2
  FROM rules r
  JOIN areas a ON a.level = r.level
  JOIN areas l ON l.level = 'lsoa' AND ST_Intersects(a.geom, l.geom)
  WHERE r.rule = 'area_weighted'
),
-- fractions of LSOAs by area. LSOAs nest in local authorities, so an LSOA is either in the study area
-- (covered by the level's areas up to slivers where the two files' edges were generalised differently:
-- shares of its covered part, so no resident is lost) or outside it (touched by slivers: shares of
-- its whole area, so it adds next to nothing).
by_area AS (
  SELECT p.area_id,
         lp.population * p.part_m2 / NULLIF(CASE WHEN sum(p.part_m2) OVER w >= 0.5 * p.lsoa_m2 THEN sum(p.part_m2) OVER w ELSE p.lsoa_m2 END, 0) AS pop,
         lp.source
  FROM pieces p
  JOIN lp ON lp.code = p.code
  WINDOW w AS (PARTITION BY p.level, p.code)
),
-- one derived population per area
derived AS (
  SELECT area_id, round(sum(pop))::int AS population, count(*) FILTER (WHERE pop > 0)::int AS lsoas,
         string_agg(DISTINCT source, '; ' ORDER BY source) AS sources
  FROM (SELECT * FROM by_lookup UNION ALL SELECT * FROM by_centroid UNION ALL SELECT * FROM by_area) s
  GROUP BY area_id
)
SELECT a.id, a.level, a.code,
       COALESCE(p.population, d.population),
       CASE WHEN p.population IS NOT NULL THEN 'given' WHEN d.population IS NOT NULL THEN r.rule END,
       CASE WHEN p.population IS NOT NULL THEN p.source
            WHEN d.population IS NULL THEN NULL
            WHEN r.rule = 'best_fit_lookup' THEN
              format('sum of %s LSOA populations (%s) assigned by the ONS best-fit lookup %s', d.lsoas, d.sources, r.rule_source)
            WHEN r.rule = 'population_weighted_centroid' THEN
              format('sum of %s LSOA populations (%s) whose population-weighted centroid (%s) lies in the area', d.lsoas, d.sources, r.rule_source)
            ELSE
              format('%s LSOA populations (%s) apportioned by the share of each LSOA''s area inside the area (LSOA boundaries %s)', d.lsoas, d.sources, r.rule_source)
       END,
       CASE WHEN p.population IS NULL THEN d.lsoas END
FROM areas a
LEFT JOIN area_population p ON p.level = a.level AND p.code = a.code
LEFT JOIN rules r ON r.level = a.level
LEFT JOIN derived d ON d.area_id = a.id;
$$;

SELECT refresh_area_population_resolved();

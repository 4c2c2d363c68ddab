-- 002: resolved population per area. A given population wins; otherwise (for any level but lsoa)
-- it is the sum of LSOA populations whose LSOA point-on-surface lies in the area: the ONS
-- "best-fit" method, so every LSOA counts once, wholly, in exactly one area.
CREATE VIEW area_population_resolved AS
SELECT a.id AS area_id, a.level, a.code,
       COALESCE(p.population, d.population) AS population,
       CASE WHEN p.population IS NOT NULL THEN p.source
            WHEN d.population IS NOT NULL THEN 'sum of LSOA populations, best fit by LSOA point-on-surface'
       END AS population_source
FROM areas a
LEFT JOIN area_population p ON p.level = a.level AND p.code = a.code
LEFT JOIN LATERAL (
  SELECT sum(lp.population)::integer AS population
  FROM areas l
  JOIN area_population lp ON lp.level = 'lsoa' AND lp.code = l.code
  WHERE a.level <> 'lsoa' AND l.level = 'lsoa'
    AND ST_Intersects(a.geom, ST_PointOnSurface(l.geom))
  HAVING count(*) > 0
) d ON true;

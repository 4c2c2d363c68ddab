-- 018: the aggregate cube (issue 16). Incidents counted per month × category × dataset (the source label the
-- importer gives every incident) × time precision × offence code × H3 res-10 cell × ward / LSOA / study-area
-- code, with the sum of the record keys (cell key method, migration 017: sums add, so a partner's perturbed
-- count of any union of cube rows equals the one from the incidents themselves). h3_7..h3_9 are part of the
-- key: the importer computes each resolution from the point, and an H3 cell's children do not tile it exactly,
-- so the res-8 cell of a point is not always the parent of its res-10 cell (seen on Hackney's rows); keeping
-- them makes coarser grids equal to the incidents' own at the cost of a few rows near cell edges. Columns are named as in incidents,
-- `occurred_at` being the month's first day, so that the aggregation SQL runs on either (api/aggregates/source.ts).
--
-- Kept exactly in step with incidents by statement-level triggers with transition tables, inside the
-- transaction of every write: INSERT (import move, live ingest), DELETE, UPDATE (boundary and study-area
-- re-assignment) and TRUNCATE. Each adds the statement's rows per key (+ new, − old) with one upsert on the
-- unique key, then removes keys whose count fell to 0.
CREATE TABLE incident_cube (
  occurred_at     timestamp NOT NULL,   -- month start (civil time, as incidents.occurred_at)
  category        text NOT NULL,
  dataset         text NOT NULL,
  time_precision  text NOT NULL,
  offence_code    text,
  h3_10           bigint NOT NULL,
  ward_code       text,
  lsoa_code       text,
  study_code      text,
  h3_7            bigint NOT NULL,
  h3_8            bigint NOT NULL,
  h3_9            bigint NOT NULL,
  n               integer NOT NULL,      -- incidents (> 0: emptied keys are deleted)
  key_sum         bigint NOT NULL        -- sum of record_key (0..255 each), not reduced mod 256
);
CREATE UNIQUE INDEX incident_cube_key ON incident_cube
  (occurred_at, category, dataset, time_precision, offence_code, h3_10, ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9)
  NULLS NOT DISTINCT;

-- Month × category × dataset × precision totals (a few hundred rows): summary, categories, data range.
CREATE TABLE incident_months (
  occurred_at     timestamp NOT NULL,
  category        text NOT NULL,
  dataset         text NOT NULL,
  time_precision  text NOT NULL,
  n               integer NOT NULL,
  key_sum         bigint NOT NULL,
  PRIMARY KEY (occurred_at, category, dataset, time_precision)
);

-- One function for every write: `rows` is the statement's transition table(s) with a sign (+1 new, −1 old).
CREATE FUNCTION cube_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rows text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT *, 1 AS s FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT *, -1 AS s FROM old_rows'
    ELSE 'SELECT *, 1 AS s FROM new_rows UNION ALL SELECT *, -1 AS s FROM old_rows' END;
BEGIN
  EXECUTE format($q$
    WITH
    -- signed count and record-key sum per cube key (an UPDATE that changes no key nets to nothing)
    delta AS (
      SELECT date_trunc('month', occurred_at) AS occurred_at, category, dataset, time_precision, offence_code, h3_10,
             ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9,
             sum(s)::int AS n, sum(s * record_key)::bigint AS key_sum
      FROM (%s) r
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
      HAVING sum(s) <> 0
    ),
    -- added to the cube's rows, new keys inserted
    cube AS (
      INSERT INTO incident_cube AS c
      SELECT * FROM delta
      ON CONFLICT (occurred_at, category, dataset, time_precision, offence_code, h3_10, ward_code, lsoa_code, study_code, h3_7, h3_8, h3_9)
      DO UPDATE SET n = c.n + excluded.n, key_sum = c.key_sum + excluded.key_sum
    )
    -- and to the monthly totals
    INSERT INTO incident_months AS m
    SELECT occurred_at, category, dataset, time_precision, sum(n), sum(key_sum)
    FROM delta
    GROUP BY 1, 2, 3, 4
    HAVING sum(n) <> 0
    ON CONFLICT (occurred_at, category, dataset, time_precision)
    DO UPDATE SET n = m.n + excluded.n, key_sum = m.key_sum + excluded.key_sum$q$, rows);
  IF TG_OP <> 'INSERT' THEN
    -- keys emptied by this statement (in the months it touched)
    DELETE FROM incident_cube
    WHERE n = 0 AND occurred_at IN (SELECT DISTINCT date_trunc('month', occurred_at) FROM old_rows);
    DELETE FROM incident_months WHERE n = 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER incidents_cube_insert AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cube_apply();
CREATE TRIGGER incidents_cube_delete AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cube_apply();
CREATE TRIGGER incidents_cube_update AFTER UPDATE ON incidents
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cube_apply();

-- TRUNCATE has no transition table: the cube is emptied with incidents.
CREATE FUNCTION cube_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_cube, incident_months;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_cube_truncate AFTER TRUNCATE ON incidents FOR EACH STATEMENT EXECUTE FUNCTION cube_truncate();

-- Existing incidents.
INSERT INTO incident_cube
SELECT date_trunc('month', occurred_at), category, dataset, time_precision, offence_code, h3_10, ward_code, lsoa_code, study_code,
       h3_7, h3_8, h3_9, count(*), sum(record_key)
FROM incidents
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12;
INSERT INTO incident_months
SELECT occurred_at, category, dataset, time_precision, sum(n), sum(key_sum)
FROM incident_cube
GROUP BY 1, 2, 3, 4;

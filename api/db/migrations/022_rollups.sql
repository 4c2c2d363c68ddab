-- 022: rollups of the aggregate cube (issue 16). The res-10 cube (018) is about half the size of incidents on
-- police.uk-like rows (snapped points rarely share a month × category × res-10 key), so reads grouped by ward,
-- LSOA or a coarser H3 cell gained only ~1.5× from it. Each rollup below keeps exactly what such a read needs:
--
--   incident_rollup_ward   month × category × offence code × ward code          stats/areas, series, Gi*/change/emerging by ward
--   incident_rollup_lsoa   month × category × offence code × LSOA code          the same by LSOA
--   incident_rollup_h3_7   month × category × offence code × in study area × H3 res-7 cell    hexes, series, Gi*, change, emerging
--   incident_rollup_h3_8   ... res 8
--   incident_rollup_h3_9   ... res 9                                            (res 10 reads the cube)
--
-- with n (incidents) and key_sum (sum of record keys, for partners' cell-key perturbation: sums add). The
-- offence code is kept because harm schemes weigh an incident by its code first, then its category (the
-- harm value of a group is sum(n × weight), as on the cube); `in_study` is `study_code IS NOT NULL` (H3 reads
-- count incidents outside every study-area polygon apart). Dataset and time precision are not kept: no read
-- grouped by an area or a cell filters on them (the time precision of a window is read from incident_months).
-- Columns are named as in incidents, `occurred_at` being the month's first day (api/aggregates/source.ts
-- picks the smallest table that has every column a read uses).
--
-- Kept in step by the cube's own trigger function (redefined here): the statement's signed per-cube-key delta
-- is computed once and added to the cube, the monthly totals and every rollup in one statement; keys whose
-- count fell to 0 are removed. TRUNCATE empties them; detaching a month's partition (021) now removes that
-- month from the cube, the monthly totals and the rollups too (a detach fires no DELETE trigger).
-- refresh_incident_aggregates() rebuilds all of them from incidents in one call (bulk loads, repairs).

CREATE TABLE incident_rollup_ward (
  occurred_at  timestamp NOT NULL,
  category     text NOT NULL,
  offence_code text,
  ward_code    text,
  n            integer NOT NULL,
  key_sum      bigint NOT NULL
);
CREATE UNIQUE INDEX incident_rollup_ward_key ON incident_rollup_ward (occurred_at, category, offence_code, ward_code) NULLS NOT DISTINCT;

CREATE TABLE incident_rollup_lsoa (
  occurred_at  timestamp NOT NULL,
  category     text NOT NULL,
  offence_code text,
  lsoa_code    text,
  n            integer NOT NULL,
  key_sum      bigint NOT NULL
);
CREATE UNIQUE INDEX incident_rollup_lsoa_key ON incident_rollup_lsoa (occurred_at, category, offence_code, lsoa_code) NULLS NOT DISTINCT;

CREATE TABLE incident_rollup_h3_7 (
  occurred_at  timestamp NOT NULL,
  category     text NOT NULL,
  offence_code text,
  in_study     boolean NOT NULL,
  h3_7         bigint NOT NULL,
  n            integer NOT NULL,
  key_sum      bigint NOT NULL
);
CREATE UNIQUE INDEX incident_rollup_h3_7_key ON incident_rollup_h3_7 (occurred_at, category, offence_code, in_study, h3_7) NULLS NOT DISTINCT;

CREATE TABLE incident_rollup_h3_8 (
  occurred_at  timestamp NOT NULL,
  category     text NOT NULL,
  offence_code text,
  in_study     boolean NOT NULL,
  h3_8         bigint NOT NULL,
  n            integer NOT NULL,
  key_sum      bigint NOT NULL
);
CREATE UNIQUE INDEX incident_rollup_h3_8_key ON incident_rollup_h3_8 (occurred_at, category, offence_code, in_study, h3_8) NULLS NOT DISTINCT;

CREATE TABLE incident_rollup_h3_9 (
  occurred_at  timestamp NOT NULL,
  category     text NOT NULL,
  offence_code text,
  in_study     boolean NOT NULL,
  h3_9         bigint NOT NULL,
  n            integer NOT NULL,
  key_sum      bigint NOT NULL
);
CREATE UNIQUE INDEX incident_rollup_h3_9_key ON incident_rollup_h3_9 (occurred_at, category, offence_code, in_study, h3_9) NULLS NOT DISTINCT;

-- The write trigger of 018, now also feeding the rollups. `rows` is the statement's transition table(s) with a
-- sign (+1 new, −1 old).
CREATE OR REPLACE FUNCTION cube_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rows text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT *, 1 AS s FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT *, -1 AS s FROM old_rows'
    ELSE 'SELECT *, 1 AS s FROM new_rows UNION ALL SELECT *, -1 AS s FROM old_rows' END;
  touched timestamp[];
BEGIN
  EXECUTE format($q$
    WITH
    -- signed count and record-key sum per cube key (an UPDATE that changes no key nets to nothing)
    delta AS MATERIALIZED (
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
    ),
    -- the rollups: the delta summed per rollup key
    ward AS (
      INSERT INTO incident_rollup_ward AS r
      SELECT occurred_at, category, offence_code, ward_code, sum(n), sum(key_sum) FROM delta
      GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0
      ON CONFLICT (occurred_at, category, offence_code, ward_code)
      DO UPDATE SET n = r.n + excluded.n, key_sum = r.key_sum + excluded.key_sum
    ),
    lsoa AS (
      INSERT INTO incident_rollup_lsoa AS r
      SELECT occurred_at, category, offence_code, lsoa_code, sum(n), sum(key_sum) FROM delta
      GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0
      ON CONFLICT (occurred_at, category, offence_code, lsoa_code)
      DO UPDATE SET n = r.n + excluded.n, key_sum = r.key_sum + excluded.key_sum
    ),
    h7 AS (
      INSERT INTO incident_rollup_h3_7 AS r
      SELECT occurred_at, category, offence_code, study_code IS NOT NULL, h3_7, sum(n), sum(key_sum) FROM delta
      GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0
      ON CONFLICT (occurred_at, category, offence_code, in_study, h3_7)
      DO UPDATE SET n = r.n + excluded.n, key_sum = r.key_sum + excluded.key_sum
    ),
    h8 AS (
      INSERT INTO incident_rollup_h3_8 AS r
      SELECT occurred_at, category, offence_code, study_code IS NOT NULL, h3_8, sum(n), sum(key_sum) FROM delta
      GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0
      ON CONFLICT (occurred_at, category, offence_code, in_study, h3_8)
      DO UPDATE SET n = r.n + excluded.n, key_sum = r.key_sum + excluded.key_sum
    ),
    h9 AS (
      INSERT INTO incident_rollup_h3_9 AS r
      SELECT occurred_at, category, offence_code, study_code IS NOT NULL, h3_9, sum(n), sum(key_sum) FROM delta
      GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0
      ON CONFLICT (occurred_at, category, offence_code, in_study, h3_9)
      DO UPDATE SET n = r.n + excluded.n, key_sum = r.key_sum + excluded.key_sum
    )
    -- and the monthly totals
    INSERT INTO incident_months AS m
    SELECT occurred_at, category, dataset, time_precision, sum(n), sum(key_sum)
    FROM delta
    GROUP BY 1, 2, 3, 4
    HAVING sum(n) <> 0
    ON CONFLICT (occurred_at, category, dataset, time_precision)
    DO UPDATE SET n = m.n + excluded.n, key_sum = m.key_sum + excluded.key_sum$q$, rows);
  IF TG_OP <> 'INSERT' THEN
    -- keys emptied by this statement (in the months it touched)
    SELECT array_agg(DISTINCT date_trunc('month', occurred_at)) INTO touched FROM old_rows;
    DELETE FROM incident_cube WHERE n = 0 AND occurred_at = ANY(touched);
    DELETE FROM incident_rollup_ward WHERE n = 0 AND occurred_at = ANY(touched);
    DELETE FROM incident_rollup_lsoa WHERE n = 0 AND occurred_at = ANY(touched);
    DELETE FROM incident_rollup_h3_7 WHERE n = 0 AND occurred_at = ANY(touched);
    DELETE FROM incident_rollup_h3_8 WHERE n = 0 AND occurred_at = ANY(touched);
    DELETE FROM incident_rollup_h3_9 WHERE n = 0 AND occurred_at = ANY(touched);
    DELETE FROM incident_months WHERE n = 0;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cube_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_cube, incident_months, incident_rollup_ward, incident_rollup_lsoa,
           incident_rollup_h3_7, incident_rollup_h3_8, incident_rollup_h3_9;
  RETURN NULL;
END $$;

-- The rollups recomputed from the cube (every rollup key is a function of a cube key).
CREATE FUNCTION refresh_incident_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_rollup_ward, incident_rollup_lsoa, incident_rollup_h3_7, incident_rollup_h3_8, incident_rollup_h3_9;
  INSERT INTO incident_rollup_ward
  SELECT occurred_at, category, offence_code, ward_code, sum(n), sum(key_sum) FROM incident_cube GROUP BY 1, 2, 3, 4;
  INSERT INTO incident_rollup_lsoa
  SELECT occurred_at, category, offence_code, lsoa_code, sum(n), sum(key_sum) FROM incident_cube GROUP BY 1, 2, 3, 4;
  INSERT INTO incident_rollup_h3_7
  SELECT occurred_at, category, offence_code, study_code IS NOT NULL, h3_7, sum(n), sum(key_sum) FROM incident_cube GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO incident_rollup_h3_8
  SELECT occurred_at, category, offence_code, study_code IS NOT NULL, h3_8, sum(n), sum(key_sum) FROM incident_cube GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO incident_rollup_h3_9
  SELECT occurred_at, category, offence_code, study_code IS NOT NULL, h3_9, sum(n), sum(key_sum) FROM incident_cube GROUP BY 1, 2, 3, 4, 5;
END $$;

-- The cube, the monthly totals and the rollups recomputed from incidents (after a bulk load that bypassed
-- the triggers, e.g. the read benchmark's COPY; or to repair). Same result as the triggers.
CREATE FUNCTION refresh_incident_aggregates() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_cube, incident_months;
  INSERT INTO incident_cube
  SELECT date_trunc('month', occurred_at), category, dataset, time_precision, offence_code, h3_10, ward_code, lsoa_code, study_code,
         h3_7, h3_8, h3_9, count(*), sum(record_key)
  FROM incidents
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12;
  INSERT INTO incident_months
  SELECT occurred_at, category, dataset, time_precision, sum(n), sum(key_sum)
  FROM incident_cube
  GROUP BY 1, 2, 3, 4;
  PERFORM refresh_incident_rollups();
END $$;

-- Detaching a month (021) leaves incidents without a DELETE: its aggregates go with it here.
CREATE OR REPLACE FUNCTION detach_incident_partition(month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', month)::date;
  part text := 'incidents_' || to_char(date_trunc('month', month), 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(70021);
  IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'incidents'::regclass AND c.relname = part) THEN
    RETURN NULL;
  END IF;
  EXECUTE format('DELETE FROM incident_keys k USING %I p WHERE k.dedup_key = p.dedup_key', part);
  EXECUTE format('ALTER TABLE incidents DETACH PARTITION %I', part);
  -- coverage periods of the month go (the importer records them per month: api/coverage/record.ts)
  DELETE FROM coverage WHERE period_start >= m AND period_start < m + interval '1 month';
  -- and its aggregates (the partition held exactly this month)
  DELETE FROM incident_cube WHERE occurred_at = m::timestamp;
  DELETE FROM incident_months WHERE occurred_at = m::timestamp;
  DELETE FROM incident_rollup_ward WHERE occurred_at = m::timestamp;
  DELETE FROM incident_rollup_lsoa WHERE occurred_at = m::timestamp;
  DELETE FROM incident_rollup_h3_7 WHERE occurred_at = m::timestamp;
  DELETE FROM incident_rollup_h3_8 WHERE occurred_at = m::timestamp;
  DELETE FROM incident_rollup_h3_9 WHERE occurred_at = m::timestamp;
  RETURN part;
END $$;

-- Existing incidents.
SELECT refresh_incident_rollups();
ANALYZE incident_rollup_ward, incident_rollup_lsoa, incident_rollup_h3_7, incident_rollup_h3_8, incident_rollup_h3_9;

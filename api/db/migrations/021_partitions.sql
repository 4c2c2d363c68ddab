-- 021 (issue 16, storage): `incidents` becomes a table partitioned by month of occurred_at (declarative RANGE
-- partitioning), converted here with its data. docs/ARCHITECTURE.md "Partitions" and docs/SCALE-OUT.md.
--
-- * One partition per calendar month, named incidents_YYYY_MM, made by ensure_incident_partitions(months)
--   (the importer calls it for the months a file holds, before it moves rows; `npm run partitions` too);
--   rows of a month with no partition land in incidents_default, and are moved out when that month's
--   partition is made.
-- * The primary key must hold the partition key: (id, occurred_at). id stays unique by its sequence.
-- * Dedup: a unique index on a partitioned table must hold the partition key too, so dedup_key can no longer
--   be unique on incidents. The keys live in incident_keys (one row per stored incident, primary key
--   dedup_key): the importer inserts a file's keys there ON CONFLICT DO NOTHING and stores only the
--   incidents whose key was new, exactly the duplicate semantics of the former UNIQUE (dedup_key)
--   (same key in any month = the same incident; a concurrent import of the same key waits, then skips it).
--   Statement triggers keep the keys equal to the incidents held: DELETE/TRUNCATE on incidents remove them.
-- * Triggers and indexes of incidents (whatever earlier migrations made) are carried over as they were:
--   statement-level triggers with transition tables are allowed on a partitioned parent (008's live feed).
-- * Old partitions are detached by detach_incident_partition(month) (keys and coverage of the month go too).

-- ---------------------------------------------------------------------------------------------------------
-- Make (and fill from the default partition) the monthly partitions of the given months. Each partition is
-- made as a plain table and ATTACHed: ATTACH takes SHARE UPDATE EXCLUSIVE on incidents (reads and writes go
-- on) where CREATE TABLE .. PARTITION OF would take ACCESS EXCLUSIVE; the default partition is locked
-- ACCESS EXCLUSIVE briefly either way (its rows are checked). Serialised by advisory lock 70021.
-- Returns how many partitions it made.
CREATE FUNCTION ensure_incident_partitions(months date[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  m date;
  part text;
  made integer := 0;
  cols text;
BEGIN
  PERFORM pg_advisory_xact_lock(70021);
  -- the stored (not generated) columns, in table order
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
  FROM pg_attribute WHERE attrelid = 'incidents'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
  FOR m IN SELECT DISTINCT date_trunc('month', x)::date FROM unnest(months) x WHERE x IS NOT NULL ORDER BY 1 LOOP
    part := 'incidents_' || to_char(m, 'YYYY_MM');
    CONTINUE WHEN EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                          WHERE i.inhparent = 'incidents'::regclass AND c.relname = part);
    EXECUTE format('CREATE TABLE %I (LIKE incidents INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE)', part);
    -- rows of this month already in the default partition move into it (a direct DELETE on the partition:
    -- the parent's statement triggers, e.g. the key cleanup below, do not fire)
    EXECUTE format('WITH moved AS (DELETE FROM incidents_default WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING %s)
                    INSERT INTO %I (%s) SELECT * FROM moved', cols, part, cols)
      USING m::timestamp, (m + interval '1 month')::timestamp;
    EXECUTE format('ALTER TABLE incidents ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   part, m::timestamp, (m + interval '1 month')::timestamp);
    made := made + 1;
  END LOOP;
  RETURN made;
END $$;

-- Detach one month's partition (it stays as a plain table, to be dumped and dropped: docs/SCALE-OUT.md).
-- Its incidents' keys leave incident_keys (a re-import of the month stores them again) and the coverage of
-- that month is removed (the data no longer hold it: analyses say "not covered", never count 0).
-- Returns the detached table's name, NULL when the month has no partition.
CREATE FUNCTION detach_incident_partition(month date) RETURNS text LANGUAGE plpgsql AS $$
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
  RETURN part;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- The conversion.
CREATE TABLE incident_keys (dedup_key uuid PRIMARY KEY);

DO $$
DECLARE
  idx text[];
  trg text[];
  d text;
  cols text;
BEGIN
  -- indexes (all but the primary key and the dedup key's unique constraint) and user triggers, as defined now
  SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid)), '{}') INTO idx FROM pg_index i
  WHERE i.indrelid = 'incidents'::regclass AND NOT i.indisprimary AND NOT i.indisunique;
  IF EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = 'incidents'::regclass AND i.indisunique AND NOT i.indisprimary
             AND i.indexrelid <> 'incidents_dedup_key_key'::regclass) THEN
    RAISE EXCEPTION '021: incidents has a unique index other than the dedup key: it must include occurred_at';
  END IF;
  SELECT coalesce(array_agg(pg_get_triggerdef(t.oid)), '{}') INTO trg FROM pg_trigger t
  WHERE t.tgrelid = 'incidents'::regclass AND NOT t.tgisinternal;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
  FROM pg_attribute WHERE attrelid = 'incidents'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';

  ALTER TABLE incidents RENAME TO incidents_unpartitioned;
  ALTER TABLE incidents_unpartitioned RENAME CONSTRAINT incidents_pkey TO incidents_unpartitioned_pkey;
  CREATE TABLE incidents (LIKE incidents_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED
                          INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (occurred_at);
  ALTER TABLE incidents ADD PRIMARY KEY (id, occurred_at);
  CREATE TABLE incidents_default PARTITION OF incidents DEFAULT;
  PERFORM ensure_incident_partitions(array(SELECT DISTINCT date_trunc('month', occurred_at)::date FROM incidents_unpartitioned));
  EXECUTE format('INSERT INTO incidents (%s) SELECT %s FROM incidents_unpartitioned', cols, cols);
  INSERT INTO incident_keys (dedup_key) SELECT dedup_key FROM incidents_unpartitioned;
  -- the id sequence now belongs to the new table (else it would be dropped with the old one)
  ALTER SEQUENCE incidents_id_seq OWNED BY incidents.id;
  DROP TABLE incidents_unpartitioned;
  FOREACH d IN ARRAY idx LOOP EXECUTE d; END LOOP;
  FOREACH d IN ARRAY trg LOOP EXECUTE d; END LOOP;
END $$;

-- Keys follow the incidents removed through the parent (a statement on one partition itself does not fire these:
-- ensure_incident_partitions moves rows that way, and detach_incident_partition removes the keys itself).
CREATE FUNCTION incidents_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_keys k USING gone g WHERE k.dedup_key = g.dedup_key;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_deleted AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION incidents_deleted();

CREATE FUNCTION incidents_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_keys;
  RETURN NULL;
END $$;
CREATE TRIGGER incidents_truncated AFTER TRUNCATE ON incidents
  FOR EACH STATEMENT EXECUTE FUNCTION incidents_truncated();

ANALYZE incidents;

-- 019: the data version (issue 16). One number that changes whenever a transaction that changes what the
-- aggregate answers read commits; ETags and tile caches are keyed by it (api/data-version.ts).
--
-- How it moves. A statement-level trigger on every table that feeds answers marks the writing transaction
-- (one row in data_version_pending, keyed by txid; later statements of the same transaction find it and do
-- nothing). A deferred constraint trigger on that row runs at commit: it bumps the one-row counter and
-- removes the mark. So the counter changes in the same transaction as the data (a reader that read the
-- version before the data never caches new data under an old version), and the counter row is locked only
-- for the moment of commit, not for a whole import (writers do not queue behind a long import for it).
-- A transaction that rolls back leaves neither mark nor bump.

CREATE TABLE data_version (
  one        boolean PRIMARY KEY DEFAULT true CHECK (one),
  version    bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_version (version) VALUES (1);

CREATE TABLE data_version_pending (
  xact bigint PRIMARY KEY
);

CREATE FUNCTION data_version_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO data_version_pending (xact) VALUES (txid_current()) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_version SET version = version + 1, changed_at = now();
  DELETE FROM data_version_pending WHERE xact = NEW.xact;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER data_version_bump AFTER INSERT ON data_version_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

-- The tables whose rows aggregates, hotspots, series, definitions, coverage, attribution, journeys,
-- planning or places read. Not here: accounts and sessions (users, sessions, api_tokens, setup_tokens,
-- login_attempts, audit_log: who may see what is part of the ETag, not of the data), the change feed and
-- meetings, import rejects, column mappings, open-data run logs.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'incidents', 'import_batches', 'categories', 'category_set_versions', 'area_sets', 'areas', 'area_parts',
    'area_population', 'area_population_resolved', 'population_lookup_sets', 'population_lookup',
    'lsoa_centroids', 'area_counts', 'coverage', 'harm_schemes', 'settings', 'journey_sites',
    'journey_routes', 'journey_segments', 'journey_term_dates', 'intervention_types', 'interventions',
    'intervention_history', 'chb_areas', 'walking_network', 'walking_network_lines', 'postcodes'
  ] LOOP
    EXECUTE format(
      'CREATE TRIGGER data_version_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
         FOR EACH STATEMENT EXECUTE FUNCTION data_version_mark()', t);
  END LOOP;
END $$;

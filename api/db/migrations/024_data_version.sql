-- The data's version (issue 14): one row appended by every statement that changes the incidents or the
-- boundaries (statement-level triggers: one row per statement, whatever its number of rows). Caches of
-- figures derived from all the data (place names of cells, api/places/names.ts) are keyed by the number of
-- rows, which only grows: appending never blocks another writer (no shared counter row to lock), a row
-- becomes visible only when its change commits, and a rolled-back change takes its row with it.
CREATE TABLE data_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tbl text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO data_changes (tbl) VALUES (TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER incidents_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents
  FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();
CREATE TRIGGER areas_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();
CREATE TRIGGER area_parts_data_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON area_parts
  FOR EACH STATEMENT EXECUTE FUNCTION note_data_change();

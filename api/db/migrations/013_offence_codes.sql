-- 013 (issue 18): Home Office offence codes on incidents, code-level harm schemes with their offence mix,
-- and each partnership's own definition of serious violence with its change history.

-- The incident's Home Office offence code, normalised as the ONS List of weights writes it ("8N", not
-- "008N"; geodata/harm/offence-codes.ts). NULL for police.uk data, which has categories only.
ALTER TABLE incidents ADD COLUMN offence_code text CHECK (offence_code IS NULL OR offence_code ~ '^[1-9][0-9]{0,2}(\.[0-9]{1,2})?[A-Z]?$');

-- User schemes may weigh offence codes (code -> weight) and state the offence mix (code -> count) their
-- category weights were derived from, and how each category weight was derived or why it has none.
ALTER TABLE harm_schemes
  ADD COLUMN code_weights   jsonb CHECK (code_weights IS NULL OR jsonb_typeof(code_weights) = 'object'),
  ADD COLUMN mix            jsonb CHECK (mix IS NULL OR jsonb_typeof(mix) = 'object'),
  ADD COLUMN category_notes jsonb CHECK (category_notes IS NULL OR jsonb_typeof(category_notes) = 'object');

-- Named category sets ("serious-violence"): every version of the definition, append-only. The current
-- definition is the highest version; with no row the built-in default (api/definitions/) applies.
CREATE TABLE category_set_versions (
  name        text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  version     integer NOT NULL CHECK (version >= 1),
  definition  jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object'),
  changed_at  timestamptz NOT NULL DEFAULT now(),
  changed_by  text NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE FUNCTION category_set_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'category_set_versions is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER category_set_versions_no_change BEFORE UPDATE OR DELETE ON category_set_versions
  FOR EACH ROW EXECUTE FUNCTION category_set_versions_append_only();
CREATE TRIGGER category_set_versions_no_truncate BEFORE TRUNCATE ON category_set_versions
  FOR EACH STATEMENT EXECUTE FUNCTION category_set_versions_append_only();

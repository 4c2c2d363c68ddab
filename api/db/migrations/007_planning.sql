-- 007: planning (issue 6): the intervention register with its append-only history, user-defined
-- intervention types, and Clear-Hold-Build areas.

-- Intervention types: the shipped ones (builtin) and any a user adds.
CREATE TABLE intervention_types (
  slug        text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9_]{0,39}$'),
  label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
  builtin     boolean NOT NULL DEFAULT false,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO intervention_types (slug, label, builtin) VALUES
  ('youth_hub', 'Youth hub', true),
  ('safe_haven', 'Safe haven', true),
  ('cctv_camera', 'CCTV camera', true),
  ('patrol_point', 'Patrol point', true),
  ('outreach_site', 'Outreach site', true),
  ('enforcement_operation', 'Enforcement operation', true),
  ('environmental_works', 'Environmental works', true);

-- The register: the current version of each intervention. Every change also writes the full new version
-- to intervention_history (append-only), so nothing is lost when a row here is edited, ended or deleted
-- (deletion is a mark, deleted_at, and a history row).
CREATE TABLE interventions (
  id          serial PRIMARY KEY,
  type        text NOT NULL REFERENCES intervention_types(slug),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  geom        geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON') AND ST_IsValid(geom)),
  starts_on   date NOT NULL,
  ends_on     date CHECK (ends_on IS NULL OR ends_on >= starts_on),
  owner       text CHECK (length(owner) <= 200),
  partner     text CHECK (length(partner) <= 200),
  notes       text CHECK (length(notes) <= 5000),
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL,
  deleted_at  timestamptz,
  deleted_by  text
);
CREATE INDEX interventions_geom ON interventions USING gist (geom);
CREATE INDEX interventions_dates ON interventions (starts_on, ends_on);

CREATE TABLE intervention_history (
  id               bigserial PRIMARY KEY,
  intervention_id  integer NOT NULL REFERENCES interventions(id),
  version          integer NOT NULL,
  action           text NOT NULL CHECK (action IN ('create', 'import', 'edit', 'end', 'delete')),
  -- the whole intervention as it stood after the change (geometry as GeoJSON)
  snapshot         jsonb NOT NULL,
  changed_by       text NOT NULL,
  changed_by_id    integer,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (intervention_id, version)
);

CREATE FUNCTION intervention_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'intervention_history is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER intervention_history_no_change BEFORE UPDATE OR DELETE ON intervention_history
  FOR EACH ROW EXECUTE FUNCTION intervention_history_append_only();
CREATE TRIGGER intervention_history_no_truncate BEFORE TRUNCATE ON intervention_history
  FOR EACH STATEMENT EXECUTE FUNCTION intervention_history_append_only();

-- Clear-Hold-Build areas. The area, its displacement buffer (a ring) and the control area are stored as
-- built at creation, so every evaluation of an area uses the same polygons.
CREATE TABLE chb_areas (
  id              serial PRIMARY KEY,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  area_geom       geometry(MultiPolygon, 4326) NOT NULL,
  area_source     jsonb NOT NULL,          -- {kind: 'geometry'|'wards'|'cells', codes?: [...]}
  buffer_m        integer NOT NULL CHECK (buffer_m BETWEEN 50 AND 5000),
  buffer_geom     geometry(MultiPolygon, 4326) NOT NULL,
  control_geom    geometry(MultiPolygon, 4326) NOT NULL,
  control_source  jsonb NOT NULL,
  clear_start     date NOT NULL,
  hold_start      date NOT NULL,
  build_start     date NOT NULL,
  build_end       date NOT NULL,
  baseline_from   date,                    -- NULL: an equal-length window before clear_start per phase
  baseline_to     date,
  notes           text CHECK (length(notes) <= 5000),
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (clear_start < hold_start AND hold_start < build_start AND build_start < build_end),
  CHECK ((baseline_from IS NULL) = (baseline_to IS NULL)),
  CHECK (baseline_to IS NULL OR (baseline_from < baseline_to AND baseline_to <= clear_start))
);

-- 014: starting from open data (issue 17).
-- Provenance: every import batch can carry where its data came from (URLs, parameters, time fetched).
ALTER TABLE import_batches ADD COLUMN provenance jsonb;

-- A fetch of open data for a place (one or more local authorities): the steps done are recorded, so a
-- fetch that stopped half-way continues where it stopped. One step = one layer or one month, each its own
-- import batch (all-or-nothing); a step row is written only after its batch committed.
CREATE TABLE opendata_runs (
  id          serial PRIMARY KEY,
  scope_key   text NOT NULL UNIQUE,          -- e.g. "lad:E07000136,E07000137" (sorted codes)
  spec        jsonb NOT NULL,                -- what was asked: local authorities, months, options
  label       text NOT NULL,                 -- human name of the place
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'incomplete')),
  last_error  jsonb
);

CREATE TABLE opendata_steps (
  run_id      integer NOT NULL REFERENCES opendata_runs(id) ON DELETE CASCADE,
  step        text NOT NULL,                 -- "ons:wards", "nomis:population", "police:2024-01", ...
  status      text NOT NULL CHECK (status IN ('done', 'empty', 'failed')),
  batch_id    integer REFERENCES import_batches(id) ON DELETE SET NULL,
  provenance  jsonb,
  detail      jsonb,                          -- what later steps need (codes found), counts, the error of a failed step
  finished_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step)
);

-- Coverage rows from aggregate sources (counts with no points, e.g. MPS ward-level monthly counts) are kept
-- beside those of incident files but never make a month "covered" for incident analyses.
ALTER TABLE coverage ADD COLUMN points boolean NOT NULL DEFAULT true;

-- Aggregate data: counts per area, month and category as published (MPS ward-level crime). No points.
CREATE TABLE area_counts (
  batch_id    integer NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  dataset     text NOT NULL,
  level       text NOT NULL,                 -- ward
  code        text NOT NULL,
  name        text,
  month       date NOT NULL,                 -- first day of the month
  major       text NOT NULL,                 -- published major category (MajorText)
  minor       text NOT NULL,                 -- published minor category (MinorText)
  count       integer NOT NULL CHECK (count >= 0),
  PRIMARY KEY (dataset, level, code, month, major, minor)
);
CREATE INDEX area_counts_code_month ON area_counts (level, code, month);

-- The study area (issue 17): the code of the study-area unit (an area of the study-area level: ward by
-- default) containing each incident; NULL = outside the study area. With wards as the level it equals ward_code.
ALTER TABLE incidents ADD COLUMN study_code text;
UPDATE incidents SET study_code = ward_code WHERE ward_code IS NOT NULL;

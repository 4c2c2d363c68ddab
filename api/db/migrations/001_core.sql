-- 001: the core data model. Geometry is EPSG:4326; metric work casts to geography or EPSG:27700.
CREATE EXTENSION IF NOT EXISTS postgis;

-- Who imported what, and what became of each row.
CREATE TABLE import_batches (
  id            serial PRIMARY KEY,
  kind          text NOT NULL,              -- police_uk_street | incidents_csv | boundaries | population
  file_name     text NOT NULL,
  file_sha256   text,
  dataset       text,                       -- source dataset label given to incidents
  created_by    text NOT NULL DEFAULT 'local',
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('queued', 'running', 'committed', 'failed')),
  rows_read     integer NOT NULL DEFAULT 0,
  imported      integer NOT NULL DEFAULT 0,
  duplicates    integer NOT NULL DEFAULT 0,
  rejected      integer NOT NULL DEFAULT 0,
  outside_study_area integer NOT NULL DEFAULT 0,
  summary       jsonb NOT NULL DEFAULT '{}'::jsonb,
  error         text
);

CREATE TABLE import_rejects (
  batch_id  integer NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  line      integer NOT NULL,               -- 1-based physical line in the file (header = line 1)
  reason    text NOT NULL,
  raw       text
);
CREATE INDEX import_rejects_batch ON import_rejects (batch_id, line);

-- Saved column mappings for generic incident CSVs.
CREATE TABLE column_mappings (
  name        text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9 _.-]{1,80}$'),
  mapping     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Area levels (ward, lsoa, custom ...) and their polygons.
CREATE TABLE area_sets (
  level       text PRIMARY KEY CHECK (level ~ '^[a-z][a-z0-9_]{0,39}$'),
  label       text NOT NULL,
  batch_id    integer REFERENCES import_batches(id),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE areas (
  id        serial PRIMARY KEY,
  level     text NOT NULL REFERENCES area_sets(level) ON DELETE CASCADE,
  code      text NOT NULL,
  name      text NOT NULL,
  geom      geometry(MultiPolygon, 4326) NOT NULL,
  UNIQUE (level, code)
);
CREATE INDEX areas_geom ON areas USING gist (geom);

-- Subdivided copies of area polygons (<= 64 vertices each): fast, untoasted point-in-polygon.
CREATE TABLE area_parts (
  area_id   integer NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
  level     text NOT NULL,
  code      text NOT NULL,
  geom      geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX area_parts_geom ON area_parts USING gist (geom);

-- Population by area code. Kept apart from polygons so either can be loaded first.
CREATE TABLE area_population (
  level       text NOT NULL,
  code        text NOT NULL,
  population  integer NOT NULL CHECK (population >= 0),
  source      text NOT NULL,
  batch_id    integer REFERENCES import_batches(id),
  PRIMARY KEY (level, code)
);

-- Crime categories: the police.uk 14 (by API slug) plus any a CSV brings.
CREATE TABLE categories (
  slug    text PRIMARY KEY,
  label   text NOT NULL,
  origin  text NOT NULL DEFAULT 'police.uk' CHECK (origin IN ('police.uk', 'custom'))
);
INSERT INTO categories (slug, label) VALUES
  ('anti-social-behaviour', 'Anti-social behaviour'),
  ('bicycle-theft', 'Bicycle theft'),
  ('burglary', 'Burglary'),
  ('criminal-damage-arson', 'Criminal damage and arson'),
  ('drugs', 'Drugs'),
  ('other-theft', 'Other theft'),
  ('possession-of-weapons', 'Possession of weapons'),
  ('public-order', 'Public order'),
  ('robbery', 'Robbery'),
  ('shoplifting', 'Shoplifting'),
  ('theft-from-the-person', 'Theft from the person'),
  ('vehicle-crime', 'Vehicle crime'),
  ('violent-crime', 'Violence and sexual offences'),
  ('other-crime', 'Other crime');

-- Incidents. occurred_at is civil time in Europe/London; with precision 'month' it is the month's
-- first day at 00:00, with 'day' that day at 00:00.
CREATE TABLE incidents (
  id                  bigserial PRIMARY KEY,
  batch_id            integer NOT NULL REFERENCES import_batches(id),
  dataset             text NOT NULL,
  source_id           text,
  dedup_key           uuid NOT NULL UNIQUE,
  category            text NOT NULL REFERENCES categories(slug),
  occurred_at         timestamp NOT NULL,
  time_precision      text NOT NULL CHECK (time_precision IN ('month', 'day', 'minute')),
  lon                 double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat                 double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  geom                geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
  location_precision  text NOT NULL CHECK (location_precision IN ('snapped', 'exact')),
  location_text       text,
  age_band            text,
  outcome             text,
  ward_code           text,               -- NULL: outside every ward (or no wards loaded yet)
  lsoa_code           text,
  h3_7                bigint NOT NULL,
  h3_8                bigint NOT NULL,
  h3_9                bigint NOT NULL,
  h3_10               bigint NOT NULL
);
CREATE INDEX incidents_occurred ON incidents (occurred_at);
CREATE INDEX incidents_category_occurred ON incidents (category, occurred_at);
CREATE INDEX incidents_ward ON incidents (ward_code);
CREATE INDEX incidents_geom ON incidents USING gist (geom);
CREATE INDEX incidents_batch ON incidents (batch_id);

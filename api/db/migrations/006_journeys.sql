-- 006: school journeys (issue 5): schools and transport hubs, named routes, their equal-length
-- segments, and the term-date calendar used by the school-journey time windows.

-- Schools (DfE GIAS) and hubs (NaPTAN stations/stops), one row per source id within a kind.
CREATE TABLE journey_sites (
  id          serial PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('school', 'hub')),
  source_id   text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 80),   -- URN, ATCO code, ...
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  attributes  jsonb NOT NULL DEFAULT '{}'::jsonb,                          -- the other columns of the source row
  geom        geometry(Point, 4326) NOT NULL,
  batch_id    integer REFERENCES import_batches(id) ON DELETE SET NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, source_id)
);
CREATE INDEX journey_sites_geom ON journey_sites USING gist (geom);

-- A school-journey route: any named line, usually from a school to a hub.
CREATE TABLE journey_routes (
  id          serial PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  school_id   integer REFERENCES journey_sites(id) ON DELETE SET NULL,
  hub_id      integer REFERENCES journey_sites(id) ON DELETE SET NULL,
  geom        geometry(LineString, 4326) NOT NULL,
  length_m    double precision NOT NULL CHECK (length_m > 0 AND length_m <= 20000),  -- haversine (geodata/journeys/segment.ts)
  segment_m   double precision NOT NULL DEFAULT 100 CHECK (segment_m BETWEEN 10 AND 1000),
  origin      text NOT NULL DEFAULT 'drawn' CHECK (origin IN ('drawn', 'imported', 'network')),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journey_routes_geom ON journey_routes USING gist (geom);
CREATE INDEX journey_routes_school ON journey_routes (school_id);

-- Equal-length pieces of each route (ceil(length / segment_m) of them), rewritten whenever the route's
-- geometry or segment length changes.
CREATE TABLE journey_segments (
  route_id    integer NOT NULL REFERENCES journey_routes(id) ON DELETE CASCADE,
  seq         integer NOT NULL CHECK (seq >= 1),
  start_m     double precision NOT NULL,
  end_m       double precision NOT NULL,
  length_m    double precision NOT NULL CHECK (length_m > 0),
  geom        geometry(LineString, 4326) NOT NULL,
  PRIMARY KEY (route_id, seq)
);
CREATE INDEX journey_segments_geom ON journey_segments USING gist (geom);

-- School terms (inclusive dates). Time windows with term_only=true count only days inside a term.
CREATE TABLE journey_term_dates (
  id          serial PRIMARY KEY,
  name        text NOT NULL DEFAULT '' CHECK (length(name) <= 100),
  starts_on   date NOT NULL,
  ends_on     date NOT NULL,
  CHECK (ends_on >= starts_on)
);

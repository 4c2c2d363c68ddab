-- 010: the walking network (issue 6): street and footway lines along which planning coverage and outreach
-- measure walking distance. One network at a time: loading a new one replaces the old one, and its new id
-- tells every app process to rebuild its in-memory graph.
CREATE TABLE walking_network (
  id         serial PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  lines      integer NOT NULL CHECK (lines > 0),
  vertices   integer NOT NULL CHECK (vertices > 0),
  loaded_by  text NOT NULL,
  loaded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE walking_network_lines (
  id          bigserial PRIMARY KEY,
  network_id  integer NOT NULL REFERENCES walking_network(id) ON DELETE CASCADE,
  geom        geometry(LineString, 4326) NOT NULL
);
CREATE INDEX walking_network_lines_network ON walking_network_lines (network_id);
CREATE INDEX walking_network_lines_geom ON walking_network_lines USING gist (geom);

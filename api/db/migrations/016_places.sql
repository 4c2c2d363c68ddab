-- 016: places (issue 14). Names from the data: the street of a police.uk location text ("On or near
-- Parkside Avenue" -> "Parkside Avenue") and whether it is one of police.uk's anonymised non-street
-- points ("Supermarket", "Petrol Station", ...), which rank after real street names when a unit is named
-- (api/places/names.ts). And an ONS Postcode Directory lookup for the search box (api/places/onspd.ts).

-- The street part of a location text: "On or near " stripped, trimmed; NULL when nothing is left.
-- (No regular expression: this runs once per incident of every named unit, and a regexp costs ~25 µs a row.)
CREATE FUNCTION place_street(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT NULLIF(CASE
    WHEN lower(left(btrim(t), 11)) = 'on or near ' OR lower(btrim(t)) = 'on or near' THEN btrim(substr(btrim(t), 11))
    ELSE btrim(t) END, '')
$$;

-- police.uk's anonymised map points that are not streets (the "On or near <place type>" snap points of
-- the police.uk anonymisation), compared case-insensitively: police.uk spells some in two cases.
CREATE FUNCTION place_generic(s text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(s) = ANY (ARRAY[
    'supermarket', 'petrol station', 'parking area', 'sports/recreation area', 'shopping area', 'nightclub',
    'hospital', 'police station', 'pedestrian subway', 'bus/coach station', 'theatre/concert hall',
    'further/higher educational building', 'conference/exhibition centre', 'park/open space',
    'airport/airfield', 'theme/adventure park', 'prison', 'church', 'mosque', 'synagogue', 'temple',
    'sports ground', 'nursery', 'school', 'university', 'college', 'hotel', 'hostel', 'pub', 'bar',
    'restaurant', 'cinema', 'library', 'museum', 'car park', 'railway station', 'underground station'
  ])
$$;

-- Live postcodes of the ONS Postcode Directory (terminated ones are not kept): point of the postcode's
-- centroid as published (lat/long, or the grid reference when those are missing).
CREATE TABLE postcodes (
  pcd         text PRIMARY KEY CHECK (pcd ~ '^[A-Z0-9]{5,7}$'), -- upper case, no spaces: SE64RU
  pcds        text NOT NULL,                                      -- the one-space form: SE6 4RU
  lon         double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat         double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  geom        geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
  introduced  text,                                                   -- dointr, YYYYMM
  batch_id    integer REFERENCES import_batches(id) ON DELETE SET NULL
);
-- prefix search ("SE6", "SE6 4") on the spaceless form
CREATE INDEX postcodes_prefix ON postcodes (pcd text_pattern_ops);

-- 020 (issue 18): what a partnership's definition of serious violence may narrow by, beyond categories
-- and offence codes (013): the victim's age band (incidents.age_band, stored since 001 as the file gives
-- it) and the location type (new here, from a mapping field `locationType` of force / council CSVs).
-- Police.uk data carry neither; incidents without them cannot be narrowed and are kept (stated in meta).

-- The incident's location type as the file writes it ("street", "public space", "dwelling", ...).
ALTER TABLE incidents ADD COLUMN location_type text CHECK (location_type IS NULL OR length(location_type) <= 80);

-- A victim age band read as whole years, the same reading as geodata/journeys/age.ts parseAgeBand
-- ("10-17", "18 to 24", "under 18", "65+", "over 64", "16"; upper bound open for "65+"); NULL when empty or
-- not recognised. test/serious-violence.test.ts compares the two on one list of bands.
CREATE FUNCTION victim_age_range(band text) RETURNS int4range LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  s text := lower(regexp_replace(coalesce(band, ''), '^\s+|\s+$', '', 'g'));
  m text[];
BEGIN
  s := regexp_replace(s, '\s*years?( old)?\y', '', 'g');
  s := regexp_replace(s, '\s+', ' ', 'g');
  IF s = '' THEN RETURN NULL; END IF;
  m := regexp_match(s, '^([0-9]{1,3})$');
  IF m IS NOT NULL THEN RETURN int4range(m[1]::int, m[1]::int, '[]'); END IF;
  m := regexp_match(s, '^([0-9]{1,3}) ?(?:-|–|to) ?([0-9]{1,3})$');
  IF m IS NOT NULL THEN
    RETURN CASE WHEN m[2]::int >= m[1]::int THEN int4range(m[1]::int, m[2]::int, '[]') END;
  END IF;
  m := regexp_match(s, '^(?:under|below|less than|<) ?([0-9]{1,3})$');
  IF m IS NOT NULL THEN RETURN CASE WHEN m[1]::int > 0 THEN int4range(0, m[1]::int - 1, '[]') END; END IF;
  m := regexp_match(s, '^(?:<=|up to) ?([0-9]{1,3})$');
  IF m IS NOT NULL THEN RETURN int4range(0, m[1]::int, '[]'); END IF;
  m := regexp_match(s, '^([0-9]{1,3}) ?(?:\+|and over|or over|plus)$');
  IF m IS NOT NULL THEN RETURN int4range(m[1]::int, NULL, '[)'); END IF;
  m := regexp_match(s, '^(over|>=) ?([0-9]{1,3})$');
  IF m IS NOT NULL THEN RETURN int4range(m[2]::int + CASE WHEN m[1] = 'over' THEN 1 ELSE 0 END, NULL, '[)'); END IF;
  m := regexp_match(s, '^> ?([0-9]{1,3})$');
  IF m IS NOT NULL THEN RETURN int4range(m[1]::int + 1, NULL, '[)'); END IF;
  RETURN NULL;
END $$;

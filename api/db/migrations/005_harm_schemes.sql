-- 005: user-loaded harm schemes (issue 4). The shipped schemes (count, ons-css, cambridge-chi) live in
-- geodata/harm/*.json and are never stored here; a user scheme may not take one of their names.
CREATE TABLE harm_schemes (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,63}$' AND name NOT IN ('count', 'ons-css', 'cambridge-chi')),
  label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  version     text NOT NULL CHECK (length(version) <= 64),
  source      text NOT NULL CHECK (length(source) <= 500),
  -- category slug -> weight (>= 0); categories left out weigh 0
  weights     jsonb NOT NULL CHECK (jsonb_typeof(weights) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text
);

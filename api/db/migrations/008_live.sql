-- 008: the change feed and meetings (issue 7).
--
-- Change feed. Whatever adds incidents (the importer, POST /api/incidents, another process on the same
-- server) gets one `changes` row per transaction and import batch, summarising what it added, and a
-- NOTIFY on channel `sp_changes` when it commits. `seq` is the feed's position: it is assigned at
-- commit time under a transaction-scoped advisory lock, so seq order is commit order: a client that
-- has seen seq N and asks for seq > N never misses a change that committed before N became visible
-- (a sequence value taken when the insert ran would not give this: a long import takes its value first
-- and commits last).

CREATE TABLE changes (
  id        bigserial PRIMARY KEY,                 -- row id (insert order, not commit order)
  seq       bigint UNIQUE,                         -- commit order; NULL only inside the writing transaction
  at        timestamptz NOT NULL DEFAULT now(),    -- start of the writing transaction
  kind      text NOT NULL DEFAULT 'incidents',
  xact      bigint NOT NULL DEFAULT txid_current(),
  batch_id  integer NOT NULL,                      -- import_batches.id (no foreign key, as for incidents: 003)
  count     integer NOT NULL,                      -- incidents added (duplicates skipped are not counted)
  first_at  timestamp NOT NULL,                    -- earliest / latest occurred_at added (civil time)
  last_at   timestamp NOT NULL,
  west      double precision NOT NULL,             -- bounding box of the points added (WGS84)
  south     double precision NOT NULL,
  east      double precision NOT NULL,
  north     double precision NOT NULL,
  UNIQUE (xact, batch_id)
);
CREATE SEQUENCE changes_seq;

-- After each INSERT statement on incidents: add what it inserted to this transaction's changes row(s).
-- (The importer inserts in chunks of 20,000 rows: one statement per chunk, one changes row per file.)
CREATE FUNCTION incidents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO changes AS c (batch_id, count, first_at, last_at, west, south, east, north)
  SELECT batch_id, count(*), min(occurred_at), max(occurred_at), min(lon), min(lat), max(lon), max(lat)
  FROM added
  GROUP BY batch_id
  ON CONFLICT (xact, batch_id) DO UPDATE SET
    count = c.count + excluded.count,
    first_at = least(c.first_at, excluded.first_at), last_at = greatest(c.last_at, excluded.last_at),
    west = least(c.west, excluded.west), south = least(c.south, excluded.south),
    east = greatest(c.east, excluded.east), north = greatest(c.north, excluded.north);
  RETURN NULL;
END $$;

CREATE TRIGGER incidents_changed AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION incidents_changed();

-- At commit (deferred): number the change and announce it. The advisory lock (key 70081, "008 live")
-- is held until the transaction ends, so the next writer takes its number after this one is visible.
CREATE FUNCTION changes_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r changes;
BEGIN
  PERFORM pg_advisory_xact_lock(70081);
  UPDATE changes SET seq = nextval('changes_seq') WHERE id = NEW.id RETURNING * INTO r;
  PERFORM pg_notify('sp_changes', json_build_object(
    'seq', r.seq, 'batch_id', r.batch_id, 'count', r.count,
    'months', json_build_array(to_char(r.first_at, 'YYYY-MM'), to_char(r.last_at, 'YYYY-MM')),
    'bbox', json_build_array(r.west, r.south, r.east, r.north))::text);
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER changes_commit AFTER INSERT ON changes
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION changes_commit();

-- Meetings ("follow the presenter"): the presenter's latest map view, shared with every follower.
-- Kept in the database on both drivers, so several app processes on one server agree; each change of
-- view is announced on channel `sp_meetings` (payload: the meeting id).
CREATE TABLE meetings (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z2-9]{6}$'),   -- join code, read out in the room
  title         text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
  presenter_id  integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz,
  view          jsonb,
  view_version  integer NOT NULL DEFAULT 0,
  view_at       timestamptz
);

-- 009: "what changed since the last meeting" on the server (issue 7).
--
-- Each meeting records the change-feed position (changes.seq) when it started and when it ended, so
-- any browser can ask GET /api/meetings?ended=true for the last meeting and show what was added
-- since. A meeting ends when its presenter ends it (DELETE /api/meetings/:id: the seq at that moment)
-- or when it expires: then no request is running at that moment, so the seq is the last change that
-- had committed by expires_at; `changes.committed_at` (stamped when the seq is assigned, under the
-- feed's advisory lock, so it grows with seq) says when that was.

ALTER TABLE changes ADD COLUMN committed_at timestamptz;
UPDATE changes SET committed_at = at WHERE seq IS NOT NULL;          -- before 009: the best known
CREATE INDEX changes_committed_at ON changes (committed_at);

-- Stamped when changes_commit (008) numbers the row, so under its advisory lock.
CREATE FUNCTION changes_committed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.committed_at := clock_timestamp();
  RETURN NEW;
END $$;

CREATE TRIGGER changes_committed_at BEFORE UPDATE OF seq ON changes
  FOR EACH ROW WHEN (OLD.seq IS NULL AND NEW.seq IS NOT NULL) EXECUTE FUNCTION changes_committed_at();

-- The feed's position at instant t: the last change committed by then (0: none).
CREATE FUNCTION changes_seq_at(t timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(max(seq), 0) FROM changes WHERE committed_at <= t
$$;

ALTER TABLE meetings
  ADD COLUMN start_seq bigint,        -- the feed's position when the meeting was created
  ADD COLUMN end_seq   bigint;        -- ... when it ended (NULL while it runs, and until an expired one is sealed)

-- Meetings held before 009: as near as the feed can tell.
UPDATE meetings SET start_seq = changes_seq_at(created_at);
UPDATE meetings SET ended_at = expires_at WHERE ended_at IS NULL AND expires_at <= now();
UPDATE meetings SET end_seq = changes_seq_at(ended_at) WHERE ended_at IS NOT NULL;

CREATE INDEX meetings_recent ON meetings (ended_at DESC NULLS FIRST, created_at DESC);

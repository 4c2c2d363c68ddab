-- 011: what the data cover (issue 11). A month no file covered is "not covered", which is not the same as
-- a month with no incidents. Each incident import records, per category present in the file, the periods it
-- covers: every month in which the file has at least one row (of any category), the whole month for
-- month-precision rows, else clipped to the file's first and last day. Within a covered month a category
-- with no rows is covered with zero. Written only by the incident importer (api/coverage/record.ts).
CREATE TABLE coverage (
  batch_id       integer NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
  dataset        text NOT NULL,            -- source dataset label (police.uk street CSV, police.uk API, a mapping name, ingest feed ...)
  category       text NOT NULL,
  period_start   date NOT NULL,            -- inclusive
  period_end     date NOT NULL,            -- exclusive
  rows           integer NOT NULL CHECK (rows >= 0), -- rows of the category the file holds in the period (0 = covered with zero)
  published_for  text,                     -- the area the source was published for (police.uk "Falls within", or as stated)
  PRIMARY KEY (batch_id, category, period_start),
  CHECK (period_end > period_start)
);
CREATE INDEX coverage_category_period ON coverage (category, period_start);

-- Backfill from incidents already held (imports made before this migration), by the same rule.
INSERT INTO coverage (batch_id, dataset, category, period_start, period_end, rows)
WITH per_batch AS (
  -- each batch's dataset and its first and last day
  SELECT batch_id, min(dataset) AS dataset, min(occurred_at)::date AS first_day, (max(occurred_at)::date + 1) AS after_last
  FROM incidents GROUP BY batch_id
), months AS (
  -- months in which a batch has rows, and whether any of them is month-precision (covers the whole month)
  SELECT batch_id, date_trunc('month', occurred_at)::date AS month, bool_or(time_precision = 'month') AS whole
  FROM incidents GROUP BY 1, 2
), cats AS (
  SELECT DISTINCT batch_id, category FROM incidents
), counts AS (
  SELECT batch_id, category, date_trunc('month', occurred_at)::date AS month, count(*)::int AS n
  FROM incidents GROUP BY 1, 2, 3
)
SELECT m.batch_id, b.dataset, c.category,
       CASE WHEN m.whole THEN m.month ELSE greatest(m.month, b.first_day) END,
       CASE WHEN m.whole THEN (m.month + interval '1 month')::date ELSE least((m.month + interval '1 month')::date, b.after_last) END,
       COALESCE(n.n, 0)
FROM months m
JOIN per_batch b ON b.batch_id = m.batch_id
JOIN import_batches ib ON ib.id = m.batch_id
JOIN cats c ON c.batch_id = m.batch_id
LEFT JOIN counts n ON n.batch_id = m.batch_id AND n.category = c.category AND n.month = m.month;

-- 003: incidents no longer carry the two foreign keys (batch_id -> import_batches, category ->
-- categories). Checked per row, they were ~25% of the cost of writing an incident during an import
-- (docs/BENCHMARKS.md). The incident importer (api/imports/incidents.ts), the only writer of
-- incidents, checks both references once per file instead, in the import's transaction, and locks
-- the referenced rows FOR KEY SHARE as the foreign keys did. Nothing in the app deletes batches or
-- police.uk categories; custom categories are only ever added.
ALTER TABLE incidents DROP CONSTRAINT IF EXISTS incidents_batch_id_fkey;
ALTER TABLE incidents DROP CONSTRAINT IF EXISTS incidents_category_fkey;

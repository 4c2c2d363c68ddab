-- 017: record keys for the ONS cell key method (issue 15, geodata/disclosure/cell-key.ts). Every incident
-- holds a fixed random integer 0..255, drawn once when it is stored and never changed: a count a partner
-- receives is perturbed by the published table at (sum of its incidents' record keys mod 256, count), so
-- the same set of incidents always gets the same answer. The key is drawn from the strong random source
-- behind gen_random_uuid() (byte 0 of a version-4 UUID is fully random), never from the id, dedup key or
-- anything a partner could know. The importer's MOVE_SQL (api/imports/incidents.ts) sets it explicitly —
-- the one insert path, also used by the live ingest; the default covers any other writer.
ALTER TABLE incidents ADD COLUMN record_key smallint;
-- Backfill: one independent draw per existing row.
UPDATE incidents SET record_key = get_byte(uuid_send(gen_random_uuid()), 0);
ALTER TABLE incidents
  ALTER COLUMN record_key SET DEFAULT get_byte(uuid_send(gen_random_uuid()), 0),
  ALTER COLUMN record_key SET NOT NULL,
  ADD CONSTRAINT incidents_record_key_range CHECK (record_key BETWEEN 0 AND 255);

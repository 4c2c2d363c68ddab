-- 015: provenance for the attribution (issue 13). Where an imported file's data come from, as stated at
-- import (e.g. "ONS Open Geography Portal"), or inferred (ONS code fields); null when nobody said.
ALTER TABLE import_batches ADD COLUMN source text;

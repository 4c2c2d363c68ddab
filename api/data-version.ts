// The data version: a short string that changes whenever what the read routes answer may change, for
// caches and ETags. Minimal version (written by the tiles work; the fixed-cost work may extend it): the
// change feed's last position (every incident insert, imports and live ingest alike, migration 008) and
// the committed import batches (boundary, population and incident files alike: their number and the last
// commit time, so a reset that restarts batch ids still gives a new version).
import type { Queryable } from './db/index.js';

const VERSION_SQL = `
SELECT COALESCE((SELECT max(seq) FROM changes), 0)::text AS seq,
       (SELECT count(*) FROM import_batches WHERE status = 'committed')::text AS batches,
       COALESCE((SELECT (extract(epoch FROM max(finished_at)) * 1000)::bigint FROM import_batches WHERE status = 'committed'), 0)::text AS at`;

export async function dataVersion(db: Queryable): Promise<string> {
  const [r] = await db.query<{ seq: string; batches: string; at: string }>(VERSION_SQL);
  return `${r.seq}.${r.batches}.${r.at}`;
}

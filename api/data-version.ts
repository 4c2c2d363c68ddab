// The data version: a number that changes whenever a transaction that changes what aggregate answers read
// commits (migration 019: statement triggers on every table that feeds answers, bumped at commit). ETags
// (api/http-cache.ts) and tile caches key on it. Read it BEFORE reading the data it labels: an answer read
// after a commit may then carry the older version (a needless refetch later), never the reverse.
import type { Queryable } from './db/index.js';

/** The current data version, as a string (one primary-key read of a one-row table). */
export async function dataVersion(db: Queryable): Promise<string> {
  const rows = await db.query<{ version: string }>('SELECT version::text AS version FROM data_version WHERE one');
  const v = rows[0]?.version;
  if (v === undefined) throw new Error('data_version is empty: migration 019 has not run');
  return v;
}

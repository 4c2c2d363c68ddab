// The monthly partitions of `incidents` (migration 021): list them, make them ahead for a span of months,
// detach an old one. Used by `npm run partitions` (scripts/partitions.ts); the importer makes the months a
// file holds by itself (imports/incidents.ts ensureMonthPartitions).
import type { Queryable } from './index.js';

export interface PartitionInfo {
  name: string;
  /** First month held (YYYY-MM), null for the default partition. */
  month: string | null;
  rows: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Every month from `from` to `to` (YYYY-MM, inclusive) as first days; at most 600 months. */
export function monthSpan(from: string, to: string): string[] {
  const a = MONTH.exec(from);
  const b = MONTH.exec(to);
  if (!a || !b) throw new Error('months are YYYY-MM');
  let y = Number(a[1]);
  let m = Number(a[2]);
  const end = Number(b[1]) * 12 + Number(b[2]);
  if (end < y * 12 + m) throw new Error(`${to} is before ${from}`);
  if (end - (y * 12 + m) >= 600) throw new Error('at most 600 months at once');
  const out: string[] = [];
  while (y * 12 + m <= end) {
    out.push(`${y}-${String(m).padStart(2, '0')}-01`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

export async function listPartitions(db: Queryable): Promise<PartitionInfo[]> {
  // row counts from the statistics (reltuples: -1 = never analysed, shown as 0 rows) to stay cheap on big tables
  return db.query<PartitionInfo>(
    `SELECT c.relname AS name,
            CASE WHEN c.relname = 'incidents_default' THEN NULL ELSE replace(substr(c.relname, 11), '_', '-') END AS month,
            greatest(c.reltuples, 0)::bigint AS rows
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'incidents'::regclass ORDER BY c.relname`,
  );
}

/** Make the partitions of every month from `from` to `to` (YYYY-MM); returns how many were made. */
export async function ensurePartitions(db: Queryable, from: string, to: string): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT ensure_incident_partitions($1::date[]) AS n', [monthSpan(from, to)]);
  return r.n;
}

/** Detach a month's partition (YYYY-MM); returns the detached table's name, null when it had none. */
export async function detachPartition(db: Queryable, month: string): Promise<string | null> {
  if (!MONTH.test(month)) throw new Error('months are YYYY-MM');
  const [r] = await db.query<{ part: string | null }>('SELECT detach_incident_partition($1::date) AS part', [`${month}-01`]);
  return r.part;
}

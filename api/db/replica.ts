// Read replicas (issue 16, DATABASE_REPLICA_URL): the analytical reads of aggregate and hotspot requests go
// to a streaming replica of the server; everything else — writes, transactions, auth and sessions, audit,
// imports, LISTEN/NOTIFY of the live feed — stays on the primary. docs/SCALE-OUT.md "Read replicas".
//
// What goes to the replica: a plain `query` (not in a transaction) that is a pure read (SELECT/WITH with no
// data-modifying or locking word), made while handling a GET of an analytical route (`analyticalScope`,
// set by the app after authentication, so session and token look-ups never read the replica).
// No stale answer after a change: the primary's WAL position is noted after every transaction this process
// commits and at every `sp_changes` notification (any process's incidents); a read goes to the replica
// only once the replica has replayed up to it, else to the primary. A replica that cannot be reached or
// refuses a statement sends the read to the primary (and is not asked again for 5 s).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import * as aggregates from '../../contract/aggregates.js';
import * as hotspots from '../../contract/hotspots.js';
import { isDatabaseUnavailable, openDb, type Db, type Queryable } from './index.js';

const scope = new AsyncLocalStorage<boolean>();

/** Run `fn` with its plain reads allowed on the replica (the app wraps analytical GETs in it). */
export function analyticalScope<T>(fn: () => T): T {
  return scope.run(true, fn);
}

const READ = /^\s*(\(\s*)*(WITH|SELECT)\b/i;
const NOT_READ =
  /\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|DROP|ALTER|COPY|LOCK|NOTIFY|nextval|setval|pg_advisory\w*|FOR\s+(NO\s+KEY\s+)?UPDATE|FOR\s+(KEY\s+)?SHARE)\b/i;

/** True for a statement the replica may answer: a SELECT or WITH query that changes and locks nothing. */
export function isPureRead(sql: string): boolean {
  return READ.test(sql) && !NOT_READ.test(sql);
}

export interface ReplicaStats {
  /** Reads answered by the replica / sent to the primary because the replica was behind, down or refused. */
  replica: number;
  behind: number;
  down: number;
  refused: number;
}

export type ReplicatedDb = Db & { replicaStats(): ReplicaStats; replica: Db };

const RETRY_MS = 5000;

/**
 * The primary `Db` with analytical reads routed to the replica at `replicaUrl` (a hot standby of the same
 * server; it is never migrated: migrations run on the primary and replicate).
 */
export async function withReadReplica(primary: Db, replicaUrl: string): Promise<ReplicatedDb> {
  if (primary.driver !== 'postgres') throw new Error('DATABASE_REPLICA_URL needs DATABASE_URL (a PostgreSQL server)');
  const replica = await openDb({ databaseUrl: replicaUrl, readOnly: true });
  const stats: ReplicaStats = { replica: 0, behind: 0, down: 0, refused: 0 };
  /** The primary's WAL position the replica must have replayed before it may answer (text pg_lsn). */
  let needed: string | null = null;
  let caughtUp = true;
  let noting: Promise<void> = Promise.resolve();
  let downUntil = 0;

  const note = () => {
    noting = noting.then(async () => {
      const [r] = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      needed = r.lsn;
      caughtUp = false;
    });
    noting = noting.catch(() => undefined);
    return noting;
  };
  const unlisten = await primary.listen?.('sp_changes', () => void note());

  async function replicaReady(): Promise<boolean> {
    if (Date.now() < downUntil) return false;
    await noting;
    if (caughtUp || needed === null) return true;
    const [r] = await replica.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [needed]);
    if (r.ok) caughtUp = true;
    return r.ok;
  }

  const db = Object.create(primary) as ReplicatedDb;
  db.replica = replica;
  db.replicaStats = () => ({ ...stats });
  db.query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    if (!scope.getStore() || !isPureRead(sql)) return primary.query<T>(sql, params);
    try {
      if (await replicaReady()) {
        const rows = await replica.query<T>(sql, params);
        stats.replica++;
        return rows;
      }
      if (Date.now() < downUntil) stats.down++;
      else stats.behind++;
    } catch (e) {
      // unreachable, or "cannot execute ... in a read-only transaction" (25006) from a function that writes
      if (isDatabaseUnavailable(e)) {
        downUntil = Date.now() + RETRY_MS;
        stats.down++;
      } else if ((e as { code?: string }).code === '25006') stats.refused++;
      else throw e;
    }
    return primary.query<T>(sql, params);
  };
  db.transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    const out = await primary.transaction(fn);
    await note();
    return out;
  };
  db.close = async () => {
    await unlisten?.();
    await replica.close();
    await primary.close();
  };
  return db;
}

/** GET paths of the analytical routes (contract/aggregates.ts, contract/hotspots.ts), under /api. */
const ANALYTICAL = new Set(
  ([...Object.values(aggregates), ...Object.values(hotspots)] as unknown[])
    .filter((r): r is { method: string; path: string } => typeof r === 'object' && r !== null && 'method' in r && 'path' in r)
    .filter((r) => r.method === 'get')
    .map((r) => `/api${r.path}`),
);

/** Hono middleware: the analytical GETs run in `analyticalScope` (no effect without a replica). */
export function replicaReads(): MiddlewareHandler {
  return (c, next) => (c.req.method === 'GET' && ANALYTICAL.has(c.req.path) ? analyticalScope(next) : next());
}

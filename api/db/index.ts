// The one database module. Every SQL statement in the app goes through a `Db` (or a `Tx` inside
// `db.transaction`). Two drivers, one SQL dialect: PGlite + PostGIS (embedded, default) and
// node-postgres against a PostgreSQL + PostGIS server (when DATABASE_URL is set).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client as PgClient, Pool, PoolClient } from 'pg';

export type Driver = 'pglite' | 'postgres';
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Parameterised query: values only as $1..$n. */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations only). */
  exec(sql: string): Promise<void>;
  /**
   * COPY csv text into `table(columns)`. `table` and `columns` must be constants of the caller,
   * never user input (checked against a strict identifier pattern).
   */
  copyCsv(table: string, columns: string[], csv: string): Promise<void>;
}

export type Unlisten = () => Promise<void>;

export interface Db extends Queryable {
  readonly driver: Driver;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTEN on `channel` (a lower-case identifier): `handler` gets the payload of every NOTIFY on it
   * from any connection, when the notifying transaction commits. Resolves (once listening) to the
   * function that stops it. Server: one dedicated connection carries every listener of this Db and
   * reconnects by itself; notifications sent while it is down are lost, so listeners that must not
   * miss anything keep a sequence in a table and catch up from it. Every Db from `openDb` has it;
   * wrappers that do not forward it (the bench's instrumented Db) leave it out.
   */
  listen?(channel: string, handler: (payload: string) => void, opts?: { onResume?: () => void }): Promise<Unlisten>;
  /**
   * Server only: a shared advisory lock on (`namespace`, `key`) held by this Db's own session
   * connection (the LISTEN connection) until `release`, and taken again after a reconnect. Another
   * process tells a live owner from a gone one with `pg_try_advisory_xact_lock` (import batches:
   * `imports/batches.ts`). Counted: each hold needs one release. PGlite (one process) has none.
   */
  hold?(namespace: number, key: number): Promise<void>;
  release?(namespace: number, key: number): Promise<void>;
  /**
   * PGlite only: a consistent snapshot of the whole data directory (gzipped tar, PGlite's
   * `dumpDataDir`), taken after a CHECKPOINT while no other statement runs; an open transaction in it
   * is rolled back when the copy is opened, as after a crash. A server is backed up with pg_dump.
   */
  snapshot?(): Promise<Blob>;
  /**
   * PGlite in its worker thread only: null when the database is idle, else how long (ms) it has been
   * working on the oldest statement or transaction still open, and how many transactions are open. Lets
   * health answer "up, busy" instead of queueing behind an import's transaction.
   */
  busy?(): { ms: number; transactions: number } | null;
  close(): Promise<void>;
}

/**
 * The database cannot be reached (refused, stopped, restarting, connection lost). The API answers it
 * with 503 database_unavailable and Retry-After; the pool reconnects by itself.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable';
  constructor(public cause: unknown) {
    super(`The database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const LOST_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOENT',
]);
// SQLSTATE 57P01 admin_shutdown (also pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now.
const LOST_SQLSTATE = new Set(['57P01', '57P02', '57P03']);
const LOST_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|Client was closed|the database system is (starting up|shutting down|in recovery)|terminating connection due to administrator command/i;

/** True for errors that mean "no database connection", as opposed to an error of the statement. */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (e instanceof DatabaseUnavailableError) return true;
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (LOST_ERRNO.has(code) || LOST_SQLSTATE.has(code) || code.startsWith('08'))) return true;
  if (LOST_MESSAGE.test(e.message)) return true;
  // AggregateError from net.connect when every address of the host refuses.
  return e instanceof AggregateError && e.errors.some(isDatabaseUnavailable);
}

const unavailable = (e: unknown) =>
  isDatabaseUnavailable(e) && !(e instanceof DatabaseUnavailableError) ? new DatabaseUnavailableError(e) : e;

/** NOTIFY `channel` (delivered to listeners when the current transaction commits; at once outside one). */
export async function notify(q: Queryable, channel: string, payload: string): Promise<void> {
  if (!IDENT.test(channel)) throw new Error('notify: bad channel name');
  await q.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
export function copySql(table: string, columns: string[], source: string): string {
  if (!IDENT.test(table) || !columns.every((c) => IDENT.test(c))) throw new Error('copyCsv: bad identifier');
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

// int8 and numeric come back as JS numbers on both drivers (counts and sums fit in 2^53).
const INT8 = 20;
const NUMERIC = 1700;
const toNum = (v: string) => (v === null ? null : Number(v));

type Handler = (payload: string) => void;
function dispatch(handlers: Iterable<Handler>, payload: string) {
  for (const h of [...handlers]) {
    try {
      h(payload);
    } catch (e) {
      console.error('notification handler failed:', e);
    }
  }
}

/** A temporary relation's file (`t<backend>_<relfilenode>`, any fork or segment), as PostgreSQL names it. */
const TEMP_RELATION_FILE = /^t\d+_\d+(_(fsm|vm|init))?(\.\d+)?$/;

/**
 * What PostgreSQL's postmaster deletes at every start (RemovePgTempFiles) and PGlite, which has no postmaster,
 * never does: the spill files of sorts and hashes (`base/pgsql_tmp`) and the files of temporary tables
 * (`base/<db>/t<n>_<n>`), left by a process killed mid-statement (issue 15: an import killed while staging or
 * moving its rows left ~40 MB of staging table and ~80 MB of spill files per kill, and no VACUUM reaches them).
 * Call only before the data directory is opened (nothing can be using them then). Returns the bytes deleted.
 */
export function removeTempFiles(pgdata: string): number {
  const base = path.join(pgdata, 'base');
  let bytes = 0;
  const rm = (file: string) => {
    bytes += fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    fs.rmSync(file, { force: true });
  };
  let dirs: string[];
  try {
    dirs = fs.readdirSync(base);
  } catch {
    return 0; // a new data directory
  }
  for (const d of dirs) {
    const dir = path.join(base, d);
    if (d === 'pgsql_tmp') {
      for (const f of fs.readdirSync(dir)) rm(path.join(dir, f));
    } else if (/^\d+$/.test(d)) {
      for (const f of fs.readdirSync(dir)) if (TEMP_RELATION_FILE.test(f)) rm(path.join(dir, f));
    }
  }
  return bytes;
}

/**
 * Embedded only, at start after a killed import, nothing else running: deletes the files of relations that no
 * longer exist. A transaction that creates tables and is then killed (an import's new month partitions, made
 * inside its transaction on PGlite, and filled by the first pieces of the move) leaves their files behind with
 * the rows written so far; no VACUUM reaches them, and PostgreSQL leaves them too (measured: ~100 MB per kill
 * during the move of a 150,000-row file into new months, `test/faults-move.test.ts`). A CHECKPOINT first, so the
 * empty files PostgreSQL keeps for dropped relations until the next checkpoint are gone before the listing.
 * Files of a relation are kept when any relation of the database has that file node. Returns the bytes deleted.
 */
export async function removeOrphanRelationFiles(db: Db, pgdata: string): Promise<number> {
  if (db.driver !== 'pglite') return 0;
  await db.exec('CHECKPOINT');
  const [{ oid }] = await db.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()');
  const nodes = await db.query<{ node: string }>(
    'SELECT pg_relation_filenode(c.oid)::text AS node FROM pg_class c WHERE pg_relation_filenode(c.oid) IS NOT NULL',
  );
  const known = new Set(nodes.map((n) => n.node));
  const dir = path.join(pgdata, 'base', String(oid));
  let bytes = 0;
  for (const f of fs.readdirSync(dir)) {
    const m = /^(\d+)(?:_(?:fsm|vm|init))?(?:\.\d+)?$/.exec(f);
    if (!m || known.has(m[1])) continue;
    const file = path.join(dir, f);
    bytes += fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    fs.rmSync(file, { force: true });
  }
  return bytes;
}

function removeTempFilesBeforeOpen(dataDir: string | undefined) {
  if (!dataDir) return;
  const bytes = removeTempFiles(dataDir);
  if (bytes)
    console.log(`Removed ${(bytes / 1e6).toFixed(1)} MB of temporary files left by a process that stopped mid-statement.`);
}

async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  removeTempFilesBeforeOpen(dataDir);
  const pg = await PGlite.create({
    dataDir,
    loadDataDir,
    extensions: { postgis },
    parsers: { [INT8]: toNum, [NUMERIC]: toNum },
  });
  const wrap = (q: { query: typeof pg.query; exec: typeof pg.exec }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
    async copyCsv(table, columns, csv) {
      await q.query(copySql(table, columns, `'/dev/blob'`), [], { blob: new Blob([csv]) });
    },
  });
  const base = wrap(pg);
  return {
    driver: 'pglite',
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    // PGlite delivers NOTIFY in-process (it waits for a running transaction before it starts listening).
    async listen(channel, handler) {
      if (!IDENT.test(channel)) throw new Error('listen: bad channel name');
      const stop = await pg.listen(channel, (payload) => dispatch([handler], payload));
      return async () => {
        if (!pg.closed) await stop();
      };
    },
    async snapshot() {
      await pg.exec('CHECKPOINT');
      return pg.runExclusive(() => pg.dumpDataDir('gzip'));
    },
    close: () => pg.close(),
  };
}

/**
 * PGlite in a worker thread (`pglite-worker.mjs`): the same database, but its statements run off the app's
 * thread, so the event loop keeps serving (health, the change feed's heartbeats, static files) while an
 * import or a long query runs. Statements queue behind an open transaction exactly as in one thread
 * (PGlite's own mutex, in the worker). `busy()` says for how long the database has been working on the
 * oldest statement or transaction still open.
 */
async function openPgliteWorker(dataDir: string | undefined, loadDataDir?: Blob): Promise<Db> {
  const { Worker } = await import('node:worker_threads');
  removeTempFilesBeforeOpen(dataDir);
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
    workerData: { dataDir, loadDataDir: loadDataDir ? new Uint8Array(await loadDataDir.arrayBuffer()) : undefined },
    // A worker inherits the app's --import flags (tsx); it needs none of them.
    execArgv: [],
  });
  type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; at: number };
  const pending = new Map<number, Pending>();
  const open = new Map<number, number>(); // open transactions: id -> since (performance.now())
  const handlers = new Map<string, Set<Handler>>();
  let nextId = 1;
  let exited: Error | undefined;
  const toError = (e: Record<string, unknown>) => Object.assign(new Error(String(e.message)), e);
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: Record<string, unknown>) => {
      if ('ready' in m) return m.ready ? resolve() : reject(toError(m.error as Record<string, unknown>));
      if ('notify' in m) return dispatch(handlers.get(m.notify as string) ?? [], m.payload as string);
      const p = pending.get(m.id as number);
      if (!p) return;
      pending.delete(m.id as number);
      if (m.ok) p.resolve(m.value);
      else p.reject(toError(m.error as Record<string, unknown>));
    });
    worker.on('error', (e) => {
      exited ??= e;
      reject(e);
    });
    worker.on('exit', (code) => {
      exited ??= new Error(`the embedded database's thread ended (exit code ${code})`);
      reject(exited);
      for (const p of pending.values()) p.reject(new DatabaseUnavailableError(exited));
      pending.clear();
    });
  });
  await ready;
  const call = <T>(op: string, args: Record<string, unknown> = {}): Promise<T> => {
    if (exited) return Promise.reject(new DatabaseUnavailableError(exited));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, at: performance.now() });
      worker.postMessage({ id, op, ...args });
    });
  };
  const wrap = (tx?: number): Queryable => ({
    query: <T>(sql: string, params: unknown[] = []) => call<T[]>('query', { sql, params, tx }),
    exec: (sql: string) => call<void>('exec', { sql, tx }),
    copyCsv: (table, columns, csv) => call<void>('query', { sql: copySql(table, columns, `'/dev/blob'`), tx, blob: csv }),
  });
  let nextTx = 1;
  return {
    driver: 'pglite',
    ...wrap(),
    async transaction(fn) {
      const tx = nextTx++;
      await call('begin', { tx });
      open.set(tx, performance.now());
      try {
        let r: Awaited<ReturnType<typeof fn>>;
        try {
          r = await fn(wrap(tx));
        } catch (e) {
          await call('end', { tx, commit: false }).catch(() => undefined);
          throw e;
        }
        await call('end', { tx, commit: true });
        return r;
      } finally {
        open.delete(tx);
      }
    },
    async listen(channel, handler) {
      if (!IDENT.test(channel)) throw new Error('listen: bad channel name');
      let set = handlers.get(channel);
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(handler);
      await call('listen', { channel });
      return async () => {
        const s = handlers.get(channel);
        if (!s?.delete(handler) || s.size) return;
        handlers.delete(channel);
        if (!exited) await call('unlisten', { channel });
      };
    },
    async snapshot() {
      const bytes = await call<Uint8Array<ArrayBuffer>>('snapshot');
      return new Blob([bytes]);
    },
    busy() {
      const since = Math.min(...[...open.values()], ...[...pending.values()].map((p) => p.at));
      return Number.isFinite(since) && !exited ? { ms: Math.round(performance.now() - since), transactions: open.size } : null;
    },
    async close() {
      if (exited) return;
      await call('close').catch(() => undefined);
      await new Promise<void>((r) => (exited ? r() : worker.once('exit', () => r())));
    },
  };
}

/** How long a request waits for a connection before the pool gives up (then 503). */
const CONNECT_TIMEOUT_MS = 5000;

async function openPostgres(url: string): Promise<Db> {
  const pg = (await import('pg')).default;
  const { from: copyFrom } = await import('pg-copy-streams');
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === INT8 || oid === NUMERIC ? toNum : pg.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  // Idle clients that lose their connection are dropped by the pool, which then emits this; the next
  // query opens a new connection.
  pool.on('error', (e) => console.error('postgres pool: an idle connection was lost:', e.message));
  /**
   * A client checked out of the pool has no 'error' listener of the pool's: a connection lost between
   * two of its queries (an import parsing its next chunk) would emit an unhandled 'error' and end the
   * process. `guard` listens while it is checked out; `done` hands it back, destroyed if it broke.
   */
  const checkout = async () => {
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw unavailable(e);
    }
    let lost: Error | undefined;
    const guard = (e: Error) => {
      lost ??= e;
      console.error('postgres: a connection in use was lost:', e.message);
    };
    client.on('error', guard);
    return {
      client,
      done(err?: unknown) {
        client.off('error', guard);
        const broken = lost ?? (isDatabaseUnavailable(err) ? (err as Error) : undefined);
        client.release(broken);
      },
    };
  };
  const wrap = (c: Pool | PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      try {
        return (await c.query(sql, params)).rows as T[];
      } catch (e) {
        throw unavailable(e);
      }
    },
    async exec(sql: string) {
      try {
        await c.query(sql);
      } catch (e) {
        throw unavailable(e);
      }
    },
    async copyCsv(table, columns, csv) {
      const own = 'release' in c ? undefined : await checkout();
      const client = own?.client ?? (c as PoolClient);
      let failed: unknown;
      try {
        const stream = client.query(copyFrom(copySql(table, columns, 'STDIN')));
        await pipeline(Readable.from([csv]), stream);
      } catch (e) {
        failed = e;
        throw unavailable(e);
      } finally {
        own?.done(failed);
      }
    },
  });
  // Fail fast with a clear message when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const session = new PgSession(
    () => new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true }),
  );
  return {
    driver: 'postgres',
    ...wrap(pool),
    listen: (channel, handler, opts) => session.listen(channel, handler, opts?.onResume),
    hold: (ns, key) => session.hold(ns, key),
    release: (ns, key) => session.release(ns, key),
    async transaction(fn) {
      const { client, done } = await checkout();
      let failed: unknown;
      try {
        await client.query('BEGIN');
        const r = await fn(wrap(client));
        await client.query('COMMIT');
        return r;
      } catch (e) {
        failed = e;
        await client.query('ROLLBACK').catch(() => undefined);
        throw unavailable(e);
      } finally {
        done(failed);
      }
    },
    async close() {
      await session.close();
      await pool.end();
    },
  };
}

/** Reconnect delays of the session connection: 250 ms doubling to at most 4 s while the server is away. */
export const RECONNECT_MS = { first: 250, max: 4000 };

/**
 * The process's own session on the server, outside the pool (a pooled connection would be handed to
 * other queries): it carries every LISTEN of this Db and the advisory locks of `hold`. Opened on first
 * use; when it is lost it reconnects with backoff while anything is listened to or held, then
 * LISTENs again, takes the held locks again and calls each listener's `onResume` (notifications sent
 * while it was down are lost; listeners catch up from their table).
 */
class PgSession {
  private handlers = new Map<string, Set<Handler>>();
  private resumers = new Set<() => void>();
  private held = new Map<string, { ns: number; key: number; n: number }>();
  private client: PgClient | null = null;
  private ready: Promise<PgClient> | null = null;
  private closed = false;
  private delay = RECONNECT_MS.first;
  private retry: NodeJS.Timeout | null = null;
  private connectedOnce = false;

  constructor(private make: () => PgClient) {}

  private get wanted() {
    return this.handlers.size > 0 || this.held.size > 0;
  }

  async listen(channel: string, handler: Handler, onResume?: () => void): Promise<Unlisten> {
    if (!IDENT.test(channel)) throw new Error('listen: bad channel name');
    if (this.closed) throw new Error('listen: the database is closed');
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    if (onResume) this.resumers.add(onResume);
    try {
      const c = await this.connection();
      if (first) await c.query(`LISTEN ${channel}`);
    } catch (e) {
      await this.remove(channel, handler, onResume);
      throw unavailable(e);
    }
    return () => this.remove(channel, handler, onResume);
  }

  private async remove(channel: string, handler: Handler, onResume?: () => void) {
    if (onResume) this.resumers.delete(onResume);
    const set = this.handlers.get(channel);
    if (!set?.delete(handler) || set.size) return;
    this.handlers.delete(channel);
    if (this.client) await this.client.query(`UNLISTEN ${channel}`).catch(() => undefined);
  }

  async hold(ns: number, key: number): Promise<void> {
    if (this.closed) throw new Error('hold: the database is closed');
    const id = `${ns}:${key}`;
    const h = this.held.get(id);
    if (h) {
      h.n++;
      return;
    }
    this.held.set(id, { ns, key, n: 1 });
    try {
      const c = await this.connection();
      // Taken on connect when the connection was opened for it, else here.
      if (this.held.get(id)?.n && !(await this.isHeld(c, ns, key)))
        await c.query('SELECT pg_advisory_lock_shared($1, $2)', [ns, key]);
    } catch (e) {
      this.held.delete(id);
      throw unavailable(e);
    }
  }

  private async isHeld(c: PgClient, ns: number, key: number) {
    const r = await c.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2`,
      [ns, key],
    );
    return r.rowCount! > 0;
  }

  async release(ns: number, key: number): Promise<void> {
    const id = `${ns}:${key}`;
    const h = this.held.get(id);
    if (!h || --h.n > 0) return;
    this.held.delete(id);
    if (this.client) await this.client.query('SELECT pg_advisory_unlock_shared($1, $2)', [ns, key]).catch(() => undefined);
  }

  private connection(): Promise<PgClient> {
    if (this.ready) return this.ready;
    const c = this.make();
    this.client = c;
    c.on('notification', (m) => dispatch(this.handlers.get(m.channel) ?? [], m.payload ?? ''));
    c.on('error', (e) => {
      console.error('postgres session connection lost:', e.message);
      this.lost(c);
    });
    c.on('end', () => this.lost(c));
    const resumed = this.connectedOnce;
    this.ready = (async () => {
      await c.connect();
      for (const channel of this.handlers.keys()) await c.query(`LISTEN ${channel}`);
      for (const h of this.held.values()) await c.query('SELECT pg_advisory_lock_shared($1, $2)', [h.ns, h.key]);
      this.connectedOnce = true;
      this.delay = RECONNECT_MS.first;
      if (resumed) for (const fn of [...this.resumers]) dispatch([fn], '');
      return c;
    })();
    this.ready.catch(() => this.lost(c));
    return this.ready;
  }

  private lost(c: PgClient) {
    if (this.client !== c) return;
    this.client = null;
    this.ready = null;
    c.end().catch(() => undefined);
    if (this.closed || !this.wanted || this.retry) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, RECONNECT_MS.max);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed && !this.ready && this.wanted) this.connection().catch(() => undefined);
    }, wait);
    this.retry.unref();
  }

  async close() {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    this.ready = null;
    this.handlers.clear();
    this.held.clear();
    if (c) await c.end().catch(() => undefined);
  }
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; undefined = in memory. */
  dataDir?: string;
  /** PGlite: fill the (new, empty) data directory from a snapshot (`Db.snapshot`). */
  restoreFrom?: Blob;
  /** PGlite: run it in a worker thread (the app and the CLI do; tests open it in their own thread). */
  pgliteWorker?: boolean;
  /** Apply migrations up to this version only (tests of a migration's conversion of existing data). */
  migrateUntil?: number;
  /** A read-only server (a streaming replica, api/db/replica.ts): never migrated. */
  readOnly?: boolean;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  const db = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl)
    : opts.pgliteWorker
      ? await openPgliteWorker(opts.dataDir, opts.restoreFrom)
      : await openPglite(opts.dataDir, opts.restoreFrom);
  if (!opts.readOnly) await migrate(db, opts.migrateUntil);
  return db;
}

/**
 * The configured database: the server when DATABASE_URL is set (with its read replica when
 * DATABASE_REPLICA_URL is: api/db/replica.ts), else PGlite in DATA_DIR/pgdata.
 */
export async function openConfiguredDb(config: {
  DATABASE_URL?: string;
  DATABASE_REPLICA_URL?: string;
  dataDir: string;
}): Promise<Db> {
  if (config.DATABASE_URL && config.DATABASE_REPLICA_URL) {
    const { withReadReplica } = await import('./replica.js');
    return withReadReplica(await openDb({ databaseUrl: config.DATABASE_URL }), config.DATABASE_REPLICA_URL);
  }
  return openDb(
    config.DATABASE_URL
      ? { databaseUrl: config.DATABASE_URL }
      : { dataDir: path.join(config.dataDir, 'pgdata'), pgliteWorker: true },
  );
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Advisory lock key held (per transaction) while migrating, so that two processes starting together on
 *  one server database apply each migration once (the second waits, then sees it recorded). */
const MIGRATION_LOCK = 70000;

/** Apply numbered plain-SQL migrations (NNN_name.sql, up to `until` if given) not yet recorded, each in its own transaction. */
export async function migrate(db: Db, until = Number.POSITIVE_INFINITY): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const files = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const f of files) {
    const version = Number(f.slice(0, 3));
    if (done.has(version) || version > until) continue;
    const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8');
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      // Another process may have applied it while this one waited for the lock.
      if ((await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version])).length > 0) return false;
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, f]);
      return true;
    });
    if (ran) applied.push(f);
  }
  return applied;
}

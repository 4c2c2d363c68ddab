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
  listen?(channel: string, handler: (payload: string) => void): Promise<Unlisten>;
  close(): Promise<void>;
}

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

async function openPglite(dataDir: string | undefined): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({
    dataDir,
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
    close: () => pg.close(),
  };
}

async function openPostgres(url: string): Promise<Db> {
  const pg = (await import('pg')).default;
  const { from: copyFrom } = await import('pg-copy-streams');
  const { pipeline } = await import('node:stream/promises');
  const { Readable } = await import('node:stream');
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === INT8 || oid === NUMERIC ? toNum : pg.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new pg.Pool({ connectionString: url, max: 8, types });
  pool.on('error', (e) => console.error('postgres pool error:', e.message));
  const wrap = (c: Pool | PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      return (await c.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await c.query(sql);
    },
    async copyCsv(table, columns, csv) {
      const client = 'release' in c ? c : await (c as Pool).connect();
      try {
        const stream = client.query(copyFrom(copySql(table, columns, 'STDIN')));
        await pipeline(Readable.from([csv]), stream);
      } finally {
        if (client !== c) (client as PoolClient).release();
      }
    },
  });
  // Fail fast with a clear message when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const listener = new PgListener(() => new pg.Client({ connectionString: url }));
  return {
    driver: 'postgres',
    ...wrap(pool),
    listen: (channel, handler) => listener.listen(channel, handler),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const r = await fn(wrap(client));
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/**
 * LISTEN for node-postgres: one connection outside the pool (a pooled connection would be handed to
 * other queries), opened on the first listen, every channel re-LISTENed after a reconnect (retried
 * every second while anyone listens).
 */
class PgListener {
  private handlers = new Map<string, Set<Handler>>();
  private client: PgClient | null = null;
  private ready: Promise<PgClient> | null = null;
  private closed = false;

  constructor(private make: () => PgClient) {}

  async listen(channel: string, handler: Handler): Promise<Unlisten> {
    if (!IDENT.test(channel)) throw new Error('listen: bad channel name');
    if (this.closed) throw new Error('listen: the database is closed');
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    try {
      const c = await this.connection();
      if (first) await c.query(`LISTEN ${channel}`);
    } catch (e) {
      await this.remove(channel, handler);
      throw e;
    }
    return () => this.remove(channel, handler);
  }

  private async remove(channel: string, handler: Handler) {
    const set = this.handlers.get(channel);
    if (!set?.delete(handler) || set.size) return;
    this.handlers.delete(channel);
    if (this.client) await this.client.query(`UNLISTEN ${channel}`).catch(() => undefined);
  }

  private connection(): Promise<PgClient> {
    if (this.ready) return this.ready;
    const c = this.make();
    this.client = c;
    c.on('notification', (m) => dispatch(this.handlers.get(m.channel) ?? [], m.payload ?? ''));
    c.on('error', (e) => {
      console.error('postgres listener connection error:', e.message);
      this.lost(c);
    });
    c.on('end', () => this.lost(c));
    this.ready = (async () => {
      await c.connect();
      for (const channel of this.handlers.keys()) await c.query(`LISTEN ${channel}`);
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
    if (this.closed || !this.handlers.size) return;
    setTimeout(() => {
      if (!this.closed && !this.ready && this.handlers.size) this.connection().catch(() => undefined);
    }, 1000).unref();
  }

  async close() {
    this.closed = true;
    const c = this.client;
    this.client = null;
    this.ready = null;
    this.handlers.clear();
    if (c) await c.end().catch(() => undefined);
  }
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; undefined = in memory. */
  dataDir?: string;
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  const db = opts.databaseUrl ? await openPostgres(opts.databaseUrl) : await openPglite(opts.dataDir);
  await migrate(db);
  return db;
}

/** The configured database: the server when DATABASE_URL is set, else PGlite in DATA_DIR/pgdata. */
export function openConfiguredDb(config: { DATABASE_URL?: string; dataDir: string }): Promise<Db> {
  return openDb(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: path.join(config.dataDir, 'pgdata') });
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Advisory lock key held (per transaction) while migrating, so that two processes starting together on
 *  one server database apply each migration once (the second waits, then sees it recorded). */
const MIGRATION_LOCK = 70000;

/** Apply numbered plain-SQL migrations (NNN_name.sql) not yet recorded, each in its own transaction. */
export async function migrate(db: Db): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const f of files) {
    const version = Number(f.slice(0, 3));
    if (done.has(version)) continue;
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

// Faults (issue 15) against a real PostgreSQL cluster this test makes, stops and starts itself (never
// the shared one): the app, a real server process, answers 503 database_unavailable while the database
// is down, stays alive, reconnects by itself (pool and the LISTEN session); an import whose connection is
// killed fails with nothing kept; batches belong to a live process (advisory locks), so another process
// fails only batches whose owner is gone (a killed CLI import) and never a live one's.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../api/db/index.js';
import { createBatch, failAbandonedBatches, releaseBatch } from '../api/imports/batches.js';
import { policeCsv, until } from './helpers/faults.js';
import { createToken, createUser } from '../api/auth/store.js';
import { clusterUnavailable, makeCluster, type Cluster } from './helpers/cluster.js';
import { uniqueEmail } from './helpers/auth.js';

const why = clusterUnavailable();
if (why) console.log(`SKIPPED faults.test.ts: ${why}`);

// node itself with tsx's loader (not the tsx wrapper, which runs node as a child): a kill reaches the process.
const NODE_TSX = ['--import', 'tsx'];
const DB_NAME = 'sp';

// Waits are for events and states; the deadline only guards against a hang (a loaded machine is many times slower).
const WAIT_MS = 300_000;

describe.skipIf(why)('faults on a real PostgreSQL (server mode)', () => {
  let cluster: Cluster;
  let db: Db;
  let url: string;
  let server: ChildProcess;
  let serverLog = '';
  let base: string;
  let token: string;
  let tmp: string;
  let bigCsv: string;
  const alive = () => server.exitCode === null && server.signalCode === null;
  const api = (p: string, init: RequestInit = {}) =>
    fetch(base + p, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    cluster = await makeCluster();
    await cluster.psql(`CREATE DATABASE ${DB_NAME}`);
    url = cluster.url(DB_NAME);
    db = await openDb({ databaseUrl: url });
    const email = uniqueEmail('analyst');
    const user = await createUser(db, { email, role: 'analyst', password: 'correct horse battery staple', createdBy: 'test' });
    token = (await createToken(db, user.id, ['read', 'import', 'ingest'], 'faults', null)).token;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-faults-'));
    bigCsv = path.join(tmp, 'big.csv');
    policeCsv(bigCsv, 300_000);
    const port = cluster.port + 1;
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [...NODE_TSX, 'api/main.ts'], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: path.join(tmp, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (b) => (serverLog += b));
    server.stderr!.on('data', (b) => (serverLog += b));
    await until(
      'the app to serve',
      WAIT_MS,
      async () => ((await fetch(`${base}/api/health`)).status === 200 ? true : undefined),
      200,
    );
  });

  afterAll(async () => {
    if (server && alive()) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await db?.close().catch(() => undefined);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    cluster?.drop();
  });

  it('another process fails only batches whose owner is gone', async () => {
    const other = await openDb({ databaseUrl: url }); // a second app starting on the same database
    try {
      const mine = await createBatch(db, { kind: 'incidents_csv', fileName: 'queued.csv', createdBy: 'test', status: 'queued' });
      expect(await failAbandonedBatches(other)).not.toContain(mine);
      expect((await db.query<{ status: string }>('SELECT status FROM import_batches WHERE id = $1', [mine]))[0].status).toBe(
        'queued',
      );
      await releaseBatch(db, mine); // the owner lets go without finishing: now it is abandoned
      expect(await failAbandonedBatches(other)).toContain(mine);
    } finally {
      await other.close();
    }
  });

  it('a CLI import killed with kill -9 leaves no batch running: the sweep fails it, nothing kept', async () => {
    const cli = spawn(process.execPath, [...NODE_TSX, 'scripts/import.ts', bigCsv, '--json'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: 'ignore',
    });
    const { value: id } = await until('the CLI import to run', WAIT_MS, async () => {
      const [b] = await db.query<{ id: number; rows: boolean }>(
        `SELECT b.id, EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = $1 AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()) AS rows
           FROM import_batches b WHERE b.status = 'running' AND b.created_by LIKE 'cli:%'`,
        [DB_NAME],
      );
      return b?.rows ? b.id : undefined;
    });
    expect(await failAbandonedBatches(db)).not.toContain(id); // owned while the CLI lives
    cli.kill('SIGKILL');
    const { ms } = await until(
      'the sweep to fail the killed batch',
      WAIT_MS,
      async () => ((await failAbandonedBatches(db)).includes(id) ? true : undefined),
      100,
    );
    const [b] = await db.query<{ status: string; error: { code: string } }>(
      'SELECT status, error::jsonb AS error FROM import_batches WHERE id = $1',
      [id],
    );
    expect([b.status, b.error.code]).toEqual(['failed', 'abandoned']);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE batch_id = $1', [id]))[0].n).toBe(0);
    console.log(`killed CLI import ${id}: failed by the sweep ${ms} ms after the kill`);
  });

  it('an import whose connection is terminated mid-way fails with 0 rows kept; the app stays up', async () => {
    const res = await api('/api/imports?filename=big.csv', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: fs.createReadStream(bigCsv) as unknown as BodyInit,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };
    // Its transaction is the backend that has written something (the staging table).
    const { value: pids } = await until(
      'the import to be writing',
      WAIT_MS,
      async () => {
        const rows = await db.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()',
          [DB_NAME],
        );
        return rows.length ? rows.map((r) => r.pid) : undefined;
      },
      20,
    );
    await db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
    const { value: b } = await until(
      'the import to end',
      WAIT_MS,
      async () => {
        const r = await api(`/api/imports/${id}`);
        const body = (await r.json()) as { status: string; error: { code: string } | null };
        return body.status === 'failed' || body.status === 'committed' ? body : undefined;
      },
      100,
    );
    expect([b.status, b.error?.code]).toEqual(['failed', 'database_unavailable']);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE batch_id = $1', [id]))[0].n).toBe(0);
    expect(alive()).toBe(true);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });

  it('answers 503 database_unavailable while PostgreSQL is stopped, stays alive, and recovers by itself (pool and LISTEN)', async () => {
    // An open change feed: its LISTEN must come back after the outage.
    const live = await api('/api/live');
    expect(live.status).toBe(200);
    const reader = live.body!.getReader();
    let feed = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        feed += new TextDecoder().decode(value);
      }
    })();
    await until('the feed to be ready', WAIT_MS, async () => (feed.includes('event: ready') ? true : undefined));
    await db.close(); // the test's own pool would only log errors during the outage

    await cluster.stop();
    const down = await until(
      '503 from /api/health',
      WAIT_MS,
      async () => {
        const r = await fetch(`${base}/api/health`);
        return r.status === 503 ? r : undefined;
      },
      20,
    );
    expect(await down.value.json()).toEqual({ error: { code: 'database_unavailable', message: expect.any(String) } });
    expect(Number(down.value.headers.get('retry-after'))).toBeGreaterThan(0);
    for (const p of ['/api/health', '/api/categories', '/api/imports', '/api/stats/areas?level=ward']) {
      for (let i = 0; i < 5; i++) {
        const r = await api(p);
        expect([p, r.status, ((await r.json()) as { error?: { code: string } }).error?.code]).toEqual([
          p,
          503,
          'database_unavailable',
        ]);
      }
    }
    expect(alive()).toBe(true);

    await cluster.start();
    const up = await until(
      '200 from /api/health again',
      WAIT_MS,
      async () => ((await fetch(`${base}/api/health`)).status === 200 ? true : undefined),
      50,
    );
    expect((await api('/api/categories')).status).toBe(200);
    expect(alive()).toBe(true);
    db = await openDb({ databaseUrl: url });

    // The hub listens again: a new incident reaches the feed that stayed open (well before its 15 s poll).
    const before = feed.length;
    const ingest = await api('/api/incidents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        incidents: [{ id: 'after-outage-1', category: 'burglary', occurred_at: '2024-05', lon: -0.02, lat: 51.45 }],
      }),
    });
    expect(ingest.status).toBe(200);
    const { ms: feedMs } = await until('the change on the feed', WAIT_MS, async () =>
      feed.slice(before).includes('event: incidents') ? true : undefined,
    );
    await reader.cancel();
    await reading;
    console.log(
      `outage: 503 ${down.ms} ms after PostgreSQL stopped; 200 again ${up.ms} ms after it started; feed event ${feedMs} ms after the ingest`,
    );
  });
});

// The embedded database in its worker thread (api/db/pglite-worker.mjs), as the app and the CLI open it:
// the same answers as PGlite in the test's own thread (rows, PostgreSQL errors with their codes, COPY,
// transactions that commit or roll back, NOTIFY), and health answering while an import runs (issue 16: a
// 1M-row import froze the embedded app; /api/health sent 15 s into it was answered 481 s later). No timing
// assertions: health must answer before the import ends, shown by the order of events.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { openDb, type Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { policeCsv } from './helpers/faults.js';
import { SHARED } from './helpers/db.js';

const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const ROWS = 120_000;

describe('PGlite in a worker thread', () => {
  let db: Db;
  let inThread: Db;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-worker-'));
  beforeAll(async () => {
    db = await openDb({ pgliteWorker: true });
    inThread = await openDb({});
  }, 600_000);
  afterAll(async () => {
    await db?.close();
    await inThread?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers as PGlite in this thread does: rows, errors with SQLSTATE, COPY, commit and rollback, NOTIFY', async () => {
    const sql = `SELECT 2::int8 AS n, 1.5::numeric AS x, '2024-03-01 00:00'::timestamp AS t, ST_AsText(ST_MakePoint(1, 2)) AS g,
                 ARRAY[1, 2] AS a, '{"k": 1}'::jsonb AS j`;
    expect(await db.query(sql)).toEqual(await inThread.query(sql));
    for (const d of [db, inThread]) {
      await expect(d.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012', message: 'division by zero' });
    }
    await db.exec('CREATE TABLE worker_t (a int PRIMARY KEY, b text)');
    await db.transaction(async (tx) => {
      await tx.copyCsv('worker_t', ['a', 'b'], '1,"one, quoted"\n2,two\n');
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO worker_t VALUES (3, 'three')`);
        await tx.query(`INSERT INTO worker_t VALUES (1, 'again')`);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO worker_t VALUES (4, 'four')`);
        throw new Error('the caller gives up');
      }),
    ).rejects.toThrow('the caller gives up');
    expect(await db.query('SELECT a, b FROM worker_t ORDER BY a')).toEqual([
      { a: 1, b: 'one, quoted' },
      { a: 2, b: 'two' },
    ]);
    const got: string[] = [];
    const stop = await db.listen!('worker_test', (p) => got.push(p));
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_notify('worker_test', 'inside')`);
      expect(got).toEqual([]); // delivered at commit
    });
    await db.query(`SELECT pg_notify('worker_test', 'outside')`);
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['inside', 'outside']);
    await stop();
    expect(db.busy!()).toBeNull();
  });

  it('health answers while an import holds the database, before the import ends', async () => {
    const w = await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' });
    expect(w.status).toBe('committed');
    const csv = path.join(dir, 'big.csv');
    policeCsv(csv, ROWS, 'worker');
    const app = createApp({ db, config: { dataDir: dir, MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined } });
    // No health request before the import: the app asks the version when it is made (the CLI's first health
    // request may come when the import already holds the database).
    const [{ v: postgis }] = await db.query<{ v: string }>('SELECT postgis_lib_version() AS v');

    const events: string[] = [];
    let assigning!: () => void;
    const inMove = new Promise<void>((r) => (assigning = r));
    const run = importFile(db, csv, {
      onProgress: (p) => {
        if (p.phase === 'assigning') assigning();
      },
    }).then((s) => {
      events.push('import ended');
      return s;
    });
    // The rows are read; the import's one transaction is now moving them into incidents.
    await inMove;
    const res = await app.request('/api/health');
    const body = await res.json();
    events.push(`health ${res.status}`);
    const s = await run;
    expect(s.status).toBe('committed');
    expect(s.imported).toBe(ROWS);
    expect(events).toEqual(['health 200', 'import ended']);
    expect(body.ok).toBe(true);
    expect(body.database.postgis).toBe(postgis);
    expect(body.database.busy).toMatchObject({ transactions: 1 });
    expect(body.database.busy.ms).toBeGreaterThan(0);
    // Idle again: health asks the database itself.
    const after = await (await app.request('/api/health')).json();
    expect(after.database.busy).toBeUndefined();
  }, 900_000);
});

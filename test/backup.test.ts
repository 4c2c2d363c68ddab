// Backup and restore (issue 15), each driver: a backup restored into a fresh place answers the same
// counts. Embedded: the snapshot is taken by the process holding the database (the running app's local
// endpoint, as `npm run backup` uses it). Server: `npm run backup` / `npm run restore` (pg_dump -Fc /
// pg_restore) on a throwaway cluster the test makes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { LOCAL_HEADER } from '../api/auth/admin.js';
import { restoreSnapshot } from '../api/backup.js';
import { openDb, type Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { clusterUnavailable, makeCluster, type Cluster } from './helpers/cluster.js';
import { SHARED } from './helpers/db.js';

const run = promisify(execFile);
const FILE = `${SHARED}2025-02-city-of-london-street.csv`;
const hasData = fs.existsSync(FILE);

async function counts(db: Db) {
  const [r] = await db.query<Record<string, number>>(`SELECT
    (SELECT count(*)::int FROM incidents) AS incidents,
    (SELECT count(*)::int FROM import_batches) AS batches,
    (SELECT count(DISTINCT category)::int FROM incidents) AS categories,
    (SELECT coalesce(sum(h3_9 % 1000), 0)::int FROM incidents) AS cells,
    (SELECT count(*)::int FROM schema_migrations) AS migrations`);
  return r;
}

describe.skipIf(!hasData)('backup and restore: embedded (PGlite)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-backup-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a snapshot taken through the running app restores into a new data directory with the same counts', async () => {
    const db = await openDb({ dataDir: path.join(tmp, 'a', 'pgdata') });
    let before: Record<string, number>;
    const snap = path.join(tmp, 'snapshot.tar.gz');
    try {
      expect((await importFile(db, FILE)).status).toBe('committed');
      before = await counts(db);
      expect(before.incidents).toBeGreaterThan(100);
      const app = createApp({
        db,
        config: { dataDir: path.join(tmp, 'a'), MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined },
        localSecret: 'backup-test-secret',
      });
      expect((await app.request('/api/local/backup')).status).toBe(403);
      const res = await app.request('/api/local/backup', { headers: { [LOCAL_HEADER]: 'backup-test-secret' } });
      expect(res.status).toBe(200);
      fs.writeFileSync(snap, Buffer.from(await res.arrayBuffer()));
      expect(fs.statSync(snap).size).toBeGreaterThan(1000);
      // The app keeps working after the snapshot.
      expect((await app.request('/api/health')).status).toBe(200);
    } finally {
      await db.close();
    }
    const target = path.join(tmp, 'b', 'pgdata');
    await restoreSnapshot(snap, target);
    await expect(restoreSnapshot(snap, target)).rejects.toThrow(/not empty/);
    const restored = await openDb({ dataDir: target });
    try {
      expect(await counts(restored)).toEqual(before);
    } finally {
      await restored.close();
    }
  });
});

const why = clusterUnavailable();
describe.skipIf(!hasData || why !== null)('backup and restore: server (pg_dump / pg_restore)', () => {
  let cluster: Cluster;
  let tmp: string;
  beforeAll(async () => {
    cluster = await makeCluster();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-backup-'));
  });
  afterAll(() => {
    cluster?.drop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cli = (mode: 'backup' | 'restore', file: string, db: string) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', mode, file], {
      env: { ...process.env, DATABASE_URL: cluster.url(db) },
    });

  it('npm run backup / restore into a new database gives the same counts', async () => {
    await cluster.psql('CREATE DATABASE source');
    const db = await openDb({ databaseUrl: cluster.url('source') });
    let before: Record<string, number>;
    try {
      expect((await importFile(db, FILE)).status).toBe('committed');
      before = await counts(db);
    } finally {
      await db.close();
    }
    const dump = path.join(tmp, 'source.dump');
    await cli('backup', dump, 'source');
    expect(fs.readFileSync(dump).subarray(0, 5).toString()).toBe('PGDMP'); // custom format
    await cluster.psql('CREATE DATABASE copy');
    await cli('restore', dump, 'copy');
    const copy = await openDb({ databaseUrl: cluster.url('copy') });
    try {
      expect(await counts(copy)).toEqual(before);
    } finally {
      await copy.close();
    }
  });
});
if (why) console.log(`SKIPPED the server part of backup.test.ts: ${why}`);

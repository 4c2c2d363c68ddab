// Read replicas (issue 16, DATABASE_REPLICA_URL) against a REAL streaming replica made here: a PostgreSQL 15
// primary cluster and a hot standby of it (pg_basebackup -R, streaming), both thrown away at the end.
// Analytical GETs are answered by the replica once it has replayed the latest change; while its replay is
// paused they come from the primary (never a stale answer); writes, sign-in, audit and the live feed stay on
// the primary; a stopped replica sends reads to the primary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../api/config.js';
import { openConfiguredDb } from '../api/db/index.js';
import { isPureRead, type ReplicatedDb } from '../api/db/replica.js';
import { importFile } from '../api/imports/index.js';
import { getJson, signedInApp, type Client } from './helpers/auth.js';
import { clusterUnavailable, makeCluster, type Cluster } from './helpers/cluster.js';
import { SHARED } from './helpers/db.js';
import { until } from './helpers/faults.js';

const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const BURGLARY = path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv');
const HACKNEY = path.join(SHARED, 'hackney_burglary_street_2022-03_2025-02.csv');
const why = clusterUnavailable() ?? (fs.existsSync(SHARED) ? null : 'no shared data');

describe('isPureRead', () => {
  it('lets only reads that change and lock nothing go to the replica', () => {
    expect(isPureRead('SELECT count(*) FROM incidents')).toBe(true);
    expect(isPureRead('  WITH a AS (SELECT 1) SELECT * FROM a')).toBe(true);
    expect(isPureRead('(SELECT 1) UNION (SELECT 2)')).toBe(true);
    expect(isPureRead('WITH a AS (DELETE FROM x RETURNING *) SELECT * FROM a')).toBe(false);
    expect(isPureRead('SELECT * FROM sessions FOR UPDATE')).toBe(false);
    expect(isPureRead('SELECT pg_advisory_xact_lock(1)')).toBe(false);
    expect(isPureRead("SELECT nextval('s')")).toBe(false);
    expect(isPureRead('INSERT INTO audit_log VALUES (1)')).toBe(false);
    expect(isPureRead('UPDATE sessions SET last_seen_at = now()')).toBe(false);
  });
});

describe.skipIf(why)('a real streaming replica (DATABASE_REPLICA_URL)', () => {
  let primary: Cluster;
  let replica: Cluster;
  let db: ReplicatedDb;
  let client: Client;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-replica-'));
  const total = async () => (await getJson(client, '/api/summary')).body.incidents as number;
  const onReplica = async () => Number((await replica.psql('SELECT count(*) FROM incidents', 'sp')).trim());

  beforeAll(async () => {
    primary = await makeCluster();
    await primary.psql('CREATE DATABASE sp');
    replica = await makeCluster({ replicaOf: primary });
    const config = parseConfig({ DATA_DIR: tmp, DATABASE_URL: primary.url('sp'), DATABASE_REPLICA_URL: replica.url('sp') });
    db = (await openConfiguredDb(config)) as ReplicatedDb;
    expect(db.replicaStats).toBeTypeOf('function');
    expect((await db.replica.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(true);
    expect(await importFile(db, WARDS)).toMatchObject({ status: 'committed' });
    expect(await importFile(db, BURGLARY)).toMatchObject({ status: 'committed' });
    client = await signedInApp(db, config);
  }, 300_000);

  afterAll(async () => {
    await db?.close();
    replica?.drop();
    primary?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers analytical GETs from the replica, with the primary’s numbers', async () => {
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    await until('the replica to hold the import', 60_000, async () => ({ value: (await onReplica()) === n ? true : undefined }));
    const before = db.replicaStats();
    expect(await total()).toBe(n);
    const hot = await getJson(client, '/api/hotspots?res=8&from=2022-03&to=2025-03');
    expect(hot.status).toBe(200);
    const after = db.replicaStats();
    expect(after.replica).toBeGreaterThan(before.replica + 2);
    // the replica really holds the data the answer came from
    expect(await onReplica()).toBe(n);
  });

  it('never answers from a replica behind the latest change: paused replay → the primary answers', async () => {
    await replica.psql('SELECT pg_wal_replay_pause()', 'sp');
    const old = await onReplica();
    const s = await importFile(db, HACKNEY);
    expect(s.status).toBe('committed');
    // the replica has not replayed the import: answering from it would be stale
    expect(await onReplica()).toBe(old);
    const before = db.replicaStats();
    expect(await total()).toBe(old + s.imported);
    expect(db.replicaStats().behind).toBeGreaterThan(before.behind);
    expect(db.replicaStats().replica).toBe(before.replica);
    // resumed, it catches up and answers again
    await replica.psql('SELECT pg_wal_replay_resume()', 'sp');
    await until('the replica to replay the import', 60_000, async () => ({
      value: (await onReplica()) === old + s.imported ? true : undefined,
    }));
    const again = db.replicaStats();
    // (the summary may now come from the answers kept under the same data version: api/http-cache.ts)
    expect(await total()).toBe(old + s.imported);
    // a read not asked before is computed, from the replica again
    expect((await getJson(client, '/api/categories')).status).toBe(200);
    expect(db.replicaStats().replica).toBeGreaterThan(again.replica);
  });

  it('writes, audit and the live feed stay on the primary', async () => {
    // record-level read (analytical GET) writes its audit row: on the primary, not refused by the replica
    const audited = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0].n;
    const before = await audited();
    const res = await client.request('/api/incidents?limit=5&from=2022-03&to=2022-04');
    expect(res.status).toBe(200);
    expect(await audited()).toBe(before + 1);
    // NOTIFY of a new import reaches the listener on the primary
    const got: string[] = [];
    const stop = await db.listen!('sp_changes', (p) => got.push(p));
    const lines = fs.readFileSync(BURGLARY, 'utf8').trimEnd().split('\n');
    const f = path.join(tmp, 'one.csv');
    fs.writeFileSync(f, [lines[0], lines[1].replace(/^[0-9a-f]{8}/, 'feedf00d')].join('\n') + '\n');
    expect((await importFile(db, f)).imported).toBe(1);
    await until('the change notification', 30_000, async () => ({ value: got.length > 0 ? true : undefined }));
    await stop();
    expect(JSON.parse(got[0]).count).toBe(1);
    // the replica refuses writes (it is a real hot standby)
    await expect(db.replica.query('INSERT INTO settings (key, value) VALUES ($1, $2)', ['x', '"y"'])).rejects.toThrow(
      /read-only/,
    );
  });

  it('a stopped replica sends reads to the primary', async () => {
    await replica.stop();
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    const before = db.replicaStats();
    expect(await total()).toBe(n);
    expect(db.replicaStats().down).toBeGreaterThan(before.down);
  }, 60_000);
});

// Fixed costs per request (issue 16): the data version (migration 019, api/data-version.ts), ETags and 304s
// on aggregate GETs, compression, throttled last-seen writes. Real Lewisham files through the real importer;
// both drivers.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { Db } from '../api/db/index.js';
import { type Client, clientFor } from './helpers/auth.js';
import { createToken, SESSION_IDLE_MINUTES, TOUCH_SECONDS } from '../api/auth/store.js';
import { dataVersion } from '../api/data-version.js';
import { sha256 } from '../api/auth/secrets.js';
import { h3Units } from '../api/hotspots/units.js';
import { incidents } from '../api/aggregates/handlers.js';
import { importFile, type ImportOptions } from '../api/imports/index.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_wards_2022.geojson'));

async function imp(db: Db, file: string, opts: ImportOptions) {
  const r = await importFile(db, path.join(SHARED, file), opts);
  if (r.status !== 'committed') throw new Error(`import of ${file} failed: ${r.error?.message}`);
  return r;
}

describe.skipIf(!hasData).each(drivers())('data version (%s)', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
  });

  it('changes when an import commits, once per transaction, and not on a rollback', async () => {
    const v0 = await dataVersion(db);
    expect(v0).toMatch(/^\d+$/);
    expect(await dataVersion(db)).toBe(v0); // reading does not move it
    await imp(db, 'lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
    const v1 = await dataVersion(db);
    expect(v1).not.toBe(v0);

    // Several statements on several tables in one transaction: one bump, seen only after commit.
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE areas SET name = name WHERE level = 'ward'`);
      await tx.query(`UPDATE settings SET value = value WHERE key = 'partner_min_count'`);
      await tx.query(`UPDATE areas SET name = name WHERE level = 'ward'`);
    });
    const v2 = await dataVersion(db);
    expect(BigInt(v2) - BigInt(v1)).toBe(1n);
    expect(await db.query('SELECT * FROM data_version_pending')).toEqual([]);

    await expect(
      db.transaction(async (tx) => {
        await tx.query(`DELETE FROM areas WHERE level = 'ward'`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await dataVersion(db)).toBe(v2);
    expect(
      Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = 'ward'`))[0].n),
    ).toBeGreaterThan(0);
  });

  it('moves with incidents (insert, delete) but not with sessions or tokens', async () => {
    const v0 = await dataVersion(db);
    await imp(db, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv', {});
    const v1 = await dataVersion(db);
    expect(v1).not.toBe(v0);
    await db.query(`UPDATE sessions SET last_seen_at = now()`);
    await db.query(`UPDATE api_tokens SET last_used_at = now()`);
    expect(await dataVersion(db)).toBe(v1);
    await db.query(`DELETE FROM incidents WHERE id IN (SELECT id FROM incidents LIMIT 1)`);
    expect(await dataVersion(db)).not.toBe(v1);
  });

  it.runIf(driver === 'postgres')('is not seen to move before the writing transaction commits (server)', async () => {
    const v0 = await dataVersion(db);
    let inside = '';
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE areas SET name = name WHERE level = 'ward'`);
      inside = await dataVersion(db); // another connection of the pool
    });
    expect(inside).toBe(v0);
    expect(await dataVersion(db)).not.toBe(v0);
  });
});

const config = { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined };
const WARDS = '/api/stats/areas?level=ward&from=2017-01-01&to=2018-01-01';

describe.skipIf(!hasData).each(drivers())('ETags, 304s and compression on aggregate GETs (%s)', (driver) => {
  let db: Db;
  let analyst: Client;
  let analyst2: Client;
  let partner: Client;
  let plain: Client; // the same analyst through an app that keeps no answers in memory
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await imp(db, 'lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' });
    await imp(db, 'lewisham_violence_robbery_street_api_2016-01_2018-06.csv', {});
    const app = createApp({ db, config });
    analyst = await clientFor(app, db, 'analyst');
    analyst2 = await clientFor(app, db, 'analyst');
    partner = await clientFor(app, db, 'partner');
    plain = await clientFor(createApp({ db, config, httpCacheBytes: 0 }), db, 'analyst', { email: `x${analyst.email}` });
  });

  it('tags an answer by data version, asker and URL; If-None-Match answers 304; a data change answers anew', async () => {
    const a = await analyst.request(WARDS);
    expect(a.status).toBe(200);
    const etag = a.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[\w-]{20,}"$/);
    expect(a.headers.get('cache-control')).toBe('private, no-cache');
    const body = await a.json();
    // Query order does not matter; the same answer from memory is the same as a fresh computation.
    const b = await analyst.request('/api/stats/areas?to=2018-01-01&from=2017-01-01&level=ward');
    expect(b.headers.get('etag')).toBe(etag);
    expect(await b.json()).toEqual(body);
    expect(await (await plain.request(WARDS)).json()).toEqual(body);

    const nm = await analyst.request(WARDS, { headers: { 'if-none-match': etag } });
    expect(nm.status).toBe(304);
    expect(await nm.text()).toBe('');
    expect(nm.headers.get('etag')).toBe(etag);
    // Another URL does not match that tag.
    expect((await analyst.request('/api/stats/areas?level=ward', { headers: { 'if-none-match': etag } })).status).toBe(200);

    // Remove one ward's incidents: the same tag no longer matches and the new answer shows the change.
    const ward = body.areas.find((r: { count: number | null }) => (r.count ?? 0) > 0);
    await db.query(
      `DELETE FROM incidents i USING areas a WHERE a.level = 'ward' AND a.code = $1 AND ST_Intersects(a.geom, i.geom)`,
      [ward.code],
    );
    const c = await analyst.request(WARDS, { headers: { 'if-none-match': etag } });
    expect(c.status).toBe(200);
    expect(c.headers.get('etag')).not.toBe(etag);
    const after = await c.json();
    expect(after.areas.find((r: { code: string }) => r.code === ward.code).count ?? 0).toBe(0);
    expect(after).toEqual(await (await plain.request(WARDS)).json());
  });

  it('never serves one user or role the tag or the kept answer of another', async () => {
    const a = await analyst.request('/api/summary');
    const p1 = await partner.request('/api/summary', { headers: { 'if-none-match': a.headers.get('etag')! } });
    expect(p1.status).toBe(200);
    expect(p1.headers.get('etag')).not.toBe(a.headers.get('etag'));
    const pBody = await p1.json();
    expect(pBody).not.toEqual(await a.json()); // the partner's answer is disclosure-controlled
    const a2 = await analyst2.request('/api/summary', { headers: { 'if-none-match': a.headers.get('etag')! } });
    expect(a2.status).toBe(200);
    expect(a2.headers.get('etag')).not.toBe(a.headers.get('etag'));
    // The analyst asking after the partner gets the analyst's answer, the partner the partner's.
    expect(await (await analyst.request('/api/summary')).json()).not.toEqual(pBody);
    expect(await (await partner.request('/api/summary')).json()).toEqual(pBody);
  });

  it('an incidents page counts its matches only when truncated, and no further than the cap', async () => {
    const win = { from: '2017-01-01', to: '2018-01-01' };
    const all = await incidents(db, { ...win, limit: 50_000 });
    expect(all.truncated).toBe(false);
    expect(all.total).toBe(all.features.length);
    expect(all.total).toBeGreaterThan(1000);
    const page = await incidents(db, { ...win, limit: 5 });
    expect(page.features.map((f) => f.id)).toEqual(all.features.slice(0, 5).map((f) => f.id));
    expect(page).toMatchObject({ truncated: true, total: all.total });
    const capped = await incidents(db, { ...win, limit: 5, totalCap: 1000 });
    expect(capped).toMatchObject({ truncated: true, total: null, total_cap: 1000 });
    const exact = await incidents(db, { ...win, limit: 5, totalCap: all.total! });
    expect(exact.total).toBe(all.total);
    // Through the API: the columns carry the same total and cap.
    const body = await (await analyst.request('/api/incidents?limit=5&from=2017-01-01&to=2018-01-01')).json();
    expect(body).toMatchObject({ truncated: true, total: all.total, total_cap: 100_000 });
  });

  it('50 concurrent first requests for the H3 units build them once', async () => {
    // Touch the ward set so that no earlier build is reused: the units are keyed by the set's updated_at.
    await db.query(`UPDATE area_sets SET updated_at = now() WHERE level = 'ward'`);
    const all = await Promise.all(Array.from({ length: 50 }, () => h3Units(db, 8)));
    expect(all[0].ids.length).toBeGreaterThan(50); // Lewisham at res 8: 78 cells
    expect(new Set(all).size).toBe(1); // every build makes a new object: one object is one build
  });

  it('compresses JSON with br or gzip as accepted, to the same bytes', async () => {
    const identity = Buffer.from(await (await analyst.request(WARDS)).arrayBuffer());
    expect(identity.length).toBeGreaterThan(1024);
    const br = await analyst.request(WARDS, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(brBytes.length).toBeLessThan(identity.length / 3);
    expect(zlib.brotliDecompressSync(brBytes)).toEqual(identity);
    const gz = await analyst.request(WARDS, { headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await promisify(zlib.gunzip)(Buffer.from(await gz.arrayBuffer()))).toEqual(identity);
    // A route outside the cache (record-level, not tagged) is compressed too.
    const inc = await analyst.request('/api/incidents?limit=200', { headers: { 'accept-encoding': 'gzip' } });
    expect(inc.status).toBe(200);
    expect(inc.headers.get('etag')).toBeNull();
    expect(inc.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(Buffer.from(await inc.arrayBuffer())).toString()).format).toBe('columns');
  });
});

describe.each(drivers())('last-seen and last-used writes, throttled (%s)', (driver) => {
  let db: Db;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await testDb(driver);
    app = createApp({ db, config });
    // Count every row written to sessions and api_tokens (dropped at the end of the file's run by the next setup).
    await db.exec(`CREATE TABLE IF NOT EXISTS test_touch_writes (tbl text NOT NULL);
      CREATE OR REPLACE FUNCTION test_touch_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO test_touch_writes VALUES (TG_TABLE_NAME); RETURN NULL; END $$;
      DROP TRIGGER IF EXISTS test_touch_count ON sessions;
      DROP TRIGGER IF EXISTS test_touch_count ON api_tokens;
      CREATE TRIGGER test_touch_count AFTER UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION test_touch_count();
      CREATE TRIGGER test_touch_count AFTER UPDATE ON api_tokens FOR EACH ROW EXECUTE FUNCTION test_touch_count();`);
    return async () => {
      await db.exec(`DROP TRIGGER test_touch_count ON sessions; DROP TRIGGER test_touch_count ON api_tokens;
        DROP FUNCTION test_touch_count(); DROP TABLE test_touch_writes;`);
    };
  });
  const writes = async (tbl: string) =>
    Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM test_touch_writes WHERE tbl = $1', [tbl]))[0].n);
  const burst = (f: () => Response | Promise<Response>) => Promise.all(Array.from({ length: 20 }, f));

  it('a burst of session GETs writes last_seen_at at most once; idle expiry is unchanged', async () => {
    const client = await clientFor(app, db, 'analyst');
    const idHash = sha256(decodeURIComponent(client.cookie.split('=')[1]));
    const seen = async () =>
      (await db.query<{ t: string }>('SELECT last_seen_at::text AS t FROM sessions WHERE id_hash = $1', [idHash]))[0].t;
    // Last touched longer ago than TOUCH_SECONDS: the burst touches it once.
    await db.query(`UPDATE sessions SET last_seen_at = now() - make_interval(secs => $2) WHERE id_hash = $1`, [
      idHash,
      TOUCH_SECONDS + 5,
    ]);
    const before = await seen();
    const w0 = await writes('sessions');
    for (const r of await burst(() => client.request('/api/categories'))) expect(r.status).toBe(200);
    expect(await writes('sessions')).toBe(w0 + 1);
    expect(await seen()).not.toBe(before);
    // Touched just now: another burst writes nothing.
    for (const r of await burst(() => client.request('/api/categories'))) expect(r.status).toBe(200);
    expect(await writes('sessions')).toBe(w0 + 1);

    // Idle for longer than SESSION_IDLE_MINUTES: signed out, as before.
    await db.query(`UPDATE sessions SET last_seen_at = now() - make_interval(mins => $2) WHERE id_hash = $1`, [
      idHash,
      SESSION_IDLE_MINUTES + 1,
    ]);
    expect((await client.request('/api/categories')).status).toBe(401);
    // Just under the idle limit: still signed in, and the request moves last_seen_at to now.
    await db.query(`UPDATE sessions SET last_seen_at = now() - make_interval(mins => $2) WHERE id_hash = $1`, [
      idHash,
      SESSION_IDLE_MINUTES - 1,
    ]);
    expect((await client.request('/api/categories')).status).toBe(200);
    const age = await db.query<{ s: number }>(
      'SELECT extract(epoch FROM now() - last_seen_at)::float8 AS s FROM sessions WHERE id_hash = $1',
      [idHash],
    );
    expect(age[0].s).toBeLessThan(TOUCH_SECONDS);
  });

  it('a burst of token GETs writes last_used_at at most once; a revoked token is refused at once', async () => {
    const client = await clientFor(app, db, 'analyst');
    const t = await createToken(db, client.userId, ['read'], 'burst', null);
    const get = () => app.request('/api/categories', { headers: { authorization: `Bearer ${t.token}` } });
    const w0 = await writes('api_tokens');
    for (const r of await burst(get)) expect(r.status).toBe(200);
    expect(await writes('api_tokens')).toBe(w0 + 1); // first use: last_used_at was null
    for (const r of await burst(get)) expect(r.status).toBe(200);
    expect(await writes('api_tokens')).toBe(w0 + 1);
    await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [t.id]);
    expect((await get()).status).toBe(401);
  });
});

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
import { dataVersion } from '../api/data-version.js';
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

// Fixed costs per request (issue 16): the data version (migration 019, api/data-version.ts), ETags and 304s
// on aggregate GETs, compression, throttled last-seen writes. Real Lewisham files through the real importer;
// both drivers.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
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

// Migration 021 (issue 16, storage): incidents partitioned by month of occurred_at, on every driver, with the
// real Lewisham burglary file: rows land in their month's partition, dedup holds across partitions (keys in
// incident_keys), rows of a month without a partition wait in the default partition and move out when it is
// made, a month detaches with its keys and coverage, the live feed's statement trigger still fires, and the
// migration converts an unpartitioned table holding data (applied to a database stopped at migration 020).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db, type Driver } from '../api/db/index.js';
import { detachPartition, ensurePartitions, listPartitions, monthSpan } from '../api/db/partitions.js';
import { importFile } from '../api/imports/index.js';
import { drivers, resetData, SERVER_URL, SHARED, testDb } from './helpers/db.js';

const haveShared = fs.existsSync(SHARED);
const WARDS = path.join(SHARED, 'lewisham_wards_2022.geojson');
const BURGLARY = path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-partitions-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The partitions of incidents, by name. */
async function partitions(db: Db): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'incidents'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** Rows per month as the data say, and rows per partition as stored. */
async function placement(db: Db) {
  return db.query<{ part: string; month: string; n: number }>(
    `SELECT tableoid::regclass::text AS part, to_char(occurred_at, 'YYYY_MM') AS month, count(*)::int AS n
     FROM incidents GROUP BY 1, 2 ORDER BY 2, 1`,
  );
}

const keysMatch = (db: Db) =>
  db.query<{ incidents: number; keys: number; unmatched: number }>(
    `SELECT (SELECT count(*)::int FROM incidents) AS incidents, (SELECT count(*)::int FROM incident_keys) AS keys,
            (SELECT count(*)::int FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM incident_keys k WHERE k.dedup_key = i.dedup_key)) AS unmatched`,
  );

describe.skipIf(!haveShared).each(drivers())('monthly partitions of incidents on %s', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    expect(await importFile(db, WARDS)).toMatchObject({ status: 'committed' });
  }, 300_000);

  it('stores each row in the partition of its month, one partition per month present', async () => {
    const s = await importFile(db, BURGLARY);
    expect(s.status).toBe('committed');
    expect(s.imported).toBeGreaterThan(5000);
    const rows = await placement(db);
    // every row in incidents_<its month>, nothing in the default partition
    for (const r of rows) expect(r.part).toBe(`incidents_${r.month}`);
    const months = [...new Set(rows.map((r) => r.month))];
    expect(months).toHaveLength(36); // 2022-03 .. 2025-02
    // (empty partitions of months other test files imported stay on a shared database: TRUNCATE keeps partitions)
    expect(await partitions(db)).toEqual(expect.arrayContaining(['incidents_default', ...months.map((m) => `incidents_${m}`)]));
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(s.imported);
    expect(await keysMatch(db)).toEqual([{ incidents: s.imported, keys: s.imported, unmatched: 0 }]);
    // the live feed's statement-level trigger (migration 008) saw the import: one changes row for the file
    const [ch] = await db.query<{ count: number }>(`SELECT count FROM changes WHERE batch_id = $1 ORDER BY id DESC LIMIT 1`, [
      s.batchId,
    ]);
    expect(ch.count).toBe(s.imported);
    // the monthly filter reads one partition only (pruning)
    const plan = (
      await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT count(*) FROM incidents WHERE occurred_at >= '2023-05-01' AND occurred_at < '2023-06-01'`,
      )
    )
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('incidents_2023_05');
    expect(plan).not.toContain('incidents_2023_04');
    expect(plan).not.toContain('incidents_default');
  });

  it('keeps the duplicate rule across partitions: the same crime id in another month is the same incident', async () => {
    const before = (await keysMatch(db))[0].incidents;
    expect((await importFile(db, BURGLARY)).imported).toBe(0);
    // The same rows with their month moved by a year where it stays in the file's range: same Crime ID =
    // same key, so they are duplicates although they would go to another partition.
    const lines = fs.readFileSync(BURGLARY, 'utf8').trimEnd().split('\n');
    const moved = lines.slice(1, 201).map((l) => l.replace(/^([^,]*),2022-(0[3-9]|1[0-2]),/, '$1,2023-$2,'));
    expect(moved.filter((l, i) => l !== lines[i + 1]).length).toBeGreaterThan(100);
    const f = path.join(tmp, 'moved.csv');
    fs.writeFileSync(f, [lines[0], ...moved].join('\n') + '\n');
    const s = await importFile(db, f);
    expect(s).toMatchObject({ status: 'committed', imported: 0, duplicates: 200 });
    // A new id in that month is stored
    const fresh = moved.slice(0, 3).map((l) => l.replace(/^[0-9a-f]{8}/, 'feedf00d'));
    const g = path.join(tmp, 'fresh.csv');
    fs.writeFileSync(g, [lines[0], ...fresh].join('\n') + '\n');
    expect(await importFile(db, g)).toMatchObject({ status: 'committed', imported: 3, duplicates: 0 });
    expect(await keysMatch(db)).toEqual([{ incidents: before + 3, keys: before + 3, unmatched: 0 }]);
  });

  it('detaches a month with its keys and coverage; rows of a month with no partition wait in the default partition', async () => {
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= '2022-03-01' AND occurred_at < '2022-04-01'`,
    );
    expect(n).toBeGreaterThan(50);
    expect(await detachPartition(db, '2022-03')).toBe('incidents_2022_03');
    expect(await detachPartition(db, '2022-03')).toBeNull();
    expect(await partitions(db)).not.toContain('incidents_2022_03');
    const [cov] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM coverage WHERE period_start = '2022-03-01'`);
    expect(cov.n).toBe(0);
    const [k] = await keysMatch(db);
    expect(k.keys).toBe(k.incidents);
    expect(k.unmatched).toBe(0);
    // the detached table keeps the rows; put them back through the parent: no partition, so the default
    const [{ cols }] = await db.query<{ cols: string }>(
      `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols FROM pg_attribute
       WHERE attrelid = 'incidents'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`,
    );
    await db.exec(`INSERT INTO incidents (${cols}) SELECT ${cols} FROM incidents_2022_03; DROP TABLE incidents_2022_03`);
    let rows = (await placement(db)).filter((r) => r.month === '2022_03');
    expect(rows).toEqual([{ part: 'incidents_default', month: '2022_03', n }]);
    // the partition made later takes them out of the default partition
    expect(await ensurePartitions(db, '2022-03', '2022-04')).toBe(1);
    expect((await listPartitions(db)).filter((p) => p.month && p.month >= '2022-03' && p.month <= '2022-05')).toMatchObject([
      { name: 'incidents_2022_03', month: '2022-03' },
      { name: 'incidents_2022_04', month: '2022-04' },
      { name: 'incidents_2022_05', month: '2022-05' },
    ]);
    rows = (await placement(db)).filter((r) => r.month === '2022_03');
    expect(rows).toEqual([{ part: 'incidents_2022_03', month: '2022_03', n }]);
    const [d] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents_default`);
    expect(d.n).toBe(0);
    // deleting through the parent removes the keys (statement trigger): a re-import stores the month again
    await db.exec(`TRUNCATE incidents`);
    expect(await keysMatch(db)).toEqual([{ incidents: 0, keys: 0, unmatched: 0 }]);
    const again = await importFile(db, BURGLARY);
    expect(again.imported).toBeGreaterThan(5000);
    await db.query(`DELETE FROM incidents WHERE occurred_at < '2022-06-01'`);
    const [after] = await keysMatch(db);
    expect(after.keys).toBe(after.incidents);
    expect(after.unmatched).toBe(0);
    expect(after.incidents).toBeLessThan(again.imported);
  });
});

describe('monthSpan (npm run partitions -- ensure)', () => {
  it('lists every month of a span across years and refuses bad spans', () => {
    expect(monthSpan('2024-11', '2025-02')).toEqual(['2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01']);
    expect(monthSpan('2025-02', '2025-02')).toEqual(['2025-02-01']);
    expect(() => monthSpan('2025-03', '2025-02')).toThrow(/before/);
    expect(() => monthSpan('2025-13', '2026-01')).toThrow(/YYYY-MM/);
    expect(() => monthSpan('1900-01', '2026-01')).toThrow(/600/);
  });
});

/** A new empty database of the driver stopped at migration 020 (the schema before partitioning). */
async function databaseAt020(driver: Driver): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (driver === 'pglite') {
    const db = await openDb({ migrateUntil: 20 });
    return { db, drop: () => db.close() };
  }
  const url = new URL(SERVER_URL!);
  const name = `${url.pathname.slice(1)}_m021`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString(), migrateUntil: 20 });
  return {
    db,
    drop: async () => {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

describe.skipIf(!haveShared).each(drivers())('migration 021 converts held incidents on %s', (driver) => {
  it('keeps every row, its id, triggers and indexes, and dedups against the rows it converted', async () => {
    // the rows the current importer stores for the real file, taken from the shared test database
    const src = await testDb(driver);
    await resetData(src);
    await importFile(src, WARDS);
    const s = await importFile(src, BURGLARY);
    const rows = await src.query(`SELECT * FROM incidents ORDER BY id`);
    for (const r of rows) delete r.geom;
    const { db, drop } = await databaseAt020(driver);
    try {
      expect((await db.query(`SELECT to_regclass('incident_keys') AS t`))[0].t).toBeNull();
      // the old table, filled with those rows as migration 020 left it (changes written by its trigger)
      await importFile(db, WARDS);
      await db.query(
        `INSERT INTO import_batches (id, kind, file_name, status, created_by) VALUES ($1, 'incidents_csv', 'x.csv', 'committed', 'test')`,
        [s.batchId],
      );
      await db.query(`SELECT setval('import_batches_id_seq', (SELECT max(id) FROM import_batches))`);
      const cols = Object.keys(rows[0]).join(', ');
      await db.query(`INSERT INTO incidents (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::incidents, $1::json)`, [
        JSON.stringify(rows),
      ]);
      await db.query(`SELECT setval('incidents_id_seq', (SELECT max(id) FROM incidents))`);
      const digest = `SELECT count(*)::int AS n, md5(string_agg(concat_ws('|', id, dedup_key, batch_id, category, occurred_at, lon, lat,
        ST_AsText(geom), ward_code, lsoa_code, study_code, h3_7, h3_10, record_key, offence_code, outcome), ',' ORDER BY id)) AS s FROM incidents`;
      const [before] = await db.query(digest);
      expect(before.n).toBe(s.imported);

      const { migrate } = await import('../api/db/index.js');
      expect(await migrate(db, 21)).toEqual(['021_partitions.sql']);
      expect(await db.query(digest)).toEqual([before]);
      for (const r of await placement(db)) expect(r.part).toBe(`incidents_${r.month}`);
      expect(await keysMatch(db)).toEqual([{ incidents: s.imported, keys: s.imported, unmatched: 0 }]);
      const [kind] = await db.query<{ k: string }>(`SELECT relkind::text AS k FROM pg_class WHERE oid = 'incidents'::regclass`);
      expect(kind.k).toBe('p');
      // indexes and triggers carried over to the partitioned parent
      const idx = (await db.query<{ n: string }>(`SELECT indexname AS n FROM pg_indexes WHERE tablename = 'incidents'`)).map(
        (r) => r.n,
      );
      expect(idx).toEqual(
        expect.arrayContaining(['incidents_occurred', 'incidents_ward', 'incidents_geom', 'incidents_batch', 'incidents_pkey']),
      );
      const trg = await db.query<{ def: string }>(
        `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'incidents'::regclass AND tgname = 'incidents_changed'`,
      );
      expect(trg[0].def).toContain('REFERENCING NEW TABLE AS added FOR EACH STATEMENT');
      // the same file again: every row a duplicate of a converted row; a file of new rows gets fresh ids
      const again = await importFile(db, BURGLARY);
      expect(again).toMatchObject({ status: 'committed', imported: 0, duplicates: s.imported });
      const lines = fs.readFileSync(BURGLARY, 'utf8').trimEnd().split('\n');
      const f = path.join(tmp, `new-${driver}.csv`);
      fs.writeFileSync(f, [lines[0], lines[1].replace(/^[0-9a-f]{8}/, 'feedf00d')].join('\n') + '\n');
      const one = await importFile(db, f);
      expect(one.imported).toBe(1);
      const [{ id }] = await db.query<{ id: number }>(`SELECT max(id)::int AS id FROM incidents WHERE batch_id = $1`, [
        one.batchId,
      ]);
      expect(id).toBeGreaterThan(Math.max(...rows.map((r) => Number(r.id))));
      const [ch] = await db.query<{ count: number }>(`SELECT count FROM changes WHERE batch_id = $1`, [one.batchId]);
      expect(ch.count).toBe(1);
    } finally {
      await drop();
    }
  }, 300_000);
});

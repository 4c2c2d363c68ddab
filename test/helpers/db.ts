// Test databases. Integration tests run against every driver listed by `drivers()`:
// always the embedded PGlite (in memory, opened once per run), and the PostGIS server when
// DATABASE_URL is set (CI sets it). Tests share one instance per driver and call `resetData`.
import path from 'node:path';
import { openDb, type Db, type Driver } from '../../api/db/index.js';
import { importFile, type ImportOptions } from '../../api/imports/index.js';

const cache = new Map<Driver, Promise<Db>>();

export const SERVER_URL = process.env.DATABASE_URL || undefined;

export function drivers(): Driver[] {
  return SERVER_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function testDb(driver: Driver): Promise<Db> {
  if (process.env.SAFERPLACES_TEST_PROJECT === 'unit') {
    throw new Error('a unit test opened a database: take its file out of UNIT in vite.config.ts (it belongs to the db project)');
  }
  let p = cache.get(driver);
  if (!p) {
    p = openDb(driver === 'postgres' ? { databaseUrl: SERVER_URL } : {});
    cache.set(driver, p);
  }
  return p;
}

/** Empty every data table (schema and seeded categories stay). */
export async function resetData(db: Db) {
  await db.exec(`TRUNCATE incidents, import_rejects, area_parts, areas, area_sets, area_population, area_population_resolved,
    population_lookup, population_lookup_sets, lsoa_centroids,
    column_mappings, import_batches RESTART IDENTITY CASCADE;
    DELETE FROM categories WHERE origin = 'custom';`);
}

/**
 * Clear the planning data that resetData keeps (test files share one database per run): CHB areas, the
 * walking network, and the register — soft-deleted, since its history is append-only by design.
 */
export async function resetPlanning(db: Db) {
  await db.exec(`DELETE FROM chb_areas;
    DELETE FROM walking_network;
    UPDATE interventions SET deleted_at = now(), deleted_by = 'test reset' WHERE deleted_at IS NULL;`);
}

import { SHARED } from './shared.js';

export { SHARED };

/** Imports shared data files (names under SHARED) in order with the real importer; throws on the first that does not commit. */
export async function importShared(db: Db, files: ReadonlyArray<readonly [string, ImportOptions]>) {
  for (const [file, opts] of files) {
    const r = await importFile(db, path.join(SHARED, file), opts);
    if (r.status !== 'committed') throw new Error(`${file}: ${r.error?.message}`);
  }
}

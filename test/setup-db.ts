// Setup file of the db and browser projects (vite.config.ts): every test file starts from empty data tables and no
// planning data, whatever the file before it left, on every driver. The databases are opened once per run (the
// projects share one module cache), so this costs a few TRUNCATEs per file.
import { beforeAll } from 'vitest';
import { drivers, resetData, resetPlanning, testDb } from './helpers/db.js';

beforeAll(async () => {
  for (const driver of drivers()) {
    const db = await testDb(driver);
    await resetData(db);
    await resetPlanning(db);
  }
});

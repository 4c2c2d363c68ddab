/// <reference types="vitest/config" />
import os from 'node:os';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Test projects (`npm test` runs all three, in this order; `npx vitest run --project unit` runs one):
//  - unit: pure tests (no database, no server, no browser), isolated, in parallel. Listed by name below; a file
//    not listed is a db test, and a unit test that opens a database fails (test/helpers/db.ts).
//  - db: tests against the databases (embedded PGlite, and PostGIS when DATABASE_URL is set), the API in process,
//    child processes (CLI, server). One worker, one file at a time, shared module cache, so the embedded PGlite
//    (~10 s to start) is opened once; every file starts from empty data tables (test/setup-db.ts).
//  - browser: test/browser/** (Chromium against the API), like db.
// Timeouts are hang guards, not speed checks: every wait in the db and browser projects is for real work
// (opening a database, importing a file, a child process), which takes many times longer on a loaded machine.
const UNIT = [
  'aggregates-window',
  'bad-input-properties',
  'csv-reader',
  'demo-synthetic',
  'geodata',
  'disclosure-cell-key',
  'partner-periods',
  'journeys-logic',
  'load-control',
  'opendata-breaks',
  'planning-units',
  'planning-walking',
  'stats-gistar',
  'stats-harm',
  'stats-tests',
  'stats-time',
  'web-*',
].map((name) => `test/${name}.test.ts`);

const MINUTES = 60_000;
const serial = { pool: 'forks', maxWorkers: 1, isolate: false, fileParallelism: false } as const;

export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
  test: {
    root: '.',
    globalSetup: ['test/global-setup.ts'],
    // A failed beforeAll shows its tests as "skipped": this reporter names them again, as not run, at the end.
    reporters: ['default', './test/reporters/setup-failures.ts'],
    testTimeout: 10 * MINUTES,
    hookTimeout: 15 * MINUTES,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: UNIT,
          pool: 'threads',
          isolate: true,
          maxWorkers: Math.max(2, os.availableParallelism()),
          env: { SAFERPLACES_TEST_PROJECT: 'unit' },
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['test/*.test.{ts,tsx}'],
          exclude: UNIT,
          setupFiles: ['test/setup-db.ts'],
          ...serial,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.{ts,tsx}'],
          setupFiles: ['test/setup-db.ts'],
          ...serial,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

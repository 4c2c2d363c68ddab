// Issue 17: (1) the monthly refresh — after the test server "publishes" a new month, a refresh fetches that
// month only (nothing from ONS or Nomis, no month done before) and coverage gains it; the result equals
// fetching the same months at once. (2) A fetch by the CLI (`npm run refresh -- --lad ...`, a child process)
// killed with SIGKILL in the middle of a month, then resumed by a plain refresh, ends with the counts of an
// uninterrupted fetch, and the killed state holds whole months only. Against test/helpers/opendata-server.ts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../api/db/index.js';
import { fetchOpenData } from '../api/opendata/fetch.js';
import { refreshAll } from '../api/opendata/jobs.js';
import { drivers, SERVER_URL, SHARED, testDb } from './helpers/db.js';
import { options, resetOpenData, snapshot, startOpenDataServer, type FakeServer } from './helpers/opendata-server.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv'));
if (!hasData) console.log('SKIPPED: open data refresh tests (../shared/data not found)');
const LEWISHAM = 'E09000023';

const coveredMonths = async (db: Db) =>
  (await db.query<{ m: string }>(`SELECT DISTINCT to_char(period_start, 'YYYY-MM') AS m FROM coverage ORDER BY 1`)).map(
    (r) => r.m,
  );

/** The refresh CLI as a child process on the test server; resolves with its exit and stderr; `onLine` sees stderr lines. */
function cli(args: string[], env: Record<string, string>, onLine?: (line: string, kill: () => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/refresh.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '',
    out = '',
    rest = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => {
    err += d;
    const lines = (rest + d).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine?.(l, () => child.kill('SIGKILL'));
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
}

describe.skipIf(!hasData).each(drivers())('open data refresh and a killed fetch (%s)', (driver) => {
  let db: Db;
  let server: FakeServer;

  beforeAll(async () => {
    db = await testDb(driver);
    server = await startOpenDataServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a refresh after police.uk publishes a new month fetches that month only, and coverage gains it', async () => {
    await resetOpenData(db);
    server.faults.publishedUntil = '2025-01';
    const first = await fetchOpenData(db, { lads: [LEWISHAM], months: 3 }, options(server));
    expect(first.status).toBe('done');
    expect(await coveredMonths(db)).toEqual(['2024-11', '2024-12', '2025-01']);
    // Nothing new yet: a refresh asks police.uk for its dates and nothing else.
    let before = server.log.length;
    const idle = await refreshAll(db, options(server));
    expect(idle.map((r) => r.status)).toEqual(['done']);
    expect(server.log.slice(before).map((l) => l.path)).toEqual(['/police/crimes-street-dates']);

    server.faults.publishedUntil = null; // 2025-02 is published
    before = server.log.length;
    const r = await refreshAll(db, options(server));
    expect(r.map((x) => x.status)).toEqual(['done']);
    const asked = server.log.slice(before);
    expect(asked.some((l) => l.path.startsWith('/ons') || l.path.startsWith('/nomis'))).toBe(false);
    expect([...new Set(asked.filter((l) => l.path.endsWith('all-crime')).map((l) => l.params.date))]).toEqual(['2025-02']);
    expect(await coveredMonths(db)).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    const [batches] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM import_batches WHERE status = 'committed' AND file_name LIKE 'police.uk street crime 2025-02%'`,
    );
    expect(batches.n).toBe(1);
    const refreshed = await snapshot(db);

    // The same as fetching the four months at once.
    await resetOpenData(db);
    server.faults.publishedUntil = '2025-02';
    const once = await fetchOpenData(db, { lads: [LEWISHAM], months: 4 }, options(server));
    expect(once.status).toBe('done');
    expect(await snapshot(db)).toEqual(refreshed);
    server.faults.publishedUntil = null;
  });

  it('a CLI fetch killed with SIGKILL mid-month, then resumed, equals an uninterrupted fetch and never holds half a month', async () => {
    server.faults.policeMax = 120; // whole-borough months answer 503: several requests a month
    // Uninterrupted, in process.
    await resetOpenData(db);
    const whole = await fetchOpenData(db, { lads: [LEWISHAM], months: 12 }, options(server));
    expect(whole.status).toBe('done');
    const expected = await snapshot(db);
    const perMonth = new Map<string, number>();
    for (const c of expected.counts) perMonth.set(c.month, (perMonth.get(c.month) ?? 0) + c.n);
    expect([...perMonth.keys()].sort()[0]).toBe('2024-03');

    // The CLI's database: the server's (cleared), or a PGlite data directory of its own.
    await resetOpenData(db);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-opendata-kill-'));
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: driver === 'postgres' ? SERVER_URL! : '',
      ONS_ARCGIS_URL: server.ons,
      POLICE_UK_API_URL: server.police,
      NOMIS_URL: server.nomis,
    };
    let killedAt = -1;
    const killed = await cli(['--lad', LEWISHAM, '--months', '12'], env, (line, kill) => {
      // The 2024-08 step has started: kill once its second request reached the server (the month half asked).
      if (killedAt < 0 && line.includes('police:2024-08: running')) {
        const wait = setInterval(() => {
          if (server.log.filter((l) => l.path.endsWith('all-crime') && l.params.date === '2024-08').length >= 2) {
            clearInterval(wait);
            killedAt = server.log.length;
            kill();
          }
        }, 5);
      }
    });
    expect(killed.signal, killed.stderr.slice(-2000)).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);

    const inspect = async <T>(fn: (d: Db) => Promise<T>): Promise<T> => {
      if (driver === 'postgres') return fn(db);
      const d = await openDb({ dataDir: path.join(dataDir, 'pgdata') });
      try {
        return await fn(d);
      } finally {
        await d.close();
      }
    };
    // Killed: whole months only, each with the uninterrupted count; 2024-08 absent, and not covered.
    const after = await inspect(async (d) => ({
      months: await d.query<{ month: string; n: number }>(
        `SELECT to_char(occurred_at, 'YYYY-MM') AS month, count(*)::int AS n FROM incidents GROUP BY 1 ORDER BY 1`,
      ),
      covered: await coveredMonths(d),
      run: (await d.query<{ status: string }>(`SELECT status FROM opendata_runs`)).map((r) => r.status),
    }));
    expect(after.months.map((m) => m.month)).toEqual(['2024-03', '2024-04', '2024-05', '2024-06', '2024-07']);
    for (const m of after.months) expect(m.n, m.month).toBe(perMonth.get(m.month));
    expect(after.covered).toEqual(['2024-03', '2024-04', '2024-05', '2024-06', '2024-07']);
    expect(after.run).toEqual(['running']); // the process died: nobody marked it

    // Resumed by the scheduled refresh (no arguments): only what was not done is asked for.
    const resumed = await cli([], env);
    expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0);
    expect(resumed.stdout).toMatch(/: done; 12 months imported/);
    const again = server.log.slice(killedAt);
    expect(again.some((l) => l.path.startsWith('/ons') || l.path.startsWith('/nomis'))).toBe(false);
    const asked = [...new Set(again.filter((l) => l.path.endsWith('all-crime')).map((l) => l.params.date))].sort();
    expect(asked).toEqual(['2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02']);
    expect(await inspect((d) => snapshot(d))).toEqual(expected);
    server.faults.policeMax = 10_000;
  });
});

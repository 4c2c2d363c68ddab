// Shared by the fault tests: polling for a state, a large police.uk file to interrupt, the app as a process to
// kill, and the aggregate tables checked against a recount.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Queryable } from '../../api/db/index.js';
import { POLICE_UK_HEADER } from '../../api/imports/sniff.js';

/** Poll `probe` until it returns a value other than undefined, at most `ms`; the value and how long it took. */
export async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
  every = 50,
): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return { value: v, ms: Math.round(performance.now() - t0) };
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A police.uk street CSV of `n` rows in Lewisham. */
export function policeCsv(file: string, n: number, prefix = 'fault') {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, POLICE_UK_HEADER.join(',') + '\n');
  let buf: string[] = [];
  for (let i = 0; i < n; i++) {
    const lon = (-0.06 + (i % 997) * 0.00005).toFixed(6);
    const lat = (51.44 + (i % 991) * 0.00004).toFixed(6);
    buf.push(
      `${prefix}${i.toString(16).padStart(12, '0')},2024-0${1 + (i % 9)},Metropolitan Police Service,Metropolitan Police Service,${lon},${lat},On or near Test Street,E01003244,Lewisham 001A,Burglary,Under investigation,`,
    );
    if (buf.length === 10_000) {
      fs.writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
}

/** A free TCP port on the loopback interface. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

export interface AppProcess {
  p: ChildProcess;
  base: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** From spawn to the first 200 from /api/health (ms). */
  startMs: number;
}

/**
 * The app as a real process (`api/main.ts` under node with tsx's loader, so a kill reaches the process itself),
 * on a free loopback port, once /api/health answers 200. `env`: DATA_DIR, and DATABASE_URL ('' = embedded).
 */
export async function startApp(env: { DATA_DIR: string; DATABASE_URL: string }, waitMs: number, started: ChildProcess[]) {
  const port = await freePort();
  const t0 = performance.now();
  const p = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(p);
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  await until(`the app to answer /api/health (output so far: ${out.slice(-400)})`, waitMs, async () => {
    if (p.exitCode !== null) throw new Error(`the app exited: ${out.slice(-2000)}`);
    return (await fetch(`${base}/api/health`)).ok ? true : undefined;
  });
  return { p, base, output: () => out, startMs: Math.round(performance.now() - t0) } satisfies AppProcess;
}

/** SIGKILL (or `signal`) and wait until the process is gone. */
export async function stopApp(app: AppProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (app.p.exitCode !== null || app.p.signalCode !== null) return;
  const exited = new Promise((r) => app.p.once('exit', r));
  app.p.kill(signal);
  await exited;
}

/** Upload files (`DATA_DIR/uploads/*.upload`) present now. */
export const uploadsLeft = (dataDir: string) => {
  const dir = path.join(dataDir, 'uploads');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.upload')) : [];
};

/**
 * A scratch data directory for an embedded app (and a file beside it), removed with every child process the
 * test started when the file's tests end.
 */
export function embeddedScratch(prefix: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const csv = `${dataDir}-big.csv`;
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(csv, { force: true });
  });
  return { dataDir, csv, children, env: { DATA_DIR: dataDir, DATABASE_URL: '' } };
}

/**
 * Every aggregate table the write triggers keep (the cube and monthly totals of migration 018, the rollups of
 * 022) compared with a recount from incidents: the rows that differ, as "table: stored only|recount only: row".
 * The key columns are read from the catalogue; `in_study` is `study_code IS NOT NULL`, `occurred_at` the month.
 */
export async function aggregatesVsRecount(db: Queryable): Promise<string[]> {
  const out: string[] = [];
  const tables = await db.query<{ t: string }>(
    `SELECT relname AS t FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace
       AND (relname IN ('incident_cube', 'incident_months') OR relname LIKE 'incident\\_rollup\\_%') ORDER BY 1`,
  );
  // Seven today (migrations 018 and 022); a rollup added later is checked too.
  if (tables.length < 7) throw new Error(`aggregate tables missing: ${tables.map((t) => t.t).join(', ')}`);
  for (const { t: table } of tables) {
    const cols = (
      await db.query<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
           AND column_name NOT IN ('n', 'key_sum') ORDER BY ordinal_position`,
        [table],
      )
    ).map((r) => r.c);
    const expr = (c: string) =>
      c === 'occurred_at' ? `date_trunc('month', occurred_at)` : c === 'in_study' ? 'study_code IS NOT NULL' : c;
    const groups = cols.map((_, i) => i + 1).join(', ');
    const rows = await db.query<{ side: string; r: string }>(`
      WITH s AS (SELECT ${cols.join(', ')}, n::bigint AS n, key_sum::bigint AS key_sum FROM ${table}),
      c AS (SELECT ${cols.map((c) => `${expr(c)} AS ${c}`).join(', ')}, count(*) AS n, sum(record_key)::bigint AS key_sum
            FROM incidents GROUP BY ${groups})
      SELECT 'stored only' AS side, x::text AS r FROM (SELECT * FROM s EXCEPT ALL SELECT * FROM c) x
      UNION ALL SELECT 'recount only', y::text FROM (SELECT * FROM c EXCEPT ALL SELECT * FROM s) y ORDER BY 1, 2`);
    out.push(...rows.map((x) => `${table}: ${x.side}: ${x.r}`));
  }
  return out;
}

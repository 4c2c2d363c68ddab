// CPU seconds next to wall seconds: on a shared, noisy machine CPU time says more about the work
// done than wall time does. This process: process.cpuUsage() (with PGlite that includes the
// database). The PostgreSQL server: utime+stime from /proc/<pid>/stat of this database's client
// backends, when the server runs on this machine and /proc is readable (else null).
import fs from 'node:fs';
import type { Db } from '../../api/db/index.js';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system, all threads) a process on this machine has used; undefined when unreadable. */
export function procCpu(pid: number): number | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return undefined;
  }
}

export function processCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

type Snapshot = Map<number, number> | null;

async function serverSnapshot(db: Db): Promise<Snapshot> {
  if (db.driver !== 'postgres') return null;
  const rows = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  const m = new Map<number, number>();
  for (const { pid } of rows) {
    const c = procCpu(pid);
    if (c === undefined) return null; // a remote server, or /proc not readable
    m.set(pid, c);
  }
  return m;
}

export interface CpuSeconds {
  /** This Node process (with PGlite: JS and the database). */
  process: number;
  /** PostgreSQL client backends of this database (server driver, same machine only). */
  server: number | null;
}

/** Start measuring; the returned function gives the CPU seconds used since. */
export async function cpuMeter(db: Db): Promise<() => Promise<CpuSeconds>> {
  const before = await serverSnapshot(db);
  const p0 = processCpu();
  return async () => {
    const process = processCpu() - p0;
    const after = await serverSnapshot(db);
    let server: number | null = null;
    if (before && after) {
      server = 0;
      // Backends that started during the measurement count whole; ones that ended are lost
      // (only idle pool connections end, so they did nothing meanwhile).
      for (const [pid, c] of after) server += c - (before.get(pid) ?? 0);
    }
    return { process: Math.round(process * 100) / 100, server: server === null ? null : Math.round(server * 100) / 100 };
  };
}

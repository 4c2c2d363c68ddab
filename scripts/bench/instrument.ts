// Timing without touching the importer: a Db wrapper that adds up the time spent in each kind of
// database call. The importer keeps one staging COPY in flight while it parses the next chunk, so a
// call's time includes JS that ran meanwhile (a call is seen to end when the JS next yields to the
// event loop); `dbMs` is the time during which at least one call was in flight, and
//   JS time = wall time - dbMs
// is the JS (reading, parsing, checks, H3 cells, md5) that ran while no database call was in flight.
import type { Db, Queryable } from '../../api/db/index.js';

export type PhaseName = 'stageCopy' | 'move' | 'repeatedIds' | 'commit' | 'otherSql';

export class PhaseTimer {
  readonly ms: Record<PhaseName, number> = { stageCopy: 0, move: 0, repeatedIds: 0, commit: 0, otherSql: 0 };
  stageCopies = 0;
  private inFlight = 0;
  private since = 0;
  private busy = 0;

  /** A database call starts / ends (for the union of in-flight time). */
  begin() {
    if (this.inFlight++ === 0) this.since = performance.now();
  }
  end(p: PhaseName, ms: number) {
    this.ms[p] += ms;
    if (--this.inFlight === 0) this.busy += performance.now() - this.since;
  }
  /** BEGIN/COMMIT: not a call of the importer, never overlapping one. */
  add(p: PhaseName, ms: number) {
    this.ms[p] += ms;
    this.busy += ms;
  }

  /** Wall time with at least one database call in flight. */
  dbMs(): number {
    return this.busy;
  }
}

function classify(sql: string): PhaseName {
  if (/INSERT INTO incidents/i.test(sql)) return 'move';
  if (/FROM import_stage WHERE source_id/i.test(sql)) return 'repeatedIds';
  return 'otherSql';
}

export function instrument(db: Db, t: PhaseTimer): Db {
  const wrap = (q: Queryable): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const t0 = performance.now();
      t.begin();
      try {
        return await q.query<T>(sql, params);
      } finally {
        t.end(classify(sql), performance.now() - t0);
      }
    },
    async exec(sql: string) {
      const t0 = performance.now();
      t.begin();
      try {
        await q.exec(sql);
      } finally {
        t.end(classify(sql), performance.now() - t0);
      }
    },
    async copyCsv(table: string, columns: string[], csv: string) {
      const t0 = performance.now();
      t.begin();
      try {
        await q.copyCsv(table, columns, csv);
      } finally {
        t.end(table === 'import_stage' ? 'stageCopy' : 'otherSql', performance.now() - t0);
        t.stageCopies++;
      }
    },
  });
  const base = wrap(db);
  return {
    driver: db.driver,
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      // BEGIN + COMMIT (WAL flush, dropping the ON COMMIT DROP stage table) = whole - body.
      let body = 0;
      const t0 = performance.now();
      const r = await db.transaction(async (tx) => {
        const b0 = performance.now();
        try {
          return await fn(wrap(tx));
        } finally {
          body = performance.now() - b0;
        }
      });
      t.add('commit', performance.now() - t0 - body);
      return r;
    },
    close: () => db.close(),
  };
}

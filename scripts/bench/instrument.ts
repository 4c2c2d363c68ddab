// Timing without touching the importer: a Db wrapper that adds up the time spent in each kind of
// database call. The importer awaits every call in turn (no overlap), so
//   JS time = wall time - time inside database calls
// is the time spent reading, parsing and checking rows and computing H3 cells in JS.
import type { Db, Queryable } from '../../api/db/index.js';

export type PhaseName = 'stageCopy' | 'move' | 'repeatedIds' | 'commit' | 'otherSql';

export class PhaseTimer {
  readonly ms: Record<PhaseName, number> = { stageCopy: 0, move: 0, repeatedIds: 0, commit: 0, otherSql: 0 };
  stageCopies = 0;

  add(p: PhaseName, ms: number) {
    this.ms[p] += ms;
  }

  dbMs(): number {
    return Object.values(this.ms).reduce((a, b) => a + b, 0);
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
      try {
        return await q.query<T>(sql, params);
      } finally {
        t.add(classify(sql), performance.now() - t0);
      }
    },
    async exec(sql: string) {
      const t0 = performance.now();
      try {
        await q.exec(sql);
      } finally {
        t.add(classify(sql), performance.now() - t0);
      }
    },
    async copyCsv(table: string, columns: string[], csv: string) {
      const t0 = performance.now();
      try {
        await q.copyCsv(table, columns, csv);
      } finally {
        t.add(table === 'import_stage' ? 'stageCopy' : 'otherSql', performance.now() - t0);
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

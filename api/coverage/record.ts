// Recording what an incident import covers (issue 11), kept as it reads: per month with at least one
// accepted row, whether a month-precision row is in it (then the whole month is covered), the rows per
// category, and the file's first and last day. `save` writes the periods inside the import's transaction.
import type { Queryable } from '../db/index.js';
import { addDays, addMonths } from '../aggregates/window.js';

interface MonthSeen {
  whole: boolean;
  perCategory: Map<string, number>;
}

export interface CoveredPeriod {
  category: string;
  start: string;
  end: string;
  rows: number;
}

export class CoverageTracker {
  private months = new Map<string, MonthSeen>();
  private categories = new Set<string>();
  private firstDay: string | null = null;
  private lastDay: string | null = null;
  private published = new Set<string>();

  /** One accepted row: its civil time (`YYYY-MM-DDTHH:MM...` or `YYYY-MM-DD ...`), precision and category. */
  add(occurredAt: string, precision: string, category: string) {
    const day = occurredAt.slice(0, 10);
    const month = day.slice(0, 7);
    let m = this.months.get(month);
    if (!m) this.months.set(month, (m = { whole: false, perCategory: new Map() }));
    if (precision === 'month') m.whole = true;
    m.perCategory.set(category, (m.perCategory.get(category) ?? 0) + 1);
    this.categories.add(category);
    if (this.firstDay === null || day < this.firstDay) this.firstDay = day;
    if (this.lastDay === null || day > this.lastDay) this.lastDay = day;
  }

  /** The area a source was published for (police.uk "Falls within"); at most 20 distinct values kept. */
  publishedFor(v: string) {
    const t = v.trim();
    if (t && this.published.size < 20) this.published.add(t.slice(0, 120));
  }

  get publishedLabel(): string | null {
    return this.published.size ? [...this.published].sort().join('; ') : null;
  }

  /** Covered periods, one per category present in the file and month with rows, in order. */
  periods(): CoveredPeriod[] {
    const out: CoveredPeriod[] = [];
    const after = this.lastDay ? addDays(this.lastDay, 1) : null;
    for (const month of [...this.months.keys()].sort()) {
      const m = this.months.get(month)!;
      const monthStart = `${month}-01`;
      const next = addMonths(monthStart, 1);
      const start = m.whole ? monthStart : maxStr(monthStart, this.firstDay!);
      const end = m.whole ? next : minStr(next, after!);
      for (const category of [...this.categories].sort())
        out.push({ category, start, end, rows: m.perCategory.get(category) ?? 0 });
    }
    return out;
  }

  /** Months (`YYYY-MM`) with at least one row. */
  monthList(): string[] {
    return [...this.months.keys()].sort();
  }

  /** Write the periods for `batchId` (inside the import's transaction). */
  async save(tx: Queryable, batchId: number, dataset: string) {
    const ps = this.periods();
    for (let i = 0; i < ps.length; i += 5000) {
      const part = ps.slice(i, i + 5000);
      await tx.query(
        `INSERT INTO coverage (batch_id, dataset, category, period_start, period_end, rows, published_for)
         SELECT $1, $2, c, s::date, e::date, n, $7 FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS t(c, s, e, n)`,
        [
          batchId,
          dataset,
          part.map((p) => p.category),
          part.map((p) => p.start),
          part.map((p) => p.end),
          part.map((p) => p.rows),
          this.publishedLabel,
        ],
      );
    }
  }
}

const maxStr = (a: string, b: string) => (a > b ? a : b);
const minStr = (a: string, b: string) => (a < b ? a : b);

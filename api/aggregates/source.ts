// Where an aggregate read comes from (issue 16): the aggregate cube (migration 018: incidents counted per
// month × category × dataset × time precision × offence code × H3 cells 7–10 × ward/LSOA/study-area code,
// kept in step by triggers) or, smaller, one of its rollups (migration 022: month × category × offence code ×
// ward, × LSOA, or × H3 cell at res 7, 8 or 9 with an in-study-area flag; the monthly totals) when the request
// can be answered from it, otherwise the incidents table. A read names the columns it uses (SourceNeeds.uses)
// and gets the smallest table that has them all. The rule is stated here only, and each answer says in its
// meta which table answered and why.
//
// All these tables have the columns the aggregation SQL filters and groups on under the same names (in the cube
// `occurred_at` is the month's first day), so a query is written once against `${src.table} i` with its
// counts, sums and record-key sums taken through `src`.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ReadSource } from '../../contract/http.js';

export const SOURCE_RULE =
  'the aggregate cube (monthly counts per category, dataset, time precision, offence code, H3 cell res 7-10 and ward/LSOA/study-area code, kept in step with incidents in every write transaction) answers when every time boundary of the request is the first day of a month and it asks only for what the cube carries, through the smallest of its rollups that has every column the read uses (monthly totals; month x category x offence code x ward, x LSOA, or x H3 cell at res 7, 8 or 9); otherwise the incidents are read: windows or periods not aligned to months, a bounding box, a drawn polygon or an area level known only by its polygons, or a filter the cube lacks';

/** Columns of incidents a read may use besides occurred_at and category; `study` is "in a study-area polygon". */
export type SourceColumn =
  | 'ward_code'
  | 'lsoa_code'
  | 'h3_7'
  | 'h3_8'
  | 'h3_9'
  | 'h3_10'
  | 'offence_code'
  | 'time_precision'
  | 'dataset'
  | 'study';

export type AggregateTable =
  | 'incident_cube'
  | 'incident_months'
  | 'incident_rollup_ward'
  | 'incident_rollup_lsoa'
  | 'incident_rollup_h3_7'
  | 'incident_rollup_h3_8'
  | 'incident_rollup_h3_9';

/** The aggregate tables, smallest first (by their key's grain), each with the columns it carries. */
const TABLES: ReadonlyArray<{ table: AggregateTable; columns: readonly SourceColumn[]; what: string }> = [
  { table: 'incident_months', columns: ['time_precision', 'dataset'], what: 'the monthly totals' },
  { table: 'incident_rollup_h3_7', columns: ['offence_code', 'study', 'h3_7'], what: 'the res-7 cell rollup' },
  { table: 'incident_rollup_ward', columns: ['offence_code', 'ward_code'], what: 'the ward rollup' },
  { table: 'incident_rollup_h3_8', columns: ['offence_code', 'study', 'h3_8'], what: 'the res-8 cell rollup' },
  { table: 'incident_rollup_lsoa', columns: ['offence_code', 'lsoa_code'], what: 'the LSOA rollup' },
  { table: 'incident_rollup_h3_9', columns: ['offence_code', 'study', 'h3_9'], what: 'the res-9 cell rollup' },
];

/** What a request needs of its source. */
export interface SourceNeeds {
  /** Every date (`YYYY-MM-DD`) the query compares `occurred_at` with. */
  bounds: readonly string[];
  /** Something the cube does not carry (a bounding box, a polygon-only area level, ...), with the words for meta. */
  lacks?: string | null;
  /**
   * A category set's narrowing (api/definitions/narrowing.ts): victim age and location type are record fields
   * the cube does not carry, so any narrowing reads the incidents.
   */
  narrowing?: object | null;
  /**
   * Every column the query uses besides occurred_at and category (filters, groupings, the harm scheme's
   * offence code, the study-area test). Omitted: the cube itself (it carries every column).
   */
  uses?: readonly SourceColumn[];
}

export interface Source {
  kind: ReadSource['kind'];
  /** The table, to be aliased `i`. */
  table: 'incidents' | AggregateTable;
  /** The table of month × category × dataset × precision totals (no cell or area), aliased `i` too. */
  months: 'incidents' | 'incident_months';
  /** Per row of `table`: incidents it stands for, and their record-key sum. */
  n: string;
  key: string;
  /** Incidents (optionally those matching `filter`, a condition on `i`), as an int. */
  count(filter?: string): string;
  /** Sum over incidents of a per-incident expression `expr` (optionally filtered), float8, 0 when none. */
  sum(expr: string, filter?: string): string;
  /** Sum of the incidents' record keys (cell key method), bigint, 0 when none. */
  keySum(filter?: string): string;
  /** Whether the row's incidents lie in a study-area polygon (a condition on `i`). */
  inStudy: string;
  meta: ReadSource;
}

const f = (filter?: string) => (filter ? ` FILTER (WHERE ${filter})` : '');

const INCIDENTS = (reason: string): Source => ({
  kind: 'incidents',
  table: 'incidents',
  months: 'incidents',
  n: '1',
  key: 'i.record_key',
  count: (filter) => `count(*)${f(filter)}::int`,
  sum: (expr, filter) => `COALESCE(sum(${expr})${f(filter)}, 0)::float8`,
  keySum: (filter) => `COALESCE(sum(i.record_key)${f(filter)}, 0)::bigint`,
  inStudy: 'i.study_code IS NOT NULL',
  meta: { kind: 'incidents', reason, rule: SOURCE_RULE },
});

const aggregate = (table: AggregateTable, what: string): Source => ({
  kind: 'cube',
  table,
  months: 'incident_months',
  n: 'i.n',
  key: 'i.key_sum',
  count: (filter) => `COALESCE(sum(i.n)${f(filter)}, 0)::int`,
  sum: (expr, filter) => `COALESCE(sum(i.n * (${expr}))${f(filter)}, 0)::float8`,
  keySum: (filter) => `COALESCE(sum(i.key_sum)${f(filter)}, 0)::bigint`,
  inStudy: table === 'incident_cube' ? 'i.study_code IS NOT NULL' : 'i.in_study',
  meta: {
    kind: 'cube',
    reason: `every time boundary is a month start and ${what} (${table}) carries every filter and grouping`,
    rule: SOURCE_RULE,
  },
});

const CUBE = aggregate('incident_cube', 'the cube');
const ROLLUPS = TABLES.map((t) => ({ ...t, source: aggregate(t.table, t.what) }));

const forced = new AsyncLocalStorage<string>();

/** Run `fn` with every read from the incidents table (benchmarks and tests compare the two paths). */
export const readingIncidents = <T>(why: string, fn: () => Promise<T>): Promise<T> => forced.run(why, fn);

const isMonthStart = (d: string) => /^\d{4}-\d{2}-01$/.test(d);

/** The source for a read that needs `needs` (the rule: SOURCE_RULE). */
export function readSource(needs: SourceNeeds): Source {
  const why = forced.getStore();
  if (why !== undefined) return INCIDENTS(why);
  if (needs.lacks) return INCIDENTS(`the cube does not carry ${needs.lacks}`);
  if (needs.narrowing) return INCIDENTS("the cube does not carry a category set's narrowing (victim age, location type)");
  const odd = needs.bounds.find((d) => !isMonthStart(d));
  if (odd !== undefined) return INCIDENTS(`a time boundary (${odd}) is not the first day of a month`);
  const uses = needs.uses;
  if (uses === undefined) return CUBE;
  return ROLLUPS.find((t) => uses.every((c) => t.columns.includes(c)))?.source ?? CUBE;
}

/** The source of reads with no time boundary (every month: summary, categories). */
export const wholeSource = () => readSource({ bounds: [], uses: ['dataset'] });

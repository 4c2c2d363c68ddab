// Shared steps of the hotspot handlers: adding up counts and harm values per unit. (The request window and
// categories come from the aggregation API's aggregates/request.ts.)
import type { Queryable } from '../db/index.js';
import type { HarmScheme } from '../../geodata/harm/schemes.js';
import type { SqlWeights } from './sql.js';
import type { Units } from './units.js';
import { CELL_KEY_MODULUS } from '../../geodata/disclosure/cell-key.js';

export interface UnitCountRow {
  unit: string | null;
  n: number;
  /** Σ record_key mod 256 of the counted incidents (the cell key; absent in rows built without it). */
  n_ckey?: number;
  value: number;
  unweighted: number;
  /** Σ record_key mod 256 of the unweighted incidents (absent in rows built without it). */
  unweighted_ckey?: number;
}

export interface Totals {
  count: number[];
  value: number[];
  /** Cell key of each unit's count (Σ record keys mod 256): what partners' perturbation is indexed by. */
  key: number[];
  /** Incidents in the window outside the study area (in no ward polygon; for areas, in no area of the level). */
  outside: { count: number; value: number; key: number };
  /** Incidents whose category the scheme does not weigh (weight 0). */
  unweighted: number;
  /** Their cell key (Σ record keys mod 256). */
  unweightedKey: number;
}

export function emptyTotals(n: number): Totals {
  return {
    count: new Array<number>(n).fill(0),
    value: new Array<number>(n).fill(0),
    key: new Array<number>(n).fill(0),
    outside: { count: 0, value: 0, key: 0 },
    unweighted: 0,
    unweightedKey: 0,
  };
}

/** Adds one grouped row (count n, harm value, unweighted count, cell keys of n and of the unweighted) of `unit` into `t`. */
export function addRow(
  t: Totals,
  units: Units,
  unit: string | null,
  n: number,
  value: number,
  unweighted: number,
  key = 0,
  unweightedKey = 0,
) {
  if (n === 0) return;
  t.unweighted += unweighted;
  t.unweightedKey = (t.unweightedKey + unweightedKey) % CELL_KEY_MODULUS;
  const i = unit === null ? undefined : units.index.get(unit);
  if (i === undefined) {
    t.outside.count += n;
    t.outside.value += value;
    t.outside.key = (t.outside.key + key) % CELL_KEY_MODULUS;
    return;
  }
  t.count[i] += n;
  t.value[i] += value;
  t.key[i] = (t.key[i] + key) % CELL_KEY_MODULUS;
}

/** The cell key of several units' incidents together (a total): Σ of their keys mod 256. */
export const sumKeys = (keys: readonly number[]) => keys.reduce((s, k) => (s + k) % CELL_KEY_MODULUS, 0);

export function totalsOf(units: Units, rows: readonly UnitCountRow[]): Totals {
  const t = emptyTotals(units.ids.length);
  for (const r of rows) addRow(t, units, r.unit, r.n, r.value, r.unweighted, r.n_ckey, r.unweighted_ckey);
  return t;
}

/** The scheme as SQL arrays (null for the count scheme: every incident weighs 1). */
export const sqlWeights = (s: HarmScheme): SqlWeights | null =>
  s.name === 'count'
    ? null
    : {
        categories: Object.keys(s.weights),
        weights: Object.values(s.weights),
        codes: Object.keys(s.codeWeights ?? {}),
        codeWeights: Object.values(s.codeWeights ?? {}),
      };

/** Categories (of those requested, or of all known) that the scheme does not weigh: their incidents count 0
 *  in `value` unless they carry an offence code the scheme weighs. */
export async function unweightedCategories(db: Queryable, s: HarmScheme, categories: string[] | null): Promise<string[]> {
  if (s.name === 'count') return [];
  const rows = await db.query<{ slug: string }>(
    'SELECT slug FROM categories WHERE ($1::text[] IS NULL OR slug = ANY($1::text[])) ORDER BY slug',
    [categories],
  );
  return rows.map((r) => r.slug).filter((c) => !Object.hasOwn(s.weights, c));
}

/** The identifying fields of unit i: `h3` and `partial` (cut by the study area's boundary) for cells, `code` and `name` for areas. */
export function unitKey(units: Units, i: number): { h3: string; partial: boolean } | { code: string; name: string } {
  return units.kind === 'h3' ? { h3: units.ids[i], partial: units.partial![i] } : { code: units.ids[i], name: units.names![i] };
}

/** Finite numbers as they are; NaN and ±Infinity become null in JSON. */
export const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

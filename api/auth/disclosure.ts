// Statistical disclosure control for the partner role (depersonalised data under the Crime and
// Disorder Act information-sharing rules): no record-level data, and small counts suppressed.
//
// Rule (applied to every list of counts a partner receives, and to totals):
// 1. Primary suppression: a count below the threshold (setting `partner_min_count`, default 5 — i.e.
//    0 to 4) is withheld (null, with `suppressed: true`).
// 2. Complementary suppression: if a list withholds anything, the smallest shown counts are withheld too
//    until at least two counts are withheld and the withheld counts add up to at least the threshold.
//    The list's total (shown beside it, or in the summary) then reveals only the sum of two or more
//    withheld counts, never one of them, so suppression cannot be undone by subtraction from it.
// 3. Values derived from a withheld count (rate, change) are withheld with it.
// 0. Before all of that (issue 15), every count is perturbed by the ONS cell key method
//    (geodata/disclosure/cell-key.ts): the SQL computes `sum(record_key) % 256` beside each `count(*)`
//    (field `<name>_ckey` beside field `<name>`), and `perturbFields` replaces the count by its perturbed
//    value and drops the key. Totals are perturbed themselves, by the key of all their incidents (ONS
//    practice), not summed from perturbed parts: the same set of incidents gets the same answer on every
//    route, and parts need not add up to the total.
// 4. Partners' requests are limited to the published geographies and a fixed set of periods
//    (`partnerRequestRules`): wards and LSOAs, H3 at resolution PARTNER_H3_RES only, no drawn polygons;
//    single months, calendar quarters or 12 months ending at a quarter's end (contract/partner-periods.ts);
//    one category or one category set (or all) at a time (a set, e.g. @serious-violence with its narrowing, is
//    one named selection whose counts are perturbed and suppressed like any category's). Defaults a partner does not choose are snapped
//    to that set (`inPartnerRequest`, read by aggregates/request.ts). The fixed sets are what stops the
//    averaging attack: a month can no longer be reached through many overlapping windows or category sets.
// Residual risk and the measured rates of the differencing attacks: docs/DISCLOSURE.md. Hexagon
// requests from partners ignore `bbox` and list every cell of the study area (empty and withheld alike).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'hono';
import { getResolution, isValidCell } from 'h3-js';
import { PARTNER_H3_RES } from '../../contract/aggregates.js';
import { asMonth, PARTNER_PERIOD_RULE, partnerPeriodKind } from '../../contract/partner-periods.js';
import { CELL_KEY_MODULUS, cellKeyStatement, perturbCount, PTABLE_NAME } from '../../geodata/disclosure/cell-key.js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { getSetting } from './store.js';

/** The one H3 resolution partners may ask for (declared in the contract, which the web app shares). */
export { PARTNER_H3_RES };
/** The area levels partners may ask for (published geographies). */
export const PARTNER_LEVELS: readonly string[] = ['ward', 'lsoa'];

const KEY_SUFFIX = '_ckey';
/** The cell key field beside a count field. */
export const ckeyOf = (field: string) => `${field}${KEY_SUFFIX}`;

/**
 * Replaces each named count of `row` by its cell-key perturbed value and removes the keys. A count with
 * no key beside it is an error (it would otherwise reach a partner unperturbed); a null count stays null.
 */
export function perturbFields<T extends Record<string, unknown>>(row: T, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields) {
    const v = out[f];
    const k = out[ckeyOf(f)];
    delete out[ckeyOf(f)];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' || typeof k !== 'number') throw new Error(`count ${f} has no cell key: not perturbed`);
    out[f] = perturbCount(v, k);
  }
  return out as T;
}

/** The cell key of a sum of record keys (any size, as summed in JS over rows): the sum mod N. */
export const cellKeyOf = (keySum: number) => ((keySum % CELL_KEY_MODULUS) + CELL_KEY_MODULUS) % CELL_KEY_MODULUS;

/** A count perturbed by the cell key of its incidents' record-key sum (null stays null). */
export const perturbBySum = (count: number | null, keySum: number): number | null =>
  count === null ? null : perturbCount(count, cellKeyOf(keySum));

/**
 * A figure proportional to a count (harm, a value), scaled with the count's perturbation: value × perturbed /
 * true, so that the figure reveals no more than the perturbed count. Unchanged for a zero or null count.
 */
export const scaledWith = (value: number | null, count: number | null, perturbed: number | null): number | null =>
  value === null || count === null || perturbed === null || count <= 0 ? value : (value * perturbed) / count;

/** The same for every row of a list. */
export const perturbRows = <T extends Record<string, unknown>>(rows: readonly T[], fields: readonly string[] = ['count']) =>
  rows.map((r) => perturbFields(r, fields));

/** A copy without any cell key field (what non-partners get; a partner answer must have none left). */
export function stripCellKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripCellKeys) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!k.endsWith(KEY_SUFFIX)) out[k] = stripCellKeys(v);
    return out as T;
  }
  return value;
}

/** Cell keys stay on the answer for a partner's mask, and are removed for everyone else. */
export const keyedFor = <T>(c: Context, body: T): T =>
  (c.get('principal') as { user: { role: string } } | undefined)?.user.role === 'partner' ? body : stripCellKeys(body);

/** What a partner's answer says about its counts (`disclosure`). */
export const cellKeyDisclosure = (min: number) => ({
  min_count: min,
  method: 'ONS cell key method',
  ptable: PTABLE_NAME,
  statement: cellKeyStatement(min),
});

const restricted = (path: string, message: string) =>
  new ApiError(403, 'partner_restricted', `${path}: ${message}`, [{ path, message }]);

const partnerScope = new AsyncLocalStorage<true>();

/** Runs `fn` as a partner's request: defaults it does not choose are snapped to the partner periods. */
export const runAsPartner = <T>(fn: () => Promise<T>) => partnerScope.run(true, fn);

/** True inside a partner's request (see `runAsPartner`). */
export const inPartnerRequest = () => partnerScope.getStore() === true;

/** A query value as the list of its comma-separated parts (query strings) or its items (JSON bodies). */
const parts = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v.map(String) : String(v).split(',')).filter((x) => x !== '');

/**
 * Partners' requests (issue 15): published geographies, the fixed partner periods, one category (or set)
 * at a time. `get` reads a query parameter or body filter (raw, before validation: this runs first, and
 * validation still runs after it). `windows: 'months'`: the route answers single months only (a series), so
 * any whole-month window is allowed.
 */
export function partnerRequestRules(get: (name: string) => unknown, windows: 'periods' | 'months' = 'periods') {
  const one = (k: string) => {
    const v = get(k);
    return v === undefined || v === null ? undefined : String(v);
  };
  if (one('polygon') !== undefined)
    throw restricted('polygon', 'drawn areas are not available to partners (published geographies only: wards, LSOAs, H3)');
  const from = one('from');
  const to = one('to');
  for (const [k, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (v !== undefined && !asMonth(v))
      throw restricted(k, `partners ask for whole months (YYYY-MM or the 1st of a month), not ${JSON.stringify(v)}`);
  }
  if (windows === 'periods' && (from === undefined) !== (to === undefined))
    throw restricted(from === undefined ? 'from' : 'to', `partners give both from and to (${PARTNER_PERIOD_RULE})`);
  if (windows === 'periods' && from !== undefined && to !== undefined && !partnerPeriodKind(asMonth(from)!, asMonth(to)!))
    throw restricted('from', `${PARTNER_PERIOD_RULE}; ${asMonth(from)}..${asMonth(to)} is not one`);
  const compare = one('compare');
  if (compare !== undefined && !['1m', '3m', '12m'].includes(compare))
    throw restricted(
      'compare',
      `partners compare single months, quarters or 12 months (1m, 3m, 12m), not ${JSON.stringify(compare)}`,
    );
  const cats = parts(get('category'));
  if (cats.length > 1)
    throw restricted('category', 'partners ask for one category or one category set at a time (or all categories)');
  const res = one('res');
  if (res !== undefined && res !== String(PARTNER_H3_RES))
    throw restricted('res', `partners get H3 at resolution ${PARTNER_H3_RES} only`);
  const h3 = one('h3');
  if (h3 !== undefined && isValidCell(h3) && getResolution(h3) !== PARTNER_H3_RES)
    throw restricted('h3', `partners get H3 cells at resolution ${PARTNER_H3_RES} only`);
  const level = one('level');
  if (level !== undefined && !PARTNER_LEVELS.includes(level))
    throw restricted('level', `partners get the published geographies only (${PARTNER_LEVELS.join(', ')})`);
}

export const DEFAULT_MIN_COUNT = 5;

export async function minCount(db: Queryable): Promise<number> {
  const v = await getSetting<unknown>(db, 'partner_min_count', DEFAULT_MIN_COUNT);
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : DEFAULT_MIN_COUNT;
}

/** Which counts to withhold (true = withhold), by the primary + complementary rule above. */
export function suppressionMask(counts: readonly number[], min: number): boolean[] {
  const hide = counts.map((n) => n < min);
  let hidden = hide.filter(Boolean).length;
  if (hidden === 0) return hide;
  let sum = counts.reduce((s, n, i) => (hide[i] ? s + n : s), 0);
  // Shown counts, smallest first (ties: first in the list), to withhold one by one.
  const order = counts
    .map((n, i) => [n, i] as const)
    .filter(([, i]) => !hide[i])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [n, i] of order) {
    if (hidden >= 2 && sum >= min) break;
    hide[i] = true;
    hidden += 1;
    sum += n;
  }
  return hide;
}

/** A single total: withheld below the threshold. */
export const suppressTotal = (n: number, min: number): number | null => (n < min ? null : n);

/**
 * Applies the mask to `rows[key]`: withheld rows get `key: null`, `suppressed: true`, and every field in
 * `derived` set to null. Returns new rows.
 */
export function suppressRows<T extends Record<string, unknown>>(
  rows: readonly T[],
  key: keyof T,
  min: number,
  derived: (keyof T)[] = [],
): T[] {
  // A null count is no data (issue 11): not a count, so neither withheld nor used to mask others.
  const present = rows.map((r, i) => [r[key], i] as const).filter(([v]) => v !== null && v !== undefined);
  const sub = suppressionMask(
    present.map(([v]) => Number(v)),
    min,
  );
  const mask = new Array<boolean>(rows.length).fill(false);
  present.forEach(([, i], j) => (mask[i] = sub[j]));
  return rows.map((r, i) => {
    if (!mask[i]) return { ...r, suppressed: false };
    const out: Record<string, unknown> = { ...r, [key]: null, suppressed: true };
    for (const d of derived) out[d as string] = null;
    return out as T;
  });
}

export const AREA_RULE = 'counts below min_count withheld, with complementary suppression';

/**
 * Ward/area statistics for partners: current counts and the outside-study-area count form one list
 * (their sum is `total`), masked on `count` (withholding rate and change), then on `previous_count`
 * (withholding change); the total itself is withheld below the threshold.
 */
export function maskAreaStats<A extends { count: number | null; previous_count: number | null }>(
  areas: readonly A[],
  totals: { total: number | null; outside_study_area: number | null },
  min: number,
) {
  // A window with no data is null throughout (issue 11): nothing to withhold there, and null is not a count.
  const hasCurrent = totals.total !== null;
  const hasPrevious = areas.some((a) => a.previous_count !== null);
  const outside = {
    code: null,
    name: null,
    count: totals.outside_study_area,
    population: null,
    rate_per_1000: null,
    previous_count: hasPrevious ? 0 : null,
    change: 0,
  };
  let all = [...areas, outside] as Array<Record<string, unknown> & { count: number | null; previous_count: number | null }>;
  if (hasCurrent) all = suppressRows(all, 'count', min, ['rate_per_1000', 'change']);
  if (hasPrevious) all = suppressRows(all, 'previous_count', min, ['change']);
  return {
    areas: all.slice(0, -1) as unknown as Array<
      Omit<A, 'count' | 'previous_count'> & { count: number | null; previous_count: number | null; suppressed: boolean }
    >,
    total: hasCurrent ? suppressTotal(totals.total!, min) : null,
    outside_study_area: all[all.length - 1].count,
  };
}

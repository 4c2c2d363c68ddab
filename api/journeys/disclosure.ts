// Partner view of journey exposure (api/auth/disclosure.ts rule, applied per measure and per list).
// Partners get `count` (and what derives from it: rates, ratios, harm), `unknown_time` and
// `unknown_age`, each list suppressed on its own. `excluded` and `all` are withheld from partners
// altogether: all = count + unknown_time + unknown_age + excluded, so together with the three classes
// they would let a withheld class be recovered within a row by subtraction.
import { suppressRows, suppressTotal } from '../auth/disclosure.js';
import type { Tally } from '../../geodata/journeys/exposure.js';

const COUNT_DERIVED = ['rate_per_100m', 'harm_per_100m', 'ratio', 'harm_ratio', 'harm'];
export const PARTNER_RULE =
  'counts below min_count withheld with complementary suppression, per measure and list; excluded and all are not shown to partners';

export function suppressTallies<T extends object>(input: readonly T[], min: number): Array<T & { suppressed: boolean }> {
  type R = Record<string, unknown>;
  const rows = input as unknown as readonly R[];
  if (!rows.length) return [];
  const present = (ks: string[]) => ks.filter((k) => k in rows[0]);
  let out: R[] = rows.map((r) => ({ ...r, excluded: null, all: null }));
  const masks: boolean[][] = [];
  for (const [key, derived] of [
    ['count', present(COUNT_DERIVED)],
    ['unknown_time', []],
    ['unknown_age', []],
  ] as const) {
    out = suppressRows(out, key, min, derived as string[]);
    masks.push(out.map((r) => r[key] === null));
  }
  return out.map((r, i) => ({ ...r, suppressed: masks.some((m) => m[i]) })) as unknown as Array<T & { suppressed: boolean }>;
}

/** Counts per class with withheld ones null (partners never get `excluded` or `all`). */
export type MaskedTally = { [K in keyof Tally]: number | null };

export function suppressTallyTotal(t: Partial<Tally> & object, min: number): MaskedTally {
  const count = suppressTotal(t.count ?? 0, min);
  return {
    ...t,
    count,
    harm: count === null ? null : (t.harm ?? 0),
    unknown_time: suppressTotal(t.unknown_time ?? 0, min),
    unknown_age: suppressTotal(t.unknown_age ?? 0, min),
    excluded: null,
    all: null,
  };
}

// Partner view of journey exposure (api/auth/disclosure.ts rule, applied per measure and per list).
// Partners get `count` (and what derives from it: rates, ratios, harm), `unknown_time` and
// `unknown_age`, each list suppressed on its own. `excluded` and `all` are withheld from partners
// altogether: all = count + unknown_time + unknown_age + excluded, so together with the three classes
// they would let a withheld class be recovered within a row by subtraction.
// Before suppression (issue 15), `perturbExposure` perturbs every count a partner sees (count, unknown_time,
// unknown_age of each segment, route, school and the totals) by the ONS cell key method, from the record-key
// sums the exposure carries apart from its rows (./exposure.ts), and recomputes what derives from them:
// harm scaled with its count, rates per 100 m, the borough average (from its own perturbed numerator) and
// ratios. Rankings and worst lists are then ordered by the perturbed figures.
import { perturbBySum, scaledWith, suppressRows, suppressTotal } from '../auth/disclosure.js';
import type { Tally } from '../../geodata/journeys/exposure.js';
import type { ClassKeys, ExposureResult } from './exposure.js';

const COUNT_DERIVED = ['rate_per_100m', 'harm_per_100m', 'ratio', 'harm_ratio', 'harm'];
export const PARTNER_RULE =
  'counts perturbed by the ONS cell key method (rates, ratios and harm from the perturbed counts), then below min_count withheld with complementary suppression, per measure and list; excluded and all are not shown to partners';

const round = (v: number, d = 6) => Math.round(v * 10 ** d) / 10 ** d;
const per100 = (v: number, len: number) => (len > 0 ? (v / len) * 100 : 0);

type Keyed = Tally & { length_m?: number };

/** A tally's three classes perturbed by their keys, and its harm scaled with its count. */
function perturbTally<T extends Keyed>(t: T, k: ClassKeys | undefined): T {
  const keys = k ?? { count: 0, unknown_time: 0, unknown_age: 0 };
  const count = perturbBySum(t.count, keys.count)!;
  return {
    ...t,
    count,
    unknown_time: perturbBySum(t.unknown_time, keys.unknown_time)!,
    unknown_age: perturbBySum(t.unknown_age, keys.unknown_age)!,
    harm: round(scaledWith(t.harm, t.count, count)!),
  };
}

/**
 * The exposure as partners get it: every count perturbed by its cell key, every derived figure recomputed
 * from the perturbed counts (a rate or ratio from the true count would reveal it). `excluded` and `all` are
 * left as they are: partners never get them (suppressTallies).
 */
export function perturbExposure(x: ExposureResult): ExposureResult {
  const sumCount = x.segments.reduce((s, r) => s + r.count, 0);
  const sumHarm = x.segments.reduce((s, r) => s + r.harm, 0);
  const pCount = perturbBySum(sumCount, x.keys.average)!;
  const pHarm = scaledWith(sumHarm, sumCount, pCount)!;
  const length = x.average.length_m;
  const average = { ...x.average, rate_per_100m: per100(pCount, length), harm_per_100m: per100(pHarm, length) };
  const ratio = (rate: number, avg: number) => (avg > 0 ? round(rate / avg) : null);
  const segments = x.segments.map((s) => {
    const t = perturbTally(s, x.keys.segments.get(`${s.route_id}:${s.seq}`));
    const rate = per100(t.count, s.length_m);
    const hrate = per100(t.harm, s.length_m);
    return {
      ...t,
      rate_per_100m: round(rate),
      harm_per_100m: round(hrate),
      ratio: ratio(rate, average.rate_per_100m),
      harm_ratio: ratio(hrate, average.harm_per_100m),
    };
  });
  const routes = x.routes.map((r) => {
    const t = perturbTally(r, x.keys.routes.get(r.route_id));
    const rate = per100(t.count, r.length_m);
    return { ...t, rate_per_100m: round(rate), ratio: ratio(rate, average.rate_per_100m) };
  });
  const schools = x.schools.map((s) => perturbTally(s, x.keys.schools.get(s.school_id)));
  // The warning about incidents without a time of day names the true unknown_time total: not for partners.
  const warnings = x.meta.warnings.map((w) => w.replace(/^\d+ incident\(s\) near the routes/, 'Incidents near the routes'));
  return {
    ...x,
    segments,
    routes,
    schools,
    totals: perturbTally(x.totals, x.keys.totals),
    average,
    meta: { ...x.meta, warnings },
  };
}

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

// Monthly series from the API -> a complete month list, period sums and sparkline geometry.
import { monthRange, monthsBetween } from './months';

export interface MonthCount {
  month: string;
  /** Null when withheld (partners). */
  count: number | null;
}

/** Every month of [from, to), with 0 where the API returned nothing (withheld months stay null). */
export function fillMonths(months: readonly MonthCount[], from: string, to: string): MonthCount[] {
  const byMonth = new Map(months.map((m) => [m.month.slice(0, 7), m.count]));
  return monthRange(from, to).map((month) => ({ month, count: byMonth.has(month) ? byMonth.get(month)! : 0 }));
}

/** Sum of counts for months in [from, to); null when any of them is withheld. */
export function sumWindow(months: readonly MonthCount[], from: string, to: string): number | null {
  let s = 0;
  for (const m of months) {
    if (monthsBetween(from, m.month) < 0 || monthsBetween(m.month, to) <= 0) continue;
    if (m.count === null) return null;
    s += m.count;
  }
  return s;
}

export type Point2 = [number, number];

/** Sparkline coordinates for counts in a w x h box (y grows downwards; max at the top); withheld (null) counts get null. */
export function sparklineCoords(counts: readonly (number | null)[], w: number, h: number, pad = 2): (Point2 | null)[] {
  const max = Math.max(1, ...counts.filter((c): c is number => c !== null));
  const step = counts.length > 1 ? (w - 2 * pad) / (counts.length - 1) : 0;
  return counts.map((c, i) => (c === null ? null : [pad + i * step, h - pad - (c / max) * (h - 2 * pad)]));
}

/** Unbroken stretches of coordinates (a withheld month breaks the line). */
export function lineRuns(coords: readonly (Point2 | null)[]): Point2[][] {
  const runs: Point2[][] = [];
  let run: Point2[] = [];
  for (const c of coords) {
    if (c) run.push(c);
    else if (run.length) (runs.push(run), (run = []));
  }
  if (run.length) runs.push(run);
  return runs;
}

/** Points of a polyline through the counts, in a w x h box (y grows downwards; max at the top). */
export function sparklinePoints(counts: readonly number[], w: number, h: number, pad = 2): Point2[] {
  return sparklineCoords(counts, w, h, pad).filter((p): p is Point2 => p !== null);
}

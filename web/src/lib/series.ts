// Monthly series from the API -> a complete month list, period sums and sparkline geometry.
import { monthRange, monthsBetween } from './months';

export type MonthGap = 'no_data' | 'withheld';

export interface MonthCount {
  month: string;
  /** Null when the month is not covered by the data (a gap, issue 11) or withheld (partners). */
  count: number | null;
  /** Why the count is null. */
  gap?: MonthGap;
}

/**
 * Every month of [from, to), with 0 where the API returned nothing. A null month stays null, marked as
 * withheld (partners: `suppressed`) or no data (the month is not covered: a gap, never 0).
 */
export function fillMonths(
  months: readonly { month: string; count: number | null; suppressed?: boolean }[],
  from: string,
  to: string,
): MonthCount[] {
  const byMonth = new Map(months.map((m) => [m.month.slice(0, 7), m]));
  return monthRange(from, to).map((month) => {
    const m = byMonth.get(month);
    if (!m) return { month, count: 0 };
    if (m.count !== null) return { month, count: m.count };
    return { month, count: null, gap: m.suppressed ? 'withheld' : 'no_data' };
  });
}

/** Why the sum over [from, to) is unknown: any month without data makes it no data, else any withheld month withheld. */
export function windowGap(months: readonly MonthCount[], from: string, to: string): MonthGap | null {
  const inside = months.filter((m) => monthsBetween(from, m.month) >= 0 && monthsBetween(m.month, to) > 0);
  if (inside.some((m) => m.count === null && m.gap === 'no_data')) return 'no_data';
  return inside.some((m) => m.count === null) ? 'withheld' : null;
}

/** Runs of consecutive null months of one kind, as inclusive index ranges (for shading gaps in a sparkline). */
export function gapRuns(months: readonly MonthCount[]): { start: number; end: number; gap: MonthGap }[] {
  const runs: { start: number; end: number; gap: MonthGap }[] = [];
  months.forEach((m, i) => {
    if (m.count !== null) return;
    const gap = m.gap ?? 'withheld';
    const last = runs.at(-1);
    if (last && last.end === i - 1 && last.gap === gap) last.end = i;
    else runs.push({ start: i, end: i, gap });
  });
  return runs;
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
    else if (run.length) runs.push(run), (run = []);
  }
  if (run.length) runs.push(run);
  return runs;
}

/** Points of a polyline through the counts, in a w x h box (y grows downwards; max at the top). */
export function sparklinePoints(counts: readonly number[], w: number, h: number, pad = 2): Point2[] {
  return sparklineCoords(counts, w, h, pad).filter((p): p is Point2 => p !== null);
}

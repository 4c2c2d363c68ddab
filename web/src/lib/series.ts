// Monthly series from the API -> a complete month list, period sums and sparkline geometry.
import { monthRange, monthsBetween } from './months';

export interface MonthCount {
  month: string;
  count: number;
}

/** Every month of [from, to), with 0 where the API returned nothing. */
export function fillMonths(months: readonly MonthCount[], from: string, to: string): MonthCount[] {
  const byMonth = new Map(months.map((m) => [m.month.slice(0, 7), m.count]));
  return monthRange(from, to).map((month) => ({ month, count: byMonth.get(month) ?? 0 }));
}

/** Sum of counts for months in [from, to). */
export function sumWindow(months: readonly MonthCount[], from: string, to: string): number {
  let s = 0;
  for (const m of months) if (monthsBetween(from, m.month) >= 0 && monthsBetween(m.month, to) > 0) s += m.count;
  return s;
}

/** Points of a polyline through the counts, in a w x h box (y grows downwards; max at the top). */
export function sparklinePoints(counts: readonly number[], w: number, h: number, pad = 2): [number, number][] {
  if (counts.length === 0) return [];
  const max = Math.max(1, ...counts);
  const step = counts.length > 1 ? (w - 2 * pad) / (counts.length - 1) : 0;
  return counts.map((c, i) => [pad + i * step, h - pad - (c / max) * (h - 2 * pad)]);
}

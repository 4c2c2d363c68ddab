// Time windows for the aggregation API. Pure date arithmetic on civil dates (`YYYY-MM-DD`, UTC
// maths, no time zones: incidents.occurred_at is Europe/London civil time and is compared to
// these dates as plain timestamps). `from` is inclusive, `to` exclusive.
import { ApiError } from '../errors.js';

export interface Window {
  from: string;
  to: string;
}

/** Longest window a request may ask for. */
export const MAX_WINDOW_YEARS = 20;

const toDate = (d: string) => new Date(`${d}T00:00:00Z`);
const fmt = (t: Date) => t.toISOString().slice(0, 10);

export function addMonths(d: string, n: number): string {
  const t = toDate(d);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth() + n;
  // Clamp the day to the target month's length (31 Jan + 1 month = 28/29 Feb).
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return fmt(new Date(Date.UTC(y, m, Math.min(t.getUTCDate(), last))));
}

export function addDays(d: string, n: number): string {
  const t = toDate(d);
  t.setUTCDate(t.getUTCDate() + n);
  return fmt(t);
}

export const daysBetween = (from: string, to: string) => Math.round((toDate(to).getTime() - toDate(from).getTime()) / 86_400_000);

const isMonthStart = (d: string) => d.endsWith('-01');
const monthsBetween = (from: string, to: string) => {
  const a = toDate(from);
  const b = toDate(to);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
};

/** `YYYY-MM` → first day of the following month, `YYYY-MM-DD`. */
export const monthAfter = (month: string) => addMonths(`${month}-01`, 1);

/**
 * The same-length period just before `from`. When both ends are first days of months the length is
 * counted in whole months (2017-01..2018-01 → 2016-01..2017-01, whatever the days), otherwise in days.
 */
export function previousWindow(w: Window): Window {
  if (isMonthStart(w.from) && isMonthStart(w.to)) return { from: addMonths(w.from, -monthsBetween(w.from, w.to)), to: w.from };
  return { from: addDays(w.from, -daysBetween(w.from, w.to)), to: w.from };
}

/**
 * The default window for the data held: the 12 months up to and including the last month with data,
 * or from the first month if that is later. With no data, the 12 months up to the end of `today`'s month.
 */
export function defaultWindow(firstMonth: string | null, lastMonth: string | null, today = new Date()): Window {
  if (!firstMonth || !lastMonth) {
    const to = addMonths(`${fmt(today).slice(0, 7)}-01`, 1);
    return { from: addMonths(to, -12), to };
  }
  const to = monthAfter(lastMonth);
  const from = addMonths(to, -12);
  const first = `${firstMonth}-01`;
  return { from: from < first ? first : from, to };
}

/** Fill in missing ends from `fallback`, then check order and length (400 invalid_parameter). */
export function resolveWindow(q: { from?: string; to?: string }, fallback: Window): Window {
  const w = { from: q.from ?? fallback.from, to: q.to ?? fallback.to };
  if (w.to <= w.from) {
    throw new ApiError(400, 'invalid_parameter', `to (${w.to}) must be after from (${w.from})`, [
      { path: 'to', message: 'must be after from' },
    ]);
  }
  if (w.to > addMonths(w.from, 12 * MAX_WINDOW_YEARS)) {
    throw new ApiError(
      400,
      'invalid_parameter',
      `the window from ${w.from} to ${w.to} is longer than ${MAX_WINDOW_YEARS} years`,
      [{ path: 'to', message: `at most ${MAX_WINDOW_YEARS} years after from` }],
    );
  }
  return w;
}

/** Month starts (`YYYY-MM`) of every month that overlaps [from, to). */
export function monthsIn(w: Window): string[] {
  const out: string[] = [];
  for (let m = `${w.from.slice(0, 7)}-01`; m < w.to; m = addMonths(m, 1)) out.push(m.slice(0, 7));
  return out;
}

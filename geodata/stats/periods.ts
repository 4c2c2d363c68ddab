// Time periods for trend and emerging hot spot analysis.
//
// How to call: const ps = makePeriods('2016-01-01', '2018-07-01', '28d');  then periodIndex(ps, '2017-05-09')
// gives the period of a date (-1 outside). Dates are civil dates 'YYYY-MM-DD' (Europe/London civil time
// as stored, time of day ignored); `from` inclusive, `to` exclusive, like the API's from/to.
// - '28d' (default) and 'week': fixed-length periods counted BACKWARDS from `to`, so the last period is
//   complete and ends at `to`; a partial period left over at the start of the window is dropped
//   (reported in `droppedDays`). Four-week periods keep weekday mix constant across periods.
// - 'month' and 'quarter': calendar months / quarters (Jan–Mar, ...) lying wholly inside the window.
// Month-precision data (police.uk) must use 'month' or 'quarter': a 28-day or weekly bucket cannot be
// assigned from a month alone. periodsForPrecision() enforces that.

export const PERIOD_KINDS = ['28d', 'week', 'month', 'quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  index: number;
  /** First day, inclusive (YYYY-MM-DD). */
  start: string;
  /** Day after the last day, exclusive (YYYY-MM-DD). */
  end: string;
}

export interface Periods {
  kind: PeriodKind;
  periods: Period[];
  /** Days at the start of the window not covered by any period. */
  droppedDays: number;
}

const DAY_MS = 86_400_000;
const RE_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** 'YYYY-MM-DD' (optionally followed by a time) → days since 1970-01-01. */
export function dayNumber(date: string): number {
  const m = RE_DATE.exec(date);
  if (!m) throw new Error(`not a date "${date}" (use YYYY-MM-DD)`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== +m[1] || back.getUTCMonth() !== +m[2] - 1 || back.getUTCDate() !== +m[3])
    throw new Error(`not a real date "${date}"`);
  return ms / DAY_MS;
}

export function dayToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function makePeriods(from: string, to: string, kind: PeriodKind = '28d'): Periods {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (b <= a) throw new Error(`empty window: ${from} to ${to}`);
  const periods: Period[] = [];
  if (kind === '28d' || kind === 'week') {
    const len = kind === '28d' ? 28 : 7;
    const count = Math.floor((b - a) / len);
    if (count === 0) throw new Error(`window ${from} to ${to} is shorter than one ${kind} period`);
    const first = b - count * len;
    for (let i = 0; i < count; i++)
      periods.push({ index: i, start: dayToDate(first + i * len), end: dayToDate(first + (i + 1) * len) });
    return { kind, periods, droppedDays: first - a };
  }
  if (kind !== 'month' && kind !== 'quarter')
    throw new Error(`unknown period kind "${kind as string}" (use ${PERIOD_KINDS.join(', ')})`);
  const step = kind === 'month' ? 1 : 3;
  const d = new Date(a * DAY_MS);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  if (kind === 'quarter') m -= m % 3;
  if (Date.UTC(y, m, 1) / DAY_MS < a) m += step; // first boundary on or after `from`
  let firstStart: number | undefined;
  for (;;) {
    const s = Date.UTC(y, m, 1) / DAY_MS;
    const e = Date.UTC(y, m + step, 1) / DAY_MS;
    if (e > b) break;
    firstStart ??= s;
    periods.push({ index: periods.length, start: dayToDate(s), end: dayToDate(e) });
    m += step;
    if (m >= 12) {
      y += Math.floor(m / 12);
      m %= 12;
    }
  }
  if (periods.length === 0) throw new Error(`window ${from} to ${to} holds no whole ${kind}`);
  return { kind, periods, droppedDays: (firstStart as number) - a };
}

/** Index of the period containing `date`, or -1 if it falls outside every period. */
export function periodIndex(ps: Periods, date: string): number {
  const d = dayNumber(date);
  const list = ps.periods;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = list[mid];
    if (d < dayNumber(p.start)) hi = mid - 1;
    else if (d >= dayNumber(p.end)) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** makePeriods, refusing period kinds finer than the data's time precision. */
export function periodsForPrecision(from: string, to: string, kind: PeriodKind, precision: 'month' | 'day' | 'minute'): Periods {
  if (precision === 'month' && (kind === '28d' || kind === 'week'))
    throw new Error(`the data have month precision (e.g. police.uk): ${kind} periods cannot be formed; use 'month' or 'quarter'`);
  return makePeriods(from, to, kind);
}

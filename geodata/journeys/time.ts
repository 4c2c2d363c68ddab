// School-journey time windows, the term calendar, and Europe/London civil time.
//
// incidents.occurred_at is Europe/London *civil* time ("YYYY-MM-DD HH:MM:SS", what a clock in Lewisham
// showed) with a precision. Windows ("07:30-09:30") are civil times too, so whether an incident falls in
// a window is a comparison of civil times: it needs no time-zone arithmetic and the same window means
// the same clock times in GMT and BST. Time zones matter only when an instant (UTC) must become civil
// time (`toLondonCivil`) or a civil time an instant (`londonToInstant`, e.g. to measure how many real
// hours a set of windows lasts across a clock change: `windowHours`).
//
// Classification of an incident (`classifyTime`): 'in', 'out', or 'unknown', never a guess:
// - precision minute: in when the day is a chosen weekday (and in term, if term_only) and the time is in a window;
// - precision day: the date is known but not the time: 'out' when the day fails the day/term test, else 'unknown';
// - precision month: 'out' when no day of that month passes the day/term test, else 'unknown'.
import { instantToLondon } from '../dates.js';

export type Precision = 'month' | 'day' | 'minute';
export type TimeClass = 'in' | 'out' | 'unknown';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Window {
  /** Minutes after civil midnight, start inclusive, end exclusive (end > start; no window crosses midnight). */
  start: number;
  end: number;
}

export interface Term {
  /** First and last day of the term, inclusive, YYYY-MM-DD. */
  starts_on: string;
  ends_on: string;
}

export interface JourneyTimes {
  windows: Window[];
  days: Weekday[];
  termOnly: boolean;
  terms: Term[];
}

export const DEFAULT_WINDOWS = '07:30-09:30,14:30-18:30';
export const DEFAULT_DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

const HM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** "07:30-09:30,14:30-18:30" → windows; "24:00" is allowed as an end. Throws with a message on bad input. */
export function parseWindows(s: string): Window[] {
  const parts = s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!parts.length) throw new Error('give at least one window as HH:MM-HH:MM');
  if (parts.length > 8) throw new Error('at most 8 windows');
  const out = parts.map((p) => {
    const [a, b, extra] = p.split('-');
    const ma = HM.exec(a ?? ''),
      mb = b === '24:00' ? [b, '24', '00'] : HM.exec(b ?? '');
    if (!ma || !mb || extra !== undefined) throw new Error(`"${p}" is not a window HH:MM-HH:MM`);
    const w = { start: +ma[1] * 60 + +ma[2], end: +mb[1] * 60 + +mb[2] };
    if (w.end <= w.start) throw new Error(`window "${p}" must end after it starts (windows cannot cross midnight; split them)`);
    return w;
  });
  const sorted = [...out].sort((x, y) => x.start - y.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].start < sorted[i - 1].end) throw new Error('windows must not overlap');
  return sorted;
}

export const formatWindows = (ws: readonly Window[]) =>
  ws
    .map((w) => `${pad(Math.floor(w.start / 60))}:${pad(w.start % 60)}-${pad(Math.floor(w.end / 60))}:${pad(w.end % 60)}`)
    .join(',');

/** "mon-fri", "sat,sun", "mon,wed-fri" → weekdays in order. Throws on bad input. */
export function parseDays(s: string): Weekday[] {
  const set = new Set<Weekday>();
  for (const part of s
    .toLowerCase()
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const [a, b, extra] = part.split('-');
    const ia = WEEKDAYS.indexOf(a as Weekday),
      ib = b === undefined ? ia : WEEKDAYS.indexOf(b as Weekday);
    if (ia < 0 || ib < 0 || extra !== undefined || ib < ia)
      throw new Error(`"${part}" is not a day or range of days (mon..sun, e.g. mon-fri)`);
    for (let i = ia; i <= ib; i++) set.add(WEEKDAYS[i]);
  }
  if (!set.size) throw new Error('give at least one day');
  return WEEKDAYS.filter((d) => set.has(d));
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})/;

/** The weekday of a civil date (YYYY-MM-DD...), by the proleptic Gregorian calendar. */
export function weekdayOf(date: string): Weekday {
  const m = YMD.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  const js = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay(); // 0 = Sunday
  return WEEKDAYS[(js + 6) % 7];
}

/** Whether a civil date lies in a term (terms are inclusive at both ends). */
export const inTerm = (date: string, terms: readonly Term[]) => {
  const d = date.slice(0, 10);
  return terms.some((t) => d >= t.starts_on && d <= t.ends_on);
};

/** Whether a civil date passes the day-of-week and (when term_only) the term test. */
export function dayQualifies(date: string, t: JourneyTimes): boolean {
  return t.days.includes(weekdayOf(date)) && (!t.termOnly || inTerm(date, t.terms));
}

const civilMinutes = (civil: string) => {
  const m = /[T ](\d{2}):(\d{2})/.exec(civil);
  if (!m) throw new Error(`no time in ${civil}`);
  return +m[1] * 60 + +m[2];
};

const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** In a school-journey window, out of one, or unknown (see the rules at the top). */
export function classifyTime(civil: string, precision: Precision, t: JourneyTimes): TimeClass {
  if (precision === 'month') {
    const m = YMD.exec(civil)!;
    const y = +m[1],
      mo = +m[2];
    for (let d = 1; d <= daysInMonth(y, mo); d++) if (dayQualifies(ymd(y, mo, d), t)) return 'unknown';
    return 'out';
  }
  if (!dayQualifies(civil, t)) return 'out';
  if (precision === 'day') return 'unknown';
  const min = civilMinutes(civil);
  return t.windows.some((w) => min >= w.start && min < w.end) ? 'in' : 'out';
}

// ---------- civil time ↔ instants (DST) ----------

/** An instant (ms since the epoch) → Europe/London civil time "YYYY-MM-DD HH:MM:SS". */
export const toLondonCivil = (ms: number) => instantToLondon(ms);

const civilAsUtc = (civil: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(civil);
  if (!m) throw new Error(`not a civil time: ${civil}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
};

/** Europe/London's offset from UTC (ms) at an instant. */
function londonOffset(ms: number): number {
  return civilAsUtc(instantToLondon(ms)) - Math.floor(ms / 1000) * 1000;
}

/**
 * Europe/London civil time → the instant. Civil times that happen twice (01:00-01:59 on the last
 * Sunday of October) give the first, BST, occurrence; civil times that never happen (01:00-01:59 on
 * the last Sunday of March) give the instant the clocks went forward (01:00 UTC).
 */
export function londonToInstant(civil: string): number {
  const naive = civilAsUtc(civil);
  const before = londonOffset(naive - 3 * 3_600_000),
    after = londonOffset(naive + 3 * 3_600_000);
  // Larger offset first: on an October Sunday that is the first (BST) occurrence.
  for (const off of [...new Set([before, after])].sort((a, b) => b - a)) {
    if (civilAsUtc(instantToLondon(naive - off)) === naive) return naive - off;
  }
  // In the spring gap: bisect for the moment the offset changed (to the second).
  let lo = naive - Math.max(before, after),
    hi = naive - Math.min(before, after);
  const offLo = londonOffset(lo);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (londonOffset(mid) === offLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

const HOUR = 3_600_000;

/**
 * Real hours of school-journey time between civil dates `from` (inclusive) and `to` (exclusive): the
 * length of the set of instants whose London civil time is on a qualifying day and inside a window.
 * On a clock-change day this differs from the clock length when a window covers 01:00-02:00 (an hour
 * that does not happen in March and happens twice in October); those two days a year are measured
 * minute by minute, every other day is its windows' clock length.
 */
export function windowHours(from: string, to: string, t: JourneyTimes): number {
  let minutes = 0;
  const [fy, fm, fd] = from.split('-').map(Number);
  for (let day = Date.UTC(fy, fm - 1, fd); ; day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    if (date >= to) break;
    if (!dayQualifies(date, t)) continue;
    if (londonOffset(day - 3 * HOUR) === londonOffset(day + 27 * HOUR)) {
      for (const w of t.windows) minutes += w.end - w.start;
      continue;
    }
    for (let ms = day - 2 * HOUR; ms < day + 26 * HOUR; ms += 60_000) {
      const civil = instantToLondon(ms);
      if (civil.slice(0, 10) !== date) continue;
      const min = civilMinutes(civil);
      if (t.windows.some((w) => min >= w.start && min < w.end)) minutes += 1;
    }
  }
  return minutes / 60;
}

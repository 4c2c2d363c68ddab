// Time playback over the count maps (issue 14): the steps are the whole months of the period (or its weeks or
// days where the data have dates), each step shows a rolling window of N steps ending at its step, and the colour scale is fixed for the whole
// playback (classes from the union of every step's values). Pure.
import { classBreaks, type ClassMethod, type Classes, type ValueKind } from '../map/classify';
import { formatCount, formatRate } from './format';
import { addMonths, isMonth, monthRange, monthsBetween, windowLabel } from './months';

/** Rolling-window lengths offered, in months (1 = a single month). */
export const PLAYBACK_WINDOWS = [1, 3, 6, 12] as const;
export type PlaybackWindow = number;

/**
 * What a step is (issue 14): months always; weeks and days only where the API says every incident of the
 * period has a date (GET /stats/areas `time.steps`; police.uk street data are dated by month only).
 */
export const PLAYBACK_UNITS = ['month', 'week', 'day'] as const;
export type PlaybackUnit = (typeof PLAYBACK_UNITS)[number];

/** Rolling-window lengths offered per unit (in that unit). */
export const UNIT_WINDOWS: Record<PlaybackUnit, readonly number[]> = {
  month: PLAYBACK_WINDOWS,
  week: [1, 4, 13],
  day: [1, 7, 28],
};

/**
 * Most steps a playback fetches up front (one statistics and one hexagon request each): a year of weeks (53),
 * two months of days. A longer period is played in a coarser unit.
 */
export const MAX_STEPS = 62;

/** The URL part of playback: the step shown (null = playback off, the whole period), its unit and the window. */
export interface PlaybackView {
  /** The step shown: `YYYY-MM` for months, its first day `YYYY-MM-DD` for weeks and days. */
  month: string | null;
  window: PlaybackWindow;
  unit: PlaybackUnit;
}
export const DEFAULT_PLAYBACK: PlaybackView = { month: null, window: 1, unit: 'month' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s: unknown): s is string =>
  typeof s === 'string' && DAY.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

export function parsePlaybackUnit(s: string | null | undefined): PlaybackUnit {
  return (PLAYBACK_UNITS as readonly string[]).includes(s ?? '') ? (s as PlaybackUnit) : 'month';
}

export function parsePlaybackWindow(s: string | null | undefined, unit: PlaybackUnit = 'month'): PlaybackWindow {
  const n = Number(s);
  return UNIT_WINDOWS[unit].includes(n) ? n : DEFAULT_PLAYBACK.window;
}

export function parsePlayback(q: URLSearchParams): PlaybackView {
  const unit = parsePlaybackUnit(q.get('punit'));
  const m = q.get('pstep');
  const ok = unit === 'month' ? isMonth(m) : isDay(m);
  return { month: ok ? m : null, window: parsePlaybackWindow(q.get('pwin'), unit), unit };
}

export function writePlayback(q: URLSearchParams, p: PlaybackView | undefined): void {
  if (!p) return;
  if (p.month) q.set('pstep', p.month);
  if (p.window !== DEFAULT_PLAYBACK.window) q.set('pwin', String(p.window));
  if (p.unit !== 'month') q.set('punit', p.unit);
}

const STEP_DAYS = { week: 7, day: 1 } as const;
export function addDays(d: string, n: number): string {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/**
 * The steps of a period [from, to) (whole months): its months, or its weeks (7 days from the period's first
 * day; the last one may be short) or days, oldest first.
 */
export function playbackSteps(period: { from: string; to: string } | null, unit: PlaybackUnit = 'month'): string[] {
  if (!period || !isMonth(period.from) || !isMonth(period.to)) return [];
  if (unit === 'month') return monthRange(period.from, period.to);
  const out: string[] = [];
  const end = `${period.to}-01`;
  for (let d = `${period.from}-01`; d < end; d = addDays(d, STEP_DAYS[unit])) out.push(d);
  return out;
}

/** Whether a unit can play a period: its steps fit MAX_STEPS (the reason when not). */
export function unitFits(period: { from: string; to: string } | null, unit: PlaybackUnit): string | null {
  const n = playbackSteps(period, unit).length;
  return n <= MAX_STEPS ? null : `${n} ${unit}s: at most ${MAX_STEPS} steps (choose a shorter period)`;
}

/**
 * The window a step shows: the `n` months ending at `month` (to exclusive), never starting before the
 * period's first month (`floor`), so no step reaches into months the period does not hold. Weeks and days:
 * the `n` weeks or days ending with the step's, within [floor, ceiling) (days `YYYY-MM-DD`).
 */
export function stepWindow(
  month: string,
  n: number,
  floor?: string,
  unit: PlaybackUnit = 'month',
  ceiling?: string,
): { from: string; to: string } {
  if (!Number.isInteger(n) || n < 1) throw new Error(`Window must be a whole number of steps >= 1, got ${n}`);
  if (unit !== 'month') {
    if (!isDay(month)) throw new Error(`Not a YYYY-MM-DD day: ${month}`);
    let to = addDays(month, STEP_DAYS[unit]);
    if (ceiling && to > ceiling) to = ceiling;
    let from = addDays(month, -STEP_DAYS[unit] * (n - 1));
    if (floor && from < floor) from = floor;
    return { from, to };
  }
  if (!isMonth(month)) throw new Error(`Not a YYYY-MM month: ${month}`);
  const to = addMonths(month, 1);
  let from = addMonths(to, -n);
  if (floor && isMonth(floor) && monthsBetween(from, floor) > 0) from = floor;
  return { from, to };
}

/** Every step's window, in step order (`periodTo`: the period's exclusive end month, for short last weeks). */
export function stepWindows(
  steps: readonly string[],
  n: number,
  unit: PlaybackUnit = 'month',
  periodTo?: string,
): { from: string; to: string }[] {
  const ceiling = periodTo && isMonth(periodTo) ? `${periodTo}-01` : undefined;
  return steps.map((m) => stepWindow(m, n, steps[0], unit, ceiling));
}

/** The step index of a month (null when the month is not a step). */
export function stepIndex(steps: readonly string[], month: string | null): number | null {
  if (!month) return null;
  const i = steps.indexOf(month);
  return i < 0 ? null : i;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Tue 5 Mar 2024". */
export function dayLabel(d: string): string {
  const t = new Date(`${d}T00:00:00Z`);
  return `${WEEKDAYS[t.getUTCDay()]} ${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}`;
}

/**
 * "Mar 2024" or, for a rolling window, "Jan 2024 – Mar 2024 (3 months to Mar 2024)"; weeks and days:
 * "Mon 4 Mar 2024" or "Mon 4 Mar 2024 – Sun 10 Mar 2024" (days inclusive), with "(k of n weeks: period
 * starts)" for a window cut by the period's start.
 */
export function stepLabel(w: { from: string; to: string }, n: number, unit: PlaybackUnit = 'month'): string {
  if (unit !== 'month') {
    const last = addDays(w.to, -1);
    const label = last === w.from ? dayLabel(w.from) : `${dayLabel(w.from)} – ${dayLabel(last)}`;
    const steps = Math.ceil(daysBetween(w.from, w.to) / STEP_DAYS[unit]);
    return n > 1 && steps < n ? `${label} (${steps} of ${n} ${unit}s: period starts)` : label;
  }
  const months = monthsBetween(w.from, w.to);
  const label = windowLabel(w.from, w.to);
  if (n === 1) return label;
  return months < n ? `${label} (${months} of ${n} months: period starts)` : label;
}

/**
 * The fixed scale: classes from the union of every step's values (null when no step has a value, or
 * while any step is still missing: a scale from some steps only would change as the rest arrive).
 */
export function fixedScale(
  steps: readonly (readonly (number | null | undefined)[] | null | undefined)[],
  method: ClassMethod,
  kind: ValueKind = 'count',
): Classes | null {
  if (steps.length === 0 || steps.some((s) => !s)) return null;
  return classBreaks(
    steps.flatMap((s) => s as (number | null | undefined)[]),
    method,
    kind,
  );
}

/** The legend's statement of the fixed scale: "scale fixed for playback: 0–41". */
export function fixedScaleText(c: Classes | null): string | null {
  if (!c) return null;
  const f = c.kind === 'rate' ? formatRate : formatCount;
  return `scale fixed for playback: ${f(c.min)}–${f(c.max)}`;
}

// Time playback over the count maps (issue 14): the steps are the whole months of the period, each step
// shows a rolling window of N months ending at its month, and the colour scale is fixed for the whole
// playback (classes from the union of every step's values). Pure.
import { classBreaks, type ClassMethod, type Classes, type ValueKind } from '../map/classify';
import { formatCount, formatRate } from './format';
import { addMonths, isMonth, monthRange, monthsBetween, windowLabel } from './months';

/** Rolling-window lengths offered, in months (1 = a single month). */
export const PLAYBACK_WINDOWS = [1, 3, 6, 12] as const;
export type PlaybackWindow = (typeof PLAYBACK_WINDOWS)[number];

/** The URL part of playback: the month shown (null = playback off, the whole period) and the window. */
export interface PlaybackView {
  month: string | null;
  window: PlaybackWindow;
}
export const DEFAULT_PLAYBACK: PlaybackView = { month: null, window: 1 };

export function parsePlaybackWindow(s: string | null | undefined): PlaybackWindow {
  const n = Number(s);
  return (PLAYBACK_WINDOWS as readonly number[]).includes(n) ? (n as PlaybackWindow) : DEFAULT_PLAYBACK.window;
}

export function parsePlayback(q: URLSearchParams): PlaybackView {
  const m = q.get('pstep');
  return { month: isMonth(m) ? m : null, window: parsePlaybackWindow(q.get('pwin')) };
}

export function writePlayback(q: URLSearchParams, p: PlaybackView | undefined): void {
  if (!p) return;
  if (p.month) q.set('pstep', p.month);
  if (p.window !== DEFAULT_PLAYBACK.window) q.set('pwin', String(p.window));
}

/** The steps of a period [from, to): its whole months, oldest first. */
export function playbackSteps(period: { from: string; to: string } | null): string[] {
  if (!period || !isMonth(period.from) || !isMonth(period.to)) return [];
  return monthRange(period.from, period.to);
}

/**
 * The window a step shows: the `n` months ending at `month` (to exclusive), never starting before the
 * period's first month (`floor`), so no step reaches into months the period does not hold.
 */
export function stepWindow(month: string, n: number, floor?: string): { from: string; to: string } {
  if (!isMonth(month)) throw new Error(`Not a YYYY-MM month: ${month}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Window must be a whole number of months >= 1, got ${n}`);
  const to = addMonths(month, 1);
  let from = addMonths(to, -n);
  if (floor && isMonth(floor) && monthsBetween(from, floor) > 0) from = floor;
  return { from, to };
}

/** Every step's window, in step order. */
export function stepWindows(steps: readonly string[], n: number): { from: string; to: string }[] {
  return steps.map((m) => stepWindow(m, n, steps[0]));
}

/** The step index of a month (null when the month is not a step). */
export function stepIndex(steps: readonly string[], month: string | null): number | null {
  if (!month) return null;
  const i = steps.indexOf(month);
  return i < 0 ? null : i;
}

/** "Mar 2024" or, for a rolling window, "Jan 2024 – Mar 2024 (3 months to Mar 2024)". */
export function stepLabel(w: { from: string; to: string }, n: number): string {
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

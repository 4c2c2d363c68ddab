// Count-map playback (issue 14, branch playback): steps from a period, rolling windows, the fixed colour
// scale, the URL keys. The scale is checked on real police.uk burglary rows (Lewisham and Hackney), counted
// per LSOA for each step's window.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classBreaks, classIndex } from '../web/src/map/classify';
import {
  DEFAULT_PLAYBACK,
  fixedScale,
  fixedScaleText,
  parsePlayback,
  playbackSteps,
  stepIndex,
  stepLabel,
  stepWindow,
  stepWindows,
  unitFits,
  writePlayback,
} from '../web/src/lib/playback';
import { monthsBetween } from '../web/src/lib/months';
import { formatView, parseView } from '../web/src/state/url-state';
import { SHARED } from './helpers/shared';

/** Rows per month per LSOA from a police.uk street CSV (Month is column 2, LSOA code column 8). */
function monthlyCounts(file: string) {
  const lines = readFileSync(path.join(SHARED, file), 'utf8').trim().split('\n').slice(1);
  const byMonth = new Map<string, Map<string, number>>();
  const lsoas = new Set<string>();
  for (const line of lines) {
    const cols = line.split(',');
    const month = cols[1];
    const lsoa = cols[7];
    if (!lsoa) continue;
    lsoas.add(lsoa);
    const m = byMonth.get(month) ?? new Map<string, number>();
    m.set(lsoa, (m.get(lsoa) ?? 0) + 1);
    byMonth.set(month, m);
  }
  return { byMonth, lsoas: [...lsoas] };
}

/** Counts per LSOA in [from, to) (0 where a known LSOA has none). */
function windowCounts(d: ReturnType<typeof monthlyCounts>, w: { from: string; to: string }): number[] {
  return d.lsoas.map((l) => {
    let n = 0;
    for (const [m, counts] of d.byMonth) if (m >= w.from && m < w.to) n += counts.get(l) ?? 0;
    return n;
  });
}

describe('steps and windows', () => {
  it('steps are the whole months of the period, to exclusive', () => {
    const steps = playbackSteps({ from: '2024-03', to: '2025-03' });
    expect(steps).toHaveLength(12);
    expect(steps[0]).toBe('2024-03');
    expect(steps.at(-1)).toBe('2025-02');
    expect(playbackSteps({ from: '2024-11', to: '2025-02' })).toEqual(['2024-11', '2024-12', '2025-01']);
    expect(playbackSteps(null)).toEqual([]);
    expect(playbackSteps({ from: '2024-03-01', to: '2025-03-01' })).toEqual([]);
  });

  it('a rolling window is the N months ending at the step, never before the period', () => {
    expect(stepWindow('2024-06', 1)).toEqual({ from: '2024-06', to: '2024-07' });
    expect(stepWindow('2024-06', 3)).toEqual({ from: '2024-04', to: '2024-07' });
    expect(stepWindow('2024-01', 12)).toEqual({ from: '2023-02', to: '2024-02' });
    expect(stepWindow('2024-02', 6, '2024-01')).toEqual({ from: '2024-01', to: '2024-03' });
    const steps = playbackSteps({ from: '2023-01', to: '2024-01' });
    const ws = stepWindows(steps, 6);
    expect(ws.map((w) => monthsBetween(w.from, w.to))).toEqual([1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6]);
    expect(() => stepWindow('2024-13', 1)).toThrow(/YYYY-MM/);
    expect(() => stepWindow('2024-05', 0)).toThrow(/whole number/);
  });

  it('labels say the window, and when it is cut short by the period start', () => {
    expect(stepLabel({ from: '2024-06', to: '2024-07' }, 1)).toBe('Jun 2024');
    expect(stepLabel({ from: '2024-04', to: '2024-07' }, 3)).toBe('Apr 2024 – Jun 2024');
    expect(stepLabel({ from: '2024-01', to: '2024-03' }, 6)).toBe('Jan 2024 – Feb 2024 (2 of 6 months: period starts)');
  });

  it('stepIndex finds a step month, null otherwise', () => {
    const steps = playbackSteps({ from: '2024-01', to: '2024-04' });
    expect(stepIndex(steps, '2024-02')).toBe(1);
    expect(stepIndex(steps, '2023-12')).toBeNull();
    expect(stepIndex(steps, null)).toBeNull();
  });
});

describe.each([
  ['Lewisham', 'lewisham_burglary_street_2022-03_2025-02.csv'],
  ['Hackney', 'hackney_burglary_street_2022-03_2025-02.csv'],
])('fixed scale on %s burglary', (_name, file) => {
  const d = monthlyCounts(file);
  const steps = playbackSteps({ from: '2024-03', to: '2025-03' });

  it.each([1, 3, 12])('window %i: one scale for every step, covering every step’s values', (n) => {
    const per = stepWindows(steps, n).map((w) => windowCounts(d, w));
    const scale = fixedScale(per, 'jenks')!;
    const all = per.flat();
    expect(scale.min).toBe(Math.min(...all));
    expect(scale.max).toBe(Math.max(...all));
    // It is the classification of the union, so a step's own classes differ where its range does.
    expect(scale).toEqual(classBreaks(all, 'jenks', 'count'));
    const own = per.map((v) => classBreaks(v, 'jenks', 'count')!);
    expect(own.some((c) => c.max !== scale.max)).toBe(true);
    // Every step's values fall in the scale's classes (none above the top or below the bottom).
    for (const v of per) for (const x of v) expect(classIndex(scale, x)).toBeLessThanOrEqual(scale.thresholds.length);
    expect(fixedScaleText(scale)).toBe(`scale fixed for playback: ${scale.min}–${scale.max.toLocaleString('en-GB')}`);
  });

  it('longer windows hold more incidents (the top of the scale grows)', () => {
    const top = (n: number) =>
      fixedScale(
        stepWindows(steps, n).map((w) => windowCounts(d, w)),
        'quantile',
      )!.max;
    expect(top(3)).toBeGreaterThan(top(1));
    expect(top(12)).toBeGreaterThan(top(3));
  });
});

describe('fixed scale edge cases', () => {
  it('no scale until every step has answered, or when no step has a value', () => {
    expect(fixedScale([[1, 2], undefined], 'jenks')).toBeNull();
    expect(fixedScale([], 'jenks')).toBeNull();
    expect(fixedScale([[null], [null]], 'jenks')).toBeNull();
    expect(fixedScaleText(null)).toBeNull();
  });
  it('rates are classed as rates', () => {
    const s = fixedScale([[0.5, 1.25], [3.75]], 'quantile', 'rate')!;
    expect(s.kind).toBe('rate');
    expect(fixedScaleText(s)).toMatch(/^scale fixed for playback: 0\.5.*3\.8$/);
  });
});

describe('URL', () => {
  it('round-trips the month and window (pstep, pwin) and rejects bad values', () => {
    expect(parsePlayback(new URLSearchParams(''))).toEqual(DEFAULT_PLAYBACK);
    expect(parsePlayback(new URLSearchParams('pstep=2024-05&pwin=6'))).toEqual({ month: '2024-05', window: 6, unit: 'month' });
    expect(parsePlayback(new URLSearchParams('pstep=2024-5&pwin=5'))).toEqual({ month: null, window: 1, unit: 'month' });
    const q = new URLSearchParams();
    writePlayback(q, { month: '2024-05', window: 3, unit: 'month' });
    expect(q.toString()).toBe('pstep=2024-05&pwin=3');
    const v = parseView('/', '?from=2024-03&to=2025-03&pstep=2024-07&pwin=12');
    expect(v.playback).toEqual({ month: '2024-07', window: 12, unit: 'month' });
    expect(formatView(v)).toBe('/?from=2024-03&to=2025-03&pstep=2024-07&pwin=12');
    expect(parseView('/present', '?pstep=2024-07').playback.month).toBe('2024-07');
    expect(formatView({ ...v, playback: DEFAULT_PLAYBACK })).toBe('/?from=2024-03&to=2025-03');
  });
  it('weeks and days: the step is a day (punit), windows per unit, bad values fall back to months', () => {
    expect(parsePlayback(new URLSearchParams('punit=week&pstep=2024-04-05&pwin=4'))).toEqual({
      month: '2024-04-05',
      window: 4,
      unit: 'week',
    });
    // a month step is not a week step; 6 is no week window
    expect(parsePlayback(new URLSearchParams('punit=week&pstep=2024-04&pwin=6'))).toEqual({
      month: null,
      window: 1,
      unit: 'week',
    });
    expect(parsePlayback(new URLSearchParams('punit=day&pstep=2024-02-30'))).toEqual({ month: null, window: 1, unit: 'day' });
    expect(parsePlayback(new URLSearchParams('punit=hour&pstep=2024-04'))).toEqual({
      month: '2024-04',
      window: 1,
      unit: 'month',
    });
    const q = new URLSearchParams();
    writePlayback(q, { month: '2024-04-09', window: 7, unit: 'day' });
    expect(q.toString()).toBe('pstep=2024-04-09&pwin=7&punit=day');
  });
});

describe('week and day steps', () => {
  it('weeks run 7 days from the period start, the last one cut at its end; days are every day', () => {
    const weeks = playbackSteps({ from: '2024-01', to: '2025-01' }, 'week');
    expect(weeks).toHaveLength(53);
    expect(weeks.slice(0, 2)).toEqual(['2024-01-01', '2024-01-08']);
    const ws = stepWindows(weeks, 1, 'week', '2025-01');
    expect(ws.at(-1)).toEqual({ from: '2024-12-30', to: '2025-01-01' });
    expect(stepLabel(ws.at(-1)!, 1, 'week')).toBe('Mon 30 Dec 2024 – Tue 31 Dec 2024');
    expect(stepLabel(stepWindows(weeks, 4, 'week', '2025-01')[1], 4, 'week')).toBe(
      'Mon 1 Jan 2024 – Sun 14 Jan 2024 (2 of 4 weeks: period starts)',
    );
    const days = playbackSteps({ from: '2024-02', to: '2024-03' }, 'day');
    expect(days).toHaveLength(29); // 2024 is a leap year
    expect(stepLabel(stepWindows(days, 1, 'day', '2024-03')[28], 1, 'day')).toBe('Thu 29 Feb 2024');
    expect(stepWindows(days, 7, 'day', '2024-03')[10]).toEqual({ from: '2024-02-05', to: '2024-02-12' });
  });
  it('a unit plays a period only within MAX_STEPS', () => {
    expect(unitFits({ from: '2024-01', to: '2025-01' }, 'week')).toBeNull();
    expect(unitFits({ from: '2024-01', to: '2024-03' }, 'day')).toBeNull();
    expect(unitFits({ from: '2024-01', to: '2024-04' }, 'day')).toMatch(/^91 days: at most 62 steps/);
  });
});

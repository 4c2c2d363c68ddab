// The Knox screen's significance classes and the school-route filter pickers and notices (pure parts).
import { describe, expect, it } from 'vitest';
import { knoxSignificance } from '../web/src/pages/knox/knox-words.js';
import {
  daysToSet,
  listToWindows,
  needsAllTimes,
  plainWarning,
  setToDays,
  windowsToList,
} from '../web/src/map/prepare/journeys.js';

describe('Knox significance classes', () => {
  it('colours a band by p only when more pairs were observed than expected', () => {
    expect(knoxSignificance({ p: 0.0005, observed: 50, expected: 10 }).key).toBe('p001');
    expect(knoxSignificance({ p: 0.001, observed: 50, expected: 10 }).key).toBe('p01');
    expect(knoxSignificance({ p: 0.03, observed: 12, expected: 10 }).key).toBe('p05');
    expect(knoxSignificance({ p: 0.05, observed: 12, expected: 10 }).key).toBe('ns');
    // Fewer than expected: never a near-repeat, whatever p says.
    expect(knoxSignificance({ p: 0.001, observed: 2, expected: 10 }).key).toBe('ns');
  });
});

describe('school-route pickers and notices', () => {
  it('time windows round trip through the pickers; incomplete windows are left out', () => {
    const l = windowsToList('07:30-09:30,14:30-18:30');
    expect(l).toEqual([
      { start: '07:30', end: '09:30' },
      { start: '14:30', end: '18:30' },
    ]);
    expect(listToWindows(l)).toBe('07:30-09:30,14:30-18:30');
    expect(listToWindows([...l, { start: '12:00', end: '' }])).toBe('07:30-09:30,14:30-18:30');
  });

  it('weekday checkboxes read ranges and write days in week order', () => {
    expect([...daysToSet('mon-fri')]).toEqual(['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(setToDays(daysToSet('sat,mon,wed-thu'))).toBe('mon,wed,thu,sat');
  });

  it('server warnings lose parameter names and API paths', () => {
    const w =
      'No term dates fall between 2017-07-01 and 2018-07-01: with term_only=true no incident can count as school-journey time. Enter the term calendar (PUT /api/journeys/term-dates) or set term_only=false.';
    const p = plainWarning(w);
    expect(p).not.toMatch(/term_only|\/api\//);
    expect(p).toContain('"Term time only" ticked');
    expect(p).toContain('(Term dates, on the right)');
    expect(p).toContain('untick "Term time only"');
  });

  it('police.uk-only data (nothing in the windows, some unknown time) asks for the all-times view', () => {
    const r = (count: number, unknown: number | null, rank: 'count' | 'all' = 'count') =>
      ({ totals: { count, unknown_time: unknown }, meta: { rank_by: rank }, disclosure: undefined }) as never;
    expect(needsAllTimes(r(0, 120))).toBe(true);
    expect(needsAllTimes(r(3, 120))).toBe(false);
    expect(needsAllTimes(r(0, 0))).toBe(false);
    expect(needsAllTimes(r(0, null))).toBe(false);
    expect(needsAllTimes(r(0, 120, 'all'))).toBe(false);
  });
});

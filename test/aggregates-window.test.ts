// Window arithmetic behind the aggregation API: pure functions, no database.
import { describe, expect, it } from 'vitest';
import { addMonths, defaultWindow, monthsIn, previousWindow, resolveWindow } from '../api/aggregates/window.js';

describe('aggregation windows', () => {
  it('goes back the same number of whole months when both ends are month starts', () => {
    expect(previousWindow({ from: '2017-01-01', to: '2018-01-01' })).toEqual({ from: '2016-01-01', to: '2017-01-01' });
    expect(previousWindow({ from: '2024-03-01', to: '2024-04-01' })).toEqual({ from: '2024-02-01', to: '2024-03-01' });
    expect(previousWindow({ from: '2020-01-01', to: '2020-04-01' })).toEqual({ from: '2019-10-01', to: '2020-01-01' });
  });
  it('goes back the same number of days otherwise', () => {
    // 2024 is a leap year: 2024-02-10..2024-03-10 is 29 days.
    expect(previousWindow({ from: '2024-02-10', to: '2024-03-10' })).toEqual({ from: '2024-01-12', to: '2024-02-10' });
    expect(previousWindow({ from: '2023-01-01', to: '2023-01-08' })).toEqual({ from: '2022-12-25', to: '2023-01-01' });
  });
  it('clamps month arithmetic to the month length', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-03-31', -1)).toBe('2023-02-28');
    expect(addMonths('2023-11-01', 14)).toBe('2025-01-01');
  });
  it('defaults to the 12 months up to the last month with data, not before the first', () => {
    expect(defaultWindow('2016-01', '2018-06')).toEqual({ from: '2017-07-01', to: '2018-07-01' });
    expect(defaultWindow('2018-01', '2018-06')).toEqual({ from: '2018-01-01', to: '2018-07-01' });
    expect(defaultWindow('2016-01', '2016-12')).toEqual({ from: '2016-01-01', to: '2017-01-01' });
    expect(defaultWindow(null, null, new Date('2025-05-20T12:00:00Z'))).toEqual({ from: '2024-06-01', to: '2025-06-01' });
  });
  it('fills a missing end from the default and rejects empty, reversed or over-long windows', () => {
    const d = { from: '2017-07-01', to: '2018-07-01' };
    expect(resolveWindow({ from: '2018-01-01' }, d)).toEqual({ from: '2018-01-01', to: '2018-07-01' });
    expect(() => resolveWindow({ from: '2019-01-01' }, d)).toThrow(/must be after/);
    expect(() => resolveWindow({ from: '1990-01-01', to: '2018-01-01' }, d)).toThrow(/longer than 20 years/);
    expect(resolveWindow({ from: '1998-01-01', to: '2018-01-01' }, d)).toEqual({ from: '1998-01-01', to: '2018-01-01' });
  });
  it('lists every month a window touches', () => {
    expect(monthsIn({ from: '2017-11-15', to: '2018-02-01' })).toEqual(['2017-11', '2017-12', '2018-01']);
    expect(monthsIn({ from: '2017-11-01', to: '2018-02-02' })).toEqual(['2017-11', '2017-12', '2018-01', '2018-02']);
  });
});

// police.uk's known breaks (issue 17): which notes a fetch's months and forces bring up.
import { describe, expect, it } from 'vitest';
import { knownBreaks } from '../api/opendata/breaks.js';

const months = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const [y, m] = from.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1 + i, 1)).toISOString().slice(0, 7);
  });

describe('known breaks', () => {
  it('names the snap-point refresh and the LSOA switch inside the months, not outside', () => {
    expect(knownBreaks(months('2022-03', 36), ['metropolitan']).map((b) => b.from)).toEqual(['2022-07', '2023-06']);
    expect(knownBreaks(months('2023-07', 12), ['metropolitan'])).toEqual([]);
    expect(knownBreaks(months('2022-07', 1), []).map((b) => b.from)).toEqual(['2022-07']);
    expect(knownBreaks([], ['greater-manchester'])).toEqual([]);
  });

  it("gives Greater Manchester's missing months only for that force, by id or by the rows' force name", () => {
    const gmp = (f: string[]) => knownBreaks(months('2019-04', 6), f).filter((b) => b.kind === 'no_data');
    expect(gmp(['greater-manchester'])).toHaveLength(1);
    expect(gmp(['Greater Manchester Police'])).toHaveLength(1);
    expect(gmp(['metropolitan'])).toEqual([]);
    // Months before July 2019 only: no break.
    expect(knownBreaks(months('2018-01', 12), ['greater-manchester'])).toEqual([]);
  });
});

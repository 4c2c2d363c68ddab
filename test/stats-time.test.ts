// Periods, emerging hot spot classes and the Knox test: hand-checked fixtures.
import { describe, expect, it } from 'vitest';
import { bngToWgs84 } from '../geodata/crs.js';
import { classifyEmerging } from '../geodata/stats/emerging.js';
import { knoxTest, lonLatToBng, type KnoxEvent } from '../geodata/stats/knox.js';
import { makePeriods, periodIndex, periodsForPrecision } from '../geodata/stats/periods.js';

describe('periods', () => {
  it('28-day periods end at `to`; the leftover start is dropped', () => {
    const ps = makePeriods('2024-01-01', '2024-03-01', '28d'); // 60 days → 2 periods, 4 days dropped
    expect(ps.periods).toEqual([
      { index: 0, start: '2024-01-05', end: '2024-02-02' },
      { index: 1, start: '2024-02-02', end: '2024-03-01' },
    ]);
    expect(ps.droppedDays).toBe(4);
    expect(periodIndex(ps, '2024-01-04')).toBe(-1);
    expect(periodIndex(ps, '2024-01-05')).toBe(0);
    expect(periodIndex(ps, '2024-02-01 23:59:00')).toBe(0);
    expect(periodIndex(ps, '2024-02-29')).toBe(1);
    expect(periodIndex(ps, '2024-03-01')).toBe(-1);
  });
  it('weeks, calendar months and quarters', () => {
    expect(makePeriods('2024-01-01', '2024-01-15', 'week').periods.map((p) => p.start)).toEqual(['2024-01-01', '2024-01-08']);
    const m = makePeriods('2023-11-15', '2024-03-01', 'month');
    expect(m.periods.map((p) => p.start)).toEqual(['2023-12-01', '2024-01-01', '2024-02-01']);
    expect(m.droppedDays).toBe(16);
    const q = makePeriods('2023-01-01', '2024-01-01', 'quarter');
    expect(q.periods.map((p) => `${p.start}..${p.end}`)).toEqual([
      '2023-01-01..2023-04-01',
      '2023-04-01..2023-07-01',
      '2023-07-01..2023-10-01',
      '2023-10-01..2024-01-01',
    ]);
  });
  it('refuses bad windows and 28-day periods for month-precision data', () => {
    expect(() => makePeriods('2024-01-01', '2024-01-10', '28d')).toThrow(/shorter than one/);
    expect(() => makePeriods('2024-02-30', '2024-03-10')).toThrow(/not a real date/);
    expect(() => periodsForPrecision('2016-01-01', '2018-07-01', '28d', 'month')).toThrow(/month precision/);
    expect(periodsForPrecision('2016-01-01', '2018-07-01', 'month', 'month').periods).toHaveLength(30);
  });
});

describe('classifyEmerging', () => {
  const S = true,
    _ = false;
  const run = (z: number[], sig: boolean[]) => classifyEmerging({ z, significant: sig }).pattern;
  it('new, consecutive, sporadic, oscillating', () => {
    expect(run([0, 0, 0, 0, 3], [_, _, _, _, S])).toBe('new_hot');
    expect(run([0, 0, 0, 3, 3], [_, _, _, S, S])).toBe('consecutive_hot');
    expect(run([3, 0, 0, 3, 3], [S, _, _, S, S])).toBe('sporadic_hot');
    expect(run([3, 0, 3, 0, 3], [S, _, S, _, S])).toBe('sporadic_hot');
    expect(run([-3, 0, 0, 0, 3], [S, _, _, _, S])).toBe('oscillating_hot');
    expect(run([0, 0, 0, 0, -3], [_, _, _, _, S])).toBe('new_cold');
    expect(run([3, 0, 0, -3, -3], [S, _, _, S, S])).toBe('oscillating_cold');
  });
  it('persistent, intensifying, diminishing, historical (>= 90 % of periods)', () => {
    const ten = (f: (i: number) => number) => Array.from({ length: 10 }, (_, i) => f(i));
    const allSig = ten(() => 1).map(() => true);
    expect(
      run(
        ten((i) => 3 + (i % 2)),
        allSig,
      ),
    ).toBe('persistent_hot'); // no trend
    expect(
      run(
        ten((i) => 2 + i),
        allSig,
      ),
    ).toBe('intensifying_hot'); // MK S = 45, p ≈ 1.7e-5
    expect(
      run(
        ten((i) => 12 - i),
        allSig,
      ),
    ).toBe('diminishing_hot');
    expect(
      run(
        ten((i) => -2 - i),
        allSig,
      ),
    ).toBe('intensifying_cold');
    const lastOff = allSig.map((_, i) => i < 9);
    expect(
      run(
        ten(() => 3),
        lastOff,
      ),
    ).toBe('historical_hot');
    // 9 of 10 hot including the last one, one gap: >= 90 % → persistent rather than sporadic
    expect(
      run(
        ten(() => 3),
        allSig.map((_, i) => i !== 4),
      ),
    ).toBe('persistent_hot');
  });
  it('no pattern, and input checks', () => {
    expect(run([1, 2, 3], [_, _, _])).toBe('no_pattern');
    expect(run([3, 3, 0], [S, S, _])).toBe('no_pattern'); // 67 % hot, last not hot
    expect(() => classifyEmerging({ z: [1, 2], significant: [true] })).toThrow(/2 z-scores but 1/);
  });
});

describe('knoxTest', () => {
  // Four events: A(0,0,d0) B(50,0,d2) C(1000,0,d0) D(1050,0,d30).
  // Pairs within 400 m: A–B (50 m, lag 2 → band 0–7) and C–D (50 m, lag 30 → beyond 28, not counted).
  const ev: KnoxEvent[] = [
    { x: 0, y: 0, day: 0 },
    { x: 50, y: 0, day: 2 },
    { x: 1000, y: 0, day: 0 },
    { x: 1050, y: 0, day: 30 },
  ];
  it('observed counts, permutation expectation, ratio and p', () => {
    const r = knoxTest(ev, { precision: 'day', permutations: 999, seed: 42 });
    expect(r.closePairs).toBe(2);
    const cell = (d: number, t: number) => r.cells.find((c) => c.distanceFrom === d && c.timeFrom === t)!;
    expect(cell(0, 0).observed).toBe(1);
    expect(r.cells.reduce((a, c) => a + c.observed, 0)).toBe(1);
    // Times {0, 2, 0, 30} permuted over the 4 places: each close pair's lag is the lag of a random pair of
    // distinct times. Of the 6 pairs of times, lags: 2, 0, 30, 2, 28, 30 → P(lag < 7) = 3/6 per close pair,
    // so E[count in 0–100 m × 0–7 d] = 2 · 1/2 = 1.
    expect(cell(0, 0).expected).toBeGreaterThan(0.9);
    expect(cell(0, 0).expected).toBeLessThan(1.1);
    expect(cell(0, 0).p).toBeGreaterThan(0.5);
    expect(r.cells).toHaveLength(9);
    // Seeded: the same call gives the same numbers.
    expect(knoxTest(ev, { precision: 'day', permutations: 999, seed: 42 })).toEqual(r);
  });
  it('detects a planted space–time cluster', () => {
    // 60 events on a 6 km line over 360 days, plus 10 events within 50 m and 3 days of one spot.
    const ev2: KnoxEvent[] = [];
    for (let i = 0; i < 60; i++) ev2.push({ x: i * 100 + 37 * (i % 7), y: (i * 53) % 900, day: (i * 137) % 360 });
    for (let i = 0; i < 10; i++) ev2.push({ x: 3000 + i * 5, y: 2000, day: 100 + (i % 3) });
    const r = knoxTest(ev2, { precision: 'minute', permutations: 199, seed: 3 });
    const near = r.cells.find((c) => c.distanceFrom === 0 && c.timeFrom === 0)!;
    expect(near.observed).toBeGreaterThanOrEqual(45); // the 10 planted events make 45 pairs
    expect(near.ratio).toBeGreaterThan(5);
    expect(near.p).toBe(1 / 200);
  });
  it('refuses month precision and bad bands', () => {
    expect(() => knoxTest(ev, { precision: 'month' })).toThrow(/month precision/);
    expect(() => knoxTest(ev, { precision: 'day', distanceBands: [10, 100] })).toThrow(/start at 0/);
    expect(() => knoxTest(ev, { precision: 'day', timeBands: [0, 7, 7] })).toThrow(/strictly increasing/);
  });
  it('lonLatToBng inverts bngToWgs84 (Lewisham station, NaPTAN E 538050 N 175950)', () => {
    const [lon, lat] = bngToWgs84(538_050, 175_950);
    expect(lon).toBeCloseTo(-0.0138, 3);
    expect(lat).toBeCloseTo(51.4655, 3);
    const { x, y } = lonLatToBng(lon, lat);
    expect(Math.abs(x - 538_050)).toBeLessThan(1e-3);
    expect(Math.abs(y - 175_950)).toBeLessThan(1e-3);
  });
});

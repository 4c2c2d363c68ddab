// Class breaks, ColorBrewer colours and legend rows for choropleths and hexagons.
import { describe, expect, it } from 'vitest';
import { classBreaks, classColours, classIndex, legendRows, schemeColours, stepColour } from '../web/src/map/classify';

describe('classBreaks', () => {
  it('natural breaks (ckmeans) separate obvious groups', () => {
    const c = classBreaks([1, 2, 3, 50, 51, 52, 100, 101], 'jenks', 'count', 3)!;
    expect(c).toEqual({ thresholds: [50, 100], min: 1, max: 101, kind: 'count' });
  });

  it('quantiles put about the same number of values in each class', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const c = classBreaks(values, 'quantile', 'count', 4)!;
    expect(c.thresholds).toEqual([26, 51, 76]);
    const sizes = [0, 0, 0, 0];
    for (const v of values) sizes[classIndex(c, v)]++;
    expect(sizes).toEqual([25, 25, 25, 25]);
  });

  it('uses data values as class bounds, rates rounded down to one decimal when no value changes class', () => {
    expect(classBreaks([1, 2, 3, 4], 'quantile', 'count', 2)!.thresholds).toEqual([3]);
    const values = [0.11, 0.52, 1.04, 2.37, 3.33, 4.86];
    const r = classBreaks(values, 'quantile', 'rate', 3)!;
    expect(r.thresholds).toEqual([1.0, 3.3]);
    expect(classBreaks([1, 2.42, 2.45, 9], 'jenks', 'rate', 3)!.thresholds).toEqual([2.4, 9]);
    // 2.45 cannot become 2.4 without moving 2.41 up a class, so it stays as it is.
    expect(classBreaks([2.41, 2.41, 2.45, 2.45], 'quantile', 'rate', 2)!.thresholds).toEqual([2.45]);
  });

  it('ignores nulls (no population) and non-finite values', () => {
    const c = classBreaks([null, 5, undefined, 10, NaN, 15], 'jenks', 'count', 3)!;
    expect(c.min).toBe(5);
    expect(c.max).toBe(15);
    expect(c.thresholds).toEqual([10, 15]);
  });

  it('handles degenerate inputs', () => {
    expect(classBreaks([], 'jenks', 'count')).toBeNull();
    expect(classBreaks([null, null], 'quantile', 'rate')).toBeNull();
    expect(classBreaks([7, 7, 7], 'jenks', 'count')).toEqual({ thresholds: [], min: 7, max: 7, kind: 'count' });
    expect(classBreaks([1, 2], 'jenks', 'count', 5)!.thresholds).toEqual([2]);
    // Many ties: quantile bounds move up to the next data value, so 0, 1 and 9 stay apart.
    const tied = classBreaks([0, 0, 0, 0, 0, 0, 0, 1, 9], 'quantile', 'count', 5)!;
    expect(tied.thresholds).toEqual([1, 9]);
  });

  it('thresholds are strictly increasing and inside (min, max]', () => {
    const values = [3, 8, 8, 9, 14, 20, 21, 21, 40, 77, 78, 150, 151, 152];
    for (const m of ['jenks', 'quantile'] as const) {
      const c = classBreaks(values, m, 'count', 5)!;
      c.thresholds.forEach((t, i) => {
        expect(t).toBeGreaterThan(i === 0 ? c.min : c.thresholds[i - 1]);
        expect(t).toBeLessThanOrEqual(c.max);
      });
    }
  });
});

describe('colours', () => {
  it('uses the ColorBrewer sequential schemes', () => {
    expect(schemeColours('YlOrRd', 5)).toEqual(['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026']);
    expect(schemeColours('Blues', 3)).toEqual(['#deebf7', '#9ecae1', '#3182bd']);
    for (let n = 1; n <= 9; n++) expect(schemeColours('Blues', n)).toHaveLength(n);
  });
  it('gives one colour per class', () => {
    const c = classBreaks([1, 2, 3, 50, 51, 52, 100, 101], 'jenks', 'count', 3)!;
    expect(classColours(c, 'YlOrRd')).toHaveLength(3);
  });
});

describe('legendRows', () => {
  it('labels integer classes with inclusive ranges', () => {
    const c = { thresholds: [13, 26], min: 0, max: 40, kind: 'count' as const };
    expect(legendRows(c, ['a', 'b', 'c'])).toEqual([
      { colour: 'a', label: '0–12' },
      { colour: 'b', label: '13–25' },
      { colour: 'c', label: '26–40' },
    ]);
  });
  it('labels rate classes with one decimal and open upper bounds', () => {
    const c = { thresholds: [1.5, 3.2], min: 0.4, max: 7.75, kind: 'rate' as const };
    expect(legendRows(c, ['a', 'b', 'c']).map((r) => r.label)).toEqual(['0.4 – <1.5', '1.5 – <3.2', '3.2 – 7.8']);
  });
  it('shows a single value once, and formats thousands', () => {
    const c = { thresholds: [1000, 1001], min: 5, max: 1200, kind: 'count' as const };
    expect(legendRows(c, ['a', 'b', 'c']).map((r) => r.label)).toEqual(['5–999', '1,000', '1,001–1,200']);
  });
});

describe('stepColour', () => {
  it('matches classIndex for every value', () => {
    const c = classBreaks([1, 4, 9, 16, 25, 36, 49, 64, 81, 100], 'jenks', 'count', 4)!;
    const colours = classColours(c, 'YlOrRd');
    const expr = stepColour(['get', 'count'], c, colours) as unknown[];
    const evalStep = (v: number) => {
      let out = expr[2];
      for (let i = 3; i < expr.length; i += 2) if (v >= (expr[i] as number)) out = expr[i + 1];
      return out;
    };
    for (let v = 0; v <= 100; v++) expect(evalStep(v)).toBe(colours[classIndex(c, v)]);
  });
  it('is a plain colour when there is one class', () => {
    expect(stepColour(['get', 'count'], { thresholds: [], min: 3, max: 3, kind: 'count' }, ['#abc'])).toBe('#abc');
  });
});

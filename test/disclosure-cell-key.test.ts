// The published perturbation table of the ONS cell key method (geodata/disclosure/cell-key.ts): its
// stated properties checked on every row, and its determinism.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CELL_KEY_MODULUS,
  MAX_PERTURBATION,
  PTABLE,
  PTABLE_ROWS,
  buildPtable,
  cellKeyOf,
  equalPerturbationChance,
  perturbCount,
  perturbation,
  ptableFingerprint,
  ptableRow,
} from '../geodata/disclosure/cell-key.js';

describe('cell key perturbation table', () => {
  it('has zero mean for every count, bounded values, no negative result, and leaves 0 at 0', () => {
    expect(PTABLE).toHaveLength(PTABLE_ROWS);
    for (let c = 0; c < 200; c++) {
      const ps = Array.from({ length: CELL_KEY_MODULUS }, (_, k) => perturbation(c, k));
      expect(
        ps.reduce((a, b) => a + b, 0),
        `row of count ${c}`,
      ).toBe(0);
      expect(ps.every((p) => Math.abs(p) <= MAX_PERTURBATION)).toBe(true);
      expect(ps.every((p) => c + p >= 0)).toBe(true);
      if (c === 0) expect(ps.every((p) => p === 0)).toBe(true);
      // Not the identity: every positive count is actually perturbed for most keys.
      if (c > 0) expect(ps.filter((p) => p !== 0).length).toBeGreaterThan(CELL_KEY_MODULUS / 2);
    }
  });

  it('rows are distinct arrangements, so a key tells nothing across counts', () => {
    const rows = PTABLE.slice(2).map((r) => Array.from(r).join(','));
    expect(new Set(rows).size).toBe(rows.length);
    // Large counts cycle through the tabulated rows 2..ROWS-1.
    expect(ptableRow(PTABLE_ROWS)).toBeGreaterThanOrEqual(2);
    expect(ptableRow(PTABLE_ROWS + PTABLE_ROWS - 2)).toBe(ptableRow(PTABLE_ROWS));
  });

  it('is deterministic: rebuilding from the rule and seed gives the same table, and a cell always gets one answer', () => {
    const again = buildPtable();
    expect(again).not.toBe(PTABLE);
    expect(again.map((r) => Array.from(r))).toEqual(PTABLE.map((r) => Array.from(r)));
    expect(ptableFingerprint(again)).toBe(ptableFingerprint());
    fc.assert(
      fc.property(fc.nat(5000), fc.array(fc.nat(CELL_KEY_MODULUS - 1), { minLength: 1, maxLength: 50 }), (c, keys) => {
        // The same records in any order: the same cell key, so the same perturbed count.
        const k1 = cellKeyOf(keys);
        const k2 = cellKeyOf([...keys].reverse());
        return k1 === k2 && perturbCount(c, k1) === perturbCount(c, k2);
      }),
    );
  });

  it('cell keys are sums of record keys mod N, and bad inputs are refused', () => {
    expect(cellKeyOf([255, 1])).toBe(0);
    expect(cellKeyOf([100, 100, 100])).toBe(300 % CELL_KEY_MODULUS);
    expect(() => perturbation(-1, 0)).toThrow(RangeError);
    expect(() => perturbation(3, 256)).toThrow(RangeError);
    expect(() => perturbation(2.5, 0)).toThrow(RangeError);
  });

  it('the chance that two cells of one count get equal perturbations is what the multiplicities give', () => {
    // c ≥ 2: (26² + 52² + 100² + 52² + 26²) / 256²; c = 1: (104² + 74² + 52² + 26²) / 256².
    expect(equalPerturbationChance(7)).toBeCloseTo((2 * 26 ** 2 + 2 * 52 ** 2 + 100 ** 2) / 256 ** 2, 12);
    expect(equalPerturbationChance(1)).toBeCloseTo((104 ** 2 + 74 ** 2 + 52 ** 2 + 26 ** 2) / 256 ** 2, 12);
    expect(equalPerturbationChance(0)).toBe(1);
  });
});

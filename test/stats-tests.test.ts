// Correction, change, Mann–Kendall, normal tails: hand-checked fixtures and a comparison with R
// (p.adjust, binom.test, pnorm, a direct Mann–Kendall computation; skipped when Rscript is missing).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustP, classifyHotCold } from '../geodata/stats/correction.js';
import { binomTestTwoSided, poissonChange } from '../geodata/stats/change.js';
import { mannKendall } from '../geodata/stats/mann-kendall.js';
import { normalUpperTail, twoSidedP } from '../geodata/stats/normal.js';
import { Rng } from '../geodata/stats/prng.js';

const RSCRIPT = ['/usr/bin/Rscript', '/usr/local/bin/Rscript'].find((p) => fs.existsSync(p));
if (!RSCRIPT) console.log('SKIPPED: comparisons with R (Rscript not found; apt-get install r-cran-spdep)');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('adjustP and classifyHotCold (hand-checked)', () => {
  const p = [0.01, 0.04, 0.03, 0.2];
  it('Benjamini–Hochberg', () => {
    // sorted 0.01, 0.03, 0.04, 0.2 → 4/1·0.01 = 0.04, 4/2·0.03 = 0.06, 4/3·0.04 = 0.0533, 4/4·0.2 = 0.2; cummin from the top
    const r = adjustP(p, 'fdr');
    expect(r[0]).toBeCloseTo(0.04, 15);
    expect(r[1]).toBeCloseTo(0.16 / 3, 15);
    expect(r[2]).toBeCloseTo(0.16 / 3, 15);
    expect(r[3]).toBeCloseTo(0.2, 15);
  });
  it('Holm', () => {
    // 4·0.01 = 0.04, 3·0.03 = 0.09, 2·0.04 = 0.08 → cummax 0.09, 1·0.2 = 0.2
    expect(adjustP(p, 'holm').map((v) => +v.toFixed(12))).toEqual([0.04, 0.09, 0.09, 0.2]);
    expect(adjustP([0.5, 0.6], 'holm')).toEqual([1, 1]);
  });
  it('none, NaN as NA, range check', () => {
    expect(adjustP(p, 'none')).toEqual(p);
    const r = adjustP([0.01, NaN, 0.02], 'fdr');
    expect(r[1]).toBeNaN();
    expect(r[0]).toBeCloseTo(0.02, 15);
    expect(() => adjustP([1.2], 'fdr')).toThrow(/outside/);
  });
  it('classes from z sign and adjusted p', () => {
    expect(classifyHotCold(3, 0.005)).toBe('hot_99');
    expect(classifyHotCold(2, 0.049)).toBe('hot_95');
    expect(classifyHotCold(1.7, 0.09)).toBe('hot_90');
    expect(classifyHotCold(1.7, 0.1)).toBe('not_significant');
    expect(classifyHotCold(-2, 0.02)).toBe('cold_95');
    expect(classifyHotCold(-3, 0.001)).toBe('cold_99');
    expect(classifyHotCold(-1.7, 0.07)).toBe('cold_90');
  });
});

describe('poissonChange (hand-checked)', () => {
  it('exact conditional binomial test', () => {
    // n1 = 3, n2 = 0: under H0 n1 ~ Bin(3, 0.5); P(3) = P(0) = 1/8 → p = 1/4.
    const r = poissonChange({ current: 3, previous: 0 });
    expect(r.p).toBeCloseTo(0.25, 15);
    expect(r.rateRatio).toBe(Infinity);
    expect(r.direction).toBe('up');
    expect(r.method).toMatch(/exact conditional binomial/);
    // 10 vs 10 → p = 1
    expect(poissonChange({ current: 10, previous: 10 }).p).toBe(1);
    // 1 vs 5: P(X <= 1) + P(X >= 5), Bin(6, .5): (1 + 6 + 6 + 1)/64
    expect(poissonChange({ current: 1, previous: 5 }).p).toBeCloseTo(14 / 64, 15);
  });
  it('zeros and unequal windows', () => {
    const z = poissonChange({ current: 0, previous: 0 });
    expect(z.p).toBe(1);
    expect(z.rateRatio).toBeNaN();
    expect(z.direction).toBe('none');
    // 4 in 2 days vs 2 in 1 day: same rate; p0 = 2/3
    const r = poissonChange({ current: 4, previous: 2, currentExposure: 2, previousExposure: 1 });
    expect(r.rateRatio).toBe(1);
    expect(r.p).toBe(1);
    expect(() => poissonChange({ current: -1, previous: 2 })).toThrow(/non-negative integer/);
    expect(() => poissonChange({ current: 1.5, previous: 2 })).toThrow(/non-negative integer/);
  });
});

describe('mannKendall (hand-checked)', () => {
  it('S, var(S) with ties, Z, p', () => {
    // 1 2 3 4 5: S = 10, var = 5·4·15/18 = 50/3, Z = 9/sqrt(50/3)
    const r = mannKendall([1, 2, 3, 4, 5]);
    expect(r.s).toBe(10);
    expect(r.varS).toBeCloseTo(50 / 3, 12);
    expect(r.z).toBeCloseTo(9 / Math.sqrt(50 / 3), 12);
    expect(r.tau).toBe(1);
    // 1 1 2: S = 0 + 1 + 1 = 2; var = (3·2·11 − 2·1·9)/18 = 48/18
    const t = mannKendall([1, 1, 2]);
    expect(t.s).toBe(2);
    expect(t.varS).toBeCloseTo(48 / 18, 12);
    expect(mannKendall([4, 4, 4]).p).toBe(1);
  });
});

describe('normal tails (hand-checked)', () => {
  it('known values', () => {
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(normalUpperTail(0)).toBe(0.5);
    expect(normalUpperTail(-1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalUpperTail(2)).toBeCloseTo(0.02275013194817921, 15);
  });
});

describe.runIf(!!RSCRIPT)('against R (p.adjust, binom.test, pnorm, Mann–Kendall)', () => {
  it('agrees to 1e-12 relative', () => {
    const rng = new Rng(7);
    const p = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? rng.u32() / 2 ** 32 / 1000 : rng.u32() / 2 ** 32));
    p[5] = p[6]; // a tie
    const x = Array.from({ length: 40 }, (_, i) => Math.floor(i / 3) + rng.int(6)); // trend with ties
    const zs = [-40, -8.5, -7.2, -3, -1.96, -0.5, 0, 0.3, 1, 2.5, 5, 7.1, 9, 20, 37.5];
    const pairs: Array<[number, number]> = [
      [0, 1],
      [3, 0],
      [1, 5],
      [10, 10],
      [12, 3],
      [40, 25],
      [7, 30],
      [150, 120],
      [1000, 1100],
      [0, 40],
      [2500, 2350],
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rref-'));
    let out: number[][];
    try {
      fs.writeFileSync(
        path.join(dir, 'in.txt'),
        [p.join(' '), x.join(' '), zs.join(' '), pairs.map((q) => q.join(',')).join(' ')].join('\n') + '\n',
      );
      execFileSync(RSCRIPT!, ['test/r/reference.R', path.join(dir, 'in.txt'), path.join(dir, 'out.txt')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      out = fs
        .readFileSync(path.join(dir, 'out.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).map(Number));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const [bh, holm, mk, pn, bt] = out;
    adjustP(p, 'fdr').forEach((v, i) => expect(rel(v, bh[i])).toBeLessThan(1e-12));
    adjustP(p, 'holm').forEach((v, i) => expect(rel(v, holm[i])).toBeLessThan(1e-12));
    const m = mannKendall(x);
    expect(m.s).toBe(mk[0]);
    expect(rel(m.varS, mk[1])).toBeLessThan(1e-12);
    expect(rel(m.z, mk[2])).toBeLessThan(1e-12);
    expect(rel(m.p, mk[3])).toBeLessThan(1e-12);
    zs.forEach((z, i) => expect(rel(twoSidedP(z), pn[i])).toBeLessThan(1e-12));
    pairs.forEach(([a, b], i) => expect(rel(binomTestTwoSided(a, a + b, 0.5), bt[i])).toBeLessThan(1e-9));
  });
});

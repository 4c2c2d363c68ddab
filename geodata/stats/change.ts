// Change between two periods: comparison of two Poisson counts by the exact conditional binomial test.
//
// How to call: poissonChange({ current: 42, previous: 25 }) for equal-length windows (current period vs
// the previous period of the same length, or vs the same window a year earlier), or pass exposures
// { current, previous, currentExposure: 28, previousExposure: 28 } when the windows differ in length.
//
// Method (Przyborowski & Wilenski 1940, the "C-test" of Krishnamoorthy & Thomson 2004): under
// H0 "equal rates", conditionally on the total N = n1 + n2, n1 ~ Binomial(N, t1 / (t1 + t2)). The
// two-sided p-value is R's binom.test rule: the sum of the probabilities of all outcomes no more likely
// than the observed one (relative tolerance 1e-7), so it equals
// binom.test(n1, n1 + n2, t1 / (t1 + t2))$p.value and poisson.test(c(n1, n2), c(t1, t2))$p.value.
// Zeros: N = 0 gives p = 1 (no evidence either way) and a rate ratio of NaN; n2 = 0 < n1 gives ratio ∞.

export const CHANGE_METHOD = 'exact conditional binomial test (C-test) for two Poisson rates, two-sided';

export interface ChangeInput {
  current: number;
  previous: number;
  /** Length of the current window (any unit, e.g. days). Default 1 (equal windows). */
  currentExposure?: number;
  previousExposure?: number;
}

export interface ChangeResult {
  method: typeof CHANGE_METHOD;
  current: number;
  previous: number;
  /** (current / currentExposure) / (previous / previousExposure); Infinity if previous = 0 < current, NaN if both 0. */
  rateRatio: number;
  /** Two-sided p-value. */
  p: number;
  direction: 'up' | 'down' | 'none';
}

const logFactCache: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactCache.length; i <= n; i++) logFactCache[i] = logFactCache[i - 1] + Math.log(i);
  return logFactCache[n];
}

/** Binomial probability mass P(X = k), X ~ Bin(n, p), computed in log space. */
export function binomPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** Two-sided exact binomial test p-value, the rule of R's binom.test. */
export function binomTestTwoSided(x: number, n: number, p: number): number {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < x)
    throw new Error(`binomTest: need integers 0 <= x <= n, got x=${x}, n=${n}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`binomTest: p must be in [0, 1], got ${p}`);
  if (p === 0) return x === 0 ? 1 : 0;
  if (p === 1) return x === n ? 1 : 0;
  const relErr = 1 + 1e-7;
  const d = binomPmf(x, n, p);
  const m = n * p;
  if (x === m) return 1;
  let total = 0;
  // Sum P(k) over all k with P(k) <= d * relErr (R sums the two tails in the same way).
  for (let k = 0; k <= n; k++) {
    const pk = k === x ? d : binomPmf(k, n, p);
    if (pk <= d * relErr) total += pk;
  }
  return Math.min(1, total);
}

export function poissonChange(input: ChangeInput): ChangeResult {
  const { current: n1, previous: n2 } = input;
  const t1 = input.currentExposure ?? 1;
  const t2 = input.previousExposure ?? 1;
  for (const [name, v] of [
    ['current', n1],
    ['previous', n2],
  ] as const)
    if (!Number.isInteger(v) || v < 0) throw new Error(`poissonChange: ${name} must be a non-negative integer count, got ${v}`);
  if (!(t1 > 0) || !(t2 > 0)) throw new Error('poissonChange: exposures must be > 0');
  const r1 = n1 / t1;
  const r2 = n2 / t2;
  const rateRatio = n1 === 0 && n2 === 0 ? NaN : r1 / r2;
  const N = n1 + n2;
  const p = N === 0 ? 1 : binomTestTwoSided(n1, N, t1 / (t1 + t2));
  return {
    method: CHANGE_METHOD,
    current: n1,
    previous: n2,
    rateRatio,
    p,
    direction: r1 > r2 ? 'up' : r1 < r2 ? 'down' : 'none',
  };
}

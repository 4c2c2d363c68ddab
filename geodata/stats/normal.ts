// Standard normal tail probabilities to about 1e-14 relative accuracy, also far into the tail
// (checked against R's pnorm in test/stats-tests.test.ts). Tails are computed directly, without
// 1 − Φ cancellation, so tiny p-values stay accurate.
// - z < 2: Q = erfc(z/√2)/2 with erf from its series of positive terms,
//   erf(x) = (2/√π) e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))  (no cancellation inside the sum).
// - z ≥ 2: Q = φ(z) / (z + 1/(z + 2/(z + 3/(z + …)))) (Laplace's continued fraction), evaluated with
//   the modified Lentz method.

const SQRT2 = Math.SQRT2;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return 2 * INV_SQRT_PI * Math.exp(-x2) * sum;
}

function tailContinuedFraction(z: number): number {
  const tiny = 1e-300;
  let f = z;
  let c = f;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    d = z + n * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = z + n / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_2PI * Math.exp(-0.5 * z * z)) / f;
}

/** Upper tail Q(z) = P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 1 - normalUpperTail(-z);
  if (z < 2) return 0.5 * (1 - erfSeries(z / SQRT2));
  return tailContinuedFraction(z);
}

/** Two-sided p-value of a z-score: P(|Z| >= |z|). */
export function twoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return Math.min(1, 2 * normalUpperTail(Math.abs(z)));
}

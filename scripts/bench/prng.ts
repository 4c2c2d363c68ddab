// Seeded, deterministic randomness for the benchmark data (Math.random is never used).
// The generator (sfc32 seeded through splitmix32) is geodata/stats/prng.ts; the bench keeps its own
// `int` (floor of a uniform double), so generated files stay identical to earlier runs.
import { Rng as BaseRng } from '../../geodata/stats/prng.js';

export class Rng extends BaseRng {
  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  override int(n: number): number {
    return Math.floor(this.next() * n);
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, n);
  }
}

/** Sampling from fixed weights by binary search over the cumulative sums. */
export class Weighted<T> {
  private readonly cum: Float64Array;
  private readonly items: T[];

  constructor(pairs: ReadonlyArray<readonly [T, number]>) {
    this.items = pairs.map((p) => p[0]);
    this.cum = new Float64Array(pairs.length);
    let s = 0;
    pairs.forEach(([, w], i) => {
      s += w;
      this.cum[i] = s;
    });
    for (let i = 0; i < this.cum.length; i++) this.cum[i] /= s;
  }

  pick(rng: Rng): T {
    const r = rng.next();
    let lo = 0,
      hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

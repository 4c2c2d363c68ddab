export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median of each numeric field over a list of records with the same keys. */
export function medianRecord<K extends string>(rs: Record<K, number>[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of Object.keys(rs[0] ?? {}) as K[]) out[k] = median(rs.map((r) => r[k]));
  return out;
}

export const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

// Significance classes of a Knox band (the heat table's colours and legend): pure, unit-tested.
export const SIGNIFICANCE = [
  { key: 'p001', label: 'More pairs than chance, p < 0.001', max: 0.001 },
  { key: 'p01', label: 'More pairs than chance, p < 0.01', max: 0.01 },
  { key: 'p05', label: 'More pairs than chance, p < 0.05', max: 0.05 },
  { key: 'ns', label: 'Not significant (p ≥ 0.05): no evidence of a near-repeat', max: Number.POSITIVE_INFINITY },
] as const;

export type SignificanceKey = (typeof SIGNIFICANCE)[number]['key'];

/** The class of a band: significant only when p is below the level and more pairs were observed than expected. */
export function knoxSignificance(c: { p: number; observed: number; expected: number }) {
  if (!(c.observed > c.expected)) return SIGNIFICANCE[3];
  return SIGNIFICANCE.find((s) => c.p < s.max) ?? SIGNIFICANCE[3];
}

// Compare two API answers read from different tables (the cube or a rollup against the incidents): equal
// structure and values, `source` left out, non-integer numbers equal within a relative 1e-9 (harm values summed
// as n × weight on an aggregate and weight by weight on incidents differ in their last bits, so a value can
// fall either side of a rounding boundary: 19990.721755 → …2175 / …2176 at 10 digits). Integers (counts, cell
// keys) must be exactly equal. Returns the differing paths with both values, [] when the same.
export function answerDifferences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b ? [] : [`${path}: ${a} vs ${b}`];
    const scale = Math.max(Math.abs(a), Math.abs(b), 1e-6);
    return Math.abs(a - b) <= 1e-9 * scale ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} vs ${b.length}`];
    return a.flatMap((x, i) => answerDifferences(x, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).filter((k) => k !== 'source');
    const kb = Object.keys(b).filter((k) => k !== 'source');
    if (ka.join() !== kb.join()) return [`${path}: keys ${ka.join()} vs ${kb.join()}`];
    return ka.flatMap((k) =>
      answerDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
    );
  }
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b)
    ? []
    : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

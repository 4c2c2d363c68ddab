// How a CSV header differs from the one a format requires (police.uk street files): which columns are
// missing, extra, renamed, in another case or in another order. Pure: no I/O.

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

/** True when a header shares at least half of `expected`'s columns (ignoring case, spaces and _): "meant to be" that format. */
export function resemblesHeader(header: string[], expected: string[]): boolean {
  const have = new Set(header.map(norm));
  return expected.filter((h) => have.has(norm(h))).length * 2 >= expected.length;
}

const list = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');

/** One sentence naming what differs (empty when nothing does). */
export function describeHeaderDifference(header: string[], expected: string[]): string {
  const parts: string[] = [];
  const exact = new Set(header);
  const byNorm = new Map<string, string>();
  for (const h of header) if (!byNorm.has(norm(h))) byNorm.set(norm(h), h);
  const expNorm = new Set(expected.map(norm));
  const missing = expected.filter((e) => !exact.has(e) && !byNorm.has(norm(e)));
  const cased = expected
    .filter((e) => !exact.has(e) && byNorm.has(norm(e)))
    .map((e) => `"${byNorm.get(norm(e))}" should be "${e}"`);
  const extra = header.filter((h) => !expNorm.has(norm(h)));
  // A missing column where an extra one stands is (probably) renamed.
  const renamed: string[] = [];
  for (const m of [...missing]) {
    const i = expected.indexOf(m);
    const there = header[i];
    if (there !== undefined && extra.includes(there) && header.length === expected.length) {
      renamed.push(`"${there}" should be "${m}"`);
      missing.splice(missing.indexOf(m), 1);
      extra.splice(extra.indexOf(there), 1);
    }
  }
  if (renamed.length) parts.push(`renamed: ${renamed.join(', ')}`);
  if (missing.length) parts.push(`missing: ${list(missing)}`);
  if (extra.length) parts.push(`not expected: ${list(extra)}`);
  if (cased.length) parts.push(`different case or spacing: ${cased.join(', ')}`);
  const dupes = header.filter((h, i) => header.indexOf(h) !== i);
  if (dupes.length) parts.push(`repeated: ${list([...new Set(dupes)])}`);
  if (!parts.length) {
    const order = header.map((h) => expected.find((e) => norm(e) === norm(h)) ?? h);
    if (order.some((h, i) => h !== expected[i])) parts.push(`the columns are in another order (expected ${list(expected)})`);
  }
  if (!parts.length) return '';
  return (
    `its header differs from the police.uk header (${header.length} columns, expected ${expected.length}) — ${parts.join('; ')}. ` +
    'Use the original police.uk file, or import it as incidents with a column mapping.'
  );
}

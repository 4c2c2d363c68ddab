// HTTP byte ranges for the basemap archive: one `bytes=` range per request (what PMTiles readers send).
// Anything else that names a range is refused with 416 rather than guessed at.

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable'; reason: string };

/** The answer to a `Range` header for a file of `size` bytes (`end` inclusive). */
export function parseRange(header: string | undefined | null, size: number): RangeAnswer {
  if (header == null || header.trim() === '') return { kind: 'full' };
  const h = header.trim();
  if (!/^bytes=/i.test(h)) return { kind: 'unsatisfiable', reason: 'only byte ranges (bytes=…) are served' };
  const spec = h.slice(6).trim();
  if (spec.includes(',')) return { kind: 'unsatisfiable', reason: 'only one range per request is served' };
  const m = /^(\d*)-(\d*)$/.exec(spec);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'unsatisfiable', reason: `malformed range "${spec}"` };
  if (m[1] === '') {
    // bytes=-N: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable', reason: 'empty suffix range' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (start >= size) return { kind: 'unsatisfiable', reason: `range starts at ${start}, past the end (${size} bytes)` };
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (end < start) return { kind: 'unsatisfiable', reason: `range ends (${m[2]}) before it starts (${start})` };
  return { kind: 'partial', start, end };
}

// Victim age bands as force/council files write them ("10-17", "Under 18", "18 to 24", "65+", "16"),
// read as whole-year ranges, and tested against an age limit without guessing: a band wholly inside
// the limit is 'in', wholly outside 'out', and one that straddles it ("16-24" against under-18), is
// empty (police.uk rows) or cannot be read is 'unknown'.
export type AgeClass = 'in' | 'out' | 'unknown';

export interface AgeRange {
  min: number;
  max: number; // Infinity for open-ended bands ("65+")
}

/** Reads an age band; undefined when it is empty or not recognised. */
export function parseAgeBand(raw: string | null | undefined): AgeRange | undefined {
  const s = (raw ?? '')
    .trim()
    .toLowerCase()
    .replace(/\s*years?( old)?\b/g, '')
    .replace(/\s+/g, ' ');
  if (!s) return undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,3})$/.exec(s))) return { min: +m[1], max: +m[1] };
  if ((m = /^(\d{1,3}) ?(?:-|–|to) ?(\d{1,3})$/.exec(s))) return +m[2] >= +m[1] ? { min: +m[1], max: +m[2] } : undefined;
  if ((m = /^(?:under|below|less than|<) ?(\d{1,3})$/.exec(s))) return +m[1] > 0 ? { min: 0, max: +m[1] - 1 } : undefined;
  if ((m = /^(?:<=|up to) ?(\d{1,3})$/.exec(s))) return { min: 0, max: +m[1] };
  if ((m = /^(\d{1,3}) ?(?:\+|and over|or over|plus)$/.exec(s)) || (m = /^(?:over|>=) ?(\d{1,3})$/.exec(s))) {
    return { min: s.startsWith('over') ? +m[1] + 1 : +m[1], max: Infinity };
  }
  if ((m = /^> ?(\d{1,3})$/.exec(s))) return { min: +m[1] + 1, max: Infinity };
  return undefined;
}

/** Whether a band lies within ages [minAge, maxAge]; null limit = no age filter (everything 'in'). */
export function classifyAge(raw: string | null | undefined, maxAge: number | null, minAge = 0): AgeClass {
  if (maxAge === null) return 'in';
  const r = parseAgeBand(raw);
  if (!r) return 'unknown';
  if (r.min >= minAge && r.max <= maxAge) return 'in';
  if (r.min > maxAge || r.max < minAge) return 'out';
  return 'unknown';
}

// Home Office offence codes ("8N", "105A", "34B", "4.10", "37.2"), normalised the way the ONS List of
// weights writes them: no leading zeros ("008N" → "8N", "037.2" → "37.2"), upper-case letter suffix,
// no spaces. Sub-codes after a dot (or slash) keep their digits without leading zeros, so "4.10" (corporate
// manslaughter) stays distinct from "4.1" (manslaughter); "004/01" → "4.1".
//
// How to call: normaliseOffenceCode(' 008n ') → '8N'; normaliseOffenceCode('abc') → null.

const CODE = /^0*(\d{1,3})(?:[./]0*(\d{1,2}))?([A-Z])?$/;

/** The code as the table writes it, or null when `raw` is not a Home Office offence code. */
export function normaliseOffenceCode(raw: string): string | null {
  const v = raw.trim().toUpperCase().replace(/\s+/g, '');
  if (!v) return null;
  const m = CODE.exec(v);
  if (!m) return null;
  const int = String(Number(m[1]));
  if (int === '0') return null;
  const sub = m[2] === undefined ? '' : `.${m[2] === '' ? '0' : m[2]}`;
  return `${int}${sub}${m[3] ?? ''}`;
}

// Recognising ONS-style area code/name fields (WD22CD/WD22NM, LSOA21CD/LSOA21NM, LAD23CD, ...) and the
// area level they imply. Pure: used by the importer (api/imports) and by the import page (web), which
// pre-fills the level from what the file holds instead of a fixed default.
const LEVEL_BY_PREFIX: Record<string, string> = {
  WD: 'ward',
  LSOA: 'lsoa',
  MSOA: 'msoa',
  LAD: 'lad',
  OA: 'oa',
  CTY: 'county',
  PCON: 'pcon',
};

export function detectCodeField(fields: string[]): { code?: string; name?: string; level?: string } {
  for (const f of fields) {
    const m = /^([A-Z]+)(\d{2})CD$/i.exec(f);
    if (m) {
      const nm = fields.find((g) => g.toUpperCase() === `${m[1]}${m[2]}NM`.toUpperCase());
      return { code: f, name: nm, level: LEVEL_BY_PREFIX[m[1].toUpperCase()] };
    }
  }
  const code = fields.find((f) => /^(code|area_?code|geography code|gss_code|ons_code)$/i.test(f));
  const name = fields.find((f) => /^(name|area_?name|geography)$/i.test(f));
  return { code, name };
}

export const LEVEL_RE = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * The property names of the first feature in the opening text of a GeoJSON file (the import page reads
 * the first 64 KB of the chosen file). Null when no `"properties": {...}` object is complete in the text.
 */
export function firstFeatureProperties(head: string): string[] | null {
  // After "features" (a crs member before them has "properties" of its own).
  const features = head.search(/"features"\s*:/);
  const rel = head.slice(Math.max(0, features)).search(/"properties"\s*:\s*\{/);
  if (rel < 0) return null;
  const at = Math.max(0, features) + rel;
  const start = head.indexOf('{', at);
  let depth = 0,
    inStr = false;
  for (let i = start; i < head.length; i++) {
    const ch = head[i];
    if (inStr) {
      if (ch === '\\') i++;
      else if (ch === '"') inStr = false;
    } else if (ch === '"') inStr = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) {
      try {
        const v = JSON.parse(head.slice(start, i + 1)) as unknown;
        return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

// Recognising ONS-style code/name fields (WD22CD/WD22NM, LSOA21CD/LSOA21NM, LAD23CD, ...).
const LEVEL_BY_PREFIX: Record<string, string> = { WD: 'ward', LSOA: 'lsoa', MSOA: 'msoa', LAD: 'lad', OA: 'oa', CTY: 'county', PCON: 'pcon' };

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

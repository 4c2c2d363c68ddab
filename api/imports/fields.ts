// Recognising ONS-style code/name fields: the pure detection lives in geodata/ (the import page uses it too).
export { detectCodeField, LEVEL_RE } from '../../geodata/area-fields.js';

/** ONS GSS code fields (WD22CD, LSOA21CD, LAD23CD...): ONS publishes those boundaries and Census tables. */
export const ONS_SOURCE = 'Office for National Statistics (OGL v3.0)';

/** The source of boundaries or population when the import does not state one: ONS for ONS code fields, else unknown. */
export function defaultAreaSource(codeField: string | undefined): string | null {
  return codeField && /^[A-Z]+\d{2}CD$/i.test(codeField) ? ONS_SOURCE : null;
}

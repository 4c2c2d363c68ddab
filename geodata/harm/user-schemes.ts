// A user's harm scheme from one CSV, its kind told by the header:
//   category,weight       a weight per police.uk category (parse-csv.ts parseSchemeCsv);
//   offence_code,weight   a weight per Home Office offence code, e.g. the Cambridge Crime Harm Index primary
//                         table (offence code → days); category weights follow where mix-invariant (mix.ts);
//   offence_code,count    an offence mix for `base` (a scheme weighing codes: ons-css or a user code scheme):
//                         the base's code weights with category weights as offence-count-weighted means.
// Codes are assigned to police.uk categories by the ONS table's police_uk_category column (the copying
// repository author's mapping, not official: said in every scheme meta).
//
// How to call: userSchemeFromCsv(text, { name, label?, version?, source?, mixName? }, base?) →
//   { scheme, kind, unknownCodes } or throws SchemeCsvError (every problem with its line).
import { categoryWeights, parseMixCsv, type CodeRow } from './mix.js';
import { csvHeader, parseSchemeCsv, readCodeCsv, SchemeCsvError } from './parse-csv.js';
import { onsCodeRows, type HarmScheme } from './schemes.js';

export type UserSchemeKind = 'categories' | 'offence-codes' | 'offence-mix';

export interface UserSchemeMeta {
  name: string;
  label?: string;
  version?: string;
  source?: string;
  mixName?: string;
}

/** Each code with the police.uk category the ONS table (author's mapping) gives it; null when not listed. */
function withCategories(codeWeights: Record<string, number>): CodeRow[] {
  const cat = new Map(onsCodeRows().map((r) => [r.code, r.category]));
  return Object.entries(codeWeights).map(([code, weight]) => ({ code, weight, category: cat.get(code) ?? null }));
}

export function userSchemeFromCsv(text: string, meta: UserSchemeMeta, base?: HarmScheme | null) {
  const header = csvHeader(text).join(',');
  const known = new Set(onsCodeRows().map((r) => r.code));
  if (header === 'offence_code,weight') {
    const { values, unknown } = readCodeCsv(text, 'weight', { known });
    const cw = categoryWeights(withCategories(values), null);
    const scheme: HarmScheme = {
      name: meta.name,
      label: meta.label ?? meta.name,
      version: meta.version ?? 'user',
      source: meta.source ?? 'user-supplied CSV (offence code → weight)',
      weights: cw.weights,
      codeWeights: values,
      mix: null,
      categoryNotes: cw.notes,
      derived: null,
    };
    return { scheme, kind: 'offence-codes' as UserSchemeKind, unknownCodes: unknown };
  }
  if (header === 'offence_code,count') {
    if (!base?.codeWeights)
      throw new SchemeCsvError([
        `an offence mix (offence_code,count) needs base: a scheme that weighs offence codes (ons-css, or one loaded as offence_code,weight)`,
      ]);
    const mix = parseMixCsv(text, new Set(Object.keys(base.codeWeights)));
    const mixInfo = {
      name: meta.mixName ?? meta.name,
      source: meta.source ?? 'user-supplied CSV (offence code → count)',
      total: mix.total,
      counts: mix.counts,
    };
    const cw = categoryWeights(withCategories(base.codeWeights), mixInfo);
    const scheme: HarmScheme = {
      name: meta.name,
      label: meta.label ?? `${base.label} under offence mix "${mixInfo.name}"`,
      version: meta.version ?? base.version,
      source: `${base.source} Offence mix: ${mixInfo.source}`.slice(0, 500),
      weights: cw.weights,
      codeWeights: base.codeWeights,
      mix: mixInfo,
      categoryNotes: cw.notes,
      derived: base.derived ?? null,
    };
    return { scheme, kind: 'offence-mix' as UserSchemeKind, unknownCodes: mix.unknown };
  }
  const scheme = parseSchemeCsv(text, { name: meta.name, version: meta.version, source: meta.source });
  scheme.label = meta.label ?? scheme.name;
  return { scheme, kind: 'categories' as UserSchemeKind, unknownCodes: [] };
}

// User-supplied harm schemes as CSV: a header `category,weight`, then one row per category; and CSVs keyed
// by Home Office offence code (`offence_code,weight`: a code-level table such as the Cambridge CHI's
// offence code → days; `offence_code,count`: an offence mix).
//
// How to call: parseSchemeCsv(text, { name, version?, source? }) → HarmScheme, or throws a
// SchemeCsvError whose `problems` lists every bad row (line number + reason) so the UI can show them all.
// Categories are police.uk slugs or labels ("robbery" or "Robbery"; matched like imports do); a category
// may appear once. Weights are non-negative decimal numbers. Categories left out weigh 0.
// readCodeCsv(text, 'weight' | 'count', { integer?, known? }) → { values: code → number, unknown }.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { matchCategory, POLICE_UK_CATEGORIES } from '../categories.js';
import { normaliseOffenceCode } from './offence-codes.js';
import type { HarmScheme } from './types.js';

export class SchemeCsvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid harm scheme CSV: ${problems.join('; ')}`);
    this.name = 'SchemeCsvError';
  }
}

const rowSchema = z.object({
  category: z
    .string()
    .trim()
    .min(1, 'empty category')
    .transform((v, ctx) => {
      const match = matchCategory(v);
      if (!match || match.custom) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown category "${v}" (use a police.uk category: ${POLICE_UK_CATEGORIES.map((c) => c.slug).join(', ')})`,
        });
        return z.NEVER;
      }
      return match.slug;
    }),
  weight: numberField('weight'),
});

/** A non-negative decimal number in a CSV field, named `what` in messages. */
function numberField(what: string) {
  return z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (!/^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: /^-/.test(v) ? `negative ${what} "${v}"` : `${what} "${v}" is not a number` });
        return z.NEVER;
      }
      return Number(v);
    })
    .pipe(z.number().finite(`${what} is not finite`).nonnegative(`negative ${what}`));
}

export const schemeMetaSchema = z.object({
  name: z.string().trim().min(1).max(64),
  version: z.string().trim().max(64).default('user'),
  source: z.string().trim().max(500).default('user-supplied CSV'),
});

/** The records of a CSV with the line each starts on; SchemeCsvError when unreadable or empty. */
function readRecords(text: string): { records: string[][]; lines: number[] } {
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    parsed = parse(text.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as typeof parsed;
  } catch (e) {
    throw new SchemeCsvError([`not readable as CSV: ${(e as Error).message}`]);
  }
  if (parsed.length === 0) throw new SchemeCsvError(['the file is empty']);
  return { records: parsed.map((p) => p.record), lines: parsed.map((p) => p.info.lines) };
}

/** The lower-cased header of a CSV (to tell a category scheme, a code scheme and a mix apart). */
export const csvHeader = (text: string) => readRecords(text).records[0].map((h) => h.toLowerCase());

/**
 * A CSV `offence_code,<column>`: one row per Home Office offence code (normalised: 008N = 8N; a code once),
 * `column` a non-negative number (whole with `integer`). Codes not in `known` (when given) are kept and
 * listed in `unknown` with their line.
 */
export function readCodeCsv(
  text: string,
  column: 'weight' | 'count',
  o: { integer?: boolean; known?: ReadonlySet<string> } = {},
) {
  const { records, lines } = readRecords(text);
  const header = records[0].map((h) => h.toLowerCase());
  if (header.length !== 2 || header[0] !== 'offence_code' || header[1] !== column)
    throw new SchemeCsvError([`line ${lines[0]}: the header must be "offence_code,${column}", found "${records[0].join(',')}"`]);
  if (records.length === 1) throw new SchemeCsvError([`no rows after the header`]);
  const problems: string[] = [];
  const values: Record<string, number> = {};
  const unknown: Array<{ line: number; code: string }> = [];
  const firstLine = new Map<string, number>();
  const num = numberField(column);
  records.slice(1).forEach((r, k) => {
    const line = lines[k + 1];
    if (r.length !== 2) return void problems.push(`line ${line}: expected 2 fields (offence_code,${column}), found ${r.length}`);
    const code = normaliseOffenceCode(r[0]);
    if (!code)
      return void problems.push(
        `line ${line}: "${r[0].slice(0, 40)}" is not a Home Office offence code (e.g. 8N, 105A, 34B, 4.10)`,
      );
    const v = num.safeParse(r[1]);
    if (!v.success) return void problems.push(...v.error.issues.map((i) => `line ${line}: ${i.message}`));
    if (o.integer && !Number.isInteger(v.data))
      return void problems.push(`line ${line}: ${column} "${r[1]}" is not a whole number`);
    const seen = firstLine.get(code);
    if (seen !== undefined) return void problems.push(`line ${line}: duplicate offence code "${code}" (first on line ${seen})`);
    firstLine.set(code, line);
    values[code] = v.data;
    if (o.known && !o.known.has(code)) unknown.push({ line, code });
  });
  if (problems.length) throw new SchemeCsvError(problems);
  return { values, unknown };
}

export function parseSchemeCsv(text: string, meta: z.input<typeof schemeMetaSchema>): HarmScheme {
  const m = schemeMetaSchema.parse(meta);
  const { records, lines } = readRecords(text);
  const header = records[0].map((h) => h.toLowerCase());
  if (header.length !== 2 || header[0] !== 'category' || header[1] !== 'weight')
    throw new SchemeCsvError([`line ${lines[0]}: the header must be "category,weight", found "${records[0].join(',')}"`]);
  if (records.length === 1) throw new SchemeCsvError(['no weights after the header']);
  const problems: string[] = [];
  const weights: Record<string, number> = {};
  const firstLine = new Map<string, number>();
  records.slice(1).forEach((r, k) => {
    const line = lines[k + 1];
    if (r.length !== 2) return void problems.push(`line ${line}: expected 2 fields (category,weight), found ${r.length}`);
    const res = rowSchema.safeParse({ category: r[0], weight: r[1] });
    if (!res.success) return void problems.push(...res.error.issues.map((i) => `line ${line}: ${i.message}`));
    const { category, weight } = res.data;
    const seen = firstLine.get(category);
    if (seen !== undefined) return void problems.push(`line ${line}: duplicate category "${category}" (first on line ${seen})`);
    firstLine.set(category, line);
    weights[category] = weight;
  });
  if (problems.length) throw new SchemeCsvError(problems);
  return { name: m.name, label: m.name, version: m.version, source: m.source, weights };
}

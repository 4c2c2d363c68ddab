// User-supplied harm schemes as CSV: a header `category,weight`, then one row per category.
//
// How to call: parseSchemeCsv(text, { name, version?, source? }) → HarmScheme, or throws a
// SchemeCsvError whose `problems` lists every bad row (line number + reason) so the UI can show them all.
// Categories are police.uk slugs or labels ("robbery" or "Robbery"; matched like imports do); a category
// may appear once. Weights are non-negative decimal numbers. Categories left out weigh 0.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { matchCategory, POLICE_UK_CATEGORIES } from '../categories.js';
import type { HarmScheme } from './schemes.js';

export class SchemeCsvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid harm scheme CSV: ${problems.join('; ')}`);
    this.name = 'SchemeCsvError';
  }
}

const rowSchema = z.object({
  category: z.string().trim().min(1, 'empty category').transform((v, ctx) => {
    const match = matchCategory(v);
    if (!match || match.custom) {
      ctx.addIssue({ code: 'custom', message: `unknown category "${v}" (use a police.uk category: ${POLICE_UK_CATEGORIES.map((c) => c.slug).join(', ')})` });
      return z.NEVER;
    }
    return match.slug;
  }),
  weight: z.string().trim().transform((v, ctx) => {
    if (!/^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: /^-/.test(v) ? `negative weight "${v}"` : `weight "${v}" is not a number` });
      return z.NEVER;
    }
    return Number(v);
  }).pipe(z.number().finite('weight is not finite').nonnegative('negative weight')),
});

export const schemeMetaSchema = z.object({
  name: z.string().trim().min(1).max(64),
  version: z.string().trim().max(64).default('user'),
  source: z.string().trim().max(500).default('user-supplied CSV'),
});

export function parseSchemeCsv(text: string, meta: z.input<typeof schemeMetaSchema>): HarmScheme {
  const m = schemeMetaSchema.parse(meta);
  let records: string[][];
  let lines: number[];
  try {
    const parsed = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    records = parsed.map((p) => p.record);
    lines = parsed.map((p) => p.info.lines);
  } catch (e) {
    throw new SchemeCsvError([`not readable as CSV: ${(e as Error).message}`]);
  }
  if (records.length === 0) throw new SchemeCsvError(['the file is empty']);
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

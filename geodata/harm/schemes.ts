// Harm schemes: a weight per police.uk crime category, so that a "harm" total is Σ weight(category).
//
// How to call:
//   const scheme = shippedScheme('cambridge-chi');        // or 'count' | 'ons-css'
//   const w = weightOf(scheme, 'robbery');               // 365
//   const user = parseSchemeCsv(text, { name: 'my-scheme' }); // user-supplied CSV (parse-csv.ts)
// Shipped schemes are the JSON files beside this module; each records its published source, version,
// notes on how every category weight was derived and the offence-level components it came from
// (read them before presenting results: the CSS and CHI files say which figures are provisional).
import fs from 'node:fs';
import { z } from 'zod';
import { POLICE_UK_CATEGORIES } from '../categories.js';

export const CATEGORY_SLUGS: readonly string[] = POLICE_UK_CATEGORIES.map((c) => c.slug);

export interface HarmScheme {
  name: string;
  label: string;
  version: string;
  source: string;
  /** Category slug → weight (>= 0). Shipped schemes cover all 14 police.uk categories. */
  weights: Record<string, number>;
}

const componentSchema = z.object({
  offence: z.string(),
  weight: z.number().nonnegative(),
  count: z.number().int().nonnegative().optional(),
  source: z.string(),
});
export const shippedSchemeFileSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  label: z.string(),
  version: z.string(),
  unit: z.string(),
  source: z.string(),
  sources: z.record(z.string(), z.string()).optional(),
  notes: z.array(z.string()),
  weights: z.array(z.object({
    category: z.string(),
    weight: z.number().nonnegative(),
    derivation: z.string(),
    components: z.array(componentSchema),
  })),
});
export type ShippedSchemeFile = z.infer<typeof shippedSchemeFileSchema>;

export const SHIPPED_SCHEME_NAMES = ['count', 'ons-css', 'cambridge-chi'] as const;
export type ShippedSchemeName = (typeof SHIPPED_SCHEME_NAMES)[number];

/** The shipped file as written (with derivations and components), validated. */
export function shippedSchemeFile(name: ShippedSchemeName): ShippedSchemeFile {
  if (!SHIPPED_SCHEME_NAMES.includes(name)) throw new Error(`unknown harm scheme "${name as string}" (shipped: ${SHIPPED_SCHEME_NAMES.join(', ')})`);
  const text = fs.readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8');
  const file = shippedSchemeFileSchema.parse(JSON.parse(text));
  const cats = file.weights.map((w) => w.category);
  const missing = CATEGORY_SLUGS.filter((s) => !cats.includes(s));
  const unknown = cats.filter((c) => !CATEGORY_SLUGS.includes(c));
  if (missing.length || unknown.length || new Set(cats).size !== cats.length)
    throw new Error(`harm scheme ${name}: categories must be the 14 police.uk slugs once each (missing: ${missing.join(', ') || '-'}; unknown: ${unknown.join(', ') || '-'})`);
  return file;
}

const cache = new Map<string, HarmScheme>();
export function shippedScheme(name: ShippedSchemeName): HarmScheme {
  let s = cache.get(name);
  if (!s) {
    const f = shippedSchemeFile(name);
    s = { name: f.name, label: f.label, version: f.version, source: f.source, weights: Object.fromEntries(f.weights.map((w) => [w.category, w.weight])) };
    cache.set(name, s);
  }
  return s;
}

/**
 * Weight of a category. Categories the scheme does not list weigh `fallback`: by default 1 in the plain
 * `count` scheme (every incident counts, custom categories included) and 0 in a harm scheme (no published
 * weight, so no harm is invented; such categories are named in responses as unweighted).
 */
export function weightOf(scheme: HarmScheme, category: string, fallback = scheme.name === 'count' ? 1 : 0): number {
  return Object.prototype.hasOwnProperty.call(scheme.weights, category) ? scheme.weights[category] : fallback;
}

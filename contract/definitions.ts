// The partnership's definition of serious violence (issue 18): read by everyone (legends state it),
// changed by analysts and admins (each change a new version, audited), with its full history.
import { z } from './zod.js';
import { normaliseOffenceCode } from '../geodata/harm/offence-codes.js';
import { defineRoute, json, jsonBody, noQuery } from './http.js';

export const SERIOUS_VIOLENCE = 'serious-violence';
/** Category sets a request may name as `category=@<name>`. */
export const CATEGORY_SETS = [SERIOUS_VIOLENCE] as const;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'category slugs are lower-case letters, digits and hyphens');
const offenceCode = z
  .string()
  .trim()
  .max(20)
  .transform((v, ctx) => {
    const c = normaliseOffenceCode(v);
    if (!c) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a Home Office offence code (e.g. 8N, 105A, 4.10)` });
      return z.NEVER;
    }
    return c;
  });
const age = z.number().int().min(0).max(120);
const AgeBand = z.object({ min: z.number().int().optional(), max: z.number().int().optional() });

/** The body of PUT /definitions/serious-violence. */
export const definitionBody = z.strictObject({
  label: z.string().trim().min(1).max(120),
  categories: z
    .array(slug)
    .min(1, 'name at least one category')
    .max(50)
    .transform((a) => [...new Set(a)].sort()),
  offence_codes: z
    .array(offenceCode)
    .max(300)
    .default([])
    .transform((a) => [...new Set(a)].sort()),
  victim_age: z
    .strictObject({ min: age.optional(), max: age.optional() })
    .refine((a) => a.min !== undefined || a.max !== undefined, 'give min and/or max (years)')
    .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, 'min must not exceed max')
    .nullable()
    .default(null),
  location_types: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(80)
        .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters'),
    )
    .max(20)
    .default([]),
  note: z.string().trim().max(2000).default(''),
});
export type Definition = z.output<typeof definitionBody>;

/** What every response (legend, export) using the set states about it. */
export const CategorySetMeta = z.object({
  name: z.string(),
  token: z.string(),
  label: z.string(),
  version: z.number().int(),
  changed_at: z.string().nullable(),
  changed_by: z.string().nullable(),
  default: z.boolean(),
  categories: z.array(z.string()),
  offence_codes: z.array(z.string()),
  victim_age: AgeBand.nullable(),
  location_types: z.array(z.string()),
  note: z.string(),
  approximation: z.string(),
  /** The filter applied: categories, then any narrowing by offence code, victim age, location type. */
  applied: z.string(),
  /** What the narrowing cannot reach (incidents without the field are kept); null when the set names categories only. */
  not_applied: z.string().nullable(),
});
export type CategorySetMeta = z.output<typeof CategorySetMeta>;

const noCounts = { kind: 'no-counts', reason: 'a definition names categories and codes; it holds no counts' } as const;

export const getDefinition = defineRoute({
  method: 'get',
  path: '/definitions/serious-violence',
  summary: "The partnership's current definition of serious violence",
  tags: ['definitions'],
  'x-access': { capability: 'aggregates.read', partner: noCounts },
  request: { query: noQuery },
  responses: { 200: json(z.object({ definition: CategorySetMeta }), 'The current version (version 0 is the built-in default)') },
});

export const definitionHistory = defineRoute({
  method: 'get',
  path: '/definitions/serious-violence/history',
  summary: 'Every version of the definition, newest first',
  tags: ['definitions'],
  'x-access': { capability: 'aggregates.read', partner: noCounts },
  request: { query: noQuery },
  responses: {
    200: json(z.object({ versions: z.array(CategorySetMeta) }), 'Versions, newest first; the built-in default (version 0) last'),
  },
});

export const putDefinition = defineRoute({
  method: 'put',
  path: '/definitions/serious-violence',
  summary: 'Save a new version of the definition (audited)',
  tags: ['definitions'],
  'x-access': { capability: 'definitions.write' },
  request: { query: noQuery, body: jsonBody(definitionBody) },
  responses: { 200: json(z.object({ definition: CategorySetMeta }), 'The saved version') },
});

export const definitionRoutes = [getDefinition, definitionHistory, putDefinition] as const;

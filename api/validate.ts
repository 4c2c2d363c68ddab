// Validate, don't cast: every request input passes a zod schema; failures become 400 invalid_parameter.
import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError, zodDetails } from './errors.js';

/** `raw` checked by `schema`, or a 400 `code` listing every problem (each path through `label`). */
function check<S extends z.ZodType>(schema: S, raw: unknown, code: string, label: (path: string) => string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const d = zodDetails(r.error);
    throw new ApiError(400, code, d.map((x) => `${label(x.path)}: ${x.message}`).join('; '), d);
  }
  return r.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return check(schema, c.req.query(), 'invalid_parameter', (p) => p || 'query');
}

/** The fields every export body has: a file leaves the system, so the caller states why and for whom. */
export const exportStatement = {
  purpose: z.string().trim().min(3, 'state the purpose of the export').max(500),
  recipient: z.string().trim().min(2, 'state who receives the export').max(200),
};

/** An export's `filters`: the same strings as the matching GET endpoint's query, checked by the same schema. */
export function parseFilters<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  return check(schema, raw, 'invalid_parameter', (p) => `filters.${p}`);
}

/** `YYYY-MM` (first day of the month) or `YYYY-MM-DD`; returns `YYYY-MM-DD`. */
export const dateParam = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'must be YYYY-MM or YYYY-MM-DD')
  .transform((s, ctx) => {
    const d = s.length === 7 ? `${s}-01` : s;
    const t = new Date(`${d}T00:00:00Z`);
    if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== d) {
      ctx.addIssue({ code: 'custom', message: `${s} is not a real date` });
      return z.NEVER;
    }
    return d;
  });

/** Comma-separated category slugs, or category sets such as `@serious-violence` (aggregates/request.ts). */
export const categoryParam = z
  .string()
  .max(2000)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^@?[a-z0-9][a-z0-9-]{0,63}$/, 'category slugs are lower-case letters, digits and hyphens (a category set: @serious-violence)')).max(50));

/** west,south,east,north in WGS84 degrees. */
export const bboxParam = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(
    z
      .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
      .refine(([w, s, e, n]) => w < e && s < n, 'bbox must be west,south,east,north with west < east and south < north'),
  );

/** A JSON request body (Content-Type application/json required), validated by `schema`. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ApiError(400, 'bad_json', 'The body is not valid JSON.');
  }
  return check(schema, raw, 'invalid_body', (p) => p || 'body');
}

/** A positive integer id from the path. */
export function idParam(c: Context, name = 'id'): number {
  const s = c.req.param(name) ?? '';
  if (!/^[1-9]\d{0,9}$/.test(s) || Number(s) > 2 ** 31 - 1) throw new ApiError(400, 'invalid_parameter', `${name} must be a positive integer`);
  return Number(s);
}

// Validate, don't cast: every request input passes a zod schema; failures become 400 invalid_parameter.
import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError, zodDetails } from './errors.js';

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const raw = c.req.query();
  const r = schema.safeParse(raw);
  if (!r.success) {
    const d = zodDetails(r.error);
    throw new ApiError(400, 'invalid_parameter', d.map((x) => `${x.path || 'query'}: ${x.message}`).join('; '), d);
  }
  return r.data;
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

/** Comma-separated category slugs. */
export const categoryParam = z
  .string()
  .max(2000)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'category slugs are lower-case letters, digits and hyphens')).max(50));

/** west,south,east,north in WGS84 degrees. */
export const bboxParam = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(
    z
      .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
      .refine(([w, s, e, n]) => w < e && s < n, 'bbox must be west,south,east,north with west < east and south < north'),
  );

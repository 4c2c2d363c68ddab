// Request parameters shared by many routes (contract/*.ts builds each route's query and body from these).
import { z } from 'zod';
import { H3_RESOLUTIONS, type H3Res } from '../geodata/h3.js';

/** The fields every export body has: a file leaves the system, so the caller states why and for whom. */
export const exportStatement = {
  purpose: z.string().trim().min(3, 'state the purpose of the export').max(500),
  recipient: z.string().trim().min(2, 'state who receives the export').max(200),
};

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


/** An H3 resolution with a stored column (incidents.h3_7 .. h3_10). */
export const resParam = z
  .enum(['7', '8', '9', '10'], { message: `res must be one of ${H3_RESOLUTIONS.join(', ')}` })
  .transform((s) => Number(s) as H3Res);

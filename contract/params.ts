// Request parameters shared by many routes (contract/*.ts builds each route's query and body from these).
import { getResolution, isValidCell } from 'h3-js';
import { z } from './zod.js';
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
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^@?[a-z0-9][a-z0-9-]{0,63}$/,
            'category slugs are lower-case letters, digits and hyphens (a category set: @serious-violence)',
          ),
      )
      .max(50),
  );

/** west,south,east,north in WGS84 degrees. */
export const bboxParam = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .pipe(
    z
      .tuple([
        z.number().min(-180).max(180),
        z.number().min(-90).max(90),
        z.number().min(-180).max(180),
        z.number().min(-90).max(90),
      ])
      .refine(([w, s, e, n]) => w < e && s < n, 'bbox must be west,south,east,north with west < east and south < north'),
  );

/** An area level (same pattern as the area_sets.level CHECK constraint). */
export const levelParam = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'level is lower-case letters, digits and _');

/** `res`: one of the stored H3 resolutions (incidents.h3_7 .. h3_10), as a number. */
export const resParam = z
  .enum(['7', '8', '9', '10'], { message: `res must be one of ${H3_RESOLUTIONS.join(', ')}` })
  .transform((s) => Number(s) as H3Res);

/** A standard 15-character lower-case H3 cell id at one of the stored resolutions. */
export const h3Param = z
  .string()
  .regex(/^[0-9a-f]{15}$/, 'must be a 15-character lower-case hexadecimal H3 cell id')
  .refine((s) => isValidCell(s), 'is not a valid H3 cell')
  .refine(
    (s) => (H3_RESOLUTIONS as readonly number[]).includes(getResolution(s)),
    `resolution must be one of ${H3_RESOLUTIONS.join(', ')}`,
  );

/** A positive integer id in a path (`/interventions/{id}`); the client may give a number. */
export const idParam = z.coerce
  .string<string | number>()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.number().max(2 ** 31 - 1, 'must be a positive integer'));

/** An `{id}` path parameter: a positive 32-bit integer (the message names what it is the id of). */
export const idPath = (what: string) =>
  z.object({
    id: z
      .string()
      .regex(/^[1-9]\d{0,9}$/, `${what} id must be a positive integer`)
      .transform(Number)
      .refine((n) => n <= 2 ** 31 - 1, `${what} id must be a positive integer`),
  });

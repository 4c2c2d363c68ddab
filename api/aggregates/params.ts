// Query-string schemas for the aggregation API. Every parameter passes one of these; unknown
// parameters are rejected too, so a typo (`?catgeory=`) is a 400 rather than a silently ignored filter.
import { z } from 'zod';
import { H3_RESOLUTIONS, type H3Res } from '../../geodata/h3.js';
import { bboxParam, categoryParam, dateParam } from '../validate.js';
// Shared with the hotspot routes' contract (contract/hotspots.ts).
import { h3Param, levelParam, resParam } from '../../contract/params.js';
export { h3Param, levelParam, resParam };

/** H3 resolutions with a stored column (incidents.h3_7 .. h3_10): those the importer computes. */
export { H3_RESOLUTIONS, type H3Res };

export const MAX_INCIDENT_LIMIT = 50_000;
export const DEFAULT_INCIDENT_LIMIT = 5_000;

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Four decimal numbers (no empty parts or hex; an exponent as JS prints tiny values), then the shared bbox checks. */
const NUM = String.raw`-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?`;
const strictBbox = z
  .string()
  .regex(new RegExp(`^${NUM}(,${NUM}){3}$`), 'bbox must be four decimal numbers: west,south,east,north')
  .pipe(bboxParam);

const windowShape = {
  from: dateParam.optional(),
  to: dateParam.optional(),
  category: categoryParam.optional(),
};


export const areasQuery = z.strictObject({ level: levelParam });

export const coverageQuery = z.strictObject({ ...windowShape });

export const statsQuery = z.strictObject({ level: levelParam, ...windowShape });

export const hexesQuery = z.strictObject({
  res: resParam.default(8),
  bbox: strictBbox.optional(),
  ...windowShape,
});

export const incidentsQuery = z.strictObject({
  bbox: strictBbox.optional(),
  limit: intParam(1, MAX_INCIDENT_LIMIT).default(DEFAULT_INCIDENT_LIMIT),
  ...windowShape,
});

export const seriesQuery = z
  .strictObject({
    level: levelParam.optional(),
    code: z.string().min(1).max(64).optional(),
    h3: h3Param.optional(),
    ...windowShape,
  })
  .refine((q) => (q.h3 !== undefined) !== (q.level !== undefined || q.code !== undefined), {
    message: 'give either level and code, or h3',
    path: ['h3'],
  })
  .refine((q) => q.h3 !== undefined || (q.level !== undefined && q.code !== undefined), {
    message: 'level and code go together',
    path: ['code'],
  });

export const emptyQuery = z.strictObject({});

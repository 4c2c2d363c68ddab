// Request schemas for the school-journey API. Unknown query parameters are refused (strict objects).
import { z } from 'zod';
import { categoryParam, dateParam, exportStatement } from '../validate.js';
import { DEFAULT_SCHEME, schemeName } from '../hotspots/params.js';
import { DEFAULT_SEGMENT_M, lineProblems } from '../../geodata/journeys/segment.js';
import { DEFAULT_DAYS, DEFAULT_WINDOWS, parseDays, parseWindows, type Weekday, type Window } from '../../geodata/journeys/time.js';
import { RANK_KEYS } from '../../geodata/journeys/exposure.js';

const intParam = (min: number, max: number) =>
  z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

/** A parser turned into a zod transform: its thrown message becomes the 400's message. */
const parsed = <T>(f: (s: string) => T) =>
  z.string().max(200).transform((s, ctx) => {
    try {
      return f(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

export const DEFAULT_CATEGORIES = ['robbery'];
export const DEFAULT_CORRIDOR_M = 50;
export const DEFAULT_AGE_MAX = 17;

export const exposureShape = {
  from: dateParam.optional(),
  to: dateParam.optional(),
  category: categoryParam.optional(),
  corridor_m: intParam(1, 500).default(DEFAULT_CORRIDOR_M),
  windows: parsed<Window[]>(parseWindows).default(parseWindows(DEFAULT_WINDOWS)),
  days: parsed<Weekday[]>(parseDays).default(DEFAULT_DAYS),
  term_only: z.enum(['true', 'false'], { message: 'term_only is true or false' }).default('true').transform((s) => s === 'true'),
  age_max: z
    .string()
    .regex(/^(\d{1,3}|none)$/, 'age_max is a whole number of years (17 = under 18) or none')
    .transform((s) => (s === 'none' ? null : Number(s)))
    .pipe(z.number().int().min(0).max(120).nullable())
    .default(DEFAULT_AGE_MAX),
  weights: schemeName.default(DEFAULT_SCHEME),
  rank_by: z.enum(RANK_KEYS, { message: `rank_by is one of ${RANK_KEYS.join(', ')}` }).default('count'),
  top: intParam(1, 100).default(10),
};

export const exposureQuery = z.strictObject(exposureShape);
export type ExposureQuery = z.infer<typeof exposureQuery>;

/** Routes for GET /api/journeys/segments: comma-separated ids, at most 50, no repeats. */
export const MAX_BATCH_ROUTES = 50;
export const segmentsBatchQuery = z.strictObject({
  ...exposureShape,
  routes: z
    .string()
    .max(600)
    .regex(/^[1-9]\d{0,9}(,[1-9]\d{0,9})*$/, 'routes is a comma-separated list of route ids')
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().int().max(2 ** 31 - 1)).min(1).max(MAX_BATCH_ROUTES, `at most ${MAX_BATCH_ROUTES} routes`))
    .refine((ids) => new Set(ids).size === ids.length, 'routes lists a route twice'),
});

export const sitesQuery = z.strictObject({ kind: z.enum(['school', 'hub'], { message: 'kind is school or hub' }).optional() });

const siteId = z.number().int().min(1).max(2 ** 31 - 1);
const geometry = z.unknown().superRefine((g, ctx) => {
  for (const message of lineProblems(g)) ctx.addIssue({ code: 'custom', message });
});

export const routeBody = z.strictObject({
  name: z.string().trim().min(1, 'give the route a name').max(200),
  school_id: siteId.nullable().default(null),
  hub_id: siteId.nullable().default(null),
  segment_m: z.number().min(10).max(1000).default(DEFAULT_SEGMENT_M),
  geometry,
});
export type RouteBody = z.infer<typeof routeBody>;

export const routePatch = z
  .strictObject({
    name: z.string().trim().min(1, 'give the route a name').max(200).optional(),
    school_id: siteId.nullable().optional(),
    hub_id: siteId.nullable().optional(),
    segment_m: z.number().min(10).max(1000).optional(),
    geometry: geometry.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type RoutePatch = z.infer<typeof routePatch>;

export const routeImportQuery = z.strictObject({ segment_m: intParam(10, 1000).default(DEFAULT_SEGMENT_M) });

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').pipe(dateParam);
export const termDatesBody = z.strictObject({
  terms: z
    .array(z.strictObject({ name: z.string().trim().max(100).default(''), starts_on: day, ends_on: day }).refine((t) => t.ends_on >= t.starts_on, { message: 'ends_on must not be before starts_on', path: ['ends_on'] }))
    .max(300)
    .superRefine((ts, ctx) => {
      const sorted = ts.map((t, i) => ({ ...t, i })).sort((a, b) => a.starts_on.localeCompare(b.starts_on));
      for (let k = 1; k < sorted.length; k++) {
        if (sorted[k].starts_on <= sorted[k - 1].ends_on) ctx.addIssue({ code: 'custom', path: [sorted[k].i, 'starts_on'], message: `overlaps the term ${sorted[k - 1].starts_on}..${sorted[k - 1].ends_on}` });
      }
    }),
});

export const exportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(['csv', 'geojson', 'gpx']).default('csv'),
  /** One route's worst segments, or (absent) the worst across all routes. */
  route_id: siteId.optional(),
  /** The same strings as the ranking endpoint's query. */
  filters: z.record(z.string(), z.string()).default({}),
});

/** Proposals walk along the stored walking network (PUT /api/planning/network); none is sent with the request. */
export const proposalsBody = z.strictObject({
  k: z.number().int().min(1).max(5).default(2),
  /** Largest gap (m) between a school/hub and the nearest point of the network. */
  max_snap_m: z.number().min(1).max(1000).default(250),
  school_ids: z.array(siteId).max(500).optional(),
});

// School-journey API (issue 5): sites, routes (CRUD and GeoJSON import), segment exposure, ranking, the
// term calendar, audited exports of the worst segments with guardian points, and candidate routes over a
// walking network. Analysts and officers draw, edit, import and export; everyone reads; partners get
// counts through the disclosure rule, per measure and list, never `excluded` or `all`
// (api/journeys/disclosure.ts). Unknown query parameters are refused (strict objects).
import { PlaceName } from './places.js';
import { z } from './zod.js';
import { RANK_KEYS, type RankKey } from '../geodata/journeys/exposure.js';
import { DEFAULT_SEGMENT_M, lineProblems } from '../geodata/journeys/segment.js';
import {
  DEFAULT_DAYS,
  DEFAULT_WINDOWS,
  WEEKDAYS,
  parseDays,
  parseWindows,
  type Weekday,
  type Window,
} from '../geodata/journeys/time.js';
import { CategorySetMeta } from './definitions.js';
import { DEFAULT_SCHEME, SchemeMeta, schemeName } from './hotspots.js';
import { defineRoute, json, jsonBody, noQuery } from './http.js';
import { categoryParam, dateParam, exportStatement } from './params.js';

// ---------- enumerations and defaults (server and UI) ----------

export { DEFAULT_DAYS, DEFAULT_SEGMENT_M, DEFAULT_WINDOWS, RANK_KEYS, WEEKDAYS };
export type { RankKey, Weekday };
export const SITE_KINDS = ['school', 'hub'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];
export const ROUTE_ORIGINS = ['drawn', 'imported', 'network'] as const;
export const JOURNEY_EXPORT_FORMATS = ['csv', 'geojson', 'gpx'] as const;
export type JourneyExportFormat = (typeof JOURNEY_EXPORT_FORMATS)[number];
/** Categories counted when none are asked for. */
export const DEFAULT_CATEGORIES = ['robbery'];
export const DEFAULT_CORRIDOR_M = 50;
/** Oldest age counted by default (17 = under 18). */
export const DEFAULT_AGE_MAX = 17;
/** Worst segments listed by default. */
export const DEFAULT_TOP = 10;
/** Routes for GET /journeys/segments: at most this many. */
export const MAX_BATCH_ROUTES = 50;
/** Routes per GeoJSON import. */
export const MAX_IMPORT_FEATURES = 500;

// ---------- request parameters ----------

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A parser turned into a zod transform: its thrown message becomes the 400's message. */
const parsed = <T>(f: (s: string) => T) =>
  z
    .string()
    .max(200)
    .transform((s, ctx) => {
      try {
        return f(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    });

export const exposureShape = {
  from: dateParam.optional(),
  to: dateParam.optional(),
  category: categoryParam.optional(),
  corridor_m: intParam(1, 500).default(DEFAULT_CORRIDOR_M),
  windows: parsed<Window[]>(parseWindows).default(parseWindows(DEFAULT_WINDOWS)),
  days: parsed<Weekday[]>(parseDays).default(DEFAULT_DAYS),
  term_only: z
    .enum(['true', 'false'], { message: 'term_only is true or false' })
    .default('true')
    .transform((s) => s === 'true'),
  age_max: z
    .string()
    .regex(/^(\d{1,3}|none)$/, 'age_max is a whole number of years (17 = under 18) or none')
    .transform((s) => (s === 'none' ? null : Number(s)))
    .pipe(z.number().int().min(0).max(120).nullable())
    .default(DEFAULT_AGE_MAX),
  weights: schemeName.default(DEFAULT_SCHEME),
  rank_by: z.enum(RANK_KEYS, { message: `rank_by is one of ${RANK_KEYS.join(', ')}` }).default('count'),
  top: intParam(1, 100).default(DEFAULT_TOP),
};

export const exposureQuery = z.strictObject(exposureShape);
export type ExposureQuery = z.output<typeof exposureQuery>;

export const segmentsBatchQuery = z.strictObject({
  ...exposureShape,
  routes: z
    .string()
    .max(600)
    .regex(/^[1-9]\d{0,9}(,[1-9]\d{0,9})*$/, 'routes is a comma-separated list of route ids')
    .transform((s) => s.split(',').map(Number))
    .pipe(
      z
        .array(
          z
            .number()
            .int()
            .max(2 ** 31 - 1),
        )
        .min(1)
        .max(MAX_BATCH_ROUTES, `at most ${MAX_BATCH_ROUTES} routes`),
    )
    .refine((ids) => new Set(ids).size === ids.length, 'routes lists a route twice'),
});

export const sitesQuery = z.strictObject({ kind: z.enum(SITE_KINDS, { message: 'kind is school or hub' }).optional() });

const siteId = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);
const Position = z.tuple([z.number(), z.number()]);
/** [lon, lat] in WGS84. */
export type Position = z.output<typeof Position>;
const LineString = z.object({ type: z.literal('LineString'), coordinates: z.array(Position) });
/** A LineString in WGS84 (checked by lineProblems: positions, vertices, length). */
const geometry = z
  .unknown()
  .superRefine((g, ctx) => {
    for (const message of lineProblems(g)) ctx.addIssue({ code: 'custom', message });
  })
  .transform((g) => g as z.output<typeof LineString>);

export const routeBody = z.strictObject({
  name: z.string().trim().min(1, 'give the route a name').max(200),
  school_id: siteId.nullable().default(null),
  hub_id: siteId.nullable().default(null),
  segment_m: z.number().min(10).max(1000).default(DEFAULT_SEGMENT_M),
  geometry,
});
export type RouteBody = z.input<typeof routeBody>;

export const routePatch = z
  .strictObject({
    name: z.string().trim().min(1, 'give the route a name').max(200).optional(),
    school_id: siteId.nullable().optional(),
    hub_id: siteId.nullable().optional(),
    segment_m: z.number().min(10).max(1000).optional(),
    geometry: geometry.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type RoutePatch = z.input<typeof routePatch>;

export const routeImportQuery = z.strictObject({ segment_m: intParam(10, 1000).default(DEFAULT_SEGMENT_M) });

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .pipe(dateParam);
export const termDatesBody = z.strictObject({
  terms: z
    .array(
      z
        .strictObject({ name: z.string().trim().max(100).default(''), starts_on: day, ends_on: day })
        .refine((t) => t.ends_on >= t.starts_on, { message: 'ends_on must not be before starts_on', path: ['ends_on'] }),
    )
    .max(300)
    .superRefine((ts, ctx) => {
      const sorted = ts.map((t, i) => ({ ...t, i })).sort((a, b) => a.starts_on.localeCompare(b.starts_on));
      for (let k = 1; k < sorted.length; k++) {
        if (sorted[k].starts_on <= sorted[k - 1].ends_on)
          ctx.addIssue({
            code: 'custom',
            path: [sorted[k].i, 'starts_on'],
            message: `overlaps the term ${sorted[k - 1].starts_on}..${sorted[k - 1].ends_on}`,
          });
      }
    }),
});

export const exportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(JOURNEY_EXPORT_FORMATS).default('csv'),
  /** One route's worst segments, or (absent) the worst across all routes. */
  route_id: siteId.optional(),
  /** The same strings as the ranking endpoint's query (checked by exposureQuery). */
  filters: z.record(z.string(), z.string()).default({}),
});

/** Proposals walk along the stored walking network (PUT /api/planning/network); none is sent with the request. */
export const proposalsBody = z.strictObject({
  k: z.number().int().min(1).max(5).default(2),
  /** Largest gap (m) between a school/hub and the nearest point of the network. */
  max_snap_m: z.number().min(1).max(1000).default(250),
  school_ids: z.array(siteId).max(500).optional(),
});

/** A route id in the path: a positive integer. */
const routeIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .max(2 ** 31 - 1, 'must be a positive integer'),
    ),
});

// ---------- answers ----------

export const SiteProperties = z.object({
  id: z.number().int(),
  kind: z.enum(SITE_KINDS),
  source_id: z.string(),
  name: z.string(),
  attributes: z.record(z.string(), z.unknown()).nullable(),
});
export type SiteProperties = z.output<typeof SiteProperties>;
export const SiteCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.number().int(),
      properties: SiteProperties,
      geometry: z.object({ type: z.literal('Point'), coordinates: Position }),
    }),
  ),
});
export type SiteCollection = z.output<typeof SiteCollection>;

export const RouteProperties = z.object({
  id: z.number().int(),
  name: z.string(),
  school_id: z.number().int().nullable(),
  school_name: z.string().nullable(),
  hub_id: z.number().int().nullable(),
  hub_name: z.string().nullable(),
  length_m: z.number(),
  segment_m: z.number(),
  segments: z.number().int(),
  origin: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  updated_by: z.string().nullable(),
  updated_at: z.string(),
});
export type RouteProperties = z.output<typeof RouteProperties>;
export const RouteFeature = z.object({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: LineString,
  properties: RouteProperties,
});
export type RouteFeature = z.output<typeof RouteFeature>;
export const RouteCollection = z.object({ type: z.literal('FeatureCollection'), features: z.array(RouteFeature) });
export type RouteCollection = z.output<typeof RouteCollection>;

const nullableCount = z.number().nullable();
/** Counts per class; partners get null for withheld values and never `excluded`/`all`. */
const tally = {
  count: nullableCount,
  unknown_time: nullableCount,
  unknown_age: nullableCount,
  excluded: nullableCount,
  all: nullableCount,
  harm: nullableCount,
};
export const Tally = z.object(tally);
export type Tally = z.output<typeof Tally>;

export const SegmentRow = z.object({
  route_id: z.number().int(),
  seq: z.number().int(),
  length_m: z.number(),
  start_m: z.number(),
  end_m: z.number(),
  route_name: z.string(),
  /** The segment's place name from the data (api/places/names.ts): street + ward; partners: the ward. */
  place: PlaceName.optional(),
  ...tally,
  rate_per_100m: nullableCount,
  harm_per_100m: nullableCount,
  ratio: nullableCount,
  harm_ratio: nullableCount,
  /** Where a guardian would stand: the segment's midpoint by length. */
  guardian_point: Position,
  suppressed: z.boolean().optional(),
});
export type SegmentRow = z.output<typeof SegmentRow>;

export const ExposureMeta = z.object({
  from: z.string(),
  to: z.string(),
  categories: z.array(z.string()),
  corridor_m: z.number(),
  windows: z.string(),
  days: z.array(z.enum(WEEKDAYS)),
  term_only: z.boolean(),
  terms_in_window: z.number().int(),
  age_max: z.number().int().nullable(),
  weights: SchemeMeta,
  rank_by: z.enum(RANK_KEYS),
  /** Real hours of school-journey time in the window, for rates per hour. */
  window_hours: z.number(),
  rules: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
  category_set: CategorySetMeta.optional(),
});
export type ExposureMeta = z.output<typeof ExposureMeta>;

export const Average = z.object({
  rate_per_100m: nullableCount,
  harm_per_100m: nullableCount,
  segments: z.number().int(),
  length_m: z.number(),
  suppressed: z.boolean().optional(),
});
export type Average = z.output<typeof Average>;

const Disclosed = z.object({ min_count: z.number().int(), rule: z.string() });

export const SegmentsResponse = z.object({
  type: z.literal('FeatureCollection'),
  /** The route with its totals (partners: from the ranking's masked list). */
  route: RouteProperties.extend({
    route_id: z.number().int(),
    ...tally,
    rate_per_100m: nullableCount,
    ratio: nullableCount,
    suppressed: z.boolean().optional(),
  }),
  features: z.array(z.object({ type: z.literal('Feature'), id: z.string(), geometry: LineString, properties: SegmentRow })),
  worst: z.array(SegmentRow),
  average: Average,
  meta: ExposureMeta,
  disclosure: Disclosed.optional(),
});
export type SegmentsResponse = z.output<typeof SegmentsResponse>;

export const RankedRoute = z.object({
  rank: z.number().int(),
  route_id: z.number().int(),
  name: z.string(),
  school_id: z.number().int().nullable(),
  hub_id: z.number().int().nullable(),
  school_name: z.string().nullable(),
  hub_name: z.string().nullable(),
  length_m: z.number(),
  segments: z.number().int(),
  ...tally,
  rate_per_100m: nullableCount,
  ratio: nullableCount,
  suppressed: z.boolean().optional(),
  worst_segment: z
    .object({ seq: z.number().int(), value: nullableCount, rate_per_100m: nullableCount, guardian_point: Position })
    .nullable(),
});
export type RankedRoute = z.output<typeof RankedRoute>;

export const RankedSchool = z.object({
  school_id: z.number().int(),
  name: z.string().nullable(),
  routes: z.number().int(),
  length_m: z.number(),
  ...tally,
  suppressed: z.boolean().optional(),
  /** The worst `top` segments among the school's routes (partners: only those shown on the routes' pages). */
  worst_segments: z.array(SegmentRow),
});
export type RankedSchool = z.output<typeof RankedSchool>;

export const RankingResponse = z.object({
  routes: z.array(RankedRoute),
  worst_segments: z.array(SegmentRow),
  schools: z.array(RankedSchool),
  totals: Tally,
  average: Average,
  meta: ExposureMeta,
  disclosure: Disclosed.optional(),
});
export type RankingResponse = z.output<typeof RankingResponse>;

export const Term = z.object({ id: z.number().int(), name: z.string(), starts_on: z.string(), ends_on: z.string() });
export type Term = z.output<typeof Term>;
/** A term as entered (a new one has no id yet): what PUT /journeys/term-dates takes. */
export type TermInput = Omit<Term, 'id'> & { id?: number };

export const Proposal = z.object({
  school_id: z.number().int(),
  hub_id: z.number().int(),
  name: z.string(),
  length_m: z.number(),
  /** Straight-line distance school → hub, for comparison. */
  crow_m: z.number(),
  geometry: LineString,
});
export type Proposal = z.output<typeof Proposal>;
export const ProposalsResponse = z.object({
  proposals: z.array(Proposal),
  problems: z.array(z.object({ school_id: z.number().int(), hub_id: z.number().int().optional(), message: z.string() })),
  k: z.number().int(),
  max_snap_m: z.number(),
  /** The stored walking network the walks follow. */
  network: z
    .object({
      id: z.number().int(),
      name: z.string(),
      lines: z.number().int(),
      vertices: z.number().int(),
      loaded_at: z.string(),
    })
    .nullable(),
});
export type ProposalsResponse = z.output<typeof ProposalsResponse>;

// ---------- routes ----------

const MASKED = {
  kind: 'masked',
  rule: 'counts below min_count withheld with complementary suppression, per measure and list; excluded and all are not shown to partners; rank_by=all refused',
} as const;
const noCounts = (reason: string) => ({ kind: 'no-counts', reason }) as const;
const TAGS = ['journeys'];

export const getSites = defineRoute({
  method: 'get',
  path: '/journeys/sites',
  summary: 'Schools and hubs (GeoJSON points)',
  tags: TAGS,
  'x-access': { capability: 'aggregates.read', partner: noCounts('public places: schools and transport hubs') },
  request: { query: sitesQuery },
  responses: {
    200: { description: 'A FeatureCollection built by PostGIS', content: { 'application/geo+json': { schema: SiteCollection } } },
  },
});

export const listRoutes = defineRoute({
  method: 'get',
  path: '/journeys/routes',
  summary: 'Every journey route (GeoJSON LineStrings)',
  tags: TAGS,
  'x-access': { capability: 'aggregates.read', partner: noCounts('route lines and their school and hub; no incident counts') },
  request: { query: noQuery },
  responses: { 200: json(RouteCollection, 'Routes by name') },
});

export const getRoute = defineRoute({
  method: 'get',
  path: '/journeys/routes/{id}',
  summary: 'One journey route',
  tags: TAGS,
  'x-access': { capability: 'aggregates.read', partner: noCounts('a route line and its school and hub; no incident counts') },
  request: { query: noQuery, params: routeIdParams },
  responses: { 200: json(RouteFeature, 'The route') },
});

export const createRoute = defineRoute({
  method: 'post',
  path: '/journeys/routes',
  summary: 'Save a drawn route (cut into segments; audited)',
  tags: TAGS,
  'x-access': { capability: 'journeys.write' },
  request: { query: noQuery, body: jsonBody(routeBody) },
  responses: { 201: json(RouteFeature, 'The saved route') },
});

export const updateRoute = defineRoute({
  method: 'patch',
  path: '/journeys/routes/{id}',
  summary: "Change a route's name, school, hub, segment length or line (audited)",
  tags: TAGS,
  'x-access': { capability: 'journeys.write' },
  request: { query: noQuery, params: routeIdParams, body: jsonBody(routePatch) },
  responses: { 200: json(RouteFeature, 'The changed route') },
});

export const deleteRoute = defineRoute({
  method: 'delete',
  path: '/journeys/routes/{id}',
  summary: 'Delete a route and its segments (audited)',
  tags: TAGS,
  'x-access': { capability: 'journeys.write' },
  request: { query: noQuery, params: routeIdParams },
  responses: { 204: { description: 'Deleted' } },
});

export const importRoutes = defineRoute({
  method: 'post',
  path: '/journeys/routes/import',
  summary: 'Import routes from a GeoJSON FeatureCollection of LineStrings (all or nothing; audited)',
  description:
    "The body is the FeatureCollection itself (Content-Type application/json or application/geo+json; at most 500 features). Properties: name (or Name/title), school_id or school (a school's source id, e.g. its URN), hub_id or hub (a hub's source id, e.g. AtcoCode). Any bad feature: 400 invalid_routes listing every problem by feature number; nothing stored.",
  tags: TAGS,
  'x-access': { capability: 'journeys.write' },
  request: { query: routeImportQuery },
  responses: { 201: json(z.object({ imported: z.number().int(), ids: z.array(z.number().int()) }), 'The new routes') },
});

const segmentsRoute = <P extends string>(path: P, summary: string) =>
  defineRoute({
    method: 'get',
    path,
    summary,
    tags: TAGS,
    'x-access': { capability: 'aggregates.read', partner: MASKED },
    request: { query: exposureQuery, params: routeIdParams },
    responses: { 200: json(SegmentsResponse, "The route's segments with their exposure, its worst segments and totals") },
  });

export const routeSegments = segmentsRoute('/journeys/routes/{id}/segments', "One route's segment exposure");
/** The issue's own path for the same answer. */
export const routeSegmentsShort = segmentsRoute('/routes/{id}/segments', "One route's segment exposure (short path)");

export const segmentsBatch = defineRoute({
  method: 'get',
  path: '/journeys/segments',
  summary: "Several routes' segment exposure from one computation",
  tags: TAGS,
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: segmentsBatchQuery },
  responses: { 200: json(z.object({ routes: z.array(SegmentsResponse) }), 'One answer per route, in the order asked') },
});

export const ranking = defineRoute({
  method: 'get',
  path: '/journeys/ranking',
  summary: 'Routes and schools ranked by exposure, with the worst segments',
  tags: TAGS,
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: exposureQuery },
  responses: {
    200: json(RankingResponse, 'Ranked routes and schools, worst segments across routes, totals and the borough average'),
  },
});

export const getTermDates = defineRoute({
  method: 'get',
  path: '/journeys/term-dates',
  summary: 'The term calendar behind term_only',
  tags: TAGS,
  'x-access': { capability: 'aggregates.read', partner: noCounts('school term dates') },
  request: { query: noQuery },
  responses: { 200: json(z.object({ terms: z.array(Term) }), 'Terms by first day') },
});

export const putTermDates = defineRoute({
  method: 'put',
  path: '/journeys/term-dates',
  summary: 'Replace the term calendar (audited)',
  tags: TAGS,
  'x-access': { capability: 'journeys.write' },
  request: { query: noQuery, body: jsonBody(termDatesBody) },
  responses: { 200: json(z.object({ terms: z.array(Term) }), 'The saved calendar') },
});

export const exportWorstSegments = defineRoute({
  method: 'post',
  path: '/journeys/exports',
  summary: 'The worst segments with guardian points as CSV, GeoJSON or GPX (audited)',
  tags: TAGS,
  'x-access': { capability: 'journeys.write' },
  request: { query: noQuery, body: jsonBody(exportBody) },
  responses: {
    200: {
      description: 'The file, named worst-segments-<date>.<format>',
      content: {
        'text/csv': { schema: z.string() },
        'application/geo+json': { schema: z.string() },
        'application/gpx+xml': { schema: z.string() },
      },
    },
  },
});

export const proposals = defineRoute({
  method: 'post',
  path: '/journeys/proposals',
  summary: 'Candidate routes from a walking network (nothing stored)',
  tags: TAGS,
  'x-access': { capability: 'journeys.write' },
  request: { query: noQuery, body: jsonBody(proposalsBody) },
  responses: {
    200: json(ProposalsResponse, 'The shortest walk from each school to its nearest hubs, and the pairs without one'),
  },
});

export const journeyRoutes = [
  getSites,
  listRoutes,
  getRoute,
  createRoute,
  updateRoute,
  deleteRoute,
  importRoutes,
  routeSegments,
  routeSegmentsShort,
  segmentsBatch,
  ranking,
  getTermDates,
  putTermDates,
  exportWorstSegments,
  proposals,
] as const;

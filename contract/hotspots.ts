// Hotspot API (issue 4): harm schemes, Gi* hot spots (H3 cells and areas), the top-N list and its export,
// change against earlier windows, emerging hot spots, the time profile of a selection and the Knox
// near-repeat test. Query strings are strict (an unknown parameter is a 400 naming it). Partners get
// counts through the disclosure rule, classes without z-scores or p-values (api/hotspots/partner.ts).
import { z } from './zod.js';
import { CORRECTIONS, HOT_COLD_CLASSES, type Correction, type HotColdClass } from '../geodata/stats/correction.js';
import { EMERGING_PATTERNS, type EmergingPattern } from '../geodata/stats/emerging.js';
import { PERIOD_KINDS, type PeriodKind } from '../geodata/stats/periods.js';
import { DEFAULT_SCHEME, SHIPPED_SCHEME_NAMES, type ShippedSchemeName } from '../geodata/harm/names.js';
import { CategorySetMeta } from './definitions.js';
import { defineRoute, json, jsonBody, noQuery, ReadSource } from './http.js';
import { PlaceName } from './places.js';
import { categoryParam, dateParam, exportStatement, h3Param, levelParam, resParam } from './params.js';

// ---------- enumerations (server and UI) ----------

export { CORRECTIONS, DEFAULT_SCHEME, EMERGING_PATTERNS, HOT_COLD_CLASSES, PERIOD_KINDS, SHIPPED_SCHEME_NAMES };
export type { Correction, EmergingPattern, HotColdClass, PeriodKind, ShippedSchemeName };
export const HotColdClassEnum = z.enum(HOT_COLD_CLASSES);
export const EmergingPatternEnum = z.enum(EMERGING_PATTERNS);
/** The two comparisons of the change statistic. */
export const CHANGE_COMPARISONS = ['previous', 'year_ago'] as const;
export type ChangeComparison = (typeof CHANGE_COMPARISONS)[number];
/** Directions of a change test. */
export const DIRECTIONS = ['up', 'down', 'none'] as const;
/** Export formats of the hotspot list. */
export const HOTSPOT_EXPORT_FORMATS = ['csv', 'geojson'] as const;
/** Largest harm scheme CSV the server takes (characters). */
export const MAX_SCHEME_CHARS = 100_000;
/** Most units the top-N list gives. */
export const MAX_TOP = 1000;
/** Most vertices a drawn polygon may have (all rings together, closing points included). */
export const MAX_POLYGON_VERTICES = 200;
/** The time profile's days, Monday first (its day_of_week rows and hour_of_week matrix rows). */
export const PROFILE_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

// ---------- request parameters ----------

/** The rule for harm scheme names: shipped (count, ons-css, cambridge-chi) or user-loaded (harm_schemes.name). */
export const SCHEME_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const schemeName = z.string().regex(SCHEME_NAME, 'a scheme name is lower-case letters, digits and hyphens (at most 64)');

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const windowShape = { from: dateParam.optional(), to: dateParam.optional(), category: categoryParam.optional() };

/** Either an H3 resolution or an area level, never both. */
const unitShape = { res: resParam.optional(), level: levelParam.optional() };
const oneUnit = <T extends { res?: number; level?: string }>(q: T) => (q.res === undefined) !== (q.level === undefined);
const ONE_UNIT = { message: 'give either res (H3 cells, 7..10) or level (an area set such as ward), not both', path: ['res'] };

const statShape = {
  ...unitShape,
  ...windowShape,
  weights: schemeName.default(DEFAULT_SCHEME),
  k: intIn(1, 3).default(1),
  correction: z.enum(CORRECTIONS, { message: `correction must be one of ${CORRECTIONS.join(', ')}` }).default('fdr'),
};

export const hotspotsQuery = z.strictObject(statShape).refine(oneUnit, ONE_UNIT);

export const topQuery = z.strictObject({ ...statShape, n: intIn(1, MAX_TOP).default(20) }).refine(oneUnit, ONE_UNIT);
/** Export filters: the top-N query, `n` optional (absent: every unit). */
export const exportFilters = z.strictObject({ ...statShape, n: intIn(1, 1_000_000).optional() }).refine(oneUnit, ONE_UNIT);

export const exportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(HOTSPOT_EXPORT_FORMATS).default('csv'),
  /** The same strings as GET /hotspots/top's query (checked by exportFilters). */
  filters: z.record(z.string(), z.string()),
});

export const changeQuery = z
  .strictObject({
    ...unitShape,
    ...windowShape,
    weights: schemeName.default(DEFAULT_SCHEME),
    // Windows not fully covered by data (issue 11): refuse (default), or test over the covered days only.
    uncovered: z.enum(['refuse', 'covered-only'], { message: 'uncovered must be refuse or covered-only' }).default('refuse'),
  })
  .refine(oneUnit, ONE_UNIT);

export const emergingQuery = z
  .strictObject({
    ...statShape,
    period: z.enum(PERIOD_KINDS, { message: `period must be one of ${PERIOD_KINDS.join(', ')}` }).default('28d'),
    alpha: z.enum(['0.01', '0.05', '0.1'], { message: 'alpha must be 0.01, 0.05 or 0.1' }).default('0.05').transform(Number),
    include: z.enum(['series'], { message: 'include may only be series' }).optional(),
  })
  .refine(oneUnit, ONE_UNIT);

type Ring = [number, number][];
/** A URL-encoded GeoJSON Polygon in WGS84: closed rings of >= 4 positions, <= 200 vertices in all. */
export const polygonParam = z
  .string()
  .max(20_000, 'polygon is too long')
  .transform((s, ctx) => {
    let g: unknown;
    try {
      g = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'polygon must be GeoJSON (a Polygon geometry, URL-encoded)' });
      return z.NEVER;
    }
    const fail = (m: string) => (ctx.addIssue({ code: 'custom', message: m }), z.NEVER);
    const o = g as { type?: unknown; coordinates?: unknown };
    if (!o || typeof o !== 'object' || o.type !== 'Polygon' || !Array.isArray(o.coordinates))
      return fail('polygon must be a GeoJSON geometry of type Polygon');
    const rings = o.coordinates as unknown[];
    if (rings.length === 0) return fail('polygon has no rings');
    let vertices = 0;
    for (const [r, ring] of rings.entries()) {
      if (!Array.isArray(ring) || ring.length < 4) return fail(`polygon ring ${r} needs at least 4 positions (closed)`);
      for (const pt of ring) {
        if (!Array.isArray(pt) || pt.length < 2 || pt.length > 3 || !pt.every((v) => typeof v === 'number' && Number.isFinite(v)))
          return fail(`polygon ring ${r} has a position that is not [lon, lat]`);
        if (pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90)
          return fail(`polygon ring ${r} has a position outside WGS84 lon/lat`);
      }
      const a = ring[0] as number[];
      const b = ring[ring.length - 1] as number[];
      if (a[0] !== b[0] || a[1] !== b[1]) return fail(`polygon ring ${r} is not closed (first and last positions differ)`);
      vertices += ring.length;
    }
    if (vertices > MAX_POLYGON_VERTICES) return fail(`polygon has ${vertices} vertices; at most ${MAX_POLYGON_VERTICES}`);
    return { type: 'Polygon' as const, coordinates: rings as Ring[] };
  });

export const profileQuery = z
  .strictObject({
    level: levelParam.optional(),
    code: z.string().min(1).max(64).optional(),
    h3: h3Param.optional(),
    polygon: polygonParam.optional(),
    ...windowShape,
  })
  .refine((q) => [q.h3, q.polygon, q.level ?? q.code].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one selection: level and code, h3, or polygon',
    path: ['level'],
  })
  .refine((q) => (q.level === undefined) === (q.code === undefined), { message: 'level and code go together', path: ['code'] });

/** Comma-separated band edges: ascending numbers starting at 0. */
const edges = (unit: string, max: number, most: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)+$/, `comma-separated ${unit}, e.g. 0,100,200`)
    .transform((s) => s.split(',').map(Number))
    .refine((e) => e[0] === 0, 'must start at 0')
    .refine((e) => e.every((v, i) => i === 0 || v > e[i - 1]), 'must be strictly increasing')
    .refine((e) => e[e.length - 1] <= max, `the last edge may be at most ${max}`)
    .refine((e) => e.length <= most, `at most ${most} edges`);

export const knoxQuery = z.strictObject({
  ...windowShape,
  distance: edges('metres', 5000, 11).default([0, 100, 200, 400]),
  time: edges('days', 365, 11).default([0, 7, 14, 28]),
  permutations: intIn(99, 9999).default(999),
  seed: intIn(0, 2 ** 31 - 1).default(1),
});

export const schemePostQuery = z.strictObject({
  name: schemeName,
  label: z.string().trim().min(1).max(200).optional(),
  version: z.string().trim().min(1).max(64).optional(),
  source: z.string().trim().min(1).max(500).optional(),
  // An offence mix (CSV offence_code,count) applies to `base`, a scheme that weighs offence codes.
  base: schemeName.optional(),
  mix_name: z.string().trim().min(1).max(120).optional(),
});

// ---------- answers ----------

const Window = z.object({ from: z.string(), to: z.string() });
const nullableCount = z.number().nullable();

/** What every answer says about the harm scheme it used (api/hotspots/schemes.ts schemeMeta). */
export const SchemeMeta = z.object({
  name: z.string(),
  label: z.string(),
  version: z.string(),
  source: z.string(),
  /** What a derived (not primary) table was derived from. */
  derived: z.string().nullable(),
  weighs: z.string(),
  /** The offence mix (offence code → count) the category weights were derived from. */
  mix: z.object({ name: z.string(), source: z.string(), total: z.number(), codes: z.number().int() }).nullable(),
  /** Schemes weighing offence codes: how each category weight was derived. */
  category_weights: z.record(z.string(), z.string()).optional(),
  /** Categories the scheme gives no weight, with why. */
  categories_without_weight: z.record(z.string(), z.string()),
});
export type SchemeMeta = z.output<typeof SchemeMeta>;

export const HarmScheme = z.object({
  name: z.string(),
  label: z.string(),
  version: z.string(),
  source: z.string(),
  origin: z.enum(['shipped', 'user']),
  /** Category slug → weight. */
  weights: z.record(z.string(), z.number()),
  codeWeights: z.record(z.string(), z.number()).nullable().optional(),
  mix: z
    .object({ name: z.string(), source: z.string(), total: z.number(), counts: z.record(z.string(), z.number()) })
    .nullable()
    .optional(),
  categoryNotes: z.record(z.string(), z.string()).nullable().optional(),
  derived: z.string().nullable().optional(),
});
export type HarmScheme = z.output<typeof HarmScheme>;

/** How neighbours are defined: a k-ring of H3 cells or queen contiguity of areas. */
export const Neighbourhood = z.object({
  type: z.string(),
  k: z.number().int().optional(),
  weights: z.string(),
  self: z.boolean(),
  rule: z.string().optional(),
  study_area: z.string().optional(),
});
export type Neighbourhood = z.output<typeof Neighbourhood>;

/** A cell (`h3`, `partial`: cut by the study area's boundary, its counts cover the part inside) or an area (`code`, `name`). */
export const UnitKey = z.object({
  h3: z.string().optional(),
  partial: z.boolean().optional(),
  code: z.string().optional(),
  name: z.string().optional(),
  /** Cells: the place name from the data (api/places/names.ts): street + ward, or the ward, or null with the reason. */
  place: PlaceName.optional(),
});
export type UnitKey = z.output<typeof UnitKey>;

/** The units' part of every statistic's meta. */
const unitMeta = {
  res: z.number().int().nullable().optional(),
  study_area_level: z.string().optional(),
  study_area: z.string().nullable().optional(),
  partial_cells: z.number().int().optional(),
  outside_rule: z.string().optional(),
  level: z.string().optional(),
};
const Disclosed = z.object({ min_count: z.number().int(), rule: z.string() });
const partnerMeta = { disclosure: Disclosed.optional(), category_set: CategorySetMeta.optional() };
/** Which table answered (issue 16: the aggregate cube or the incidents). */
const sourceMeta = { source: ReadSource.optional() };

export const HotspotRow = UnitKey.extend({
  /** Null when withheld (partners). */
  count: nullableCount,
  value: nullableCount,
  /** Null for partners (class only). */
  gi_z: z.number().nullable(),
  p: z.number().nullable(),
  p_adjusted: z.number().nullable(),
  class: HotColdClassEnum,
  suppressed: z.boolean().optional(),
});
export type HotspotRow = z.output<typeof HotspotRow>;

export const HotspotMeta = z.object({
  method: z.string(),
  formula: z.string(),
  ...unitMeta,
  n: z.number().int(),
  /** Null for partners (with every z, the mean and sd would give withheld counts back). */
  mean: z.number().nullable(),
  sd: z.number().nullable(),
  neighbourhood: Neighbourhood,
  correction: z.enum(CORRECTIONS),
  classes: z.string(),
  scheme: SchemeMeta,
  window: Window,
  categories: z.array(z.string()).nullable(),
  total: z.object({ count: nullableCount, value: nullableCount }),
  outside_study_area: z.object({ count: nullableCount, value: nullableCount }),
  unweighted: z.object({ count: nullableCount, categories: z.array(z.string()) }),
  undefined_units: z.number().int(),
  coverage: z.object({
    status: z.enum(['full', 'partial', 'none']),
    categories: z.array(z.string()),
    missing_months: z.array(z.string()),
    note: z.string().nullable(),
  }),
  /** Partners: why z-scores and p-values are not shown. */
  scores_withheld: z.string().optional(),
  ...partnerMeta,
  ...sourceMeta,
});
export type HotspotMeta = z.output<typeof HotspotMeta>;

/** Rows under `cells` (H3) or `areas` (an area level). */
const byUnit = <R extends z.ZodType, M extends z.ZodType>(row: R, meta: M) =>
  z.union([z.object({ cells: z.array(row), meta }), z.object({ areas: z.array(row), meta })]);

export const HotspotResponse = byUnit(HotspotRow, HotspotMeta);
export type HotspotResponse = z.output<typeof HotspotResponse>;

export const TopRow = HotspotRow.extend({ rank: z.number().int() });
export type TopRow = z.output<typeof TopRow>;
export const TopResponse = z.object({
  top: z.array(TopRow),
  meta: HotspotMeta.extend({ n: z.number().int(), order: z.string() }),
});
export type TopResponse = z.output<typeof TopResponse>;

export const Comparison = z.object({
  p: z.number().nullable(),
  rate_ratio: z.number().nullable(),
  direction: z.enum(DIRECTIONS),
});
export type Comparison = z.output<typeof Comparison>;

export const ChangeRow = UnitKey.extend({
  current: nullableCount,
  previous: nullableCount,
  /** Null when the year-ago window is not covered by data, or withheld. */
  year_ago: nullableCount,
  change: nullableCount,
  change_year: nullableCount,
  value: nullableCount,
  value_previous: nullableCount,
  value_year_ago: nullableCount,
  vs_previous: Comparison.nullable(),
  vs_year_ago: Comparison.nullable(),
  /** Partners: which counts were withheld (a null count that is not withheld is a window without data). */
  suppressed: z.object({ current: z.boolean(), previous: z.boolean(), year_ago: z.boolean() }).optional(),
});
export type ChangeRow = z.output<typeof ChangeRow>;

const windowCoverage = z.object({
  status: z.enum(['full', 'partial', 'none']),
  missing_months: z.array(z.string()),
  excluded: z.array(z.string()),
});
export const ChangeMeta = z.object({
  method: z.string(),
  test_on: z.string(),
  ...unitMeta,
  units_listed: z.string(),
  scheme: SchemeMeta,
  categories: z.array(z.string()).nullable(),
  window: Window,
  previous: Window,
  year_ago: Window,
  exposure_days: z.object({ current: z.number(), previous: z.number(), year_ago: z.number().nullable() }),
  outside_study_area: z.object({ current: nullableCount, previous: nullableCount, year_ago: nullableCount }),
  coverage: z.object({
    mode: z.enum(['refuse', 'covered-only']),
    rule: z.string(),
    categories: z.array(z.string()),
    current: windowCoverage,
    previous: windowCoverage,
    year_ago: windowCoverage.extend({ reason: z.string().nullable() }),
  }),
  ...partnerMeta,
  ...sourceMeta,
});
export type ChangeMeta = z.output<typeof ChangeMeta>;
export const ChangeResponse = byUnit(ChangeRow, ChangeMeta);
export type ChangeResponse = z.output<typeof ChangeResponse>;

export const Period = z.object({ index: z.number().int(), start: z.string(), end: z.string() });
export type Period = z.output<typeof Period>;

export const EmergingRow = UnitKey.extend({
  pattern: EmergingPatternEnum,
  /** Mann–Kendall trend of the unit's z series; z and s null for partners. */
  trend: z.object({ z: z.number().nullable(), p: z.number().nullable(), tau: z.number().nullable(), s: z.number().nullable() }),
  hot_share: z.number(),
  cold_share: z.number(),
  final: z.object({ gi_z: z.number().nullable(), class: HotColdClassEnum }),
  /** With include=series: per-period z (null for partners) and class. */
  z: z.array(z.number()).nullable().optional(),
  class: z.array(HotColdClassEnum).optional(),
});
export type EmergingRow = z.output<typeof EmergingRow>;

const droppedEnd = z
  .object({ from: z.string(), to: z.string(), days: z.number(), uncovered_periods: z.array(z.string()) })
  .nullable();
export const EmergingMeta = z.object({
  method: z.string(),
  ...unitMeta,
  n: z.number().int(),
  neighbourhood: Neighbourhood,
  correction: z.enum(CORRECTIONS),
  correction_scope: z.string(),
  alpha: z.number(),
  scheme: SchemeMeta,
  categories: z.array(z.string()).nullable(),
  window: Window,
  period: z.enum(PERIOD_KINDS),
  periods: z.array(Period),
  dropped_days: z.number(),
  dropped: z.object({ start: droppedEnd, end: droppedEnd }),
  coverage: z.object({ categories: z.array(z.string()), rule: z.string() }),
  /** Incidents per time precision (month, day, minute); partners: small ones withheld. */
  time_precision: z.record(z.string(), nullableCount),
  /** Smallest and largest per-period z over every unit and period; null for partners. */
  z_range: z.tuple([z.number(), z.number()]).nullable(),
  series_included: z.boolean(),
  ...partnerMeta,
  ...sourceMeta,
});
export type EmergingMeta = z.output<typeof EmergingMeta>;
export const EmergingResponse = byUnit(EmergingRow, EmergingMeta);
export type EmergingResponse = z.output<typeof EmergingResponse>;

export const ProfileResponse = z.object({
  selection: z.object({
    h3: z.string().optional(),
    rule: z.string().optional(),
    polygon: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }).optional(),
    level: z.string().optional(),
    code: z.string().optional(),
    name: z.string().optional(),
  }),
  window: Window,
  categories: z.array(z.string()).nullable(),
  total: nullableCount,
  /** Months no data covered are null with the categories missing (issue 11); partners: withheld months null and `suppressed`. */
  months: z.array(
    z.object({
      month: z.string(),
      count: nullableCount,
      missing_categories: z.array(z.string()).nullable().optional(),
      suppressed: z.boolean().optional(),
    }),
  ),
  coverage: z.object({ categories: z.array(z.string()), rule: z.string() }),
  day_of_week: z
    .array(z.object({ day: z.enum(PROFILE_DAYS), count: nullableCount, suppressed: z.boolean().optional() }))
    .nullable(),
  /** 7 rows (Mon..Sun) × 24 hours, Europe/London civil time. */
  hour_of_week: z.array(z.array(nullableCount)).nullable(),
  time_precision: z.record(z.string(), nullableCount),
  precision_note: z.string().nullable(),
  ...partnerMeta,
});
export type ProfileResponse = z.output<typeof ProfileResponse>;

export const KnoxResponse = z.object({
  cells: z.array(
    z.object({
      distance_from: z.number(),
      distance_to: z.number(),
      time_from: z.number(),
      time_to: z.number(),
      observed: z.number().int(),
      expected: z.number(),
      ratio: z.number().nullable(),
      p: z.number(),
    }),
  ),
  meta: z.object({
    method: z.string(),
    p_value: z.string(),
    events: z.number().int(),
    close_pairs: z.number().int(),
    permutations: z.number().int(),
    seed: z.number().int(),
    distance_bands_m: z.array(z.number()),
    time_bands_days: z.array(z.number()),
    coordinates: z.string(),
    time_precision: z.record(z.string(), z.number()),
    window: Window,
    categories: z.array(z.string()).nullable(),
    ward_scope: z.array(z.string()).nullable(),
    category_set: CategorySetMeta.optional(),
  }),
});
export type KnoxResponse = z.output<typeof KnoxResponse>;

// ---------- routes ----------

const MASKED = {
  kind: 'masked',
  rule: 'counts below min_count withheld, with complementary suppression; harm values withheld with their counts; no z-scores or p-values',
} as const;

export const getHarmSchemes = defineRoute({
  method: 'get',
  path: '/harm-schemes',
  summary: 'Harm schemes: the shipped ones and those analysts loaded',
  tags: ['hotspots'],
  'x-access': {
    capability: 'aggregates.read',
    partner: { kind: 'no-counts', reason: 'weights per category and offence code; no incident counts' },
  },
  request: { query: noQuery },
  responses: { 200: json(z.object({ schemes: z.array(HarmScheme), default: z.string() }), 'Every scheme, shipped first') },
});

export const postHarmScheme = defineRoute({
  method: 'post',
  path: '/harm-schemes',
  summary: 'Load (or replace) a harm scheme from CSV (audited)',
  description:
    'The body is the CSV itself (Content-Type text/csv, text/plain or application/octet-stream; at most 100 000 characters): a header "category,weight", "offence_code,weight" or "offence_code,count" (an offence mix, with base=<scheme>). A bad file answers 400 invalid_csv listing every problem in details.problems.',
  tags: ['hotspots'],
  'x-access': { capability: 'harm-schemes.write' },
  request: { query: schemePostQuery },
  responses: {
    201: json(
      z.object({
        scheme: HarmScheme,
        kind: z.enum(['categories', 'offence-codes', 'offence-mix']),
        meta: SchemeMeta,
        unknown_codes: z.array(z.object({ line: z.number().int(), code: z.string() })),
      }),
      'The stored scheme, what kind of CSV it was, and offence codes not in the Home Office list',
    ),
  },
});

export const getHotspots = defineRoute({
  method: 'get',
  path: '/hotspots',
  summary: 'Getis-Ord Gi* hot and cold spots over every H3 cell or area of the study area',
  tags: ['hotspots'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: hotspotsQuery },
  responses: { 200: json(HotspotResponse, 'Each unit with count, harm value, z, p, adjusted p and class') },
});

export const getHotspotsTop = defineRoute({
  method: 'get',
  path: '/hotspots/top',
  summary: 'The n units ranked highest by Gi* z',
  tags: ['hotspots'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: topQuery },
  responses: { 200: json(TopResponse, 'Top units, gi_z descending, then value') },
});

export const exportHotspots = defineRoute({
  method: 'post',
  path: '/exports/hotspots',
  summary: 'The top-N list (or every unit) as CSV or GeoJSON, with purpose and recipient (audited)',
  tags: ['hotspots', 'exports'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: noQuery, body: jsonBody(exportBody) },
  responses: {
    200: {
      description: 'CSV (a # line states method, neighbourhood, correction, scheme and window) or GeoJSON polygons',
      content: { 'text/csv': { schema: z.string() }, 'application/geo+json': { schema: z.string() } },
    },
  },
});

export const getChange = defineRoute({
  method: 'get',
  path: '/change',
  summary: 'Change per unit against the previous window and a year earlier (Poisson C-test)',
  tags: ['hotspots'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: changeQuery },
  responses: { 200: json(ChangeResponse, 'Counts in the three windows with both tests') },
});

export const getEmerging = defineRoute({
  method: 'get',
  path: '/emerging',
  summary: 'Emerging hot spots: Gi* per period and the Mann–Kendall trend of each unit',
  tags: ['hotspots'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: emergingQuery },
  responses: { 200: json(EmergingResponse, 'Each unit with its pattern, trend and final class (include=series: per period)') },
});

export const getProfile = defineRoute({
  method: 'get',
  path: '/profile',
  summary: 'Time profile of an area, an H3 cell or a drawn polygon',
  tags: ['hotspots'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: profileQuery },
  responses: { 200: json(ProfileResponse, 'Monthly series; day-of-week and hour-of-week where every record has a date / time') },
});

export const getKnox = defineRoute({
  method: 'get',
  path: '/knox',
  summary: 'Knox near-repeat test over record-level points (audited; officers within their wards)',
  tags: ['hotspots'],
  'x-access': { capability: 'records.read' },
  request: { query: knoxQuery },
  responses: { 200: json(KnoxResponse, 'Observed and expected pairs per distance × time band with permutation p') },
});

export const hotspotRoutes = [
  getHarmSchemes,
  postHarmScheme,
  getHotspots,
  getHotspotsTop,
  exportHotspots,
  getChange,
  getEmerging,
  getProfile,
  getKnox,
] as const;

// Aggregation API: areas, area sets, stats, hexes, incidents, categories, coverage, series, summary, config.
// Query schemas (unknown parameters refused, so a typo such as `?catgeory=` is a 400 rather than a silently
// ignored filter) and the answers, partner-masked shapes included (counts nullable, `suppressed` optional).
import { z } from './zod.js';
import { H3_RESOLUTIONS, type H3Res } from '../geodata/h3.js';
import { defineRoute, Disclosure, file, json, noQuery, ReadSource } from './http.js';
import { bboxParam, categoryParam, dateParam, h3Param, levelParam, resParam } from './params.js';
import { CategorySetMeta } from './definitions.js';

export { h3Param, levelParam, resParam };

/** H3 resolutions with a stored column (incidents.h3_7 .. h3_10): those the importer computes. */
export { H3_RESOLUTIONS, type H3Res };

const MASKED = { kind: 'masked', rule: 'counts below min_count withheld, with complementary suppression' } as const;

/** The one H3 resolution partners may ask for (issue 15: published geographies only; ~0.74 km² a cell). */
export const PARTNER_H3_RES = 8 as const;

// ---------- request parameters ----------

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

// ---------- answers ----------

const count = z.number().int();
const month = z.string().describe('YYYY-MM');
const day = z.string().describe('YYYY-MM-DD');

export const AreaSet = z.object({ level: z.string(), label: z.string(), count: count.describe('areas in the set') });
export type AreaSet = z.output<typeof AreaSet>;

/** How an area's population was obtained (api/aggregates/population-meta.ts). */
export const POPULATION_RULES = ['given', 'best_fit_lookup', 'population_weighted_centroid', 'area_weighted'] as const;
export const PopulationRule = z.enum(POPULATION_RULES);
export type PopulationRule = z.output<typeof PopulationRule>;

export const PopulationMeta = z.object({
  rules: z.array(z.object({ rule: PopulationRule, areas: count })),
  /** Areas of the level with no population (no rate). */
  areas_without_population: count,
  /** LSOAs with a population that the level's best-fit lookup does not list (counted in no area); null without a lookup. */
  lsoas_missing_from_lookup: count.nullable(),
  /** LSOAs with a population but no population-weighted centroid; null when no centroids are loaded. */
  lsoas_without_centroid: count.nullable(),
  description: z.string(),
});
export type PopulationMeta = z.output<typeof PopulationMeta>;

/** The GeoJSON of GET /areas (built by PostGIS): boundaries and populations, no counts. */
export const AreaProperties = z.object({
  code: z.string(),
  name: z.string(),
  population: z.number().nullable(),
  population_rule: PopulationRule.nullable().optional(),
  population_source: z.string().nullable(),
});
export type AreaProperties = z.output<typeof AreaProperties>;
const position = z.array(z.number());
export const AreaCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      /** areas.id (the map's feature-state key). */
      id: z.number().int(),
      geometry: z.union([
        z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) }),
        z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) }),
      ]),
      properties: AreaProperties,
    }),
  ),
});
export type AreaCollection = z.output<typeof AreaCollection>;

export const COVERAGE_STATUSES = ['full', 'partial', 'none'] as const;
export const CoverageStatus = z.enum(COVERAGE_STATUSES);
export type CoverageStatus = z.output<typeof CoverageStatus>;

export const Gap = z.object({ from: day, to: day.describe('exclusive') });

/** A time window's coverage for the categories in scope (api/coverage/check.ts). */
export const WindowCoverage = z.object({
  from: day,
  to: day,
  /** full: every category in scope covered throughout; none: no category in scope covered at all. */
  status: CoverageStatus,
  /** Categories the check ran over: those requested, or (for all categories) every category with data in the window(s). */
  categories: z.array(z.object({ category: z.string(), gaps: z.array(Gap), covered_days: count })),
  /** Months (`YYYY-MM`) overlapping some gap of some category in scope. */
  missing_months: z.array(month),
  /** A sentence naming the gaps, or null when fully covered. */
  reason: z.string().nullable(),
});
export type WindowCoverage = z.output<typeof WindowCoverage>;

export const AreaStat = z.object({
  code: z.string(),
  name: z.string(),
  /** Null when withheld (partners: `suppressed`) or when the period has no data (`coverage.count_reason`). */
  count: count.nullable(),
  population: z.number().nullable(),
  population_rule: PopulationRule.nullable(),
  rate_per_1000: z.number().nullable(),
  /** Null when withheld (`previous_suppressed`) or when the previous period is not fully covered (`coverage.previous_reason`). */
  previous_count: count.nullable(),
  change: z.number().nullable(),
  suppressed: z.boolean().optional(),
  previous_suppressed: z.boolean().optional(),
});
export type AreaStat = z.output<typeof AreaStat>;

export const AreaStatsCoverage = z.object({
  current: WindowCoverage,
  previous: WindowCoverage,
  /** Set when the period has no data at all (counts and rates null). */
  count_reason: z.string().nullable(),
  /** Set when the period is only partly covered (counts are for the covered part). */
  count_note: z.string().nullable(),
  /** Set when the previous period is not fully covered (previous counts and change null). */
  previous_reason: z.string().nullable(),
  rule: z.string(),
});
export type AreaStatsCoverage = z.output<typeof AreaStatsCoverage>;

/** Playback steps (issue 14): months always; weeks and days only where every incident of the period has a date. */
export const PLAYBACK_STEPS = ['month', 'week', 'day'] as const;
export const PlaybackStep = z.enum(PLAYBACK_STEPS);
export type PlaybackStep = z.output<typeof PlaybackStep>;

/** The time precision of a window's incidents and the playback steps it supports (GET /stats/areas `time`). */
export const TimeSteps = z.object({
  /** The coarsest time precision among the period's incidents (null: no incidents, or withheld from partners). */
  coarsest: z.enum(['month', 'day', 'minute']).nullable(),
  steps: z.array(PlaybackStep),
  rule: z.string(),
});
export type TimeSteps = z.output<typeof TimeSteps>;

export const AreaStats = z.object({
  level: z.string(),
  from: day,
  to: day,
  previous_from: day,
  previous_to: day,
  categories: z.array(z.string()).nullable(),
  areas: z.array(AreaStat),
  total: count.nullable(),
  outside_study_area: count.nullable(),
  /** What the two windows cover (issue 11): null figures without `suppressed` are no data, never 0. */
  coverage: AreaStatsCoverage,
  population: PopulationMeta,
  /** The data's time precision in the period and the playback steps it supports. */
  time: TimeSteps,
  /** The partnership's definition, when the request chose it (category=@serious-violence; issue 18). */
  category_set: CategorySetMeta.optional(),
  disclosure: Disclosure.optional(),
  /** Which table answered (issue 16). */
  source: ReadSource.optional(),
});
export type AreaStats = z.output<typeof AreaStats>;

export const HexCell = z.object({ h3: z.string(), count: count.nullable(), suppressed: z.boolean().optional() });
export type HexCell = z.output<typeof HexCell>;

export const HexResponse = z.object({
  res: z.number().int(),
  from: day,
  to: day,
  /** Only cells with incidents; `coverage` says whether an empty map means no incidents or no data. */
  cells: z.array(HexCell),
  coverage: z.object({ status: CoverageStatus, missing_months: z.array(month), reason: z.string().nullable() }),
  disclosure: Disclosure.optional(),
  /** Which table answered (issue 16). */
  source: ReadSource.optional(),
});
export type HexResponse = z.output<typeof HexResponse>;

export const TIME_PRECISIONS = ['month', 'day', 'minute'] as const;
export const LOCATION_PRECISIONS = ['snapped', 'exact'] as const;

export const IncidentProperties = z.object({
  id: z.number().int(),
  category: z.string(),
  category_label: z.string(),
  occurred_at: z.string(),
  time_precision: z.enum(TIME_PRECISIONS),
  location_precision: z.enum(LOCATION_PRECISIONS),
  location_text: z.string().nullable(),
  ward_code: z.string().nullable(),
  outcome: z.string().nullable(),
  age_band: z.string().nullable(),
});
export type IncidentProperties = z.output<typeof IncidentProperties>;

/** The GeoJSON of GET /incidents (and of the incident export). */
export const IncidentCollection = z.object({
  type: z.literal('FeatureCollection'),
  from: day,
  to: day,
  /** How many matched; null when more than `total_cap` did (a truncated page counts no further). */
  total: count.nullable(),
  total_cap: count,
  /** More incidents matched than `limit`. */
  truncated: z.boolean(),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.number().int(),
      geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }),
      properties: IncidentProperties,
    }),
  ),
});
export type IncidentCollection = z.output<typeof IncidentCollection>;

/**
 * The answer of GET /incidents: the same records as IncidentCollection in columns (one array per field,
 * in the same order), coordinates rounded to 6 decimal places (~0.1 m), categories as indices into
 * `categories` and every other text field as an index into `strings` (null stays null). Times are cut to
 * their precision (month `YYYY-MM`, day `YYYY-MM-DD`, minute `YYYY-MM-DDTHH:MI`). Measured on Lewisham
 * police.uk (2017-07..2018-06, 30,553 points): 55 bytes a point against the GeoJSON's 401 (JSON text,
 * before compression); `decodeIncidents` gives the GeoJSON back.
 */
export const IncidentColumns = z.object({
  format: z.literal('columns'),
  from: day,
  to: day,
  total: count.nullable(),
  total_cap: count,
  truncated: z.boolean(),
  categories: z.array(z.object({ slug: z.string(), label: z.string() })),
  strings: z.array(z.string()),
  columns: z.object({
    id: z.array(z.number().int()),
    lon: z.array(z.number()),
    lat: z.array(z.number()),
    category: z.array(z.number().int()),
    occurred_at: z.array(z.number().int()),
    time_precision: z.array(z.number().int()),
    location_precision: z.array(z.number().int()),
    location_text: z.array(z.number().int().nullable()),
    ward_code: z.array(z.number().int().nullable()),
    outcome: z.array(z.number().int().nullable()),
    age_band: z.array(z.number().int().nullable()),
  }),
});
export type IncidentColumns = z.output<typeof IncidentColumns>;

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const TIME_SUFFIX = { month: ['-01T00:00:00', 7], day: ['T00:00:00', 10], minute: [':00', 16] } as const;

/** IncidentCollection → IncidentColumns (the server's answer). */
export function encodeIncidents(fc: IncidentCollection): IncidentColumns {
  const cats = new Map<string, number>();
  const categories: { slug: string; label: string }[] = [];
  const strIndex = new Map<string, number>();
  const strings: string[] = [];
  const str = (v: string) => {
    let i = strIndex.get(v);
    if (i === undefined) strIndex.set(v, (i = strings.push(v) - 1));
    return i;
  };
  const opt = (v: string | null) => (v === null ? null : str(v));
  const n = fc.features.length;
  const col = <T>() => new Array<T>(n);
  const c = {
    id: col<number>(),
    lon: col<number>(),
    lat: col<number>(),
    category: col<number>(),
    occurred_at: col<number>(),
    time_precision: col<number>(),
    location_precision: col<number>(),
    location_text: col<number | null>(),
    ward_code: col<number | null>(),
    outcome: col<number | null>(),
    age_band: col<number | null>(),
  };
  fc.features.forEach((f, i) => {
    const p = f.properties;
    let ci = cats.get(p.category);
    if (ci === undefined) cats.set(p.category, (ci = categories.push({ slug: p.category, label: p.category_label }) - 1));
    const [suffix, keep] = TIME_SUFFIX[p.time_precision];
    const t =
      p.occurred_at.length === keep + suffix.length && p.occurred_at.endsWith(suffix)
        ? p.occurred_at.slice(0, keep)
        : p.occurred_at;
    c.id[i] = p.id;
    c.lon[i] = round6(f.geometry.coordinates[0]);
    c.lat[i] = round6(f.geometry.coordinates[1]);
    c.category[i] = ci;
    c.occurred_at[i] = str(t);
    c.time_precision[i] = TIME_PRECISIONS.indexOf(p.time_precision);
    c.location_precision[i] = LOCATION_PRECISIONS.indexOf(p.location_precision);
    c.location_text[i] = opt(p.location_text);
    c.ward_code[i] = opt(p.ward_code);
    c.outcome[i] = opt(p.outcome);
    c.age_band[i] = opt(p.age_band);
  });
  return {
    format: 'columns',
    from: fc.from,
    to: fc.to,
    total: fc.total,
    total_cap: fc.total_cap,
    truncated: fc.truncated,
    categories,
    strings,
    columns: c,
  };
}

/** IncidentColumns → IncidentCollection (GeoJSON points with the full properties, times as stored). */
export function decodeIncidents(x: IncidentColumns): IncidentCollection {
  const c = x.columns;
  const s = (i: number | null) => (i === null ? null : x.strings[i]);
  const time = (v: string) =>
    v.length === 7
      ? `${v}${TIME_SUFFIX.month[0]}`
      : v.length === 10
        ? `${v}${TIME_SUFFIX.day[0]}`
        : v.length === 16
          ? `${v}:00`
          : v;
  return {
    type: 'FeatureCollection',
    from: x.from,
    to: x.to,
    total: x.total,
    total_cap: x.total_cap,
    truncated: x.truncated,
    features: c.id.map((id, i) => {
      const cat = x.categories[c.category[i]];
      return {
        type: 'Feature' as const,
        id,
        geometry: { type: 'Point' as const, coordinates: [c.lon[i], c.lat[i]] },
        properties: {
          id,
          category: cat.slug,
          category_label: cat.label,
          occurred_at: time(x.strings[c.occurred_at[i]]),
          time_precision: TIME_PRECISIONS[c.time_precision[i]],
          location_precision: LOCATION_PRECISIONS[c.location_precision[i]],
          location_text: s(c.location_text[i]),
          ward_code: s(c.ward_code[i]),
          outcome: s(c.outcome[i]),
          age_band: s(c.age_band[i]),
        },
      };
    }),
  };
}

export const Category = z.object({
  slug: z.string(),
  label: z.string(),
  origin: z.string(),
  /** Null when withheld from partners (`suppressed`). */
  count: count.nullable(),
  suppressed: z.boolean().optional(),
});
export type Category = z.output<typeof Category>;

export const CoverageMonth = z.object({
  month,
  covered: CoverageStatus,
  covered_days: count.optional(),
  /** Rows the files hold; null for partners. */
  rows: count.nullable(),
  sources: z.array(z.object({ dataset: z.string(), rows: count.nullable() })),
});
export type CoverageMonth = z.output<typeof CoverageMonth>;

/** A police.uk known break (api/opendata/breaks.ts). */
export const KnownBreak = z.object({
  from: month,
  to: month.nullable(),
  force: z.string().nullable(),
  forceName: z.string().optional(),
  kind: z.enum(['no_data', 'method_change']),
  note: z.string(),
});
export type KnownBreak = z.output<typeof KnownBreak>;

/** GET /coverage: per category × month, which months are covered and by which sources. */
export const CoverageReport = z.object({
  months: z.array(month),
  first_month: month.nullable(),
  last_month: month.nullable(),
  categories: z.array(z.object({ slug: z.string(), label: z.string(), months: z.array(CoverageMonth) })),
  datasets: z.array(
    z.object({
      dataset: z.string(),
      first_month: month,
      last_month: month,
      categories: z.array(z.string()),
      published_for: z.array(z.string()),
      /** false: aggregate counts with no points (e.g. MPS ward-level), never covering incident analyses. */
      points: z.boolean(),
    }),
  ),
  rule: z.string(),
  notes: z.array(KnownBreak),
  /** Partners: the row counts are withheld. */
  disclosure: z.object({ rows: z.string() }).optional(),
});
export type CoverageReport = z.output<typeof CoverageReport>;

export const SeriesMonth = z.object({
  month,
  /** Null when the month is not covered (a gap) or withheld (partners: `suppressed`). */
  count: count.nullable(),
  /** Categories in scope not covered that month (null: no category has data at all). */
  missing_categories: z.array(z.string()).nullable().optional(),
  suppressed: z.boolean().optional(),
});
export type SeriesMonth = z.output<typeof SeriesMonth>;

export const SeriesResponse = z.object({
  months: z.array(SeriesMonth),
  coverage: z.object({ categories: z.array(z.string()), rule: z.string() }).optional(),
  disclosure: Disclosure.optional(),
  /** Which table answered (issue 16). */
  source: ReadSource.optional(),
});
export type SeriesResponse = z.output<typeof SeriesResponse>;

export const Summary = z.object({
  /** Null when withheld (partners). */
  incidents: count.nullable(),
  first_month: month.nullable(),
  last_month: month.nullable(),
  default_from: day.nullable(),
  default_to: day.nullable(),
  area_sets: z.array(z.object({ level: z.string(), count })),
  synthetic: z.boolean(),
  datasets: z.array(z.object({ dataset: z.string(), count: count.nullable(), suppressed: z.boolean().optional() })),
  disclosure: Disclosure.optional(),
  /** Which table answered (issue 16). */
  source: ReadSource.optional(),
});
export type Summary = z.output<typeof Summary>;

/**
 * The basemap the web draws under the data, chosen on the server in this order: a local PMTiles extract
 * (BASEMAP_PMTILES, served same-origin, works offline), an online style (BASEMAP_STYLE_URL), else a plain
 * background; `reason` says why the first choice was not used (shown on the map when the background is plain).
 */
export const BasemapInfo = z.object({
  kind: z.enum(['pmtiles', 'style', 'none']),
  /** pmtiles: the same-origin archive path; style: the style JSON URL; none: null. */
  url: z.string().nullable(),
  /** pmtiles and none: the app's same-origin glyphs URL template ({fontstack}/{range}); style: null (the style has its own). */
  glyphs: z.string().nullable(),
  reason: z.string().nullable(),
});
export type BasemapInfo = z.output<typeof BasemapInfo>;

export const AppConfig = z.object({
  /** The online style URL when that is the basemap in use (kept for older callers; see `basemap`). */
  basemapStyleUrl: z.string().nullable(),
  /** Absent only in the web's placeholder before the answer arrives. */
  basemap: BasemapInfo.optional(),
  attribution: z.array(z.string()),
});
export type AppConfig = z.output<typeof AppConfig>;

// ---------- routes ----------

const noCounts = (reason: string) => ({ kind: 'no-counts', reason }) as const;

export const getAreaSets = defineRoute({
  method: 'get',
  path: '/area-sets',
  summary: 'The boundary sets loaded (wards, districts, …) with their number of areas',
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: noCounts('numbers of areas per level; no incident counts') },
  request: { query: noQuery },
  responses: { 200: json(z.object({ sets: z.array(AreaSet) }), 'Area sets by level') },
});

export const getAreas = defineRoute({
  method: 'get',
  path: '/areas',
  summary: "A level's areas as GeoJSON (boundaries and populations)",
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: noCounts('boundaries and populations only') },
  request: { query: areasQuery },
  responses: {
    200: file('application/geo+json', 'A FeatureCollection of the areas (shape: AreaCollection in contract/aggregates.ts)'),
  },
});

export const getAreaStats = defineRoute({
  method: 'get',
  path: '/stats/areas',
  summary: 'Incident counts, rates and change per area of a level, with what the windows cover',
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: statsQuery },
  responses: { 200: json(AreaStats, 'Per-area statistics for the window and the previous window') },
});

export const getHexes = defineRoute({
  method: 'get',
  path: '/hexes',
  summary: 'Incident counts per H3 cell (partners: the whole study area, `bbox` ignored)',
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: hexesQuery },
  responses: { 200: json(HexResponse, 'Cells with incidents') },
});

export const getIncidents = defineRoute({
  method: 'get',
  path: '/incidents',
  summary: 'Record-level incident points in columns (officers: their wards only; audited)',
  tags: ['aggregates'],
  'x-access': { capability: 'records.read' },
  request: { query: incidentsQuery },
  responses: {
    200: json(IncidentColumns, 'The points in columns, texts as dictionary indices (decodeIncidents gives the GeoJSON)'),
  },
});

export const getCoverage = defineRoute({
  method: 'get',
  path: '/coverage',
  summary: 'What the data cover, per category × month and source',
  tags: ['aggregates'],
  'x-access': {
    capability: 'aggregates.read',
    partner: { kind: 'masked', rule: 'covered months shown; the row counts withheld' },
  },
  request: { query: coverageQuery },
  responses: { 200: json(CoverageReport, 'Coverage per category and month') },
});

export const getCategories = defineRoute({
  method: 'get',
  path: '/categories',
  summary: 'Every category held, with its incident count',
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: noQuery },
  responses: {
    200: json(
      z.object({ categories: z.array(Category), disclosure: Disclosure.optional(), source: ReadSource.optional() }),
      'Categories, most incidents first',
    ),
  },
});

export const getSeries = defineRoute({
  method: 'get',
  path: '/series',
  summary: 'Monthly counts for one area (level + code) or one H3 cell; months no file covered are null',
  tags: ['aggregates'],
  // Single months only, each a partner period: partners may list any whole months (issue 15).
  'x-access': { capability: 'aggregates.read', partner: { ...MASKED, windows: 'months' } },
  request: { query: seriesQuery },
  responses: { 200: json(SeriesResponse, 'One entry per month of the window') },
});

export const getSummary = defineRoute({
  method: 'get',
  path: '/summary',
  summary: 'What is loaded: incidents, months, area sets, datasets',
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: MASKED },
  request: { query: noQuery },
  responses: { 200: json(Summary, 'The data held') },
});

export const getConfig = defineRoute({
  method: 'get',
  path: '/config',
  summary: 'Settings the web app needs: the basemap (local PMTiles, online style or none, with the reason) and attribution lines',
  tags: ['aggregates'],
  'x-access': { capability: 'aggregates.read', partner: noCounts('settings and credits') },
  request: { query: noQuery },
  responses: { 200: json(AppConfig, 'App settings') },
});

export const aggregateRoutes = [
  getAreaSets,
  getAreas,
  getAreaStats,
  getHexes,
  getIncidents,
  getCoverage,
  getCategories,
  getSeries,
  getSummary,
  getConfig,
] as const;

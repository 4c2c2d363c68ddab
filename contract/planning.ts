// Planning API (issue 6): the intervention register, coverage and gaps, patrol boxes (with audited exports),
// outreach sites, the walking network they walk along, and Clear-Hold-Build areas with their evaluation.
// Request schemas are strict objects: an unknown parameter is a 400 naming it. Response schemas describe
// what the handlers in api/planning/ answer; partners get coverage and CHB figures with small counts
// withheld (null with a `suppressed` flag, never 0).
import { PlaceName } from './places.js';
import { getResolution, isValidCell } from 'h3-js';
import { z } from './zod.js';
import { defineRoute, Disclosure, json, jsonBody, noQuery } from './http.js';
import { DEFAULT_SCHEME, schemeName } from './hotspots.js';
import { CategorySetMeta } from './definitions.js';
import { categoryParam, dateParam, exportStatement, idParam } from './params.js';

// ---------- enumerations both sides use ----------

/** Clear-Hold-Build phases, in order. */
export const CHB_PHASES = ['clear', 'hold', 'build'] as const;
export type ChbPhase = (typeof CHB_PHASES)[number];
/** The three regions a CHB evaluation compares. */
export const CHB_REGIONS = ['area', 'buffer', 'control'] as const;
export type ChbRegion = (typeof CHB_REGIONS)[number];
/** How a CHB region was given: drawn, from ward codes, or from H3 cells. */
export const REGION_KINDS = ['geometry', 'wards', 'cells'] as const;
/** What a version in an intervention's history records. */
export const INTERVENTION_ACTIONS = ['create', 'import', 'edit', 'end', 'delete'] as const;
/** Where an intervention stands on a date: not started, running (ends_on inclusive), or ended. */
export const INTERVENTION_STATUSES = ['planned', 'active', 'ended'] as const;
export type InterventionStatus = (typeof INTERVENTION_STATUSES)[number];
/** Patrol export formats (the briefing is printable HTML). */
export const PATROL_FORMATS = ['csv', 'geojson', 'gpx', 'html'] as const;
export type PatrolFormat = (typeof PATROL_FORMATS)[number];
export const IMPORT_FORMATS = ['csv', 'geojson'] as const;
export const IMPORT_CRS = ['EPSG:4326', 'EPSG:27700'] as const;
/** Outreach demand: all harm in the window, or only harm in significant hotspot cells. */
export const OUTREACH_DEMAND = ['all', 'hotspots'] as const;
/** Outreach exact solver: when the instance is small enough (auto), or never. */
export const OUTREACH_EXACT = ['auto', 'never'] as const;
/** Coverage of a time window by the data (issue 11). */
export const COVER_STATUSES = ['full', 'partial', 'none'] as const;

// ---------- request parameters ----------

// ---------- validated input geometry (sites, CHB regions) ----------

/** Most vertices an intervention or area polygon may have. */
export const MAX_VERTICES = 5000;

const position = z
  .array(z.number().finite())
  .min(2, 'a position is [lon, lat]')
  .max(3, 'a position is [lon, lat]')
  .refine((p) => p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90, 'a position must be WGS84 [lon, lat] in degrees')
  // Distances are worked on the British National Grid, which is only defined over Great Britain.
  .refine(
    (p) => p[0] >= -9 && p[0] <= 2.5 && p[1] >= 49 && p[1] <= 61.5,
    'a position must lie in Great Britain (lon -9..2.5, lat 49..61.5)',
  );

const ring = z
  .array(position)
  .min(4, 'a polygon ring needs at least 4 positions (closed)')
  .refine(
    (r) => r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1],
    'a polygon ring must be closed (first and last positions equal)',
  );

const pointSchema = z.strictObject({ type: z.literal('Point'), coordinates: position });
const polygonSchema = z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1, 'a polygon needs a ring') });
const multiPolygonSchema = z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) });

const vertexCount = (g: { type: string; coordinates: unknown }) =>
  g.type === 'Point'
    ? 1
    : g.type === 'Polygon'
      ? (g.coordinates as number[][][]).flat(1).length
      : (g.coordinates as number[][][][]).flat(2).length;

/** A GeoJSON Point or Polygon in WGS84 (an intervention site). Validity (self-intersection) is checked by PostGIS. */
export const siteGeometry = z
  .discriminatedUnion('type', [pointSchema, polygonSchema], { message: 'geometry must be a GeoJSON Point or Polygon' })
  .refine((g) => vertexCount(g) <= MAX_VERTICES, `at most ${MAX_VERTICES} vertices`);

/** A GeoJSON Polygon or MultiPolygon in WGS84 (a CHB area or control area). */
export const areaGeometry = z
  .discriminatedUnion('type', [polygonSchema, multiPolygonSchema], {
    message: 'geometry must be a GeoJSON Polygon or MultiPolygon',
  })
  .refine((g) => vertexCount(g) <= MAX_VERTICES, `at most ${MAX_VERTICES} vertices`);

export const typeSlug = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'an intervention type is lower-case letters, digits and _ (e.g. youth_hub)');

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const typesParam = z
  .string()
  .max(2000)
  .transform((s) => [
    ...new Set(
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(typeSlug).min(1, 'give at least one type').max(50));

/** Gi* resolution for hotspots: res 9 (~0.1 km² cells) unless asked. */
const resParam = z.enum(['8', '9', '10'], { message: 'res must be 8, 9 or 10' }).default('9').transform(Number);

const windowShape = {
  from: dateParam.optional(),
  to: dateParam.optional(),
  category: categoryParam.optional(),
  weights: schemeName.default(DEFAULT_SCHEME),
  res: resParam,
};

const text = (max: number) => z.string().trim().max(max);
const dateBody = z.string().pipe(dateParam);
const idParams = z.strictObject({ id: idParam });

export const interventionBody = z
  .strictObject({
    type: typeSlug,
    name: text(200).min(1, 'give the intervention a name'),
    geometry: siteGeometry,
    starts_on: dateBody,
    ends_on: dateBody.nullable().default(null),
    owner: text(200).nullable().default(null),
    partner: text(200).nullable().default(null),
    notes: text(5000).nullable().default(null),
  })
  .refine((b) => b.ends_on === null || b.ends_on >= b.starts_on, {
    message: 'ends_on must not be before starts_on',
    path: ['ends_on'],
  });
export type NewIntervention = z.output<typeof interventionBody>;

export const interventionPatch = z
  .strictObject({
    type: typeSlug.optional(),
    name: text(200).min(1).optional(),
    geometry: siteGeometry.optional(),
    starts_on: dateBody.optional(),
    ends_on: dateBody.nullable().optional(),
    owner: text(200).nullable().optional(),
    partner: text(200).nullable().optional(),
    notes: text(5000).nullable().optional(),
    /** The version the edit was made against: 409 if someone changed it since. */
    version: z.number().int().min(1).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'version'), { message: 'nothing to change' });
export type InterventionPatch = z.output<typeof interventionPatch>;

export const endBody = z.strictObject({ ends_on: dateBody, version: z.number().int().min(1).optional() });

export const typeBody = z.strictObject({ slug: typeSlug, label: text(100).min(1, 'give the type a label') });

export const listQuery = z.strictObject({
  type: typesParam.optional(),
  /** Only interventions active on this date. */
  active_on: dateParam.optional(),
  include_deleted: z
    .enum(['true', 'false'])
    .default('false')
    .transform((s) => s === 'true'),
});

export const MAX_IMPORT_ROWS = 5000;
export const importBody = z.strictObject({
  format: z.enum(IMPORT_FORMATS),
  /** The file's text (the API's 1 MB body limit applies). */
  text: z.string().min(1, 'the file is empty').max(1_000_000),
  /** Coordinates' reference system; default: from the CSV columns (lon/lat or easting/northing) or GeoJSON crs. */
  crs: z.enum(IMPORT_CRS).optional(),
  /** Values for columns the file lacks. */
  defaults: z
    .strictObject({
      type: typeSlug.optional(),
      owner: text(200).optional(),
      partner: text(200).optional(),
      starts_on: dateBody.optional(),
    })
    .default({}),
});
export type ImportRequest = z.output<typeof importBody>;

export const coverageQuery = z.strictObject({
  ...windowShape,
  distance: intIn(25, 5000).default(400),
  types: typesParam.optional(),
});

export const patrolQuery = z.strictObject({
  ...windowShape,
  n: intIn(1, 50).default(10),
  size: intIn(50, 500).default(150),
  separation: intIn(0, 10_000).default(500),
  /** Patrol window used when no peak hours are known: HH:MM and hours. */
  shift_start: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'shift_start is HH:MM')
    .default('16:00'),
  shift_hours: intIn(1, 12).default(8),
  seed: intIn(0, 2 ** 31 - 1).default(1),
});

export const patrolExportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(PATROL_FORMATS),
  /** The same strings as GET /api/planning/patrol's query. */
  filters: z.record(z.string(), z.string()).default({}),
});

export const MAX_CANDIDATES = 5000;
export const Venue = z.strictObject({
  name: text(200).min(1),
  lon: z.number().min(-9).max(2.5),
  lat: z.number().min(49).max(61.5),
});
export type Venue = z.output<typeof Venue>;
export const outreachBody = z.strictObject({
  from: dateBody.optional(),
  to: dateBody.optional(),
  /** Category slugs, or a category set (`@serious-violence`, the partnership's definition). */
  category: z
    .array(z.string().regex(/^@?[a-z0-9][a-z0-9-]{0,63}$/))
    .max(50)
    .optional(),
  weights: schemeName.default(DEFAULT_SCHEME),
  k: z.number().int().min(1).max(50).default(5),
  distance: z.number().int().min(25).max(5000).default(400),
  /** Candidate venues; absent: the centre of every res-9 cell of the study area. */
  candidates: z.array(Venue).min(1).max(MAX_CANDIDATES).optional(),
  demand: z.enum(OUTREACH_DEMAND).default('all'),
  /** Exact solver: when the instance is small enough (auto: api/planning/outreach.ts EXACT_LIMITS), or never. */
  exact: z.enum(OUTREACH_EXACT).default('auto'),
});

export const networkBody = z.strictObject({
  name: z.string().trim().min(1, 'name the network (e.g. "OSM footways, Lewisham, 2025-05")').max(200),
  /** GeoJSON FeatureCollection of LineStrings/MultiLineStrings in WGS84 (checked by the server's network reader). */
  network: z.unknown(),
});

const h3Cell = z
  .string()
  .regex(/^[0-9a-f]{15}$/, 'an H3 cell id is 15 lower-case hex characters')
  .refine(
    (c) => isValidCell(c) && getResolution(c) >= 7 && getResolution(c) <= 10,
    'must be a valid H3 cell at resolution 7..10',
  );

export const regionSpec = z.union(
  [
    z.strictObject({ geometry: areaGeometry }),
    z.strictObject({ wards: z.array(z.string().min(1).max(64)).min(1).max(100) }),
    // One resolution: H3 cells of different resolutions do not nest exactly, and h3-js will not outline a mix.
    z.strictObject({
      cells: z
        .array(h3Cell)
        .min(1)
        .max(20_000)
        .refine((cs) => new Set(cs.map(getResolution)).size === 1, 'give the cells at one resolution (all 7, 8, 9 or 10)'),
    }),
  ],
  { message: 'give the area as {geometry} (GeoJSON Polygon/MultiPolygon), {wards: [codes]} or {cells: [H3 ids]}' },
);
export type RegionSpec = z.output<typeof regionSpec>;

export const chbBody = z
  .strictObject({
    name: text(200).min(1),
    area: regionSpec,
    control: regionSpec,
    buffer_m: z.number().int().min(50).max(5000).default(500),
    clear_start: dateBody,
    hold_start: dateBody,
    build_start: dateBody,
    build_end: dateBody,
    baseline: z.strictObject({ from: dateBody, to: dateBody }).nullable().default(null),
    notes: text(5000).nullable().default(null),
  })
  .refine((b) => b.clear_start < b.hold_start && b.hold_start < b.build_start && b.build_start < b.build_end, {
    message: 'phase dates must be in order: clear_start < hold_start < build_start < build_end',
    path: ['hold_start'],
  })
  .refine((b) => !b.baseline || (b.baseline.from < b.baseline.to && b.baseline.to <= b.clear_start), {
    message: 'the baseline must be a window (from < to) ending on or before clear_start',
    path: ['baseline'],
  });
export type NewChb = z.input<typeof chbBody>;
export type ChbBody = z.output<typeof chbBody>;

export const evaluationQuery = z.strictObject({
  weights: schemeName.default(DEFAULT_SCHEME),
  category: categoryParam.optional(),
});

// ---------- responses ----------

const polygonCoords = z.array(z.array(z.array(z.number())));
/** A stored polygonal region (Polygon or MultiPolygon, WGS84). */
export const Polygonal = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: polygonCoords }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(polygonCoords) }),
]);
export const PolygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: polygonCoords });
/** An intervention's site as stored (GeoJSON Point or Polygon). */
export const SiteGeometry = z.union([z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }), PolygonGeometry]);
export type SiteGeometry = z.output<typeof SiteGeometry>;

const Window = z.object({ from: z.string(), to: z.string() });

export const InterventionType = z.object({ slug: z.string(), label: z.string(), builtin: z.boolean() });
export type InterventionType = z.output<typeof InterventionType>;

export const InterventionProps = z.object({
  id: z.number().int(),
  type: z.string(),
  type_label: z.string(),
  name: z.string(),
  starts_on: z.string(),
  ends_on: z.string().nullable(),
  owner: z.string().nullable(),
  partner: z.string().nullable(),
  notes: z.string().nullable(),
  version: z.number().int(),
  created_at: z.string(),
  created_by: z.string(),
  updated_at: z.string(),
  updated_by: z.string(),
  deleted_at: z.string().nullable(),
  deleted_by: z.string().nullable(),
});
export type InterventionProps = z.output<typeof InterventionProps>;
export const Intervention = InterventionProps.extend({ geometry: SiteGeometry });
export type Intervention = z.output<typeof Intervention>;

export const InterventionCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({ type: z.literal('Feature'), id: z.number().int(), properties: InterventionProps, geometry: SiteGeometry }),
  ),
});
export type InterventionCollection = z.output<typeof InterventionCollection>;

export const HistoryEntry = z.object({
  version: z.number().int(),
  action: z.enum(INTERVENTION_ACTIONS),
  changed_by: z.string(),
  changed_at: z.string(),
  /** The whole version as stored (fields of the intervention, geometry as GeoJSON). */
  snapshot: z.record(z.string(), z.unknown()),
});
export type HistoryEntry = z.output<typeof HistoryEntry>;

const Deleted = z.object({ id: z.number().int(), deleted: z.boolean() });

/** The harm scheme a result used (api/hotspots/schemes.ts schemeMeta: name, label, version, source, …). */
const SchemeMeta = z.object({ name: z.string(), label: z.string() }).catchall(z.unknown());

/** What every planning analysis states: window, categories, harm scheme, the hotspots used (api/planning/data.ts). */
export const AnalysisMeta = z.object({
  from: z.string(),
  to: z.string(),
  category: z.array(z.string()).nullable(),
  scheme: SchemeMeta,
  hotspots: z.object({ method: z.string(), res: z.number().int(), cells: z.number().int(), significant: z.number().int() }),
  unweighted_categories: z.array(z.string()),
  /** The partnership's definition, when the request chose it (category=@serious-violence; issue 18). */
  category_set: CategorySetMeta.optional(),
});
export type AnalysisMeta = z.output<typeof AnalysisMeta>;

export const NetworkMeta = z.object({
  id: z.number().int(),
  name: z.string(),
  lines: z.number().int(),
  vertices: z.number().int(),
  loaded_at: z.string(),
});
export const NetworkInfo = NetworkMeta.extend({ loaded_by: z.string() });
export type NetworkInfo = z.output<typeof NetworkInfo>;

const distanceMeta = {
  distance_m: z.number().int(),
  /** `walking` along the loaded walking network, or `straight-line` when none is loaded. */
  distance: z.string(),
  distance_note: z.string(),
  network: NetworkMeta.nullable(),
};

/** Share of hotspot harm covered (geodata/planning/coverage.ts); partners: counts null with `suppressed` flags. */
export const Share = z.object({
  hotspot_harm: z.number().nullable(),
  covered_harm: z.number().nullable(),
  share: z.number().nullable(),
  share_undefined: z.string().nullable(),
  hotspot_incidents: z.number().int().nullable(),
  covered_incidents: z.number().int().nullable(),
  /** Partners: the hotspot count (and what derives from it) is withheld. */
  suppressed: z.boolean().optional(),
  /** Partners: the covered count (and the share) is withheld. */
  covered_suppressed: z.boolean().optional(),
});
export type Share = z.output<typeof Share>;
export const WardShare = Share.extend({ code: z.string().nullable(), name: z.string().nullable() });

export const Hotspot = z.object({
  h3: z.string(),
  class: z.string(),
  z: z.number(),
  p_adjusted: z.number(),
  harm: z.number(),
  covered_harm: z.number(),
  incidents: z.number().int(),
  covered: z.boolean(),
  ward_code: z.string().nullable(),
  centre: z.object({ lon: z.number(), lat: z.number() }),
  nearest_intervention_m: z.number().nullable(),
});
export type Hotspot = z.output<typeof Hotspot>;

export const Coverage = z.object({
  borough: Share,
  wards: z.array(WardShare),
  outside_wards: Share.extend({ code: z.null().optional(), name: z.null().optional() }),
  /** Not for partners. */
  hotspots: z.array(Hotspot).optional(),
  uncovered: z.array(Hotspot).optional(),
  interventions: z.array(z.object({ id: z.number().int(), type: z.string(), name: z.string() })).optional(),
  /** Partners: how many interventions were used, instead of the list. */
  interventions_used: z.number().int().optional(),
  meta: AnalysisMeta.extend({
    ...distanceMeta,
    types: z.array(z.string()).nullable(),
    active_rule: z.string(),
    covered_rule: z.string(),
    nearest_rule: z.string(),
    location_note: z.string(),
  }),
  disclosure: Disclosure.optional(),
});
export type Coverage = z.output<typeof Coverage>;

export const Peaks = z.object({
  /** The finest precision the peaks could use. */
  precision: z.enum(['minute', 'day', 'month']),
  by_precision: z.object({ month: z.number().int(), day: z.number().int(), minute: z.number().int() }),
  /** Top days (from day- and minute-precision incidents), or null. */
  days: z.array(z.object({ dow: z.number().int(), day: z.string(), count: z.number().int() })).nullable(),
  /** Top hours (from minute-precision incidents), or null. */
  hours: z.array(z.object({ hour: z.number().int(), count: z.number().int() })).nullable(),
  /** Top months (all incidents). */
  months: z.array(z.object({ month: z.string(), count: z.number().int() })),
  note: z.string(),
});
export type Peaks = z.output<typeof Peaks>;

export const PatrolBox = z.object({
  id: z.string(),
  rank: z.number().int(),
  centre: z.object({ lon: z.number(), lat: z.number() }),
  easting: z.number().int(),
  northing: z.number().int(),
  size_m: z.number().int(),
  harm: z.number(),
  count: z.number().int(),
  ward_code: z.string().nullable(),
  ward_name: z.string().nullable(),
  polygon: PolygonGeometry,
  /** The box's place name from the data (api/places/names.ts): street + ward, or the ward alone. */
  place: PlaceName.optional(),
  peaks: Peaks,
  dosage: z.object({
    window: z.string(),
    window_source: z.string(),
    visits: z.array(z.object({ start: z.string(), end: z.string() })),
  }),
});
export type PatrolBox = z.output<typeof PatrolBox>;

export const PatrolPlan = z.object({
  boxes: z.array(PatrolBox),
  meta: AnalysisMeta.extend({
    scheme: z.object({ name: z.string(), label: z.string() }),
    res: z.number().int(),
    n_requested: z.number().int(),
    n_found: z.number().int(),
    shortfall: z.string().nullable(),
    min_separation_m: z.number().int(),
    box: z.string(),
    dosage_rule: z.string(),
    distance_note: z.string(),
    seed: z.number().int(),
    generated_at: z.string(),
  }),
});
export type PatrolPlan = z.output<typeof PatrolPlan>;

export const OutreachSite = z.object({
  order: z.number().int(),
  name: z.string(),
  lon: z.number(),
  lat: z.number(),
  /** The cell when candidates are cell centres, else null. */
  h3: z.string().nullable(),
  candidate_index: z.number().int(),
  /** The candidate's place name from the data: its cell's (cell centres) or the incidents within 50 m (venues). */
  place: PlaceName.optional(),
  gain: z.number(),
  cumulative: z.number(),
  cumulative_share: z.number().nullable(),
});
export type OutreachSite = z.output<typeof OutreachSite>;

export const Outreach = z.object({
  /** `greedy` or `exact`: which result `sites` is. */
  method: z.string(),
  sites: z.array(OutreachSite),
  covered: z.number(),
  total_harm: z.number(),
  share: z.number().nullable(),
  greedy: z.object({ sites: z.array(OutreachSite), covered: z.number() }),
  exact: z.union([
    z.object({
      sites: z.array(OutreachSite),
      covered: z.number(),
      status: z.string(),
      optimal: z.boolean(),
      seconds: z.number(),
    }),
    z.object({ skipped: z.string().nullable() }),
  ]),
  greedy_over_exact: z.number().nullable(),
  meta: AnalysisMeta.extend({
    ...distanceMeta,
    k: z.number().int(),
    candidates: z.string(),
    demand: z.string(),
    guarantee: z.string(),
    exact_method: z.string(),
    fewer_sites: z.string().nullable(),
  }),
});
export type Outreach = z.output<typeof Outreach>;

/** How a CHB region was given (stored with the area). */
export const RegionSource = z.object({
  kind: z.enum(REGION_KINDS),
  codes: z.array(z.string()).optional(),
  res: z.number().int().optional(),
});

export const ChbArea = z.object({
  id: z.number().int(),
  name: z.string(),
  area_source: RegionSource,
  control_source: RegionSource,
  buffer_m: z.number().int(),
  clear_start: z.string(),
  hold_start: z.string(),
  build_start: z.string(),
  build_end: z.string(),
  baseline_from: z.string().nullable(),
  baseline_to: z.string().nullable(),
  notes: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
});
export type ChbArea = z.output<typeof ChbArea>;
export const ChbAreaDetail = ChbArea.extend({ area: Polygonal, buffer: Polygonal, control: Polygonal });
export type ChbAreaDetail = z.output<typeof ChbAreaDetail>;

export const Figure = z.object({
  value: z.number().nullable(),
  /** Why the value is undefined (null when it is defined). */
  reason: z.string().nullable(),
});
export type Figure = z.output<typeof Figure>;

/** Displacement figures (geodata/planning/displacement.ts): WDQ, TNE, difference-in-differences. */
export const Displacement = z.object({
  gross_effect: Figure,
  net_effect: Figure,
  success_measure: Figure,
  buffer_measure: Figure,
  wdq: Figure,
  tne: Figure,
  did: Figure.extend({ se: z.number().nullable(), ci95: z.tuple([z.number(), z.number()]).nullable() }),
  did_relative: Figure,
  reading: z.string(),
});
export type Displacement = z.output<typeof Displacement>;

export const RegionFigures = z.object({
  region: z.enum(CHB_REGIONS),
  baseline_count: z.number().int().nullable(),
  phase_count: z.number().int().nullable(),
  baseline_harm: z.number().nullable(),
  phase_harm: z.number().nullable(),
  /** Partners: the count (and its harm) is withheld. */
  baseline_suppressed: z.boolean().optional(),
  phase_suppressed: z.boolean().optional(),
});
export type RegionFigures = z.output<typeof RegionFigures>;

/** What the data cover in a window (issue 11): counts of a window not fully covered are null ("no data", not 0). */
export const WindowCover = z.object({
  status: z.enum(COVER_STATUSES),
  missing_months: z.array(z.string()),
  categories: z.array(z.object({ category: z.string(), gaps: z.array(Window), covered_days: z.number() })),
  reason: z.string().nullable(),
});
export type WindowCover = z.output<typeof WindowCover>;

const LoggedIntervention = z.object({
  id: z.number().int(),
  name: z.string(),
  type: z.string(),
  starts_on: z.string(),
  ends_on: z.string().nullable(),
});

export const PhaseEvaluation = z.object({
  phase: z.enum(CHB_PHASES),
  window: Window,
  baseline: Window,
  length_ratio: z.number(),
  /** Coverage of the baseline and the phase window; counts of a window not fully covered are null (no data, not 0). */
  coverage: z.object({ baseline: WindowCover, phase: WindowCover }),
  /** Why the figures are undefined for missing data (null: both windows fully covered). */
  no_data: z.string().nullable(),
  regions: z.array(RegionFigures),
  counts: Displacement.nullable(),
  harm: Displacement.nullable(),
  /** Partners: why the phase's figures are withheld. */
  withheld: z.string().nullable(),
  /** Null for partners (counts by type only). */
  interventions: z.array(LoggedIntervention).nullable(),
  interventions_by_type: z.record(z.string(), z.number().int()),
});
export type PhaseEvaluation = z.output<typeof PhaseEvaluation>;

export const ChbEvaluation = z.object({
  area: z.object({
    id: z.number().int(),
    name: z.string(),
    buffer_m: z.number().int(),
    area_source: RegionSource,
    control_source: RegionSource,
  }),
  phases: z.array(PhaseEvaluation),
  warnings: z.array(z.string()),
  meta: z.object({
    scheme: SchemeMeta,
    category: z.array(z.string()).nullable(),
    baseline_rule: z.string(),
    regions: z.string(),
    formulas: z.string(),
    interventions: z.string(),
    coverage_rule: z.string(),
    /** The partnership's definition, when the request chose it (category=@serious-violence; issue 18). */
    category_set: CategorySetMeta.optional(),
  }),
  disclosure: Disclosure.optional(),
});
export type ChbEvaluation = z.output<typeof ChbEvaluation>;

// ---------- routes ----------

/** A GeoJSON answer with its schema (served as application/geo+json). */
function geoJson<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/geo+json': { schema } } } as const;
}

const MASKED_COVERAGE = {
  kind: 'masked',
  rule: 'incident counts below min_count withheld with complementary suppression; harm and shares derived from them withheld; no hotspot lists or register',
} as const;
const MASKED_CHB = {
  kind: 'masked',
  rule: 'per phase, counts below min_count withheld with complementary suppression; their harm and every figure of the phase withheld; interventions as counts by type only',
} as const;
const CHB_NO_COUNTS = {
  kind: 'no-counts',
  reason: 'a CHB area is its outline, dates and how it was drawn; it holds no counts',
} as const;

export const interventionTypes = defineRoute({
  method: 'get',
  path: '/interventions/types',
  summary: 'Intervention types (built-in first)',
  tags: ['planning'],
  'x-access': { capability: 'register.read' },
  request: { query: noQuery },
  responses: { 200: json(z.object({ types: z.array(InterventionType) }), 'The types') },
});

export const addInterventionType = defineRoute({
  method: 'post',
  path: '/interventions/types',
  summary: 'Add an intervention type',
  tags: ['planning'],
  'x-access': { capability: 'register.manage' },
  request: { body: jsonBody(typeBody) },
  responses: { 201: json(InterventionType, 'The new type (409 if the slug exists)') },
});

export const listInterventions = defineRoute({
  method: 'get',
  path: '/interventions',
  summary: 'The intervention register as GeoJSON',
  tags: ['planning'],
  'x-access': { capability: 'register.read' },
  request: { query: listQuery },
  responses: { 200: geoJson(InterventionCollection, 'A FeatureCollection of interventions (the current version of each)') },
});

export const createIntervention = defineRoute({
  method: 'post',
  path: '/interventions',
  summary: 'Add an intervention to the register',
  tags: ['planning'],
  'x-access': { capability: 'register.write' },
  request: { body: jsonBody(interventionBody) },
  responses: { 201: json(Intervention, 'The intervention, version 1') },
});

export const importInterventions = defineRoute({
  method: 'post',
  path: '/interventions/import',
  summary: 'Import interventions from a CSV or GeoJSON file (all or nothing)',
  tags: ['planning'],
  'x-access': { capability: 'register.write' },
  request: { body: jsonBody(importBody) },
  responses: {
    201: json(
      z.object({ imported: z.number().int(), ids: z.array(z.number().int()) }),
      'The new interventions (400 invalid_rows lists every bad row)',
    ),
  },
});

export const getIntervention = defineRoute({
  method: 'get',
  path: '/interventions/{id}',
  summary: 'One intervention',
  tags: ['planning'],
  'x-access': { capability: 'register.read' },
  request: { params: idParams, query: noQuery },
  responses: { 200: json(Intervention, 'The current version') },
});

export const editIntervention = defineRoute({
  method: 'patch',
  path: '/interventions/{id}',
  summary: 'Change an intervention (a new version; 409 if `version` is not the current one)',
  tags: ['planning'],
  'x-access': { capability: 'register.write' },
  request: { params: idParams, body: jsonBody(interventionPatch) },
  responses: { 200: json(Intervention, 'The new version') },
});

export const endIntervention = defineRoute({
  method: 'post',
  path: '/interventions/{id}/end',
  summary: 'End an intervention on a date',
  tags: ['planning'],
  'x-access': { capability: 'register.write' },
  request: { params: idParams, body: jsonBody(endBody) },
  responses: { 200: json(Intervention, 'The new version') },
});

export const deleteIntervention = defineRoute({
  method: 'delete',
  path: '/interventions/{id}',
  summary: 'Delete an intervention (its history stays)',
  tags: ['planning'],
  'x-access': { capability: 'register.manage' },
  request: { params: idParams },
  responses: { 200: json(Deleted, 'Deleted') },
});

export const interventionHistory = defineRoute({
  method: 'get',
  path: '/interventions/{id}/history',
  summary: "Every version of an intervention, oldest first (deleted ones' too)",
  tags: ['planning'],
  'x-access': { capability: 'register.read' },
  request: { params: idParams, query: noQuery },
  responses: { 200: json(z.object({ id: z.number().int(), history: z.array(HistoryEntry) }), 'The versions') },
});

export const planningCoverage = defineRoute({
  method: 'get',
  path: '/planning/coverage',
  summary:
    'Share of significant-hotspot harm within a distance of an active intervention, per ward and borough-wide; uncovered hotspots',
  tags: ['planning'],
  'x-access': { capability: 'aggregates.read', partner: MASKED_COVERAGE },
  request: { query: coverageQuery },
  responses: { 200: json(Coverage, 'Coverage and gaps') },
});

export const patrol = defineRoute({
  method: 'get',
  path: '/planning/patrol',
  summary: 'Patrol boxes over the highest-harm significant hotspots, with peak times and a dosage plan',
  tags: ['planning'],
  'x-access': { capability: 'planning.write' },
  request: { query: patrolQuery },
  responses: { 200: json(PatrolPlan, 'The boxes, ranked') },
});

export const patrolExport = defineRoute({
  method: 'post',
  path: '/planning/patrol/export',
  summary: 'Export patrol boxes as CSV, GeoJSON, GPX or a printable briefing (audited)',
  tags: ['planning'],
  'x-access': { capability: 'planning.write' },
  request: { body: jsonBody(patrolExportBody) },
  responses: {
    200: {
      description: 'The file, as an attachment',
      content: {
        'text/csv': { schema: z.string() },
        'application/geo+json': { schema: z.string() },
        'application/gpx+xml': { schema: z.string() },
        'text/html': { schema: z.string() },
      },
    },
  },
});

export const outreach = defineRoute({
  method: 'post',
  path: '/planning/outreach',
  summary: 'Choose K outreach sites reaching the most harm within a distance (maximal covering; changes nothing)',
  tags: ['planning'],
  'x-access': { capability: 'planning.write' },
  request: { body: jsonBody(outreachBody) },
  responses: { 200: json(Outreach, 'The sites in the order chosen, greedy and (when run) exact') },
});

export const getNetwork = defineRoute({
  method: 'get',
  path: '/planning/network',
  summary: 'The loaded walking network (null when none: distances are straight lines)',
  tags: ['planning'],
  'x-access': { capability: 'network.read' },
  request: { query: noQuery },
  responses: { 200: json(z.object({ network: NetworkInfo.nullable() }), 'The network') },
});

export const putNetwork = defineRoute({
  method: 'put',
  path: '/planning/network',
  summary: 'Load (replace) the walking network: GeoJSON lines, up to 16 MB',
  tags: ['planning'],
  'x-access': { capability: 'network.write' },
  request: { body: jsonBody(networkBody) },
  responses: { 200: json(z.object({ network: NetworkInfo }), 'The loaded network') },
});

export const deleteNetwork = defineRoute({
  method: 'delete',
  path: '/planning/network',
  summary: 'Remove the walking network (coverage and outreach go back to straight lines)',
  tags: ['planning'],
  'x-access': { capability: 'network.write' },
  responses: { 200: json(z.object({ removed: z.boolean() }), 'Whether a network was removed') },
});

export const chbList = defineRoute({
  method: 'get',
  path: '/chb',
  summary: 'Clear-Hold-Build areas',
  tags: ['chb'],
  'x-access': { capability: 'aggregates.read', partner: CHB_NO_COUNTS },
  request: { query: noQuery },
  responses: { 200: json(z.object({ areas: z.array(ChbArea) }), 'The areas') },
});

export const createChb = defineRoute({
  method: 'post',
  path: '/chb',
  summary: 'Create a Clear-Hold-Build area (area, control, displacement buffer)',
  tags: ['chb'],
  'x-access': { capability: 'chb.manage' },
  request: { body: jsonBody(chbBody) },
  responses: { 201: json(ChbAreaDetail, 'The area with its outlines') },
});

export const getChb = defineRoute({
  method: 'get',
  path: '/chb/{id}',
  summary: 'A Clear-Hold-Build area with its outlines',
  tags: ['chb'],
  'x-access': { capability: 'aggregates.read', partner: CHB_NO_COUNTS },
  request: { params: idParams, query: noQuery },
  responses: { 200: json(ChbAreaDetail, 'The area') },
});

export const deleteChb = defineRoute({
  method: 'delete',
  path: '/chb/{id}',
  summary: 'Delete a Clear-Hold-Build area',
  tags: ['chb'],
  'x-access': { capability: 'chb.manage' },
  request: { params: idParams },
  responses: { 200: json(Deleted, 'Deleted') },
});

export const chbEvaluation = defineRoute({
  method: 'get',
  path: '/chb/{id}/evaluation',
  summary: 'A CHB area evaluated phase by phase against its baseline: counts, harm, WDQ, TNE, DiD',
  tags: ['chb'],
  'x-access': { capability: 'aggregates.read', partner: MASKED_CHB },
  request: { params: idParams, query: evaluationQuery },
  responses: { 200: json(ChbEvaluation, 'The evaluation') },
});

export const planningRoutes = [
  interventionTypes,
  addInterventionType,
  listInterventions,
  createIntervention,
  importInterventions,
  getIntervention,
  editIntervention,
  endIntervention,
  deleteIntervention,
  interventionHistory,
  planningCoverage,
  patrol,
  patrolExport,
  outreach,
  getNetwork,
  putNetwork,
  deleteNetwork,
  chbList,
  createChb,
  getChb,
  deleteChb,
  chbEvaluation,
] as const;

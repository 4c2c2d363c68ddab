// Request schemas for the planning API (issue 6): the intervention register, coverage, patrol boxes,
// outreach sites and Clear-Hold-Build areas. Strict objects: an unknown parameter is a 400 naming it.
import { getResolution, isValidCell } from 'h3-js';
import { z } from 'zod';
import { areaGeometry, siteGeometry } from '../../geodata/planning/geometry.js';
import { categoryParam, dateParam, exportStatement } from '../validate.js';
import { DEFAULT_SCHEME, schemeName } from '../../contract/hotspots.js';

export const typeSlug = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an intervention type is lower-case letters, digits and _ (e.g. youth_hub)');

const intIn = (min: number, max: number) =>
  z.string().regex(/^\d{1,7}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const typesParam = z
  .string()
  .max(2000)
  .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
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

// ---------- register ----------

const text = (max: number) => z.string().trim().max(max);
const dateBody = z.string().pipe(dateParam);

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
  .refine((b) => b.ends_on === null || b.ends_on >= b.starts_on, { message: 'ends_on must not be before starts_on', path: ['ends_on'] });

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

export const endBody = z.strictObject({ ends_on: dateBody, version: z.number().int().min(1).optional() });

export const typeBody = z.strictObject({ slug: typeSlug, label: text(100).min(1, 'give the type a label') });

export const listQuery = z.strictObject({
  type: typesParam.optional(),
  /** Only interventions active on this date. */
  active_on: dateParam.optional(),
  include_deleted: z.enum(['true', 'false']).default('false').transform((s) => s === 'true'),
});

export const MAX_IMPORT_ROWS = 5000;
export const importBody = z.strictObject({
  format: z.enum(['csv', 'geojson']),
  /** The file's text (the API's 1 MB body limit applies). */
  text: z.string().min(1, 'the file is empty').max(1_000_000),
  /** Coordinates' reference system; default: from the CSV columns (lon/lat or easting/northing) or GeoJSON crs. */
  crs: z.enum(['EPSG:4326', 'EPSG:27700']).optional(),
  /** Values for columns the file lacks. */
  defaults: z
    .strictObject({ type: typeSlug.optional(), owner: text(200).optional(), partner: text(200).optional(), starts_on: dateBody.optional() })
    .default({}),
});

// ---------- coverage, patrol, outreach ----------

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
  shift_start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'shift_start is HH:MM').default('16:00'),
  shift_hours: intIn(1, 12).default(8),
  seed: intIn(0, 2 ** 31 - 1).default(1),
});

export const patrolExportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(['csv', 'geojson', 'gpx', 'html']),
  /** The same strings as GET /api/planning/patrol's query. */
  filters: z.record(z.string(), z.string()).default({}),
});

export const MAX_CANDIDATES = 5000;
export const outreachBody = z.strictObject({
  from: dateBody.optional(),
  to: dateBody.optional(),
  category: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/)).max(50).optional(),
  weights: schemeName.default(DEFAULT_SCHEME),
  k: z.number().int().min(1).max(50).default(5),
  distance: z.number().int().min(25).max(5000).default(400),
  /** Candidate venues; absent: the centre of every res-9 cell of the study area. */
  candidates: z
    .array(z.strictObject({ name: text(200).min(1), lon: z.number().min(-9).max(2.5), lat: z.number().min(49).max(61.5) }))
    .min(1)
    .max(MAX_CANDIDATES)
    .optional(),
  /** Demand: all harm in the window, or only harm in significant hotspot cells. */
  demand: z.enum(['all', 'hotspots']).default('all'),
  /** Exact solver: when the instance is small enough (auto: api/planning/outreach.ts EXACT_LIMITS), or never. */
  exact: z.enum(['auto', 'never']).default('auto'),
});

// ---------- Clear-Hold-Build ----------

const h3Cell = z.string().regex(/^[0-9a-f]{15}$/, 'an H3 cell id is 15 lower-case hex characters').refine((c) => isValidCell(c) && getResolution(c) >= 7 && getResolution(c) <= 10, 'must be a valid H3 cell at resolution 7..10');

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
export type RegionSpec = z.infer<typeof regionSpec>;

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

export const evaluationQuery = z.strictObject({ weights: schemeName.default(DEFAULT_SCHEME), category: categoryParam.optional() });
export const emptyQuery = z.strictObject({});

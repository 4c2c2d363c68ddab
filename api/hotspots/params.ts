// Query-string schemas for the hotspot API (issue 4). Strict objects: an unknown parameter is a 400 that
// names it. Dates and categories are the aggregation API's own parameters (api/validate.ts).
import { z } from 'zod';
import { CORRECTIONS, type Correction } from '../../geodata/stats/correction.js';
import { PERIOD_KINDS, type PeriodKind } from '../../geodata/stats/periods.js';
import { h3Param, levelParam, resParam, type H3Res } from '../aggregates/params.js';
import { categoryParam, dateParam, exportStatement } from '../validate.js';

import { DEFAULT_SCHEME, schemeName } from '../../contract/params.js';
export { DEFAULT_SCHEME, schemeName };

const intIn = (min: number, max: number) =>
  z.string().regex(/^\d{1,6}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));


const windowShape = { from: dateParam.optional(), to: dateParam.optional(), category: categoryParam.optional() };

/** Either an H3 resolution or an area level, never both. */
const unitShape = { res: resParam.optional(), level: levelParam.optional() };
const oneUnit = <T extends { res?: H3Res; level?: string }>(q: T) => (q.res === undefined) !== (q.level === undefined);
const ONE_UNIT = { message: 'give either res (H3 cells, 7..10) or level (an area set such as ward), not both', path: ['res'] };

const statShape = {
  ...unitShape,
  ...windowShape,
  weights: schemeName.default(DEFAULT_SCHEME),
  k: intIn(1, 3).default(1),
  correction: z.enum(CORRECTIONS as [string, ...string[]], { message: `correction must be one of ${CORRECTIONS.join(', ')}` }).default('fdr').transform((s) => s as Correction),
};

export const hotspotsQuery = z.strictObject(statShape).refine(oneUnit, ONE_UNIT);

export const MAX_TOP = 1000;
export const topQuery = z.strictObject({ ...statShape, n: intIn(1, MAX_TOP).default(20) }).refine(oneUnit, ONE_UNIT);
/** Export filters: the top-N query, `n` optional (absent: every unit). */
export const exportFilters = z.strictObject({ ...statShape, n: intIn(1, 1_000_000).optional() }).refine(oneUnit, ONE_UNIT);

export const exportBody = z.strictObject({
  ...exportStatement,
  format: z.enum(['csv', 'geojson']).default('csv'),
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
    period: z.enum(PERIOD_KINDS as [string, ...string[]], { message: `period must be one of ${PERIOD_KINDS.join(', ')}` }).default('28d').transform((s) => s as PeriodKind),
    alpha: z.enum(['0.01', '0.05', '0.1'], { message: 'alpha must be 0.01, 0.05 or 0.1' }).default('0.05').transform(Number),
    include: z.enum(['series'], { message: 'include may only be series' }).optional(),
  })
  .refine(oneUnit, ONE_UNIT);

/** Most vertices a drawn polygon may have (all rings together, closing points included). */
export const MAX_POLYGON_VERTICES = 200;

type Ring = [number, number][];
/** A URL-encoded GeoJSON Polygon in WGS84: closed rings of >= 4 positions, <= 200 vertices in all. */
export const polygonParam = z.string().max(20_000, 'polygon is too long').transform((s, ctx) => {
  let g: unknown;
  try {
    g = JSON.parse(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'polygon must be GeoJSON (a Polygon geometry, URL-encoded)' });
    return z.NEVER;
  }
  const fail = (m: string) => (ctx.addIssue({ code: 'custom', message: m }), z.NEVER);
  const o = g as { type?: unknown; coordinates?: unknown };
  if (!o || typeof o !== 'object' || o.type !== 'Polygon' || !Array.isArray(o.coordinates)) return fail('polygon must be a GeoJSON geometry of type Polygon');
  const rings = o.coordinates as unknown[];
  if (rings.length === 0) return fail('polygon has no rings');
  let vertices = 0;
  for (const [r, ring] of rings.entries()) {
    if (!Array.isArray(ring) || ring.length < 4) return fail(`polygon ring ${r} needs at least 4 positions (closed)`);
    for (const pt of ring) {
      if (!Array.isArray(pt) || pt.length < 2 || pt.length > 3 || !pt.every((v) => typeof v === 'number' && Number.isFinite(v)))
        return fail(`polygon ring ${r} has a position that is not [lon, lat]`);
      if (pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90) return fail(`polygon ring ${r} has a position outside WGS84 lon/lat`);
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
  .strictObject({ level: levelParam.optional(), code: z.string().min(1).max(64).optional(), h3: h3Param.optional(), polygon: polygonParam.optional(), ...windowShape })
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

export const schemesQuery = z.strictObject({});
export const schemePostQuery = z.strictObject({
  name: schemeName,
  label: z.string().trim().min(1).max(200).optional(),
  version: z.string().trim().min(1).max(64).optional(),
  source: z.string().trim().min(1).max(500).optional(),
  // An offence mix (CSV offence_code,count) applies to `base`, a scheme that weighs offence codes.
  base: schemeName.optional(),
  mix_name: z.string().trim().min(1).max(120).optional(),
});

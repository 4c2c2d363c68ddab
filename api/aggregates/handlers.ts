// Aggregation handlers: validated parameters in, response bodies out. Routes (routes.ts) only
// parse the query string and call these.
import type { Narrowing } from '../definitions/narrowing.js';
import { getResolution } from 'h3-js';
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { SYNTHETIC_DATASET } from '../../geodata/synthetic.js';
import type { AreaStat, H3Res, TimeSteps, LOCATION_PRECISIONS, TIME_PRECISIONS } from '../../contract/aggregates.js';
import { populationMeta } from './population-meta.js';
import { precisionSql } from '../hotspots/sql.js';
import {
  AREA_SETS_SQL,
  AREAS_GEOJSON_SQL,
  categoriesSql,
  datasetsSql,
  H3_COLUMN,
  countSql,
  hexesSql,
  incidentWhere,
  incidentsSql,
  levelColumn,
  monthlySql,
  Params,
  statsByColumnSql,
  statsBySpaceSql,
} from './sql.js';
import { defaultWindow, monthAfter, monthsIn, previousWindow, resolveWindow, type Window } from './window.js';
import { dataRange, partnerWindow, requestSelection, requestWindow, type WindowQuery } from './request.js';
import { inPartnerRequest } from '../auth/disclosure.js';
import { readSource, type SourceColumn, wholeSource } from './source.js';
import type { ReadSource } from '../../contract/http.js';
import { COVERAGE_RULE, monthlyCounts, windowCoverage, windowsCoverage } from '../coverage/check.js';

const invalid = (path: string, message: string) =>
  new ApiError(400, 'invalid_parameter', `${path}: ${message}`, [{ path, message }]);

// ---------- shared checks ----------

/** The level must be an existing area set. */
async function checkLevel(db: Queryable, level: string) {
  const rows = await db.query<{ level: string }>('SELECT level FROM area_sets ORDER BY level');
  if (!rows.some((r) => r.level === level)) {
    const known = rows.map((r) => r.level);
    throw new ApiError(
      400,
      'invalid_parameter',
      `level: no area set "${level}"${known.length ? ` (loaded: ${known.join(', ')})` : ' (no boundaries loaded yet)'}`,
      [{ path: 'level', message: 'unknown area level', known }],
    );
  }
}

// ---------- endpoints ----------

export async function areaSets(db: Queryable) {
  return { sets: await db.query<{ level: string; label: string; count: number }>(AREA_SETS_SQL) };
}

/** GeoJSON text of a level's areas. */
export async function areasGeoJson(db: Queryable, level: string): Promise<string> {
  await checkLevel(db, level);
  const [row] = await db.query<{ fc: string }>(AREAS_GEOJSON_SQL, [level]);
  return row.fc;
}

/** An area's row of GET /stats/areas (contract/aggregates.ts). */
export type { AreaStat };

export async function areaStats(db: Queryable, q: WindowQuery & { level: string }) {
  await checkLevel(db, q.level);
  const { categories, narrowing } = await requestSelection(db, q.category);
  const w = await requestWindow(db, q);
  const prev = previousWindow(w);

  const p = new Params();
  const where = incidentWhere(p, { from: prev.from, to: w.to, categories, narrowing });
  const level = p.add(q.level);
  const currentFrom = p.add(w.from);
  const column = levelColumn(q.level);
  const src = readSource({
    bounds: [prev.from, w.from, w.to],
    lacks: column ? null : `the area level "${q.level}" (known only by its polygons)`,
    narrowing,
    uses: column ? [column] : [],
  });
  const sql = column ? statsByColumnSql(src, column, where, level, currentFrom) : statsBySpaceSql(where, level, currentFrom);
  const rows = await db.query<
    AreaStat & {
      count: number;
      previous_count: number;
      change: number;
      total: number;
      outside_study_area: number;
      count_ckey: number;
      previous_count_ckey: number;
      total_ckey: number;
      outside_study_area_ckey: number;
    }
  >(sql, p.values);
  // What the two windows cover (issue 11): with all categories, the scope is every category with data in
  // either window, so a category held in neither is left out of both instead of being a zero in both.
  const [current, previous] = await windowsCoverage(db, categories, [w, prev]);
  const noCurrent = current.status === 'none';
  const noPrevious = previous.status !== 'full';

  return {
    level: q.level,
    from: w.from,
    to: w.to,
    previous_from: prev.from,
    previous_to: prev.to,
    categories,
    areas: rows
      .filter((r) => r.code !== null)
      .map(
        ({
          code,
          name,
          count,
          population,
          population_rule,
          rate_per_1000,
          previous_count,
          change,
          count_ckey,
          previous_count_ckey,
        }): AreaStat => ({
          code,
          name,
          count: noCurrent ? null : count,
          // Cell keys for the partners' perturbation (api/auth/disclosure.ts); removed for everyone else.
          ...{ count_ckey, previous_count_ckey },
          population,
          population_rule,
          rate_per_1000: noCurrent ? null : rate_per_1000,
          previous_count: noPrevious ? null : previous_count,
          change: noPrevious || noCurrent ? null : change,
        }),
      ),
    total: noCurrent ? null : (rows[0]?.total ?? 0),
    total_ckey: rows[0]?.total_ckey ?? 0,
    outside_study_area: noCurrent ? null : (rows[0]?.outside_study_area ?? 0),
    outside_study_area_ckey: rows[0]?.outside_study_area_ckey ?? 0,
    coverage: {
      current,
      previous,
      count_reason: noCurrent ? `no data for the period: ${current.reason}` : null,
      count_note: current.status === 'partial' ? `counts cover only part of the period (${current.reason})` : null,
      previous_reason: noPrevious ? `no data for the previous period: ${previous.reason}` : null,
      rule: COVERAGE_RULE,
    },
    population: await populationMeta(db, q.level),
    time: await timeSteps(db, w, categories, narrowing),
    source: src.meta,
  };
}

export const TIME_STEPS_RULE =
  'months always; weeks and days only when every incident of the period (categories in scope) has a date (time precision day or minute): police.uk street data are dated by month only; partners: months only (whole-month periods)';

/** The coarsest time precision of a window's incidents and the playback steps it supports (issue 14). */
export async function timeSteps(
  db: Queryable,
  w: Window,
  categories: string[] | null,
  narrowing: Narrowing | null = null,
): Promise<TimeSteps> {
  if (inPartnerRequest()) return { coarsest: null, steps: ['month'], rule: TIME_STEPS_RULE };
  const p = new Params();
  const src = readSource({ bounds: [w.from, w.to], narrowing, uses: ['time_precision'] });
  const rows = await db.query<{ precision: 'month' | 'day' | 'minute'; n: number }>(
    precisionSql(src, incidentWhere(p, { ...w, categories, narrowing })),
    p.values,
  );
  const has = new Set(rows.filter((r) => r.n > 0).map((r) => r.precision));
  const coarsest = (['month', 'day', 'minute'] as const).find((x) => has.has(x)) ?? null;
  const dated = coarsest === 'day' || coarsest === 'minute';
  return { coarsest, steps: dated ? ['month', 'week', 'day'] : ['month'], rule: TIME_STEPS_RULE };
}

export async function hexes(
  db: Queryable,
  q: WindowQuery & { res: H3Res; bbox?: [number, number, number, number]; allCells?: readonly string[] },
) {
  const { categories, narrowing } = await requestSelection(db, q.category);
  const w = await requestWindow(db, q);
  const p = new Params();
  const where = incidentWhere(p, { ...w, categories, narrowing, bbox: q.bbox });
  const src = readSource({
    bounds: [w.from, w.to],
    lacks: q.bbox ? 'a bounding box (a cell may straddle its edge)' : null,
    narrowing,
    uses: [H3_COLUMN[q.res]],
  });
  let cells = await db.query<{ h3: string; count: number; count_ckey: number }>(hexesSql(src, q.res, where), p.values);
  if (q.allCells) {
    // Every cell of the study area, empty ones as 0 (partners: so that empty and withheld look alike).
    const held = new Map(cells.map((c) => [c.h3, c]));
    const all = new Set([...q.allCells, ...held.keys()]);
    cells = [...all].sort().map((h3) => held.get(h3) ?? { h3, count: 0, count_ckey: 0 });
  }
  // Cells are listed only where there are incidents: say whether an empty map means no incidents or no data.
  const cov = await windowCoverage(db, categories, w);
  return {
    res: q.res,
    from: w.from,
    to: w.to,
    cells,
    coverage: { status: cov.status, missing_months: cov.missing_months, reason: cov.reason },
    source: src.meta,
  };
}

interface IncidentRow {
  id: number;
  lon: number;
  lat: number;
  category: string;
  category_label: string;
  occurred_at: string;
  time_precision: (typeof TIME_PRECISIONS)[number];
  location_precision: (typeof LOCATION_PRECISIONS)[number];
  location_text: string | null;
  ward_code: string | null;
  outcome: string | null;
  age_band: string | null;
}

/**
 * The most matches counted beside a truncated incidents page (issue 16: no count(*) over every match). A
 * page that holds every match needs no count at all; a truncated one counts up to this many, beyond which
 * `total` is null ("more than total_cap").
 */
export const INCIDENT_TOTAL_CAP = 100_000;

export async function incidents(
  db: Queryable,
  q: WindowQuery & { bbox?: [number, number, number, number]; limit: number; wardCodes?: string[] | null; totalCap?: number },
) {
  const { categories, narrowing } = await requestSelection(db, q.category);
  const w = await requestWindow(db, q);
  const p = new Params();
  const where = incidentWhere(p, { ...w, categories, narrowing, bbox: q.bbox, wardCodes: q.wardCodes });
  const filterValues = [...p.values];
  // One row more than the page: whether more matched, without counting them.
  const rows = await db.query<IncidentRow>(incidentsSql(where, p.add(q.limit + 1)), p.values);
  const truncated = rows.length > q.limit;
  if (truncated) rows.length = q.limit;
  const cap = q.totalCap ?? INCIDENT_TOTAL_CAP;
  let total: number | null = rows.length;
  if (truncated) {
    const [{ total: n }] = await db.query<{ total: number }>(countSql(where, `$${filterValues.length + 1}`), [
      ...filterValues,
      cap + 1,
    ]);
    total = n > cap ? null : n;
  }
  return {
    type: 'FeatureCollection' as const,
    from: w.from,
    to: w.to,
    total,
    total_cap: cap,
    truncated,
    features: rows.map(({ lon, lat, ...props }) => ({
      type: 'Feature' as const,
      id: props.id,
      geometry: { type: 'Point' as const, coordinates: [lon, lat] },
      properties: props,
    })),
  };
}

export async function categories(db: Queryable) {
  const src = wholeSource();
  return {
    categories: await db.query<{ slug: string; label: string; origin: string; count: number }>(categoriesSql(src)),
    source: src.meta,
  };
}

/** Monthly series for one area (level + code) or one H3 cell, zero-filled across the window. */
export async function series(
  db: Queryable,
  q: WindowQuery & { level?: string; code?: string; h3?: string },
): Promise<{
  months: { month: string; count: number | null; missing_categories?: string[] | null }[];
  coverage?: { categories: string[]; rule: string };
  source?: ReadSource;
}> {
  const { categories, narrowing } = await requestSelection(db, q.category);
  let w: Window;
  if (q.from && q.to) w = resolveWindow(q, { from: q.from, to: q.to });
  else {
    // Default: all data.
    const r = await dataRange(db);
    if (!r.first_month || !r.last_month) {
      if (!q.from && !q.to) return { months: [] };
      w = resolveWindow(q, defaultWindow(null, null));
    } else w = resolveWindow(q, { from: `${r.first_month}-01`, to: monthAfter(r.last_month) });
  }

  const p = new Params();
  // Every month the window touches, so that empty months appear with 0.
  const months = monthsIn(w);
  let where = incidentWhere(p, { from: w.from, to: w.to, categories, narrowing });
  let lacks: string | null = null;
  let uses: SourceColumn[] = [];
  if (q.h3) {
    const col = H3_COLUMN[getResolution(q.h3) as H3Res];
    uses = [col];
    where += `\n    AND i.${col} = ${p.add(BigInt(`0x${q.h3}`).toString())}::bigint`;
  } else {
    const level = q.level!;
    await checkLevel(db, level);
    const [area] = await db.query<{ id: number }>('SELECT id FROM areas WHERE level = $1 AND code = $2', [level, q.code]);
    if (!area) throw invalid('code', `no area "${q.code}" at level ${level}`);
    const column = levelColumn(level);
    if (!column) lacks = `the area level "${level}" (known only by its polygons)`;
    else uses = [column];
    where += column
      ? `\n    AND i.${column} = ${p.add(q.code)}`
      : `\n    AND EXISTS (SELECT 1 FROM area_parts ap WHERE ap.area_id = ${p.add(area.id)} AND ST_Intersects(ap.geom, i.geom))`;
  }
  const src = readSource({ bounds: [w.from, w.to], lacks, narrowing, uses });
  const rows = await db.query<{ month: string; count: number; count_ckey: number }>(monthlySql(src, where), p.values);
  const byMonth = new Map(rows.map((r) => [r.month, r.count]));
  const keys = new Map(rows.map((r) => [r.month, r.count_ckey]));
  const out = await monthlyCounts(db, categories, months, byMonth);
  return { ...out, months: out.months.map((m) => ({ ...m, count_ckey: keys.get(m.month) ?? 0 })), source: src.meta };
}

export async function summary(db: Queryable) {
  const r = await dataRange(db);
  // One pass over incidents gives both the per-dataset counts and the total.
  const src = wholeSource();
  const rows = await db.query<{ dataset: string; count: number; key_sum: number }>(datasetsSql(src));
  const datasets = rows.map(({ dataset, count, key_sum }) => ({ dataset, count, count_ckey: key_sum % 256 }));
  const sets = await db.query<{ level: string; count: number }>(AREA_SETS_SQL);
  const w =
    !r.first_month || !r.last_month
      ? null
      : inPartnerRequest()
        ? partnerWindow(r.last_month)
        : defaultWindow(r.first_month, r.last_month);
  return {
    incidents: datasets.reduce((s, d) => s + d.count, 0),
    incidents_ckey: rows.reduce((s, d) => s + d.key_sum, 0) % 256,
    first_month: r.first_month,
    last_month: r.last_month,
    default_from: w?.from ?? null,
    default_to: w?.to ?? null,
    area_sets: sets.map(({ level, count }) => ({ level, count })),
    synthetic: datasets.some((d) => d.dataset === SYNTHETIC_DATASET),
    datasets,
    source: src.meta,
  };
}

// Exposure of every route at once: the database snaps incidents to segments (SNAP_SQL), the pure
// functions in geodata/journeys classify and sum them (time windows, term calendar, age, harm).
// Single-route requests compute all routes too: the borough average is over every segment.
import type { Queryable } from '../db/index.js';
import { requestSelection, requestWindow } from '../aggregates/request.js';
import { narrowingParams } from '../definitions/narrowing.js';
import { categorySetsUsed } from '../definitions/context.js';
import { resolveScheme, schemeMeta } from '../hotspots/schemes.js';
import { weightOf } from '../../geodata/harm/schemes.js';
import { computeExposure, type Exposure, type SegmentGeom, type SnappedIncident } from '../../geodata/journeys/exposure.js';
import { formatWindows, windowHours, type JourneyTimes, type Term } from '../../geodata/journeys/time.js';
import type { Position } from '../../geodata/journeys/segment.js';
import { DEFAULT_CATEGORIES, type ExposureMeta, type ExposureQuery } from '../../contract/journeys.js';
import { listRoutes, type RouteRow } from './store.js';
import { SEGMENTS_SQL, SNAP_SQL, TERMS_SQL } from './sql.js';

export async function terms(db: Queryable) {
  return db.query<Term & { id: number; name: string }>(TERMS_SQL);
}

export interface ExposureResult extends Exposure {
  routeRows: RouteRow[];
  segmentGeoms: Map<string, { start_m: number; end_m: number; geometry: { type: 'LineString'; coordinates: Position[] } }>;
  meta: ExposureMeta;
}

export async function exposure(db: Queryable, q: ExposureQuery): Promise<ExposureResult> {
  // Never null: the category list is never empty.
  const sel = await requestSelection(db, q.category?.length ? q.category : DEFAULT_CATEGORIES);
  const categories = sel.categories!;
  const scheme = await resolveScheme(db, q.weights);
  const w = await requestWindow(db, q);
  const termRows = await terms(db);
  const times: JourneyTimes = { windows: q.windows, days: q.days, termOnly: q.term_only, terms: termRows };
  const [routeRows, segRows, hits] = [
    await listRoutes(db),
    await db.query<{
      route_id: number;
      seq: number;
      start_m: number;
      end_m: number;
      length_m: number;
      geometry: { type: 'LineString'; coordinates: Position[] };
    }>(SEGMENTS_SQL),
    await db.query<SnappedIncident>(SNAP_SQL, [w.from, w.to, categories, q.corridor_m, ...narrowingParams(sel.narrowing)]),
  ];
  const segs: SegmentGeom[] = segRows.map((s) => ({
    route_id: s.route_id,
    seq: s.seq,
    length_m: s.length_m,
    coordinates: s.geometry.coordinates,
  }));
  const weight = (c: string, code?: string | null) => weightOf(scheme, c, code);
  const out = computeExposure(
    routeRows.map((r) => ({ id: r.id, name: r.name, school_id: r.school_id, hub_id: r.hub_id, length_m: r.length_m })),
    segs,
    hits,
    { times, ageMax: q.age_max, weight },
  );
  const warnings: string[] = [];
  const termsInWindow = termRows.filter((t) => t.ends_on >= w.from && t.starts_on < w.to).length;
  if (q.term_only && !termsInWindow) {
    warnings.push(
      `No term dates fall between ${w.from} and ${w.to}: with term_only=true no incident can count as school-journey time. Enter the term calendar (PUT /api/journeys/term-dates) or set term_only=false.`,
    );
  }
  if (out.totals.unknown_time > 0) {
    warnings.push(
      `${out.totals.unknown_time} incident(s) near the routes have no time of day (police.uk data gives the month only) and are counted as unknown_time, not as in or out of the windows.`,
    );
  }
  const meta: ExposureMeta = {
    from: w.from,
    to: w.to,
    categories,
    corridor_m: q.corridor_m,
    windows: formatWindows(q.windows),
    days: q.days,
    term_only: q.term_only,
    terms_in_window: termsInWindow,
    age_max: q.age_max,
    weights: schemeMeta(scheme),
    rank_by: q.rank_by,
    // Real hours of school-journey time in the window (clock changes measured), for rates per hour.
    window_hours: Math.round(windowHours(w.from, w.to, times) * 1000) / 1000,
    rules: {
      segments: 'each route is cut into ceil(length / segment_m) pieces of equal length',
      corridor:
        'an incident counts on a route when its geodesic distance to the route is at most corridor_m; it is assigned to the nearest segment of that route (ties: the earlier segment); near two routes it counts once on each',
      classes:
        'count = in a window and age within age_max; unknown_time = no time of day (precision month, or day without time) and age not known to be outside; unknown_age = in a window but no usable age band; excluded = known to be outside; all = the four together',
      average:
        'borough average = sum of counts over every stored segment / their total length x 100; ratio = segment rate / that average',
    },
    warnings,
    // The definition a category set brought (issue 18), kept in meta so files made from it state it too.
    ...(categorySetsUsed().length ? { category_set: categorySetsUsed()[0] } : {}),
  };
  const segmentGeoms = new Map(
    segRows.map((s) => [`${s.route_id}:${s.seq}`, { start_m: s.start_m, end_m: s.end_m, geometry: s.geometry }]),
  );
  return { ...out, routeRows, segmentGeoms, meta };
}

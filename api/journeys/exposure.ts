// Exposure of every route at once: the database snaps incidents to segments (SNAP_SQL), the pure
// functions in geodata/journeys classify and sum them (time windows, term calendar, age, harm).
// Single-route requests compute all routes too: the borough average is over every segment.
import type { Queryable } from '../db/index.js';
import { requestSelection, requestWindow } from '../aggregates/request.js';
import { narrowingParams } from '../definitions/narrowing.js';
import { categorySetsUsed } from '../definitions/context.js';
import { resolveScheme, schemeMeta } from '../hotspots/schemes.js';
import { weightOf } from '../../geodata/harm/schemes.js';
import {
  classifyIncident,
  computeExposure,
  type Exposure,
  type IncidentClass,
  type SegmentGeom,
  type SnappedIncident,
} from '../../geodata/journeys/exposure.js';
import { formatWindows, windowHours, type JourneyTimes, type Term } from '../../geodata/journeys/time.js';
import type { Position } from '../../geodata/journeys/segment.js';
import { DEFAULT_CATEGORIES, type ExposureMeta, type ExposureQuery } from '../../contract/journeys.js';
import { listRoutes, type RouteRow } from './store.js';
import { SEGMENTS_SQL, SNAP_SQL, TERMS_SQL } from './sql.js';

export async function terms(db: Queryable) {
  return db.query<Term & { id: number; name: string }>(TERMS_SQL);
}

/** Record-key sums (ONS cell key method, issue 15) of the incidents of each class a partner sees. */
export interface ClassKeys {
  count: number;
  unknown_time: number;
  unknown_age: number;
}

/**
 * The record-key sums beside every tally of the exposure, summed over the same incidents as
 * computeExposure's counts (a segment, a route, a school and the totals each count an incident once;
 * `average` is the sum over the segments' `count` keys, as the borough average sums segment counts). Kept
 * apart from the rows, so that no answer carries them: only the partners' perturbation reads them.
 */
export interface ExposureKeys {
  segments: Map<string, ClassKeys>;
  routes: Map<number, ClassKeys>;
  schools: Map<number, ClassKeys>;
  totals: ClassKeys;
  average: number;
}

const noKeys = (): ClassKeys => ({ count: 0, unknown_time: 0, unknown_age: 0 });
const addKey = (k: ClassKeys, cls: IncidentClass, key: number) => {
  if (cls !== 'excluded') k[cls] += key;
};

type KeyedIncident = SnappedIncident & { record_key: number };

/** Sums the record keys of the snapped incidents per segment, route, school and in total, class by class. */
export function exposureKeys(
  routes: ReadonlyArray<{ id: number; school_id: number | null }>,
  segs: ReadonlyArray<{ route_id: number; seq: number }>,
  hits: ReadonlyArray<KeyedIncident>,
  times: JourneyTimes,
  ageMax: number | null,
): ExposureKeys {
  const segments = new Map(segs.map((s) => [`${s.route_id}:${s.seq}`, noKeys()]));
  const byRoute = new Map(routes.map((r) => [r.id, noKeys()]));
  const schoolOf = new Map(routes.map((r) => [r.id, r.school_id]));
  const classOf = new Map<number, IncidentClass>();
  const keyOf = new Map<number, number>();
  const schoolSeen = new Map<number, Set<number>>();
  const totalSeen = new Set<number>();
  for (const h of hits) {
    let cls = classOf.get(h.incident_id);
    if (!cls) classOf.set(h.incident_id, (cls = classifyIncident(h, { times, ageMax })));
    keyOf.set(h.incident_id, h.record_key);
    const sk = segments.get(`${h.route_id}:${h.seq}`);
    if (!sk) continue; // as computeExposure: a segment that no longer exists
    addKey(sk, cls, h.record_key);
    const rk = byRoute.get(h.route_id);
    if (rk) addKey(rk, cls, h.record_key);
    totalSeen.add(h.incident_id);
    const school = schoolOf.get(h.route_id);
    if (school != null) {
      let seen = schoolSeen.get(school);
      if (!seen) schoolSeen.set(school, (seen = new Set()));
      seen.add(h.incident_id);
    }
  }
  const sumOf = (ids: Iterable<number>) => {
    const k = noKeys();
    for (const id of ids) addKey(k, classOf.get(id)!, keyOf.get(id)!);
    return k;
  };
  return {
    segments,
    routes: byRoute,
    schools: new Map([...schoolSeen].map(([id, seen]) => [id, sumOf(seen)])),
    totals: sumOf(totalSeen),
    average: [...segments.values()].reduce((s, k) => s + k.count, 0),
  };
}

export interface ExposureResult extends Exposure {
  /** Record-key sums for the partners' perturbation (never in an answer). */
  keys: ExposureKeys;
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
    await db.query<KeyedIncident>(SNAP_SQL, [w.from, w.to, categories, q.corridor_m, ...narrowingParams(sel.narrowing)]),
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
  const keys = exposureKeys(routeRows, segs, hits, times, q.age_max);
  return { ...out, keys, routeRows, segmentGeoms, meta };
}

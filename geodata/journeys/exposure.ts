// Exposure of route segments ("hot routes"): incidents already snapped to their nearest segment (one
// segment per route; an incident in the corridors of two routes appears once for each route) are
// classified and summed per segment, route and school.
//
// Each snapped incident falls in exactly one class:
//   count        time in a school-journey window AND age within the limit (or no age filter);
//   unknown_time the time cannot be told (precision month, or day without a time) and the age is not
//                known to be outside the limit — police.uk rows are all here;
//   unknown_age  the time is in a window but the age band is missing, unreadable or straddles the limit;
//   excluded     known to be outside the windows/days/term, or known to be outside the age limit.
// all = count + unknown_time + unknown_age + excluded (every incident of the chosen categories and
// dates within the corridor). Harm = Σ weight(category, offence code) over the `count` incidents only.
//
// Rates are per 100 m of segment. The borough average is length-weighted over every stored segment of
// every route: Σ value / Σ length × 100; a segment's ratio is its rate / that average (null when the
// average is 0).
import { classifyAge } from './age.js';
import { midpoint, type Position } from './segment.js';
import { classifyTime, type JourneyTimes, type Precision } from './time.js';

export interface SnappedIncident {
  route_id: number;
  seq: number;
  incident_id: number;
  category: string;
  /** Home Office offence code (normalised), when the incident carries one. */
  offence_code?: string | null;
  /** Civil time "YYYY-MM-DD HH:MM:SS". */
  occurred_at: string;
  time_precision: Precision;
  age_band: string | null;
}

export interface SegmentGeom {
  route_id: number;
  seq: number;
  length_m: number;
  coordinates: Position[];
}

export interface RouteInfo {
  id: number;
  name: string;
  school_id: number | null;
  hub_id: number | null;
  length_m: number;
}

export interface ExposureOptions {
  times: JourneyTimes;
  /** Oldest age counted (17 = under 18); null = no age filter. */
  ageMax: number | null;
  weight: (category: string, offenceCode?: string | null) => number;
}

export type IncidentClass = 'count' | 'unknown_time' | 'unknown_age' | 'excluded';
export const RANK_KEYS = ['count', 'harm', 'all'] as const;
export type RankKey = (typeof RANK_KEYS)[number];

export function classifyIncident(
  i: Pick<SnappedIncident, 'occurred_at' | 'time_precision' | 'age_band'>,
  o: Pick<ExposureOptions, 'times' | 'ageMax'>,
): IncidentClass {
  const t = classifyTime(i.occurred_at, i.time_precision, o.times);
  const a = classifyAge(i.age_band, o.ageMax);
  if (t === 'out' || a === 'out') return 'excluded';
  if (t === 'in' && a === 'in') return 'count';
  return t === 'unknown' ? 'unknown_time' : 'unknown_age';
}

export interface Tally {
  count: number;
  unknown_time: number;
  unknown_age: number;
  excluded: number;
  all: number;
  harm: number;
}

const emptyTally = (): Tally => ({ count: 0, unknown_time: 0, unknown_age: 0, excluded: 0, all: 0, harm: 0 });

function add(t: Tally, cls: IncidentClass, harm: number) {
  t[cls] += 1;
  t.all += 1;
  if (cls === 'count') t.harm += harm;
}

export interface SegmentExposure extends Tally {
  route_id: number;
  seq: number;
  length_m: number;
  rate_per_100m: number;
  harm_per_100m: number;
  /** rate / borough average rate (null when the average is 0). */
  ratio: number | null;
  harm_ratio: number | null;
  /** Where a guardian would stand: the segment's midpoint by length. */
  guardian_point: Position;
}

export interface RouteExposure extends Tally {
  route_id: number;
  name: string;
  school_id: number | null;
  hub_id: number | null;
  length_m: number;
  segments: number;
  rate_per_100m: number;
  ratio: number | null;
}

export interface SchoolExposure extends Tally {
  school_id: number;
  routes: number;
  length_m: number;
}

export interface Averages {
  /** Σ count / Σ length × 100 over every segment. */
  rate_per_100m: number;
  harm_per_100m: number;
  segments: number;
  length_m: number;
}

export interface Exposure {
  segments: SegmentExposure[];
  routes: RouteExposure[];
  schools: SchoolExposure[];
  average: Averages;
  totals: Tally;
}

const per100 = (v: number, len: number) => (len > 0 ? (v / len) * 100 : 0);
const ratioOf = (rate: number, avg: number) => (avg > 0 ? rate / avg : null);
const round = (v: number, d = 6) => Math.round(v * 10 ** d) / 10 ** d;

/** Sums snapped incidents per segment, route and school (see the rules at the top). */
export function computeExposure(
  routes: readonly RouteInfo[],
  segments: readonly SegmentGeom[],
  hits: readonly SnappedIncident[],
  o: ExposureOptions,
): Exposure {
  const segKey = (r: number, s: number) => `${r}:${s}`;
  const segTally = new Map<string, Tally>(segments.map((s) => [segKey(s.route_id, s.seq), emptyTally()]));
  const routeTally = new Map<number, Tally>(routes.map((r) => [r.id, emptyTally()]));
  const routeById = new Map(routes.map((r) => [r.id, r]));
  // Schools count each incident once, however many of the school's routes it is near.
  const schoolSeen = new Map<number, Map<number, IncidentClass>>();
  const classOf = new Map<number, IncidentClass>();
  const harmOf = new Map<number, number>();
  const totalSeen = new Map<number, IncidentClass>();
  for (const h of hits) {
    let cls = classOf.get(h.incident_id);
    if (!cls) {
      cls = classifyIncident(h, o);
      classOf.set(h.incident_id, cls);
      harmOf.set(h.incident_id, o.weight(h.category, h.offence_code));
    }
    const harm = harmOf.get(h.incident_id)!;
    const st = segTally.get(segKey(h.route_id, h.seq));
    if (!st) continue; // a segment that no longer exists (route changed between queries)
    add(st, cls, harm);
    add(routeTally.get(h.route_id)!, cls, harm);
    totalSeen.set(h.incident_id, cls);
    const school = routeById.get(h.route_id)?.school_id;
    if (school != null) {
      let m = schoolSeen.get(school);
      if (!m) schoolSeen.set(school, (m = new Map()));
      m.set(h.incident_id, cls);
    }
  }
  const totalLen = segments.reduce((s, x) => s + x.length_m, 0);
  const sumCount = [...segTally.values()].reduce((s, t) => s + t.count, 0);
  const sumHarm = [...segTally.values()].reduce((s, t) => s + t.harm, 0);
  const average: Averages = {
    rate_per_100m: per100(sumCount, totalLen),
    harm_per_100m: per100(sumHarm, totalLen),
    segments: segments.length,
    length_m: totalLen,
  };

  const segOut: SegmentExposure[] = segments.map((s) => {
    const t = segTally.get(segKey(s.route_id, s.seq))!;
    const rate = per100(t.count, s.length_m),
      hrate = per100(t.harm, s.length_m);
    return {
      route_id: s.route_id,
      seq: s.seq,
      length_m: round(s.length_m, 3),
      ...t,
      harm: round(t.harm),
      rate_per_100m: round(rate),
      harm_per_100m: round(hrate),
      ratio: ratioOf(rate, average.rate_per_100m) === null ? null : round(ratioOf(rate, average.rate_per_100m)!),
      harm_ratio: ratioOf(hrate, average.harm_per_100m) === null ? null : round(ratioOf(hrate, average.harm_per_100m)!),
      guardian_point: midpoint(s.coordinates).map((v) => round(v, 7)) as Position,
    };
  });
  const segCount = new Map<number, number>();
  for (const s of segments) segCount.set(s.route_id, (segCount.get(s.route_id) ?? 0) + 1);
  const routeOut: RouteExposure[] = routes.map((r) => {
    const t = routeTally.get(r.id)!;
    const rate = per100(t.count, r.length_m);
    const ratio = ratioOf(rate, average.rate_per_100m);
    return {
      route_id: r.id,
      name: r.name,
      school_id: r.school_id,
      hub_id: r.hub_id,
      length_m: round(r.length_m, 3),
      segments: segCount.get(r.id) ?? 0,
      ...t,
      harm: round(t.harm),
      rate_per_100m: round(rate),
      ratio: ratio === null ? null : round(ratio),
    };
  });
  const schoolIds = [...new Set(routes.map((r) => r.school_id).filter((s): s is number => s !== null))].sort((a, b) => a - b);
  const schools: SchoolExposure[] = schoolIds.map((id) => {
    const t = emptyTally();
    for (const [inc, cls] of schoolSeen.get(id) ?? []) add(t, cls, harmOf.get(inc)!);
    const rs = routes.filter((r) => r.school_id === id);
    return {
      school_id: id,
      routes: rs.length,
      length_m: round(
        rs.reduce((s, r) => s + r.length_m, 0),
        3,
      ),
      ...t,
      harm: round(t.harm),
    };
  });
  const totals = emptyTally();
  for (const [inc, cls] of totalSeen) add(totals, cls, harmOf.get(inc)!);
  totals.harm = round(totals.harm);
  return { segments: segOut, routes: routeOut, schools, average, totals };
}

/** Sort key value of a row by the ranking measure. */
export const rankValue = (t: Pick<Tally, RankKey>, by: RankKey) => t[by];

/** Highest first by `by`; ties: higher rate per 100 m, then route id and segment order. */
export function rankAll<T extends Tally & { route_id: number; seq?: number; length_m: number }>(
  rows: readonly T[],
  by: RankKey,
): T[] {
  return [...rows].sort(
    (a, b) =>
      rankValue(b, by) - rankValue(a, by) ||
      per100(rankValue(b, by), b.length_m) - per100(rankValue(a, by), a.length_m) ||
      a.route_id - b.route_id ||
      (a.seq ?? 0) - (b.seq ?? 0),
  );
}

/** The worst `n` rows by `by` (order of rankAll), leaving out rows whose value is 0: nothing there is not "hot". */
export function worst<T extends Tally & { route_id: number; seq?: number; length_m: number }>(
  rows: readonly T[],
  by: RankKey,
  n: number,
): T[] {
  return rankAll(
    rows.filter((r) => rankValue(r, by) > 0),
    by,
  ).slice(0, n);
}

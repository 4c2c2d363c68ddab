// School-journey API (issue 5): sites, routes (CRUD and GeoJSON import), segment exposure, ranking,
// the term calendar and audited exports of the worst segments with guardian points. The routes, their
// parameters and answers are declared in contract/journeys.ts. Analysts and officers draw, edit, import
// and export (journeys.write); everyone reads; partners get aggregates with small counts withheld
// (./disclosure.ts), the mask applied by `register` from the exposure the handler computed.
import { stringify } from 'csv-stringify/sync';
import * as contract from '../../contract/journeys.js';
import type { ExposureQuery, RankingResponse, SegmentsResponse } from '../../contract/journeys.js';
import type { Deps } from '../deps.js';
import { audit } from '../auth/audit.js';
import { ApiError } from '../errors.js';
import { requestScoped } from '../request-scope.js';
import { contractRouter, principal, register, type MaskContext } from '../routing.js';
import type { Queryable } from '../db/index.js';
import { placeNames, type PlaceName } from '../places/names.js';

const isPartner = (c: Parameters<typeof principal>[0]) => principal(c).user.role === 'partner';
import { parseFilters } from '../validate.js';
import { rankAll, worst, type SegmentExposure } from '../../geodata/journeys/exposure.js';
import { lineProblems } from '../../geodata/journeys/segment.js';
import { toGpx } from '../../geodata/journeys/gpx.js';
import { PARTNER_RULE, perturbExposure, suppressTallies, suppressTallyTotal } from './disclosure.js';
import { exposure, terms, type ExposureResult } from './exposure.js';
import { proposeRoutes } from './proposals.js';
import { SITES_SQL } from './sql.js';
import {
  checkSites,
  createRoute,
  deleteRoute,
  getRoute,
  listRoutes,
  routeFeature,
  updateRoute,
  type RouteInput,
  type RouteRow,
} from './store.js';

type SegmentOut = SegmentExposure & {
  start_m: number;
  end_m: number;
  route_name: string;
  place?: PlaceName;
  suppressed?: boolean;
};

/** Place names of an exposure's segments (api/places/names.ts), computed once per answer by `nameSegments`. */
const segmentPlaces = new WeakMap<ExposureResult, Map<string, PlaceName>>();

/**
 * Names every segment of the exposure in one grouped query: the street most incidents within the corridor
 * of the segment were recorded on (all dates and categories), plus the ward of its guardian point (the
 * midpoint). Partners: ward-level names only.
 */
async function nameSegments(db: Queryable, x: ExposureResult, corridor: number, wardOnly: boolean) {
  const segs = x.segments;
  const keys = segs.map((s) => `${s.route_id}:${s.seq}`);
  const names = await placeNames(
    db,
    {
      kind: 'shape',
      keys,
      geometries: keys.map((k) => x.segmentGeoms.get(k)!.geometry),
      buffer_m: corridor,
      centres: segs.map((s) => [s.guardian_point[0], s.guardian_point[1]] as const),
    },
    { wardOnly },
  );
  segmentPlaces.set(x, names);
  return x;
}

/** Segment rows of the exposure joined with their place on the route and route name. */
function segmentRows(x: ExposureResult, routeId?: number): SegmentOut[] {
  const names = new Map(x.routeRows.map((r) => [r.id, r.name]));
  const places = segmentPlaces.get(x);
  return x.segments
    .filter((s) => routeId === undefined || s.route_id === routeId)
    .map((s) => {
      const g = x.segmentGeoms.get(`${s.route_id}:${s.seq}`)!;
      return {
        ...s,
        start_m: Math.round(g.start_m * 1000) / 1000,
        end_m: Math.round(g.end_m * 1000) / 1000,
        route_name: names.get(s.route_id) ?? '',
        ...(places ? { place: places.get(`${s.route_id}:${s.seq}`) } : {}),
      };
    });
}

/** Partners: suppressed rows go last (their order would say something about withheld values). */
const shownFirst = <T extends { suppressed?: boolean }>(rows: T[]) => [
  ...rows.filter((r) => !r.suppressed),
  ...rows.filter((r) => r.suppressed),
];

/** Partners: rank_by=all is refused (`all` and `excluded` are withheld from them). */
function partnerQuery(q: ExposureQuery) {
  if (q.rank_by === 'all')
    throw new ApiError(400, 'invalid_parameter', 'rank_by: "all" is not available to partners (count or harm)', [
      { path: 'rank_by', message: 'not available to partners' },
    ]);
}

const segKey = (s: { route_id: number; seq: number }) => `${s.route_id}:${s.seq}`;

/**
 * Partners: every segment as masked on its own route's page (suppressTallies over each route's segment
 * list, as GET .../segments does). Every worst list (per route, per school, across routes) takes its
 * values from these: a value withheld there by complementary suppression must not appear in another
 * list, or the route's total minus its shown segments would give the small count back.
 */
function maskedAsOnRoutePages(rows: SegmentOut[], min: number): Map<string, SegmentOut & { suppressed: boolean }> {
  const byRoute = new Map<number, SegmentOut[]>();
  for (const s of rows) {
    const list = byRoute.get(s.route_id);
    if (list) list.push(s);
    else byRoute.set(s.route_id, [s]);
  }
  const masked = new Map<string, SegmentOut & { suppressed: boolean }>();
  for (const list of byRoute.values()) for (const s of suppressTallies(list, min)) masked.set(segKey(s), s);
  return masked;
}

/**
 * Worst segments by rank_by. Partners: with the route pages' masking, leaving out segments whose
 * ranking measure is withheld there (other withheld measures show as null in the row).
 */
function worstOf(rows: SegmentOut[], q: ExposureQuery, masked: Map<string, SegmentOut & { suppressed: boolean }> | null) {
  if (masked === null) return worst(rows, q.rank_by, q.top);
  const visible = rows.map((r) => masked.get(segKey(r))!).filter((r) => r[q.rank_by] !== null);
  return worst(visible, q.rank_by, q.top);
}

function averageFor(x: ExposureResult, min: number | null) {
  if (min === null) return x.average;
  // Partners: the exposure is perturbed (forPartner), the average's numerator with it (its own cell key).
  const total = Math.round((x.average.rate_per_100m * x.average.length_m) / 100);
  return total < min
    ? { ...x.average, rate_per_100m: null, harm_per_100m: null, suppressed: true }
    : { ...x.average, suppressed: false };
}

/** One route's segments answer (GET .../segments), from an exposure of every route; `min` for partners. */
function segmentsAnswer(x: ExposureResult, route: RouteRow, q: ExposureQuery, min: number | null): SegmentsResponse {
  const id = route.id;
  const rows = segmentRows(x, id);
  let segs = rows;
  let totals: Omit<SegmentsResponse['route'], keyof Omit<RouteRow, 'geometry'>> = { ...x.routes.find((t) => t.route_id === id)! };
  if (min !== null) {
    segs = suppressTallies(segs, min);
    // The route's totals come from the same masked list as the ranking (all routes), so the figures
    // on this page and the ranking beside it cannot be subtracted from each other.
    totals = { ...suppressTallies(x.routes, min).find((t) => t.route_id === id)! };
    if (totals.count === null) Object.assign(totals, { rate_per_100m: null, ratio: null });
  }
  const worstSegs = worstOf(rows, q, min === null ? null : maskedAsOnRoutePages(rows, min));
  const { geometry: _g, ...routeProps } = route;
  return {
    type: 'FeatureCollection',
    route: { ...routeProps, ...totals },
    features: segs.map((s) => ({
      type: 'Feature' as const,
      id: `${s.route_id}:${s.seq}`,
      geometry: x.segmentGeoms.get(`${s.route_id}:${s.seq}`)!.geometry,
      properties: s,
    })),
    worst: worstSegs,
    average: averageFor(x, min),
    meta: x.meta,
    ...(min !== null ? { disclosure: { min_count: min, rule: PARTNER_RULE } } : {}),
  };
}

/** The ranking (GET /journeys/ranking) from an exposure of every route; `min` for partners. */
function rankingAnswer(x: ExposureResult, q: ExposureQuery, min: number | null): RankingResponse {
  const info = new Map(x.routeRows.map((r) => [r.id, r]));
  const allSegs = segmentRows(x);
  const segsByRoute = new Map<number, SegmentOut[]>();
  for (const s of allSegs) {
    const list = segsByRoute.get(s.route_id);
    if (list) list.push(s);
    else segsByRoute.set(s.route_id, [s]);
  }
  const masked = min === null ? null : maskedAsOnRoutePages(allSegs, min);
  let routes = rankAll(x.routes, q.rank_by).map((t) => {
    const w = worstOf(segsByRoute.get(t.route_id) ?? [], q, masked)[0];
    return {
      ...t,
      school_name: info.get(t.route_id)?.school_name ?? null,
      hub_name: info.get(t.route_id)?.hub_name ?? null,
      worst_segment: w
        ? { seq: w.seq, value: w[q.rank_by], rate_per_100m: w.rate_per_100m, guardian_point: w.guardian_point }
        : null,
    };
  });
  const schoolNames = new Map(x.routeRows.filter((r) => r.school_id !== null).map((r) => [r.school_id!, r.school_name]));
  // A school's worst segments: the worst `top` among the segments of all its routes.
  const schoolSegs = (schoolId: number) =>
    x.routeRows.filter((r) => r.school_id === schoolId).flatMap((r) => segsByRoute.get(r.id) ?? []);
  let schools = [...x.schools]
    .sort((a, b) => b[q.rank_by] - a[q.rank_by] || a.school_id - b.school_id)
    .map((s) => ({
      ...s,
      name: schoolNames.get(s.school_id) ?? null,
      worst_segments: worstOf(schoolSegs(s.school_id), q, masked),
    }));
  let totals: RankingResponse['totals'] = { ...x.totals };
  if (min !== null) {
    routes = shownFirst(suppressTallies(routes, min));
    // Schools' worst segments keep the route pages' values: nothing a partner cannot see there.
    schools = shownFirst(suppressTallies(schools, min));
    totals = suppressTallyTotal(x.totals, min);
  }
  return {
    routes: routes.map((r0, i) => ({ rank: i + 1, ...r0 })),
    worst_segments: worstOf(allSegs, q, masked),
    schools,
    totals,
    average: averageFor(x, min),
    meta: x.meta,
    ...(min !== null ? { disclosure: { min_count: min, rule: PARTNER_RULE } } : {}),
  };
}

/** The exposure a segments or ranking handler computed, for its partner mask (which recomputes the answer masked). */
const computed = requestScoped<{ x: ExposureResult; q: ExposureQuery; routes: RouteRow[] }>();

/**
 * What a partner mask recomputes its answer from: the handler's exposure with every count perturbed by the
 * cell key method (./disclosure.ts, perturbExposure), with the same place names (rank_by=all refused).
 */
function forPartner(c: MaskContext['c']) {
  const s = computed.get(c);
  partnerQuery(s.q);
  const x = perturbExposure(s.x);
  const places = segmentPlaces.get(s.x);
  if (places) segmentPlaces.set(x, places);
  return { ...s, x };
}

/** The partner masks: the same answers from the same exposure, with `min`. */
const maskSegments = (_out: SegmentsResponse, { min, c }: MaskContext) => {
  const { x, q, routes } = forPartner(c);
  return segmentsAnswer(x, routes[0], q, min);
};
const maskBatch = (_out: { routes: SegmentsResponse[] }, { min, c }: MaskContext) => {
  const { x, q, routes } = forPartner(c);
  return { routes: routes.map((row) => segmentsAnswer(x, row, q, min)) };
};
const maskRanking = (_out: RankingResponse, { min, c }: MaskContext) => {
  const { x, q } = forPartner(c);
  return rankingAnswer(x, q, min);
};

export function journeyRoutes({ db }: Deps) {
  const r = contractRouter();

  register(r, db, contract.getSites, async (c) => {
    const q = c.req.valid('query');
    const [row] = await db.query<{ fc: string }>(SITES_SQL, [q.kind ?? null]);
    // Already JSON text, built by PostGIS.
    return c.body(row.fc, 200, { 'content-type': 'application/geo+json; charset=utf-8' }) as never;
  });

  // ---------- routes ----------

  register(r, db, contract.listRoutes, async (c) =>
    c.json({ type: 'FeatureCollection' as const, features: (await listRoutes(db)).map(routeFeature) }, 200),
  );

  register(r, db, contract.getRoute, async (c) => c.json(routeFeature(await getRoute(db, c.req.valid('param').id)), 200));

  register(r, db, contract.createRoute, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    await checkSites(db, b.school_id, b.hub_id);
    const id = await db.transaction((tx) => createRoute(tx, b as RouteInput, p.user.email));
    await audit(db, p, c.get('ip'), {
      action: 'change',
      resource: `journeys/routes/${id}`,
      query: { op: 'create', name: b.name },
    });
    return c.json(routeFeature(await getRoute(db, id)), 201);
  });

  register(r, db, contract.updateRoute, async (c) => {
    const p = principal(c);
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    await db.transaction((tx) => updateRoute(tx, id, b as Partial<RouteInput>, p.user.email));
    await audit(db, p, c.get('ip'), {
      action: 'change',
      resource: `journeys/routes/${id}`,
      query: { op: 'update', fields: Object.keys(b) },
    });
    return c.json(routeFeature(await getRoute(db, id)), 200);
  });

  register(r, db, contract.deleteRoute, async (c) => {
    const p = principal(c);
    const { id } = c.req.valid('param');
    await deleteRoute(db, id);
    await audit(db, p, c.get('ip'), { action: 'change', resource: `journeys/routes/${id}`, query: { op: 'delete' } });
    return c.body(null, 204);
  });

  // GeoJSON FeatureCollection of LineStrings (WGS84). Properties: name (or Name/title), school_id or
  // school (a school's source id, e.g. its URN), hub_id or hub (a hub's source id, e.g. AtcoCode).
  // All or nothing: any bad feature → 400 listing every problem by feature number; nothing stored.
  // The body is read here: application/json or application/geo+json (the contract declares no JSON body).
  register(r, db, contract.importRoutes, async (c) => {
    const p = principal(c);
    const q = c.req.valid('query');
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/(geo\+)?json\b/i.test(type))
      throw new ApiError(415, 'unsupported_media_type', 'Send the GeoJSON as application/json or application/geo+json.');
    let doc: {
      type?: string;
      features?: Array<{ type?: string; properties?: Record<string, unknown> | null; geometry?: unknown }>;
    };
    try {
      doc = await c.req.json();
    } catch {
      throw new ApiError(400, 'bad_json', 'The body is not valid JSON.');
    }
    if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features))
      throw new ApiError(400, 'bad_geojson', 'Expected a GeoJSON FeatureCollection of LineStrings.');
    if (!doc.features.length) throw new ApiError(400, 'empty_file', 'The FeatureCollection has no features.');
    if (doc.features.length > contract.MAX_IMPORT_FEATURES)
      throw new ApiError(400, 'too_many_features', `At most ${contract.MAX_IMPORT_FEATURES} routes per import.`);
    const sites = await db.query<{ id: number; kind: string; source_id: string }>(
      'SELECT id, kind, source_id FROM journey_sites',
    );
    const byId = new Map(sites.map((s) => [s.id, s]));
    const bySource = new Map(sites.map((s) => [`${s.kind}:${s.source_id}`, s.id]));
    const problems: { feature: number; message: string }[] = [];
    const rows: RouteInput[] = [];
    doc.features.forEach((f, i) => {
      const n = i + 1;
      const bad = (message: string) => problems.push({ feature: n, message });
      const props = f?.properties ?? {};
      const name = String(props.name ?? props.Name ?? props.title ?? '').trim();
      if (!name) return bad('no name property');
      if (name.length > 200) return bad('name longer than 200 characters');
      const gp = lineProblems(f?.geometry);
      if (gp.length) return bad(gp.join('; '));
      const site = (kind: 'school' | 'hub'): number | null | undefined => {
        const id = props[`${kind}_id`];
        if (id !== undefined && id !== null) {
          if (!Number.isInteger(id) || byId.get(id as number)?.kind !== kind)
            return void bad(`${kind}_id ${JSON.stringify(id)} is not a ${kind}`);
          return id as number;
        }
        const src = props[kind];
        if (src === undefined || src === null || src === '') return null;
        const found = bySource.get(`${kind}:${String(src).trim()}`);
        if (found === undefined) return void bad(`no ${kind} with source id "${String(src).slice(0, 40)}"`);
        return found;
      };
      const school_id = site('school'),
        hub_id = site('hub');
      if (school_id === undefined || hub_id === undefined) return;
      rows.push({
        name,
        school_id,
        hub_id,
        segment_m: q.segment_m,
        geometry: f.geometry as RouteInput['geometry'],
        origin: 'imported',
      });
    });
    if (problems.length) {
      throw new ApiError(
        400,
        'invalid_routes',
        `${problems.length} of ${doc.features.length} features cannot be used (nothing was imported); first: feature ${problems[0].feature}: ${problems[0].message}`,
        problems,
      );
    }
    const ids = await db.transaction(async (tx) => {
      const out: number[] = [];
      for (const row of rows) out.push(await createRoute(tx, row, p.user.email));
      return out;
    });
    await audit(db, p, c.get('ip'), {
      action: 'change',
      resource: 'journeys/routes/import',
      query: { routes: ids.length, segment_m: q.segment_m },
      recordCount: ids.length,
    });
    return c.json({ imported: ids.length, ids }, 201);
  });

  // ---------- exposure ----------

  for (const route of [contract.routeSegments, contract.routeSegmentsShort]) {
    // The issue's own path (/routes/{id}/segments) gives the same answer, with the same guard and parameters.
    register(
      r,
      db,
      route,
      async (c) => {
        const q = c.req.valid('query');
        const row = await getRoute(db, c.req.valid('param').id);
        const x = await nameSegments(db, await exposure(db, q), q.corridor_m, isPartner(c));
        computed.set(c, { x, q, routes: [row] });
        return c.json(segmentsAnswer(x, row, q, null), 200);
      },
      { partner: maskSegments },
    );
  }

  // Several routes' answers from one exposure computation (the map draws up to a dozen routes; one
  // request each would compute the exposure of every route once per route).
  register(
    r,
    db,
    contract.segmentsBatch,
    async (c) => {
      const q = c.req.valid('query');
      const x = await nameSegments(db, await exposure(db, q), q.corridor_m, isPartner(c));
      const byId = new Map(x.routeRows.map((r0) => [r0.id, r0]));
      const missing = q.routes.filter((id) => !byId.has(id));
      if (missing.length) throw new ApiError(404, 'not_found', `No route with id ${missing.join(', ')}`);
      const rows = q.routes.map((id) => byId.get(id)!);
      computed.set(c, { x, q, routes: rows });
      return c.json({ routes: rows.map((row) => segmentsAnswer(x, row, q, null)) }, 200);
    },
    { partner: maskBatch },
  );

  register(
    r,
    db,
    contract.ranking,
    async (c) => {
      const q = c.req.valid('query');
      const x = await nameSegments(db, await exposure(db, q), q.corridor_m, isPartner(c));
      computed.set(c, { x, q, routes: [] });
      return c.json(rankingAnswer(x, q, null), 200);
    },
    { partner: maskRanking },
  );

  // ---------- term calendar ----------

  register(r, db, contract.getTermDates, async (c) => c.json({ terms: await terms(db) }, 200));

  register(r, db, contract.putTermDates, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM journey_term_dates');
      if (b.terms.length) {
        await tx.query(
          `INSERT INTO journey_term_dates (name, starts_on, ends_on) SELECT n, s::date, e::date FROM unnest($1::text[], $2::text[], $3::text[]) AS t(n, s, e)`,
          [b.terms.map((t) => t.name), b.terms.map((t) => t.starts_on), b.terms.map((t) => t.ends_on)],
        );
      }
    });
    await audit(db, p, c.get('ip'), { action: 'change', resource: 'journeys/term-dates', query: { terms: b.terms.length } });
    return c.json({ terms: await terms(db) }, 200);
  });

  // ---------- exports ----------

  register(r, db, contract.exportWorstSegments, async (c) => {
    const p = principal(c);
    const b = c.req.valid('json');
    const q = parseFilters(contract.exposureQuery, b.filters);
    if (b.route_id !== undefined) await getRoute(db, b.route_id);
    const x = await nameSegments(db, await exposure(db, q), q.corridor_m, isPartner(c));
    const rows = worst(segmentRows(x, b.route_id), q.rank_by, q.top);
    await audit(db, p, c.get('ip'), {
      action: 'export',
      resource: `journeys/worst-segments.${b.format}`,
      query: { ...b.filters, route_id: b.route_id ?? null },
      recordCount: rows.length,
      purpose: b.purpose,
      recipient: b.recipient,
    });
    const stamp = new Date().toISOString().slice(0, 10);
    const file = `worst-segments-${stamp}.${b.format}`;
    const disposition = `attachment; filename="${file}"`;
    const label = (s: SegmentOut, i: number) =>
      `#${i + 1} ${s.route_name} segment ${s.seq}${s.place?.name ? ` — ${s.place.name}` : ''}`;
    const describe = (s: SegmentOut) =>
      `${q.rank_by} ${s[q.rank_by]}; in-window ${s.count}, unknown time ${s.unknown_time}, unknown age ${s.unknown_age}; ${s.rate_per_100m} per 100 m (${s.ratio ?? '-'}x borough average); ${x.meta.from}..${x.meta.to}, ${x.meta.categories.join(', ')}`;
    if (b.format === 'gpx') {
      const gpx = toGpx({
        name: 'Saferplaces guardian points',
        description: `Worst school-journey segments by ${q.rank_by}, ${x.meta.from} to ${x.meta.to}. Purpose: ${b.purpose}. Recipient: ${b.recipient}.`,
        time: new Date().toISOString().slice(0, 19) + 'Z',
        waypoints: rows.map((s, i) => ({ position: s.guardian_point, name: label(s, i), description: describe(s) })),
        tracks: rows.map((s, i) => ({
          name: label(s, i),
          description: describe(s),
          coordinates: x.segmentGeoms.get(`${s.route_id}:${s.seq}`)!.geometry.coordinates,
        })),
      });
      return c.body(gpx, 200, { 'content-type': 'application/gpx+xml; charset=utf-8', 'content-disposition': disposition });
    }
    if (b.format === 'geojson') {
      const fc = {
        type: 'FeatureCollection',
        meta: x.meta,
        features: rows.map((s, i) => ({
          type: 'Feature',
          id: `${s.route_id}:${s.seq}`,
          geometry: x.segmentGeoms.get(`${s.route_id}:${s.seq}`)!.geometry,
          properties: { rank: i + 1, ...s },
        })),
      };
      return c.body(JSON.stringify(fc), 200, {
        'content-type': 'application/geo+json; charset=utf-8',
        'content-disposition': disposition,
      });
    }
    const cols = [
      'rank',
      'route_id',
      'route_name',
      'seq',
      'start_m',
      'end_m',
      'length_m',
      'count',
      'unknown_time',
      'unknown_age',
      'excluded',
      'all',
      'harm',
      'rate_per_100m',
      'ratio',
      'guardian_lon',
      'guardian_lat',
    ];
    const csv = stringify(
      rows.map((s, i) => [
        i + 1,
        s.route_id,
        s.route_name,
        s.seq,
        s.start_m,
        s.end_m,
        s.length_m,
        s.count,
        s.unknown_time,
        s.unknown_age,
        s.excluded,
        s.all,
        s.harm,
        s.rate_per_100m,
        s.ratio,
        s.guardian_point[0],
        s.guardian_point[1],
      ]),
      { header: true, columns: cols },
    );
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition });
  });

  // ---------- candidate routes from a walking network ----------

  register(r, db, contract.proposals, async (c) => {
    const b = c.req.valid('json');
    return c.json(await proposeRoutes(db, b), 200);
  });

  return r;
}

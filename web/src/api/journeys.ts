// School-journey API (issue 5): sites, routes, segment exposure, ranking, term dates, exports and
// candidate routes. Types mirror api/journeys/*; every call goes through the app's request helpers
// (session cookie, CSRF header on non-GET, sign-in screen on 401).
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
import { downloadFile, getJson, isAbort, queryString, request, sendJson } from './client';
import { hotspotApi } from './hotspots';
import type { Stated } from './exports';

export type RankBy = 'count' | 'harm' | 'all';
export const RANK_BY: readonly RankBy[] = ['count', 'harm', 'all'];
export type Position = [number, number];

export interface SiteProperties {
  id: number;
  kind: 'school' | 'hub';
  source_id: string;
  name: string;
  attributes: Record<string, unknown> | null;
}
export type SiteCollection = FeatureCollection<Point, SiteProperties>;

export interface RouteProperties {
  id: number;
  name: string;
  school_id: number | null;
  school_name: string | null;
  hub_id: number | null;
  hub_name: string | null;
  length_m: number;
  segment_m: number;
  segments: number;
  origin: string;
  created_by: string;
  created_at: string;
  updated_by: string | null;
  updated_at: string;
}
export type RouteFeature = Feature<LineString, RouteProperties> & { id: number };
export type RouteCollection = FeatureCollection<LineString, RouteProperties> & { features: RouteFeature[] };

/** Counts per class; partners get null for withheld values and never `excluded`/`all`. */
export interface Tally {
  count: number | null;
  unknown_time: number | null;
  unknown_age: number | null;
  excluded: number | null;
  all: number | null;
  harm: number | null;
}

export interface SegmentRow extends Tally {
  route_id: number;
  seq: number;
  length_m: number;
  start_m: number;
  end_m: number;
  route_name: string;
  rate_per_100m: number | null;
  harm_per_100m: number | null;
  ratio: number | null;
  harm_ratio: number | null;
  guardian_point: Position;
  suppressed?: boolean;
}

export interface ExposureMeta {
  from: string;
  to: string;
  categories: string[];
  corridor_m: number;
  windows: string;
  days: string[];
  term_only: boolean;
  terms_in_window: number;
  age_max: number | null;
  weights: { name: string; label: string; version: string; source: string };
  rank_by: RankBy;
  window_hours: number;
  rules: Record<string, string>;
  warnings: string[];
}

export interface Average {
  rate_per_100m: number | null;
  harm_per_100m: number | null;
  segments: number;
  length_m: number;
  suppressed?: boolean;
}

export interface PartnerDisclosure {
  min_count: number;
  rule: string;
}

export interface SegmentsResponse {
  type: 'FeatureCollection';
  route: Omit<RouteProperties, never> & Tally & { rate_per_100m: number | null; ratio: number | null; suppressed?: boolean };
  features: Array<Feature<LineString, SegmentRow> & { id: string }>;
  worst: SegmentRow[];
  average: Average;
  meta: ExposureMeta;
  disclosure?: PartnerDisclosure;
}

export interface RankedRoute extends Tally {
  rank: number;
  route_id: number;
  name: string;
  school_id: number | null;
  hub_id: number | null;
  school_name: string | null;
  hub_name: string | null;
  length_m: number;
  segments: number;
  rate_per_100m: number | null;
  ratio: number | null;
  suppressed?: boolean;
  worst_segment: { seq: number; value: number | null; rate_per_100m: number | null; guardian_point: Position } | null;
}

export interface RankedSchool extends Tally {
  school_id: number;
  name: string | null;
  routes: number;
  length_m: number;
  suppressed?: boolean;
  /** The worst `top` segments among the school's routes (partners: only those shown on the routes' pages). */
  worst_segments: SegmentRow[];
}

export interface RankingResponse {
  routes: RankedRoute[];
  worst_segments: SegmentRow[];
  schools: RankedSchool[];
  totals: Tally;
  average: Average;
  meta: ExposureMeta;
  disclosure?: PartnerDisclosure;
}

export interface Term {
  id?: number;
  name: string;
  starts_on: string;
  ends_on: string;
}

export interface Proposal {
  school_id: number;
  hub_id: number;
  name: string;
  length_m: number;
  crow_m: number;
  geometry: LineString;
}
export interface ProposalsResponse {
  proposals: Proposal[];
  problems: { school_id: number; hub_id?: number; message: string }[];
  k: number;
  max_snap_m: number;
  /** The stored walking network the proposals walk along (PUT /api/planning/network). */
  network: { id: number; name: string; lines: number; vertices: number; loaded_at: string };
}

export interface RouteInput {
  name: string;
  school_id: number | null;
  hub_id: number | null;
  segment_m: number;
  geometry: LineString;
}

/** The exposure filters as the page holds them (null/empty = the server's default). */
export interface JourneyFilters {
  from: string | null;
  to: string | null;
  categories: string[];
  windows: string;
  days: string;
  termOnly: boolean;
  /** Oldest age counted (17 = under 18); null = no age filter. */
  ageMax: number | null;
  corridor: number;
  weights: string;
  rankBy: RankBy;
  top: number;
}

export const DEFAULT_JOURNEY_FILTERS: JourneyFilters = {
  from: null,
  to: null,
  categories: [],
  windows: '07:30-09:30,14:30-18:30',
  days: 'mon-fri',
  termOnly: true,
  ageMax: 17,
  corridor: 50,
  weights: 'count',
  rankBy: 'count',
  top: 10,
};

/**
 * The filters as the exposure endpoints' query strings (the export body's `filters` takes the same).
 * Defaults are sent too, so a file or a shared request says exactly what it was computed with.
 */
export function journeyQuery(f: JourneyFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  if (f.categories.length) q.category = f.categories.join(',');
  q.windows = f.windows;
  q.days = f.days;
  q.term_only = String(f.termOnly);
  q.age_max = f.ageMax === null ? 'none' : String(f.ageMax);
  q.corridor_m = String(f.corridor);
  q.weights = f.weights;
  q.rank_by = f.rankBy;
  q.top = String(f.top);
  return q;
}

export interface HarmSchemeInfo {
  name: string;
  label: string;
}

/** Harm schemes shipped with the app (used when the scheme list endpoint is not available). */
export const SHIPPED_HARM_SCHEMES: HarmSchemeInfo[] = [
  { name: 'count', label: 'Count (every incident weighs 1)' },
  { name: 'ons-css', label: 'ONS Crime Severity Score' },
  { name: 'cambridge-chi', label: 'Cambridge Crime Harm Index' },
];

export const journeysApi = {
  sites: (signal?: AbortSignal) => getJson<SiteCollection>('/api/journeys/sites', signal),
  routes: (signal?: AbortSignal) => getJson<RouteCollection>('/api/journeys/routes', signal),
  createRoute: (r: RouteInput) => sendJson<RouteFeature>('POST', '/api/journeys/routes', r),
  updateRoute: (id: number, patch: Partial<RouteInput>) => sendJson<RouteFeature>('PATCH', `/api/journeys/routes/${id}`, patch),
  /** 204: no body to parse. */
  deleteRoute: async (id: number) => void (await request(`/api/journeys/routes/${id}`, { method: 'DELETE' })),
  importRoutes: (fc: unknown, segmentM: number) => sendJson<{ imported: number; ids: number[] }>('POST', `/api/journeys/routes/import${queryString({ segment_m: segmentM })}`, fc),
  segments: (id: number, f: JourneyFilters, signal?: AbortSignal) =>
    getJson<SegmentsResponse>(`/api/journeys/routes/${id}/segments${queryString(journeyQuery(f))}`, signal),
  /** Several routes' segments from one exposure computation (same answers as `segments`, in the order asked). */
  segmentsOf: (ids: readonly number[], f: JourneyFilters, signal?: AbortSignal) =>
    getJson<{ routes: SegmentsResponse[] }>(`/api/journeys/segments${queryString({ ...journeyQuery(f), routes: ids.join(',') })}`, signal),
  ranking: (f: JourneyFilters, signal?: AbortSignal) => getJson<RankingResponse>(`/api/journeys/ranking${queryString(journeyQuery(f))}`, signal),
  termDates: (signal?: AbortSignal) => getJson<{ terms: Term[] }>('/api/journeys/term-dates', signal),
  saveTermDates: (terms: Term[]) =>
    sendJson<{ terms: Term[] }>('PUT', '/api/journeys/term-dates', { terms: terms.map((t) => ({ name: t.name, starts_on: t.starts_on, ends_on: t.ends_on })) }),
  proposals: (k: number, maxSnapM: number) => sendJson<ProposalsResponse>('POST', '/api/journeys/proposals', { k, max_snap_m: maxSnapM }),
  harmSchemes: async (signal?: AbortSignal): Promise<HarmSchemeInfo[]> => {
    try {
      const r = await hotspotApi.schemes(signal);
      return r.schemes.map((s) => ({ name: s.name, label: s.label }));
    } catch (e) {
      if (isAbort(e)) throw e;
      return SHIPPED_HARM_SCHEMES;
    }
  },
};

export type JourneyExportFormat = 'csv' | 'geojson' | 'gpx';

/** Worst segments with guardian points (one route, or across all routes), audited with purpose and recipient. */
export function exportWorstSegments(f: JourneyFilters, routeId: number | null, format: JourneyExportFormat, stated: Stated): Promise<string> {
  return downloadFile(
    '/api/journeys/exports',
    { ...stated, format, ...(routeId !== null ? { route_id: routeId } : {}), filters: journeyQuery(f) },
    `worst-segments.${format}`,
  );
}

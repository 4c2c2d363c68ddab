// The school-journey API (contract/journeys.ts) as the School routes page uses it: the page's filters and
// their query strings, the sites query typed from the contract, and the calls that are not JSON in / JSON
// out (the raw GeoJSON import, the 204 delete, the file export). Types and enumerations come from the
// contract.
import type { UseQueryResult } from '@tanstack/react-query';
import {
  DEFAULT_AGE_MAX,
  DEFAULT_CORRIDOR_M,
  DEFAULT_TOP,
  DEFAULT_WINDOWS,
  deleteRoute as deleteRouteRoute,
  exportWorstSegments,
  getSites,
  importRoutes as importRoutesRoute,
  type JourneyExportFormat,
  type RankKey,
  type SiteCollection,
  type ranking,
} from '../../../contract/journeys';
import { DEFAULT_SCHEME } from '../../../contract/hotspots';
import type { BodyOf, QueryOf, ResponseOf } from '../../../contract/http';
import { routeUrl } from './call';
import { downloadFile, request } from './client';
import type { Stated } from './exports';
import { useRoute } from './query';

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
  rankBy: RankKey;
  top: number;
}

export const DEFAULT_JOURNEY_FILTERS: JourneyFilters = {
  from: null,
  to: null,
  categories: [],
  windows: DEFAULT_WINDOWS,
  days: 'mon-fri',
  termOnly: true,
  ageMax: DEFAULT_AGE_MAX,
  corridor: DEFAULT_CORRIDOR_M,
  weights: DEFAULT_SCHEME,
  rankBy: 'count',
  top: DEFAULT_TOP,
};

export type ExposureQueryInput = QueryOf<typeof ranking>;

/**
 * The filters as the exposure endpoints' query strings (the export body's `filters` takes the same).
 * Defaults are sent too, so a file or a shared request says exactly what it was computed with.
 */
export function journeyQuery(f: JourneyFilters): ExposureQueryInput & Record<string, string> {
  return {
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    ...(f.categories.length ? { category: f.categories.join(',') } : {}),
    windows: f.windows,
    days: f.days,
    term_only: f.termOnly ? 'true' : 'false',
    age_max: f.ageMax === null ? 'none' : String(f.ageMax),
    corridor_m: String(f.corridor),
    weights: f.weights,
    rank_by: f.rankBy,
    top: String(f.top),
  };
}

/**
 * Schools and hubs. The route answers GeoJSON text built by PostGIS (application/geo+json), which
 * ResponseOf does not read: the answer is typed here with the contract's SiteCollection.
 */
export function useSites(): UseQueryResult<SiteCollection, Error> {
  return useRoute(getSites, { query: {} }) as UseQueryResult<SiteCollection, Error>;
}

/** POSTs a GeoJSON FeatureCollection as it is (the route reads the body itself: application/json or geo+json). */
export async function importRoutes(fc: unknown, segmentM: number): Promise<ResponseOf<typeof importRoutesRoute>> {
  const res = await request(routeUrl(importRoutesRoute, { query: { segment_m: String(segmentM) } }), {
    method: 'POST',
    body: fc,
  });
  return (await res.json()) as ResponseOf<typeof importRoutesRoute>;
}

/** Deletes a route (204: no body to parse). */
export async function deleteRoute(id: number): Promise<void> {
  await request(routeUrl(deleteRouteRoute, { params: { id: String(id) } }), { method: 'DELETE' });
}

/** Worst segments with guardian points (one route, or across all routes), audited with purpose and recipient. */
export function downloadWorstSegments(
  f: JourneyFilters,
  routeId: number | null,
  format: JourneyExportFormat,
  stated: Stated,
): Promise<string> {
  const body: BodyOf<typeof exportWorstSegments> = {
    ...stated,
    format,
    ...(routeId !== null ? { route_id: routeId } : {}),
    filters: journeyQuery(f),
  };
  return downloadFile(routeUrl(exportWorstSegments), body, `worst-segments.${format}`);
}

// The hotspot API (contract/hotspots.ts) as the map page uses it: the query each statistic takes, built
// from the page's units, filters and parameters; the two calls that are not JSON in / JSON out (the
// scheme CSV upload and the list export); and reading a refused CSV's problems. Types and enumerations
// come from the contract.
import { exportHotspots, postHarmScheme, type getHotspots, type HarmScheme } from '../../../contract/hotspots';
import type { BodyOf, QueryOf, ResponseOf } from '../../../contract/http';
import { routeUrl } from './call';
import { ApiError, downloadFile, errorFromResponse, requestHeaders, type Filters } from './client';
import { exportFilters, type Stated } from './exports';
import { sessionExpired } from './session-store';

/** H3 cells (`res`) or an area level. */
export type UnitQuery = { res: number } | { level: string };

export interface StatParams {
  weights: string;
  k: number;
  correction: NonNullable<QueryOf<typeof getHotspots>['correction']>;
}

type Res = NonNullable<QueryOf<typeof getHotspots>['res']>;

/** The window and categories as the query strings take them. */
export const filterQuery = (f: Filters) => ({
  from: f.from,
  to: f.to,
  category: f.categories?.length ? f.categories.join(',') : undefined,
});

/** The units, window and categories as the hotspot routes' query strings. */
export function unitQuery(u: UnitQuery, f: Filters) {
  return { ...('res' in u ? { res: String(u.res) as Res } : { level: u.level }), ...filterQuery(f) };
}

/** …plus the Gi* parameters (scheme, k-ring size, correction). */
export const statQuery = (u: UnitQuery, f: Filters, s: StatParams) => ({
  ...unitQuery(u, f),
  weights: s.weights,
  k: String(s.k),
  correction: s.correction,
});

/** What identifies a loaded scheme: `name` (lower-case letters, digits, hyphens) and its optional statement. */
export type SchemeUploadMeta = Pick<QueryOf<typeof postHarmScheme>, 'name' | 'label' | 'version' | 'source'>;

/**
 * POSTs a harm scheme CSV (`category,weight` rows) as text/csv (the route's body is the file, not JSON);
 * analysts only (the server answers 403 otherwise). A bad file comes back as ApiError code `invalid_csv`
 * with every problem (schemeProblems).
 */
export async function uploadScheme(csv: string, meta: SchemeUploadMeta): Promise<HarmScheme> {
  let res: Response;
  try {
    res = await fetch(routeUrl(postHarmScheme, { query: meta }), {
      method: 'POST',
      credentials: 'same-origin',
      headers: requestHeaders('POST', { 'content-type': 'text/csv' }),
      body: csv,
    });
  } catch (e) {
    throw new ApiError(0, 'network', `Cannot reach the Saferplaces server (${(e as Error).message})`);
  }
  if (res.status === 401) sessionExpired();
  if (!res.ok) throw await errorFromResponse(res);
  return ((await res.json()) as ResponseOf<typeof postHarmScheme>).scheme;
}

/** The per-line problems of a refused scheme CSV ("line 3: unknown category …"), or [] for other errors. */
export function schemeProblems(e: unknown): string[] {
  if (!(e instanceof ApiError) || e.code !== 'invalid_csv') return [];
  const problems = (e.details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) ? problems.map(String) : [];
}

/** The top-N list (or every unit without `n`) as CSV or GeoJSON, with purpose and recipient (audited). */
export function exportHotspotList(
  u: UnitQuery,
  f: Filters,
  s: StatParams,
  n: number | null,
  format: BodyOf<typeof exportHotspots>['format'],
  stated: Stated,
): Promise<string> {
  const extra: Record<string, string | undefined> = {
    ...('res' in u ? { res: String(u.res) } : { level: u.level }),
    weights: s.weights,
    k: String(s.k),
    correction: s.correction,
    n: n === null ? undefined : String(n),
  };
  const body: BodyOf<typeof exportHotspots> = { ...stated, format, filters: exportFilters(f, extra) };
  return downloadFile(routeUrl(exportHotspots), body, `hotspots.${format}`);
}

/** Rows of a response under `cells` or `areas`. */
export const rowsOf = <R>(b: { cells: R[] } | { areas: R[] }): R[] => ('cells' in b ? b.cells : b.areas);

// Typed calls to the hotspot API (issue 4; api/hotspots/routes.ts): harm schemes, Gi* per H3 cell or
// area, the top-N list and its audited export, change vs earlier windows, emerging hot spots and the time
// profile of a selection; analysts load their own harm scheme from CSV. Partners get counts/values null
// (`suppressed`) and no z-scores or p-values.
import { ApiError, downloadFile, errorFromResponse, filterParams, getJson, queryString, requestHeaders, type Filters } from './client';
import { sessionExpired } from './session-store';
import { exportFilters, type Stated } from './exports';
import type { ChangeComparison, Correction, PeriodKind } from '../pages/map/hotspots/hotspot-url';

export type HotColdClass = 'hot_99' | 'hot_95' | 'hot_90' | 'not_significant' | 'cold_90' | 'cold_95' | 'cold_99';
export type EmergingPattern =
  | 'new_hot' | 'consecutive_hot' | 'intensifying_hot' | 'persistent_hot' | 'diminishing_hot' | 'sporadic_hot' | 'oscillating_hot' | 'historical_hot'
  | 'new_cold' | 'consecutive_cold' | 'intensifying_cold' | 'persistent_cold' | 'diminishing_cold' | 'sporadic_cold' | 'oscillating_cold' | 'historical_cold'
  | 'no_pattern';

export interface HarmScheme {
  name: string;
  label: string;
  version: string;
  source: string;
  origin: 'shipped' | 'user';
  weights: Record<string, number>;
}

export type SchemeMeta = Pick<HarmScheme, 'name' | 'label' | 'version' | 'source'> & {
  /** What a derived (not primary) table was derived from. */
  derived?: string | null;
  /** The offence mix (offence code → count) the category weights were derived from. */
  mix?: { name: string; source: string; total: number; codes: number } | null;
  /** Categories the scheme gives no weight, with why (e.g. composition unknown without an offence mix). */
  categories_without_weight?: Record<string, string>;
};

/** The partnership's category set a response used (category=@serious-violence; api/definitions/). */
export interface CategorySetMeta {
  name: string;
  label: string;
  version: number;
  default: boolean;
  categories: string[];
  approximation: string;
  not_applied: string | null;
}

/** H3 cells (`res`) or an area level. */
export type UnitQuery = { res: number } | { level: string };

export interface StatParams {
  weights: string;
  k: number;
  correction: Correction;
}

/** A cell or area: `h3` for cells, `code` and `name` for areas. */
export interface UnitKey {
  h3?: string;
  /** Cells: not wholly inside the study area (cut by the wards' outer boundary); its counts cover the part inside. */
  partial?: boolean;
  code?: string;
  name?: string;
}

export interface HotspotRow extends UnitKey {
  /** Null when withheld (partners). */
  count: number | null;
  value: number | null;
  /** Null for partners (class only). */
  gi_z: number | null;
  p: number | null;
  p_adjusted: number | null;
  class: HotColdClass;
  suppressed?: boolean;
  rank?: number;
}

export interface Neighbourhood {
  type: string;
  k?: number;
  weights: string;
  self: boolean;
  rule?: string;
  study_area?: string;
}

export interface Window {
  from: string;
  to: string;
}

export interface HotspotMeta {
  method: string;
  res?: number;
  level?: string;
  n: number;
  mean: number | null;
  sd: number | null;
  neighbourhood: Neighbourhood;
  correction: Correction;
  scheme: SchemeMeta;
  window: Window;
  categories: string[] | null;
  category_set?: CategorySetMeta;
  scores_withheld?: string;
  disclosure?: { min_count: number; rule: string };
}

export interface HotspotResponse {
  cells?: HotspotRow[];
  areas?: HotspotRow[];
  meta: HotspotMeta;
}

export interface Comparison {
  p: number | null;
  rate_ratio: number | null;
  direction: 'up' | 'down' | 'none';
}

export interface ChangeRow extends UnitKey {
  current: number | null;
  previous: number | null;
  year_ago: number | null;
  change: number | null;
  change_year: number | null;
  vs_previous: Comparison | null;
  vs_year_ago: Comparison | null;
  suppressed?: { current: boolean; previous: boolean; year_ago: boolean };
}

export interface ChangeMeta {
  method: string;
  test_on: string;
  scheme: SchemeMeta;
  window: Window;
  previous: Window;
  year_ago: Window;
  disclosure?: { min_count: number; rule: string };
}

export interface ChangeResponse {
  cells?: ChangeRow[];
  areas?: ChangeRow[];
  meta: ChangeMeta;
}

export interface Period {
  index: number;
  start: string;
  end: string;
}

export interface EmergingRow extends UnitKey {
  pattern: EmergingPattern;
  trend: { z: number | null; p: number | null; tau: number | null; s: number | null };
  hot_share: number;
  cold_share: number;
  final: { gi_z: number | null; class: HotColdClass };
  /** With include=series: per-period z (null for partners) and class. */
  z?: (number | null)[] | null;
  class?: HotColdClass[];
}

export interface EmergingMeta {
  method: string;
  n: number;
  neighbourhood: Neighbourhood;
  correction: Correction;
  alpha: number;
  scheme: SchemeMeta;
  window: Window;
  period: PeriodKind;
  periods: Period[];
  dropped_days: number;
  /** Smallest and largest per-period z over every unit and period; null for partners. */
  z_range: [number, number] | null;
  disclosure?: { min_count: number; rule: string };
}

export interface EmergingResponse {
  cells?: EmergingRow[];
  areas?: EmergingRow[];
  meta: EmergingMeta;
}

export interface ProfileResponse {
  selection: { h3?: string; level?: string; code?: string; name?: string };
  window: Window;
  total: number | null;
  months: { month: string; count: number | null; suppressed?: boolean }[];
  day_of_week: { day: string; count: number | null }[] | null;
  hour_of_week: (number | null)[][] | null;
  time_precision: Record<string, number | null>;
  precision_note: string | null;
  disclosure?: { min_count: number; rule: string };
}

const unitParams = (u: UnitQuery) => ('res' in u ? { res: u.res } : { level: u.level });
const statParams = (s: StatParams) => ({ weights: s.weights, k: s.k, correction: s.correction });

export const hotspotApi = {
  schemes: (signal?: AbortSignal) => getJson<{ schemes: HarmScheme[]; default: string }>('/api/harm-schemes', signal),
  hotspots: (u: UnitQuery, f: Filters, s: StatParams, signal?: AbortSignal) =>
    getJson<HotspotResponse>(`/api/hotspots${queryString({ ...unitParams(u), ...filterParams(f), ...statParams(s) })}`, signal),
  top: (u: UnitQuery, f: Filters, s: StatParams, n: number, signal?: AbortSignal) =>
    getJson<{ top: HotspotRow[]; meta: HotspotMeta & { n: number; order: string } }>(
      `/api/hotspots/top${queryString({ ...unitParams(u), ...filterParams(f), ...statParams(s), n })}`,
      signal,
    ),
  change: (u: UnitQuery, f: Filters, weights: string, signal?: AbortSignal) =>
    getJson<ChangeResponse>(`/api/change${queryString({ ...unitParams(u), ...filterParams(f), weights })}`, signal),
  emerging: (u: UnitQuery, f: Filters, s: StatParams, period: PeriodKind, signal?: AbortSignal) =>
    getJson<EmergingResponse>(`/api/emerging${queryString({ ...unitParams(u), ...filterParams(f), ...statParams(s), period, include: 'series' })}`, signal),
  profile: (target: { level: string; code: string } | { h3: string } | { polygon: string }, f: Filters, signal?: AbortSignal) =>
    getJson<ProfileResponse>(`/api/profile${queryString({ ...target, ...filterParams(f) })}`, signal),
};

/** What identifies a loaded scheme: `name` (lower-case letters, digits, hyphens) and its optional statement. */
export interface SchemeUploadMeta {
  name: string;
  label?: string;
  version?: string;
  source?: string;
}

/** The server's rule for scheme names (api/hotspots/params.ts schemeName). */
export const SCHEME_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Largest scheme CSV the server takes (characters; api/hotspots/routes.ts). */
export const MAX_SCHEME_CHARS = 100_000;

/**
 * POSTs a harm scheme CSV (`category,weight` rows) as text/csv; analysts only (the server answers 403
 * otherwise). A bad file comes back as ApiError code `invalid_csv` with every problem (schemeProblems).
 */
export async function uploadScheme(csv: string, meta: SchemeUploadMeta): Promise<HarmScheme> {
  let res: Response;
  try {
    res = await fetch(`/api/harm-schemes${queryString({ name: meta.name, label: meta.label, version: meta.version, source: meta.source })}`, {
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
  return ((await res.json()) as { scheme: HarmScheme }).scheme;
}

/** The per-line problems of a refused scheme CSV ("line 3: unknown category …"), or [] for other errors. */
export function schemeProblems(e: unknown): string[] {
  if (!(e instanceof ApiError) || e.code !== 'invalid_csv') return [];
  const problems = (e.details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) ? problems.map(String) : [];
}

/** The top-N list (or every unit without `n`) as CSV or GeoJSON, with purpose and recipient (audited). */
export function exportHotspots(u: UnitQuery, f: Filters, s: StatParams, n: number | null, format: 'csv' | 'geojson', stated: Stated): Promise<string> {
  const extra: Record<string, string | undefined> = {
    ...('res' in u ? { res: String(u.res) } : { level: u.level }),
    weights: s.weights,
    k: String(s.k),
    correction: s.correction,
    n: n === null ? undefined : String(n),
  };
  return downloadFile('/api/exports/hotspots', { ...stated, format, filters: exportFilters(f, extra) }, `hotspots.${format}`);
}

/** Rows of a response under `cells` or `areas`. */
export const rowsOf = <R>(b: { cells?: R[]; areas?: R[] }): R[] => b.cells ?? b.areas ?? [];

export type { ChangeComparison };

// Typed calls to the planning API (issue 6): the intervention register, coverage and gaps, patrol boxes
// (with audited exports), outreach sites and Clear-Hold-Build areas. Shapes follow api/planning/*.ts.
// Partners get coverage and CHB figures with small counts withheld: those values are null with a
// `suppressed` flag (never 0).
import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { downloadFile, getJson, queryString, sendJson } from './client';
import type { Stated } from './exports';

// ---------- register ----------

export type SiteGeometry = Point | Polygon;

export interface InterventionType {
  slug: string;
  label: string;
  builtin: boolean;
}

export interface Intervention {
  id: number;
  type: string;
  type_label: string;
  name: string;
  starts_on: string;
  ends_on: string | null;
  owner: string | null;
  partner: string | null;
  notes: string | null;
  version: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  deleted_at: string | null;
  deleted_by: string | null;
}

export type InterventionCollection = FeatureCollection<SiteGeometry, Intervention>;

export interface NewIntervention {
  type: string;
  name: string;
  geometry: SiteGeometry;
  starts_on: string;
  ends_on?: string | null;
  owner?: string | null;
  partner?: string | null;
  notes?: string | null;
}

export type InterventionPatch = Partial<NewIntervention> & { version?: number };

export interface HistoryEntry {
  version: number;
  action: 'create' | 'import' | 'edit' | 'end' | 'delete';
  changed_by: string;
  changed_at: string;
  snapshot: Record<string, unknown>;
}

export interface ImportRequest {
  format: 'csv' | 'geojson';
  text: string;
  crs?: 'EPSG:4326' | 'EPSG:27700';
  defaults?: { type?: string; owner?: string; partner?: string; starts_on?: string };
}

// ---------- coverage ----------

/** Common analysis window: months (YYYY-MM) or days; `to` exclusive. */
export interface PlanWindow {
  from?: string;
  to?: string;
  categories?: string[];
  weights: string;
}

export interface Share {
  hotspot_harm: number | null;
  covered_harm: number | null;
  share: number | null;
  share_undefined?: string | null;
  hotspot_incidents: number | null;
  covered_incidents: number | null;
  /** Partners: the hotspot count (and what derives from it) is withheld. */
  suppressed?: boolean;
  /** Partners: the covered count (and the share) is withheld. */
  covered_suppressed?: boolean;
}

export interface WardShare extends Share {
  code: string | null;
  name: string | null;
}

export interface Hotspot {
  h3: string;
  class: string;
  z: number;
  p_adjusted: number;
  harm: number;
  covered_harm: number;
  incidents: number;
  covered: boolean;
  ward_code: string | null;
  centre: { lon: number; lat: number };
  nearest_intervention_m: number | null;
}

export interface CoverageMeta {
  from: string;
  to: string;
  distance_m: number;
  distance: string;
  distance_note: string;
  types: string[] | null;
  active_rule: string;
  covered_rule: string;
  location_note: string;
  scheme: { name: string; label: string };
  hotspots: { method: string; res: number; cells: number; significant: number };
  unweighted_categories: string[];
}

export interface CoverageQuery extends PlanWindow {
  distance: number;
  types: string[];
}

export interface Coverage {
  borough: Share;
  wards: WardShare[];
  outside_wards: Share;
  /** Not for partners. */
  hotspots?: Hotspot[];
  uncovered?: Hotspot[];
  interventions?: Array<{ id: number; type: string; name: string }>;
  interventions_used?: number;
  meta: CoverageMeta;
  disclosure?: { min_count: number; rule: string };
}

// ---------- patrol ----------

export interface Peaks {
  precision: 'minute' | 'day' | 'month';
  by_precision: { month: number; day: number; minute: number };
  days: Array<{ dow: number; day: string; count: number }> | null;
  hours: Array<{ hour: number; count: number }> | null;
  months: Array<{ month: string; count: number }>;
  note: string;
}

export interface PatrolBox {
  id: string;
  rank: number;
  centre: { lon: number; lat: number };
  easting: number;
  northing: number;
  size_m: number;
  harm: number;
  count: number;
  ward_code: string | null;
  ward_name: string | null;
  polygon: Polygon;
  peaks: Peaks;
  dosage: { window: string; window_source: string; visits: Array<{ start: string; end: string }> };
}

export interface PatrolQuery extends PlanWindow {
  n: number;
  size: number;
  separation: number;
  shift_start: string;
  shift_hours: number;
}

export interface PatrolPlan {
  boxes: PatrolBox[];
  meta: {
    from: string;
    to: string;
    scheme: { name: string; label: string };
    n_requested: number;
    n_found: number;
    shortfall: string | null;
    min_separation_m: number;
    box: string;
    dosage_rule: string;
    distance_note: string;
    hotspots: { method: string; significant: number };
  };
}

export type PatrolFormat = 'csv' | 'geojson' | 'gpx' | 'html';

// ---------- outreach ----------

export interface Venue {
  name: string;
  lon: number;
  lat: number;
}

export interface OutreachQuery {
  from?: string;
  to?: string;
  categories?: string[];
  weights: string;
  k: number;
  distance: number;
  candidates?: Venue[];
  demand: 'all' | 'hotspots';
  exact: 'auto' | 'never';
}

export interface OutreachSite {
  order: number;
  name: string;
  lon: number;
  lat: number;
  h3: string | null;
  candidate_index: number;
  gain: number;
  cumulative: number;
  cumulative_share: number | null;
}

export interface Outreach {
  method: 'greedy' | 'exact';
  sites: OutreachSite[];
  covered: number;
  total_harm: number;
  share: number | null;
  greedy: { sites: OutreachSite[]; covered: number };
  exact: { sites: OutreachSite[]; covered: number; status: string; optimal: boolean; seconds: number } | { skipped: string | null };
  greedy_over_exact: number | null;
  meta: {
    k: number;
    distance_m: number;
    /** 'walking' along the loaded walking network, or 'straight-line' when none is loaded. */
    distance: string;
    distance_note: string;
    candidates: string;
    demand: string;
    guarantee: string;
    exact_method: string;
    fewer_sites: string | null;
    from: string;
    to: string;
  };
}

// ---------- Clear-Hold-Build ----------

export type RegionSpec = { geometry: Polygon | MultiPolygon } | { wards: string[] } | { cells: string[] };

export interface ChbArea {
  id: number;
  name: string;
  area_source: { kind: string; codes?: string[] };
  control_source: { kind: string; codes?: string[] };
  buffer_m: number;
  clear_start: string;
  hold_start: string;
  build_start: string;
  build_end: string;
  baseline_from: string | null;
  baseline_to: string | null;
  notes: string | null;
  created_by: string;
  created_at: string;
}

export interface ChbAreaDetail extends ChbArea {
  area: Polygon | MultiPolygon;
  buffer: Polygon | MultiPolygon;
  control: Polygon | MultiPolygon;
}

export interface NewChb {
  name: string;
  area: RegionSpec;
  control: RegionSpec;
  buffer_m: number;
  clear_start: string;
  hold_start: string;
  build_start: string;
  build_end: string;
  baseline?: { from: string; to: string } | null;
  notes?: string | null;
}

export interface Figure {
  value: number | null;
  reason: string | null;
}

export interface Displacement {
  gross_effect: Figure;
  net_effect: Figure;
  success_measure: Figure;
  buffer_measure: Figure;
  wdq: Figure;
  tne: Figure;
  did: Figure & { se: number | null; ci95: [number, number] | null };
  did_relative: Figure;
  reading: string;
}

export type ChbRegion = 'area' | 'buffer' | 'control';
export type ChbPhase = 'clear' | 'hold' | 'build';

export interface RegionFigures {
  region: ChbRegion;
  baseline_count: number | null;
  phase_count: number | null;
  baseline_harm: number | null;
  phase_harm: number | null;
  baseline_suppressed?: boolean;
  phase_suppressed?: boolean;
}

/** What the data cover in a window (issue 11): counts of a window not fully covered are null ("no data", not 0). */
export interface WindowCover {
  status: 'full' | 'partial' | 'none';
  missing_months: string[];
  reason: string | null;
}

export interface PhaseEvaluation {
  phase: ChbPhase;
  window: { from: string; to: string };
  baseline: { from: string; to: string };
  length_ratio: number;
  coverage?: { baseline: WindowCover; phase: WindowCover };
  /** Why the figures are undefined for missing data (null: both windows fully covered). */
  no_data?: string | null;
  regions: RegionFigures[];
  counts: Displacement | null;
  harm: Displacement | null;
  withheld: string | null;
  interventions: Array<{ id: number; name: string; type: string; starts_on: string; ends_on: string | null }> | null;
  interventions_by_type: Record<string, number>;
}

export interface ChbEvaluation {
  area: { id: number; name: string; buffer_m: number; area_source: unknown; control_source: unknown };
  phases: PhaseEvaluation[];
  warnings: string[];
  meta: { scheme: { name: string; label: string }; category: string[] | null; baseline_rule: string; regions: string; formulas: string; interventions: string; coverage_rule?: string };
  disclosure?: { min_count: number; rule: string };
}

// ---------- calls ----------

const windowParams = (w: PlanWindow) => ({ from: w.from, to: w.to, category: w.categories?.length ? w.categories : undefined, weights: w.weights });

export function patrolParams(q: PatrolQuery): Record<string, string> {
  const out: Record<string, string> = {};
  const all = { ...windowParams(q), n: q.n, size: q.size, separation: q.separation, shift_start: q.shift_start, shift_hours: q.shift_hours };
  for (const [k, v] of Object.entries(all)) {
    if (v === undefined || v === '') continue;
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

export const planningApi = {
  types: (signal?: AbortSignal) => getJson<{ types: InterventionType[] }>('/api/interventions/types', signal),
  addType: (slug: string, label: string) => sendJson<InterventionType>('POST', '/api/interventions/types', { slug, label }),
  interventions: (signal?: AbortSignal) => getJson<InterventionCollection>('/api/interventions', signal),
  intervention: (id: number, signal?: AbortSignal) => getJson<Intervention & { geometry: SiteGeometry }>(`/api/interventions/${id}`, signal),
  create: (b: NewIntervention) => sendJson<Intervention & { geometry: SiteGeometry }>('POST', '/api/interventions', b),
  edit: (id: number, b: InterventionPatch) => sendJson<Intervention & { geometry: SiteGeometry }>('PATCH', `/api/interventions/${id}`, b),
  end: (id: number, endsOn: string, version: number) => sendJson<Intervention>('POST', `/api/interventions/${id}/end`, { ends_on: endsOn, version }),
  remove: (id: number) => sendJson<{ id: number; deleted: true }>('DELETE', `/api/interventions/${id}`),
  history: (id: number, signal?: AbortSignal) => getJson<{ id: number; history: HistoryEntry[] }>(`/api/interventions/${id}/history`, signal),
  importFile: (b: ImportRequest) => sendJson<{ imported: number; ids: number[] }>('POST', '/api/interventions/import', b),

  coverage: (q: CoverageQuery, signal?: AbortSignal) =>
    getJson<Coverage>(`/api/planning/coverage${queryString({ ...windowParams(q), distance: q.distance, types: q.types.length ? q.types : undefined })}`, signal),
  patrol: (q: PatrolQuery, signal?: AbortSignal) => getJson<PatrolPlan>(`/api/planning/patrol${queryString(patrolParams(q))}`, signal),
  exportPatrol: (q: PatrolQuery, format: PatrolFormat, stated: Stated) =>
    downloadFile('/api/planning/patrol/export', { ...stated, format, filters: patrolParams(q) }, `patrol-boxes.${format === 'html' ? 'html' : format}`),
  outreach: (q: OutreachQuery) =>
    sendJson<Outreach>('POST', '/api/planning/outreach', {
      from: q.from,
      to: q.to,
      category: q.categories?.length ? q.categories : undefined,
      weights: q.weights,
      k: q.k,
      distance: q.distance,
      candidates: q.candidates?.length ? q.candidates : undefined,
      demand: q.demand,
      exact: q.exact,
    }),

  chbList: (signal?: AbortSignal) => getJson<{ areas: ChbArea[] }>('/api/chb', signal),
  chb: (id: number, signal?: AbortSignal) => getJson<ChbAreaDetail>(`/api/chb/${id}`, signal),
  createChb: (b: NewChb) => sendJson<ChbAreaDetail>('POST', '/api/chb', b),
  deleteChb: (id: number) => sendJson<{ id: number; deleted: true }>('DELETE', `/api/chb/${id}`),
  evaluation: (id: number, q: { weights: string; categories?: string[] }, signal?: AbortSignal) =>
    getJson<ChbEvaluation>(`/api/chb/${id}/evaluation${queryString({ weights: q.weights, category: q.categories?.length ? q.categories : undefined })}`, signal),
};

// Response shapes of the Saferplaces API, as the web UI uses them.
import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface Health {
  ok: boolean;
  database: { driver: string; postgis: string };
}

export interface AppConfig {
  basemapStyleUrl: string | null;
  attribution: string[];
}

/** Partner responses: counts below `min_count` (and some others, so they cannot be worked out) are withheld. */
export interface Disclosure {
  min_count: number;
}

export interface Summary {
  /** Null when withheld (partners). */
  incidents: number | null;
  disclosure?: Disclosure;
  first_month: string | null;
  last_month: string | null;
  default_from: string | null;
  default_to: string | null;
  area_sets: { level: string; count: number }[];
  synthetic: boolean;
  datasets: { dataset: string; count: number | null }[];
}

export interface AreaSet {
  level: string;
  label: string;
  count: number;
}

/** How an area's population was obtained (api/aggregates/population-meta.ts). */
export type PopulationRule = 'given' | 'best_fit_lookup' | 'population_weighted_centroid' | 'area_weighted';

export interface PopulationMeta {
  rules: { rule: PopulationRule; areas: number }[];
  areas_without_population: number;
  lsoas_missing_from_lookup: number | null;
  lsoas_without_centroid: number | null;
  description: string;
}

export interface AreaProperties {
  code: string;
  name: string;
  population: number | null;
  population_rule?: PopulationRule | null;
  population_source: string | null;
}
export type AreaCollection = FeatureCollection<Polygon | MultiPolygon, AreaProperties>;

export interface AreaStat {
  code: string;
  name: string;
  /** Null when withheld (partners: `suppressed`) or when the period has no data (`coverage.count_reason`). */
  count: number | null;
  population: number | null;
  population_rule?: PopulationRule | null;
  rate_per_1000: number | null;
  /** Null when withheld (`previous_suppressed`) or when the previous period is not fully covered (`coverage.previous_reason`). */
  previous_count: number | null;
  change: number | null;
  suppressed?: boolean;
  previous_suppressed?: boolean;
}

export interface AreaStats {
  level: string;
  from: string;
  to: string;
  previous_from: string;
  previous_to: string;
  categories: string[] | null;
  areas: AreaStat[];
  total: number | null;
  outside_study_area: number | null;
  /** What the two windows cover (issue 11): null figures without `suppressed` are no data, never 0. */
  coverage: AreaStatsCoverage;
  population?: PopulationMeta;
  disclosure?: Disclosure;
}

// ---------- data coverage (issue 11) ----------

export type CoverageStatus = 'full' | 'partial' | 'none';

/** A time window's coverage for the categories in scope (api/coverage/check.ts `WindowCoverage`). */
export interface WindowCoverage {
  from: string;
  to: string;
  status: CoverageStatus;
  categories: { category: string; gaps: { from: string; to: string }[]; covered_days: number }[];
  missing_months: string[];
  reason: string | null;
}

export interface AreaStatsCoverage {
  current: WindowCoverage;
  previous: WindowCoverage;
  /** Set when the period has no data at all (counts and rates null). */
  count_reason: string | null;
  /** Set when the period is only partly covered (counts are for the covered part). */
  count_note: string | null;
  /** Set when the previous period is not fully covered (previous counts and change null). */
  previous_reason: string | null;
  rule: string;
}

export interface CoverageMonth {
  month: string;
  covered: CoverageStatus;
  covered_days?: number;
  /** Null for partners. */
  rows: number | null;
  sources: { dataset: string; rows: number | null }[];
}

/** GET /api/coverage: per category × month, which months are covered and by which sources. */
export interface CoverageReport {
  months: string[];
  first_month: string | null;
  last_month: string | null;
  categories: { slug: string; label: string; months: CoverageMonth[] }[];
  datasets: { dataset: string; first_month: string; last_month: string; categories: string[]; published_for: string[] }[];
  rule: string;
}

export interface HexCell {
  h3: string;
  count: number | null;
  suppressed?: boolean;
}
export interface HexResponse {
  res: number;
  cells: HexCell[];
  disclosure?: Disclosure;
}

export interface IncidentProperties {
  id: string | number;
  category: string;
  category_label: string;
  occurred_at: string;
  time_precision: 'month' | 'day' | 'minute';
  location_precision: 'snapped' | 'exact';
  location_text: string | null;
  ward_code: string | null;
  outcome: string | null;
  age_band: string | null;
}
export type IncidentCollection = FeatureCollection<Point, IncidentProperties> & { truncated?: boolean; total?: number };

export interface Category {
  slug: string;
  label: string;
  origin: string;
  count: number | null;
}

export interface SeriesMonth {
  month: string;
  /** Null when the month is not covered (a gap) or withheld (partners: `suppressed`). */
  count: number | null;
  /** Categories in scope not covered that month (null: no category has data at all). */
  missing_categories?: string[] | null;
  suppressed?: boolean;
}

export interface SeriesResponse {
  months: SeriesMonth[];
  coverage?: { categories: string[]; rule: string };
  disclosure?: Disclosure;
}

export type ImportStatus = 'queued' | 'running' | 'committed' | 'failed';
export interface ImportJob {
  id: string | number;
  kind: string | null;
  file_name: string | null;
  status: ImportStatus;
  phase: string | null;
  bytes_read: number | null;
  bytes_total: number | null;
  rows_read: number | null;
  imported: number | null;
  duplicates: number | null;
  rejected: number | null;
  outside_study_area: number | null;
  summary: unknown;
  error: string | { code?: string; message?: string; details?: unknown } | null;
  dataset?: string | null;
  created_by?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
}

export interface ImportReject {
  line: number;
  reason: string;
  raw: string;
}
export interface RejectsPage {
  total: number;
  rejects: ImportReject[];
}

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

export interface Summary {
  incidents: number;
  first_month: string | null;
  last_month: string | null;
  default_from: string | null;
  default_to: string | null;
  area_sets: { level: string; count: number }[];
  synthetic: boolean;
  datasets: { dataset: string; count: number }[];
}

export interface AreaSet {
  level: string;
  label: string;
  count: number;
}

export interface AreaProperties {
  code: string;
  name: string;
  population: number | null;
  population_source: string | null;
}
export type AreaCollection = FeatureCollection<Polygon | MultiPolygon, AreaProperties>;

export interface AreaStat {
  code: string;
  name: string;
  count: number;
  population: number | null;
  rate_per_1000: number | null;
  previous_count: number | null;
  change: number | null;
}

export interface AreaStats {
  level: string;
  from: string;
  to: string;
  previous_from: string;
  previous_to: string;
  categories: string[] | null;
  areas: AreaStat[];
  total: number;
  outside_study_area: number;
}

export interface HexCell {
  h3: string;
  count: number;
}
export interface HexResponse {
  res: number;
  cells: HexCell[];
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
  count: number;
}

export interface SeriesResponse {
  months: { month: string; count: number }[];
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
  error: string | { code?: string; message?: string } | null;
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

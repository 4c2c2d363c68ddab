// Exports: every file that leaves the system states its purpose and recipient (logged by the server).
import { bboxParam, downloadFile, type Bbox, type Filters } from './client';

export interface Stated {
  purpose: string;
  recipient: string;
}

/** Filters as the export endpoints take them: the same strings as the GET endpoints' query. */
export function exportFilters(f: Filters, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  if (f.categories?.length) out.category = f.categories.join(',');
  for (const [k, v] of Object.entries(extra)) if (v) out[k] = v;
  return out;
}

export function exportAreas(level: string, f: Filters, format: 'csv' | 'json', stated: Stated): Promise<string> {
  return downloadFile('/api/exports/areas', { ...stated, format, filters: exportFilters(f, { level }) }, `${level}.${format}`);
}

export function exportIncidents(f: Filters, bbox: Bbox | null, format: 'csv' | 'geojson', stated: Stated): Promise<string> {
  return downloadFile('/api/exports/incidents', { ...stated, format, filters: exportFilters(f, { bbox: bbox ? bboxParam(bbox) : undefined }) }, `incidents.${format}`);
}

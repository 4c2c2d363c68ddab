// What the chosen file says about itself before it is uploaded: the area level of a boundary GeoJSON
// (from its ONS code fields, e.g. LSOA21CD -> lsoa) or of a population CSV header. The import page
// pre-fills the level from this, never a fixed default, so LSOAs are not imported over the wards.
import { detectCodeField, firstFeatureProperties } from '../../../../geodata/area-fields';

export interface DetectedFields {
  code?: string;
  name?: string;
  level?: string;
}

/** The code/name fields and level the opening text of a file implies (GeoJSON features or a CSV header). */
export function detectFromHead(head: string): DetectedFields | null {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) {
    const props = firstFeatureProperties(text);
    return props ? detectCodeField(props) : null;
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const header = firstLine.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  return header.length > 1 ? detectCodeField(header) : null;
}

/** Reads the first 64 KB of a chosen file and detects its fields. */
export async function detectFileFields(file: Blob): Promise<DetectedFields | null> {
  return detectFromHead(await file.slice(0, 65536).text());
}

/** The areas a refused boundary import would remove (error `replace_required`), from the job's error. */
export interface PendingRemoval {
  level: string;
  label: string;
  loaded: number;
  in_file: number;
  remove_count: number;
  remove: { code: string; name: string }[];
}

export function pendingRemoval(error: unknown): PendingRemoval | null {
  if (!error || typeof error !== 'object') return null;
  const e = error as { code?: unknown; details?: unknown };
  if (e.code !== 'replace_required' || !e.details || typeof e.details !== 'object') return null;
  const d = e.details as Partial<PendingRemoval>;
  return Array.isArray(d.remove) && typeof d.level === 'string' ? (d as PendingRemoval) : null;
}

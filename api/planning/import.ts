// Interventions from a file: CSV with lon/lat or easting/northing columns (points), or GeoJSON (points and
// polygons; WGS84, or British National Grid when the file's crs member or `crs` says so). Every row is
// checked with the same schema as POST /api/interventions; any bad row fails the whole import with a list
// of row numbers and reasons, and nothing is stored.
import { parse } from 'csv-parse/sync';
import { ApiError } from '../errors.js';
import { bngToWgs84, parseCrsName, type Crs } from '../../geodata/crs.js';
import { interventionBody, MAX_IMPORT_ROWS, type ImportRequest, type NewIntervention } from '../../contract/planning.js';

type Problem = { row: number; message: string };

const FIELDS = ['type', 'name', 'starts_on', 'ends_on', 'owner', 'partner', 'notes'] as const;
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function fail(problems: Problem[]): never {
  throw new ApiError(
    400,
    'invalid_rows',
    `${problems.length} row(s) are not valid; nothing was imported.`,
    problems.slice(0, 100),
  );
}

function toRow(
  props: Record<string, unknown>,
  geometry: unknown,
  d: ImportRequest['defaults'],
): { value?: NewIntervention; error?: string } {
  const raw: Record<string, unknown> = { geometry };
  for (const f of FIELDS)
    raw[f] = blank(props[f]) ? undefined : typeof props[f] === 'string' ? (props[f] as string).trim() : props[f];
  raw.type ??= d.type;
  raw.owner ??= d.owner;
  raw.partner ??= d.partner;
  raw.starts_on ??= d.starts_on;
  const r = interventionBody.safeParse(raw);
  if (r.success) return { value: r.data };
  return { error: r.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ') };
}

const reproject = (g: { type: string; coordinates: unknown }, crs: Crs): unknown => {
  if (crs === 'EPSG:4326') return g;
  const pt = (p: number[]) => bngToWgs84(p[0], p[1]);
  if (g.type === 'Point') return { type: 'Point', coordinates: pt(g.coordinates as number[]) };
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: (g.coordinates as number[][][]).map((r) => r.map(pt)) };
  return g; // anything else is refused by the schema
};

function fromCsv(req: ImportRequest): NewIntervention[] {
  let records: Record<string, string>[];
  try {
    records = parse(req.text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
  } catch (e) {
    throw new ApiError(400, 'bad_file', `The CSV cannot be read: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new ApiError(400, 'bad_file', 'The CSV has no rows.');
  if (records.length > MAX_IMPORT_ROWS)
    throw new ApiError(400, 'bad_file', `The CSV has ${records.length} rows; at most ${MAX_IMPORT_ROWS}.`);
  const cols = Object.keys(records[0]);
  const lonlat = cols.includes('lon') && cols.includes('lat');
  const en = cols.includes('easting') && cols.includes('northing');
  if (!lonlat && !en)
    throw new ApiError(
      400,
      'bad_file',
      'The CSV needs lon and lat columns (WGS84) or easting and northing columns (British National Grid).',
    );
  const crs: Crs = req.crs ?? (lonlat ? 'EPSG:4326' : 'EPSG:27700');
  const problems: Problem[] = [];
  const out: NewIntervention[] = [];
  records.forEach((rec, i) => {
    const line = i + 2; // the header is line 1
    const [a, b] = crs === 'EPSG:4326' && lonlat ? [rec.lon, rec.lat] : [rec.easting ?? rec.lon, rec.northing ?? rec.lat];
    const x = Number(a);
    const y = Number(b);
    if (blank(a) || blank(b) || !Number.isFinite(x) || !Number.isFinite(y)) {
      problems.push({ row: line, message: 'coordinates missing or not numbers' });
      return;
    }
    const coords = crs === 'EPSG:27700' ? bngToWgs84(x, y) : [x, y];
    const r = toRow(rec, { type: 'Point', coordinates: coords }, req.defaults);
    if (r.error) problems.push({ row: line, message: r.error });
    else out.push(r.value!);
  });
  if (problems.length) fail(problems);
  return out;
}

function fromGeoJson(req: ImportRequest): NewIntervention[] {
  let fc: { type?: string; features?: unknown[]; crs?: { properties?: { name?: string } } };
  try {
    fc = JSON.parse(req.text);
  } catch {
    throw new ApiError(400, 'bad_file', 'The GeoJSON is not valid JSON.');
  }
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    throw new ApiError(400, 'bad_file', 'The GeoJSON must be a FeatureCollection.');
  if (fc.features.length === 0) throw new ApiError(400, 'bad_file', 'The FeatureCollection has no features.');
  if (fc.features.length > MAX_IMPORT_ROWS)
    throw new ApiError(400, 'bad_file', `The file has ${fc.features.length} features; at most ${MAX_IMPORT_ROWS}.`);
  const named = fc.crs?.properties?.name;
  const crs = req.crs ?? (named ? parseCrsName(named) : 'EPSG:4326');
  if (!crs) throw new ApiError(400, 'bad_file', `Unknown crs "${named}": use WGS84 or EPSG:27700.`);
  const problems: Problem[] = [];
  const out: NewIntervention[] = [];
  fc.features.forEach((f, i) => {
    const feat = f as {
      type?: string;
      properties?: Record<string, unknown> | null;
      geometry?: { type: string; coordinates: unknown } | null;
    };
    if (!feat || feat.type !== 'Feature' || !feat.geometry) {
      problems.push({ row: i + 1, message: 'not a Feature with a geometry' });
      return;
    }
    const r = toRow(feat.properties ?? {}, reproject(feat.geometry, crs), req.defaults);
    if (r.error) problems.push({ row: i + 1, message: r.error });
    else out.push(r.value!);
  });
  if (problems.length) fail(problems);
  return out;
}

/** Parsed, validated rows (row numbers: CSV line, or 1-based feature index). */
export const parseImport = (req: ImportRequest): NewIntervention[] => (req.format === 'csv' ? fromCsv(req) : fromGeoJson(req));

// Turning one CSV row into an incident record, under a column mapping. Pure: no I/O.
import { z } from 'zod';
import { matchCategory, type CategoryMatch } from './categories.js';
import { bngToWgs84, GB_WGS84_BOUNDS, inBngRange, inGreatBritain } from './crs.js';
import { instantToLondon, parseWhen, type TimePrecision } from './dates.js';
import { cellsFor } from './h3.js';
import { normaliseOffenceCode } from './harm/offence-codes.js';

const col = z.string().min(1).max(200);
export const incidentMappingSchema = z
  .object({
    id: col.optional(),
    date: col,
    time: col.optional(),
    category: col,
    lon: col.optional(),
    lat: col.optional(),
    easting: col.optional(),
    northing: col.optional(),
    ageBand: col.optional(),
    location: col.optional(),
    outcome: col.optional(),
    lsoa: col.optional(),
    /** Home Office offence code column (force and council CSVs): such incidents are weighted by their code. */
    offenceCode: col.optional(),
    /** Location type column ("street", "public space", "dwelling"): a serious-violence definition may narrow by it. */
    locationType: col.optional(),
    locationPrecision: z.enum(['exact', 'snapped']).default('exact'),
  })
  .strict()
  .refine((m) => (m.lon && m.lat && !m.easting && !m.northing) || (m.easting && m.northing && !m.lon && !m.lat), {
    message: 'give either lon and lat (WGS84) or easting and northing (British National Grid), not both',
  });
export type IncidentMapping = z.infer<typeof incidentMappingSchema>;

/** The police.uk street CSV (12 columns) as a mapping. */
export const POLICE_UK_STREET_MAPPING: IncidentMapping = {
  id: 'Crime ID',
  date: 'Month',
  category: 'Crime type',
  lon: 'Longitude',
  lat: 'Latitude',
  location: 'Location',
  outcome: 'Last outcome category',
  lsoa: 'LSOA code',
  locationPrecision: 'snapped',
};
/** The police.uk API's fields flattened to CSV. */
export const POLICE_UK_API_MAPPING: IncidentMapping = {
  id: 'id',
  date: 'month',
  category: 'category',
  lon: 'longitude',
  lat: 'latitude',
  location: 'street_name',
  outcome: 'outcome_category',
  locationPrecision: 'snapped',
};

/** Parse `id=Col,date=Col,...` (the CLI/API short form) into a mapping. */
export function parseMappingString(s: string): unknown {
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new Error(`mapping entry "${part}" is not key=column`);
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export interface ResolvedMapping {
  mapping: IncidentMapping;
  index: Partial<Record<keyof IncidentMapping, number>>;
}

/** Check that every mapped column exists in the header; return column indexes. */
export function resolveMapping(mapping: IncidentMapping, header: string[]): ResolvedMapping | string {
  const index: ResolvedMapping['index'] = {};
  const missing: string[] = [];
  for (const [k, v] of Object.entries(mapping) as [keyof IncidentMapping, string][]) {
    if (k === 'locationPrecision' || v === undefined) continue;
    const i = header.indexOf(v);
    const j = i >= 0 ? i : header.findIndex((h) => h.toLowerCase() === v.toLowerCase());
    if (j < 0) missing.push(`${k} → "${v}"`);
    else index[k] = j;
  }
  if (missing.length)
    return `the mapping names columns that are not in the header: ${missing.join(', ')}. The header has: ${header.join(', ')}`;
  return { mapping, index };
}

export interface IncidentRecord {
  sourceId: string | null;
  /** Identity of the row for re-import detection, before its ordinal among identical keys. */
  naturalKey: string;
  category: CategoryMatch;
  occurredAt: string;
  precision: TimePrecision;
  lon: number;
  lat: number;
  locationPrecision: 'exact' | 'snapped';
  locationText: string | null;
  ageBand: string | null;
  outcome: string | null;
  lsoaGiven: string | null;
  /** Home Office offence code, normalised ("8N"); null when not mapped or empty. */
  offenceCode: string | null;
  /** Location type as the file writes it (at most 80 characters); null when not mapped or empty. */
  locationType: string | null;
  h3: [string, string, string, string];
  /** Mapped columns whose text was longer than stored and was cut (reported in the import summary). */
  truncated?: string[];
}

export type RowResult = { ok: true; rec: IncidentRecord } | { ok: false; code: string; reason: string };

const reject = (code: string, reason: string): RowResult => ({ ok: false, code, reason });
const NUM = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * The latest date a row may have, for an import on `now` (Europe/London civil time): a day ahead (clocks and
 * time zones), and for a month-only date the import's own month. A later date is a typing error (2099-01)
 * that would move every view's default window.
 */
export function latestDates(now: Date = new Date()): { civil: string; month: string } {
  const civil = instantToLondon(now.getTime() + 86_400_000);
  return { civil, month: `${instantToLondon(now.getTime()).slice(0, 7)}-01 00:00:00` };
}

export function toIncident(fields: string[], rm: ResolvedMapping, latest = latestDates()): RowResult {
  const { mapping: m, index } = rm;
  const get = (k: keyof IncidentMapping) => (index[k] === undefined ? undefined : fields[index[k]!]);
  const truncated: string[] = [];
  const opt = (k: keyof IncidentMapping, max = 200) => {
    const t = get(k)?.trim();
    if (t && t.length > max) truncated.push(String(k));
    return t ? t.slice(0, max) : null;
  };

  const when = parseWhen(get('date') ?? '', get('time'));
  if (typeof when === 'string') return reject('bad_date', when);
  if (when.precision === 'month' ? when.civil > latest.month : when.civil > latest.civil) {
    return reject(
      'future_date',
      `${when.precision === 'month' ? 'month' : 'date'} "${(get('date') ?? '').trim().slice(0, 30)}" is in the future (after ${when.precision === 'month' ? latest.month.slice(0, 7) : latest.civil.slice(0, 10)})`,
    );
  }

  const category = matchCategory(get('category') ?? '');
  if (!category) return reject('no_category', 'empty category');

  let lon: number, lat: number;
  if (m.lon) {
    const xs = get('lon')!.trim(),
      ys = get('lat')!.trim();
    if (!xs && !ys) return reject('no_location', 'no location (empty longitude and latitude)');
    if (!NUM.test(xs) || !NUM.test(ys))
      return reject('bad_coordinates', `longitude/latitude are not numbers ("${xs.slice(0, 20)}", "${ys.slice(0, 20)}")`);
    [lon, lat] = [+xs, +ys];
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
      return reject('bad_coordinates', `coordinates out of range for WGS84 (lon ${lon}, lat ${lat})`);
    if (lon === 0 && lat === 0) return reject('no_location', 'location is 0,0 (a missing location)');
    if (!inGreatBritain(lon, lat) && inGreatBritain(lat, lon)) {
      return reject(
        'swapped_coordinates',
        `longitude ${lon} and latitude ${lat} look swapped (in Great Britain the latitude is ${GB_WGS84_BOUNDS.minLat}–${GB_WGS84_BOUNDS.maxLat} and the longitude ${GB_WGS84_BOUNDS.minLon}–${GB_WGS84_BOUNDS.maxLon}); check the mapping or the file`,
      );
    }
  } else {
    const es = get('easting')!.trim(),
      ns = get('northing')!.trim();
    if (!es && !ns) return reject('no_location', 'no location (empty easting and northing)');
    if (!NUM.test(es) || !NUM.test(ns))
      return reject('bad_coordinates', `easting/northing are not numbers ("${es.slice(0, 20)}", "${ns.slice(0, 20)}")`);
    const e = +es,
      n = +ns;
    if (e === 0 && n === 0) return reject('no_location', 'location is 0,0 (a missing location)');
    if (!inBngRange(e, n))
      return reject('bad_coordinates', `coordinates out of range for British National Grid (E ${e}, N ${n})`);
    [lon, lat] = bngToWgs84(e, n);
    lon = Math.round(lon * 1e7) / 1e7;
    lat = Math.round(lat * 1e7) / 1e7;
  }

  // An offence code that is not a Home Office code shape is a rejected row: it would otherwise be weighed
  // silently by its category. (Codes of the right shape that no scheme lists are reported by the importer.)
  const codeText = opt('offenceCode', 20);
  const offenceCode = codeText === null ? null : normaliseOffenceCode(codeText);
  if (codeText !== null && offenceCode === null)
    return reject('bad_offence_code', `"${codeText}" is not a Home Office offence code (e.g. 8N, 008N, 105A, 4.10)`);

  const sourceId = opt('id', 120);
  const naturalKey = sourceId !== null ? `id\u001f${sourceId}` : `row\u001f${fields.join('\u001f')}`;
  return {
    ok: true,
    rec: {
      sourceId,
      naturalKey,
      category,
      occurredAt: when.civil,
      precision: when.precision,
      lon,
      lat,
      locationPrecision: m.locationPrecision,
      locationText: opt('location'),
      ageBand: opt('ageBand', 40),
      outcome: opt('outcome'),
      lsoaGiven: opt('lsoa', 20),
      offenceCode,
      locationType: opt('locationType', 80),
      h3: cellsFor(lat, lon),
      ...(truncated.length ? { truncated } : {}),
    },
  };
}

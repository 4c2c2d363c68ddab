// Schools and transport hubs (issue 5): point sites from a CSV (DfE "Get Information About Schools",
// NaPTAN RailReferences/Stops, or any CSV with an id, a name and Easting/Northing or Longitude/Latitude)
// or a GeoJSON file of Points (WGS84 or British National Grid). Sites are keyed by (kind, source id):
// re-importing changes only what changed. Rows with no usable location (empty, 0,0 — how GIAS marks a
// missing location — out of range, or outside the study area) are rejected with line and reason and
// never stored as points. The study area is the union of the loaded ward polygons: schools must lie
// within it; hubs may lie up to HUB_MARGIN_M beyond it (a station just over the boundary still serves
// the borough's school journeys). All or nothing: one transaction.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { GeoJsonSyntaxError, readGeoJson as streamGeoJson, type GeoJsonRead } from './geojson-reader.js';
import type { Db } from '../db/index.js';
import { bngToWgs84, inBngRange, inGreatBritain, inWgs84Range, parseCrsName, type Crs } from '../../geodata/crs.js';
import { ownBatch, type ImportSummary, type Reject } from './batches.js';
import { ImportError } from './errors.js';
import { csvReadError, textGuard } from './csv-rows.js';
import { MAX_RECORD_BYTES } from './fast-records.js';

export type SiteImportKind = 'schools' | 'hubs';

export interface SiteOptions {
  batchId: number;
  fileName: string;
  kind: SiteImportKind;
  format: 'csv' | 'json';
  crs?: string;
}

/** How far beyond the wards' union a transport hub may lie (metres, geodesic); schools get no margin. */
export const HUB_MARGIN_M = 500;
export const MAX_SITE_JSON_BYTES = 64 * 1024 * 1024;

// Recognised columns (compared lower-case). Schools: GIAS names and their snake_case forms.
export const COLS = {
  schools: { id: ['urn'], name: ['establishmentname', 'establishment_name', 'school_name', 'name'] },
  hubs: {
    id: ['atcocode', 'atco_code', 'naptancode', 'naptan_code', 'stop_id', 'station_code', 'crscode', 'id', 'code'],
    name: ['stationname', 'commonname', 'common_name', 'stop_name', 'station_name', 'name'],
  },
  easting: ['easting', 'bng_e', 'x'],
  northing: ['northing', 'bng_n', 'y'],
  lon: ['longitude', 'lon', 'lng', 'long'],
  lat: ['latitude', 'lat'],
  status: ['establishmentstatus (name)', 'establishment_status', 'establishmentstatus', 'status'],
};

/** Header recognition for sniff: GIAS-like schools or NaPTAN-like hubs. */
export function detectSiteKind(header: string[]): SiteImportKind | undefined {
  const lower = new Set(header.map((h) => h.trim().toLowerCase()));
  const has = (names: string[]) => names.some((n) => lower.has(n));
  const located = (has(COLS.easting) && has(COLS.northing)) || (has(COLS.lon) && has(COLS.lat));
  if (lower.has('urn') && has(['establishmentname', 'establishment_name'])) return 'schools';
  if (has(['atcocode', 'atco_code', 'naptancode', 'naptan_code']) && located) return 'hubs';
  return undefined;
}

interface Candidate {
  line: number;
  sourceId: string;
  name: string;
  attributes: Record<string, unknown>;
  lon: number;
  lat: number;
  raw: string;
}

export const num = (s: string) => (/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s) ? Number(s) : NaN);

/** A location from raw coordinate strings, or a reject reason. */
function locate(x: string, y: string, crs: Crs): { lon: number; lat: number } | { code: string; reason: string } {
  if (!x.trim() || !y.trim()) return { code: 'no_location', reason: 'empty coordinates' };
  const a = num(x),
    b = num(y);
  if (!Number.isFinite(a) || !Number.isFinite(b))
    return { code: 'bad_coordinates', reason: `coordinates "${x.slice(0, 20)}", "${y.slice(0, 20)}" are not numbers` };
  if (a === 0 && b === 0) return { code: 'no_location', reason: 'coordinates are 0,0 (a missing location)' };
  if (crs === 'EPSG:27700') {
    if (!inBngRange(a, b))
      return { code: 'bad_coordinates', reason: `easting/northing ${a}, ${b} are outside British National Grid` };
    const [lon, lat] = bngToWgs84(a, b);
    return { lon, lat };
  }
  if (!inWgs84Range(a, b)) return { code: 'bad_coordinates', reason: `longitude/latitude ${a}, ${b} are out of range` };
  if (!inGreatBritain(a, b) && inGreatBritain(b, a))
    return {
      code: 'swapped_coordinates',
      reason: `longitude ${a} and latitude ${b} look swapped (Great Britain is at latitude 49.8–61, longitude -9–2.1)`,
    };
  return { lon: a, lat: b };
}

export function pick(header: string[], names: string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

const isClosed = (s: string | undefined) => /^closed\b/i.test((s ?? '').trim());

async function readCsv(file: string, o: SiteOptions, hash: crypto.Hash, rejects: Reject[]) {
  const input = fs.createReadStream(file);
  input.on('data', (b) => hash.update(b as Buffer));
  // pipeline, not pipe: an error of the guard reaches the parser (and so the loop reading it).
  const parser = pipeline(
    input,
    textGuard(),
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: MAX_RECORD_BYTES }),
    () => undefined,
  );
  let header: string[] | undefined;
  let idI = -1,
    nameI = -1,
    xI = -1,
    yI = -1,
    statusI = -1;
  let crs: Crs = 'EPSG:27700';
  const out: Candidate[] = [];
  let rowsRead = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((h) => h.trim());
        const cols = COLS[o.kind];
        idI = pick(header, cols.id);
        nameI = pick(header, cols.name);
        statusI = pick(header, COLS.status);
        const e = pick(header, COLS.easting),
          n = pick(header, COLS.northing),
          lon = pick(header, COLS.lon),
          lat = pick(header, COLS.lat);
        if (idI < 0)
          throw new ImportError(
            'no_id_field',
            `No ${o.kind === 'schools' ? 'URN' : 'stop id (AtcoCode, id, ...)'} column; header: ${header.join(', ')}.`,
            1,
          );
        if (e >= 0 && n >= 0) [xI, yI, crs] = [e, n, 'EPSG:27700'];
        else if (lon >= 0 && lat >= 0) [xI, yI, crs] = [lon, lat, 'EPSG:4326'];
        else
          throw new ImportError(
            'no_location_fields',
            `No Easting/Northing or Longitude/Latitude columns; header: ${header.join(', ')}.`,
            1,
          );
        if (o.crs) {
          const c = parseCrsName(o.crs);
          if (!c)
            throw new ImportError(
              'unknown_crs',
              `Unknown coordinate reference system "${o.crs}". Supported: EPSG:4326 and EPSG:27700.`,
            );
          crs = c;
        }
        continue;
      }
      rowsRead++;
      const line = info.lines;
      const raw = record.join(',');
      const sourceId = (record[idI] ?? '').trim();
      if (!sourceId) {
        rejects.push({ line, code: 'no_id', reason: `empty ${header[idI]}`, raw });
        continue;
      }
      if (sourceId.length > 80) {
        rejects.push({ line, code: 'bad_id', reason: `${header[idI]} longer than 80 characters`, raw });
        continue;
      }
      if (statusI >= 0 && isClosed(record[statusI])) {
        rejects.push({ line, code: 'closed', reason: `${sourceId}: status is "${record[statusI].trim()}"`, raw });
        continue;
      }
      const loc = locate(record[xI] ?? '', record[yI] ?? '', crs);
      if ('code' in loc) {
        rejects.push({ line, code: loc.code, reason: `${sourceId}: ${loc.reason}`, raw });
        continue;
      }
      const attributes: Record<string, unknown> = {};
      header.forEach((h, i) => {
        if (i !== idI && i !== nameI && h && (record[i] ?? '') !== '') attributes[h] = record[i];
      });
      const name = ((nameI >= 0 ? record[nameI] : '') ?? '').trim() || sourceId;
      out.push({ line, sourceId, name: name.slice(0, 200), attributes, ...loc, raw });
    }
  } catch (e) {
    throw csvReadError(e);
  }
  if (!header) throw new ImportError('empty_file', 'The file has no rows.');
  return { candidates: out, rowsRead };
}

async function readGeoJson(file: string, o: SiteOptions, hash: crypto.Hash, rejects: Reject[]) {
  if ((await fs.promises.stat(file)).size > MAX_SITE_JSON_BYTES)
    throw new ImportError('too_large', `Site GeoJSON files are limited to ${MAX_SITE_JSON_BYTES >> 20} MB.`);
  type Feat = {
    type?: string;
    properties?: Record<string, unknown> | null;
    geometry?: { type?: string; coordinates?: unknown } | null;
  };
  // Streamed feature by feature (api/imports/geojson-reader.ts). The CRS (option, the file's crs member
  // before the features, else from the first non-zero point: degrees = WGS84, else British National Grid)
  // and the id/name properties (from the first feature with properties) are settled from the first
  // features; features read before that wait in `pending`.
  let crs: Crs | undefined = undefined;
  let declared = o.crs;
  let keys: { id?: string; name?: string } | null = null;
  const pending: Feat[] = [];
  const out: Candidate[] = [];
  let line = 0;
  const point = (f: Feat) => {
    const c = f.geometry?.coordinates;
    return Array.isArray(c) && typeof c[0] === 'number' && (c[0] !== 0 || c[1] !== 0) ? (c as number[]) : undefined;
  };
  const take = (f: Feat) => {
    line++;
    const p = f.properties ?? {};
    const sourceId = String((keys!.id ? p[keys!.id] : undefined) ?? '').trim();
    const raw = JSON.stringify(f).slice(0, 1000);
    if (!sourceId)
      return void rejects.push({
        line,
        code: 'no_id',
        reason: `feature ${line}: no id property (${COLS[o.kind].id.join(', ')})`,
        raw,
      });
    if (sourceId.length > 80)
      return void rejects.push({ line, code: 'bad_id', reason: `feature ${line}: id longer than 80 characters`, raw });
    const g = f.geometry;
    if (!g || g.type !== 'Point' || !Array.isArray(g.coordinates))
      return void rejects.push({
        line,
        code: 'bad_geometry',
        reason: `feature ${line} (${sourceId}): geometry is ${g?.type ?? 'missing'}, expected Point`,
        raw,
      });
    const [x, y] = g.coordinates as unknown[];
    const loc = locate(typeof x === 'number' ? String(x) : '', typeof y === 'number' ? String(y) : '', crs!);
    if ('code' in loc)
      return void rejects.push({ line, code: loc.code, reason: `feature ${line} (${sourceId}): ${loc.reason}`, raw });
    const attributes = Object.fromEntries(
      Object.entries(p).filter(([k, v]) => k !== keys!.id && k !== keys!.name && v !== null && v !== ''),
    );
    const name = String((keys!.name ? p[keys!.name] : '') ?? '').trim() || sourceId;
    out.push({ line, sourceId, name: name.slice(0, 200), attributes, ...loc, raw });
  };
  const settleCrs = (p: number[] | undefined) => {
    if (declared) {
      crs = parseCrsName(declared);
      if (!crs)
        throw new ImportError(
          'unknown_crs',
          `Unknown coordinate reference system "${declared}". Supported: EPSG:4326 and EPSG:27700.`,
        );
    } else crs = p && inWgs84Range(p[0], p[1]) ? 'EPSG:4326' : 'EPSG:27700';
  };
  const settleKeys = (f: Feat | undefined) => {
    const props = Object.keys(f?.properties ?? {});
    keys = { id: props[pick(props, COLS[o.kind].id)], name: props[pick(props, COLS[o.kind].name)] };
  };
  const offer = (f: Feat) => {
    if (crs && keys) return take(f);
    pending.push(f);
    if (!crs && (declared || point(f))) settleCrs(point(f));
    if (!keys && f.properties) settleKeys(f);
    if (crs && keys) for (const x of pending.splice(0)) take(x);
  };
  let doc: GeoJsonRead;
  try {
    doc = await streamGeoJson(
      file,
      (f, i, before) => {
        if (i === 0 && !declared) declared = crsNameOf(before);
        offer((f ?? {}) as Feat);
      },
      (b) => hash.update(b),
    );
  } catch (e) {
    if (e instanceof GeoJsonSyntaxError) throw new ImportError('bad_json', `The file is not valid JSON: ${e.message}`);
    throw e;
  }
  const m = doc.members;
  if (m.type === 'Feature') {
    declared ??= crsNameOf(m);
    offer({
      type: 'Feature',
      properties: (m.properties ?? null) as Feat['properties'],
      geometry: (m.geometry ?? null) as Feat['geometry'],
    });
  } else if (m.type !== 'FeatureCollection' || doc.features === null) {
    throw new ImportError('bad_geojson', 'Expected a GeoJSON FeatureCollection of Points.');
  } else if (!declared && crsNameOf(m) && crs && parseCrsName(crsNameOf(m)!) !== crs) {
    // The crs member came after the features, which were read with an inferred CRS: they must agree.
    throw new ImportError(
      'unknown_crs',
      `The file's crs member (${crsNameOf(m)}) comes after its features, which look like ${crs}; give the CRS.`,
    );
  }
  if (line + pending.length === 0) throw new ImportError('empty_file', 'The file has no features.');
  // Features still waiting: no non-zero point or no properties anywhere; settle with what there is.
  if (!crs) settleCrs(undefined);
  if (!keys) settleKeys(undefined);
  for (const x of pending.splice(0)) take(x);
  return { candidates: out, rowsRead: line };
}

/** The `crs` member's name (GeoJSON 2008 `{type: 'name', properties: {name}}`), if any. */
function crsNameOf(m: Record<string, unknown>): string | undefined {
  const n = (m.crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
  return typeof n === 'string' ? n : undefined;
}

// Which candidate points lie in the study area: within $3 metres (0: inside or on the boundary) of the
// union of the ward polygons. No rows when no wards are loaded.
const STUDY_AREA_SQL = `
WITH
-- the borough: every ward dissolved into one (multi)polygon
study AS (SELECT ST_Union(geom) AS g FROM areas WHERE level = 'ward'),
pts AS (SELECT t.ord, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS p FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(lon, lat, ord))
SELECT pts.ord,
       CASE WHEN $3::float8 = 0 THEN ST_Intersects(s.g, pts.p) ELSE ST_DWithin(pts.p::geography, s.g::geography, $3::float8) END AS inside
FROM pts, study s
WHERE s.g IS NOT NULL
ORDER BY pts.ord`;

const UNCHANGED_SQL = `
SELECT count(*)::int AS n
FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[]) AS t(sid, name, attrs, lon, lat)
JOIN journey_sites s ON s.kind = $1 AND s.source_id = t.sid
WHERE s.name = t.name AND s.attributes = t.attrs::jsonb AND ST_Equals(s.geom, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))`;

const UPSERT_SQL = `
INSERT INTO journey_sites (kind, source_id, name, attributes, geom, batch_id)
SELECT $1, sid, name, attrs::jsonb, ST_SetSRID(ST_MakePoint(lon, lat), 4326), $7
FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[]) AS t(sid, name, attrs, lon, lat)
ON CONFLICT (kind, source_id) DO UPDATE
  SET name = EXCLUDED.name, attributes = EXCLUDED.attributes, geom = EXCLUDED.geom, batch_id = EXCLUDED.batch_id, updated_at = now()
  WHERE NOT (journey_sites.name = EXCLUDED.name AND journey_sites.attributes = EXCLUDED.attributes AND ST_Equals(journey_sites.geom, EXCLUDED.geom))`;

export async function importSites(db: Db, file: string, o: SiteOptions): Promise<ImportSummary> {
  const hash = crypto.createHash('sha256');
  const rejects: Reject[] = [];
  const { candidates, rowsRead } =
    o.format === 'json' ? await readGeoJson(file, o, hash, rejects) : await readCsv(file, o, hash, rejects);
  if (!rowsRead) throw new ImportError('empty_file', 'The file has a header but no data rows.');
  // Duplicate ids within the file: the first wins.
  const seen = new Set<string>();
  let kept = candidates.filter((c) => {
    if (seen.has(c.sourceId)) {
      rejects.push({ line: c.line, code: 'duplicate_id', reason: `${c.sourceId} appears earlier in the file`, raw: c.raw });
      return false;
    }
    seen.add(c.sourceId);
    return true;
  });
  const [{ n: wards }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = 'ward'`);
  const studyAreaChecked = wards > 0;
  const margin = o.kind === 'hubs' ? HUB_MARGIN_M : 0;
  const studyArea = margin ? `within ${margin} m of the loaded wards` : 'inside the loaded wards';
  let outside = 0;
  if (studyAreaChecked && kept.length) {
    const inside = await db.query<{ ord: number; inside: boolean }>(STUDY_AREA_SQL, [
      kept.map((c) => c.lon),
      kept.map((c) => c.lat),
      margin,
    ]);
    const ok = new Map(inside.map((r) => [Number(r.ord), r.inside]));
    kept = kept.filter((c, i) => {
      if (ok.get(i + 1)) return true;
      outside++;
      rejects.push({
        line: c.line,
        code: 'outside_study_area',
        reason: `${c.sourceId}: outside the study area (${studyArea})`,
        raw: c.raw,
      });
      return false;
    });
  }
  rejects.sort((a, b) => a.line - b.line);
  if (!kept.length)
    throw new ImportError(
      'no_valid_rows',
      `None of the ${rowsRead} rows could be used; first problem: line ${rejects[0]?.line}: ${rejects[0]?.reason}.`,
    );
  const siteKind = o.kind === 'schools' ? 'school' : 'hub';
  const args = [
    siteKind,
    kept.map((c) => c.sourceId),
    kept.map((c) => c.name),
    kept.map((c) => JSON.stringify(c.attributes)),
    kept.map((c) => c.lon),
    kept.map((c) => c.lat),
  ];
  const r = await db.transaction(async (tx) => {
    await ownBatch(tx, o.batchId, db.driver);
    const [u] = await tx.query<{ n: number }>(UNCHANGED_SQL, args);
    await tx.query(UPSERT_SQL, [...args, o.batchId]);
    const [t] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM journey_sites WHERE kind = $1 AND NOT (source_id = ANY($2::text[]))`,
      [siteKind, args[1]],
    );
    return { unchanged: u.n, notInFile: t.n };
  });
  const reasons: Record<string, number> = {};
  for (const x of rejects) reasons[x.code] = (reasons[x.code] ?? 0) + 1;
  return {
    batchId: o.batchId,
    kind: o.kind,
    fileName: o.fileName,
    status: 'committed',
    rowsRead,
    imported: kept.length - r.unchanged,
    duplicates: r.unchanged,
    rejected: rejects.length,
    outsideStudyArea: outside,
    details: {
      sha256: hash.digest('hex'),
      siteKind,
      accepted: kept.length,
      rejectReasons: reasons,
      studyArea: studyAreaChecked ? studyArea : 'not checked: no ward boundaries loaded',
      // Sites of this kind already stored that this file does not list (kept, not deleted).
      notInFile: r.notInFile,
    },
    rejects,
  };
}

// Boundary import: GeoJSON or TopoJSON, WGS84 or British National Grid, into one area level.
// A level is replaced as a whole: areas missing from the file are removed, changed ones updated,
// identical ones counted as duplicates. Incidents are then re-assigned to the new wards/LSOAs.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { feature as topoFeature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { Db, Queryable } from '../db/index.js';
import { bngToWgs84, inBngRange, inWgs84Range, parseCrsName, type Crs } from '../../geodata/crs.js';
import { ownBatch, type ImportSummary, type Reject } from './batches.js';
import { defaultAreaSource, detectCodeField, LEVEL_RE } from './fields.js';
import { ImportError } from './errors.js';
import { assignStudyArea } from './study-area.js';
import { GeoJsonSyntaxError, readGeoJson, type GeoJsonRead } from './geojson-reader.js';

export interface BoundaryOptions {
  batchId: number;
  fileName: string;
  level?: string;
  codeField?: string;
  nameField?: string;
  crs?: string;
  /** TopoJSON: which object to read (default: the only one, or the first). */
  object?: string;
  label?: string;
  /** Confirmed: a loaded level may lose codes the file does not have. */
  replace?: boolean;
  /** Where the boundaries come from, as stated at import (for the attribution). */
  source?: string;
}

/** Areas named in a `replace_required` refusal (the count is always given in full). */
export const MAX_LISTED_REMOVALS = 500;

export const MAX_BOUNDARY_BYTES = 512 * 1024 * 1024;

type Pos = number[];
type Geom = { type: string; coordinates?: unknown; geometries?: Geom[] };
interface Feat {
  type: 'Feature';
  properties: Record<string, unknown> | null;
  geometry: Geom | null;
}

function firstPosition(c: unknown): Pos | undefined {
  let x = c;
  while (Array.isArray(x) && Array.isArray(x[0])) x = x[0];
  return Array.isArray(x) && typeof x[0] === 'number' ? (x as Pos) : undefined;
}

function mapPositions(c: unknown, f: (p: Pos) => Pos): unknown {
  if (Array.isArray(c) && typeof c[0] === 'number') return f(c as Pos);
  return (c as unknown[]).map((x) => mapPositions(x, f));
}

function everyPosition(c: unknown, ok: (p: Pos) => boolean): boolean {
  if (Array.isArray(c) && typeof c[0] === 'number') return ok(c as Pos);
  return Array.isArray(c) && c.every((x) => everyPosition(x, ok));
}

/** The `crs` member's name (GeoJSON 2008 `{type: 'name', properties: {name}}`), if any. */
function crsName(m: Record<string, unknown>): string | undefined {
  const n = (m.crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
  return typeof n === 'string' ? n : undefined;
}

/** Features staged per INSERT (their GeoJSON text is all that is held in memory at once). */
const STAGE_CHUNK = 200;

export async function importBoundaries(db: Db, file: string, o: BoundaryOptions): Promise<ImportSummary> {
  const size = (await fs.stat(file)).size;
  if (size > MAX_BOUNDARY_BYTES)
    throw new ImportError('too_large', `Boundary files are limited to ${MAX_BOUNDARY_BYTES >> 20} MB.`);
  const hash = crypto.createHash('sha256');

  // Fixed by the first usable feature: CRS (option, then the file's crs member if it comes before the
  // features, then inferred from the coordinates' range), code/name fields and level.
  let crs: Crs | undefined;
  let inRange: (p: Pos) => boolean = () => false;
  let codeField: string | undefined;
  let nameField: string | undefined;
  let level: string | undefined;
  let props: string[] = [];
  let crsMember: string | undefined;
  let read = 0;
  const rejects: Reject[] = [];
  const seen = new Set<string>();
  let chunk: { code: string; name: string; geojson: string; line: number }[] = [];
  /** Features whose Z/M coordinates were dropped. */
  const zDropped: number[] = [];
  /** Features that were not valid polygons and were repaired (ST_MakeValid), with why. */
  const repaired: { feature: number; code: string; reason: string }[] = [];
  let staged = 0;

  // The CRS: from the option or crs member, else from the first feature with a usable polygon.
  const settleCrs = (first: Feat) => {
    const declared = o.crs ?? crsMember;
    if (declared) {
      crs = parseCrsName(declared);
      if (!crs)
        throw new ImportError(
          'unknown_crs',
          `Unknown coordinate reference system "${declared}". Supported: EPSG:4326 (WGS84) and EPSG:27700 (British National Grid).`,
        );
    } else {
      const p = firstPosition(first.geometry?.coordinates);
      if (p && inWgs84Range(p[0], p[1])) crs = 'EPSG:4326';
      else if (p && inBngRange(p[0], p[1])) crs = 'EPSG:27700';
      else
        throw new ImportError(
          'unknown_crs',
          `Cannot tell the coordinate system from coordinates like ${JSON.stringify(p)}; give the CRS (EPSG:4326 or EPSG:27700).`,
        );
    }
    inRange = crs === 'EPSG:4326' ? (p: Pos) => inWgs84Range(p[0], p[1]) : (p: Pos) => inBngRange(p[0], p[1]);
  };
  const settle = (first: Feat) => {
    props = Object.keys(first.properties ?? {});
    const detected = detectCodeField(props);
    codeField = o.codeField ?? detected.code;
    nameField = o.nameField ?? detected.name ?? codeField;
    level = o.level ?? detected.level;
    if (!codeField)
      throw new ImportError(
        'no_code_field',
        `No area code property found (like WD22CD or LSOA21CD); give the code field. Properties: ${props.join(', ')}.`,
      );
    if (!props.includes(codeField))
      throw new ImportError('no_code_field', `The features have no property "${codeField}". Properties: ${props.join(', ')}.`);
    if (nameField && !props.includes(nameField))
      throw new ImportError('no_name_field', `The features have no property "${nameField}". Properties: ${props.join(', ')}.`);
    if (!level)
      throw new ImportError(
        'no_level',
        `Cannot tell which level these areas are from "${codeField}"; give the level (e.g. ward, lsoa).`,
      );
    if (!LEVEL_RE.test(level)) throw new ImportError('bad_level', `Level "${level}" must be lower-case letters, digits and _.`);
  };

  const flush = async (tx: Queryable) => {
    if (!chunk.length) return;
    // Invalid polygons (self-intersecting rings, holes outside their shell...) are repaired and reported;
    // one that repairs to nothing (all its area degenerate) is rejected.
    const rows = await tx.query<{ i: number; reason: string | null; empty: boolean }>(
      `WITH t AS (
         SELECT i, c, n, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) AS g0
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(c, n, g, i)
       ), v AS (
         SELECT i, c, n, CASE WHEN ST_IsValid(g0) THEN NULL ELSE ST_IsValidReason(g0) END AS reason,
                ST_Multi(ST_CollectionExtract(ST_MakeValid(g0), 3)) AS g
         FROM t
       ), ins AS (
         INSERT INTO boundary_stage (code, name, geom) SELECT c, n, g FROM v WHERE NOT ST_IsEmpty(g) RETURNING 1
       )
       SELECT i::int, reason, ST_IsEmpty(g) AS empty FROM v WHERE reason IS NOT NULL OR ST_IsEmpty(g) ORDER BY i`,
      [chunk.map((x) => x.code), chunk.map((x) => x.name), chunk.map((x) => x.geojson)],
    );
    let empty = 0;
    for (const r of rows) {
      const x = chunk[r.i - 1];
      if (r.empty) {
        empty++;
        seen.delete(x.code);
        rejects.push({
          line: x.line,
          code: 'bad_geometry',
          reason: `feature ${x.line} (${x.code}): the polygon has no area${r.reason ? ` (${r.reason})` : ''}`,
        });
      } else repaired.push({ feature: x.line, code: x.code, reason: r.reason! });
    }
    staged += chunk.length - empty;
    chunk = [];
  };

  const take = async (tx: Queryable, raw: unknown) => {
    const f = (raw ?? {}) as Feat;
    const line = ++read; // feature number
    // The first feature with properties fixes the fields (as the first one would if it had none).
    if (!codeField && f.properties) settle(f);
    const code = codeField ? String(f.properties?.[codeField] ?? '').trim() : '';
    const name = String(f.properties?.[nameField!] ?? code).trim();
    const g = f.geometry;
    const bad = (codeR: string, reason: string) =>
      void rejects.push({ line, code: codeR, reason: `feature ${line}${code ? ` (${code})` : ''}: ${reason}` });
    if (!code) return bad('no_code', `empty ${codeField ?? 'code'}`);
    if (code.length > 40) return bad('bad_code', 'code longer than 40 characters');
    if (seen.has(code)) return bad('duplicate_code', 'the same code appears earlier in the file');
    if (typeof g === 'string')
      return bad(
        'bad_geometry',
        `geometry is text ("${(g as string).slice(0, 30)}…"${/^\s*(multi)?polygon\s*z?\s*\(/i.test(g) ? ', WKT' : ''}), expected a GeoJSON geometry object; convert the file to GeoJSON (e.g. with ogr2ogr)`,
      );
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon'))
      return bad('bad_geometry', `geometry is ${g?.type ?? 'missing'}, expected Polygon or MultiPolygon`);
    const shape = polygonProblem(g.type, g.coordinates);
    if (shape) return bad(shape.code, shape.reason);
    if (!crs) settleCrs(f);
    if (!everyPosition(g.coordinates, (p) => inRange(p))) {
      return bad('bad_coordinates', `coordinates out of range for ${crs}`);
    }
    let coords = g.coordinates;
    if (!everyPosition(coords, (p) => p.length === 2)) {
      zDropped.push(line);
      coords = mapPositions(coords, (p) => [p[0], p[1]]);
    }
    if (crs === 'EPSG:27700') coords = mapPositions(coords, (p) => bngToWgs84(p[0], p[1]));
    const span = extent(coords);
    if (span.lon > 90 || span.lat > 90)
      return bad(
        'too_large',
        `the polygon spans ${Math.round(span.lon)}° of longitude and ${Math.round(span.lat)}° of latitude: areas must be smaller than a quarter of the globe (a whole-world polygon?)`,
      );
    seen.add(code);
    chunk.push({ code, name: name.slice(0, 200), geojson: JSON.stringify({ type: g.type, coordinates: coords }), line });
    if (chunk.length >= STAGE_CHUNK) await flush(tx);
  };

  const r = await db.transaction(async (tx) => {
    await ownBatch(tx, o.batchId, db.driver);
    await tx.exec(
      `CREATE TEMP TABLE boundary_stage (code text PRIMARY KEY, name text NOT NULL, geom geometry(MultiPolygon, 4326) NOT NULL) ON COMMIT DROP`,
    );
    let doc: GeoJsonRead;
    try {
      doc = await readGeoJson(
        file,
        (f, i, before) => {
          if (i === 0) crsMember = crsName(before);
          return take(tx, f);
        },
        (b) => hash.update(b),
      );
    } catch (e) {
      if (e instanceof GeoJsonSyntaxError) throw new ImportError('bad_json', `The file is not valid JSON: ${e.message}`);
      throw e;
    }
    const m = doc.members;
    const twice = doc.order.filter((k, i) => doc.order.indexOf(k) !== i);
    if (twice.length)
      throw new ImportError(
        'duplicate_key',
        `The file's top-level object has the member${twice.length > 1 ? 's' : ''} ${[...new Set(twice)].map((k) => `"${k}"`).join(', ')} more than once; JSON readers disagree on which one counts, so the file is refused.`,
      );
    if (m.type === 'Topology') {
      // A topology is one structure (its features share arcs): converted whole, then taken one by one.
      const objects = (m.objects ?? {}) as Record<string, unknown>;
      const names = Object.keys(objects);
      const name = o.object ?? names[0];
      if (!name || !objects[name])
        throw new ImportError('bad_topojson', `TopoJSON object "${o.object}" not found; it has: ${names.join(', ')}.`);
      crsMember = crsName(m);
      checkTopology(m, name);
      const fc = topoFeature(m as unknown as Topology, name) as unknown as { features?: Feat[] } & Feat;
      for (const f of fc.features ?? [fc]) await take(tx, f);
    } else if (m.type === 'Feature') {
      crsMember = crsName(m);
      await take(tx, { type: 'Feature', properties: m.properties ?? null, geometry: m.geometry ?? null });
    } else if (m.type !== 'FeatureCollection' || doc.features === null) {
      throw new ImportError('bad_geojson', 'Expected a GeoJSON FeatureCollection or a TopoJSON Topology.');
    } else if (!o.crs && crsName(m) !== undefined && crsMember === undefined && read > 0 && crs) {
      // The crs member came after the features, which were read with an inferred CRS: check they agree.
      if (parseCrsName(crsName(m)!) !== crs) {
        throw new ImportError(
          'unknown_crs',
          `The file's crs member (${crsName(m)}) comes after its features, which look like ${crs}; give the CRS.`,
        );
      }
    }
    if (read === 0) throw new ImportError('empty_file', 'The file has no features.');
    if (!codeField)
      throw new ImportError(
        'no_code_field',
        'No feature has properties, so there is no area code; give features a code property (like WD22CD).',
      );
    await flush(tx);
    if (!staged)
      throw new ImportError(
        'no_valid_features',
        `None of the ${read} features could be used; first problem: ${rejects[0]?.reason}.`,
      );
    const lvl = level!;
    const label =
      o.label ?? ({ ward: 'Electoral wards', lsoa: 'Lower layer super output areas' } as Record<string, string>)[lvl] ?? lvl;
    await refuseUnconfirmedRemoval(tx, lvl, label, staged, !!o.replace, rejects);
    await tx.query(
      `INSERT INTO area_sets (level, label, batch_id) VALUES ($1, $2, $3)
       ON CONFLICT (level) DO UPDATE SET label = EXCLUDED.label, batch_id = EXCLUDED.batch_id, updated_at = now()`,
      [lvl, label, o.batchId],
    );
    // Classify against what is there: new, changed, unchanged; and what the file no longer has.
    const [c] = await tx.query<{ added: number; changed: number; unchanged: number; removed: number }>(
      `SELECT count(*) FILTER (WHERE a.id IS NULL)::int AS added,
              count(*) FILTER (WHERE a.id IS NOT NULL AND NOT (a.name = s.name AND ST_Equals(a.geom, s.geom)))::int AS changed,
              count(*) FILTER (WHERE a.id IS NOT NULL AND a.name = s.name AND ST_Equals(a.geom, s.geom))::int AS unchanged,
              (SELECT count(*)::int FROM areas x WHERE x.level = $1 AND x.code NOT IN (SELECT code FROM boundary_stage)) AS removed
       FROM boundary_stage s LEFT JOIN areas a ON a.level = $1 AND a.code = s.code`,
      [lvl],
    );
    await tx.query(`DELETE FROM areas WHERE level = $1 AND code NOT IN (SELECT code FROM boundary_stage)`, [lvl]);
    await tx.query(
      `INSERT INTO areas (level, code, name, geom) SELECT $1, code, name, geom FROM boundary_stage
       ON CONFLICT (level, code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom`,
      [lvl],
    );
    // Subdivided parts for fast point-in-polygon.
    await tx.query(`DELETE FROM area_parts WHERE level = $1`, [lvl]);
    await tx.query(
      `INSERT INTO area_parts (area_id, level, code, geom)
       SELECT id, level, code, ST_Subdivide(geom, 64) FROM areas WHERE level = $1`,
      [lvl],
    );
    // Populations derived from areas (best fit, centroids, area weighting) follow the new polygons.
    await tx.query('SELECT refresh_area_population_resolved()');
    // Re-assign incidents to the new polygons (the same rule as at import: lowest code on ties).
    let reassigned = 0;
    const column = ({ ward: 'ward_code', lsoa: 'lsoa_code' } as Record<string, string>)[lvl];
    if (column) {
      const upd = await tx.query<{ n: number }>(
        `WITH u AS (
           UPDATE incidents i SET ${column} = (SELECT p.code FROM area_parts p WHERE p.level = $1 AND ST_Intersects(p.geom, i.geom) ORDER BY p.code LIMIT 1)
           RETURNING 1)
         SELECT count(*)::int AS n FROM u`,
        [lvl],
      );
      reassigned = upd[0].n;
    }
    // The study area may be this level, or may have become another (wards loaded after districts).
    const studyLevel = await assignStudyArea(tx);
    const [out] = await tx.query<{ n: number }>(
      studyLevel === lvl ? `SELECT count(*)::int AS n FROM incidents WHERE study_code IS NULL` : `SELECT 0 AS n`,
    );
    const [area] = await tx.query<{ km2: number }>(
      `SELECT round((sum(ST_Area(geom::geography)) / 1e6)::numeric, 3)::float8 AS km2 FROM areas WHERE level = $1`,
      [lvl],
    );
    return { ...c, reassigned, outside: out.n, km2: area.km2, level: lvl, label };
  });

  const sha256 = hash.digest('hex');
  return {
    batchId: o.batchId,
    kind: 'boundaries',
    fileName: o.fileName,
    status: 'committed',
    rowsRead: read,
    imported: r.added + r.changed,
    duplicates: r.unchanged,
    rejected: rejects.length,
    outsideStudyArea: r.outside,
    details: {
      sha256,
      level: r.level,
      label: r.label,
      crs,
      codeField,
      nameField,
      source: o.source ?? defaultAreaSource(codeField),
      added: r.added,
      changed: r.changed,
      unchanged: r.unchanged,
      removed: r.removed,
      areaKm2: r.km2,
      incidentsReassigned: r.reassigned,
      // Warnings: what was changed on the way in.
      ...(repaired.length
        ? {
            repaired: {
              count: repaired.length,
              features: repaired.slice(0, 100),
              note: 'invalid polygons were repaired with ST_MakeValid (the area kept, the rings rebuilt)',
            },
          }
        : {}),
      ...(zDropped.length
        ? {
            zDropped: {
              count: zDropped.length,
              features: zDropped.slice(0, 100),
              note: 'Z/M coordinates (height, measure) were dropped; areas are 2D',
            },
          }
        : {}),
      ...(rejects.length ? { rejectedFeatures: rejects.length, replaceConfirmed: true } : {}),
    },
    rejects,
  };
}

/**
 * Replacing a loaded level by a file that lacks some of its codes removes those areas (and their
 * incidents' assignment). Unless confirmed, refuse, naming what would go; the transaction then rolls back
 * and nothing changes. Re-importing the same codes (or adding codes) needs no confirmation.
 */
async function refuseUnconfirmedRemoval(
  tx: Queryable,
  level: string,
  label: string,
  fileCount: number,
  confirmed: boolean,
  rejects: Reject[],
) {
  if (confirmed) return;
  if (rejects.length) {
    // A partial file (issue 15: 18 of 19 ward geometries null replaced the wards by 1): refused until confirmed.
    const gone = await tx.query<{ code: string; name: string }>(
      `SELECT code, name FROM areas WHERE level = $1 AND code NOT IN (SELECT code FROM boundary_stage) ORDER BY code LIMIT $2`,
      [level, MAX_LISTED_REMOVALS],
    );
    const [{ loaded, removing }] = await tx.query<{ loaded: number; removing: number }>(
      `SELECT count(*)::int AS loaded, count(*) FILTER (WHERE code NOT IN (SELECT code FROM boundary_stage))::int AS removing FROM areas WHERE level = $1`,
      [level],
    );
    const shown = rejects.slice(0, 5).map((r) => r.reason);
    throw new ImportError(
      'replace_required',
      `${rejects.length} of the ${fileCount + rejects.length} features could not be used (${shown.join('; ')}${rejects.length > shown.length ? `; and ${rejects.length - shown.length} more` : ''}), ` +
        `so this file would load only ${fileCount} ${label.toLowerCase()} (level "${level}")${removing ? ` and remove ${removing} of the ${loaded} loaded now` : ''}. ` +
        'Nothing was changed. Fix the file, or import it again confirming (on the Import page, or --replace on the command line) to load the usable features without the rejected ones.',
      undefined,
      {
        level,
        label,
        loaded,
        in_file: fileCount,
        remove_count: removing,
        remove: gone,
        rejected_count: rejects.length,
        rejected: rejects.slice(0, MAX_LISTED_REMOVALS),
      },
    );
  }
  const gone = await tx.query<{ code: string; name: string; total: number; loaded: number }>(
    `SELECT code, name, count(*) OVER ()::int AS total, (SELECT count(*)::int FROM areas WHERE level = $1) AS loaded
     FROM areas WHERE level = $1 AND code NOT IN (SELECT code FROM boundary_stage)
     ORDER BY code LIMIT $2`,
    [level, MAX_LISTED_REMOVALS],
  );
  if (!gone.length) return;
  const { total, loaded } = gone[0];
  const shown = gone.slice(0, 5).map((a) => (a.name && a.name !== a.code ? `${a.code} ${a.name}` : a.code));
  throw new ImportError(
    'replace_required',
    `This file would replace the ${loaded} ${label.toLowerCase()} (level "${level}") loaded now: ${total} of them are not in it and would be removed ` +
      `(${shown.join(', ')}${total > shown.length ? `, and ${total - shown.length} more` : ''}). ` +
      'Nothing was changed. If this file is meant to replace them, import it again confirming the replacement ' +
      '(on the Import page, or --replace on the command line); if it holds another level (e.g. LSOAs), give that level.',
    undefined,
    { level, label, loaded, in_file: fileCount, remove_count: total, remove: gone.map(({ code, name }) => ({ code, name })) },
  );
}

/** Why polygon coordinates are not usable as GeoJSON (text numbers, unclosed, too-short or empty rings, empty parts), or null. */
export function polygonProblem(type: string, c: unknown): { code: string; reason: string } | null {
  const polys = type === 'Polygon' ? [c] : c;
  if (!Array.isArray(polys) || polys.length === 0) return { code: 'bad_geometry', reason: `${type} with no coordinates` };
  for (let pi = 0; pi < polys.length; pi++) {
    const rings = polys[pi];
    const part = type === 'MultiPolygon' ? `part ${pi + 1}: ` : '';
    if (!Array.isArray(rings) || rings.length === 0) return { code: 'bad_geometry', reason: `${part}empty polygon (no rings)` };
    for (let ri = 0; ri < rings.length; ri++) {
      const ring = rings[ri];
      const which = `${part}${ri === 0 ? 'outer ring' : `hole ${ri}`}`;
      if (!Array.isArray(ring) || ring.length === 0) return { code: 'bad_geometry', reason: `${which} is empty` };
      for (const p of ring) {
        if (!Array.isArray(p) || p.length < 2)
          return { code: 'bad_geometry', reason: `${which}: a position is ${JSON.stringify(p)?.slice(0, 40)}, expected [x, y]` };
        if (p.some((v) => typeof v === 'string'))
          return {
            code: 'bad_coordinates',
            reason: `${which}: coordinates are text (${JSON.stringify(p).slice(0, 40)}); GeoJSON coordinates are numbers`,
          };
        if (!p.every((v) => typeof v === 'number' && Number.isFinite(v)))
          return { code: 'bad_coordinates', reason: `${which}: a position is ${JSON.stringify(p).slice(0, 40)}, not numbers` };
      }
      if (ring.length < 4)
        return { code: 'bad_geometry', reason: `${which} has ${ring.length} positions; a ring needs at least 4 (closed)` };
      const a = ring[0] as number[],
        b = ring[ring.length - 1] as number[];
      if (a[0] !== b[0] || a[1] !== b[1])
        return {
          code: 'bad_geometry',
          reason: `${which} is not closed (it ends at ${JSON.stringify(b.slice(0, 2))}, not where it starts, ${JSON.stringify(a.slice(0, 2))})`,
        };
    }
  }
  return null;
}

/** Longitude/latitude extent of (WGS84) coordinates. */
function extent(c: unknown) {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  everyPosition(c, (p) => {
    x0 = Math.min(x0, p[0]);
    x1 = Math.max(x1, p[0]);
    y0 = Math.min(y0, p[1]);
    y1 = Math.max(y1, p[1]);
    return true;
  });
  return { lon: x1 - x0, lat: y1 - y0 };
}

/** A TopoJSON topology's arcs exist where its object refers to them (else topojson-client fails with a TypeError). */
export function checkTopology(m: Record<string, unknown>, name: string) {
  const arcs = m.arcs;
  if (!Array.isArray(arcs)) throw new ImportError('bad_topojson', 'The TopoJSON topology has no "arcs" array.');
  const n = arcs.length;
  const visit = (a: unknown, where: string): void => {
    if (typeof a === 'number') {
      const i = a < 0 ? ~a : a;
      if (!Number.isInteger(a) || i >= n)
        throw new ImportError(
          'bad_topojson',
          `${where} refers to arc ${a}, but the topology has ${n} arcs (0–${n - 1}): the file is damaged.`,
        );
      if (!Array.isArray(arcs[i])) throw new ImportError('bad_topojson', `Arc ${i} of the topology is not a list of positions.`);
      return;
    }
    if (!Array.isArray(a)) throw new ImportError('bad_topojson', `${where} has arcs that are not lists of arc numbers.`);
    for (const x of a) visit(x, where);
  };
  const geom = (g: unknown, where: string): void => {
    const x = g as { type?: string; arcs?: unknown; geometries?: unknown[] } | null;
    if (!x || typeof x !== 'object') throw new ImportError('bad_topojson', `${where} is not a geometry object.`);
    if (x.type === 'GeometryCollection') {
      if (!Array.isArray(x.geometries))
        throw new ImportError('bad_topojson', `${where} is a GeometryCollection without "geometries".`);
      x.geometries.forEach((y, i) => geom(y, `geometry ${i + 1} of object "${name}"`));
    } else if (x.arcs !== undefined) visit(x.arcs, where);
  };
  geom((m.objects as Record<string, unknown>)[name], `object "${name}"`);
}

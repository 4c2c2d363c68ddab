// Routes and their segments: create, change, delete, read. Segments are rewritten in the same
// transaction whenever a route's geometry or segment length changes.
import type { Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { cleanLine, lineLength, splitLine, type Position } from '../../geodata/journeys/segment.js';
import { INSERT_ROUTE_SQL, INSERT_SEGMENTS_SQL, ROUTES_SQL, UPDATE_ROUTE_SQL } from './sql.js';

export interface RouteInput {
  name: string;
  school_id: number | null;
  hub_id: number | null;
  segment_m: number;
  /** A LineString already checked by lineProblems. */
  geometry: { type: 'LineString'; coordinates: number[][] };
  origin?: 'drawn' | 'imported' | 'network';
}

export interface RouteRow {
  id: number;
  name: string;
  school_id: number | null;
  school_name: string | null;
  hub_id: number | null;
  hub_name: string | null;
  length_m: number;
  segment_m: number;
  segments: number;
  origin: string;
  created_by: string;
  created_at: string;
  updated_by: string | null;
  updated_at: string;
  geometry: { type: 'LineString'; coordinates: Position[] };
}

export const routeFeature = ({ geometry, ...p }: RouteRow) => ({ type: 'Feature' as const, id: p.id, geometry, properties: p });

/** The school and hub must exist and be of the right kind (400 otherwise). */
export async function checkSites(db: Queryable, schoolId: number | null, hubId: number | null) {
  const ids = [schoolId, hubId].filter((x): x is number => x !== null);
  if (!ids.length) return;
  const rows = await db.query<{ id: number; kind: string }>('SELECT id, kind FROM journey_sites WHERE id = ANY($1::int[])', [
    ids,
  ]);
  const kind = new Map(rows.map((r) => [r.id, r.kind]));
  const problems: { path: string; message: string }[] = [];
  if (schoolId !== null && kind.get(schoolId) !== 'school')
    problems.push({
      path: 'school_id',
      message: kind.has(schoolId) ? `site ${schoolId} is a hub, not a school` : `no school with id ${schoolId}`,
    });
  if (hubId !== null && kind.get(hubId) !== 'hub')
    problems.push({
      path: 'hub_id',
      message: kind.has(hubId) ? `site ${hubId} is a school, not a hub` : `no hub with id ${hubId}`,
    });
  if (problems.length)
    throw new ApiError(400, 'invalid_body', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
}

async function writeSegments(tx: Queryable, routeId: number, coords: Position[], segmentM: number) {
  await tx.query('DELETE FROM journey_segments WHERE route_id = $1', [routeId]);
  const segs = splitLine(coords, segmentM);
  await tx.query(INSERT_SEGMENTS_SQL, [
    routeId,
    segs.map((s) => s.seq),
    segs.map((s) => s.start_m),
    segs.map((s) => s.end_m),
    segs.map((s) => s.length_m),
    segs.map((s) => JSON.stringify({ type: 'LineString', coordinates: s.coordinates })),
  ]);
}

export async function getRoute(db: Queryable, id: number): Promise<RouteRow> {
  const [row] = await db.query<RouteRow>(ROUTES_SQL, [id]);
  if (!row) throw new ApiError(404, 'not_found', `No route ${id}.`);
  return row;
}

export const listRoutes = (db: Queryable) => db.query<RouteRow>(ROUTES_SQL, [null]);

export async function createRoute(tx: Queryable, r: RouteInput, by: string): Promise<number> {
  const coords = cleanLine(r.geometry.coordinates);
  const [row] = await tx.query<{ id: number }>(INSERT_ROUTE_SQL, [
    r.name,
    r.school_id,
    r.hub_id,
    JSON.stringify({ type: 'LineString', coordinates: coords }),
    lineLength(coords),
    r.segment_m,
    r.origin ?? 'drawn',
    by,
  ]);
  await writeSegments(tx, row.id, coords, r.segment_m);
  return row.id;
}

export async function updateRoute(tx: Queryable, id: number, patch: Partial<RouteInput>, by: string) {
  const cur = await getRoute(tx, id);
  const coords = patch.geometry ? cleanLine(patch.geometry.coordinates) : null;
  const next = {
    name: patch.name ?? cur.name,
    school_id: patch.school_id !== undefined ? patch.school_id : cur.school_id,
    hub_id: patch.hub_id !== undefined ? patch.hub_id : cur.hub_id,
    segment_m: patch.segment_m ?? cur.segment_m,
  };
  await checkSites(tx, next.school_id, next.hub_id);
  await tx.query(UPDATE_ROUTE_SQL, [
    id,
    next.name,
    next.school_id,
    next.hub_id,
    coords ? JSON.stringify({ type: 'LineString', coordinates: coords }) : null,
    coords ? lineLength(coords) : null,
    next.segment_m,
    by,
  ]);
  if (coords) await writeSegments(tx, id, coords, next.segment_m);
  else if (next.segment_m !== cur.segment_m) {
    // The stored line at full precision (the API shows 7 decimals).
    const [g] = await tx.query<{ c: Position[] }>(
      `SELECT ST_AsGeoJSON(geom, 15)::json->'coordinates' AS c FROM journey_routes WHERE id = $1`,
      [id],
    );
    await writeSegments(tx, id, g.c, next.segment_m);
  }
}

export async function deleteRoute(db: Queryable, id: number) {
  const rows = await db.query('DELETE FROM journey_routes WHERE id = $1 RETURNING id', [id]);
  if (!rows.length) throw new ApiError(404, 'not_found', `No route ${id}.`);
}

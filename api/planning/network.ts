// The walking network that coverage, outreach and route proposals walk along (issues 6 and 12). One at a
// time, stored in PostGIS (migration 010): loading one replaces the previous one. Its graph is built once per
// process and network id (geodata/network/) and reused until another network is loaded or it is removed.
import type { OpenAPIHono } from '@hono/zod-openapi';
import * as contract from '../../contract/planning.js';
import type { Db, Queryable } from '../db/index.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../auth/middleware.js';
import { principal, register } from '../routing.js';
import { buildNetwork, networkLines, type NetworkGraph } from '../../geodata/network/index.js';

export interface NetworkInfo {
  id: number;
  name: string;
  lines: number;
  vertices: number;
  loaded_by: string;
  loaded_at: string;
}

const INFO_SQL = `SELECT id, name, lines, vertices, loaded_by, loaded_at FROM walking_network ORDER BY id DESC LIMIT 1`;

export async function networkInfo(db: Queryable): Promise<NetworkInfo | null> {
  const [row] = await db.query<NetworkInfo>(INFO_SQL);
  return row ? { ...row, loaded_at: new Date(row.loaded_at).toISOString() } : null;
}

/**
 * Replace the walking network with `doc` (a GeoJSON FeatureCollection of LineStrings/MultiLineStrings in
 * WGS84, e.g. footways and streets exported from OpenStreetMap). Bad input: 400, nothing changes.
 */
export async function loadNetwork(db: Db, doc: unknown, name: string, by: string): Promise<NetworkInfo> {
  const fc = networkLines(doc);
  if (typeof fc === 'string') throw new ApiError(400, 'invalid_body', `network: ${fc}`, [{ path: 'network', message: fc }]);
  const lines = fc.features.map((f) => f.geometry.coordinates);
  // The graph must build (at least one edge of non-zero length) before anything is stored.
  try {
    buildNetwork(lines);
  } catch (e) {
    throw new ApiError(400, 'invalid_body', `network: ${(e as Error).message}`, [
      { path: 'network', message: (e as Error).message },
    ]);
  }
  const vertices = lines.reduce((s, l) => s + l.length, 0);
  return db.transaction(async (tx) => {
    await tx.query('DELETE FROM walking_network');
    const [row] = await tx.query<{ id: number }>(
      'INSERT INTO walking_network (name, lines, vertices, loaded_by) VALUES ($1, $2, $3, $4) RETURNING id',
      [name, lines.length, vertices, by],
    );
    // In chunks: one text[] parameter of GeoJSON lines each.
    for (let i = 0; i < lines.length; i += 20_000) {
      const chunk = lines.slice(i, i + 20_000).map((c) => JSON.stringify({ type: 'LineString', coordinates: c }));
      await tx.query(
        'INSERT INTO walking_network_lines (network_id, geom) SELECT $1, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) FROM unnest($2::text[]) AS g',
        [row.id, chunk],
      );
    }
    const [info] = await tx.query<NetworkInfo>(INFO_SQL);
    return { ...info, loaded_at: new Date(info.loaded_at).toISOString() };
  });
}

/** Remove the walking network (coverage and outreach go back to straight lines; no route proposals). */
export async function removeNetwork(db: Queryable): Promise<{ removed: boolean }> {
  const rows = await db.query('DELETE FROM walking_network RETURNING id');
  return { removed: rows.length > 0 };
}

const cache = new WeakMap<object, { id: number; graph: Promise<NetworkGraph> }>();

/** The loaded network and its graph, or null when none is loaded. */
export async function walkingNetwork(db: Queryable): Promise<{ info: NetworkInfo; graph: NetworkGraph } | null> {
  const info = await networkInfo(db);
  if (!info) return null;
  let hit = cache.get(db);
  if (!hit || hit.id !== info.id) {
    const graph = db
      .query<{ c: number[][] }>(
        `SELECT ST_AsGeoJSON(geom, 9)::json->'coordinates' AS c FROM walking_network_lines WHERE network_id = $1 ORDER BY id`,
        [info.id],
      )
      .then((rows) => buildNetwork(rows.map((r) => r.c)));
    cache.set(db, (hit = { id: info.id, graph }));
    graph.catch(() => cache.get(db) === hit && cache.delete(db));
  }
  return { info, graph: await hit.graph };
}

/** What a response's meta says about the network used (who loaded it is left out: partners see meta). */
export function networkMeta(info: NetworkInfo | null) {
  return info ? { id: info.id, name: info.name, lines: info.lines, vertices: info.vertices, loaded_at: info.loaded_at } : null;
}

// ---------- routes (declared in contract/planning.ts; the planning router audits the changes) ----------

/**
 * GET /api/planning/network: the loaded network (or null); PUT: load (replace) one; DELETE: remove it.
 * Bodies up to 16 MB (api/security.ts).
 */
export function addNetworkRoutes(r: OpenAPIHono<AppEnv>, db: Db) {
  register(r, db, contract.getNetwork, async (c) => c.json({ network: await networkInfo(db) }, 200));
  register(r, db, contract.putNetwork, async (c) => {
    const b = c.req.valid('json');
    return c.json({ network: await loadNetwork(db, b.network, b.name, principal(c).user.email) }, 200);
  });
  register(r, db, contract.deleteNetwork, async (c) => c.json(await removeNetwork(db), 200));
}

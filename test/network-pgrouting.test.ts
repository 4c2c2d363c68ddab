// The walking network engine (geodata/network/) against pgRouting, an independent implementation, on a real
// network: no street file is in shared/data, so the 2021 Lewisham LSOA boundary rings as lines
// (test/helpers/network.ts), one network of tens of thousands of edges.
//
// PostGIS builds its own edge table from the same lines (vertices keyed to 1e-7 degrees, segment lengths by
// ST_Transform to EPSG:27700) and its own snaps (the nearest edge by ST_Distance, the fraction along it by
// ST_LineLocatePoint); pgRouting then gives shortest-path distances (pgr_dijkstra, pgr_withPoints) and
// reach sets (pgr_drivingDistance, pgr_withPointsDD). Each must agree with the module to 0.5 m.
//
// Server only: pgRouting is a PostgreSQL extension (Debian postgresql-15-pgrouting, installed by .ci/run);
// the embedded PGlite driver has no pgRouting, so without DATABASE_URL this file is skipped.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../api/db/index.js';
import {
  buildNetwork,
  entrySeeds,
  nodeDistances,
  snapToNetwork,
  vertexKey,
  walksFrom,
  type NetworkGraph,
  type Snap,
} from '../geodata/network/index.js';
import { lonLatToBng } from '../geodata/planning/geometry.js';
import { Rng } from '../geodata/stats/prng.js';
import { SERVER_URL, SHARED, testDb } from './helpers/db.js';
import { LSOA_FILE, lsoaRingLines } from './helpers/network.js';

const TOL = 0.5; // metres
const LIMIT = 1500; // driving-distance limit, metres
const EDGES_SQL = 'SELECT id, source, target, cost, cost AS reverse_cost FROM network_pgr_edges';
const hasData = fs.existsSync(LSOA_FILE);

describe.skipIf(!SERVER_URL || !hasData)(
  'walking network vs pgRouting (PostGIS server only: skipped without DATABASE_URL, as PGlite has no pgRouting)',
  () => {
    let db: Db;
    let g: NetworkGraph;
    /** pgRouting vertex id ↔ module node, through the 1e-7° vertex key. */
    const pgrOf = new Map<number, number>();
    const nodeOf = new Map<number, number>();
    const rng = new Rng(12);
    const pick = <T>(xs: readonly T[]) => xs[rng.u32() % xs.length];
    let maxDiff = 0;
    let compared = 0;
    const close = (ours: number, theirs: number, what: string) => {
      maxDiff = Math.max(maxDiff, Math.abs(ours - theirs));
      compared++;
      expect(Math.abs(ours - theirs), what).toBeLessThanOrEqual(TOL);
    };

    beforeAll(async () => {
      db = await testDb('postgres');
      await db.exec('CREATE EXTENSION IF NOT EXISTS pgrouting');
      const lines = lsoaRingLines();
      g = buildNetwork(lines);
      await db.exec(`DROP TABLE IF EXISTS network_pgr_lines, network_pgr_vertices, network_pgr_edges;
      CREATE TABLE network_pgr_lines (id serial PRIMARY KEY, geom geometry(LineString, 4326))`);
      await db.query(
        'INSERT INTO network_pgr_lines (geom) SELECT ST_SetSRID(ST_GeomFromGeoJSON(t), 4326) FROM unnest($1::text[]) AS t',
        [lines.map((c) => JSON.stringify({ type: 'LineString', coordinates: c }))],
      );
      // PostGIS's own topology: every vertex keyed to 1e-7 degrees, every pair of consecutive vertices with
      // different keys an edge, its cost the grid length.
      await db.exec(`
      CREATE TABLE network_pgr_vertices AS
        WITH p AS (SELECT round(ST_X(d.geom) * 1e7)::bigint AS kx, round(ST_Y(d.geom) * 1e7)::bigint AS ky, d.geom FROM network_pgr_lines l, ST_DumpPoints(l.geom) d)
        SELECT row_number() OVER (ORDER BY kx, ky) AS id, kx, ky, ST_Transform((array_agg(geom))[1], 27700) AS geom FROM p GROUP BY kx, ky;
      CREATE UNIQUE INDEX ON network_pgr_vertices (kx, ky);
      CREATE TABLE network_pgr_edges AS
        WITH p AS (SELECT l.id AS line, d.path[1] AS i, round(ST_X(d.geom) * 1e7)::bigint AS kx, round(ST_Y(d.geom) * 1e7)::bigint AS ky FROM network_pgr_lines l, ST_DumpPoints(l.geom) d),
        s AS (SELECT a.kx AS akx, a.ky AS aky, b.kx AS bkx, b.ky AS bky FROM p a JOIN p b ON b.line = a.line AND b.i = a.i + 1 WHERE (a.kx, a.ky) <> (b.kx, b.ky))
        SELECT row_number() OVER () AS id, va.id AS source, vb.id AS target, ST_Distance(va.geom, vb.geom) AS cost, ST_MakeLine(va.geom, vb.geom) AS geom
        FROM s JOIN network_pgr_vertices va ON (va.kx, va.ky) = (s.akx, s.aky) JOIN network_pgr_vertices vb ON (vb.kx, vb.ky) = (s.bkx, s.bky);
      CREATE INDEX ON network_pgr_edges USING gist (geom);`);
      const vs = await db.query<{ id: string; kx: string; ky: string }>('SELECT id, kx, ky FROM network_pgr_vertices');
      const byKey = new Map<string, number>();
      for (let n = 0; n < g.nodeCount; n++) byKey.set(vertexKey(g.lon[n], g.lat[n]), n);
      for (const v of vs) {
        const n = byKey.get(`${v.kx},${v.ky}`);
        if (n !== undefined) pgrOf.set(n, Number(v.id)), nodeOf.set(Number(v.id), n);
      }
    }, 300_000);

    afterAll(async () => {
      if (db) await db.exec('DROP TABLE IF EXISTS network_pgr_lines, network_pgr_vertices, network_pgr_edges');
      console.log(
        `walking network vs pgRouting: ${compared} distances compared on ${g?.nodeCount ?? 0} nodes, largest difference ${maxDiff.toExponential(2)} m`,
      );
    });

    it('builds the same graph: one vertex per 1e-7° key, the same edges and total length', async () => {
      const [t] = await db.query<{ v: number; e: number; len: number }>(
        'SELECT (SELECT count(*) FROM network_pgr_vertices)::int AS v, count(*)::int AS e, sum(cost) AS len FROM network_pgr_edges',
      );
      expect(g.nodeCount).toBe(t.v);
      expect(pgrOf.size).toBe(g.nodeCount);
      expect(g.edgeLen.length).toBe(t.e);
      expect(g.edgeLen.reduce((s, l) => s + l, 0)).toBeCloseTo(t.len, -1); // within 5 m over some 1,000 km
      expect(g.nodeCount).toBeGreaterThan(10_000);
    });

    it('pgr_dijkstra distances and pgr_drivingDistance reach sets from network vertices agree to 0.5 m', async () => {
      const nodes = Array.from({ length: g.nodeCount }, (_, n) => n);
      for (let k = 0; k < 4; k++) {
        const src = pick(nodes);
        const ours = nodeDistances(g, [{ node: src, dist: 0 }]);
        // Shortest paths to 40 nodes anywhere on the network (unbounded).
        const targets = Array.from({ length: 40 }, () => pick(nodes)).filter((t) => t !== src);
        const rows = await db.query<{ end_vid: string; agg_cost: number }>(
          `SELECT end_vid, agg_cost FROM pgr_dijkstra($1, $2::bigint, $3::bigint[], directed => false) WHERE edge = -1`,
          [EDGES_SQL, pgrOf.get(src), targets.map((t) => pgrOf.get(t))],
        );
        const theirs = new Map(rows.map((r) => [nodeOf.get(Number(r.end_vid))!, r.agg_cost]));
        for (const t of targets) {
          if (!theirs.has(t)) expect(ours[t], `node ${t} unreachable in pgRouting`).toBe(Infinity);
          else close(ours[t], theirs.get(t)!, `dijkstra ${src} → ${t}`);
        }
        expect(theirs.size).toBeGreaterThan(20);
        await sameReach(
          ours,
          await db.query<{ node: string; agg_cost: number }>(
            `SELECT node, agg_cost FROM pgr_drivingDistance($1, $2::bigint, $3, directed => false)`,
            [EDGES_SQL, pgrOf.get(src), LIMIT],
          ),
          `from node ${src}`,
        );
      }
    });

    it('from real places snapped into the middle of edges: pgr_withPoints and pgr_withPointsDD agree to 0.5 m', async () => {
      // Real burglary locations (police.uk's anonymised map points, which lie off the boundary lines).
      const rows = parse(fs.readFileSync(path.join(SHARED, 'lewisham_burglary_street_2022-03_2025-02.csv')), {
        columns: true,
      }) as Record<string, string>[];
      const snaps: Snap[] = [];
      const points: Array<{ edge: number; fraction: number }> = [];
      /** PostGIS's own snap of a WGS84 place: the nearest edge, the fraction along it and the gap. */
      const postgisSnap = async (lon: number, lat: number) =>
        (
          await db.query<{ id: string; fraction: number; gap: number; lon: number; lat: number }>(
            `WITH pt AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 27700) AS g),
         e AS (SELECT e.id, e.geom, ST_LineLocatePoint(e.geom, pt.g) AS fraction, ST_Distance(e.geom, pt.g) AS gap FROM network_pgr_edges e, pt ORDER BY ST_Distance(e.geom, pt.g), e.id LIMIT 1)
         SELECT id, fraction, gap, ST_X(q) AS lon, ST_Y(q) AS lat FROM e, ST_Transform(ST_LineInterpolatePoint(e.geom, (1 + e.fraction) / 2), 4326) AS q`,
            [lon, lat],
          )
        )[0];
      const add = async (lon: number, lat: number) => {
        const p = await postgisSnap(lon, lat);
        const s = snapToNetwork(g, lonLatToBng(lon, lat), 1000)!;
        close(s.gap, p.gap, 'snap gap');
        snaps.push(s);
        points.push({ edge: Number(p.id), fraction: p.fraction });
        return p;
      };
      // Places that snap into the middle of an edge (not onto a vertex): the edge is split there.
      for (let tries = 0; snaps.length < 6 && tries < 500; tries++) {
        const r = pick(rows);
        const p = await postgisSnap(Number(r.Longitude), Number(r.Latitude));
        if (p.fraction < 0.05 || p.fraction > 0.95) continue;
        const q = await add(Number(r.Longitude), Number(r.Latitude));
        // And a point on the same edge, halfway from the snapped point to the edge's far end (walks along it).
        if (snaps.length === 1) await add(q.lon, q.lat);
      }
      expect(snaps.length).toBe(6);
      const pointsSql = `SELECT pid, edge_id, fraction FROM (VALUES ${points.map((p, i) => `(${i + 1}, ${p.edge}, ${p.fraction})`).join(', ')}) AS t(pid, edge_id, fraction)`;
      for (let i = 0; i < snaps.length; i++) {
        // Distances along the network from the snapped point (gap excluded, as pgRouting's are).
        const ours = nodeDistances(
          g,
          entrySeeds(g, snaps[i]).map((s) => ({ node: s.node, dist: s.dist - snaps[i].gap })),
        );
        const dd = await db.query<{ node: string; agg_cost: number }>(
          `SELECT node, agg_cost FROM pgr_withPointsDD($1, $2, $3::bigint, $4, directed => false, details => false) WHERE node > 0`,
          [EDGES_SQL, pointsSql, -(i + 1), LIMIT],
        );
        await sameReach(ours, dd, `from place ${i + 1}`);
        // Point to point: the shortest walk between two snapped places.
        const j = (i + 1) % snaps.length;
        const [walk] = walksFrom(g, snaps[i], [snaps[j]]);
        const [pw] = await db.query<{ agg_cost: number }>(
          `SELECT agg_cost FROM pgr_withPoints($1, $2, $3::bigint, $4::bigint, directed => false) WHERE edge = -1`,
          [EDGES_SQL, pointsSql, -(i + 1), -(j + 1)],
        );
        if (!pw) expect(walk).toBeNull();
        else close(walk!.length_m - snaps[i].gap - snaps[j].gap, pw.agg_cost, `withPoints ${i + 1} → ${j + 1}`);
      }
    });

    /** The same nodes within LIMIT (up to nodes within 0.5 m of it), at the same distances to 0.5 m. */
    async function sameReach(ours: Float64Array, theirs: Array<{ node: string; agg_cost: number }>, what: string) {
      const reached = new Map(theirs.map((r) => [nodeOf.get(Number(r.node))!, r.agg_cost]));
      expect(reached.has(undefined as unknown as number), `${what}: pgRouting node not in the module`).toBe(false);
      for (const [n, d] of reached) close(ours[n], d, `${what}: node ${n}`);
      let inOurs = 0;
      ours.forEach((d, n) => {
        if (d > LIMIT) return;
        inOurs++;
        if (!reached.has(n)) expect(LIMIT - d, `${what}: node ${n} at ${d} m not reached by pgRouting`).toBeLessThan(TOL);
      });
      expect(reached.size).toBeGreaterThan(50);
      expect(Math.abs(inOurs - reached.size)).toBeLessThanOrEqual(2);
    }
  },
);

// `npm run bench:tiles [-- --rows N --repeat R]` (needs DATABASE_URL, the PostGIS server; it TRUNCATEs incidents
// there): the incident tile route against the bare ST_AsMVT of the same points, in the same run.
//
// Data: N synthetic incidents (default 1,000,000) over a London-sized rectangle, half around 300 hot spots
// (scripts/bench/hotspots.ts loadIncidents), all of 2023. Tile: the z14 tile holding most points.
// Measured, medians of `repeat` runs, interleaved:
//   bare      = SELECT ST_AsMVT(...) of the tile's points, id + geometry only
//   bareProps = the same with the route's properties (category, label, time, precision, place, ward, outcome,
//               age band): the same bytes the route sends
//   cold      = GET /api/tiles/incidents/14/x/y.mvt?from=2023-01&to=2024-01 by an analyst on a new app (empty
//               tile cache): data version, window, SQL + ST_AsMVT, audit row, response
//   warm      = the same request again (tile cache hit, audit row written)
//   notModified = the same with If-None-Match (304, audit row written)
//   jsEncode  = the PGlite path's encoder (geojson-vt + vt-pbf) on the same rows, fetched from the server first
// CPU seconds (this process and the server backends) of the bareProps queries and the cold requests, summed over runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../../api/app.js';
import { createUser } from '../../api/auth/store.js';
import { openDb, type Db } from '../../api/db/index.js';
import { Params } from '../../api/aggregates/sql.js';
import { encodeLayer, pointRowsSql } from '../../api/tiles/build.js';
import { cpuMeter } from './cpu.js';
import { loadIncidents } from './hotspots.js';
import { median, round } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

/** The z14 tile holding most incidents. */
async function busiestTile(db: Db) {
  const [t] = await db.query<{ x: number; y: number; n: number }>(`
SELECT floor((lon + 180) / 360 * 16384)::int AS x,
       floor((1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2 * 16384)::int AS y,
       count(*)::int AS n
FROM incidents GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`);
  return { z: 14, x: t.x, y: t.y, n: t.n };
}

const bareSql = (props: boolean) => `
SELECT ST_AsMVT(t, 'incidents', 4096, 'geom', 'id') AS tile
FROM (
  SELECT i.id, ${
    props
      ? `i.category, c.label AS category_label, to_char(i.occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS') AS occurred_at,
         i.time_precision, i.location_precision, i.location_text, i.ward_code, i.outcome, i.age_band,`
      : ''
  }
         ST_AsMVTGeom(ST_Transform(i.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
  FROM incidents i ${props ? 'JOIN categories c ON c.slug = i.category' : ''}
  WHERE i.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
) t`;

async function main() {
  const { values: args } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      repeat: { type: 'string', default: '7' },
      seed: { type: 'string', default: '1' },
      // Reuse the rows a previous run loaded (same --rows) instead of loading them again.
      keep: { type: 'boolean', default: false },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('bench:tiles needs DATABASE_URL (the PostGIS server); it TRUNCATEs incidents there.');
  const rows = Number(args.rows);
  const repeat = Number(args.repeat);
  const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

  const db = await openDb({ databaseUrl });
  try {
    const [{ n: held }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    if (!args.keep || held !== rows) {
      await db.exec('TRUNCATE incidents, import_rejects RESTART IDENTITY CASCADE');
      await loadIncidents(db, rows, Number(args.seed), log);
    }
    const t = await busiestTile(db);
    log(`tiles bench: z14 tile ${t.x}/${t.y} holds ${t.n} incidents`);

    const email = `bench-tiles-${Date.now()}@bench.invalid`;
    const password = 'bench password long enough';
    await createUser(db, { email, role: 'analyst', password, createdBy: 'bench' });
    const newApp = () => createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined } });
    const signIn = await newApp().request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const cookie = (signIn.headers.getSetCookie?.() ?? []).find((c) => c.startsWith('sp_session='))?.split(';')[0];
    if (!cookie) throw new Error(`bench sign-in failed: ${signIn.status}`);
    const url = `/api/tiles/incidents/14/${t.x}/${t.y}.mvt?from=2023-01&to=2024-01`;
    const get = async (app: ReturnType<typeof createApp>, etag?: string) => {
      const res = await app.request(url, { headers: { cookie, ...(etag ? { 'If-None-Match': etag } : {}) } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (res.status !== (etag ? 304 : 200)) throw new Error(`GET ${url}: ${res.status} ${Buffer.from(bytes).toString()}`);
      return { bytes, etag: res.headers.get('etag')! };
    };
    const bare = async (props: boolean) => (await db.query<{ tile: Uint8Array }>(bareSql(props), [14, t.x, t.y]))[0].tile;

    // Warm the buffer cache and check the route sends what the bare query with properties makes.
    const first = await get(newApp());
    const ref = await bare(true);
    if (first.bytes.length !== ref.length) throw new Error(`route tile ${first.bytes.length} B, bare tile ${ref.length} B`);

    const runs = {
      bare: [] as number[],
      bareProps: [] as number[],
      cold: [] as number[],
      warm: [] as number[],
      notModified: [] as number[],
      jsEncode: [] as number[],
    };
    let cpuBare = { process: 0, server: 0 as number | null };
    let cpuCold = { process: 0, server: 0 as number | null };
    const add = (a: typeof cpuBare, b: { process: number; server: number | null }) => ({
      process: a.process + b.process,
      server: a.server === null || b.server === null ? null : a.server + b.server,
    });
    const p = new Params();
    const sql = pointRowsSql(p, { from: '2023-01-01', to: '2024-01-01' }, t);
    const jsRows = await db.query<{ id: number; lon: number; lat: number } & Record<string, unknown>>(sql, p.values);
    for (let r = 0; r < repeat; r++) {
      runs.bare.push((await timed(() => bare(false)))[0]);
      let stop = await cpuMeter(db);
      runs.bareProps.push((await timed(() => bare(true)))[0]);
      cpuBare = add(cpuBare, await stop());
      const app = newApp();
      stop = await cpuMeter(db);
      const [coldMs, cold] = await timed(() => get(app));
      cpuCold = add(cpuCold, await stop());
      runs.cold.push(coldMs);
      runs.warm.push((await timed(() => get(app)))[0]);
      runs.notModified.push((await timed(() => get(app, cold.etag)))[0]);
      runs.jsEncode.push(
        (
          await timed(async () =>
            encodeLayer(
              'incidents',
              t,
              jsRows.map(({ id, lon, lat, ...props }) => ({
                type: 'Feature' as const,
                id,
                geometry: { type: 'Point' as const, coordinates: [lon, lat] },
                properties: props as Record<string, string>,
              })),
            ),
          )
        )[0],
      );
    }
    const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, round(median(v), 1)])) as Record<
      keyof typeof runs,
      number
    >;
    const out = {
      when: new Date().toISOString(),
      command: `npm run bench:tiles -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
      incidents: rows,
      tile: t,
      tileKB: round(first.bytes.length / 1024, 1),
      repeat,
      medianMs: m,
      ratios: {
        coldToBareProps: round(m.cold / m.bareProps, 2),
        coldToBare: round(m.cold / m.bare, 2),
        warmToBareProps: round(m.warm / m.bareProps, 2),
        notModifiedToBareProps: round(m.notModified / m.bareProps, 2),
        jsEncodeToBareProps: round(m.jsEncode / m.bareProps, 2),
      },
      cpuSeconds: {
        bareProps: { process: round(cpuBare.process, 2), server: cpuBare.server === null ? null : round(cpuBare.server, 2) },
        cold: { process: round(cpuCold.process, 2), server: cpuCold.server === null ? null : round(cpuCold.server, 2) },
      },
      runs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((x) => round(x, 1))])),
    };
    const dir = path.join(ROOT, 'bench-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${out.when.replace(/[:.]/g, '-')}-tiles.json`);
    fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(
      JSON.stringify(
        { tile: out.tile, tileKB: out.tileKB, medianMs: m, ratios: out.ratios, cpuSeconds: out.cpuSeconds },
        null,
        2,
      ),
    );
    console.log(`Results: ${path.relative(process.cwd(), file)}`);
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

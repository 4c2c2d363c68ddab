// Gi* + FDR end to end through the API for a London-sized H3 grid, against the bare GROUP BY h3 count.
//
// Study area: a synthetic "greater London" rectangle, lon -0.56..0.36, lat 51.25..51.72 (Greater
// London's bbox, about -0.51..0.33 × 51.29..51.69, expanded a little so that the res-9 grid holds more
// than 30,000 cells), cut into 8 × 8 rectangular "wards" and loaded as the ward area set through
// importFile. Incidents: N (default 1,000,000) rows COPYed straight into `incidents` (the importer is
// measured elsewhere): half uniform over the rectangle, half around 300 Gaussian hot spots (sd 300 m),
// one of the 14 police.uk categories, month precision over 2023; H3 ids at res 7..10 from h3-js.
// Measured (medians of `repeat` runs):
//   bare  = SELECT h3_9, count(*) FROM incidents GROUP BY h3_9
//   sql   = the hotspot endpoint's own GROUP BY (h3_9, window filter, count scheme)
//   cold  = GET /api/hotspots?res=9 (FDR, k = 1, count scheme) by a signed-in analyst, first request
//           (polygon fill of the study area and neighbour lists built, then cached)
//   warm  = the same request again (cache hit), the figure compared with bare
//   http  = the same request over real HTTP: the app served by @hono/node-server on a 127.0.0.1 port and
//           fetched with Node's fetch (keep-alive connection, the whole JSON body read), cache warm
// `warm` goes through Hono's `app.request` in this process (routing, middleware, handler, JSON, no socket);
// `http` adds the Node HTTP server, the loopback socket and the client reading the body.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { latLngToCell } from 'h3-js';
import { createApp } from '../../api/app.js';
import { createUser } from '../../api/auth/store.js';
import type { Db } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { POLICE_UK_CATEGORIES } from '../../geodata/categories.js';
import { Rng } from './prng.js';
import { median, round } from './stats.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const STUDY_BBOX = [-0.56, 51.25, 0.36, 51.72] as const;
const GRID = 8;

export interface HotspotBench {
  incidents: number;
  studyArea: string;
  cells: number;
  hotCells: number;
  repeat: number;
  bareMs: number;
  sqlMs: number;
  coldMs: number;
  warmMs: number;
  /** The warm request over HTTP (a local port, Node's fetch). */
  httpMs: number;
  ratioWarm: number;
  ratioCold: number;
  ratioHttp: number;
  responseMB: number;
  runs: { bare: number[]; sql: number[]; warm: number[]; http: number[] };
}

function wardsGeoJson(): string {
  const [w, s, e, n] = STUDY_BBOX;
  const dx = (e - w) / GRID;
  const dy = (n - s) / GRID;
  const features = [];
  for (let i = 0; i < GRID; i++)
    for (let j = 0; j < GRID; j++) {
      const [x0, y0, x1, y1] = [w + i * dx, s + j * dy, w + (i + 1) * dx, s + (j + 1) * dy].map((v) => round(v, 6));
      features.push({
        type: 'Feature',
        properties: { WD22CD: `E0599${String(i * GRID + j).padStart(4, '0')}`, WD22NM: `Bench ward ${i}-${j}` },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
              [x0, y0],
            ],
          ],
        },
      });
    }
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/** N synthetic incidents COPYed into `incidents` (half uniform over STUDY_BBOX, half around 300 hot spots), all of 2023. */
export async function loadIncidents(db: Db, rows: number, seed: number, log: (m: string) => void) {
  const rng = new Rng(seed);
  const [w, s, e, n] = STUDY_BBOX;
  const centres = Array.from({ length: 300 }, () => [rng.range(w, e), rng.range(s, n)] as const);
  const cats = POLICE_UK_CATEGORIES.map((c) => c.slug);
  const [{ id: batch }] = await db.query<{ id: number }>(
    `INSERT INTO import_batches (kind, file_name, dataset, status) VALUES ('police_uk_street', 'bench-hotspots', 'bench hotspots', 'committed') RETURNING id`,
  );
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const CHUNK = 100_000;
  for (let start = 0; start < rows; start += CHUNK) {
    const lines: string[] = [];
    for (let k = start; k < Math.min(rows, start + CHUNK); k++) {
      let lon: number;
      let lat: number;
      if (k % 2 === 0) {
        lon = rng.range(w, e);
        lat = rng.range(s, n);
      } else {
        const [cx, cy] = centres[rng.int(centres.length)];
        lon = Math.min(e, Math.max(w, cx + (gauss() * 300) / 69_500)); // ~69.5 km per degree of lon at 51.5°N
        lat = Math.min(n, Math.max(s, cy + (gauss() * 300) / 111_200));
      }
      lon = round(lon, 6);
      lat = round(lat, 6);
      const h = [7, 8, 9, 10].map((r) => BigInt(`0x${latLngToCell(lat, lon, r)}`).toString());
      const month = `2023-${String(1 + rng.int(12)).padStart(2, '0')}-01`;
      const uuid = rng.hex(32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
      lines.push(
        `${batch},bench hotspots,${uuid},${cats[rng.int(cats.length)]},${month},month,${lon},${lat},snapped,,${h.join(',')}`,
      );
    }
    await db.copyCsv(
      'incidents',
      [
        'batch_id',
        'dataset',
        'dedup_key',
        'category',
        'occurred_at',
        'time_precision',
        'lon',
        'lat',
        'location_precision',
        'ward_code',
        'h3_7',
        'h3_8',
        'h3_9',
        'h3_10',
      ],
      lines.join('\n') + '\n',
    );
    log(`hotspots bench: ${Math.min(rows, start + CHUNK)} / ${rows} incidents loaded`);
  }
  await db.exec('VACUUM ANALYZE incidents');
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

/** Runs the hotspot benchmark on `db` (the PostGIS server): empties incidents and areas first. */
export async function benchHotspots(
  db: Db,
  opts: { rows: number; seed: number; repeat: number; log: (m: string) => void },
): Promise<HotspotBench> {
  const { log } = opts;
  await db.exec(`TRUNCATE incidents, import_rejects, area_parts, areas, area_sets, area_population RESTART IDENTITY CASCADE`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hotspots-'));
  const wardsFile = path.join(tmp, 'bench-wards.geojson');
  fs.writeFileSync(wardsFile, wardsGeoJson());
  const imp = await importFile(db, wardsFile, { kind: 'boundaries', level: 'ward' });
  fs.rmSync(tmp, { recursive: true, force: true });
  if (imp.status !== 'committed') throw new Error(`bench wards import failed: ${imp.error?.message}`);
  await loadIncidents(db, opts.rows, opts.seed, log);

  const app = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 1, BASEMAP_STYLE_URL: undefined } });
  const email = `bench-${Date.now()}@bench.invalid`;
  const password = 'bench password long enough';
  await createUser(db, { email, role: 'analyst', password, createdBy: 'bench' });
  const signIn = await app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = (signIn.headers.getSetCookie?.() ?? []).find((c) => c.startsWith('sp_session='))?.split(';')[0];
  if (!cookie) throw new Error(`bench sign-in failed: ${signIn.status}`);
  const url = '/api/hotspots?res=9&from=2023-01&to=2024-01&correction=fdr';
  const call = async () => {
    const res = await app.request(url, { headers: { cookie } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
    return text;
  };

  // The same app on a real port: requests through the Node HTTP server and the loopback socket.
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const httpCall = async () => {
    const res = await fetch(origin + url, { headers: { cookie } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${origin}${url}: ${res.status} ${text.slice(0, 300)}`);
    return text;
  };
  try {
    return await measure();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }

  async function measure(): Promise<HotspotBench> {
    const bareSql = 'SELECT h3_9, count(*) FROM incidents GROUP BY h3_9';
    // The endpoint's GROUP BY for the count scheme (api/hotspots/sql.ts unitCountsSql), as it runs.
    const sqlSql = `SELECT lpad(to_hex(h3_9), 15, '0') AS unit, count(*)::int AS n, count(*)::float8 AS value FROM incidents i WHERE i.occurred_at >= '2023-01-01'::timestamp AND i.occurred_at < '2024-01-01'::timestamp GROUP BY h3_9`;
    await db.query(bareSql); // warm the buffer cache
    const [coldMs, first] = await timed(call);
    const body = JSON.parse(first) as { cells: Array<{ class: string }>; meta: { n: number; total: { count: number } } };
    log(
      `hotspots bench: cold request ${coldMs.toFixed(0)} ms, ${body.meta.n} cells, ${body.meta.total.count} incidents in the study area`,
    );
    // One HTTP request before timing: opens the keep-alive connection; its body must be the in-process one.
    if ((await httpCall()) !== first) throw new Error('the HTTP response differs from the in-process one');
    const runs = { bare: [] as number[], sql: [] as number[], warm: [] as number[], http: [] as number[] };
    for (let r = 0; r < opts.repeat; r++) {
      runs.bare.push((await timed(() => db.query(bareSql)))[0]);
      runs.sql.push((await timed(() => db.query(sqlSql)))[0]);
      runs.warm.push((await timed(call))[0]);
      runs.http.push((await timed(httpCall))[0]);
    }
    const bareMs = median(runs.bare);
    const warmMs = median(runs.warm);
    const httpMs = median(runs.http);
    const out: HotspotBench = {
      incidents: opts.rows,
      studyArea: `synthetic rectangle ${STUDY_BBOX.join(',')} as ${GRID * GRID} rectangular wards`,
      cells: body.meta.n,
      hotCells: body.cells.filter((c) => c.class.startsWith('hot_')).length,
      repeat: opts.repeat,
      bareMs: round(bareMs, 1),
      sqlMs: round(median(runs.sql), 1),
      coldMs: round(coldMs, 1),
      warmMs: round(warmMs, 1),
      httpMs: round(httpMs, 1),
      ratioWarm: round(warmMs / bareMs, 2),
      ratioCold: round(coldMs / bareMs, 2),
      ratioHttp: round(httpMs / bareMs, 2),
      responseMB: round(first.length / 1048576, 2),
      runs: {
        bare: runs.bare.map((x) => round(x, 1)),
        sql: runs.sql.map((x) => round(x, 1)),
        warm: runs.warm.map((x) => round(x, 1)),
        http: runs.http.map((x) => round(x, 1)),
      },
    };
    log(
      `hotspots bench: bare GROUP BY ${out.bareMs} ms, endpoint SQL ${out.sqlMs} ms, API in-process cold ${out.coldMs} ms, warm ${out.warmMs} ms, over HTTP ${out.httpMs} ms ` +
        `(ratio to bare: in-process ${out.ratioWarm}, HTTP ${out.ratioHttp}, cold ${out.ratioCold})`,
    );
    return out;
  }
}

/** Opens the server database, runs the hotspot benchmark and closes it (the hook used by scripts/bench.ts). */
export async function runHotspotBench(
  databaseUrl: string,
  opts: { rows: number; seed: number; repeat: number; log: (m: string) => void },
) {
  const { openDb } = await import('../../api/db/index.js');
  const db = await openDb({ databaseUrl });
  try {
    return await benchHotspots(db, { ...opts, repeat: Math.max(opts.repeat, 5) });
  } finally {
    await db.close();
  }
}

/** `npm run bench -- --only-hotspots`: this benchmark alone, written to bench-results/<timestamp>-hotspots.json. */
export async function hotspotsOnly(
  databaseUrl: string | undefined,
  root: string,
  opts: { rows: number; seed: number; repeat: number; log: (m: string) => void },
) {
  if (!databaseUrl)
    throw new Error('--only-hotspots needs DATABASE_URL (the PostGIS server); it TRUNCATEs incidents and areas there.');
  const hotspots = await runHotspotBench(databaseUrl, opts);
  const when = new Date().toISOString();
  const dir = path.join(root, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${when.replace(/[:.]/g, '-')}-hotspots.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        when,
        command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
        hotspots,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
}

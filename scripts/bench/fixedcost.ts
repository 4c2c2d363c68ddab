// `npm run bench -- --only-fixedcost`: fixed costs per request (issue 16) on the PostGIS server. Loads the
// real Lewisham wards and the 20,512 police.uk violence/robbery records into the DATABASE_URL database
// (its data tables are emptied first), starts the app and a bare Hono + pg `SELECT 1` server in this process,
// and runs autocannon (a child process, -c 50, 10 s each) on: the bare SELECT 1; aggregate routes answered
// from the kept answers (same URL again, no If-None-Match); the same with If-None-Match (304); and the same
// routes through an app that keeps no answers (every request computed). Ratios are against the bare
// SELECT 1 measured in the same run; CPU seconds of this process (app + database client) beside wall time.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { createApp } from '../../api/app.js';
import { createSession, createUser } from '../../api/auth/store.js';
import { openDb } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';

interface Run {
  name: string;
  url: string;
  rps: number;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  status: Record<string, number>;
  cpuS: number;
  wallS: number;
  ratio?: number;
}

function autocannon(root: string, url: string, headers: Record<string, string>, connections: number, duration: number) {
  const code = `require(${JSON.stringify(path.join(root, 'node_modules/autocannon'))})({ url: process.argv[1], connections: +process.argv[2], duration: +process.argv[3], timeout: 30, headers: JSON.parse(process.argv[4]) }, (e, r) => { if (e) throw e; process.stdout.write(JSON.stringify(r)); });`;
  const p: ChildProcess = spawn(
    process.execPath,
    ['-e', code, url, String(connections), String(duration), JSON.stringify(headers)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  return new Promise<string>((resolve) => p.on('close', () => resolve(out)));
}

async function measure(
  root: string,
  name: string,
  base: string,
  url: string,
  headers: Record<string, string>,
  c: number,
  d: number,
): Promise<Run> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = JSON.parse(await autocannon(root, `${base}${url}`, headers, c, d)) as {
    requests: { total: number; average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  };
  const cpu = process.cpuUsage(cpu0);
  return {
    name,
    url,
    rps: Math.round(r.requests.average),
    requests: r.requests.total,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    status: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    cpuS: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
    wallS: Math.round(((performance.now() - t0) / 1000) * 10) / 10,
  };
}

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ base: string; close: () => void }> {
  return new Promise((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ base: `http://127.0.0.1:${info.port}`, close: () => s.close() }),
    );
  });
}

export async function fixedCostBench(
  databaseUrl: string | undefined,
  root: string,
  opts: { connections: number; duration: number; log: (m: string) => void },
) {
  if (!databaseUrl) throw new Error('--only-fixedcost needs DATABASE_URL (the PostGIS server); it empties its data tables.');
  const { connections: c, duration: d, log } = opts;
  const data = path.join(root, '..', 'shared', 'data');
  const db = await openDb({ databaseUrl });
  await db.exec(`TRUNCATE incidents, import_rejects, area_parts, areas, area_sets, area_population, area_population_resolved,
    column_mappings, import_batches RESTART IDENTITY CASCADE`);
  for (const [file, o] of [
    ['lewisham_wards_2022.geojson', { kind: 'boundaries', level: 'ward' }],
    ['lewisham_violence_robbery_street_api_2016-01_2018-06.csv', {}],
  ] as const) {
    const r = await importFile(db, path.join(data, file), o);
    if (r.status !== 'committed') throw new Error(`${file}: ${r.error?.message}`);
  }
  const user = await createUser(db, {
    email: `bench-${Date.now()}@test.invalid`,
    role: 'analyst',
    password: 'bench password 12345',
    areaCodes: null,
    createdBy: 'bench',
  });
  const { id: sid } = await createSession(db, user.id, { ip: '127.0.0.1', userAgent: 'bench' });
  const cookie = { cookie: `sp_session=${sid}` };
  const config = { dataDir: os.tmpdir(), MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined };
  const cached = await listen(createApp({ db, config }).fetch);
  const uncached = await listen(createApp({ db, config, httpCacheBytes: 0 }).fetch);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  const bare = new Hono().get('/', async (ctx) => ctx.json((await pool.query('SELECT 1 AS one')).rows[0]));
  const bareSrv = await listen(bare.fetch);

  const urls = ['/api/stats/areas?level=ward', '/api/hotspots?res=9'];
  const runs: Run[] = [];
  const step = async (name: string, base: string, url: string, headers: Record<string, string>) => {
    log(`${name} ${url}`);
    runs.push(await measure(root, name, base, url, headers, c, d));
  };
  await step('bare SELECT 1 (Hono + pg)', bareSrv.base, '/', {});
  for (const url of urls) {
    const first = await fetch(`${cached.base}${url}`, { headers: cookie });
    if (first.status !== 200) throw new Error(`${url}: ${first.status} ${await first.text()}`);
    const etag = first.headers.get('etag') ?? '';
    await step('kept answer (same URL again)', cached.base, url, cookie);
    await step('If-None-Match (304)', cached.base, url, { ...cookie, 'if-none-match': etag });
    await step('computed every time (no kept answers)', uncached.base, url, cookie);
  }
  await step('bare SELECT 1 (Hono + pg), again', bareSrv.base, '/', {});
  const bareRps = (runs[0].rps + runs[runs.length - 1].rps) / 2;
  for (const r of runs) r.ratio = Math.round((r.rps / bareRps) * 1000) / 1000;

  cached.close();
  uncached.close();
  bareSrv.close();
  await pool.end();
  await db.close();

  const when = new Date().toISOString();
  const result = {
    when,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
    data: 'Lewisham wards 2022 + 20,512 police.uk violence/robbery records 2016-01..2018-06 (server)',
    connections: c,
    durationS: d,
    runs,
  };
  const dir = path.join(root, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${when.replace(/[:.]/g, '-')}-fixedcost.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  for (const r of runs)
    console.log(
      `${r.name.padEnd(40)} ${r.url.padEnd(30)} ${String(r.rps).padStart(6)} req/s  x${r.ratio}  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non2xx ${r.non2xx}  cpu ${r.cpuS} s / ${r.wallS} s`,
    );
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
}

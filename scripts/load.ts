// `npm run load [-- options]`: the app under concurrent load (issue 15), on loopback only. Not a test: it
// writes bench-results/load-<timestamp>.json and the table in docs/RELIABILITY.md.
//
// For each driver (embedded PGlite in a temporary data directory; the server in a database of its own made
// from DATABASE_URL and dropped after): imports the shared Lewisham wards and the all-crime police.uk file,
// starts the app on a 127.0.0.1 port in this process, warms each URL, then for each URL runs autocannon
// (a child process: --connections clients for --duration seconds, 30 s timeout) while another child asks
// /api/health every 250 ms. Then --subscribers change-feed streams (SSE) in a child, and --events incidents
// ingested one by one: every event must reach every subscriber.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { createApp } from '../api/app.js';
import { createToken, createUser } from '../api/auth/store.js';
import { openDb, type Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { defaultLimits, LATE_LOOP, loopLag } from '../api/load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(ROOT, '../shared/data');
const PASSWORD = 'load test password 123';

const HELP = `Usage: npm run load [-- options]
  --driver D         pglite | postgres | both (default: both with DATABASE_URL, else pglite)
  --connections N    concurrent clients per URL (default 200)
  --duration S       seconds per URL (default 60)
  --subscribers N    change-feed streams (default 300)
  --events N         incidents ingested while they listen (default 100)
  --no-write         do not rewrite docs/RELIABILITY.md
  --late-loop        the app with the late-loop rule on (api/load.ts LATE_LOOP; off by default)
  --no-control       skip the control (a bare node:http server with the same CPU per request, with and
                     without the late-loop shedding)
Environment: DATABASE_URL=postgres://… (a database of the run's own is created on that server and dropped).`;

const URLS = ['/api/hotspots?res=9', '/api/stats/areas?level=ward'];

interface Cannon {
  url: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  status: Record<string, number>;
  health: { probes: number; ok: number; p50: number; p99: number; max: number };
  appCpuS: number;
  wallS: number;
  /** The machine's 1-minute load average when the run started (2 cores: above 2, others' work competes). */
  loadBefore: number;
  /** The same run seen by the app's HTTP server: requests it parsed, answers it finished, and the slowest. */
  server: ServerSide;
}

interface ServerSide {
  /** Requests the server parsed during the run (autocannon's URL only). */
  received: number;
  /** Of these, answers written to the socket to the end. */
  finished: number;
  /** Closed by the client before the answer was written (autocannon's timeout closes the socket). */
  aborted: number;
  /** Milliseconds from the request parsed to the answer written: p99 and max. */
  p99: number;
  max: number;
  /** Answers that took longer than 5 s, and connections the server accepted. */
  over5s: number;
  connections: number;
  /**
   * Connections the client closed while none of its requests was outstanding here, after more than 10 s of
   * silence since the server's last answer on it: the answer was written, and the client waited for it (or
   * never sent its next request) until its own timeout. Timeouts counted by autocannon that show up here are the
   * client's, not the app's.
   */
  answeredThenTimedOut: number;
}

/**
 * Watches the app's HTTP server for one autocannon run: each request of `url` from parsed to written (or
 * closed by the client), so that a client-side timeout can be told apart from a slow answer.
 */
function watchServer(server: import('node:http').Server, url: string) {
  const times: number[] = [];
  let received = 0;
  let aborted = 0;
  let connections = 0;
  let answeredThenTimedOut = 0;
  const sockets = new WeakMap<object, { pending: number; last: number }>();
  const onConnection = (socket: import('node:net').Socket) => {
    connections++;
    const st = { pending: 0, last: performance.now() };
    sockets.set(socket, st);
    socket.on('close', () => {
      if (st.pending === 0 && performance.now() - st.last > 10_000) answeredThenTimedOut++;
    });
  };
  const onRequest = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    if (req.url !== url) return;
    received++;
    const t = performance.now();
    const st = sockets.get(req.socket);
    if (st) st.pending++;
    res.on('finish', () => {
      times.push(performance.now() - t);
      if (st) {
        st.pending--;
        st.last = performance.now();
      }
    });
    res.on('close', () => {
      if (!res.writableFinished) aborted++;
    });
  };
  server.on('connection', onConnection);
  server.on('request', onRequest);
  return (): ServerSide => {
    server.off('connection', onConnection);
    server.off('request', onRequest);
    return {
      received,
      finished: times.length,
      aborted,
      p99: Math.round(pct(times, 99)),
      max: Math.round(Math.max(0, ...times)),
      over5s: times.filter((x) => x > 5000).length,
      connections,
      answeredThenTimedOut,
    };
  };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

function child(code: string, args: string[]): { p: ChildProcess; out: Promise<string> } {
  const p = spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  return { p, out: new Promise((resolve) => p.on('close', () => resolve(out))) };
}

// autocannon with a 30 s timeout; prints its result as JSON, with `timeoutTrace`: for each timeout it counted,
// the milliseconds since that client last sent a request and last got a whole answer.
const AUTOCANNON = `
const [url, connections, duration, cookie] = process.argv.slice(1); const trace = [];
require(${JSON.stringify(path.join(ROOT, 'node_modules/autocannon'))})({ url, connections: +connections, duration: +duration,
  timeout: 30, headers: { cookie },
  setupClient: (c) => { let req = performance.now(); let resp = req;
    c.on('request', () => { req = performance.now(); }); c.on('response', () => { resp = performance.now(); });
    c.on('timeout', () => { const now = performance.now(); trace.push([Math.round(now - req), Math.round(now - resp)]); }); },
}, (e, r) => { if (e) throw e; process.stdout.write(JSON.stringify({ ...r, timeoutTrace: trace })); });`;

// Asks /api/health every 250 ms until killed; prints the latencies (ms, -1 for a failure) as JSON on SIGTERM.
const HEALTH_PROBE = `
const [url] = process.argv.slice(1); const lat = []; let stop = false;
process.on('SIGTERM', () => { stop = true; });
(async () => { while (!stop) { const t = performance.now();
  try { const r = await fetch(url, { signal: AbortSignal.timeout(30000) }); await r.text(); lat.push(r.ok ? performance.now() - t : -1); }
  catch { lat.push(-1); }
  await new Promise((r) => setTimeout(r, 250)); }
  process.stdout.write(JSON.stringify(lat)); })();`;

// Opens N change-feed streams; prints "ready" when all are open, then on SIGTERM the arrival times (epoch ms)
// of the data events per stream as JSON.
const SSE_CLIENTS = `
const [url, cookie, n] = process.argv.slice(1); const got = []; let open = 0;
for (let i = 0; i < +n; i++) { got.push([]); (async () => {
  const r = await fetch(url, { headers: { cookie, accept: 'text/event-stream' } });
  if (++open === +n) process.stdout.write('ready\\n');
  const dec = new TextDecoder(); let buf = '';
  for await (const chunk of r.body) { buf += dec.decode(chunk, { stream: true }); let k;
    while ((k = buf.indexOf('\\n\\n')) >= 0) { const ev = buf.slice(0, k); buf = buf.slice(k + 2);
      if (/^event: incidents$/m.test(ev)) got[i].push(Date.now()); } }
})().catch((e) => process.stderr.write(String(e) + '\\n')); }
// Exit only once the (large) JSON is flushed: exiting right after write() cut it short on a loaded machine.
process.on('SIGTERM', () => { process.stdout.write(JSON.stringify(got), () => process.exit(0)); });`;

async function cannon(
  base: string,
  server: import('node:http').Server,
  url: string,
  cookie: string,
  connections: number,
  duration: number,
): Promise<Cannon> {
  const loadBefore = Math.round(os.loadavg()[0] * 10) / 10;
  const watched = watchServer(server, url);
  const probe = child(HEALTH_PROBE, [`${base}/api/health`]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ac = child(AUTOCANNON, [`${base}${url}`, String(connections), String(duration), cookie]);
  const r = JSON.parse(await ac.out) as {
    requests: { total: number; average: number };
    latency: { p50: number; p99: number; max: number };
    errors: number;
    timeouts: number;
    statusCodeStats: Record<string, { count: number }>;
    timeoutTrace: [number, number][];
  };
  if (r.timeoutTrace.length)
    console.log(
      `  client timeouts [ms since request sent, ms since last answer]: ${JSON.stringify(r.timeoutTrace.slice(0, 20))}`,
    );
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  probe.p.kill('SIGTERM');
  const lat = JSON.parse((await probe.out) || '[]') as number[];
  const ok = lat.filter((x) => x >= 0);
  return {
    url,
    requests: r.requests.total,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    status: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    health: {
      probes: lat.length,
      ok: ok.length,
      p50: Math.round(pct(ok, 50)),
      p99: Math.round(pct(ok, 99)),
      max: Math.round(Math.max(...ok)),
    },
    appCpuS: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
    wallS: Math.round(wallS * 10) / 10,
    loadBefore,
    server: watched(),
  };
}

async function sse(base: string, db: Db, cookie: string, token: string, subscribers: number, events: number) {
  const c = child(SSE_CLIENTS, [`${base}/api/live`, cookie, String(subscribers)]);
  await new Promise<void>((resolve, reject) => {
    c.p.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    setTimeout(() => reject(new Error('the SSE clients did not all connect in 120 s')), 120_000);
  });
  const sent: number[] = [];
  for (let i = 0; i < events; i++) {
    sent.push(Date.now());
    const r = await fetch(`${base}/api/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        incidents: [
          { id: `load-${Date.now()}-${i}`, category: 'burglary', occurred_at: '2018-06-15T12:00', lon: -0.02, lat: 51.45 },
        ],
      }),
    });
    if (!r.ok) throw new Error(`ingest ${i}: ${r.status} ${await r.text()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Let the last events arrive (bounded).
  await new Promise((r) => setTimeout(r, 3000));
  c.p.kill('SIGTERM');
  const got = JSON.parse((await c.out).split('\n').pop()!) as number[][];
  const delays: number[] = [];
  let delivered = 0;
  for (const stream of got)
    for (let k = 0; k < Math.min(stream.length, sent.length); k++) {
      delivered++;
      delays.push(stream[k] - sent[k]);
    }
  void db;
  return { subscribers, events, expected: subscribers * events, delivered, p50: pct(delays, 50), p95: pct(delays, 95) };
}

async function openFor(driver: 'pglite' | 'postgres') {
  if (driver === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-load-'));
    const db = await openDb({ dataDir: path.join(dir, 'pgdata') });
    return { db, dir, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const url = new URL(process.env.DATABASE_URL!);
  const name = `saferplaces_load_${process.pid}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString() });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-load-'));
  return {
    db,
    dir,
    drop: async () => {
      const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function runDriver(
  driver: 'pglite' | 'postgres',
  o: { connections: number; duration: number; subscribers: number; events: number; lateLoop: boolean },
) {
  const { db, dir, drop } = await openFor(driver);
  try {
    for (const f of ['lewisham_wards_2022.geojson', 'lewisham_street_all_api_2016-01_2018-06.csv']) {
      const s = await importFile(db, path.join(DATA, f));
      if (s.status !== 'committed') throw new Error(`${f}: ${s.error?.message}`);
      console.log(`${driver}: imported ${f} (${s.imported ?? 0} rows)`);
    }
    const email = `load-${process.pid}@example.org`;
    const user = await createUser(db, { email, role: 'analyst', password: PASSWORD, createdBy: 'load' });
    const { token } = await createToken(db, user.id, ['ingest', 'read'], 'load', null);
    const app = createApp({
      db,
      config: { dataDir: dir, MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined },
      ...(o.lateLoop ? { load: { ...defaultLimits(db.driver), ...LATE_LOOP } } : {}),
    });
    let server: ReturnType<typeof serve> | undefined;
    const port: number = await new Promise((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    });
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`sign-in: ${login.status} ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const single: Record<string, number> = {};
    for (const u of URLS) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const r = await fetch(base + u, { headers: { cookie } });
        if (!r.ok) throw new Error(`${u}: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
        times.push(performance.now() - t);
      }
      single[u] = Math.round(pct(times, 50));
    }
    const runs: Cannon[] = [];
    for (const u of URLS) {
      console.log(`${driver}: ${o.connections} clients on ${u} for ${o.duration} s …`);
      const r = await cannon(base, server as unknown as import('node:http').Server, u, cookie, o.connections, o.duration);
      console.log(
        `  ${r.requests} requests, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, timeouts ${r.timeouts}, status ${JSON.stringify(r.status)}; health p99 ${r.health.p99} ms (${r.health.ok}/${r.health.probes} ok); server: ${JSON.stringify(r.server)}`,
      );
      runs.push(r);
    }
    console.log(`${driver}: ${o.subscribers} change-feed subscribers, ${o.events} incidents …`);
    const feed = await sse(base, db, cookie, token, o.subscribers, o.events);
    console.log(`  delivered ${feed.delivered}/${feed.expected}, p95 ${feed.p95} ms`);
    server!.close();
    return { driver, singleMs: single, runs, feed };
  } finally {
    await db.close();
    await drop();
  }
}

/**
 * The control: a bare node:http server (no app, no database) that spends `BARE_BURN_MS` of CPU on each request
 * and answers 2 KB of JSON, under the same autocannon run; once as it is and once refusing with 503 while the
 * event loop runs late (api/load.ts `loopLag`, the app's rule), so the app's figures can be read against what the
 * machine and the load generator do on their own.
 */
const BARE_BURN_MS = 2.5;
async function bareControl(o: { connections: number; duration: number }) {
  const out: Array<Cannon & { mode: string; shed: number }> = [];
  for (const shedLate of [false, true]) {
    let shed = 0;
    const server = http.createServer((req, res) => {
      if (req.url === '/api/health') return void res.end('{"ok":true}');
      if (shedLate && loopLag() > 250) {
        shed++;
        res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' });
        return void res.end('{"error":{"code":"overloaded"}}');
      }
      const t = performance.now();
      while (performance.now() - t < BARE_BURN_MS);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, pad: 'x'.repeat(2000) }));
    });
    const port: number = await new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
    const mode = shedLate ? 'bare, 503 while the loop is > 250 ms late' : 'bare, no shedding';
    console.log(`control: ${mode}, ${o.connections} clients for ${o.duration} s …`);
    const r = await cannon(`http://127.0.0.1:${port}`, server, '/x', '', o.connections, o.duration);
    console.log(
      `  ${r.requests} answers, timeouts ${r.timeouts}, status ${JSON.stringify(r.status)}; server: ${JSON.stringify(r.server)}`,
    );
    out.push({ ...r, mode, shed });
    await new Promise((resolve) => server.close(resolve));
  }
  return out;
}

function markdown(
  results: Awaited<ReturnType<typeof runDriver>>[],
  control: Awaited<ReturnType<typeof bareControl>>,
  o: { connections: number; duration: number; lateLoop: boolean },
  when: string,
) {
  const lines = [
    `Measured ${when} by \`npm run load${o.lateLoop ? ' -- --late-loop' : ''}\` (late-loop rule ${o.lateLoop ? 'on' : 'off'}) on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${o.connections} clients for ${o.duration} s per URL, loopback.`,
    '',
    '| driver | URL | single request (ms) | requests | req/s | p50 (ms) | p99 (ms) | max (ms) | errors | timeouts | statuses | health p99 (ms) | health ok | app CPU s / wall s | load avg before | server: received / answered / slowest (ms) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results)
    for (const c of r.runs)
      lines.push(
        `| ${r.driver} | \`${c.url}\` | ${r.singleMs[c.url]} | ${c.requests} | ${c.rps} | ${c.p50} | ${c.p99} | ${c.max} | ${c.errors} | ${c.timeouts} | ${Object.entries(
          c.status,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join(
            ', ',
          )} | ${c.health.p99} | ${c.health.ok}/${c.health.probes} | ${c.appCpuS} / ${c.wallS} | ${c.loadBefore} | ${c.server.received} / ${c.server.finished} / ${c.server.max} |`,
      );
  if (control.length) {
    lines.push(
      '',
      `Control in the same run: a bare node:http server spending ${BARE_BURN_MS} ms of CPU per request (no app, no database).`,
      '',
      '| control | answers | timeouts | statuses | load avg before | server: received / answered / slowest (ms) |',
      '|---|---|---|---|---|---|',
    );
    for (const c of control)
      lines.push(
        `| ${c.mode} | ${c.requests} | ${c.timeouts} | ${Object.entries(c.status)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} | ${c.loadBefore} | ${c.server.received} / ${c.server.finished} / ${c.server.max} |`,
      );
  }
  lines.push('', '| driver | subscribers | events | delivered / expected | p50 (ms) | p95 (ms) |', '|---|---|---|---|---|---|');
  for (const r of results)
    lines.push(
      `| ${r.driver} | ${r.feed.subscribers} | ${r.feed.events} | ${r.feed.delivered} / ${r.feed.expected} | ${r.feed.p50} | ${r.feed.p95} |`,
    );
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      driver: { type: 'string' },
      connections: { type: 'string', default: '200' },
      duration: { type: 'string', default: '60' },
      subscribers: { type: 'string', default: '300' },
      events: { type: 'string', default: '100' },
      'no-write': { type: 'boolean', default: false },
      'no-control': { type: 'boolean', default: false },
      'late-loop': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP);
  const int = (s: string, name: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
    return n;
  };
  const o = {
    connections: int(values.connections!, 'connections'),
    duration: int(values.duration!, 'duration'),
    subscribers: int(values.subscribers!, 'subscribers'),
    events: int(values.events!, 'events'),
    lateLoop: values['late-loop']!,
  };
  const d = values.driver ?? (process.env.DATABASE_URL ? 'both' : 'pglite');
  if (!['pglite', 'postgres', 'both'].includes(d)) throw new Error('--driver is pglite, postgres or both');
  if (d !== 'pglite' && !process.env.DATABASE_URL) throw new Error('--driver postgres needs DATABASE_URL');
  const drivers = d === 'both' ? (['postgres', 'pglite'] as const) : ([d] as ['pglite' | 'postgres']);
  const results = [];
  for (const dr of drivers) results.push(await runDriver(dr, o));
  const control = values['no-control'] ? [] : await bareControl(o);
  const when = new Date().toISOString();
  fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  const out = path.join(ROOT, 'bench-results', `load-${when.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify({ when, options: o, results, control }, null, 2));
  console.log(`wrote ${path.relative(ROOT, out)}`);
  if (!values['no-write']) {
    const doc = path.join(ROOT, 'docs/RELIABILITY.md');
    const table = markdown(results, control, o, when.slice(0, 16).replace('T', ' '));
    const text = fs.readFileSync(doc, 'utf8');
    const a = '<!-- load:begin -->';
    const b = '<!-- load:end -->';
    if (!text.includes(a)) throw new Error(`${doc} has no ${a} marker`);
    fs.writeFileSync(doc, text.slice(0, text.indexOf(a) + a.length) + '\n' + table + '\n' + text.slice(text.indexOf(b)));
    console.log('updated docs/RELIABILITY.md');
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

// `npx tsx scripts/bench/import-health.ts [--rows 200000] [--seed 1] [--label L] [--every 200]`
// The embedded app during an import (issue 16): starts the app on a fresh PGlite data directory as a child
// process (`node --import tsx api/main.ts`, as `npm start` does), loads the Lewisham wards, uploads the
// benchmark police.uk CSV through POST /api/imports, and sends GET /api/health every `--every` ms (each
// request on its own schedule, never waiting for the previous one) from the upload until the import has
// ended. One SSE client on /api/live records when the import's `incidents` event arrives. Not a test: prints
// JSON and writes bench-results/import-health-<timestamp>.json. Health latencies: p50/p95/p99/max of the
// requests sent while the import ran; requests unanswered when it ended count with their age at that moment.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openConfiguredDb } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { createToken, createUser } from '../../api/auth/store.js';
import { loadWards, policeUkCsv } from './generate.js';

const { values: a } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '1' },
    label: { type: 'string', default: '' },
    every: { type: 'string', default: '200' },
    wards: { type: 'string', default: '../shared/data/lewisham_wards_2022.geojson' },
  },
});
const ROWS = Number(a.rows);
const EVERY = Number(a.every);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

function cpuOf(pid: number): number | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((x, y) => x - y);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]);
};

async function main() {
  const wardsPath = path.resolve(a.wards!);
  const gen = await policeUkCsv(ROWS, Number(a.seed), loadWards(wardsPath));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-import-health-'));
  const log = (m: string) => console.error(`[import-health] ${m}`);
  let child: ReturnType<typeof spawn> | undefined;
  try {
    // Wards and an analyst's import token, before the app holds the directory.
    log(`preparing ${dataDir} (wards, token)`);
    const db0 = await openConfiguredDb({ dataDir });
    const w = await importFile(db0, wardsPath, { kind: 'boundaries', level: 'ward' });
    if (w.status !== 'committed') throw new Error(`ward import failed: ${JSON.stringify(w.error)}`);
    const user = await createUser(db0, {
      email: `bench-${process.pid}@example.org`,
      password: 'correct horse battery staple',
      role: 'analyst',
      createdBy: 'bench',
    });
    const { token } = await createToken(db0, user.id, ['import', 'read'], 'import-health bench', null);
    await db0.close();

    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${token}` };
    for (let t0 = Date.now(); ; ) {
      if (
        await fetch(`${base}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() - t0 > 300_000) throw new Error(`the app did not start: ${out.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`app up on ${port} (pid ${child.pid}); idle health samples`);

    // Health while idle, for comparison (20 samples).
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await fetch(`${base}/api/health`);
      idle.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, EVERY));
    }

    // The change feed: when does the import's own event arrive?
    const sse = new AbortController();
    let sseEventAt: number | null = null;
    let sseConnectedAt: number | null = null;
    const t0 = performance.now();
    void (async () => {
      try {
        const res = await fetch(`${base}/api/live`, { headers: auth, signal: sse.signal });
        sseConnectedAt = performance.now() - t0;
        const dec = new TextDecoder();
        let buf = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += dec.decode(chunk, { stream: true });
          if (sseEventAt === null && /event: incidents/.test(buf)) sseEventAt = performance.now() - t0;
        }
      } catch {
        /* aborted at the end */
      }
    })();

    // Health every EVERY ms from the upload until the import ends.
    const samples: { sentMs: number; ms: number | null; status: number | null }[] = [];
    let importing = true;
    const pending = new Set<Promise<void>>();
    const sampler = (async () => {
      while (importing) {
        const sent = performance.now();
        const s = { sentMs: Math.round(sent - t0), ms: null as number | null, status: null as number | null };
        samples.push(s);
        const p = fetch(`${base}/api/health`)
          .then(
            (r) => {
              s.status = r.status;
              return r.arrayBuffer();
            },
            () => undefined,
          )
          .then(() => {
            s.ms = performance.now() - sent;
          });
        pending.add(p);
        void p.finally(() => pending.delete(p));
        await new Promise((r) => setTimeout(r, EVERY));
      }
    })();

    const cpu0 = cpuOf(child.pid!);
    const up = await fetch(`${base}/api/imports?filename=bench.csv`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: fs.createReadStream(gen.path) as unknown as BodyInit,
      duplex: 'half',
    } as RequestInit);
    const { id } = (await up.json()) as { id: number };
    if (!id) throw new Error(`upload refused: ${up.status}`);
    log(`import ${id} queued; polling`);
    let status = '';
    let job: Record<string, unknown> = {};
    for (;;) {
      try {
        job = (await (await fetch(`${base}/api/imports/${id}`, { headers: auth })).json()) as Record<string, unknown>;
        status = String(job.status);
      } catch {
        /* keep polling */
      }
      if (status === 'committed' || status === 'failed') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const importSeconds = (performance.now() - t0) / 1000;
    importing = false;
    await sampler;
    const endMs = performance.now() - t0;
    const cpu1 = cpuOf(child.pid!);
    // Unanswered at the end: counted with their age then.
    const lat = samples.map((s) => (s.ms !== null && s.sentMs + s.ms <= endMs ? s.ms : endMs - s.sentMs));
    const unansweredAtEnd = samples.filter((s) => s.ms === null || s.sentMs + s.ms > endMs).length;
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 30_000))]);
    // Give the change feed a moment to deliver the import's event.
    for (let i = 0; i < 50 && sseEventAt === null; i++) await new Promise((r) => setTimeout(r, 100));
    sse.abort();

    const result = {
      when: new Date().toISOString(),
      label: a.label,
      command: `npx tsx scripts/bench/import-health.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: { cpus: os.cpus().length, loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100), node: process.version },
      rows: ROWS,
      file: path.basename(gen.path),
      import: {
        id,
        status,
        imported: job.imported,
        seconds: Math.round(importSeconds * 100) / 100,
        appCpuSeconds: cpu0 !== null && cpu1 !== null ? Math.round((cpu1 - cpu0) * 100) / 100 : null,
      },
      health: {
        everyMs: EVERY,
        idle: { n: idle.length, p50: pct(idle, 50), p95: pct(idle, 95), max: pct(idle, 100) },
        duringImport: {
          n: samples.length,
          p50: pct(lat, 50),
          p95: pct(lat, 95),
          p99: pct(lat, 99),
          max: pct(lat, 100),
          over1s: lat.filter((x) => x > 1000).length,
          unansweredAtEnd,
          non200: samples.filter((s) => s.status !== null && s.status !== 200).length,
        },
      },
      sse: {
        connectedMs: sseConnectedAt === null ? null : Math.round(sseConnectedAt),
        importEventMs: sseEventAt === null ? null : Math.round(sseEventAt),
        importEndMs: Math.round(importSeconds * 1000),
      },
    };
    console.log(JSON.stringify(result, null, 2));
    fs.mkdirSync('bench-results', { recursive: true });
    const outFile = path.join('bench-results', `import-health-${result.when.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(outFile, JSON.stringify({ ...result, samples }, null, 1));
    log(`written ${outFile}`);
  } finally {
    child?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// `npm run bench:start [-- --repeat R]`: the embedded app's start against a bare PGlite + PostGIS start on the
// same data directory (issue 16: "embedded start within 1.2 × a bare start; ship a built server").
//
// One data directory is made first (the app's migrations applied by a first start). Then, interleaved, `repeat`
// times each (every one a fresh process on that directory, stopped once ready):
//   bare  = node: open PGlite + PostGIS on the directory, `SELECT postgis_lib_version()`, ready
//   built = node dist/server/api/main.js (what `npm start` runs), ready at "Saferplaces running at"
//   tsx   = node --import tsx api/main.ts (the TypeScript compiled at run time, as before the built server)
// Wall seconds to ready, and CPU seconds (user + system of the process and its threads, from /proc at ready).
// Builds dist/server first (scripts/start.mjs buildServer). Writes bench-results/start-<time>.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer } from '../start.mjs';
import { procCpu } from './cpu.js';
import { median, round } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BARE = `
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
const db = await PGlite.create({ dataDir: process.argv[1], extensions: { postgis } });
await db.query('SELECT postgis_lib_version()');
console.log('ready');
setInterval(() => {}, 1000);`;

/** Starts a process, resolves when a line matches `ready`: wall seconds and CPU seconds at that moment. */
function run(args: string[], ready: RegExp, env: NodeJS.ProcessEnv): Promise<{ wall: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`not ready in 600 s: ${args.join(' ')}\n${out}`));
    }, 600_000);
    const check = (b: Buffer) => {
      out += b;
      if (done || !ready.test(out)) return;
      done = true;
      const wall = (performance.now() - t0) / 1000;
      const cpu = procCpu(p.pid!) ?? Number.NaN;
      clearTimeout(timer);
      p.on('exit', () => resolve({ wall, cpu }));
      p.kill('SIGTERM');
    };
    p.stdout.on('data', check);
    p.stderr.on('data', check);
    p.on('exit', (code) => {
      if (!done) {
        clearTimeout(timer);
        reject(new Error(`exit ${code} before ready: ${out}`));
      }
    });
  });
}

async function main() {
  const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' } } });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error('--repeat must be a positive whole number');
  await buildServer(ROOT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-bench-start-'));
  const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dir, PORT: '18994', HOST: '127.0.0.1' };
  const running = /Saferplaces running at/;
  try {
    await run([path.join(ROOT, 'dist/server/api/main.js')], running, env); // migrates the new directory
    const pgdata = ['.', ...fs.readdirSync(dir)].find((d) => fs.existsSync(path.join(dir, d, 'PG_VERSION')));
    if (!pgdata) throw new Error(`no PGlite data directory under ${dir}`);
    const kinds = {
      bare: () => run(['--input-type=module', '-e', BARE, path.join(dir, pgdata)], /ready/, env),
      built: () => run([path.join(ROOT, 'dist/server/api/main.js')], running, env),
      tsx: () => run(['--import', 'tsx', path.join(ROOT, 'api/main.ts')], running, env),
    };
    const res: Record<string, { wall: number[]; cpu: number[] }> = {};
    for (let i = 0; i < repeat; i++)
      for (const [k, f] of Object.entries(kinds)) {
        const r = await f();
        res[k] ??= { wall: [], cpu: [] };
        res[k].wall.push(r.wall);
        res[k].cpu.push(r.cpu);
        console.log(`${k}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} CPU s`);
      }
    const m = (k: string, f: 'wall' | 'cpu') => median(res[k][f]);
    const summary = Object.fromEntries(
      Object.keys(kinds).map((k) => [
        k,
        {
          wallS: round(m(k, 'wall'), 2),
          cpuS: round(m(k, 'cpu'), 2),
          wallRatio: round(m(k, 'wall') / m('bare', 'wall'), 2),
          cpuRatio: round(m(k, 'cpu') / m('bare', 'cpu'), 2),
        },
      ]),
    );
    console.table(summary);
    const when = new Date().toISOString();
    fs.mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
    const out = path.join(ROOT, 'bench-results', `start-${when.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(out, JSON.stringify({ when, repeat, loadavg: os.loadavg(), summary, runs: res }, null, 2));
    console.log(
      `wrote ${path.relative(ROOT, out)}; load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();

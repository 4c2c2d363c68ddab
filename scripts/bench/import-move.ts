// `npx tsx scripts/bench/import-move.ts --rows 1000000 --runs 2 --move pieces|one [--piece-rows N]`: the incident import on the
// server (DATABASE_URL, a database of its own), with the piecewise move (issue 16) or the one-statement move it
// replaced (MOVE_SQL). Per run: wall and CPU seconds (this process; the server's backends of this database),
// temporary files written (pg_stat_database temp_files/temp_bytes before and after), the peak size of the
// server's temporary files during the import (pg_ls_tmpdir(), sampled every 250 ms from a second connection),
// and the load average. Lewisham wards are loaded first; each run starts from an empty incidents table.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDb } from '../../api/db/index.js';
import { importFile, type ImportOptions } from '../../api/imports/index.js';
import { MOVE_SQL } from '../../api/imports/incidents.js';
import { cpuMeter } from './cpu.js';
import { loadWards, policeUkCsv } from './generate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WARDS = path.join(ROOT, '..', 'shared', 'data', 'lewisham_wards_2022.geojson');
const { values: args } = parseArgs({
  options: { rows: { type: 'string' }, runs: { type: 'string' }, move: { type: 'string' }, 'piece-rows': { type: 'string' } },
});
const rows = Number(args.rows ?? 1_000_000);
const oneStatement: ImportOptions['move'] = async (tx, params) =>
  (await tx.query<{ imported: number; outside: number }>(MOVE_SQL, params))[0];
const gen = await policeUkCsv(rows, 1, loadWards(WARDS));
const db = await openDb({ databaseUrl: process.env.DATABASE_URL });
const watch = new pg.Client({ connectionString: process.env.DATABASE_URL });
await watch.connect();
const temp = async () =>
  (
    await watch.query<{ files: string; bytes: string }>(
      `SELECT pg_stat_clear_snapshot(), temp_files AS files, temp_bytes AS bytes FROM pg_stat_database WHERE datname = current_database()`,
    )
  ).rows[0];
try {
  await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' });
  for (let run = 1; run <= Number(args.runs ?? 2); run++) {
    await db.exec('TRUNCATE incidents');
    await db.exec('CHECKPOINT');
    const t0 = await temp();
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await watch.query<{ b: string }>(`SELECT coalesce(sum(size), 0)::bigint AS b FROM pg_ls_tmpdir()`);
        peak = Math.max(peak, Number(r.rows[0].b));
        await new Promise((res) => setTimeout(res, 250));
      }
    })();
    const cpu = await cpuMeter(db);
    const w0 = performance.now();
    let moveStart = 0;
    const s = await importFile(db, gen.path, {
      move: args.move === 'one' ? oneStatement : undefined,
      rowsPerPiece: args['piece-rows'] ? Number(args['piece-rows']) : undefined,
      onProgress: (p) => {
        if (p.phase === 'assigning' && !moveStart) moveStart = performance.now();
      },
    });
    const wall = (performance.now() - w0) / 1000;
    const c = await cpu();
    sampling = false;
    await sampler;
    await new Promise((res) => setTimeout(res, 1500)); // statistics reach pg_stat_database
    const t1 = await temp();
    console.log(
      JSON.stringify({
        move: args.move ?? 'pieces',
        piece_rows: args['piece-rows'] ?? null,
        rows,
        run,
        status: s.status,
        imported: s.imported,
        wall_s: Math.round(wall * 10) / 10,
        move_s: moveStart ? Math.round((performance.now() - moveStart) / 100) / 10 : null,
        cpu_process_s: c.process,
        cpu_server_s: c.server,
        temp_files: Number(t1.files) - Number(t0.files),
        temp_mb: Math.round((Number(t1.bytes) - Number(t0.bytes)) / 1e6),
        peak_tmpdir_mb: Math.round(peak / 1e6),
        loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      }),
    );
  }
} finally {
  await watch.end();
  await db.close();
}

// `npx tsx scripts/bench/explain-move.ts [--rows N]`: EXPLAIN (ANALYZE, BUFFERS) of the importer's
// MOVE_SQL on the server (DATABASE_URL), on the benchmark file staged as the importer stages it, into
// a copy of incidents; rolled back. Shows where the move's time goes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb } from '../../api/db/index.js';
import { importFile } from '../../api/imports/index.js';
import { MOVE_SQL } from '../../api/imports/incidents.js';
import { loadWards, policeUkCsv } from './generate.js';
import { stageChunks, STAGE_COLUMNS } from './js-phases.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WARDS = path.join(ROOT, '..', 'shared', 'data', 'lewisham_wards_2022.geojson');
const { values: args } = parseArgs({ options: { rows: { type: 'string' }, before: { type: 'string', multiple: true } } });
const gen = await policeUkCsv(Number(args.rows ?? 200_000), 1, loadWards(WARDS));
const db = await openDb({ databaseUrl: process.env.DATABASE_URL });
try {
  const w = await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' });
  await db
    .transaction(async (tx) => {
      await tx.exec(`TRUNCATE incidents`);
      await tx.exec(`CREATE TEMP TABLE import_stage (line integer, nk text, source_id text, category text, occurred_at timestamp,
      time_precision text, lon double precision, lat double precision, location_precision text, location_text text, age_band text,
      outcome text, lsoa_given text, h3_7 text, h3_8 text, h3_9 text, h3_10 text) ON COMMIT DROP`);
      for await (const c of stageChunks(gen.path)) await tx.copyCsv('import_stage', STAGE_COLUMNS, c.text);
      // --before "SET LOCAL work_mem = '64MB'" (repeatable): statements run before the move.
      for (const b of args.before ?? []) await tx.exec(b);
      const plan = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, TIMING) ${MOVE_SQL}`, [
        w.batchId,
        'x',
        false,
      ]);
      console.log(plan.map((r) => r['QUERY PLAN']).join('\n'));
      throw new Error('rollback');
    })
    .catch((e) => {
      if ((e as Error).message !== 'rollback') throw e;
    });
} finally {
  await db.close();
}

// `npm run citus-check`: what the app's SQL would meet on Citus (issue 16; docs/SCALE-OUT.md). ON PAPER: Citus is
// not installable here, so no Citus planner sees these statements. The script
//  1. captures every SQL statement the app sends while it imports the real Lewisham and Hackney files and
//     answers a representative set of API requests (embedded PGlite, in memory), through a logging Db;
//  2. classifies each by the layout of docs/SCALE-OUT.md (incidents and incident_keys distributed, areas and
//     lookups reference tables, the rest local to the coordinator) with a rule table: routable, pushdown or
//     needs change, with the reason;
//  3. simulates the shard layout at national volume from the real per-cell counts: rows per shard and
//     per-request fan-out, with Citus's hash ranges (PostgreSQL hashint8 of h3_7, 32 shards).
// Output: a table on stdout and JSON in bench-results/citus-check.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../api/app.js';
import { parseConfig } from '../api/config.js';
import { openDb, type Db, type Queryable } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { clientFor } from '../test/helpers/auth.js';
import { SHARED } from '../test/helpers/shared.js';

type Kind = 'routable' | 'pushdown' | 'needs change';
const DISTRIBUTED: Record<string, string> = { incidents: 'h3_7', incident_keys: 'dedup_key' };
const REFERENCE = new Set([
  'areas',
  'area_parts',
  'area_sets',
  'categories',
  'area_population',
  'area_population_resolved',
  'population_lookup',
  'population_lookup_sets',
  'lsoa_centroids',
  'harm_schemes',
  'harm_weights',
  'offence_codes',
  'coverage',
  'settings',
  'place_names',
]);

/** Tables a statement names (CTE names left out). */
function tables(sql: string): string[] {
  const ctes = new Set(
    [...sql.matchAll(/(?:WITH|,)\s+([a-z_][a-z0-9_]*)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(/gi)].map((m) =>
      m[1].toLowerCase(),
    ),
  );
  const names = [...sql.matchAll(/(?<!DISTINCT )\b(?:FROM|JOIN|INTO|UPDATE|TRUNCATE)\s+(?:ONLY\s+)?([a-z_][a-z0-9_.]*)/gi)].map(
    (m) => m[1].toLowerCase().replace(/^public\./, ''),
  );
  return [...new Set(names.filter((n) => !ctes.has(n) && !/^(unnest|generate_series|json\w*|lateral|select)$/.test(n)))];
}

/** The rule table: the first rule that applies decides. */
export function classify(sql: string): { kind: Kind; reason: string; tables: string[] } {
  const t = tables(sql);
  const base = (n: string) => (/^incidents_(\d{4}_\d{2}|default)$/.test(n) ? 'incidents' : n);
  const dist = [...new Set(t.map(base).filter((n) => n in DISTRIBUTED))];
  const local = t
    .map(base)
    .filter((n) => !(n in DISTRIBUTED) && !REFERENCE.has(n) && !n.startsWith('pg_') && n !== 'import_stage');
  const modifies = /\b(INSERT|UPDATE|DELETE)\b/i.test(sql);
  if (/ensure_incident_partitions|detach_incident_partition|ATTACH PARTITION/i.test(sql))
    return {
      kind: 'needs change',
      reason: 'partition DDL: on Citus use create_time_partitions()/drop_old_time_partitions() on the distributed parent',
      tables: t,
    };
  if (!dist.length)
    return {
      kind: 'routable',
      reason: local.length ? 'coordinator-local tables only' : 'reference/catalog tables only (any node)',
      tables: t,
    };
  if (dist.length > 1)
    return {
      kind: 'needs change',
      reason: `${dist.join(' and ')} are not co-located (distributed by ${dist.map((d) => DISTRIBUTED[d]).join(' / ')}): split into one statement per table`,
      tables: t,
    };
  if (/\bWITH\b[\s\S]*\b(INSERT|UPDATE|DELETE)\b[\s\S]*\bRETURNING\b/i.test(sql) && modifies)
    return {
      kind: 'needs change',
      reason: 'data-modifying CTE on a distributed table: run the steps as separate statements',
      tables: t,
    };
  if (local.length)
    return {
      kind: modifies ? 'needs change' : 'pushdown',
      reason: modifies
        ? `writes a distributed table from/with coordinator-local ${local.join(', ')}: INSERT..SELECT via the coordinator; make the local side a reference table or pass values`
        : `joins coordinator-local ${local.join(', ')}: Citus plans it by pulling the local side (recursive planning); fine when small`,
      tables: t,
    };
  if (/\bOVER\s*\((?![^)]*h3_7)[^)]*\)/i.test(sql) && !/GROUP BY/i.test(sql.split(/\bOVER\b/i)[0]))
    return {
      kind: 'needs change',
      reason: 'window function over distributed rows not partitioned by h3_7: aggregate first, then window',
      tables: t,
    };
  if (/\bh3_7\s*=\s*\$\d+/i.test(sql))
    return { kind: 'routable', reason: 'equality on the distribution column: one shard', tables: t };
  if (/\bINSERT\b/i.test(sql))
    return {
      kind: 'pushdown',
      reason: 'INSERT..SELECT into a distributed table from staged rows: repartitioned by the coordinator',
      tables: t,
    };
  return {
    kind: 'pushdown',
    reason: /GROUP BY|count\(|sum\(/i.test(sql)
      ? 'aggregate over a distributed table (with reference tables only): per-shard partial aggregates merged on the coordinator'
      : 'filter over a distributed table (with reference tables only): every shard, results merged',
    tables: t,
  };
}

/** A Db that records every statement (and the statements of its transactions). */
function logging(db: Db, seen: Map<string, { sql: string; count: number; label: string }>, label: () => string): Db {
  const note = (sql: string) => {
    const key = sql
      .replace(/--[^\n]*/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    const s = seen.get(key);
    if (s) s.count++;
    else seen.set(key, { sql: key, count: 1, label: label() });
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => (note(sql), q.query(sql, params)),
    exec: (sql) => (note(sql), q.exec(sql)),
    copyCsv: (table, columns, csv) => (note(`COPY ${table} (${columns.join(', ')}) FROM STDIN`), q.copyCsv(table, columns, csv)),
  });
  const out = Object.create(db) as Db;
  Object.assign(out, wrap(db));
  out.transaction = (fn) => db.transaction((tx) => fn(wrap(tx)));
  return out;
}

const REQUESTS = [
  '/api/summary',
  '/api/categories',
  '/api/config',
  '/api/area-sets',
  '/api/areas?level=ward',
  '/api/stats/areas?level=ward&from=2023-03&to=2024-02',
  '/api/hexes?res=8&from=2023-03&to=2024-02',
  '/api/hexes?res=10&from=2023-03&to=2024-02&bbox=-0.05,51.44,-0.01,51.47',
  '/api/incidents?limit=100&from=2023-03&to=2023-06',
  '/api/coverage?from=2023-03&to=2024-02',
  '/api/series?from=2022-03&to=2025-02',
  '/api/hotspots?res=8&from=2023-03&to=2024-02',
  '/api/hotspots?level=ward&from=2023-03&to=2024-02',
  '/api/hotspots/top?res=9&from=2023-03&to=2024-02',
  '/api/change?res=8&from=2024-03&to=2025-02',
  '/api/emerging?res=8&from=2022-03&to=2025-02',
  '/api/profile?level=ward&code=E05013732&from=2023-03&to=2024-02',
  '/api/knox?from=2023-03&to=2023-09',
  '/api/harm-schemes',
];

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-citus-'));
  const raw = await openDb({});
  const seen = new Map<string, { sql: string; count: number; label: string }>();
  let current = 'start-up';
  const db = logging(raw, seen, () => current);
  const files = [
    'lewisham_wards_2022.geojson',
    'lewisham_burglary_street_2022-03_2025-02.csv',
    'hackney_burglary_street_2022-03_2025-02.csv',
  ];
  for (const f of files) {
    current = `import ${f}`;
    const s = await importFile(db, path.join(SHARED, f));
    if (s.status !== 'committed') throw new Error(`${f}: ${s.error?.message}`);
  }
  const config = parseConfig({ DATA_DIR: tmp });
  current = 'sign-in';
  const client = await clientFor(createApp({ db, config }), db, 'analyst');
  const statuses: Record<string, number> = {};
  for (const r of REQUESTS) {
    current = `GET ${r}`;
    statuses[r] = (await client.request(r)).status;
  }

  // Shard simulation from the real cells (Lewisham + Hackney burglary, 3 years).
  const SHARDS = 32;
  const cells = await raw.query<{ h3_7: string; n: number; shard: number; borough: string }>(
    `SELECT h3_7::text, count(*)::int AS n, min(CASE WHEN lon > -0.07 AND lat < 51.5 THEN 'lewisham' ELSE 'hackney' END) AS borough,
            floor((hashint8(h3_7)::bigint + 2147483648) / (4294967296 / ${SHARDS}))::int AS shard
     FROM incidents GROUP BY h3_7`,
  );
  const rows = cells.reduce((a, c) => a + c.n, 0);
  // National volume (issue 16): ~6M street crimes a year in England and Wales, 5 years kept = 30M rows, over the
  // ~29,000 H3 res-7 cells of England and Wales (151,000 km² / 5.16 km² per cell), each cell drawn (seeded) from
  // the real per-cell counts of these two boroughs and scaled to the total. Inner London is denser than most of
  // the country, so this overstates the skew between cells, not the shard balance (hashing spreads cells).
  const NATIONAL = 30_000_000;
  const NCELLS = 29_000;
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const drawn = Array.from({ length: NCELLS }, () => cells[Math.floor(rnd() * cells.length)].n);
  const scale = NATIONAL / drawn.reduce((a, b) => a + b, 0);
  const perShard = new Array(SHARDS).fill(0);
  // Synthetic cells get hash ranges uniformly (what hashint8 of distinct ids gives); the real cells' shards are above.
  for (const n of drawn) perShard[Math.floor(rnd() * SHARDS)] += n * scale;
  const mean = NATIONAL / SHARDS;
  const fanout = (b?: string) => new Set(cells.filter((c) => !b || c.borough === b).map((c) => c.shard)).size;
  const sim = {
    shards: SHARDS,
    real: { rows, cells: cells.length, lewisham_shards: fanout('lewisham'), hackney_shards: fanout('hackney'), both: fanout() },
    national: {
      rows: NATIONAL,
      cells: NCELLS,
      rows_per_shard: { min: Math.round(Math.min(...perShard)), mean: Math.round(mean), max: Math.round(Math.max(...perShard)) },
      max_over_mean: Math.round((Math.max(...perShard) / mean) * 100) / 100,
    },
    fanout_per_request: {
      'one borough (summary, stats/areas, hexes, hotspots over the study area)': `${fanout('lewisham')}-${fanout('hackney')} of ${SHARDS} shards (real cells)`,
      'two boroughs': `${fanout()} of ${SHARDS}`,
      'national view': `${SHARDS} of ${SHARDS}`,
      'z14 record-level tile or h3_7 cell filter': '1 (2 at a cell edge)',
      import: 'every shard holding a cell of the file (a force: most shards)',
    },
  };

  const list = [...seen.values()].map((s) => ({ ...s, ...classify(s.sql) }));
  const byKind = (k: Kind) => list.filter((s) => s.kind === k).length;
  console.log(`Statements captured: ${list.length} distinct (${list.reduce((a, s) => a + s.count, 0)} sent)`);
  console.log(`routable ${byKind('routable')}, pushdown ${byKind('pushdown')}, needs change ${byKind('needs change')}`);
  console.log('Request statuses:', JSON.stringify(statuses));
  for (const s of list.filter((x) => x.kind !== 'routable'))
    console.log(`\n[${s.kind}] (${s.label}) ${s.reason}\n  ${s.sql.slice(0, 240)}${s.sql.length > 240 ? ' ...' : ''}`);
  console.log('\nShard simulation:', JSON.stringify(sim, null, 2));
  fs.mkdirSync('bench-results', { recursive: true });
  fs.writeFileSync('bench-results/citus-check.json', JSON.stringify({ statuses, statements: list, simulation: sim }, null, 2));
  await raw.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

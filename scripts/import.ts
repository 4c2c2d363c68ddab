// `npm run import -- <file> [options]`: the same import code as POST /api/imports.
// With the embedded database: if the app is running it owns the data directory, so the file is sent
// through the app's API; otherwise the CLI opens the database itself (holding the same lock).
// With DATABASE_URL the CLI talks to the server directly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { configOrExit } from '../api/config.js';
import { openConfiguredDb } from '../api/db/index.js';
import { IMPORT_KINDS, importFile, type ImportKind, type ImportSummary } from '../api/imports/index.js';
import { acquireLockOrExit, readLock, releaseLock } from '../api/lock.js';
import { audit } from '../api/auth/audit.js';
import { API_TOKEN_RE } from '../api/auth/secrets.js';

const HELP = `Usage: npm run import -- <file> [options]

Imports police.uk street CSVs, incident CSVs (with a column mapping), GeoJSON/TopoJSON boundaries
and population CSVs. The kind is detected from the file when --kind is not given.

Options:
  --kind <k>            ${IMPORT_KINDS.join(' | ')}
  --level <level>       area level for boundaries/population (ward, lsoa, ...); ONS fields (WD22CD, LSOA21CD) imply it
  --code-field <name>   boundary/population property holding the area code
  --name-field <name>   boundary property holding the area name
  --value-field <name>  population column
  --crs <crs>           EPSG:4326 or EPSG:27700, when the file does not say
  --object <name>       TopoJSON object to read
  --mapping <m>         incident CSV columns: "date=Date,category=Offence,easting=X,northing=Y[,id=Ref,time=Time,age=..]"
                        or the name of a saved mapping
  --save-mapping <name> save the mapping for reuse
  --dataset <label>     label stored with the incidents
  --source <text>       boundaries/population: where they come from (shown in the map attribution);
                        ONS code fields imply the Office for National Statistics
  --replace             boundaries: confirm replacing a loaded level by a file without some of its codes
                        (without it such an import lists the areas it would remove and changes nothing;
                        in a terminal you are asked)
  --token <token>       API token (scope import) when the CLI goes through the running app;
                        default SAFERPLACES_TOKEN. Make one with: npm run user -- token <email> --scope import,read
  --json                print the summary as JSON (no progress bar)
  -h, --help            this help
Environment: DATA_DIR (embedded database, default ./.saferplaces), DATABASE_URL (PostGIS server),
SAFERPLACES_TOKEN. Without a running app the CLI opens the database itself (logged as a CLI import).`;

type Args = {
  kind?: string;
  level?: string;
  'code-field'?: string;
  'name-field'?: string;
  'value-field'?: string;
  crs?: string;
  object?: string;
  mapping?: string;
  'save-mapping'?: string;
  dataset?: string;
  json?: boolean;
  help?: boolean;
  token?: string;
  replace?: boolean;
  source?: string;
};

function fail(msg: string, code = 2): never {
  console.error(msg);
  process.exit(code);
}

function bar(json: boolean) {
  if (json || !process.stderr.isTTY) return { update: (_r: number, _t: number, _rows: number) => {}, stop: () => {} };
  const b = new cliProgress.SingleBar(
    { format: 'Importing [{bar}] {percentage}% | {rows} rows | {value}/{total} MB', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(read: number, total: number, rows: number) {
      const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
      if (!started) {
        b.start(mb(total) || 0.1, 0, { rows: 0 });
        started = true;
      }
      b.update(mb(read), { rows });
    },
    stop: () => started && b.stop(),
  };
}

function printSummary(s: ImportSummary | Record<string, unknown>, json: boolean) {
  if (json) return console.log(JSON.stringify(s, null, 2));
  const x = s as ImportSummary;
  if (x.status === 'failed') {
    console.error(
      `Import ${x.batchId} FAILED: ${x.error?.message}${x.error?.line ? ` (line ${x.error.line})` : ''}\nNothing was changed.`,
    );
    const removal = removalOf(x);
    const rejected = (removal as { rejected?: { reason: string }[]; rejected_count?: number } | null)?.rejected;
    if (rejected?.length) {
      console.error(`\nFeatures that could not be used (${(removal as { rejected_count?: number }).rejected_count}):`);
      for (const r of rejected.slice(0, 50)) console.error(`  ${r.reason}`);
    }
    if (removal && removal.remove_count) {
      console.error(`\nAreas at level "${removal.level}" that replacing would remove (${removal.remove_count}):`);
      for (const a of removal.remove) console.error(`  ${a.code}  ${a.name}`);
      if (removal.remove_count > removal.remove.length)
        console.error(`  ... and ${removal.remove_count - removal.remove.length} more`);
      console.error('Run again with --replace to replace them, or give the level this file holds (--level).');
    }
    if (rejected?.length) console.error('Fix the file, or run again with --replace to load the usable features without them.');
  } else {
    console.log(`Import ${x.batchId} (${x.kind}) of ${x.fileName}: committed.`);
    console.log(
      `  rows read ${x.rowsRead}, imported ${x.imported}, duplicates ${x.duplicates}, rejected ${x.rejected}` +
        (x.kind === 'police_uk_street' || x.kind === 'incidents_csv' ? `, outside the study area ${x.outsideStudyArea}` : ''),
    );
    const d = x.details as Record<string, any>;
    if (d.repeatedSourceIds?.ids)
      console.log(
        `  ${d.repeatedSourceIds.ids} ids appear on more than one row (${d.repeatedSourceIds.rows} rows); ${d.repeatedSourceIds.counted}.`,
      );
    if (d.level)
      console.log(
        `  level ${d.level}: ${d.added ?? ''}${d.added !== undefined ? ' added, ' : ''}${d.changed ?? ''}${d.changed !== undefined ? ' changed, ' : ''}${d.removed !== undefined ? `${d.removed} removed` : ''}`,
      );
    if (d.note) console.log(`  note: ${d.note}`);
  }
  const rej = (x.rejects ?? []) as Array<{ line: number; reason: string }>;
  if (rej.length) {
    console.log(`  rejects (first ${Math.min(rej.length, 20)} of ${x.rejected}):`);
    for (const r of rej.slice(0, 20)) console.log(`    line ${r.line}: ${r.reason}`);
  }
}

interface Removal {
  level: string;
  remove_count: number;
  remove: { code: string; name: string }[];
}

/** The areas a refused boundary import would have removed (error code replace_required), if that is why it failed. */
function removalOf(s: Pick<ImportSummary, 'error'>): Removal | null {
  const e = s.error as (ImportSummary['error'] & { details?: unknown }) | undefined;
  return e?.code === 'replace_required' && e.details ? (e.details as unknown as Removal) : null;
}

/** In a terminal, ask whether to go ahead with a replacement the import refused; never without one. */
async function confirmReplace(s: Pick<ImportSummary, 'error'>, json: boolean): Promise<boolean> {
  if (json || !removalOf(s) || !process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Replace them now? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

async function viaApp(file: string, a: Args, port: number, host: string, token: string, appAlive: () => boolean) {
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const q = new URLSearchParams({ filename: path.basename(file) });
  const map: Record<string, string | undefined> = {
    kind: a.kind,
    level: a.level,
    code_field: a['code-field'],
    name_field: a['name-field'],
    value_field: a['value-field'],
    crs: a.crs,
    object: a.object,
    mapping: a.mapping,
    save_mapping: a['save-mapping'],
    dataset: a.dataset,
    replace: a.replace ? 'true' : undefined,
    source: a.source,
  };
  for (const [k, v] of Object.entries(map)) if (v !== undefined) q.set(k, v);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' };
  const res = await fetch(`${base}/api/imports?${q}`, {
    method: 'POST',
    headers,
    body: fs.createReadStream(file) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as { id?: number; error?: { message: string } };
  if (!res.ok) fail(`Import failed: ${body.error?.message ?? res.statusText}`, 1);
  const b = bar(!!a.json);
  const p = await followJob(base, body.id!, headers, appAlive, b, !!a.json);
  b.stop();
  const rej = (await getJson(`${base}/api/imports/${body.id}/rejects?limit=20`, headers, appAlive)) as { rejects: unknown[] };
  const s = {
    batchId: p.id,
    kind: p.kind,
    fileName: p.file_name,
    status: p.status,
    rowsRead: p.rows_read,
    imported: p.imported,
    duplicates: p.duplicates,
    rejected: p.rejected,
    outsideStudyArea: p.outside_study_area,
    details: p.summary,
    rejects: rej.rejects,
    error: p.error,
  };
  printSummary(s, !!a.json);
  if (p.status === 'failed' && !a.replace && (await confirmReplace(s, !!a.json)))
    return viaApp(file, { ...a, replace: true }, port, host, token, appAlive);
  return p.status === 'committed';
}

/** Each status request gives up after this long and is sent again (the app may be busy, not gone). */
const POLL_TIMEOUT_MS = 20_000;
/** Polling interval for a remote job. */
const POLL_MS = 250;
/** While the app does not answer, a line on stderr at most this often. */
const WAIT_NOTE_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * GET a JSON answer from the app, retrying for as long as the app's process lives: a request that times
 * out, a refused connection or a 5xx is sent again (the embedded database answers reads only between an
 * import's statements, so a status request can wait minutes for the import's final transaction). Gives up
 * only when the app has stopped, or on an answer that will not change (4xx).
 */
async function getJson(
  url: string,
  headers: Record<string, string>,
  appAlive: () => boolean,
  onWait?: (why: string, sinceMs: number) => Promise<void>,
): Promise<Record<string, any>> {
  let since: number | undefined;
  for (;;) {
    let why: string;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
      if (res.ok) return (await res.json()) as Record<string, any>;
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      if (res.status < 500) fail(`The app refused ${new URL(url).pathname}: ${body.error?.message ?? res.statusText}`, 1);
      why = `the app answered ${res.status} (${body.error?.message ?? res.statusText})`;
    } catch (e) {
      const name = (e as Error).name;
      why = name === 'TimeoutError' ? `no answer within ${POLL_TIMEOUT_MS / 1000} s` : `${(e as Error).message}`;
    }
    since ??= performance.now();
    if (!appAlive())
      fail(
        `The app stopped while the import was running (${why}). When it starts again an unfinished import is marked ` +
          'failed ("abandoned") and nothing of it is kept; its status is in the Import page and GET /api/imports.',
        1,
      );
    await onWait?.(why, performance.now() - since);
    await sleep(POLL_MS * 4);
  }
}

/** Follow an import through the app until it has committed or failed, however long it takes. */
async function followJob(
  base: string,
  id: number,
  headers: Record<string, string>,
  appAlive: () => boolean,
  b: ReturnType<typeof bar>,
  json: boolean,
): Promise<Record<string, any>> {
  const t0 = performance.now();
  let lastNote = 0;
  let phase: string | undefined;
  const note = (msg: string) => {
    if (!json && process.stderr.isTTY) process.stderr.write('\n');
    console.error(msg);
  };
  const onWait = async (why: string, sinceMs: number) => {
    if (performance.now() - lastNote < WAIT_NOTE_MS) return;
    lastNote = performance.now();
    // Health answers without queueing behind the import: is the embedded database busy, and for how long?
    const health = (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5000) })
      .then((r) => r.json())
      .catch(() => null)) as { database?: { busy?: { ms: number } } } | null;
    const busy = health?.database?.busy;
    const state = busy
      ? `the app is up; the embedded database has been busy for ${Math.round(busy.ms / 1000)} s (the import runs in one transaction, other reads wait for it)`
      : health
        ? 'the app is up'
        : 'the app does not answer health either';
    note(
      `Import ${id}: no status for ${Math.round(sinceMs / 1000)} s (${why}); ${state}. Still following it, ` +
        `${Math.round((performance.now() - t0) / 1000)} s since the upload.`,
    );
  };
  for (;;) {
    const p = await getJson(`${base}/api/imports/${id}`, headers, appAlive, onWait);
    if (p.status === 'committed' || p.status === 'failed') return p;
    if (p.phase && p.phase !== phase) {
      phase = p.phase;
      if (phase === 'assigning' && (json || !process.stderr.isTTY))
        console.error(`Import ${id}: all ${p.rows_read} rows read; assigning areas and writing them (one transaction) ...`);
    }
    if (p.bytes_total) b.update(p.bytes_read ?? 0, p.bytes_total, p.rows_read ?? 0);
    await sleep(POLL_MS);
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        kind: { type: 'string' },
        level: { type: 'string' },
        'code-field': { type: 'string' },
        'name-field': { type: 'string' },
        'value-field': { type: 'string' },
        crs: { type: 'string' },
        object: { type: 'string' },
        mapping: { type: 'string' },
        'save-mapping': { type: 'string' },
        dataset: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        token: { type: 'string' },
        replace: { type: 'boolean' },
        source: { type: 'string' },
      },
    });
  } catch (e) {
    fail(`${(e as Error).message}\n\n${HELP}`);
  }
  const a = parsed.values as Args;
  if (a.help) return console.log(HELP);
  if (parsed.positionals.length !== 1) fail(`Give exactly one file.\n\n${HELP}`);
  const file = path.resolve(parsed.positionals[0]);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`No such file: ${file}`);
  if (a.kind && !IMPORT_KINDS.includes(a.kind as ImportKind)) fail(`--kind must be one of ${IMPORT_KINDS.join(', ')}`);

  const config = configOrExit();
  if (!config.DATABASE_URL) {
    const held = readLock(config.dataDir);
    if (held?.owner === 'app' && held.port) {
      const token = a.token ?? config.SAFERPLACES_TOKEN;
      if (!token) {
        fail(
          `The app is running (pid ${held.pid}) and holds the database, so the import goes through it and needs an API token\n` +
            'with the import and read scopes: --token <token> or SAFERPLACES_TOKEN. An admin makes one with\n' +
            '  npm run user -- token <analyst email> --scope import,read',
        );
      }
      if (!API_TOKEN_RE.test(token)) fail('--token must be a Saferplaces API token (spt_...).');
      if (!a.json) console.error(`The app is running (pid ${held.pid}); importing through it on port ${held.port}.`);
      const appAlive = () => readLock(config.dataDir)?.pid === held.pid;
      process.exit((await viaApp(file, a, held.port, held.host ?? '127.0.0.1', token, appAlive)) ? 0 : 1);
    }
  }
  const lock = config.DATABASE_URL ? undefined : acquireLockOrExit(config.dataDir, 'cli');
  const db = await openConfiguredDb(config);
  const b = bar(!!a.json);
  const actor = `cli:${os.userInfo().username}`;
  const run = async (replace: boolean) => {
    const s = await importFile(db, file, {
      kind: a.kind as ImportKind | undefined,
      level: a.level,
      codeField: a['code-field'],
      nameField: a['name-field'],
      valueField: a['value-field'],
      crs: a.crs,
      object: a.object,
      mapping: a.mapping,
      saveMapping: a['save-mapping'],
      dataset: a.dataset,
      createdBy: actor,
      replace,
      source: a.source,
      onProgress: (p) => p.phase !== 'finishing' && b.update(p.bytesRead, p.bytesTotal, p.rowsRead),
    });
    b.stop();
    await audit(db, { email: actor, via: 'cli' }, null, {
      action: 'import',
      resource: `imports/${s.batchId}`,
      query: { file: path.basename(file), kind: s.kind, replace },
      recordCount: s.imported,
      outcome: s.status,
    });
    printSummary(s, !!a.json);
    return s;
  };
  try {
    let s = await run(!!a.replace);
    if (s.status === 'failed' && !a.replace && (await confirmReplace(s, !!a.json))) s = await run(true);
    process.exitCode = s.status === 'committed' ? 0 : 1;
  } finally {
    await db.close();
    if (lock) releaseLock(lock);
  }
}

main().catch((e) => {
  console.error(`Import failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});

// The embedded database in its own thread (issue 16: a 1M-row import on PGlite froze the app's event loop,
// so /api/health waited 481 s). PGlite runs PostgreSQL compiled to WebAssembly synchronously in the thread
// that calls it; here that thread is this worker, and the app's thread only posts messages and awaits
// answers (api/db/index.ts `openPgliteWorker`). Plain JavaScript on purpose: a worker is loaded by Node
// itself, with no TypeScript loader (under tsx, vitest or a built server alike).
//
// Protocol (main → worker): { id, op, ...args }; answer (worker → main): { id, ok: true, value } or
// { id, ok: false, error: { message, name, ...fields } }; notifications: { notify: channel, payload }.
// A transaction is `begin` (answered once PGlite has begun it), statements carrying its `tx`, then `end`
// with commit true/false (answered when PGlite has committed or rolled back). PGlite's own mutex queues
// every other statement behind an open transaction, as in one thread.
import { parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

const INT8 = 20;
const NUMERIC = 1700;
const toNum = (v) => (v === null ? null : Number(v));

const { dataDir, loadDataDir } = workerData;
if (dataDir) fs.mkdirSync(dataDir, { recursive: true });

/** Errors cross the thread boundary as plain objects; PostgreSQL's fields (code, detail, ...) are kept. */
function plain(e) {
  if (!(e instanceof Error)) return { message: String(e), name: 'Error' };
  const out = { message: e.message, name: e.name };
  for (const k of Object.keys(e)) {
    const v = e[k];
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  }
  return out;
}

class Rollback extends Error {}

const txs = new Map(); // tx id -> { t: PGlite transaction, end: resolve(commit: boolean), done: Promise }
const unlisten = new Map(); // channel -> function

let pg;
try {
  pg = await PGlite.create({
    dataDir,
    loadDataDir: loadDataDir ? new Blob([loadDataDir]) : undefined,
    extensions: { postgis },
    parsers: { [INT8]: toNum, [NUMERIC]: toNum },
  });
} catch (e) {
  parentPort.postMessage({ ready: false, error: plain(e) });
  process.exit(1);
}

const on = (tx) => {
  if (tx === undefined || tx === null) return pg;
  const t = txs.get(tx);
  if (!t) throw new Error(`no open transaction ${tx}`);
  return t.t;
};

const ops = {
  async query({ sql, params, tx, blob }) {
    const q = on(tx);
    const r = await q.query(sql, params ?? [], blob === undefined ? undefined : { blob: new Blob([blob]) });
    return r.rows;
  },
  async exec({ sql, tx }) {
    await on(tx).exec(sql);
  },
  begin({ tx }) {
    return new Promise((begun, failed) => {
      let end;
      const ended = new Promise((r) => (end = r));
      let started = false;
      const done = pg.transaction(async (t) => {
        started = true;
        txs.get(tx).t = t;
        begun();
        if (!(await ended)) throw new Rollback('rolled back');
      });
      txs.set(tx, { t: undefined, end, done });
      done.catch((e) => {
        if (started) return; // answered by `end`
        txs.delete(tx);
        failed(e);
      });
    });
  },
  async end({ tx, commit }) {
    const s = txs.get(tx);
    if (!s) throw new Error(`no open transaction ${tx}`);
    s.end(commit);
    try {
      await s.done;
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    } finally {
      txs.delete(tx);
    }
  },
  async listen({ channel }) {
    if (unlisten.has(channel)) return;
    unlisten.set(channel, await pg.listen(channel, (payload) => parentPort.postMessage({ notify: channel, payload })));
  },
  async unlisten({ channel }) {
    const stop = unlisten.get(channel);
    unlisten.delete(channel);
    if (stop && !pg.closed) await stop();
  },
  async snapshot() {
    await pg.exec('CHECKPOINT');
    const blob = await pg.runExclusive(() => pg.dumpDataDir('gzip'));
    return new Uint8Array(await blob.arrayBuffer());
  },
  async close() {
    await pg.close();
  },
};

parentPort.on('message', async (m) => {
  try {
    const value = await ops[m.op](m);
    const transfer = value instanceof Uint8Array ? [value.buffer] : [];
    parentPort.postMessage({ id: m.id, ok: true, value }, transfer);
    if (m.op === 'close') process.exit(0);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: plain(e) });
  }
});
parentPort.postMessage({ ready: true });

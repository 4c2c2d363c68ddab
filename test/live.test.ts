// Issue 7 backend: the change feed (GET /api/live over a real HTTP server, read as a byte stream like
// EventSource does), ingest (POST /api/incidents), meetings (follow the presenter) and the tasking
// pack (GET /api/pack, POST /api/exports/pack), on every database driver, with real police.uk rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { parse as parseCsv } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { createToken } from '../api/auth/store.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { hubFor } from '../api/live/hub.js';
import { perturbCount } from '../geodata/disclosure/cell-key.js';
import { clientFor, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const haveShared = fs.existsSync(SHARED);
const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const BURGLARY = SHARED + 'lewisham_burglary_street_2022-03_2025-02.csv';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-live-'));
// Waits below are for events and states; their deadline only guards against a hang.
const WAIT_MS = 120_000;
// The product promise is "within 2 s" (commit → event on an open stream). On a loaded machine the delay is mostly
// waiting for a CPU, so the budget grows with the run queue per CPU (load 30 on 2 CPUs → 30 s).
const latencyBudget = () => 2000 * Math.max(1, os.loadavg()[0] / os.availableParallelism());

/** A police.uk street CSV of lines [from, to) of the burglary file (header kept). */
function slice(from: number, to: number): string {
  const lines = fs.readFileSync(BURGLARY, 'utf8').split('\n');
  const file = path.join(tmp, `burglary-${from}-${to}.csv`);
  fs.writeFileSync(file, [lines[0], ...lines.slice(from, to)].join('\n') + '\n');
  return file;
}

interface Sse {
  event: string;
  data: string;
  id?: string;
  at: number;
}

/** An event-stream reader over fetch (what EventSource does, minus reconnecting). */
async function openStream(url: string, headers: Record<string, string>) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  const events: Sse[] = [];
  let comments = 0;
  let ended = false;
  let wake: () => void = () => undefined;
  const pump = (async () => {
    if (!res.body) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: Sse = { event: 'message', data: '', at: Date.now() };
          let fields = 0;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments++;
            else if (line.startsWith('event: ')) (e.event = line.slice(7)), fields++;
            else if (line.startsWith('data: ')) (e.data += line.slice(6)), fields++;
            else if (line.startsWith('id: ')) (e.id = line.slice(4)), fields++;
          }
          if (fields) events.push(e);
          wake();
        }
      }
    } catch {
      // aborted
    }
    ended = true;
    wake();
  })();
  let cursor = 0;
  return {
    res,
    events,
    get ended() {
      return ended;
    },
    get comments() {
      return comments;
    },
    /** The next event named `name` (after the last one returned), or a timeout error. */
    async next(name: string, ms = WAIT_MS): Promise<Sse & { json: any }> {
      const deadline = Date.now() + ms;
      for (;;) {
        const k = events.findIndex((e, j) => j >= cursor && e.event === name);
        if (k >= 0) {
          cursor = k + 1;
          return { ...events[k], json: JSON.parse(events[k].data) };
        }
        if (ended) throw new Error(`stream ended before a "${name}" event`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no "${name}" event within ${ms} ms (got ${events.map((e) => e.event).join(', ')})`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, left).unref();
        });
      }
    },
    async close() {
      ctrl.abort();
      await pump;
    },
  };
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!haveShared).each(drivers())('live updates, ingest, meetings, pack (%s)', (driver) => {
  let db: Db;
  let app: ReturnType<typeof createApp>;
  let server: ServerType;
  let base: string;
  const as = new Map<string, Client>();
  const cookieOf = (role: string) => ({ cookie: as.get(role)!.cookie });
  const http = (role: string, url: string, init: RequestInit = {}) => {
    const c = as.get(role)!;
    const h = new Headers(init.headers);
    h.set('cookie', c.cookie);
    if (init.method && init.method !== 'GET') h.set('x-csrf-token', c.csrf);
    return fetch(base + url, { ...init, headers: h });
  };
  const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    await db.exec('TRUNCATE changes, meetings');
    const w = await importFile(db, WARDS, { kind: 'boundaries', level: 'ward' });
    expect(w.status).toBe('committed');
    app = createApp({ db, config: { dataDir: tmp, MAX_UPLOAD_MB: 2, BASEMAP_STYLE_URL: undefined } });
    for (const role of ['analyst', 'officer', 'partner', 'admin'] as const) as.set(role, await clientFor(app, db, role));
    as.set('analyst2', await clientFor(app, db, 'analyst'));
    // The register and CHB areas outlive resetData (the register's history is append-only): on a reused
    // database, delete what an earlier run left, through the API.
    const analyst = as.get('analyst')!;
    const left = await (await analyst.request('/api/interventions?type=outreach_site')).json();
    for (const f of left.features)
      expect((await analyst.request(`/api/interventions/${f.id}`, { method: 'DELETE' })).status).toBe(200);
    for (const a of (await (await analyst.request('/api/chb')).json()).areas)
      expect((await analyst.request(`/api/chb/${a.id}`, { method: 'DELETE' })).status).toBe(200);
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
  });

  // ---------- change feed ----------

  it('an import shows up on an open stream within 2 s, for analysts and (without location) partners', async () => {
    const analyst = await openStream(`${base}/api/live`, cookieOf('analyst'));
    const partner = await openStream(`${base}/api/live`, cookieOf('partner'));
    const officer = await openStream(`${base}/api/live`, cookieOf('officer'));
    expect(analyst.res.status).toBe(200);
    expect(analyst.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const ready = await analyst.next('ready');
    await partner.next('ready');
    await officer.next('ready');
    const s = await importFile(db, slice(1, 21));
    const committed = Date.now();
    expect(s).toMatchObject({ status: 'committed', imported: 20 });
    const e = await analyst.next('incidents');
    expect(e.at - committed).toBeLessThan(latencyBudget());
    expect(Number(e.id)).toBe(e.json.seq);
    expect(e.json.seq).toBeGreaterThan(ready.json.seq);
    const [ex] = await db.query<{ w: number; s: number; e: number; n: number }>(
      'SELECT min(lon) AS w, min(lat) AS s, max(lon) AS e, max(lat) AS n FROM incidents WHERE batch_id = $1',
      [s.batchId],
    );
    expect(e.json).toMatchObject({
      batch_id: s.batchId,
      count: 20,
      months: ['2022-03', '2022-03'],
      bbox: [ex.w, ex.s, ex.e, ex.n],
    });
    const p = await partner.next('incidents');
    // Partners: a "data changed" signal only (issue 15): no count, months or location.
    expect(p.json).toEqual({ seq: e.json.seq, at: e.json.at, batch_id: s.batchId, count: null, months: null, bbox: null });
    // Officers see record-level data in their area only: counts and months, not where the new rows lie.
    const o = await officer.next('incidents');
    expect(o.json).toMatchObject({ seq: e.json.seq, batch_id: s.batchId, count: 20, months: ['2022-03', '2022-03'], bbox: null });
    // Re-importing the same rows adds nothing and announces nothing.
    expect((await importFile(db, slice(1, 21))).imported).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(analyst.events.filter((x) => x.event === 'incidents')).toHaveLength(1);
    await analyst.close();
    await partner.close();
    await officer.close();
    await waitFor(() => hubFor(db).subscribers === 0);
  });

  it('a client reconnecting with Last-Event-ID (or ?after=) gets the changes it missed, in order, once', async () => {
    const first = await openStream(`${base}/api/live`, cookieOf('officer'));
    const seen = (await first.next('ready')).json.seq as number;
    await first.close();
    const a = await importFile(db, slice(21, 31));
    const token = await createToken(db, as.get('analyst')!.userId, ['ingest'], 'live test', null);
    const ing = await fetch(`${base}/api/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'RECONNECT-1',
        category: 'robbery',
        occurred_at: '2025-01-15T21:40:00Z',
        lon: -0.0203,
        lat: 51.4571,
      }),
    });
    expect(ing.status).toBe(200);
    const b = (await ing.json()).batch_id;
    const again = await openStream(`${base}/api/live`, { ...cookieOf('officer'), 'last-event-id': String(seen) });
    const e1 = await again.next('incidents');
    const e2 = await again.next('incidents');
    expect([e1.json.batch_id, e2.json.batch_id]).toEqual([a.batchId, b]);
    expect([Number(e1.id), Number(e2.id)]).toEqual([seen + 1, seen + 2]);
    expect((await again.next('ready')).json.seq).toBe(seen + 2);
    // A later change arrives live on the same stream.
    await importFile(db, slice(31, 33));
    expect((await again.next('incidents')).json.seq).toBe(seen + 3);
    await again.close();
    const q = await openStream(`${base}/api/live?after=${seen + 1}`, cookieOf('partner'));
    expect((await q.next('incidents')).json.seq).toBe(seen + 2);
    await q.close();
    expect((await http('analyst', '/api/live?after=abc')).status).toBe(400);
    expect((await fetch(`${base}/api/live`)).status).toBe(401);
    await waitFor(() => hubFor(db).subscribers === 0);
  });

  // ---------- ingest ----------

  const good = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    category: 'robbery',
    occurred_at: '2025-02-03T14:25',
    lon: -0.0209,
    lat: 51.4415,
    ...extra,
  });

  it('ingest refuses the whole request when any incident is invalid, with index and reason', async () => {
    const [{ n: before }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    const [{ n: batches }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_batches');
    const res = await http('analyst', '/api/incidents', {
      method: 'POST',
      ...json({
        incidents: [
          good('V-1'),
          good('V-2', { occurred_at: '2025-02-30' }),
          good('V-3', { category: 'not-a-category' }),
          good('V-4', { lon: undefined, lat: undefined, easting: 537000, northing: 175000 }),
          { ...good('V-5'), colour: 'red' },
          good('V-6', { lat: 95 }),
          good('V-7', { lon: 0, lat: 0 }),
          good('V-8', { easting: 537000, northing: 175000 }),
        ],
      }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('invalid_incidents');
    const rejected = body.error.details.rejected as Array<{ index: number; reason: string }>;
    expect(rejected.map((r) => r.index)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(rejected[0].reason).toMatch(/not a real date/);
    expect(rejected[1].reason).toMatch(/unknown category/);
    expect(rejected[2].reason).toMatch(/colour/);
    expect(rejected[3].reason).toMatch(/lat/);
    expect(rejected[4].reason).toMatch(/0,0/);
    expect(rejected[5].reason).toMatch(/either lon and lat/);
    // Nothing written: no incidents, no batch.
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents'))[0].n).toBe(before);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_batches'))[0].n).toBe(batches);
    // Too many, empty, not JSON.
    const many = Array.from({ length: 5001 }, (_, i) => ({ id: String(i) }));
    expect((await http('analyst', '/api/incidents', { method: 'POST', ...json(many) })).status).toBe(400);
    expect((await http('analyst', '/api/incidents', { method: 'POST', ...json({ incidents: [] }) })).status).toBe(400);
    expect((await http('analyst', '/api/incidents', { method: 'POST', body: 'id=1' })).status).toBe(415);
  });

  it("ingest: token scopes, the importer's normalisation, dedup on repeat, a batch, an audit row and an event", async () => {
    const analystId = as.get('analyst')!.userId;
    const read = await createToken(db, analystId, ['read'], 'live test', null);
    const imp = await createToken(db, analystId, ['import'], 'live test', null);
    const ingestTok = await createToken(db, analystId, ['ingest'], 'live test', null);
    const partnerTok = await createToken(db, as.get('partner')!.userId, ['ingest'], 'live test', null);
    const post = (token: string, body: unknown) =>
      fetch(`${base}/api/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const items = [
      good('ING-1'),
      good('ING-2', {
        occurred_at: '2025-02',
        age_band: '18-24',
        outcome: 'Under investigation',
        location: 'On or near Rushey Green',
      }),
      good('ING-3', {
        lon: undefined,
        lat: undefined,
        easting: 537950,
        northing: 174120,
        occurred_at: '2025-02-03T14:25:00+00:00',
      }),
      good('ING-4', { occurred_at: '2025-07-01T08:00:00Z' }),
    ];
    expect((await (await post(read.token, items)).json()).error.code).toBe('token_scope');
    expect((await (await post(imp.token, items)).json()).error.code).toBe('token_scope');
    expect((await (await post(partnerTok.token, items)).json()).error.code).toBe('forbidden');

    const stream = await openStream(`${base}/api/live`, cookieOf('analyst'));
    await stream.next('ready');
    const res = await post(ingestTok.token, { dataset: 'Force RMS', incidents: items });
    expect(res.status).toBe(200);
    const out = await res.json();
    expect(out).toMatchObject({ imported: 4, duplicates: 0, rejected: [] });
    const e = await stream.next('incidents');
    expect(e.json).toMatchObject({ batch_id: out.batch_id, count: 4, months: ['2025-02', '2025-07'] });
    await stream.close();

    const rows = await db.query<Record<string, unknown>>(
      `SELECT source_id, dataset, to_char(occurred_at, 'YYYY-MM-DD HH24:MI') AS at, time_precision, lon, lat, location_precision, ward_code, age_band, outcome, location_text
         FROM incidents WHERE batch_id = $1 ORDER BY source_id`,
      [out.batch_id],
    );
    expect(rows.map((r) => [r.source_id, r.at, r.time_precision])).toEqual([
      ['ING-1', '2025-02-03 14:25', 'minute'],
      ['ING-2', '2025-02-01 00:00', 'month'],
      ['ING-3', '2025-02-03 14:25', 'minute'],
      ['ING-4', '2025-07-01 09:00', 'minute'], // 08:00Z is 09:00 BST
    ]);
    expect(rows[1]).toMatchObject({
      dataset: 'Force RMS',
      location_precision: 'exact',
      age_band: '18-24',
      outcome: 'Under investigation',
      location_text: 'On or near Rushey Green',
    });
    // BNG reprojected (the importer's proj4 path) and every point assigned a Lewisham ward.
    const [pg] = await db.query<{ x: number; y: number }>(
      'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(537950, 174120), 27700), 4326) p',
    );
    expect(rows[2].lon as number).toBeCloseTo(pg.x, 3);
    expect(rows[2].lat as number).toBeCloseTo(pg.y, 3);
    expect(rows.every((r) => typeof r.ward_code === 'string' && (r.ward_code as string).startsWith('E05'))).toBe(true);
    const [batch] = await db.query<Record<string, unknown>>(
      'SELECT kind, status, dataset, created_by, imported FROM import_batches WHERE id = $1',
      [out.batch_id],
    );
    expect(batch).toMatchObject({
      kind: 'api',
      status: 'committed',
      dataset: 'Force RMS',
      created_by: as.get('analyst')!.email,
      imported: 4,
    });
    const [log] = await db.query<Record<string, unknown>>(
      `SELECT action, resource, via, record_count FROM audit_log WHERE resource = 'incidents.api' ORDER BY id DESC LIMIT 1`,
    );
    expect(log).toMatchObject({ action: 'import', via: 'token', record_count: 4 });

    // The same push again: nothing new (dedup keys as the importer's); a new one alongside is added.
    const again = await (await post(ingestTok.token, { dataset: 'Force RMS', incidents: [...items, good('ING-5')] })).json();
    expect(again).toMatchObject({ imported: 1, duplicates: 4, rejected: [] });
    // A single incident as the body, from an analyst's session (CSRF token required).
    const single = await http('analyst', '/api/incidents', { method: 'POST', ...json(good('ING-6')) });
    expect(await single.json()).toMatchObject({ imported: 1, duplicates: 0 });
    const noCsrf = await fetch(`${base}/api/incidents`, {
      method: 'POST',
      headers: { cookie: as.get('analyst')!.cookie, 'content-type': 'application/json' },
      body: JSON.stringify(good('ING-7')),
    });
    expect(noCsrf.status).toBe(403);
    expect((await http('officer', '/api/incidents', { method: 'POST', ...json(good('ING-8')) })).status).toBe(403);
  });

  // ---------- meetings ----------

  const view = (lng: number) => ({
    center: [lng, 51.45],
    zoom: 13.5,
    layers: ['outlines', 'hexes'],
    filters: { categories: ['robbery'], level: 'ward' },
    window: { from: '2024-03', to: '2025-03' },
  });

  it("followers receive the presenter's view; only the presenter may change or end the meeting", async () => {
    const created = await http('analyst', '/api/meetings', { method: 'POST', ...json({ title: 'Weekly tasking' }) });
    expect(created.status).toBe(201);
    const m = await created.json();
    expect(m).toMatchObject({
      title: 'Weekly tasking',
      code: expect.stringMatching(/^[A-Z2-9]{6}$/),
      view: null,
      ended_at: null,
    });
    const follower = await openStream(`${base}/api/meetings/${m.code}/events`, cookieOf('officer'));
    const partner = await openStream(`${base}/api/meetings/${m.id}/events`, cookieOf('partner'));
    expect((await follower.next('meeting')).json.id).toBe(m.id);
    await partner.next('meeting');

    const t0 = Date.now();
    const put = await http('analyst', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(view(-0.02)) });
    expect(put.status).toBe(200);
    const v = await follower.next('view');
    expect(v.at - t0).toBeLessThan(latencyBudget());
    expect(v.json).toMatchObject({ view: view(-0.02), view_version: 1 });
    expect((await partner.next('view')).json.view).toEqual(view(-0.02));

    // Not the presenter: 403, and nothing changes; bad views: 400.
    const other = await http('analyst2', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(view(1)) });
    expect([other.status, (await other.json()).error.code]).toEqual([403, 'not_presenter']);
    expect((await http('analyst2', `/api/meetings/${m.id}`, { method: 'DELETE' })).status).toBe(403);
    for (const bad of [
      { ...view(0), zoom: 40 },
      { ...view(0), center: [0] },
      { ...view(0), extra: 1 },
      { ...view(0), window: { from: '2025-03', to: '2024-03' } },
    ]) {
      expect((await http('analyst', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(bad) })).status).toBe(400);
    }
    expect((await (await http('partner', `/api/meetings/${m.code}`)).json()).view_version).toBe(1);

    // A late joiner gets the latest view at once.
    await http('analyst', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(view(-0.03)) });
    expect((await follower.next('view')).json.view_version).toBe(2);
    const late = await openStream(`${base}/api/meetings/${m.id}/events`, cookieOf('admin'));
    expect((await late.next('view')).json).toMatchObject({ view: view(-0.03), view_version: 2 });

    // Ending the meeting ends every follower's stream.
    expect((await (await http('analyst', `/api/meetings/${m.id}`, { method: 'DELETE' })).json()).ended_at).not.toBeNull();
    for (const s of [follower, partner, late]) {
      expect((await s.next('end')).json.reason).toBe('ended');
      await waitFor(() => s.ended);
    }
    expect((await http('officer', `/api/meetings/${m.id}/events`)).status).toBe(410);
    expect((await http('analyst', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(view(0)) })).status).toBe(410);
    expect((await http('officer', '/api/meetings/NOPE!!')).status).toBe(400);
    expect((await http('partner', '/api/meetings', { method: 'POST', ...json({}) })).status).toBe(403);
    await waitFor(() => hubFor(db).subscribers === 0);
  });

  it('a meeting records the feed position when it starts and ends; GET /api/meetings lists ended ones newest first', async () => {
    const seqNow = async () => (await db.query<{ s: number }>('SELECT coalesce(max(seq), 0) AS s FROM changes'))[0].s;
    const start = async (role: string, title: string) => {
      const res = await http(role, '/api/meetings', { method: 'POST', ...json({ title }) });
      expect(res.status).toBe(201);
      return res.json();
    };
    const end = async (role: string, id: string) => (await http(role, `/api/meetings/${id}`, { method: 'DELETE' })).json();
    const ingestOne = async (id: string) =>
      expect((await http('analyst', '/api/incidents', { method: 'POST', ...json(good(id)) })).status).toBe(200);
    const list = async (role: string, q: string) => {
      const res = await http(role, `/api/meetings${q}`);
      expect(res.status).toBe(200);
      return (await res.json()).meetings as Array<Record<string, unknown>>;
    };

    const a = await start('analyst', 'Seq A');
    expect(a).toMatchObject({ start_seq: await seqNow(), end_seq: null });
    await ingestOne('SEQ-1');
    const seq1 = await seqNow();
    expect(seq1).toBeGreaterThan(a.start_seq);
    const endedA = await end('analyst', a.id);
    expect(endedA).toMatchObject({ start_seq: a.start_seq, end_seq: seq1 });
    await ingestOne('SEQ-2');
    // Ending again changes nothing.
    expect(await end('analyst', a.id)).toMatchObject({ ended_at: endedA.ended_at, end_seq: seq1 });

    const b = await start('officer', 'Seq B');
    expect(b.start_seq).toBe(await seqNow());
    await ingestOne('SEQ-3');
    const seq3 = await seqNow();
    expect((await end('officer', b.id)).end_seq).toBe(seq3);

    // A meeting that expired unended ends at expires_at, with the last change committed by then.
    const c = await start('analyst', 'Seq C');
    const [{ t }] = await db.query<{ t: string }>(
      `SELECT (committed_at + interval '1 millisecond')::text AS t FROM changes WHERE seq = $1`,
      [seq1],
    );
    await db.query(
      `UPDATE meetings SET created_at = $2::timestamptz - interval '1 hour', start_seq = 0, expires_at = $2::timestamptz WHERE id = $1`,
      [c.id, t],
    );
    expect(await (await http('partner', `/api/meetings/${c.id}`)).json()).toMatchObject({ end_seq: seq1 });
    const d = await start('analyst', 'Seq D (running)');

    const ended = await list('partner', '?ended=true&limit=3');
    expect(ended.map((m) => m.title)).toEqual(['Seq B', 'Seq A', 'Seq C']);
    expect(ended[0]).toEqual({
      id: b.id,
      code: b.code,
      title: 'Seq B',
      presenter: { email: as.get('officer')!.email },
      created_at: b.created_at,
      ended_at: expect.any(String),
      start_seq: b.start_seq,
      end_seq: seq3,
    });
    expect(ended[2]).toMatchObject({ start_seq: 0, end_seq: seq1 });
    // Stored, not just computed: the list sealed the expired meeting.
    const [sealed] = await db.query<{ end_seq: number; ended: boolean }>(
      'SELECT end_seq, ended_at = expires_at AS ended FROM meetings WHERE id = $1',
      [c.id],
    );
    expect(sealed).toEqual({ end_seq: seq1, ended: true });
    expect((await list('officer', '?ended=true&limit=1')).map((m) => m.id)).toEqual([b.id]);
    expect((await list('analyst', '?ended=false')).map((m) => m.id)).toEqual([d.id]);
    expect((await list('admin', '?limit=2')).map((m) => m.id)).toEqual([d.id, b.id]);
    for (const q of ['?limit=0', '?limit=101', '?limit=x', '?limit=', '?ended=yes', '?ended=true&extra=1']) {
      const res = await http('analyst', `/api/meetings${q}`);
      expect([q, res.status, (await res.json()).error.code]).toEqual([q, 400, 'invalid_parameter']);
    }
    await end('analyst', d.id);
  });

  // ---------- tasking pack ----------

  it('pack numbers equal independent SQL counts; partners get small counts withheld', async () => {
    const s = await importFile(db, BURGLARY);
    expect(s.status).toBe('committed');
    const res = await http('analyst', '/api/pack?compare=3m&to=2025-03&top=5');
    expect(res.status).toBe(200);
    const pack = await res.json();
    expect(pack.period).toEqual({
      from: '2024-12-01',
      to: '2025-03-01',
      previous_from: '2024-09-01',
      previous_to: '2024-12-01',
      compare: '3m',
      basis: 'compare=3m',
    });
    const count = async (from: string, to: string, extra = '') =>
      await db.query<{ category: string; n: number }>(
        `SELECT category, count(*)::int AS n FROM incidents WHERE occurred_at >= $1::timestamp AND occurred_at < $2::timestamp ${extra} GROUP BY 1 ORDER BY 1`,
        [from, to],
      );
    const cur = await count('2024-12-01', '2025-03-01');
    const prev = await count('2024-09-01', '2024-12-01');
    const byCat = Object.fromEntries(
      pack.comparison.categories.map((c: { slug: string; count: number; previous_count: number }) => [
        c.slug,
        [c.count, c.previous_count],
      ]),
    );
    for (const r of cur) expect(byCat[r.category][0]).toBe(r.n);
    for (const r of prev) expect(byCat[r.category][1]).toBe(r.n);
    expect(pack.comparison.total.count).toBe(cur.reduce((a, r) => a + r.n, 0));
    // Ward league: sums to the total; ranked by count; top cells as counted directly.
    expect(pack.wards.areas.reduce((a: number, w: { count: number }) => a + w.count, 0) + pack.wards.outside_study_area).toBe(
      pack.comparison.total.count,
    );
    const counts = pack.wards.areas.map((w: { count: number }) => w.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(pack.wards.areas[0].rank).toBe(1);
    const top = await db.query<{ h3: string; n: number }>(
      `SELECT lpad(to_hex(h3_8), 15, '0') AS h3, count(*)::int AS n FROM incidents WHERE occurred_at >= '2024-12-01' AND occurred_at < '2025-03-01'
        GROUP BY h3_8 ORDER BY n DESC, h3_8 LIMIT 5`,
    );
    expect(pack.top_cells.cells.map((c: { h3: string; count: number }) => [c.h3, c.count])).toEqual(top.map((t) => [t.h3, t.n]));
    expect(Object.keys(pack.sections)).toEqual(['patrol_proposals', 'outreach_proposals', 'chb_areas']);

    // Partners: the January robbery pushed above is a count below 5. Partners get it perturbed by the cell key
    // method (issue 15: the ptable's answer for the true count and its key, here from the database), withheld
    // when that is below 5; so are the wards and cells it falls in (each by its own count and key).
    const pr = await (await http('partner', '/api/pack?from=2025-01&to=2025-02&category=robbery')).json();
    const an = await (await http('analyst', '/api/pack?from=2025-01&to=2025-02&category=robbery')).json();
    const robbery = (await count('2025-01-01', '2025-02-01', `AND category = 'robbery'`))[0].n;
    expect(an.comparison.total.count).toBe(robbery);
    expect(robbery).toBeGreaterThan(0);
    expect(robbery).toBeLessThan(5);
    expect(pr.disclosure.min_count).toBe(5);
    const keyed = async (by: string) =>
      new Map(
        (
          await db.query<{ g: string | null; n: number; k: number }>(
            `SELECT ${by} AS g, count(*)::int AS n, (sum(record_key) % 256)::int AS k FROM incidents
             WHERE occurred_at >= '2025-01-01' AND occurred_at < '2025-02-01' AND category = 'robbery' GROUP BY 1`,
          )
        ).map((r) => [r.g, perturbCount(r.n, r.k)]),
      );
    const [shownTotal] = (await keyed(`'all'`)).values();
    expect(pr.comparison.total.count).toBe(shownTotal < 5 ? null : shownTotal);
    const byWard = await keyed('ward_code');
    for (const w of pr.wards.areas as Array<{ code: string; count: number | null }>)
      if (w.count !== null) expect(w.count).toBe(byWard.get(w.code));
      else expect(byWard.get(w.code) ?? 0).toBeLessThanOrEqual(robbery + 2);
    expect(
      pr.wards.areas.filter((w: { count: number | null }) => w.count !== null).every((w: { count: number }) => w.count >= 5),
    ).toBe(true);
    const byCell = await keyed(`lpad(to_hex(h3_8), 15, '0')`);
    for (const c of pr.top_cells.cells as Array<{ h3: string; count: number | null }>)
      expect(c.count === null || (c.count >= 5 && c.count === byCell.get(c.h3))).toBe(true);
    expect(an.top_cells.cells.length).toBeGreaterThan(0);
    expect((await http('analyst', '/api/pack?compare=28x')).status).toBe(400);
    expect((await http('analyst', '/api/pack?category=nope')).status).toBe(400);
  });

  it('pack: what changed since a seq', async () => {
    const [{ seq }] = await db.query<{ seq: number }>('SELECT max(seq) AS seq FROM changes');
    const out = await (
      await http('analyst', '/api/incidents', {
        method: 'POST',
        ...json([good('SINCE-1'), good('SINCE-2', { category: 'burglary' }), good('SINCE-3')]),
      })
    ).json();
    const pack = await (await http('analyst', `/api/pack?since=${seq}`)).json();
    expect(pack.changes).toMatchObject({ since: String(seq), to_seq: seq + 1, incidents_added: 3 });
    expect(pack.changes.batches).toEqual([
      expect.objectContaining({ seq: seq + 1, batch_id: out.batch_id, kind: 'api', dataset: 'API ingest', count: 3 }),
    ]);
    expect(pack.changes.by_category).toEqual([
      { slug: 'robbery', label: 'Robbery', count: 2 },
      { slug: 'burglary', label: 'Burglary', count: 1 },
    ]);
    const partner = await (await http('partner', `/api/pack?since=${seq}`)).json();
    expect(partner.changes.incidents_added).toBeNull();
    expect(
      partner.changes.batches.map((b: { seq: number; count: number | null; months: unknown }) => [b.seq, b.count, b.months]),
    ).toEqual([[seq + 1, null, null]]);
    expect(partner.changes.by_category.every((c: { count: number | null }) => c.count === null)).toBe(true);
    const byTime = await (
      await http('analyst', `/api/pack?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`)
    ).json();
    expect(byTime.changes.batches.map((b: { batch_id: number }) => b.batch_id)).toContain(out.batch_id);
    expect((await http('analyst', '/api/pack?since=yesterday')).status).toBe(400);
  });

  it('the pack zip holds the tables and GeoJSON, is audited, and withholds small counts for partners', async () => {
    const filters = { from: '2025-01', to: '2025-02', category: 'robbery' };
    const res = await http('analyst', '/api/exports/pack', {
      method: 'POST',
      ...json({ purpose: 'weekly tasking meeting', recipient: 'Lewisham tasking group', filters }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/tasking-pack-2025-01-01-2025-02-01\.zip/);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual([
      'README.txt',
      'chb-areas.csv',
      'chb-areas.geojson',
      'pack.json',
      'patrol-boxes.csv',
      'patrol-boxes.geojson',
      'period-comparison.csv',
      'sources.csv',
      'top-cells.csv',
      'top-cells.geojson',
      'ward-league.csv',
      'wards.geojson',
    ]);
    expect(strFromU8(files['README.txt'])).toMatch(/Outreach proposals: not available \(no candidate venues loaded/);
    const league = strFromU8(files['ward-league.csv']).trim().split('\n');
    expect(league[0]).toBe('rank,code,name,count,population,rate_per_1000,previous_count,change');
    expect(league).toHaveLength(1 + 19 + 2);
    expect(league.some((l) => l.includes('withheld'))).toBe(false);
    const wards = JSON.parse(strFromU8(files['wards.geojson']));
    expect(wards.features).toHaveLength(19);
    const cells = JSON.parse(strFromU8(files['top-cells.geojson']));
    expect(cells.features[0].geometry.coordinates[0]).toHaveLength(7); // hexagon, closed ring
    const [log] = await db.query<Record<string, unknown>>(
      `SELECT action, resource, purpose, recipient FROM audit_log WHERE resource = 'pack.zip' ORDER BY id DESC LIMIT 1`,
    );
    expect(log).toMatchObject({ action: 'export', purpose: 'weekly tasking meeting', recipient: 'Lewisham tasking group' });

    const pr = await http('partner', '/api/exports/pack', {
      method: 'POST',
      ...json({ purpose: 'weekly tasking meeting', recipient: 'Lewisham tasking group', filters }),
    });
    const pf = unzipSync(new Uint8Array(await pr.arrayBuffer()));
    expect(Object.keys(pf).filter((n) => /^(patrol|outreach)/.test(n))).toEqual([]);
    // January's robberies (fewer than 5) perturbed by their key (issue 15): every ward withheld (at most one
    // ward's perturbed count reaches 5, and complementary suppression then withholds it too); the total and
    // the category as the ptable answers for the true count and key, withheld below 5.
    const [t] = await db.query<{ n: number; k: number }>(
      `SELECT count(*)::int AS n, (sum(record_key) % 256)::int AS k FROM incidents
       WHERE occurred_at >= '2025-01-01' AND occurred_at < '2025-02-01' AND category = 'robbery'`,
    );
    const shown = perturbCount(t.n, t.k) < 5 ? 'withheld' : String(perturbCount(t.n, t.k));
    const pl = strFromU8(pf['ward-league.csv']).trim().split('\n').slice(1);
    expect(pl.filter((l) => !l.startsWith(',total,')).every((l) => l.split(',').includes('withheld'))).toBe(true);
    expect(pl.find((l) => l.startsWith(',total,'))!.split(',')[3]).toBe(shown);
    const cmp = parseCsv(strFromU8(pf['period-comparison.csv']), { columns: true }) as Record<string, string>[];
    expect(cmp.map((r) => [r.slug, r.count])).toEqual([
      ['robbery', shown],
      ['total', shown],
    ]);
    expect(strFromU8(pf['README.txt'])).toMatch(/perturbed by the ONS cell key method .* counts below 5 are withheld/);
    const pj = JSON.parse(strFromU8(pf['pack.json']));
    expect(pj.comparison.total.count).toBe(shown === 'withheld' ? null : Number(shown));
    expect(
      JSON.parse(strFromU8(pf['wards.geojson'])).features.every(
        (f: { properties: { count: unknown } }) => f.properties.count === null,
      ),
    ).toBe(true);

    // Purpose and recipient are required; bad filters are 400 and nothing is audited.
    expect((await http('analyst', '/api/exports/pack', { method: 'POST', ...json({ filters }) })).status).toBe(400);
    expect(
      (
        await http('analyst', '/api/exports/pack', {
          method: 'POST',
          ...json({ purpose: 'x'.repeat(5), recipient: 'me', filters: { compare: 'soon' } }),
        })
      ).status,
    ).toBe(400);
  });

  it("the pack's planning sections: the planning API's patrol boxes, outreach over registered venues, CHB areas active in the period; partners get neither plan and withheld counts", async () => {
    const W = { from: '2024-12', to: '2025-03' };
    const [ward] = await db.query<{ code: string }>(`SELECT code FROM areas WHERE level = 'ward' ORDER BY code LIMIT 1`);
    const [control] = await db.query<{ code: string }>(
      `SELECT b.code FROM areas a JOIN areas b ON b.level = 'ward' AND NOT ST_DWithin(a.geom::geography, b.geom::geography, 1000)
        WHERE a.level = 'ward' AND a.code = $1 ORDER BY b.code LIMIT 1`,
      [ward.code],
    );
    const chbBody = (name: string, dates: [string, string, string, string]) => ({
      name,
      area: { wards: [ward.code] },
      control: { wards: [control.code] },
      clear_start: dates[0],
      hold_start: dates[1],
      build_start: dates[2],
      build_end: dates[3],
    });
    const create = async (url: string, body: unknown, role = 'analyst') => {
      const res = await http(role, url, { method: 'POST', ...json(body) });
      expect(res.status).toBe(201);
      return res.json();
    };
    // Active: Hold then Build within the period; ended: Build ended before it; later: Clear starts after it.
    const active = await create('/api/chb', chbBody('Active CHB', ['2024-06-01', '2024-09-01', '2025-01-01', '2025-07-01']));
    const ended = await create('/api/chb', chbBody('Ended CHB', ['2023-01-01', '2023-04-01', '2023-07-01', '2024-12-01']));
    const later = await create('/api/chb', chbBody('Later CHB', ['2025-03-01', '2025-05-01', '2025-07-01', '2025-10-01']));

    const pack = await (await http('analyst', `/api/pack?from=${W.from}&to=${W.to}`)).json();
    expect(pack.period).toMatchObject({ from: '2024-12-01', to: '2025-03-01' });

    // Patrol: the boxes GET /api/planning/patrol gives for the same window (its defaults: N 10, 500 m apart).
    const api = await (await http('officer', `/api/planning/patrol?from=${W.from}&to=${W.to}`)).json();
    const patrol = pack.sections.patrol_proposals;
    expect(patrol.available).toBe(true);
    expect(api.boxes.length).toBeGreaterThan(0);
    expect(patrol.data.boxes).toEqual(api.boxes);
    expect(patrol.data.meta).toMatchObject({ from: '2024-12-01', to: '2025-03-01', n_requested: 10, min_separation_m: 500 });

    // Outreach: no venues in the register yet, and the pack says so.
    expect(pack.sections.outreach_proposals).toMatchObject({
      available: false,
      note: expect.stringMatching(/no candidate venues loaded/),
    });

    // CHB: the active area, with the phases the period meets; not the one that ended before it, nor the later one.
    const chb = pack.sections.chb_areas;
    expect(chb.available).toBe(true);
    expect(chb.data.areas.map((a: { id: number }) => a.id)).toEqual([active.id]);
    expect(chb.data.recorded).toBeGreaterThanOrEqual(3);
    const a = chb.data.areas[0];
    expect(a).toMatchObject({ name: 'Active CHB', phases_in_period: ['hold', 'build'], phase_at_end: 'build' });
    // Headline: the Build phase as GET /api/chb/:id/evaluation gives it.
    const ev = await (await http('analyst', `/api/chb/${active.id}/evaluation`)).json();
    const build = ev.phases.find((p: { phase: string }) => p.phase === 'build');
    expect(a.headline).toMatchObject({
      phase: 'build',
      window: build.window,
      baseline: build.baseline,
      regions: build.regions,
      wdq: build.counts.wdq,
      tne: build.counts.tne,
    });
    // Build runs to 2025-07 but the data end with 2025-02 (issue 11): the incidents of 2025-01..2025-02 in
    // the area are not the phase's count (this test used to expect them as if 2025-03..2025-06 were zeros);
    // the phase has no count and its figures are undefined, naming the months not covered.
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents i JOIN areas w ON w.level = 'ward' AND w.code = $1 AND ST_Intersects(w.geom, i.geom)
        WHERE i.occurred_at >= '2025-01-01' AND i.occurred_at < '2025-07-01'`,
      [ward.code],
    );
    expect(n).toBeGreaterThan(0);
    expect(a.headline.regions.find((r: { region: string }) => r.region === 'area').phase_count).toBeNull();
    expect(a.headline.coverage.phase).not.toBe('full');
    expect(a.headline.no_data).toMatch(/phase 2025-01-01 to 2025-07-01 is not fully covered .*2025-03\.\.2025-06/);
    expect(a.headline.wdq.value).toBeNull();
    expect(ended.id).not.toBe(later.id);

    // Outreach venues: outreach sites in the register active in the period (a point, a polygon); one ended before is not one.
    const site = (name: string, geometry: unknown, starts_on: string, ends_on: string | null = null) =>
      create('/api/interventions', { type: 'outreach_site', name, geometry, starts_on, ends_on }, 'officer');
    const s1 = await site('Catford youth outreach', { type: 'Point', coordinates: [-0.0209, 51.4452] }, '2024-01-01');
    const s2 = await site(
      'Lewisham centre outreach',
      {
        type: 'Polygon',
        coordinates: [
          [
            [-0.015, 51.46],
            [-0.012, 51.46],
            [-0.012, 51.462],
            [-0.015, 51.462],
            [-0.015, 51.46],
          ],
        ],
      },
      '2025-02-01',
    );
    const s3 = await site('Closed outreach', { type: 'Point', coordinates: [-0.033, 51.474] }, '2023-01-01', '2024-11-30');
    const withVenues = await (await http('analyst', `/api/pack?from=${W.from}&to=${W.to}`)).json();
    const out = withVenues.sections.outreach_proposals;
    expect(out.available).toBe(true);
    expect(out.data.venues.list.map((v: { intervention_id: number }) => v.intervention_id)).toEqual([s1.id, s2.id]);
    expect(out.data.venues.list.map((v: { intervention_id: number }) => v.intervention_id)).not.toContain(s3.id);
    // The polygon's venue point lies in the polygon (PostGIS).
    const [inside] = await db.query<{ ok: boolean }>(
      `SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326)) AS ok FROM interventions WHERE id = $1`,
      [s2.id, out.data.venues.list[1].lon, out.data.venues.list[1].lat],
    );
    expect(inside.ok).toBe(true);
    // The same sites POST /api/planning/outreach gives for those venues and window.
    const candidates = out.data.venues.list.map(({ name, lon, lat }: { name: string; lon: number; lat: number }) => ({
      name,
      lon,
      lat,
    }));
    const planned = await (
      await http('officer', '/api/planning/outreach', { method: 'POST', ...json({ from: W.from, to: W.to, candidates }) })
    ).json();
    expect(out.data.sites).toEqual(planned.sites);
    expect(out.data.covered).toBe(planned.covered);
    expect(out.data.sites.length).toBeGreaterThan(0);

    // The zip: the sections' files, the same boxes, listed in the README and counted in the audit.
    const stated = { purpose: 'weekly tasking meeting', recipient: 'Lewisham tasking group' };
    const res = await http('officer', '/api/exports/pack', { method: 'POST', ...json({ ...stated, filters: W }) });
    expect(res.status).toBe(200);
    const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
    for (const f of [
      'patrol-boxes.csv',
      'patrol-boxes.geojson',
      'outreach-sites.csv',
      'outreach-sites.geojson',
      'chb-areas.csv',
      'chb-areas.geojson',
    ])
      expect(Object.keys(zip)).toContain(f);
    const boxes = JSON.parse(strFromU8(zip['patrol-boxes.geojson'])).features;
    expect(boxes.map((f: { properties: { id: string } }) => f.properties.id)).toEqual(api.boxes.map((b: { id: string }) => b.id));
    expect(boxes.map((f: { geometry: unknown }) => f.geometry)).toEqual(api.boxes.map((b: { polygon: unknown }) => b.polygon));
    const patrolCsv = strFromU8(zip['patrol-boxes.csv']).trim().split('\n');
    expect(patrolCsv).toHaveLength(1 + api.boxes.length);
    // Columns by name (the place name and its basis follow the id since issue 14).
    const [head, first] = parseCsv(strFromU8(zip['patrol-boxes.csv'])) as string[][];
    expect(head.slice(0, 6)).toEqual(['id', 'name', 'name_basis', 'rank', 'lon', 'lat']);
    expect([first[0], first[3], first[4], first[5]]).toEqual([
      'P1',
      '1',
      String(api.boxes[0].centre.lon),
      String(api.boxes[0].centre.lat),
    ]);
    const outCsv = strFromU8(zip['outreach-sites.csv']).trim().split('\n');
    expect(outCsv[0]).toBe('order,intervention_id,name,lon,lat,gain,cumulative,cumulative_share');
    expect(outCsv).toHaveLength(1 + planned.sites.length);
    const chbCsv = strFromU8(zip['chb-areas.csv']).trim().split('\n');
    expect(chbCsv).toHaveLength(2);
    expect(chbCsv[1]).toMatch(new RegExp(`^${active.id},Active CHB,build,hold build,2024-06-01,`));
    const chbGeo = JSON.parse(strFromU8(zip['chb-areas.geojson'])).features;
    expect(chbGeo.map((f: { properties: { id: number } }) => f.properties.id)).toEqual([active.id]);
    const [same] = await db.query<{ ok: boolean }>(
      `SELECT ST_HausdorffDistance(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), w.geom) < 1e-5 AS ok FROM areas w WHERE w.level = 'ward' AND w.code = $2`,
      [JSON.stringify(chbGeo[0].geometry), ward.code],
    );
    expect(same.ok).toBe(true);
    const readme = strFromU8(zip['README.txt']);
    expect(readme).toContain('- Patrol proposals: patrol-boxes.csv, patrol-boxes.geojson');
    expect(readme).toContain('- Outreach proposals: outreach-sites.csv, outreach-sites.geojson');
    expect(readme).toContain('- Active Clear-Hold-Build areas: chb-areas.csv, chb-areas.geojson (1 row)');
    const zipped = JSON.parse(strFromU8(zip['pack.json']));
    const [log] = await db.query<{ record_count: number }>(
      `SELECT record_count FROM audit_log WHERE resource = 'pack.zip' ORDER BY id DESC LIMIT 1`,
    );
    expect(log.record_count).toBe(
      zipped.comparison.categories.length +
        zipped.top_cells.cells.length +
        zipped.wards.areas.length +
        api.boxes.length +
        planned.sites.length +
        1,
    );

    // Admins read CHB areas but get no plans (as the planning routes).
    const admin = await (await http('admin', `/api/pack?from=${W.from}&to=${W.to}`)).json();
    expect(admin.sections.patrol_proposals).toEqual({
      title: 'Patrol proposals',
      available: false,
      note: 'not available to your role',
    });
    expect(admin.sections.chb_areas.data.areas).toHaveLength(1);

    // Partners: no patrol or outreach. The CHB figures: robbery is held only for the few days ingested, so
    // the Build baseline and phase have no robbery data. This test used to expect those windows "withheld"
    // (their zeros were below 5); they are no data, which is not a withheld count (the disclosure rule
    // itself on CHB figures: test/planning-api.test.ts and test/coverage-chb-pack.test.ts).
    const small = { from: '2025-01', to: '2025-02', category: 'robbery' };
    const q = new URLSearchParams(small).toString();
    const an = await (await http('analyst', `/api/pack?${q}`)).json();
    expect(
      an.sections.chb_areas.data.areas[0].headline.regions.every(
        (r: { baseline_count: number | null; phase_count: number | null }) => r.baseline_count === null && r.phase_count === null,
      ),
    ).toBe(true);
    const pr = await (await http('partner', `/api/pack?${q}`)).json();
    for (const id of ['patrol_proposals', 'outreach_proposals'])
      expect(pr.sections[id]).toMatchObject({ available: false, note: 'not available to your role' });
    const ph = pr.sections.chb_areas.data.areas[0].headline;
    expect(ph.withheld).toBeNull();
    expect(ph.no_data).toMatch(/no data for robbery/);
    expect(ph.wdq.value).toBeNull();
    const pz = await http('partner', '/api/exports/pack', { method: 'POST', ...json({ ...stated, filters: small }) });
    const pfiles = unzipSync(new Uint8Array(await pz.arrayBuffer()));
    expect(Object.keys(pfiles).filter((f) => /^(patrol|outreach)/.test(f))).toEqual([]);
    expect(strFromU8(pfiles['chb-areas.csv'])).toMatch(/no data/);
    expect(strFromU8(pfiles['chb-areas.csv']).split('\n').slice(1).join('\n')).not.toMatch(/withheld/); // below the header
    expect(strFromU8(pfiles['README.txt'])).toContain('- Patrol proposals: not available (not available to your role).');
    const pgeo = JSON.parse(strFromU8(pfiles['chb-areas.geojson'])).features[0].properties;
    expect([pgeo.area_baseline, pgeo.area_phase].some((v) => v === null)).toBe(true);
    // A bad window changes nothing and is a 400, as for the rest of the pack.
    expect((await http('analyst', '/api/pack?from=2025-03&to=2025-01')).status).toBe(400);
  });
});

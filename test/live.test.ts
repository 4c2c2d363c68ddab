// Issue 7 backend: the change feed (GET /api/live over a real HTTP server, read as a byte stream like
// EventSource does), ingest (POST /api/incidents), meetings (follow the presenter) and the tasking
// pack (GET /api/pack, POST /api/exports/pack), on every database driver, with real police.uk rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { createToken } from '../api/auth/store.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { hubFor } from '../api/live/hub.js';
import { clientFor, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const haveShared = fs.existsSync(SHARED);
const WARDS = SHARED + 'lewisham_wards_2022.geojson';
const BURGLARY = SHARED + 'lewisham_burglary_street_2022-03_2025-02.csv';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-live-'));

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
    async next(name: string, ms = 5000): Promise<Sse & { json: any }> {
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

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 3000) {
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
    expect(analyst.res.status).toBe(200);
    expect(analyst.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const ready = await analyst.next('ready');
    await partner.next('ready');
    const s = await importFile(db, slice(1, 21));
    const committed = Date.now();
    expect(s).toMatchObject({ status: 'committed', imported: 20 });
    const e = await analyst.next('incidents', 2000);
    expect(e.at - committed).toBeLessThan(2000);
    expect(Number(e.id)).toBe(e.json.seq);
    expect(e.json.seq).toBeGreaterThan(ready.json.seq);
    const [ex] = await db.query<{ w: number; s: number; e: number; n: number }>(
      'SELECT min(lon) AS w, min(lat) AS s, max(lon) AS e, max(lat) AS n FROM incidents WHERE batch_id = $1', [s.batchId]);
    expect(e.json).toMatchObject({ batch_id: s.batchId, count: 20, months: ['2022-03', '2022-03'], bbox: [ex.w, ex.s, ex.e, ex.n] });
    const p = await partner.next('incidents', 2000);
    expect(p.json).toMatchObject({ seq: e.json.seq, batch_id: s.batchId, count: 20, bbox: null });
    // Re-importing the same rows adds nothing and announces nothing.
    expect((await importFile(db, slice(1, 21))).imported).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(analyst.events.filter((x) => x.event === 'incidents')).toHaveLength(1);
    await analyst.close();
    await partner.close();
    await waitFor(() => hubFor(db).subscribers === 0);
  });

  it('a client reconnecting with Last-Event-ID (or ?after=) gets the changes it missed, in order, once', async () => {
    const first = await openStream(`${base}/api/live`, cookieOf('officer'));
    const seen = (await first.next('ready')).json.seq as number;
    await first.close();
    const a = await importFile(db, slice(21, 31));
    const token = await createToken(db, as.get('analyst')!.userId, ['ingest'], 'live test', null);
    const ing = await fetch(`${base}/api/incidents`, {
      method: 'POST', headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'RECONNECT-1', category: 'robbery', occurred_at: '2025-01-15T21:40:00Z', lon: -0.0203, lat: 51.4571 }),
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
    expect((await again.next('incidents', 2000)).json.seq).toBe(seen + 3);
    await again.close();
    const q = await openStream(`${base}/api/live?after=${seen + 1}`, cookieOf('partner'));
    expect((await q.next('incidents')).json.seq).toBe(seen + 2);
    await q.close();
    expect((await http('analyst', '/api/live?after=abc')).status).toBe(400);
    expect((await fetch(`${base}/api/live`)).status).toBe(401);
    await waitFor(() => hubFor(db).subscribers === 0);
  });

  // ---------- ingest ----------

  const good = (id: string, extra: Record<string, unknown> = {}) => ({ id, category: 'robbery', occurred_at: '2025-02-03T14:25', lon: -0.0209, lat: 51.4415, ...extra });

  it('ingest refuses the whole request when any incident is invalid, with index and reason', async () => {
    const [{ n: before }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    const [{ n: batches }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM import_batches');
    const res = await http('analyst', '/api/incidents', { method: 'POST', ...json({ incidents: [
      good('V-1'),
      good('V-2', { occurred_at: '2025-02-30' }),
      good('V-3', { category: 'not-a-category' }),
      good('V-4', { lon: undefined, lat: undefined, easting: 537000, northing: 175000 }),
      { ...good('V-5'), colour: 'red' },
      good('V-6', { lat: 95 }),
      good('V-7', { lon: 0, lat: 0 }),
      good('V-8', { easting: 537000, northing: 175000 }),
    ] }) });
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

  it('ingest: token scopes, the importer\'s normalisation, dedup on repeat, a batch, an audit row and an event', async () => {
    const analystId = as.get('analyst')!.userId;
    const read = await createToken(db, analystId, ['read'], 'live test', null);
    const imp = await createToken(db, analystId, ['import'], 'live test', null);
    const ingestTok = await createToken(db, analystId, ['ingest'], 'live test', null);
    const partnerTok = await createToken(db, as.get('partner')!.userId, ['ingest'], 'live test', null);
    const post = (token: string, body: unknown) => fetch(`${base}/api/incidents`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const items = [
      good('ING-1'),
      good('ING-2', { occurred_at: '2025-02', age_band: '18-24', outcome: 'Under investigation', location: 'On or near Rushey Green' }),
      good('ING-3', { lon: undefined, lat: undefined, easting: 537950, northing: 174120, occurred_at: '2025-02-03T14:25:00+00:00' }),
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
    const e = await stream.next('incidents', 2000);
    expect(e.json).toMatchObject({ batch_id: out.batch_id, count: 4, months: ['2025-02', '2025-07'] });
    await stream.close();

    const rows = await db.query<Record<string, unknown>>(
      `SELECT source_id, dataset, to_char(occurred_at, 'YYYY-MM-DD HH24:MI') AS at, time_precision, lon, lat, location_precision, ward_code, age_band, outcome, location_text
         FROM incidents WHERE batch_id = $1 ORDER BY source_id`, [out.batch_id]);
    expect(rows.map((r) => [r.source_id, r.at, r.time_precision])).toEqual([
      ['ING-1', '2025-02-03 14:25', 'minute'],
      ['ING-2', '2025-02-01 00:00', 'month'],
      ['ING-3', '2025-02-03 14:25', 'minute'],
      ['ING-4', '2025-07-01 09:00', 'minute'], // 08:00Z is 09:00 BST
    ]);
    expect(rows[1]).toMatchObject({ dataset: 'Force RMS', location_precision: 'exact', age_band: '18-24', outcome: 'Under investigation', location_text: 'On or near Rushey Green' });
    // BNG reprojected (the importer's proj4 path) and every point assigned a Lewisham ward.
    const [pg] = await db.query<{ x: number; y: number }>(
      'SELECT ST_X(p) AS x, ST_Y(p) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(537950, 174120), 27700), 4326) p');
    expect(rows[2].lon as number).toBeCloseTo(pg.x, 3);
    expect(rows[2].lat as number).toBeCloseTo(pg.y, 3);
    expect(rows.every((r) => typeof r.ward_code === 'string' && (r.ward_code as string).startsWith('E05'))).toBe(true);
    const [batch] = await db.query<Record<string, unknown>>('SELECT kind, status, dataset, created_by, imported FROM import_batches WHERE id = $1', [out.batch_id]);
    expect(batch).toMatchObject({ kind: 'api', status: 'committed', dataset: 'Force RMS', created_by: as.get('analyst')!.email, imported: 4 });
    const [log] = await db.query<Record<string, unknown>>(`SELECT action, resource, via, record_count FROM audit_log WHERE resource = 'incidents.api' ORDER BY id DESC LIMIT 1`);
    expect(log).toMatchObject({ action: 'import', via: 'token', record_count: 4 });

    // The same push again: nothing new (dedup keys as the importer's); a new one alongside is added.
    const again = await (await post(ingestTok.token, { dataset: 'Force RMS', incidents: [...items, good('ING-5')] })).json();
    expect(again).toMatchObject({ imported: 1, duplicates: 4, rejected: [] });
    // A single incident as the body, from an analyst's session (CSRF token required).
    const single = await http('analyst', '/api/incidents', { method: 'POST', ...json(good('ING-6')) });
    expect(await single.json()).toMatchObject({ imported: 1, duplicates: 0 });
    const noCsrf = await fetch(`${base}/api/incidents`, { method: 'POST', headers: { cookie: as.get('analyst')!.cookie, 'content-type': 'application/json' }, body: JSON.stringify(good('ING-7')) });
    expect(noCsrf.status).toBe(403);
    expect((await http('officer', '/api/incidents', { method: 'POST', ...json(good('ING-8')) })).status).toBe(403);
  });

  // ---------- meetings ----------

  const view = (lng: number) => ({ center: [lng, 51.45], zoom: 13.5, layers: ['outlines', 'hexes'], filters: { categories: ['robbery'], level: 'ward' }, window: { from: '2024-03', to: '2025-03' } });

  it('followers receive the presenter\'s view; only the presenter may change or end the meeting', async () => {
    const created = await http('analyst', '/api/meetings', { method: 'POST', ...json({ title: 'Weekly tasking' }) });
    expect(created.status).toBe(201);
    const m = await created.json();
    expect(m).toMatchObject({ title: 'Weekly tasking', code: expect.stringMatching(/^[A-Z2-9]{6}$/), view: null, ended_at: null });
    const follower = await openStream(`${base}/api/meetings/${m.code}/events`, cookieOf('officer'));
    const partner = await openStream(`${base}/api/meetings/${m.id}/events`, cookieOf('partner'));
    expect((await follower.next('meeting')).json.id).toBe(m.id);
    await partner.next('meeting');

    const t0 = Date.now();
    const put = await http('analyst', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(view(-0.02)) });
    expect(put.status).toBe(200);
    const v = await follower.next('view', 2000);
    expect(v.at - t0).toBeLessThan(2000);
    expect(v.json).toMatchObject({ view: view(-0.02), view_version: 1 });
    expect((await partner.next('view', 2000)).json.view).toEqual(view(-0.02));

    // Not the presenter: 403, and nothing changes; bad views: 400.
    const other = await http('analyst2', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(view(1)) });
    expect([other.status, (await other.json()).error.code]).toEqual([403, 'not_presenter']);
    expect((await http('analyst2', `/api/meetings/${m.id}`, { method: 'DELETE' })).status).toBe(403);
    for (const bad of [{ ...view(0), zoom: 40 }, { ...view(0), center: [0] }, { ...view(0), extra: 1 }, { ...view(0), window: { from: '2025-03', to: '2024-03' } }]) {
      expect((await http('analyst', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(bad) })).status).toBe(400);
    }
    expect((await (await http('partner', `/api/meetings/${m.code}`)).json()).view_version).toBe(1);

    // A late joiner gets the latest view at once.
    await http('analyst', `/api/meetings/${m.id}/view`, { method: 'PUT', ...json(view(-0.03)) });
    expect((await follower.next('view', 2000)).json.view_version).toBe(2);
    const late = await openStream(`${base}/api/meetings/${m.id}/events`, cookieOf('admin'));
    expect((await late.next('view')).json).toMatchObject({ view: view(-0.03), view_version: 2 });

    // Ending the meeting ends every follower's stream.
    expect((await (await http('analyst', `/api/meetings/${m.id}`, { method: 'DELETE' })).json()).ended_at).not.toBeNull();
    for (const s of [follower, partner, late]) {
      expect((await s.next('end', 2000)).json.reason).toBe('ended');
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
    const ingestOne = async (id: string) => expect((await http('analyst', '/api/incidents', { method: 'POST', ...json(good(id)) })).status).toBe(200);
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
    const [{ t }] = await db.query<{ t: string }>(`SELECT (committed_at + interval '1 millisecond')::text AS t FROM changes WHERE seq = $1`, [seq1]);
    await db.query(`UPDATE meetings SET created_at = $2::timestamptz - interval '1 hour', start_seq = 0, expires_at = $2::timestamptz WHERE id = $1`, [c.id, t]);
    expect(await (await http('partner', `/api/meetings/${c.id}`)).json()).toMatchObject({ end_seq: seq1 });
    const d = await start('analyst', 'Seq D (running)');

    const ended = await list('partner', '?ended=true&limit=3');
    expect(ended.map((m) => m.title)).toEqual(['Seq B', 'Seq A', 'Seq C']);
    expect(ended[0]).toEqual({
      id: b.id, code: b.code, title: 'Seq B', presenter: { email: as.get('officer')!.email },
      created_at: b.created_at, ended_at: expect.any(String), start_seq: b.start_seq, end_seq: seq3,
    });
    expect(ended[2]).toMatchObject({ start_seq: 0, end_seq: seq1 });
    // Stored, not just computed: the list sealed the expired meeting.
    const [sealed] = await db.query<{ end_seq: number; ended: boolean }>('SELECT end_seq, ended_at = expires_at AS ended FROM meetings WHERE id = $1', [c.id]);
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
    expect(pack.period).toEqual({ from: '2024-12-01', to: '2025-03-01', previous_from: '2024-09-01', previous_to: '2024-12-01', compare: '3m' });
    const count = async (from: string, to: string, extra = '') => (await db.query<{ category: string; n: number }>(
      `SELECT category, count(*)::int AS n FROM incidents WHERE occurred_at >= $1::timestamp AND occurred_at < $2::timestamp ${extra} GROUP BY 1 ORDER BY 1`, [from, to]));
    const cur = await count('2024-12-01', '2025-03-01');
    const prev = await count('2024-09-01', '2024-12-01');
    const byCat = Object.fromEntries(pack.comparison.categories.map((c: { slug: string; count: number; previous_count: number }) => [c.slug, [c.count, c.previous_count]]));
    for (const r of cur) expect(byCat[r.category][0]).toBe(r.n);
    for (const r of prev) expect(byCat[r.category][1]).toBe(r.n);
    expect(pack.comparison.total.count).toBe(cur.reduce((a, r) => a + r.n, 0));
    // Ward league: sums to the total; ranked by count; top cells as counted directly.
    expect(pack.wards.areas.reduce((a: number, w: { count: number }) => a + w.count, 0) + pack.wards.outside_study_area).toBe(pack.comparison.total.count);
    const counts = pack.wards.areas.map((w: { count: number }) => w.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(pack.wards.areas[0].rank).toBe(1);
    const top = await db.query<{ h3: string; n: number }>(
      `SELECT lpad(to_hex(h3_8), 15, '0') AS h3, count(*)::int AS n FROM incidents WHERE occurred_at >= '2024-12-01' AND occurred_at < '2025-03-01'
        GROUP BY h3_8 ORDER BY n DESC, h3_8 LIMIT 5`);
    expect(pack.top_cells.cells.map((c: { h3: string; count: number }) => [c.h3, c.count])).toEqual(top.map((t) => [t.h3, t.n]));
    expect(pack.sections.patrol_outreach_proposals).toMatchObject({ available: false });

    // Partners: the January robbery pushed above is a count below 5, so it is withheld.
    const pr = await (await http('partner', '/api/pack?from=2025-01&to=2025-02&category=robbery')).json();
    const an = await (await http('analyst', '/api/pack?from=2025-01&to=2025-02&category=robbery')).json();
    const robbery = (await count('2025-01-01', '2025-02-01', `AND category = 'robbery'`))[0].n;
    expect(an.comparison.total.count).toBe(robbery);
    expect(robbery).toBeGreaterThan(0);
    expect(robbery).toBeLessThan(5);
    expect(pr.disclosure.min_count).toBe(5);
    expect(pr.comparison.total.count).toBeNull();
    expect(pr.wards.areas.every((w: { count: number | null }) => w.count === null)).toBe(true);
    expect(pr.top_cells.cells.every((c: { count: number | null }) => c.count === null)).toBe(true);
    expect(an.top_cells.cells.length).toBeGreaterThan(0);
    expect((await http('analyst', '/api/pack?compare=28x')).status).toBe(400);
    expect((await http('analyst', '/api/pack?category=nope')).status).toBe(400);
  });

  it('pack: what changed since a seq', async () => {
    const [{ seq }] = await db.query<{ seq: number }>('SELECT max(seq) AS seq FROM changes');
    const out = await (await http('analyst', '/api/incidents', { method: 'POST', ...json([good('SINCE-1'), good('SINCE-2', { category: 'burglary' }), good('SINCE-3')]) })).json();
    const pack = await (await http('analyst', `/api/pack?since=${seq}`)).json();
    expect(pack.changes).toMatchObject({ since: String(seq), to_seq: seq + 1, incidents_added: 3 });
    expect(pack.changes.batches).toEqual([expect.objectContaining({ seq: seq + 1, batch_id: out.batch_id, kind: 'api', dataset: 'API ingest', count: 3 })]);
    expect(pack.changes.by_category).toEqual([{ slug: 'robbery', label: 'Robbery', count: 2 }, { slug: 'burglary', label: 'Burglary', count: 1 }]);
    const partner = await (await http('partner', `/api/pack?since=${seq}`)).json();
    expect(partner.changes.incidents_added).toBeNull();
    const byTime = await (await http('analyst', `/api/pack?since=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`)).json();
    expect(byTime.changes.batches.map((b: { batch_id: number }) => b.batch_id)).toContain(out.batch_id);
    expect((await http('analyst', '/api/pack?since=yesterday')).status).toBe(400);
  });

  it('the pack zip holds the tables and GeoJSON, is audited, and withholds small counts for partners', async () => {
    const filters = { from: '2025-01', to: '2025-02', category: 'robbery' };
    const res = await http('analyst', '/api/exports/pack', { method: 'POST', ...json({ purpose: 'weekly tasking meeting', recipient: 'Lewisham tasking group', filters }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(/tasking-pack-2025-01-01-2025-02-01\.zip/);
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'pack.json', 'period-comparison.csv', 'top-cells.csv', 'top-cells.geojson', 'ward-league.csv', 'wards.geojson']);
    const league = strFromU8(files['ward-league.csv']).trim().split('\n');
    expect(league[0]).toBe('rank,code,name,count,population,rate_per_1000,previous_count,change');
    expect(league).toHaveLength(1 + 19 + 2);
    expect(league.some((l) => l.includes('withheld'))).toBe(false);
    const wards = JSON.parse(strFromU8(files['wards.geojson']));
    expect(wards.features).toHaveLength(19);
    const cells = JSON.parse(strFromU8(files['top-cells.geojson']));
    expect(cells.features[0].geometry.coordinates[0]).toHaveLength(7); // hexagon, closed ring
    const [log] = await db.query<Record<string, unknown>>(`SELECT action, resource, purpose, recipient FROM audit_log WHERE resource = 'pack.zip' ORDER BY id DESC LIMIT 1`);
    expect(log).toMatchObject({ action: 'export', purpose: 'weekly tasking meeting', recipient: 'Lewisham tasking group' });

    const pr = await http('partner', '/api/exports/pack', { method: 'POST', ...json({ purpose: 'weekly tasking meeting', recipient: 'Lewisham tasking group', filters }) });
    const pf = unzipSync(new Uint8Array(await pr.arrayBuffer()));
    const pl = strFromU8(pf['ward-league.csv']).trim().split('\n').slice(1);
    expect(pl.every((l) => l.split(',').includes('withheld'))).toBe(true);
    expect(strFromU8(pf['period-comparison.csv'])).toMatch(/withheld/);
    expect(strFromU8(pf['README.txt'])).toMatch(/counts below 5 are withheld/);
    const pj = JSON.parse(strFromU8(pf['pack.json']));
    expect(pj.comparison.total.count).toBeNull();
    expect(JSON.parse(strFromU8(pf['wards.geojson'])).features.every((f: { properties: { count: unknown } }) => f.properties.count === null)).toBe(true);

    // Purpose and recipient are required; bad filters are 400 and nothing is audited.
    expect((await http('analyst', '/api/exports/pack', { method: 'POST', ...json({ filters }) })).status).toBe(400);
    expect((await http('analyst', '/api/exports/pack', { method: 'POST', ...json({ purpose: 'x'.repeat(5), recipient: 'me', filters: { compare: 'soon' } }) })).status).toBe(400);
  });
});

// Planning API (issue 6) on real Lewisham data (2022 wards, 20,512 police.uk violence/robbery records of
// 2016-01..2018-06, loaded with the real importer), on every driver. Independent checks are done in PostGIS
// here (ST_DWithin / ST_Distance on geography, ST_Covers on the ward polygons), not with the app's code:
// coverage, patrol box contents and spacing, outreach coverage and the CHB counts; a CHB area built from
// H3 cells is checked against the cells' own outlines dissolved in PostGIS and the ids stored at import.
// The register's history is append-only (even TRUNCATE is refused), so each run uses its own intervention
// type and filters on it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cellToBoundary, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { Db } from '../api/db/index.js';
import { importFile } from '../api/imports/index.js';
import { perturbCount } from '../geodata/disclosure/cell-key.js';
import { displacement } from '../geodata/planning/displacement.js';
import { greedyBound } from '../geodata/planning/covering.js';
import { clientFor, type Client } from './helpers/auth.js';
import { drivers, resetData, SHARED, testDb } from './helpers/db.js';

const hasData = fs.existsSync(path.join(SHARED, 'lewisham_wards_2022.geojson'));
const WINDOW = { from: '2017-07', to: '2018-07' };
const W = `from=${WINDOW.from}&to=${WINDOW.to}`;
const json = (body: unknown): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.skipIf(!hasData).each(drivers())('planning API on real Lewisham data (%s)', (driver) => {
  let db: Db;
  const as: Record<'analyst' | 'officer' | 'partner' | 'admin', Client> = {} as never;
  const type = `t_${crypto.randomBytes(4).toString('hex')}`;
  const send = async (who: Client, method: string, url: string, body?: unknown) => {
    const res = await who.request(url, body === undefined ? { method } : { method, ...json(body) });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON (an export file) */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const get = (who: Client, url: string) => send(who, 'GET', url);
  const registerCount = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM interventions WHERE type = $1', [type]))[0].n;

  beforeAll(async () => {
    db = await testDb(driver);
    await resetData(db);
    for (const [file, opts] of [
      ['lewisham_wards_2022.geojson', { kind: 'boundaries' as const, level: 'ward' }],
      ['lewisham_violence_robbery_street_api_2016-01_2018-06.csv', { dataset: 'planning test' }],
    ] as const) {
      const r = await importFile(db, path.join(SHARED, file), opts);
      if (r.status !== 'committed') throw new Error(`import of ${file} failed`);
    }
    const app = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined } });
    for (const role of ['analyst', 'officer', 'partner', 'admin'] as const) as[role] = await clientFor(app, db, role);
    const t = await send(as.analyst, 'POST', '/api/interventions/types', { slug: type, label: `Test type ${type}` });
    expect(t.status).toBe(201);
  });

  // ---------- register ----------

  it('keeps every version: create, edit, end, delete, each with who and when', async () => {
    const created = await send(as.officer, 'POST', '/api/interventions', {
      type,
      name: 'Youth hub (old name)',
      geometry: { type: 'Point', coordinates: [-0.0209, 51.4627] },
      starts_on: '2017-01-01',
      owner: 'LB Lewisham',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      version: 1,
      name: 'Youth hub (old name)',
      ends_on: null,
      created_by: as.officer.email,
      geometry: { type: 'Point' },
    });
    const edited = await send(as.officer, 'PATCH', `/api/interventions/${id}`, { name: 'Youth hub', notes: 'moved', version: 1 });
    expect(edited.body).toMatchObject({ version: 2, name: 'Youth hub', notes: 'moved', owner: 'LB Lewisham' });
    // A stale version is refused and changes nothing.
    const stale = await send(as.analyst, 'PATCH', `/api/interventions/${id}`, { name: 'Lost update', version: 1 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'conflict']);
    const ended = await send(as.officer, 'POST', `/api/interventions/${id}/end`, { ends_on: '2018-03-31' });
    expect(ended.body).toMatchObject({ version: 3, ends_on: '2018-03-31' });
    expect((await send(as.officer, 'DELETE', `/api/interventions/${id}`)).status).toBe(403);
    expect((await send(as.analyst, 'DELETE', `/api/interventions/${id}`)).body).toEqual({ id, deleted: true });
    expect((await get(as.admin, `/api/interventions/${id}`)).status).toBe(404);
    const h = await get(as.admin, `/api/interventions/${id}/history`);
    expect(h.status).toBe(200);
    expect(h.body.history.map((v: any) => [v.version, v.action, v.changed_by])).toEqual([
      [1, 'create', as.officer.email],
      [2, 'edit', as.officer.email],
      [3, 'end', as.officer.email],
      [4, 'delete', as.analyst.email],
    ]);
    expect(h.body.history[0].snapshot).toMatchObject({
      name: 'Youth hub (old name)',
      notes: null,
      geometry: { type: 'Point', coordinates: [-0.0209, 51.4627] },
    });
    expect(h.body.history[1].snapshot).toMatchObject({ name: 'Youth hub', notes: 'moved', ends_on: null });
    expect(h.body.history[3].snapshot.deleted_at).not.toBeNull();
    expect(h.body.history.every((v: any) => /^\d{4}-\d\d-\d\dT/.test(v.changed_at))).toBe(true);
    // History is append-only in the database itself.
    await expect(
      db.query('UPDATE intervention_history SET action = $1 WHERE intervention_id = $2', ['edit', id]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM intervention_history WHERE intervention_id = $1', [id])).rejects.toThrow(/append-only/);
    // Partners see no register.
    expect((await get(as.partner, '/api/interventions')).status).toBe(403);
    // Each change is in the audit log too, with who made it; the refused stale edit is not.
    const log = await db.query<{ user_email: string; action: string; resource: string }>(
      `SELECT user_email, action, resource FROM audit_log WHERE resource LIKE $1 ORDER BY id`,
      [`interventions/${id}%`],
    );
    expect(log).toEqual([
      { user_email: as.officer.email, action: 'change', resource: `interventions/${id}` },
      { user_email: as.officer.email, action: 'change', resource: `interventions/${id}/end` },
      { user_email: as.analyst.email, action: 'change', resource: `interventions/${id}` },
    ]);
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    const before = await registerCount();
    const base = { type, name: 'x', geometry: { type: 'Point', coordinates: [-0.02, 51.46] }, starts_on: '2017-01-01' };
    const bad: Array<[unknown, RegExp]> = [
      [{ ...base, type: 'no_such_type' }, /unknown intervention type/],
      [{ ...base, name: '' }, /name/],
      [{ ...base, starts_on: '2017-02-30' }, /not a real date/],
      [{ ...base, ends_on: '2016-12-31' }, /ends_on must not be before starts_on/],
      [
        {
          ...base,
          geometry: {
            type: 'LineString',
            coordinates: [
              [-0.02, 51.46],
              [-0.03, 51.47],
            ],
          },
        },
        /Point or Polygon/,
      ],
      [{ ...base, geometry: { type: 'Point', coordinates: [151.2, -33.9] } }, /Great Britain/],
      [
        {
          ...base,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-0.02, 51.46],
                [-0.01, 51.46],
                [-0.01, 51.47],
              ],
            ],
          },
        },
        /at least 4 positions/,
      ],
      [
        {
          ...base,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-0.02, 51.46],
                [-0.01, 51.46],
                [-0.01, 51.47],
                [-0.02, 51.471],
              ],
            ],
          },
        },
        /closed/,
      ],
      // A bow tie: closed but self-intersecting; PostGIS says why.
      [
        {
          ...base,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-0.02, 51.46],
                [-0.01, 51.47],
                [-0.01, 51.46],
                [-0.02, 51.47],
                [-0.02, 51.46],
              ],
            ],
          },
        },
        /invalid geometry \(Self-intersection/,
      ],
      [{ ...base, colour: 'red' }, /colour/],
    ];
    for (const [body, msg] of bad) {
      const r = await send(as.analyst, 'POST', '/api/interventions', body);
      expect([r.status, r.body.error?.message], JSON.stringify(body)).toEqual([400, expect.stringMatching(msg)]);
    }
    expect((await send(as.analyst, 'PATCH', '/api/interventions/abc', { name: 'x' })).status).toBe(400);
    expect((await send(as.analyst, 'PATCH', '/api/interventions/999999', {})).status).toBe(400);
    expect((await get(as.analyst, '/api/planning/coverage?distance=10')).status).toBe(400);
    expect((await get(as.analyst, '/api/planning/coverage?weights=nope')).body.error.message).toMatch(/no harm scheme "nope"/);
    expect((await get(as.analyst, '/api/planning/patrol?n=51')).status).toBe(400);
    expect((await get(as.analyst, '/api/planning/patrol?bogus=1')).status).toBe(400);
    // An import with one bad row stores nothing.
    const csv = `name,type,starts_on,lon,lat\nA,${type},2017-01-01,-0.02,51.46\nB,${type},2017-13-01,-0.03,51.45\nC,${type},2017-01-01,,51.45\n`;
    const imp = await send(as.officer, 'POST', '/api/interventions/import', { format: 'csv', text: csv });
    expect(imp.status).toBe(400);
    expect(imp.body.error.details.map((d: any) => d.row)).toEqual([3, 4]);
    expect(await registerCount()).toBe(before);
  });

  // Rail stations (NaPTAN, British National Grid) as the test's interventions, imported from CSV.
  let stations: Array<{ id: number; name: string; lon: number; lat: number }> = [];
  it('imports interventions from CSV (easting/northing) and GeoJSON (polygons)', async () => {
    const raw = fs.readFileSync(path.join(SHARED, 'lewisham_rail_stations_naptan.csv'), 'utf8').trim().split('\n');
    const csv = [
      'name,easting,northing',
      ...raw.slice(1).map((l) => {
        const c = l.split(',');
        return `"${c[3]}",${c[6]},${c[7]}`;
      }),
    ].join('\n');
    const r = await send(as.officer, 'POST', '/api/interventions/import', {
      format: 'csv',
      text: csv,
      defaults: { type, starts_on: '2017-01-01', owner: 'BTP' },
    });
    expect(r.status).toBe(201);
    expect(r.body.imported).toBe(raw.length - 1);
    const fc = await get(as.officer, `/api/interventions?type=${type}`);
    stations = fc.body.features
      .filter((f: any) => f.properties.owner === 'BTP')
      .map((f: any) => ({ id: f.id, name: f.properties.name, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
    expect(stations.length).toBe(raw.length - 1);
    // Sydenham station: 535370 E, 171600 N is about 51.4272 N, 0.0543 W.
    const syd = stations.find((s) => s.name === 'Sydenham Rail Station')!;
    expect(syd.lat).toBeCloseTo(51.4272, 3);
    expect(syd.lon).toBeCloseTo(-0.0543, 3);
    const gj = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'Estate works', type, starts_on: '2030-01-01' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-0.03, 51.45],
                [-0.029, 51.45],
                [-0.029, 51.451],
                [-0.03, 51.451],
                [-0.03, 51.45],
              ],
            ],
          },
        },
      ],
    };
    const g = await send(as.analyst, 'POST', '/api/interventions/import', { format: 'geojson', text: JSON.stringify(gj) });
    expect([g.status, g.body.imported]).toEqual([201, 1]);
    const hist = await get(as.analyst, `/api/interventions/${g.body.ids[0]}/history`);
    expect(hist.body.history.map((v: any) => v.action)).toEqual(['import']);
  });

  // ---------- coverage ----------

  let cov: any;
  it('coverage shares agree with an independent PostGIS ST_DWithin computation', async () => {
    const r = await get(as.analyst, `/api/planning/coverage?${W}&types=${type}&distance=400`);
    expect(r.status).toBe(200);
    cov = r.body;
    expect(cov.meta.distance).toBe('straight-line');
    expect(cov.meta.distance_note).toMatch(/not walking distances/);
    expect(cov.hotspots.length).toBeGreaterThan(5);
    expect(cov.hotspots.every((h: any) => ['hot_95', 'hot_99'].includes(h.class))).toBe(true);
    expect(cov.interventions.length).toBe(stations.length); // the 2030 works are not active in the window
    const cells = cov.hotspots.map((h: any) => h.h3);
    // Per ward: incidents in the significant cells, and those within 399.5 / 400 / 400.5 m (geography).
    const rows = await db.query<{ ward_code: string | null; hot: number; c399: number; c400: number; c401: number }>(
      `WITH hot AS (
         SELECT i.id, i.ward_code, i.geom::geography AS g FROM incidents i
         WHERE i.occurred_at >= $1::timestamp AND i.occurred_at < $2::timestamp AND lpad(to_hex(i.h3_9), 15, '0') = ANY($3::text[])),
       v AS (SELECT geom::geography AS g FROM interventions WHERE type = $4 AND deleted_at IS NULL AND starts_on < $2::date AND (ends_on IS NULL OR ends_on >= $1::date))
       SELECT ward_code, count(*)::int AS hot,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, hot.g, 399.5)))::int AS c399,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, hot.g, 400)))::int AS c400,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, hot.g, 400.5)))::int AS c401
       FROM hot GROUP BY ward_code`,
      [`${WINDOW.from}-01`, `${WINDOW.to}-01`, cells, type],
    );
    let total = 0;
    let covered = 0;
    for (const w of rows) {
      const ours = w.ward_code === null ? cov.outside_wards : cov.wards.find((x: any) => x.code === w.ward_code);
      expect(ours.hotspot_incidents, w.ward_code ?? 'outside').toBe(w.hot);
      expect(ours.hotspot_harm).toBe(w.hot); // count scheme: harm = count
      // Grid (ours) vs spheroid (PostGIS) distances differ by < 0.1 m at 400 m: bracketed.
      expect(ours.covered_incidents).toBeGreaterThanOrEqual(w.c399);
      expect(ours.covered_incidents).toBeLessThanOrEqual(w.c401);
      if (w.c399 === w.c401) expect(ours.covered_incidents).toBe(w.c400);
      total += w.hot;
      covered += w.c400;
    }
    expect(cov.borough.hotspot_incidents).toBe(total);
    expect(cov.borough.share).toBeCloseTo(covered / total, 2);
    expect(covered).toBeGreaterThan(0);
    expect(covered).toBeLessThan(total);
    // Uncovered hotspots: none of their harm is covered, and they are listed by harm.
    expect(cov.uncovered.length).toBeGreaterThan(0);
    for (const u of cov.uncovered) expect(u.covered_harm).toBe(0);
    expect(cov.uncovered.every((u: any, i: number, a: any[]) => i === 0 || a[i - 1].harm >= u.harm)).toBe(true);
  });

  it('partners get ward shares perturbed by the cell key method, small counts withheld, and no hotspot lists', async () => {
    const r = await get(as.partner, `/api/planning/coverage?${W}&types=${type}&distance=400`);
    expect(r.status).toBe(200);
    expect(r.body.hotspots).toBeUndefined();
    expect(r.body.uncovered).toBeUndefined();
    expect(r.body.interventions).toBeUndefined();
    expect(r.body.disclosure.min_count).toBe(5);
    expect(r.body.disclosure.rule).toMatch(/cell key/);
    expect(JSON.stringify(r.body)).not.toMatch(/_ckey/);
    expect(JSON.stringify(cov)).not.toMatch(/_ckey/);
    // Each shown count is the ptable's answer for the true count and the key of those incidents, read from the
    // database (the same independent PostGIS computation as above; covered counts where 399.5 m and 400.5 m agree).
    const cells = cov.hotspots.map((h: any) => h.h3);
    const rows = await db.query<{
      ward_code: string | null;
      hot: number;
      khot: number;
      c399: number;
      c400: number;
      c401: number;
      k400: number;
    }>(
      `WITH hot AS (
         SELECT i.id, i.ward_code, i.record_key, i.geom::geography AS g FROM incidents i
         WHERE i.occurred_at >= $1::timestamp AND i.occurred_at < $2::timestamp AND lpad(to_hex(i.h3_9), 15, '0') = ANY($3::text[])),
       v AS (SELECT geom::geography AS g FROM interventions WHERE type = $4 AND deleted_at IS NULL AND starts_on < $2::date AND (ends_on IS NULL OR ends_on >= $1::date))
       SELECT ward_code, count(*)::int AS hot, (sum(record_key) % 256)::int AS khot,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, hot.g, 399.5)))::int AS c399,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, hot.g, 400)))::int AS c400,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, hot.g, 400.5)))::int AS c401,
         (COALESCE(sum(record_key) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, hot.g, 400))), 0) % 256)::int AS k400
       FROM hot GROUP BY ward_code`,
      [`${WINDOW.from}-01`, `${WINDOW.to}-01`, cells, type],
    );
    const truth = new Map(rows.map((w) => [w.ward_code, w]));
    let withheld = 0;
    let checkedHot = 0;
    let checkedCovered = 0;
    for (const w of [...r.body.wards, { ...r.body.outside_wards, code: null }]) {
      const t = truth.get(w.code);
      const hot = t ? perturbCount(t.hot, t.khot) : 0;
      if (hot < 5) expect(w).toMatchObject({ suppressed: true, hotspot_incidents: null, hotspot_harm: null, share: null });
      if (w.suppressed) {
        withheld += 1;
        continue;
      }
      expect(w.hotspot_incidents).toBe(hot);
      expect(w.hotspot_harm).toBe(hot); // count scheme: harm = count, scaled with it
      checkedHot += 1;
      if (t && t.c399 === t.c401) {
        const covered = perturbCount(t.c400, t.k400);
        if (w.covered_incidents !== null) {
          expect(w.covered_incidents).toBe(covered);
          expect(w.share).toBeCloseTo(Math.min(1, covered / hot), 9); // from the perturbed counts
          checkedCovered += 1;
        } else expect(covered < 5 || w.covered_suppressed).toBe(true);
      }
    }
    expect(checkedHot).toBeGreaterThan(0);
    expect(checkedCovered).toBeGreaterThan(0);
    // The borough: the key of all hotspot incidents.
    const all = await db.query<{ n: number; k: number }>(
      `SELECT count(*)::int AS n, (sum(record_key) % 256)::int AS k FROM incidents
       WHERE occurred_at >= $1::timestamp AND occurred_at < $2::timestamp AND lpad(to_hex(h3_9), 15, '0') = ANY($3::text[])`,
      [`${WINDOW.from}-01`, `${WINDOW.to}-01`, cells],
    );
    expect(r.body.borough.hotspot_incidents).toBe(perturbCount(all[0].n, all[0].k));
    // Something was small (wards with no hotspot at all), so complementary suppression withheld at least two.
    expect(cov.wards.some((w: any) => w.hotspot_incidents < 5)).toBe(true);
    expect(withheld).toBeGreaterThanOrEqual(2);
  });

  // ---------- patrol ----------

  it('patrol boxes: over significant hotspots, ranked by harm, at least 500 m apart, contents checked in PostGIS', async () => {
    const r = await get(as.officer, `/api/planning/patrol?${W}&n=8`);
    expect(r.status).toBe(200);
    const boxes = r.body.boxes;
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    expect(r.body.meta.box).toMatch(/150 m squares on the British National Grid/);
    expect(r.body.meta.dosage_rule).toMatch(/Koper 1995/);
    const hot = new Set(cov.hotspots.map((h: any) => h.h3));
    for (const [i, b] of boxes.entries()) {
      expect(b.rank).toBe(i + 1);
      if (i > 0) expect(b.harm).toBeLessThanOrEqual(boxes[i - 1].harm);
      // The centre is an incident location in a significant cell.
      const [c] = await db.query<{ h3: string }>(
        `SELECT lpad(to_hex(h3_9), 15, '0') AS h3 FROM incidents WHERE lon = $1 AND lat = $2 LIMIT 1`,
        [b.centre.lon, b.centre.lat],
      );
      expect(hot.has(c.h3)).toBe(true);
      // Incidents in the box polygon, counted by PostGIS.
      const [n] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= $1::timestamp AND occurred_at < $2::timestamp AND ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), geom)`,
        [`${WINDOW.from}-01`, `${WINDOW.to}-01`, JSON.stringify(b.polygon)],
      );
      expect(b.count).toBe(n.n);
      // police.uk: month precision only, said plainly.
      expect(b.peaks.precision).toBe('month');
      expect(b.peaks.note).toMatch(/month only/);
      expect(b.dosage.visits.length).toBeGreaterThan(0);
    }
    // Spacing on the spheroid (PostGIS), allowing the grid's scale factor (< 0.1 m in 500 m).
    const d = await db.query<{ d: number }>(
      `SELECT ST_Distance(ST_SetSRID(ST_MakePoint(a.lon, a.lat), 4326)::geography, ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4326)::geography) AS d
       FROM jsonb_to_recordset($1::jsonb) AS a(lon float8, lat float8, rank int), jsonb_to_recordset($1::jsonb) AS b(lon float8, lat float8, rank int)
       WHERE a.rank < b.rank`,
      [JSON.stringify(boxes.map((b: any) => ({ ...b.centre, rank: b.rank })))],
    );
    expect(Math.min(...d.map((x) => x.d))).toBeGreaterThanOrEqual(499.5);
  });

  it('patrol exports: CSV, GeoJSON, GPX and HTML briefing, each audited with purpose and recipient', async () => {
    const filters = { from: WINDOW.from, to: WINDOW.to, n: '4' };
    const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE resource LIKE 'patrol.%'`))[0]
      .n;
    const out: Record<string, string> = {};
    for (const format of ['csv', 'geojson', 'gpx', 'html']) {
      const r = await send(as.officer, 'POST', '/api/planning/patrol/export', {
        purpose: 'Operation test briefing',
        recipient: 'Lewisham SNT',
        format,
        filters,
      });
      expect(r.status, format).toBe(200);
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="patrol-boxes-/);
      out[format] = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    }
    expect(out.csv.trim().split('\n').length).toBe(5);
    expect(JSON.parse(out.geojson).features.length).toBe(4);
    expect(out.gpx.match(/<wpt /g)?.length).toBe(4);
    expect(out.html).toMatch(/Lewisham SNT/);
    expect(out.html).not.toMatch(/<script/i);
    const rows = await db.query<{
      resource: string;
      purpose: string;
      recipient: string;
      user_email: string;
      record_count: number;
    }>(
      `SELECT resource, purpose, recipient, user_email, record_count FROM audit_log WHERE resource LIKE 'patrol.%' ORDER BY id DESC LIMIT 4`,
    );
    expect(rows.map((x) => x.resource).sort()).toEqual(['patrol.csv', 'patrol.geojson', 'patrol.gpx', 'patrol.html']);
    expect(
      rows.every(
        (x) =>
          x.purpose === 'Operation test briefing' &&
          x.recipient === 'Lewisham SNT' &&
          x.user_email === as.officer.email &&
          x.record_count === 4,
      ),
    ).toBe(true);
    // No purpose: 400 and nothing audited; partners and admins may not export plans.
    expect(
      (await send(as.officer, 'POST', '/api/planning/patrol/export', { recipient: 'x', format: 'csv', filters })).status,
    ).toBe(400);
    expect(
      (await send(as.partner, 'POST', '/api/planning/patrol/export', { purpose: 'xyz', recipient: 'x', format: 'csv', filters }))
        .status,
    ).toBe(403);
    const after = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE resource LIKE 'patrol.%'`))[0].n;
    expect(after).toBe(before + 4);
  });

  // ---------- outreach ----------

  it('outreach sites among the stations: exact ≥ greedy ≥ bound × exact, coverage checked in PostGIS', async () => {
    const r = await send(as.officer, 'POST', '/api/planning/outreach', {
      from: `${WINDOW.from}-01`,
      to: `${WINDOW.to}-01`,
      k: 4,
      distance: 400,
      candidates: stations.map((s) => ({ name: s.name, lon: s.lon, lat: s.lat })),
    });
    expect(r.status).toBe(200);
    const o = r.body;
    expect(o.exact.optimal).toBe(true);
    expect(o.exact.covered).toBeGreaterThanOrEqual(o.greedy.covered);
    expect(o.greedy.covered).toBeGreaterThanOrEqual(greedyBound(4) * o.exact.covered);
    expect(o.meta.guarantee).toMatch(/1 − 1\/e/);
    expect(o.sites.length).toBe(4);
    // Marginal gains add up and shrink (the exact choice is listed in greedy order).
    expect(o.sites.reduce((s: number, x: any) => s + x.gain, 0)).toBe(o.covered);
    expect(o.greedy.sites.every((x: any, i: number, a: any[]) => i === 0 || a[i - 1].gain >= x.gain)).toBe(true);
    // PostGIS: incidents within 400 m of any chosen site (bracketed as above).
    const [c] = await db.query<{ lo: number; hi: number; total: number }>(
      `WITH s AS (SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS g FROM jsonb_to_recordset($3::jsonb) AS x(lon float8, lat float8))
       SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM s WHERE ST_DWithin(s.g, i.geom::geography, 399.5)))::int AS lo,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM s WHERE ST_DWithin(s.g, i.geom::geography, 400.5)))::int AS hi,
              count(*)::int AS total
       FROM incidents i WHERE i.occurred_at >= $1::timestamp AND i.occurred_at < $2::timestamp`,
      [`${WINDOW.from}-01`, `${WINDOW.to}-01`, JSON.stringify(o.sites.map((s: any) => ({ lon: s.lon, lat: s.lat })))],
    );
    expect(o.total_harm).toBe(c.total);
    expect(o.covered).toBeGreaterThanOrEqual(c.lo);
    expect(o.covered).toBeLessThanOrEqual(c.hi);
  });

  it('outreach over every res-9 cell centre, solved exactly', async () => {
    const r = await send(as.analyst, 'POST', '/api/planning/outreach', {
      from: `${WINDOW.from}-01`,
      to: `${WINDOW.to}-01`,
      k: 5,
      demand: 'hotspots',
    });
    expect(r.status).toBe(200);
    expect(r.body.meta.candidates).toMatch(/res-9 cell centres/);
    expect(r.body.exact.status).toBe('Optimal');
    expect(r.body.covered).toBeGreaterThanOrEqual(r.body.greedy.covered);
    expect(r.body.sites[0].h3).toMatch(/^89/);
    expect((await send(as.partner, 'POST', '/api/planning/outreach', { k: 2 })).status).toBe(403);
  });

  // ---------- coverage and outreach along a walking network ----------

  it('with a walking network loaded: walking coverage and outreach ≤ straight line, every covered place within the limit in PostGIS', async () => {
    // No street network is in shared/data, so the walking network here is built from what is: the 2021 LSOA
    // boundaries, whose rings in London largely follow street centrelines (and rivers and railways). Each
    // ring becomes a line; neighbouring LSOAs share vertices, so the rings join into one network.
    const lsoa = JSON.parse(fs.readFileSync(path.join(SHARED, 'lewisham_lsoa21.geojson'), 'utf8'));
    const network = {
      type: 'FeatureCollection',
      features: lsoa.features
        .flatMap((f: any) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat(1))
        .map((ring: number[][]) => ({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: ring } })),
    };
    const covUrl = `/api/planning/coverage?${W}&types=${type}&distance=400`;
    const outBody = {
      from: `${WINDOW.from}-01`,
      to: `${WINDOW.to}-01`,
      k: 4,
      distance: 400,
      candidates: stations.map((s) => ({ name: s.name, lon: s.lon, lat: s.lat })),
    };
    const timed = async <T>(f: () => Promise<T>) => {
      const t0 = performance.now();
      const out = await f();
      return { out, ms: Math.round(performance.now() - t0) };
    };
    try {
      expect((await get(as.officer, '/api/planning/network')).body).toEqual({ network: null });
      // Only analysts load one; a bad network is refused and nothing is stored.
      expect((await send(as.officer, 'PUT', '/api/planning/network', { name: 'LSOA', network })).status).toBe(403);
      const bad = await send(as.analyst, 'PUT', '/api/planning/network', {
        name: 'bad',
        network: {
          type: 'FeatureCollection',
          features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 51] } }],
        },
      });
      expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_body']);
      expect((await get(as.analyst, '/api/planning/network')).body.network).toBeNull();

      // Straight line first (timed), then load the network.
      const straightCov = await timed(() => get(as.analyst, covUrl));
      const straightOut = await timed(() => send(as.officer, 'POST', '/api/planning/outreach', outBody));
      expect(straightCov.out.body.meta.distance).toBe('straight-line');
      const put = await timed(() =>
        send(as.analyst, 'PUT', '/api/planning/network', { name: 'Lewisham LSOA 2021 boundaries as lines', network }),
      );
      expect(put.out.status).toBe(200);
      expect(put.out.body.network).toMatchObject({
        name: 'Lewisham LSOA 2021 boundaries as lines',
        lines: network.features.length,
      });
      const [stored] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM walking_network_lines');
      expect(stored.n).toBe(network.features.length);

      const first = await timed(() => get(as.analyst, covUrl)); // builds the graph
      const walkCov = await timed(() => get(as.analyst, covUrl));
      const walkOut = await timed(() => send(as.officer, 'POST', '/api/planning/outreach', outBody));
      console.log(
        `[${driver}] coverage straight ${straightCov.ms} ms, walking ${walkCov.ms} ms (first, with graph build: ${first.ms} ms); ` +
          `outreach (${stations.length} stations, exact) straight ${straightOut.ms} ms, walking ${walkOut.ms} ms; network load ${put.ms} ms`,
      );
      const w = walkCov.out.body;
      const st = straightCov.out.body;
      expect(w.meta.distance).toBe('walking');
      expect(w.meta.distance_note).toMatch(/walking distances along the loaded walking network/);
      expect(w.meta.network).toMatchObject({ name: 'Lewisham LSOA 2021 boundaries as lines', lines: network.features.length });
      expect(w.meta.network.loaded_by).toBeUndefined(); // partners see meta
      // Walking distance ≥ straight line, so walking coverage ≤ straight-line coverage everywhere.
      expect(w.borough.hotspot_incidents).toBe(st.borough.hotspot_incidents);
      expect(w.borough.covered_incidents).toBeLessThanOrEqual(st.borough.covered_incidents);
      expect(w.borough.covered_incidents).toBeLessThan(st.borough.covered_incidents); // the detours bite
      expect(w.borough.covered_incidents).toBeGreaterThan(0);
      for (const ward of w.wards)
        expect(ward.covered_incidents).toBeLessThanOrEqual(st.wards.find((x: any) => x.code === ward.code).covered_incidents);
      const stCell = new Map(st.hotspots.map((h: any) => [h.h3, h]));
      for (const h of w.hotspots) {
        const s: any = stCell.get(h.h3);
        expect(h.covered_harm).toBeLessThanOrEqual(s.covered_harm);
        if (h.nearest_intervention_m !== null)
          expect(h.nearest_intervention_m).toBeGreaterThanOrEqual(s.nearest_intervention_m - 1);
      }
      expect(w.uncovered.length).toBeGreaterThanOrEqual(st.uncovered.length);

      // PostGIS, per incident: every incident in a hot cell that walking counts as covered is within 400 m
      // in a straight line (ST_DWithin on geography, 0.5 m for grid vs spheroid), per hot cell.
      const cells = w.hotspots.map((h: any) => h.h3);
      const perCell = await db.query<{ h3: string; within: number }>(
        `WITH v AS (SELECT geom::geography AS g FROM interventions WHERE type = $4 AND deleted_at IS NULL AND starts_on < $2::date AND (ends_on IS NULL OR ends_on >= $1::date))
         SELECT lpad(to_hex(i.h3_9), 15, '0') AS h3, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM v WHERE ST_DWithin(v.g, i.geom::geography, 400.5)))::int AS within
         FROM incidents i WHERE i.occurred_at >= $1::timestamp AND i.occurred_at < $2::timestamp AND lpad(to_hex(i.h3_9), 15, '0') = ANY($3::text[])
         GROUP BY 1`,
        [`${WINDOW.from}-01`, `${WINDOW.to}-01`, cells, type],
      );
      const within = new Map(perCell.map((r) => [r.h3, r.within]));
      for (const h of w.hotspots) expect(h.covered_harm, h.h3).toBeLessThanOrEqual(within.get(h.h3) ?? 0);
      // And place by place, with the app's walking function on the stored network: walk ≥ PostGIS straight line.
      const { walkingNetwork } = await import('../api/planning/network.js');
      const { walkingDistances } = await import('../geodata/network/index.js');
      const { lonLatToBng } = await import('../geodata/planning/geometry.js');
      const net = (await walkingNetwork(db))!;
      const places = await db.query<{ lon: number; lat: number; d: number }>(
        `WITH v AS (SELECT geom::geography AS g FROM interventions WHERE type = $3 AND deleted_at IS NULL AND starts_on < $2::date AND (ends_on IS NULL OR ends_on >= $1::date)),
              p AS (SELECT DISTINCT geom FROM incidents WHERE occurred_at >= $1::timestamp AND occurred_at < $2::timestamp)
         SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, (SELECT min(ST_Distance(v.g, p.geom::geography)) FROM v) AS d FROM p`,
        [`${WINDOW.from}-01`, `${WINDOW.to}-01`, type],
      );
      const sites = stations.map((s) => [{ kind: 'point' as const, xy: lonLatToBng(s.lon, s.lat) }]);
      const walk = walkingDistances(
        net.graph,
        places.map((p) => lonLatToBng(p.lon, p.lat)),
        sites,
        400,
      );
      let coveredPlaces = 0;
      places.forEach((p, i) => {
        if (walk[i] <= 400) {
          coveredPlaces++;
          expect(p.d).toBeLessThanOrEqual(400.5);
          expect(walk[i]).toBeGreaterThanOrEqual(p.d - 0.5);
        }
      });
      expect(coveredPlaces).toBeGreaterThan(0);

      // Outreach: each station's walking cover set is a subset of its straight-line one, so the proven
      // optimum can only fall.
      const o = walkOut.out.body;
      expect(o.meta.distance).toBe('walking');
      expect(o.exact.optimal).toBe(true);
      expect(straightOut.out.body.exact.optimal).toBe(true);
      expect(o.exact.covered).toBeLessThanOrEqual(straightOut.out.body.exact.covered);
      expect(o.exact.covered).toBeGreaterThan(0);
      expect(o.total_harm).toBe(straightOut.out.body.total_harm);
      expect(o.sites.reduce((s: number, x: any) => s + x.gain, 0)).toBe(o.covered);
    } finally {
      expect((await send(as.analyst, 'DELETE', '/api/planning/network')).status).toBe(200);
    }
    // Removed: straight lines again, the same figures as before.
    const back = await get(as.analyst, covUrl);
    expect(back.body.meta.distance).toBe('straight-line');
    expect(back.body.meta.network).toBeNull();
    expect(back.body.borough).toEqual(cov.borough);
  });

  // ---------- Clear-Hold-Build ----------

  it('CHB evaluation: counts checked in PostGIS, WDQ/TNE/DiD from them, interventions per phase, partner suppression', async () => {
    // Area: one ward; control: the ward farthest from it (so it cannot touch the 500 m buffer).
    const [pick] = await db.query<{ a: string; c: string }>(
      `SELECT a.code AS a, c.code AS c FROM areas a, areas c WHERE a.level = 'ward' AND c.level = 'ward' AND a.code = (SELECT min(code) FROM areas WHERE level = 'ward')
       ORDER BY ST_Distance(a.geom::geography, c.geom::geography) DESC LIMIT 1`,
    );
    const body = {
      name: 'Test CHB',
      area: { wards: [pick.a] },
      control: { wards: [pick.c] },
      clear_start: '2017-07-01',
      hold_start: '2017-10-01',
      build_start: '2018-01-01',
      build_end: '2018-07-01',
    };
    // Validation: phases out of order, an unknown ward, a control overlapping the area.
    expect((await send(as.analyst, 'POST', '/api/chb', { ...body, hold_start: '2017-06-01' })).body.error.message).toMatch(
      /phase dates must be in order/,
    );
    expect(
      (await send(as.analyst, 'POST', '/api/chb', { ...body, control: { wards: ['E05999999'] } })).body.error.message,
    ).toMatch(/no ward E05999999/);
    expect((await send(as.analyst, 'POST', '/api/chb', { ...body, control: { wards: [pick.a] } })).body.error.message).toMatch(
      /overlaps the area/,
    );
    expect((await send(as.officer, 'POST', '/api/chb', body)).status).toBe(403);
    const created = await send(as.analyst, 'POST', '/api/chb', body);
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ buffer_m: 500, area: { type: 'MultiPolygon' }, buffer: { type: 'MultiPolygon' } });
    // An intervention inside the area during Hold only.
    const [inside] = await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas WHERE level = 'ward' AND code = $1`,
      [pick.a],
    );
    const iv = await send(as.officer, 'POST', '/api/interventions', {
      type,
      name: 'Hold patrols',
      geometry: { type: 'Point', coordinates: [inside.lon, inside.lat] },
      starts_on: '2017-10-01',
      ends_on: '2017-12-31',
    });
    expect(iv.status).toBe(201);

    const ev = await get(as.officer, `/api/chb/${id}/evaluation`);
    expect(ev.status).toBe(200);
    const phases = ev.body.phases;
    expect(phases.map((p: any) => [p.phase, p.window.from, p.baseline.from, p.baseline.to])).toEqual([
      ['clear', '2017-07-01', '2017-04-01', '2017-07-01'],
      ['hold', '2017-10-01', '2017-04-01', '2017-07-01'],
      ['build', '2018-01-01', '2017-01-01', '2017-07-01'],
    ]);
    for (const ph of phases) {
      const count = async (sql: string, from: string, to: string) =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM incidents i WHERE i.occurred_at >= $1::timestamp AND i.occurred_at < $2::timestamp AND $3::text <> $4::text AND ${sql}`,
            [from, to, pick.a, pick.c],
          )
        )[0].n;
      const inWard = (param: string) =>
        `EXISTS (SELECT 1 FROM areas w WHERE w.level = 'ward' AND w.code = ${param} AND ST_Covers(w.geom, i.geom))`;
      const region = (name: string) => ph.regions.find((x: any) => x.region === name);
      for (const [which, from, to] of [
        ['baseline', ph.baseline.from, ph.baseline.to],
        ['phase', ph.window.from, ph.window.to],
      ] as const) {
        expect(region('area')[`${which}_count`]).toBe(await count(inWard('$3'), from, to));
        expect(region('control')[`${which}_count`]).toBe(await count(inWard('$4'), from, to));
        // The buffer ring: within 500 m of the ward on the spheroid, outside it; bracketed by ±5 m for the grid buffer's segments.
        const ring = (m: number) =>
          `NOT ${inWard('$3')} AND EXISTS (SELECT 1 FROM areas w WHERE w.level = 'ward' AND w.code = $3 AND ST_DWithin(w.geom::geography, i.geom::geography, ${m}))`;
        const b = region('buffer')[`${which}_count`];
        expect(b).toBeGreaterThanOrEqual(await count(ring(495), from, to));
        expect(b).toBeLessThanOrEqual(await count(ring(505), from, to));
      }
      const ba = (name: string) => ({ before: region(name).baseline_count, after: region(name).phase_count });
      const expected = displacement({
        area: ba('area'),
        buffer: ba('buffer'),
        control: ba('control'),
        lengthRatio: ph.length_ratio,
      });
      expect(ph.counts.wdq).toEqual(expected.wdq);
      expect(ph.counts.tne).toEqual(expected.tne);
      expect(ph.counts.did.value).toBe(expected.did.value);
      expect(typeof ph.counts.reading).toBe('string');
      const mine = ph.interventions.filter((x: any) => x.id === iv.body.id);
      expect(mine.length).toBe(ph.phase === 'hold' ? 1 : 0);
    }
    expect(phases[2].length_ratio).toBe(1);

    // Partners (issue 15): each count is the ptable's answer for the true count and the key of the region's
    // incidents in the window (both read from the stored CHB geometries); the figures are computed from the
    // perturbed counts where every one is at least 5, otherwise withheld with the reason. No keys for anyone.
    const pe = await get(as.partner, `/api/chb/${id}/evaluation`);
    expect(pe.status).toBe(200);
    expect(JSON.stringify(pe.body)).not.toMatch(/_ckey/);
    expect(JSON.stringify(ev.body)).not.toMatch(/_ckey/);
    const GEOM = { area: 'area_geom', buffer: 'buffer_geom', control: 'control_geom' } as const;
    for (const [i, ph] of pe.body.phases.entries()) {
      expect(ph.interventions).toBeNull();
      const perturbed: Record<string, { before: number; after: number }> = {};
      for (const rg of ['area', 'buffer', 'control'] as const) {
        const truth = phases[i].regions.find((x: any) => x.region === rg);
        const shown = ph.regions.find((x: any) => x.region === rg);
        const pair = { before: 0, after: 0 };
        for (const [which, w, side] of [
          ['baseline', phases[i].baseline, 'before'],
          ['phase', phases[i].window, 'after'],
        ] as const) {
          const [t] = await db.query<{ n: number; k: number }>(
            `SELECT count(*)::int AS n, (COALESCE(sum(i.record_key), 0) % 256)::int AS k
             FROM incidents i JOIN chb_areas c ON c.id = $1 AND ST_Intersects(c.${GEOM[rg]}, i.geom)
             WHERE i.occurred_at >= $2::timestamp AND i.occurred_at < $3::timestamp`,
            [id, w.from, w.to],
          );
          expect(t.n).toBe(truth[`${which}_count`]);
          pair[side] = perturbCount(t.n, t.k);
          const got = shown[`${which}_count`];
          if (got !== null) expect(got).toBe(pair[side]);
          else expect(shown[`${which}_suppressed`]).toBe(true);
        }
        perturbed[rg] = pair;
      }
      const small = Object.values(perturbed).some((x) => x.before < 5 || x.after < 5);
      if (small) expect([ph.counts, ph.withheld]).toEqual([null, expect.stringMatching(/withheld/)]);
      else {
        const want = displacement({ ...perturbed, lengthRatio: ph.length_ratio } as any);
        expect(ph.counts.wdq).toEqual(want.wdq);
        expect(ph.counts.tne).toEqual(want.tne);
        expect(ph.counts.did).toEqual(want.did);
        expect(ph.regions.map((r: any) => r.phase_count)).toEqual(['area', 'buffer', 'control'].map((rg) => perturbed[rg].after));
      }
    }
    // A CHB with a tiny area forces suppression.
    const tiny = await send(as.analyst, 'POST', '/api/chb', {
      ...body,
      name: 'Tiny',
      area: {
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [inside.lon, inside.lat],
              [inside.lon + 0.0005, inside.lat],
              [inside.lon + 0.0005, inside.lat + 0.0005],
              [inside.lon, inside.lat + 0.0005],
              [inside.lon, inside.lat],
            ],
          ],
        },
      },
    });
    expect(tiny.status).toBe(201);
    const pt = await get(as.partner, `/api/chb/${tiny.body.id}/evaluation`);
    const areaRow = pt.body.phases[0].regions.find((x: any) => x.region === 'area');
    expect(areaRow.phase_suppressed || areaRow.baseline_suppressed).toBe(true);
    expect(pt.body.phases[0].counts).toBeNull();
    // Undefined ratios are reported as such: the tiny area's success measure may be 0/0-free, but never NaN.
    const at = await get(as.analyst, `/api/chb/${tiny.body.id}/evaluation`);
    expect(JSON.stringify(at.body)).not.toMatch(/NaN|Infinity/);
    expect((await send(as.officer, 'DELETE', `/api/chb/${tiny.body.id}`)).status).toBe(403);
    expect((await send(as.analyst, 'DELETE', `/api/chb/${tiny.body.id}`)).status).toBe(200);
    expect((await get(as.admin, `/api/chb/${tiny.body.id}`)).status).toBe(404);
  });

  it('CHB area built from H3 cells with a drawn control polygon: geometry = union of the cells (PostGIS), counts = stored cell ids', async () => {
    // The area: a res-9 cell and its two rings (19 cells) at a ward's point on surface; the control: a
    // ~700 m square drawn around the point on surface of the ward farthest from it.
    const [pick] = await db.query<{ alon: number; alat: number; clon: number; clat: number }>(
      `SELECT ST_X(ST_PointOnSurface(a.geom)) AS alon, ST_Y(ST_PointOnSurface(a.geom)) AS alat,
              ST_X(ST_PointOnSurface(c.geom)) AS clon, ST_Y(ST_PointOnSurface(c.geom)) AS clat
       FROM areas a, areas c WHERE a.level = 'ward' AND c.level = 'ward' AND a.code = (SELECT max(code) FROM areas WHERE level = 'ward')
       ORDER BY ST_Distance(a.geom::geography, c.geom::geography) DESC LIMIT 1`,
    );
    const cells = gridDisk(latLngToCell(pick.alat, pick.alon, 9), 2);
    expect(cells).toHaveLength(19);
    const square = (lon: number, lat: number, d: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [lon - d, lat - d * 0.62],
          [lon + d, lat - d * 0.62],
          [lon + d, lat + d * 0.62],
          [lon - d, lat + d * 0.62],
          [lon - d, lat - d * 0.62],
        ],
      ],
    });
    const drawn = square(pick.clon, pick.clat, 0.005);
    const body = {
      name: 'Cells CHB',
      area: { cells },
      control: { geometry: drawn },
      clear_start: '2017-07-01',
      hold_start: '2017-10-01',
      build_start: '2018-01-01',
      build_end: '2018-07-01',
    };
    const stored = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM chb_areas'))[0].n;
    const before = await stored();
    // Refused, nothing stored: cells of two resolutions; a bad id; a drawn control inside the 500 m buffer.
    const mixed = await send(as.analyst, 'POST', '/api/chb', {
      ...body,
      area: { cells: [...cells.slice(1), cellToParent(cells[0], 8)] },
    });
    expect([mixed.status, mixed.body.error.message]).toEqual([400, expect.stringMatching(/one resolution/)]);
    expect(
      (await send(as.analyst, 'POST', '/api/chb', { ...body, area: { cells: ['8f2830828052d25'] } })).body.error.message,
    ).toMatch(/valid H3 cell at resolution 7\.\.10/);
    const near = square(pick.alon, pick.alat + 0.009, 0.002); // 860–1140 m north of the centre: clear of the cells (~500 m), in the 500 m ring
    const overlap = await send(as.analyst, 'POST', '/api/chb', { ...body, control: { geometry: near } });
    expect([overlap.status, overlap.body.error.message]).toEqual([
      400,
      expect.stringMatching(/overlaps the displacement buffer/),
    ]);
    expect(await stored()).toBe(before);

    const created = await send(as.analyst, 'POST', '/api/chb', body);
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.area_source).toEqual({ kind: 'cells', res: 9, codes: [...cells].sort() });
    expect(created.body.control_source).toEqual({ kind: 'geometry' });
    // The stored area is the union of the cells, each outlined on its own by h3-js cellToBoundary and
    // dissolved by PostGIS ST_Union (not h3-js cellsToMultiPolygon, which the API uses): symmetric
    // difference under 1 m² of a ~1.8 km² area. The control is the drawn polygon.
    const cellPolys = cells.map((c) => {
      const ring = cellToBoundary(c, true);
      return { type: 'Polygon', coordinates: [ring] };
    });
    const [g] = await db.query<{ diff_m2: number; area_m2: number; one_piece: boolean; ctl_diff_m2: number }>(
      `WITH u AS (SELECT ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(p::text), 4326)) AS g FROM jsonb_array_elements($2::jsonb) AS p),
            c AS (SELECT * FROM chb_areas WHERE id = $1)
       SELECT ST_Area(ST_SymDifference(c.area_geom, u.g)::geography) AS diff_m2, ST_Area(c.area_geom::geography) AS area_m2,
              ST_NumGeometries(c.area_geom) = 1 AS one_piece,
              ST_Area(ST_SymDifference(c.control_geom, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))::geography) AS ctl_diff_m2
       FROM c, u`,
      [id, JSON.stringify(cellPolys), JSON.stringify(drawn)],
    );
    expect(g.area_m2).toBeGreaterThan(19 * 0.1e6 * 0.9);
    expect(g.area_m2).toBeLessThan(19 * 0.1e6 * 1.1);
    expect(g.diff_m2).toBeLessThan(1);
    expect(g.one_piece).toBe(true);
    expect(g.ctl_diff_m2).toBeLessThan(1e-3);

    // Evaluation: the area's counts are the incidents whose stored res-9 cell (computed by h3-js at import)
    // is one of the cells; the control's, those PostGIS puts inside the drawn polygon.
    const ev = await get(as.analyst, `/api/chb/${id}/evaluation`);
    expect(ev.status).toBe(200);
    expect(ev.body.area.area_source.kind).toBe('cells');
    let inArea = 0;
    for (const ph of ev.body.phases) {
      for (const [which, w] of [
        ['baseline', ph.baseline],
        ['phase', ph.window],
      ] as const) {
        const [n] = await db.query<{ area: number; control: number }>(
          `SELECT count(*) FILTER (WHERE lpad(to_hex(h3_9), 15, '0') = ANY($3::text[]))::int AS area,
                  count(*) FILTER (WHERE ST_Covers(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), geom))::int AS control
           FROM incidents WHERE occurred_at >= $1::timestamp AND occurred_at < $2::timestamp`,
          [w.from, w.to, cells, JSON.stringify(drawn)],
        );
        const r = (name: string) => ph.regions.find((x: any) => x.region === name)[`${which}_count`];
        expect(r('area'), `${ph.phase} ${which} area`).toBe(n.area);
        expect(r('control'), `${ph.phase} ${which} control`).toBe(n.control);
        inArea += n.area;
      }
    }
    expect(inArea).toBeGreaterThan(0);
    expect((await send(as.analyst, 'DELETE', `/api/chb/${id}`)).status).toBe(200);
  });
});
